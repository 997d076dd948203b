"""What every benchmark row uses: whole processes run through a launcher (wall, CPU, peak RSS),
the served sandbox, measurements taken in turn, and the result rows."""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import httpx

PYTHON = sys.executable
PSPACE = str(Path(sys.executable).parent / "pspace")
API_KEY = "sandbox-key"
MAX_PAGE_SIZE = 120  # what pspace asks for when walking every page (checked in the run)
RUN_TIMEOUT_S = 600.0  # any single process; a stuck one is killed and reported
SERVE_TIMEOUT_S = 60.0
TYPER_FLOOR = "import typer"

T = TypeVar("T")


class HarnessError(Exception):
    """The harness could not measure (a command failed, the sandbox did not start)."""


class Sample(NamedTuple):
    wall_ms: float
    cpu_ms: float  # user + system time of the process (and any child it waited for)
    maxrss_kb: int


# The launcher: a small, long-lived Python that starts every measured process. A child's
# ru_maxrss counts the memory image it was forked from (Linux records the old image's peak
# at exec, and subprocess forks with vfork), so processes started straight from this harness,
# which holds thousands of parsed machines at times, would report the harness's peak, not
# their own. Started first, the launcher stays at ~12 MB, below anything measured.
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
    answer = {
        "wall_ms": wall_ms,
        "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000,
        "maxrss_kb": usage.ru_maxrss,
        "code": os.waitstatus_to_exitcode(status),
    }
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

    def run(
        self,
        cmd: Sequence[str],
        *,
        label: str,
        env: Mapping[str, str] | None = None,
        keep_stdout: bool = False,
    ) -> tuple[Sample, Path]:
        """Run one process to the end: its wall and CPU time, its own peak RSS, and the path of
        its stdout (removed unless ``keep_stdout``: a list of 100,000 machines is 100 MB)."""
        self.runs += 1
        out_path = self.workdir / f"stdout-{self.runs}.txt"
        err_path = self.workdir / f"stderr-{self.runs}.txt"
        job = {
            "cmd": list(cmd),
            "env": {**self.env, **(env or {})},
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
            out_path.unlink(missing_ok=True)
            raise HarnessError(
                f"{label}: exit {answer['code']} from {' '.join(cmd[:6])}: " + " | ".join(stderr)
            )
        err_path.unlink()
        if not keep_stdout:
            out_path.unlink()
        return Sample(answer["wall_ms"], answer["cpu_ms"], answer["maxrss_kb"]), out_path

    def output(
        self, cmd: Sequence[str], *, label: str, env: Mapping[str, str] | None = None
    ) -> bytes:
        """What one run of ``cmd`` prints on stdout (a check, not a measurement)."""
        _, path = self.run(cmd, label=label, env=env, keep_stdout=True)
        try:
            return path.read_bytes()
        finally:
            path.unlink()

    def digest(
        self, cmd: Sequence[str], *, label: str, env: Mapping[str, str] | None = None
    ) -> str:
        """The SHA-256 of what one run prints (the output is not held in memory)."""
        _, path = self.run(cmd, label=label, env=env, keep_stdout=True)
        try:
            return file_digest(path)
        finally:
            path.unlink()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def child_env(workdir: Path) -> dict[str, str]:
    """The measured processes' environment: this one without pspace's and Paperspace's
    settings or Python's output and bytecode switches, with a fresh config dir and key."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAPERSPACE_", "PSPACE_"))
        and key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "NO_COLOR", "CI")
    }
    env.update(
        PAPERSPACE_API_KEY=API_KEY,
        PSPACE_CONFIG_DIR=str(workdir / "config"),
        PSPACE_CACHE_DIR=str(workdir / "cache"),
        PSPACE_SANDBOX_STATE=str(workdir / "sandbox.sqlite3"),
        PYTHONPYCACHEPREFIX=str(workdir / "pycache"),
    )
    return env


def write_script(workdir: Path, name: str, text: str) -> Path:
    """A floor's program, written once into the work dir (run with PYTHON)."""
    path = workdir / name
    path.write_text(text)
    return path


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
        self.api: httpx.Client | None = None

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
            self.admin = httpx.Client(base_url=self.root_url, timeout=300)
            self.api = httpx.Client(
                base_url=self.api_url + "/",
                headers={"Authorization": f"Bearer {API_KEY}"},
                timeout=120,
            )
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
        for client in (self.admin, self.api):
            if client is not None:
                client.close()
        self.admin = self.api = None
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

    def v1(self, method: str, path: str) -> Any:
        """One call to the API itself (``path`` after /v1/), as a client would make it."""
        assert self.api is not None
        response = self.api.request(method, path.lstrip("/"))
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

    def machines(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        query: dict[str, Any] = {"limit": MAX_PAGE_SIZE}
        for _ in range(1000):  # bounded: 120,000 machines
            assert self.api is not None
            page = self.api.get("machines", params=query).json()
            items.extend(page["items"])
            if not page["hasMore"]:
                return items
            query["after"] = page["nextPage"]
        raise HarnessError("the sandbox kept answering hasMore")

    def sent(self, method: str, suffix: str = "") -> list[dict[str, Any]]:
        """The requests in the sandbox's log with this method (and path ending)."""
        log = self.call("GET", "/_sandbox/requests")["items"]
        return [e for e in log if e["method"] == method and e["path"].endswith(suffix)]

    def page_size_sent(self) -> int | None:
        """The `limit` pspace sent on its GET /machines calls, from the request log."""
        limits = {entry["query"].get("limit") for entry in self.sent("GET", "/machines")}
        if len(limits) != 1:
            raise HarnessError(f"pspace sent several page sizes: {limits}")
        limit = limits.pop()
        return None if limit is None else int(limit)


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
    reps: int, measures: Mapping[str, Callable[[], T]], *, warmup: bool = True
) -> dict[str, list[T]]:
    """Run each measure once per round, in turn; ``reps`` rounds after one warm-up round.

    Every other round runs in reverse order (A B, B A, ...), so neither side is always the
    one that runs first after the other.
    """
    if warmup:
        for measure in measures.values():
            measure()
    samples: dict[str, list[T]] = {name: [] for name in measures}
    names = list(measures)
    for round_number in range(reps):
        for name in names if round_number % 2 == 0 else reversed(names):
            samples[name].append(measures[name]())
    return samples


def compare(
    name: str,
    ours: Sequence[Sample],
    floor: Sequence[Sample],
    *,
    reference: str,
    target: float | None,
    metric: str = "wall",
    note: str = "",
) -> Result:
    """One row: a metric of ``ours`` against the same metric of ``floor``, both medians."""
    pick: Callable[[Sample], float] = {
        "wall": lambda s: s.wall_ms,
        "CPU": lambda s: s.cpu_ms,
        "peak RSS": lambda s: s.maxrss_kb / 1024,
    }[metric]
    values, reference_values = [pick(s) for s in ours], [pick(s) for s in floor]
    return Result(
        name=f"{name}: {metric}",
        value=median(values),
        unit="MB" if metric == "peak RSS" else "ms",
        reference=reference,
        reference_value=median(reference_values),
        target=target,
        note=note,
        samples=values,
        reference_samples=reference_values,
    )


def cpu_note(ours: Sequence[Sample], floor: Sequence[Sample]) -> str:
    """The CPU medians of a wall-time row, for its note."""
    row = compare("", ours, floor, reference="", target=None, metric="CPU")
    return f"CPU {row.value:,.1f} ms vs {row.reference_value:,.1f} ms ({row.ratio:.2f}x)"
