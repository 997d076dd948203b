#!/usr/bin/env python3
"""pspace-py benchmark harness (issue 8): start-up, one round trip, scale, fleets.

    python bench/run.py [--quick] [--reps N] [--json-out bench/results.json]

Every figure is the median over repeated runs of whole processes: the installed ``pspace``
next to this interpreter, stdout captured to a file (not a terminal), the sandbox API served
on 127.0.0.1 by ``pspace sandbox serve`` and stopped at the end. Each measurement and its
reference are run in turn (A, B, A, B, ...) so that load from elsewhere hits both alike; a
warm-up run of each comes first. Bytecode is cached in a temporary PYTHONPYCACHEPREFIX, as an
installed package has it.

The table says which targets pass; the exit status is 0 either way (it is a report), and 1
only when the harness itself could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

PYTHON = sys.executable
PSPACE = str(Path(sys.executable).parent / "pspace")
API_KEY = "sandbox-key"
MAX_PAGE_SIZE = 120  # what pspace asks for when walking every page (checked in the run)
API_DEFAULT_PAGE_SIZE = 20  # the API's (and the sandbox's) page size when none is asked for
SCALE_MACHINES = 10_000
LARGE_MACHINES = 100_000  # the sandbox's seed limit
LOAD_CONCURRENCY = 32
LOAD_REQUESTS = 1_600  # per measurement, spread over the connections
SMALL_MACHINES = 100
FLEET_MACHINES = 100
FLEET_LATENCY_MS = 100
ROUND_TRIP_MACHINES = 5
RUN_TIMEOUT_S = 600.0  # any single process; a stuck one is killed and reported
SERVE_TIMEOUT_S = 60.0

TYPER_FLOOR = "import typer"
ROUND_TRIP_FLOOR = (
    "import sys, typer, httpx; "
    "httpx.get(sys.argv[1], headers={'Authorization': 'Bearer ' + sys.argv[2]}).raise_for_status()"
)
SHELL_LOOP = 'p="$1"; shift; for id in "$@"; do "$p" machine stop "$id" || exit 1; done'


class HarnessError(Exception):
    """The harness could not measure (a command failed, the sandbox did not start)."""


# -- running processes --------------------------------------------------------------------------


@dataclass
class Sample:
    wall_ms: float
    maxrss_kb: int


# The launcher: a small, long-lived Python that starts every measured process. A child's
# ru_maxrss counts the memory image it was forked from (Linux records the old image's peak
# at exec, and subprocess forks with vfork), so processes started straight from this harness,
# which holds 10,000 parsed machines at times, would report the harness's peak, not their own.
# Started first, the launcher stays at ~12 MB, below anything measured.
LAUNCHER = """
import json, os, subprocess, sys, threading, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["stdout"], "wb") as out, open(job["stderr"], "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            job["cmd"], env=job["env"], stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        watchdog = threading.Timer(job["timeout"], proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall_ms = (time.perf_counter() - started) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    answer = {"wall_ms": wall_ms, "maxrss_kb": usage.ru_maxrss, "code": proc.returncode}
    print(json.dumps(answer), flush=True)
"""


class Runner:
    """Runs whole processes through the launcher, one at a time."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.runs = 0
        self._launcher = subprocess.Popen(
            [PYTHON, "-I", "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def close(self) -> None:
        launcher = self._launcher
        if launcher.stdin is not None:
            launcher.stdin.close()
        try:
            launcher.wait(timeout=10)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait(timeout=10)

    def run(self, cmd: Sequence[str], *, label: str) -> tuple[Sample, Path]:
        """Run one process to the end; its wall time, its own peak RSS, and its stdout file."""
        self.runs += 1
        out_path = self.workdir / f"stdout-{self.runs}.txt"
        err_path = self.workdir / f"stderr-{self.runs}.txt"
        job = {
            "cmd": list(cmd),
            "env": self.env,
            "stdout": str(out_path),
            "stderr": str(err_path),
            "timeout": RUN_TIMEOUT_S,
        }
        assert self._launcher.stdin is not None
        assert self._launcher.stdout is not None
        self._launcher.stdin.write(json.dumps(job) + "\n")
        answer_line = self._launcher.stdout.readline()
        if not answer_line:
            raise HarnessError("the launcher process died")
        answer = json.loads(answer_line)
        if answer["code"] != 0:
            stderr = err_path.read_text(errors="replace").strip().splitlines()[-5:]
            raise HarnessError(
                f"{label}: exit {answer['code']} from {' '.join(cmd[:6])}: " + " | ".join(stderr)
            )
        err_path.unlink()
        return Sample(answer["wall_ms"], answer["maxrss_kb"]), out_path


def child_env(workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAPERSPACE_", "PSPACE_"))
        and key not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "CI")
    }
    env.update(
        PAPERSPACE_API_KEY=API_KEY,
        PSPACE_CONFIG_DIR=str(workdir / "config"),
        PSPACE_SANDBOX_STATE=str(workdir / "sandbox.sqlite3"),
        PYTHONPYCACHEPREFIX=str(workdir / "pycache"),
    )
    return env


# -- the served sandbox -------------------------------------------------------------------------


class ServedSandbox:
    """``pspace sandbox serve --port 0 --instant`` on 127.0.0.1, with its admin routes."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self._env = env
        self._err_path = workdir / "sandbox-stderr.txt"
        self._proc: subprocess.Popen[str] | None = None
        self.api_url = ""
        self.root_url = ""
        self.admin: httpx.Client | None = None

    def __enter__(self) -> ServedSandbox:
        with self._err_path.open("w") as err:
            self._proc = subprocess.Popen(
                [PSPACE, "sandbox", "serve", "--host", "127.0.0.1", "--port", "0", "--instant"],
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        try:
            first_line = self._first_line()
            name, _, url = first_line.strip().partition("=")
            if name != "PAPERSPACE_API_URL" or not url.startswith("http://127.0.0.1:"):
                raise HarnessError(f"the sandbox printed {first_line!r}, not PAPERSPACE_API_URL=")
            self.api_url = url.rstrip("/")
            self.root_url = self.api_url.removesuffix("/v1")
            self.admin = httpx.Client(base_url=self.root_url, timeout=120)
            self.call("GET", "/_sandbox/health")
        except BaseException:
            self.close()
            raise
        return self

    def _first_line(self) -> str:
        assert self._proc is not None
        assert self._proc.stdout is not None
        stdout = self._proc.stdout
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(SERVE_TIMEOUT_S)
        if not lines or not lines[0]:
            err = self._err_path.read_text(errors="replace").strip()[-500:]
            raise HarnessError(f"the sandbox did not start within {SERVE_TIMEOUT_S:.0f}s: {err}")
        # Keep reading whatever else it prints, so its stdout pipe can never fill up.
        threading.Thread(target=lambda: [None for _ in stdout], daemon=True).start()
        return lines[0]

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self.admin is not None:
            self.admin.close()
            self.admin = None
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        assert self.admin is not None
        # The admin routes take only JSON requests: a body-less POST still says so.
        headers = {"Content-Type": "application/json"}
        response = self.admin.request(method, path, json=body, headers=headers)
        if response.status_code >= 400:
            raise HarnessError(f"{method} {path}: HTTP {response.status_code} {response.text}")
        return response.json()

    def fresh(self, machines: int, prefix: str) -> None:
        """Empty state, no faults, then ``machines`` ready C4 machines named PREFIX0001..."""
        self.call("POST", "/_sandbox/reset")
        self.call("DELETE", "/_sandbox/faults")
        self.call(
            "POST",
            "/_sandbox/seed",
            {"machines": machines, "machineType": "C4", "region": "NY2", "namePrefix": prefix},
        )

    def machines(self, client: httpx.Client) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        query: dict[str, Any] = {"limit": MAX_PAGE_SIZE}
        for _ in range(1000):  # bounded: 120,000 machines
            page = client.get(f"{self.api_url}/machines", params=query).json()
            items.extend(page["items"])
            if not page["hasMore"]:
                return items
            query["after"] = page["nextPage"]
        raise HarnessError("the sandbox kept answering hasMore")


# -- results ------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    value: float
    unit: str
    reference: str
    reference_value: float | None
    target: float | None  # the largest ratio that passes; None = reported only
    note: str = ""
    samples: list[float] = field(default_factory=list)
    reference_samples: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.reference_value is None or self.reference_value == 0:
            return None
        return self.value / self.reference_value

    @property
    def passed(self) -> bool | None:
        if self.error is not None:
            return False
        if self.target is None:
            return None
        ratio = self.ratio
        return ratio is not None and ratio <= self.target

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, passed=self.passed)
        return data


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def alternate(
    reps: int, measures: dict[str, Callable[[], float]], *, warmup: bool = True
) -> dict[str, list[float]]:
    """Run each measure once per round, in turn; ``reps`` rounds after one warm-up round.

    Every other round runs in reverse order (A B, B A, ...), so neither side is always the
    one that runs first after the other.
    """
    if warmup:
        for measure in measures.values():
            measure()
    samples: dict[str, list[float]] = {name: [] for name in measures}
    names = list(measures)
    for round_number in range(reps):
        for name in names if round_number % 2 == 0 else reversed(names):
            samples[name].append(measures[name]())
    return samples


# -- the measurements ---------------------------------------------------------------------------


def bench_startup(runner: Runner, reps: int) -> list[Result]:
    commands = {
        "floor": [PYTHON, "-c", TYPER_FLOOR],
        "pspace --version": [PSPACE, "--version"],
        "pspace --help": [PSPACE, "--help"],
        "pspace machine --help": [PSPACE, "machine", "--help"],
        "pspace machine list --help": [PSPACE, "machine", "list", "--help"],
    }
    _, out = runner.run(commands["pspace --version"], label="pspace --version")
    if not out.read_text().startswith("pspace-py "):
        raise HarnessError(f"pspace --version printed {out.read_text()!r}")

    def timed(cmd: list[str], label: str) -> Callable[[], float]:
        return lambda: runner.run(cmd, label=label)[0].wall_ms

    samples = alternate(reps, {name: timed(cmd, name) for name, cmd in commands.items()})
    floor = samples.pop("floor")
    targets = {
        "pspace --version": 1.3,
        "pspace --help": 1.5,
        # A group's help, and one command's, load only that group and that command (issue 11).
        "pspace machine --help": 1.25,
        "pspace machine list --help": 1.25,
    }
    return [
        Result(
            name=name,
            value=median(values),
            unit="ms",
            reference="python -c 'import typer'",
            reference_value=median(floor),
            target=targets[name],
            samples=values,
            reference_samples=floor,
        )
        for name, values in samples.items()
    ]


def bench_round_trip(runner: Runner, sandbox: ServedSandbox, reps: int) -> Result:
    sandbox.fresh(ROUND_TRIP_MACHINES, "rt-")
    # The URL `pspace machine list` asks for (one page, the API's default size).
    url = f"{sandbox.api_url}/machines?orderBy=dtCreated"
    pspace = [PSPACE, "machine", "list", "--json"]
    floor = [PYTHON, "-c", ROUND_TRIP_FLOOR, url, API_KEY]
    _, out = runner.run(pspace, label="machine list --json")
    listed = json.loads(out.read_text())["items"]
    if len(listed) != ROUND_TRIP_MACHINES:
        raise HarnessError(f"machine list --json gave {len(listed)} machines")
    samples = alternate(
        reps,
        {
            "pspace": lambda: runner.run(pspace, label="machine list --json")[0].wall_ms,
            "floor": lambda: runner.run(floor, label="round-trip floor")[0].wall_ms,
        },
    )
    return Result(
        name=f"pspace machine list --json ({ROUND_TRIP_MACHINES} machines)",
        value=median(samples["pspace"]),
        unit="ms",
        reference="python -c 'import typer, httpx; httpx.get(URL)'",
        reference_value=median(samples["floor"]),
        target=1.3,
        samples=samples["pspace"],
        reference_samples=samples["floor"],
    )


def sent_page_size(sandbox: ServedSandbox) -> int | None:
    """The `limit` pspace sent on its GET /machines calls, from the sandbox's request log."""
    log = sandbox.call("GET", "/_sandbox/requests")["items"]
    limits = {
        entry["query"].get("limit")
        for entry in log
        if entry["method"] == "GET" and entry["path"].endswith("/machines")
    }
    if len(limits) != 1:
        raise HarnessError(f"pspace sent several page sizes: {limits}")
    limit = limits.pop()
    return None if limit is None else int(limit)


def raw_page_fetches(
    sandbox: ServedSandbox, client: httpx.Client, limit: int | None, expected: int = SCALE_MACHINES
) -> float:
    """Sum of the page fetches (GET, and parsing it for the cursor) over every page, in ms."""
    query: dict[str, Any] = {"orderBy": "dtCreated"}
    if limit is not None:
        query["limit"] = limit
    total = 0.0
    count = 0
    for _ in range(20_000):  # bounded
        started = time.perf_counter()
        response = client.get(f"{sandbox.api_url}/machines", params=query)
        response.raise_for_status()
        page = response.json()
        total += time.perf_counter() - started
        count += len(page["items"])
        if not page["hasMore"]:
            break
        query["after"] = page["nextPage"]
    if count != expected:
        raise HarnessError(f"the raw fetch saw {count} machines, not {expected}")
    return total * 1000


def bench_scale(runner: Runner, sandbox: ServedSandbox, reps: int) -> list[Result]:
    """10,000 machines: wall against the raw page fetches, at pspace's page size and at the
    API's default one; peak RSS against the same command over 100 machines."""
    command = [PSPACE, "machine", "list", "--all", "--json"]
    small_pages = [*command, "--limit", str(API_DEFAULT_PAGE_SIZE)]
    # Start-up and one request: what the walk costs beyond its pages.
    one_page = [PSPACE, "machine", "list", "--json", "--limit", "1"]
    label = "machine list --all --json"

    sandbox.fresh(SMALL_MACHINES, "small-")
    small = alternate(reps, {"small": lambda: runner.run(command, label=label)[0].maxrss_kb})

    sandbox.fresh(SCALE_MACHINES, "scale-")
    limits = {}
    for name, cmd in (("own", command), ("default", small_pages)):
        sandbox.call("DELETE", "/_sandbox/requests")
        _, out = runner.run(cmd, label=label)  # also the warm-up
        listed = json.loads(out.read_text())["items"]
        if len(listed) != SCALE_MACHINES:
            raise HarnessError(f"{label} gave {len(listed)} machines, not {SCALE_MACHINES}")
        del listed
        limits[name] = sent_page_size(sandbox)
    if limits["default"] != API_DEFAULT_PAGE_SIZE:
        raise HarnessError(f"--limit {API_DEFAULT_PAGE_SIZE} sent limit={limits['default']}")

    rss: list[float] = []

    def pspace_run(cmd: list[str]) -> float:
        sample, _ = runner.run(cmd, label=label)
        if cmd is command:
            rss.append(sample.maxrss_kb)
        return sample.wall_ms

    with httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"}, timeout=120) as client:
        wall = alternate(
            reps,
            {
                "own": lambda: pspace_run(command),
                "own raw": lambda: raw_page_fetches(sandbox, client, limits["own"]),
                "default": lambda: pspace_run(small_pages),
                "default raw": lambda: raw_page_fetches(sandbox, client, limits["default"]),
                "one page": lambda: runner.run(one_page, label=label)[0].wall_ms,
            },
            warmup=False,
        )

    def wall_result(name: str, title: str, target: float | None) -> Result:
        limit = limits[name]
        pages = -(-SCALE_MACHINES // (limit or API_DEFAULT_PAGE_SIZE))
        size = f"limit={limit}" if limit is not None else "no limit: the API default"
        value, raw = median(wall[name]), median(wall[f"{name} raw"])
        return Result(
            name=f"{title}, {SCALE_MACHINES:,} machines: wall",
            value=value,
            unit="ms",
            reference=f"sum of raw page fetches ({pages} pages, {size})",
            reference_value=raw,
            target=target,
            note=f"pspace spends {value - raw:.0f} ms beyond the fetches "
            "(start-up included; the fetches are the sandbox's time)",
            samples=wall[name],
            reference_samples=wall[f"{name} raw"],
        )

    walk = median(wall["own"]) - median(wall["one page"])
    return [
        # The target is on the command as typed (pspace's own page size, the fewest pages);
        # the API's default page size is shown for comparison.
        wall_result("own", "machine list --all --json", 1.2),
        wall_result("default", f"machine list --all --json --limit {API_DEFAULT_PAGE_SIZE}", None),
        Result(
            name=f"machine list --all --json, {SCALE_MACHINES:,} machines: wall minus start-up",
            value=walk,
            unit="ms",
            reference=f"sum of raw page fetches ({limits['own']} per page)",
            reference_value=median(wall["own raw"]),
            target=None,
            note=f"start-up = 'pspace {' '.join(one_page[1:])}': "
            f"{median(wall['one page']):.0f} ms; what is left is the walk: fetching, parsing, "
            "writing 10,000 machines as indented JSON",
            samples=wall["own"],
            reference_samples=wall["own raw"],
        ),
        Result(
            name=f"machine list --all --json, {SCALE_MACHINES:,} machines: peak RSS",
            value=median(rss) / 1024,
            unit="MB",
            reference=f"same command over {SMALL_MACHINES} machines",
            reference_value=median(small["small"]) / 1024,
            target=1.5,
            samples=[value / 1024 for value in rss],
            reference_samples=[value / 1024 for value in small["small"]],
        ),
    ]


def bench_fleet(
    runner: Runner, sandbox: ServedSandbox, reps: int, *, with_ids_variant: bool
) -> list[Result]:
    prefix = "fleet-"
    latency = {"operation": "*", "action": "latency", "latencyMs": FLEET_LATENCY_MS, "times": 0}
    client = httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"}, timeout=120)

    def prepared() -> list[str]:
        sandbox.fresh(FLEET_MACHINES, prefix)
        ids = [machine["id"] for machine in sandbox.machines(client)]
        if len(ids) != FLEET_MACHINES:
            raise HarnessError(f"seeded {len(ids)} fleet machines, not {FLEET_MACHINES}")
        sandbox.call("POST", "/_sandbox/faults", latency)
        return ids

    def all_stopped(label: str) -> None:
        sandbox.call("DELETE", "/_sandbox/faults")
        states = {machine["state"] for machine in sandbox.machines(client)}
        if states != {"off"}:
            raise HarnessError(f"{label}: after stopping, machine states are {states}")

    def bulk() -> float:
        prepared()
        command = [PSPACE, "machine", "stop", "--all", "--name-glob", f"{prefix}*", "--yes"]
        wall = runner.run(command, label="bulk stop")[0].wall_ms
        all_stopped("bulk stop")
        return wall

    def bulk_ids() -> float:
        ids = prepared()
        wall = runner.run([PSPACE, "machine", "stop", *ids], label="bulk stop by IDs")[0].wall_ms
        all_stopped("bulk stop by IDs")
        return wall

    def loop() -> float:
        ids = prepared()
        command = ["/bin/sh", "-c", SHELL_LOOP, "loop", PSPACE, *ids]
        wall = runner.run(command, label="shell loop")[0].wall_ms
        all_stopped("shell loop")
        return wall

    measures = {"bulk": bulk, "loop": loop}
    if with_ids_variant:
        measures["ids"] = bulk_ids
    try:
        samples = alternate(reps, measures, warmup=False)
    finally:
        client.close()
    loop_median = median(samples["loop"])
    results = [
        Result(
            name=f"stop {FLEET_MACHINES} machines ({FLEET_LATENCY_MS} ms latency): "
            f"machine stop --all --name-glob '{prefix}*' --yes",
            value=median(samples["bulk"]),
            unit="ms",
            reference=f"shell loop of {FLEET_MACHINES} 'pspace machine stop ID'",
            reference_value=loop_median,
            target=0.1,
            note=f"{loop_median / median(samples['bulk']):.1f}x faster (target >= 10x)",
            samples=samples["bulk"],
            reference_samples=samples["loop"],
        )
    ]
    if with_ids_variant:
        results.append(
            Result(
                name=f"stop {FLEET_MACHINES} machines ({FLEET_LATENCY_MS} ms latency): "
                f"machine stop ID x{FLEET_MACHINES}",
                value=median(samples["ids"]),
                unit="ms",
                reference="the same shell loop",
                reference_value=loop_median,
                target=None,
                note=f"{loop_median / median(samples['ids']):.1f}x faster",
                samples=samples["ids"],
                reference_samples=samples["loop"],
            )
        )
    return results


def bench_sandbox_get(machines: int, number: int) -> Result:
    """The sandbox's own work for GET /machines/{id}: its WSGI app called in-process."""
    from pspace_py.sandbox import create_app

    app = create_app(instant=True)
    base = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "QUERY_STRING": "",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "HTTP_AUTHORIZATION": f"Bearer {API_KEY}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }

    def call(method: str, path: str, body: bytes = b"") -> tuple[str, bytes]:
        import io

        status: list[str] = []
        environ = dict(
            base,
            REQUEST_METHOD=method,
            PATH_INFO=path,
            CONTENT_LENGTH=str(len(body)),
            CONTENT_TYPE="application/json",
        )
        environ["wsgi.input"] = io.BytesIO(body)
        chunks = app(environ, lambda s, h, e=None: status.append(s))
        data = b"".join(chunks)
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        return status[0], data

    seed = json.dumps({"machines": machines, "namePrefix": "get-"}).encode()
    status, data = call("POST", "/_sandbox/seed", seed)
    if not status.startswith("200"):
        raise HarnessError(f"in-process seed: {status} {data[:200]!r}")
    machine_id = json.loads(data)["lastId"]
    path = f"/v1/machines/{machine_id}"
    status, data = call("GET", path)
    if not status.startswith("200") or json.loads(data)["id"] != machine_id:
        raise HarnessError(f"in-process GET {path}: {status} {data[:200]!r}")
    runs = timeit.repeat(lambda: call("GET", path), number=number, repeat=5)
    per_call = [run / number * 1000 for run in runs]
    return Result(
        name=f"sandbox GET /machines/{{id}}, in-process WSGI ({machines:,} machines)",
        value=min(per_call),
        unit="ms",
        reference="1 ms",
        reference_value=1.0,
        target=1.0,
        note=f"best of 5 x {number} calls (median {median(per_call):.3f} ms)",
        samples=per_call,
    )


def seed_ms(sandbox: ServedSandbox, machines: int) -> float:
    sandbox.call("POST", "/_sandbox/reset")
    started = time.perf_counter()
    created = sandbox.call(
        "POST", "/_sandbox/seed", {"machines": machines, "namePrefix": "large-"}
    )["created"]
    elapsed = (time.perf_counter() - started) * 1000
    if created != machines:
        raise HarnessError(f"the seed made {created} machines, not {machines}")
    return elapsed


def bench_sandbox_large(runner: Runner, sandbox: ServedSandbox, reps: int) -> list[Result]:
    """100,000 machines: the seed against ten 10,000 seeds; the walk with `--all` against the
    raw page fetches."""
    seeds = alternate(
        reps,
        {
            "large": lambda: seed_ms(sandbox, LARGE_MACHINES),
            "ten small": lambda: 10 * seed_ms(sandbox, SCALE_MACHINES),
        },
        warmup=False,
    )
    seed_ms(sandbox, LARGE_MACHINES)
    command = [PSPACE, "machine", "list", "--all", "-q"]
    label = "machine list --all -q"

    def walk() -> float:
        sample, out = runner.run(command, label=label)
        listed = sum(1 for line in out.read_text().splitlines() if line.strip())
        if listed != LARGE_MACHINES:
            raise HarnessError(f"{label} listed {listed} machines, not {LARGE_MACHINES}")
        return sample.wall_ms

    with httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"}, timeout=120) as client:
        walks = alternate(
            reps,
            {
                "pspace": walk,
                "raw": lambda: raw_page_fetches(sandbox, client, MAX_PAGE_SIZE, LARGE_MACHINES),
            },
            warmup=False,
        )
    pages = -(-LARGE_MACHINES // MAX_PAGE_SIZE)
    return [
        Result(
            name=f"sandbox seed, {LARGE_MACHINES:,} machines (served)",
            value=median(seeds["large"]),
            unit="ms",
            reference=f"10 x the seed of {SCALE_MACHINES:,}",
            reference_value=median(seeds["ten small"]),
            target=1.5,
            note="one transaction; the private address pool holds 1,105,408 per team",
            samples=seeds["large"],
            reference_samples=seeds["ten small"],
        ),
        Result(
            name=f"{label}, {LARGE_MACHINES:,} machines: wall",
            value=median(walks["pspace"]),
            unit="ms",
            reference=f"sum of raw page fetches ({pages} pages, limit={MAX_PAGE_SIZE})",
            reference_value=median(walks["raw"]),
            target=1.5,
            note="pspace's start-up and 100,000 printed IDs included; the pages are the "
            "sandbox's time",
            samples=walks["pspace"],
            reference_samples=walks["raw"],
        ),
    ]


async def _get_repeatedly(host: str, port: int, path: str, count: int) -> None:
    """One keep-alive connection sending `count` GETs, one after the other (HTTP/1.1)."""
    import asyncio

    reader, writer = await asyncio.open_connection(host, port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {API_KEY}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()
    try:
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise HarnessError(f"GET {path}: {head[:60]!r}")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
    finally:
        writer.close()


def ms_per_request(sandbox: ServedSandbox, path: str, concurrency: int) -> float:
    """Wall time per request with `concurrency` connections in flight (asyncio: the client
    itself is one thread doing little, so the server is what is measured)."""
    import asyncio

    host, port = sandbox.root_url.removeprefix("http://").split(":")
    per_connection = LOAD_REQUESTS // concurrency

    async def load() -> None:
        await asyncio.gather(
            *(_get_repeatedly(host, int(port), path, per_connection) for _ in range(concurrency))
        )

    started = time.perf_counter()
    asyncio.run(load())
    return (time.perf_counter() - started) * 1000 / (per_connection * concurrency)


def bench_sandbox_load(sandbox: ServedSandbox, reps: int) -> Result:
    """GET /machines/{id} on the served sandbox: 32 connections at once against one."""
    sandbox.fresh(SCALE_MACHINES, "load-")
    with httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"}, timeout=60) as client:
        page = client.get(f"{sandbox.api_url}/machines", params={"limit": 1}).json()
    path = f"/v1/machines/{page['items'][0]['id']}"
    samples = alternate(
        reps,
        {
            "concurrent": lambda: ms_per_request(sandbox, path, LOAD_CONCURRENCY),
            "one": lambda: ms_per_request(sandbox, path, 1),
        },
    )
    concurrent, one = median(samples["concurrent"]), median(samples["one"])
    return Result(
        name=f"sandbox GET /machines/{{id}} served, {LOAD_CONCURRENCY} connections: time/request",
        value=concurrent,
        unit="ms",
        reference="the same over 1 connection",
        reference_value=one,
        # <= 1.25 is throughput at 32 connections >= 0.8 x throughput at one.
        target=1.25,
        note=f"{1000 / concurrent:,.0f} req/s at {LOAD_CONCURRENCY} vs {1000 / one:,.0f} at 1 "
        f"(c{LOAD_CONCURRENCY}/c1 throughput {one / concurrent:.2f}); {LOAD_REQUESTS} requests "
        "a measurement",
        samples=samples["concurrent"],
        reference_samples=samples["one"],
    )


# -- the report ---------------------------------------------------------------------------------


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms" and value < 10:
        return f"{value:.3f} ms"
    return f"{value:,.1f} {unit}"


def print_table(results: list[Result]) -> None:
    rows = [("measurement", "median", "reference", "ref. median", "ratio", "target", "result")]
    for result in results:
        ratio = result.ratio
        verdict = {True: "pass", False: "FAIL", None: "info"}[result.passed]
        if result.error is not None:
            verdict = "ERROR"
        rows.append(
            (
                result.name,
                format_value(result.value, result.unit) if result.error is None else "-",
                result.reference,
                format_value(result.reference_value, result.unit),
                "-" if ratio is None or result.error else f"{ratio:.2f}",
                "-" if result.target is None else f"<= {result.target:.2f}",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))
    notes = [
        f"  {result.name}: {result.error or result.note}"
        for result in results
        if result.note or result.error
    ]
    if notes:
        print("\nNotes:")
        print("\n".join(notes))
    failed = [result.name for result in results if result.passed is False]
    print()
    if failed:
        print(f"{len(failed)} target(s) FAILED:")
        for name in failed:
            print(f"  - {name}")
    else:
        print("Every target passed.")


def environment() -> dict[str, Any]:
    try:
        load = list(os.getloadavg())
    except OSError:
        load = []
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load,
        "pspace": PSPACE,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Few repetitions (development).")
    parser.add_argument("--reps", type=int, help="Repetitions of the start-up measurements.")
    parser.add_argument("--json-out", type=Path, help="Write the results as JSON here.")
    parser.add_argument(
        "--only",
        choices=("startup", "round-trip", "scale", "fleet", "sandbox"),
        action="append",
        help="Run only these groups (repeatable).",
    )
    args = parser.parse_args(argv)
    if not Path(PSPACE).exists():
        print(f"No pspace next to {PYTHON}: pip install -e . first.", file=sys.stderr)
        return 1
    groups = set(args.only or ("startup", "round-trip", "scale", "fleet", "sandbox"))
    startup_reps = args.reps or (7 if args.quick else 31)
    trip_reps = args.reps or (7 if args.quick else 21)
    scale_reps = 3 if args.quick else 9
    fleet_reps = 1 if args.quick else 3
    load_reps = 3 if args.quick else 9
    large_reps = 1 if args.quick else 5

    started = time.time()
    info = environment()
    results: list[Result] = []

    def group(name: str, measure: Callable[[], list[Result]]) -> None:
        """Run one group; a group that cannot measure is reported as an error row."""
        print(f"{name} ...", file=sys.stderr, flush=True)
        try:
            results.extend(measure())
        except HarnessError as error:
            print(f"bench: {name}: {error}", file=sys.stderr)
            results.append(Result(name, 0.0, "ms", "-", None, None, error=str(error)))

    with tempfile.TemporaryDirectory(prefix="pspace-bench-") as temp:
        workdir = Path(temp)
        env = child_env(workdir)
        runner = Runner(env, workdir)
        try:
            if "startup" in groups:
                group("start-up", lambda: bench_startup(runner, startup_reps))
            if groups & {"round-trip", "scale", "fleet", "sandbox"}:
                try:
                    sandbox = ServedSandbox(env, workdir).__enter__()
                except HarnessError as error:
                    print(f"bench: cannot serve the sandbox: {error}", file=sys.stderr)
                    return 1
                try:
                    runner.env = dict(env, PAPERSPACE_API_URL=sandbox.api_url)
                    if "round-trip" in groups:
                        group(
                            "one round trip", lambda: [bench_round_trip(runner, sandbox, trip_reps)]
                        )
                    if "scale" in groups:
                        group(
                            f"{SCALE_MACHINES:,} machines",
                            lambda: bench_scale(runner, sandbox, scale_reps),
                        )
                    if "fleet" in groups:
                        group(
                            "fleets (a few minutes)",
                            lambda: bench_fleet(runner, sandbox, fleet_reps, with_ids_variant=True),
                        )
                    if "sandbox" in groups:
                        group(
                            f"sandbox served: {LOAD_CONCURRENCY} connections",
                            lambda: [bench_sandbox_load(sandbox, load_reps)],
                        )
                        group(
                            f"sandbox served: {LARGE_MACHINES:,} machines (a few minutes)",
                            lambda: bench_sandbox_large(runner, sandbox, large_reps),
                        )
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
    print(
        f"\n{'quick' if args.quick else 'full'} run, {elapsed:.0f} s; {info['cpus']} CPUs, "
        f"load average at start {', '.join(f'{x:.2f}' for x in info['load_average_at_start'])}"
    )
    if args.json_out:
        document = {
            "command": " ".join([Path(PYTHON).name, "bench/run.py", *(argv or sys.argv[1:])]),
            "quick": args.quick,
            "repetitions": {
                "startup": startup_reps,
                "round_trip": trip_reps,
                "scale": scale_reps,
                "fleet": fleet_reps,
                "sandbox_load": load_reps,
                "sandbox_large": large_reps,
            },
            "environment": info,
            "elapsed_s": round(elapsed, 1),
            "results": [result.as_json() for result in results],
            "failed": [result.name for result in results if result.passed is False],
        }
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(document, indent=2) + "\n")
        print(f"Results written to {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
