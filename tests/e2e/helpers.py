"""End-to-end helpers: the installed `pspace` in subprocesses, and served sandboxes.

Everything here runs real processes: `pspace sandbox serve --port 0` (the console script next to
this interpreter) and `pspace ...` commands talking to it over loopback. Nothing is imported from
the package under test except in the one in-process test that needs to.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tests.run import Run

PSPACE = Path(sys.executable).parent / "pspace"
SANDBOX_KEY = "sandbox-key"
# The served sandboxes of the fixtures also accept this key, as a team of its own.
E2E_KEY = "e2e-login-key-0123456789"
URL_PREFIX = "PAPERSPACE_API_URL="
ADMIN_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 30.0
# What the parent process may have set that would change what pspace does.
_STRIPPED_PREFIXES = ("PAPERSPACE_", "PSPACE_")
_STRIPPED_NAMES = frozenset({"CI", "NO_COLOR", "COLUMNS", "TERM"})


def base_env(home: Path) -> dict[str, str]:
    """The parent's environment without pspace settings, with every user dir under `home`.

    No `CI`, so that "no prompt" is decided by stdin not being a terminal; `HOME` and the XDG
    dirs in `home` so the completion cache, `--sandbox` state and ~/.paperspace (the official
    CLI's login) are never the real user's files.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_STRIPPED_PREFIXES) and name not in _STRIPPED_NAMES
    }
    env.update(
        {
            "HOME": str(home),  # ~/.paperspace: other Paperspace tools' logins
            "PSPACE_CONFIG_DIR": str(home / "config"),
            "PSPACE_SANDBOX_STATE": str(home / "sandbox.sqlite3"),
            "PSPACE_POLL_INTERVAL": "0.05",
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "PATH": os.pathsep.join([str(PSPACE.parent), env.get("PATH", os.defpath)]),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def pspace_env(
    home: Path,
    api_url: str | None,
    *,
    api_key: str | None = SANDBOX_KEY,
    **extra: str,
) -> dict[str, str]:
    """`base_env` plus `PAPERSPACE_API_URL`/`PAPERSPACE_API_KEY` (None leaves one unset)."""
    env = base_env(home)
    if api_url is not None:
        env["PAPERSPACE_API_URL"] = api_url
    if api_key is not None:
        env["PAPERSPACE_API_KEY"] = api_key
    env.update(extra)
    return env


def run_pspace(
    *args: str,
    env: Mapping[str, str],
    input: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path | None = None,
) -> Run:
    """Run the installed `pspace ARGS...` with no terminal: stdin is `input` or /dev/null."""
    done = subprocess.run(
        [str(PSPACE), *args],
        env=dict(env),
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def run_ok(*args: str, env: Mapping[str, str], input: str | None = None) -> Run:
    """`run_pspace`, failing the test unless it exits 0."""
    result = run_pspace(*args, env=env, input=input)
    assert result.exit_code == 0, f"pspace {' '.join(args)}: {result.describe()}"
    return result


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AdminError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def http_json(
    method: str,
    url: str,
    body: Any = None,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = ADMIN_TIMEOUT,
) -> tuple[int, Any]:
    """A plain HTTP request, as curl would make it: (status, parsed JSON body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None or method in ("POST", "PUT"):  # the admin routes take only JSON
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw = error.read()
        status = error.code
    return status, (json.loads(raw) if raw else None)


class ServedSandbox:
    """A `pspace sandbox serve` process and its admin routes (`/_sandbox/...`)."""

    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process = process
        self.url = url  # http://127.0.0.1:PORT/v1
        self.root = url.removesuffix("/v1")
        self.log = log
        self.exit_code: int | None = None

    # -- admin routes -------------------------------------------------------------------------

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        status, payload = http_json(method, f"{self.root}/_sandbox/{path}", body)
        if status != 200:
            raise AdminError(status, json.dumps(payload))
        return payload

    def reset(self) -> None:
        self.admin("POST", "reset")

    def advance(self, seconds: float) -> None:
        self.admin("POST", "clock/advance", {"seconds": seconds})

    def seed(self, count: int, prefix: str, *, state: str = "ready") -> None:
        self.admin("POST", "seed", {"machines": count, "namePrefix": prefix, "state": state})

    def fault(self, **rule: Any) -> None:
        self.admin("POST", "faults", rule)

    def fault_counters(self) -> list[dict[str, Any]]:
        return list(self.admin("GET", "faults")["items"])

    def fail_event(self, name: str, error: str, *, machine_id: str | None = None) -> None:
        body = {"name": name, "error": error, "machineId": machine_id}
        self.admin("POST", "event-failures", {k: v for k, v in body.items() if v is not None})

    def requests(self) -> list[dict[str, Any]]:
        return list(self.admin("GET", "requests")["items"])

    def api(self, method: str, path: str, body: Any = None, key: str = SANDBOX_KEY) -> Any:
        status, payload = http_json(
            method, f"{self.url}{path}", body, headers={"Authorization": f"Bearer {key}"}
        )
        if status >= 300:
            raise AdminError(status, json.dumps(payload))
        return payload

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then SIGKILL if it lingers; returns the exit code (idempotent)."""
        if self.exit_code is not None:
            return self.exit_code
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        self.exit_code = self.process.returncode
        return self.exit_code

    def stderr_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""


def start_sandbox(
    workdir: Path,
    *flags: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> ServedSandbox:
    """Start `pspace sandbox serve --port 0 FLAGS...` and wait for its URL line.

    stdout and stderr go to files under `workdir` (never a pipe nobody reads); the first stdout
    line must be `PAPERSPACE_API_URL=http://127.0.0.1:PORT/v1`.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    number = len(list(workdir.glob("serve-*.out")))
    out_path = workdir / f"serve-{number}.out"
    log_path = workdir / f"serve-{number}.err"
    with out_path.open("wb") as out, log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(PSPACE), "sandbox", "serve", "--port", "0", *flags],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=log,
            env=dict(env) if env is not None else base_env(workdir / "home"),
        )
    served = ServedSandbox(process, "", log_path)
    deadline = time.monotonic() + timeout
    try:
        while True:
            text = out_path.read_text(errors="replace")
            if "\n" in text:
                break
            if process.poll() is not None:
                raise AssertionError(
                    f"pspace sandbox serve exited {process.returncode} before printing its URL:"
                    f"\n{served.stderr_text()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"pspace sandbox serve printed nothing in {timeout}s")
            time.sleep(0.02)
        first = text.splitlines()[0]
        assert first.startswith(URL_PREFIX), f"unexpected first line: {first!r}"
        served.url = first.removeprefix(URL_PREFIX)
        served.root = served.url.removesuffix("/v1")
        assert served.url.startswith("http://127.0.0.1:"), served.url
        assert served.url.endswith("/v1"), served.url
    except BaseException:
        served.stop()
        raise
    return served


def served_for_session(workdir: Path, *flags: str) -> Iterator[ServedSandbox]:
    """A session fixture's body: `pspace sandbox serve FLAGS...` in `workdir` while the session
    lasts, then stopped with SIGTERM, which must end it cleanly (exit 0)."""
    assert PSPACE.exists(), f"{PSPACE} is missing: run `pip install -e .` in this venv"
    server = start_sandbox(workdir, *flags)
    try:
        yield server
    finally:
        code = server.stop()
    assert code == 0, f"the served sandbox exited {code} on SIGTERM:\n{server.stderr_text()}"


def stop_all(servers: Iterable[ServedSandbox]) -> list[int]:
    return [server.stop() for server in servers]


def ids_of(items: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(item["id"]) for item in items]


class ScriptRun(NamedTuple):
    """A shell script's run: exit code, output, and whether it left a process running."""

    code: int
    stdout: str
    stderr: str
    left_running: bool


def run_bash(script: Path, *, cwd: Path, env: Mapping[str, str], timeout: float = 60) -> ScriptRun:
    """`bash -euo pipefail SCRIPT` in a process group of its own, so that whatever it starts can
    be found: after it exits, anything still running in the group (waited for up to 10 s) is
    reported, then killed."""

    def alive(group: int) -> bool:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True

    process = subprocess.Popen(
        ["bash", "-euo", "pipefail", str(script)],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    left_running = True
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        deadline = time.monotonic() + 10
        while alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        left_running = alive(process.pid)
    finally:
        if alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.communicate(timeout=10)
    return ScriptRun(process.returncode, stdout, stderr, left_running)
