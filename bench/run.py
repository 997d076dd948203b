#!/usr/bin/env python3
"""pspace-py benchmark harness (issues 8 and 17): start-up, one request, scale, fleets,
completion, the sandbox, and the CLIs a user would pick instead.

    python bench/run.py [--quick] [--only GROUP ...] [--json-out bench/results.json]

Every figure is the median over repeated runs of whole processes: the installed ``pspace``
next to this interpreter, stdout captured to a file (not a terminal), the sandbox API served
on 127.0.0.1 by ``pspace sandbox serve`` and stopped at the end. Each measurement and its
floor are run in turn (A, B, A, B, ...) so that load from elsewhere hits both alike; a
warm-up run of each comes first. Bytecode is cached in a temporary PYTHONPYCACHEPREFIX, as an
installed package has it. docs/performance.md says what each floor is.

The table says which targets pass; the exit status is 0 either way (it is a report), and 1
only when the harness itself could not run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fleet import bench_fleet
from harness import PSPACE, PYTHON, HarnessError, Result, Runner, ServedSandbox, child_env
from one_request import bench_one_request
from peers import bench_peers, find_peers
from report import environment, load_average, print_table, spread
from sandbox_rows import (
    LARGE_MACHINES,
    LOAD_CONCURRENCY,
    SCALE_MACHINES,
    bench_sandbox_get,
    bench_sandbox_large,
    bench_sandbox_load,
)
from scale import bench_walk, small_rss
from startup import bench_completion, bench_startup

GROUPS = ("startup", "round-trip", "scale", "fleet", "completion", "sandbox", "peers")
# Rounds of each group: (full run, --quick).
REPS = {
    "startup": (31, 7),
    "round-trip": (21, 7),
    "completion": (31, 7),
    "scale-10k": (9, 3),
    "scale-100k": (5, 1),
    "rss-small": (5, 2),
    "fleet": (3, 1),
    "sandbox-load": (9, 3),
    "sandbox-large": (5, 1),
    "peers": (11, 3),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Few repetitions (development).")
    parser.add_argument("--reps", type=int, help="Rounds of the start-up and one-request rows.")
    parser.add_argument("--json-out", type=Path, help="Write the results as JSON here.")
    parser.add_argument(
        "--only", choices=GROUPS, action="append", help="Run only these groups (repeatable)."
    )
    parser.add_argument(
        "--peer",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="Also time this CLI's start-up (gradient and linode-cli are found on PATH; "
        "'official' is Paperspace's pspace).",
    )
    args = parser.parse_args(argv)
    if not Path(PSPACE).exists():
        print(f"No pspace next to {PYTHON}: pip install -e . first.", file=sys.stderr)
        return 1
    groups = set(args.only or GROUPS)
    reps = {
        name: full_quick[1] if args.quick else full_quick[0] for name, full_quick in REPS.items()
    }
    if args.reps:
        reps.update(startup=args.reps, **{"round-trip": args.reps})
    peers = find_peers(args.peer)

    started = time.time()
    info = environment()
    results: list[Result] = []
    ran: list[dict[str, Any]] = []

    def group(name: str, measure: Callable[[], list[Result]]) -> None:
        """Run one group; a group that cannot measure is reported as an error row."""
        load = load_average()
        print(f"{name} (load average {', '.join(map(str, load))}) ...", file=sys.stderr, flush=True)
        began = time.time()
        try:
            results.extend(measure())
        except HarnessError as error:
            print(f"bench: {name}: {error}", file=sys.stderr)
            results.append(Result(name, 0.0, "ms", "-", None, None, error=str(error)))
        ran.append(
            {
                "group": name,
                "load_average_at_start": load,
                "elapsed_s": round(time.time() - began, 1),
            }
        )

    with tempfile.TemporaryDirectory(prefix="pspace-bench-") as temp:
        workdir = Path(temp)
        env = child_env(workdir)
        runner = Runner(env, workdir)
        try:
            if "startup" in groups:
                group("start-up", lambda: bench_startup(runner, reps["startup"]))
            if "peers" in groups and peers:
                group(
                    f"peers ({', '.join(peers)})", lambda: bench_peers(runner, peers, reps["peers"])
                )
            if groups & {"round-trip", "scale", "fleet", "completion", "sandbox"}:
                try:
                    sandbox = ServedSandbox(env, workdir).__enter__()
                except HarnessError as error:
                    print(f"bench: cannot serve the sandbox: {error}", file=sys.stderr)
                    return 1
                try:
                    runner.env = dict(env, PAPERSPACE_API_URL=sandbox.api_url)
                    served(group, groups, runner, sandbox, reps)
                finally:
                    sandbox.close()
            if "sandbox" in groups:
                number = 300 if args.quick else 2000
                group("sandbox in-process", lambda: [bench_sandbox_get(SCALE_MACHINES, number)])
        finally:
            runner.close()

    print()
    print_table(results)
    elapsed = time.time() - started
    end_load = load_average()
    print(
        f"\n{'quick' if args.quick else 'full'} run, {elapsed:.0f} s; {info['cpus']} CPUs; "
        f"load average {', '.join(map(str, info['load_average_at_start']))} at the start, "
        f"{', '.join(map(str, end_load))} at the end"
    )
    if args.json_out:
        document = {
            "command": " ".join([Path(PYTHON).name, "bench/run.py", *(argv or sys.argv[1:])]),
            "quick": args.quick,
            "repetitions": reps,
            "environment": {**info, "load_average_at_end": end_load},
            "groups": ran,
            "elapsed_s": round(elapsed, 1),
            "results": [
                {
                    **result.as_json(),
                    "spread": spread(result.samples),
                    "reference_spread": spread(result.reference_samples),
                }
                for result in results
            ],
            "failed": [result.name for result in results if result.passed is False],
        }
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(document, indent=2) + "\n")
        print(f"Results written to {args.json_out}")
    return 0


def served(
    group: Callable[[str, Callable[[], list[Result]]], None],
    groups: set[str],
    runner: Runner,
    sandbox: ServedSandbox,
    reps: dict[str, int],
) -> None:
    """The groups that need the served sandbox, in order."""
    if "round-trip" in groups:
        group("one request", lambda: bench_one_request(runner, sandbox, reps["round-trip"]))
    if "completion" in groups:
        group("completion", lambda: bench_completion(runner, sandbox, reps["completion"]))
    if "scale" in groups:
        small: list[Any] = []

        def walk(machines: int, rounds: int) -> list[Result]:
            if not small:
                small.extend(small_rss(runner, sandbox, reps["rss-small"]))
            return bench_walk(runner, sandbox, machines, rounds, small)

        group("10,000 machines", lambda: walk(10_000, reps["scale-10k"]))
        group("100,000 machines (a few minutes)", lambda: walk(100_000, reps["scale-100k"]))
    if "fleet" in groups:
        group("fleets (a few minutes)", lambda: bench_fleet(runner, sandbox, reps["fleet"]))
    if "sandbox" in groups:
        group(
            f"sandbox served: {LOAD_CONCURRENCY} connections",
            lambda: [bench_sandbox_load(sandbox, reps["sandbox-load"])],
        )
        group(
            f"sandbox served: {LARGE_MACHINES:,} machines (a few minutes)",
            lambda: bench_sandbox_large(runner, sandbox, reps["sandbox-large"]),
        )


if __name__ == "__main__":
    sys.exit(main())
