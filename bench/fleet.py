"""Stopping 100 machines with 100 ms of latency on every request: by ID, by `--all --name-glob`,
and as a shell loop of one process a machine."""

from __future__ import annotations

from collections.abc import Callable

from harness import PSPACE, HarnessError, Result, Runner, Sample, ServedSandbox, alternate, compare

MACHINES = 100
LATENCY_MS = 100
PREFIX = "fleet-"
SHELL_LOOP = 'p="$1"; shift; for id in "$@"; do "$p" machine stop "$id" || exit 1; done'
BY_GLOB = [PSPACE, "machine", "stop", "--all", "--name-glob", f"{PREFIX}*", "--yes"]


def bench_fleet(runner: Runner, sandbox: ServedSandbox, reps: int) -> list[Result]:
    latency = {"operation": "*", "action": "latency", "latencyMs": LATENCY_MS, "times": 0}

    def prepared() -> list[str]:
        sandbox.fresh(MACHINES, PREFIX)
        ids = [str(machine["id"]) for machine in sandbox.machines()]
        if len(ids) != MACHINES:
            raise HarnessError(f"seeded {len(ids)} fleet machines, not {MACHINES}")
        sandbox.call("POST", "/_sandbox/faults", latency)
        return ids

    def all_stopped(label: str) -> None:
        sandbox.call("DELETE", "/_sandbox/faults")
        states = {machine["state"] for machine in sandbox.machines()}
        if states != {"off"}:
            raise HarnessError(f"{label}: after stopping, machine states are {states}")

    def measure(label: str, command: Callable[[list[str]], list[str]]) -> Callable[[], Sample]:
        def run() -> Sample:
            ids = prepared()
            sample = runner.run(command(ids), label=label)[0]
            all_stopped(label)
            return sample

        return run

    samples = alternate(
        reps,
        {
            "glob": measure("bulk stop by glob", lambda _: BY_GLOB),
            "ids": measure("bulk stop by IDs", lambda ids: [PSPACE, "machine", "stop", *ids]),
            "loop": measure(
                "shell loop", lambda ids: ["/bin/sh", "-c", SHELL_LOOP, "loop", PSPACE, *ids]
            ),
        },
        warmup=False,
    )
    title = f"stop {MACHINES} machines ({LATENCY_MS} ms latency)"
    glob = f"machine stop --all --name-glob '{PREFIX}*' --yes"
    by_ids = compare(
        f"{title}: machine stop ID x{MACHINES}",
        samples["ids"],
        samples["glob"],
        reference=glob,
        target=1.2,
    )
    by_glob = compare(
        f"{title}: {glob}",
        samples["glob"],
        samples["loop"],
        reference=f"shell loop of {MACHINES} 'pspace machine stop ID'",
        target=0.1,
    )
    by_glob.note = (
        f"{1 / by_glob.ratio:.1f}x faster than the loop (target >= 10x)" if by_glob.ratio else ""
    )
    return [by_ids, by_glob]
