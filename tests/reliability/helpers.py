"""What the reliability tests share.

- :func:`invoke`: run `pspace ARGS...` in-process (Typer's ``CliRunner``) with the API client's
  retry waits recorded instead of slept (:class:`RecordingContext`), against the in-process
  sandbox (``SandboxTransport``, so resets, drops and read timeouts behave as over a socket) or
  against a served one (``--api-url``).
- :func:`served_sandbox`: a sandbox served by waitress on loopback in a thread, whose latency
  faults announce themselves (:class:`LatencyGate`) and end early at teardown.
- :func:`spawn`: the installed ``pspace`` entry point in a subprocess.
- Fault rules, request-log queries and output checks.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pspace_py.api.client import ApiClient
from pspace_py.cli.context import AppContext
from pspace_py.errors import ExitCode
from pspace_py.sandbox import FaultRule, create_app, parse_fault_rule
from pspace_py.sandbox.app import SandboxApp
from pspace_py.sandbox.server import SandboxServer
from pspace_py.sandbox.transport import SandboxTransport
from tests.run import Run
from tests.run import invoke as run_in_process

KEY = "sandbox-key"
# Exit codes of the public contract (docs/dev/conventions.md).
EXIT_CODES = frozenset(int(code) for code in ExitCode)
PSPACE = Path(sys.executable).parent / "pspace"
MACHINE = {
    "name": "rel-1",
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "NY2",
    "diskSize": 50,
}
TRACEBACK = "Traceback (most recent call last)"
# ESC, BEL, CSI (C1) and the rest of C0/C1 except newline and tab: none may reach a terminal.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def create_args(name: str = "rel-1", *extra: str) -> list[str]:
    return [
        "machine",
        "create",
        "--name",
        name,
        "--machine-type",
        "C4",
        "--template-id",
        "t0nspur5",
        "--region",
        "NY2",
        "--disk-size",
        "50",
        *extra,
    ]


def rule(text: str) -> FaultRule:
    return parse_fault_rule(text)


def arm(app: SandboxApp, *rules: str) -> None:
    """Replace the sandbox's faults with ``rules`` (compact form) and clear its request log."""
    app.clear_faults()
    for text in rules:
        app.add_fault(rule(text))
    app.clear_request_log()


def attempts(app: SandboxApp, operation: str) -> list[dict[str, Any]]:
    """The sandbox's request-log entries for one operationId, oldest first."""
    return [entry for entry in app.request_log() if entry.get("operationId") == operation]


def machines_named(app: SandboxApp, name: str) -> list[dict[str, Any]]:
    """What the sandbox holds, read with a fault-free client (faults are cleared first)."""
    app.clear_faults()
    with sandbox_client(app) as client:
        return [m for m in client.iter_items("machines", {"name": name}) if m.get("name") == name]


def sandbox_client(app: SandboxApp, **kwargs: Any) -> ApiClient:
    """The real client, in-process, never sleeping."""
    options: dict[str, Any] = {"sleep": lambda _: None, **kwargs}
    # A loopback host: a served sandbox's app refuses any other Host header.
    return ApiClient(
        "http://127.0.0.1/v1",
        KEY,
        transport=SandboxTransport(app, sleep=lambda _: None),
        **options,
    )


# -- in-process CLI runs -------------------------------------------------------------------------


class RecordingContext(AppContext):
    """The CLI's invocation context, with the API client's retry waits recorded, not slept.

    Everything else (settings from flags, env and profile; the transport) is the real
    ``AppContext.client_for_key``; only the client's sleep is swapped, so retry counts and
    waits are the product's own.
    """

    def __init__(
        self, transport: httpx.BaseTransport | None, sleep: Callable[[float], None] | None = None
    ) -> None:
        super().__init__(transport=transport)
        self.sleeps: list[float] = []
        self._sleep_hook = sleep

    def client_for_key(self, api_key: str) -> ApiClient:
        client = super().client_for_key(api_key)
        client._sleep = self._record_sleep
        return client

    def _record_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self._sleep_hook is not None:
            self._sleep_hook(seconds)


Cli = Callable[..., Run]


def invoke(
    transport: httpx.BaseTransport | None,
    *args: str,
    env: Mapping[str, str | None] | None = None,
    input: str | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Run:
    """`pspace ARGS...` in-process, the client's retry waits recorded in ``run.sleeps``."""
    return run_in_process(RecordingContext(transport, sleep), *args, env=env, input=input)


def in_process(app: SandboxApp) -> SandboxTransport:
    """The sandbox as a transport; its latency faults cost no time."""
    return SandboxTransport(app, sleep=lambda _: None)


def assert_one_error_line(run: Run, *fragments: str) -> str:
    """Exactly one line on stderr (besides --debug lines), no traceback; returns it."""
    assert TRACEBACK not in run.output, run.output
    lines = run.error_lines
    # The price summary of `machine create` comes before the error; only the last line is it.
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0] == lines[-1], run.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


# -- served sandbox ------------------------------------------------------------------------------


class LatencyGate:
    """The served sandbox's sleep for latency faults.

    Each wait is counted and announced (``entered``), and every wait ends at once when
    ``release()`` is called, so a test can act while a request is in flight and teardown
    never waits for a long latency fault to run out.
    """

    def __init__(self) -> None:
        self.entered = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self.count = 0

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.count += 1
        self.entered.set()
        self._released.wait(seconds)

    def release(self) -> None:
        self._released.set()


@dataclass
class Served:
    server: SandboxServer
    app: SandboxApp
    gate: LatencyGate

    @property
    def url(self) -> str:
        return self.server.url


@contextlib.contextmanager
def served_sandbox(**create_kwargs: Any) -> Iterator[Served]:
    """A sandbox served on 127.0.0.1 (a free port) in this process, stopped on exit."""
    app = create_app(**create_kwargs)
    gate = LatencyGate()
    app.sleep = gate
    server = SandboxServer(app=app)
    server.start()
    try:
        yield Served(server, app, gate)
    finally:
        gate.release()
        server.stop()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- subprocesses --------------------------------------------------------------------------------


def subprocess_env(url: str, **extra: str) -> dict[str, str]:
    """The test's environment (isolated config dir) pointed at ``url`` with the sandbox key."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAPERSPACE_", "PSPACE_SANDBOX")) and key != "CI"
    }
    env.update(
        {
            "PAPERSPACE_API_URL": url,
            "PAPERSPACE_API_KEY": KEY,
            "PYTHONUNBUFFERED": "1",
            "NO_COLOR": "1",
            **extra,
        }
    )
    return env


def spawn(args: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[str]:
    """The installed `pspace` entry point (next to this Python) in its own process."""
    assert PSPACE.exists(), f"{PSPACE} is missing: run `pip install -e .` in this venv"
    return subprocess.Popen(
        [str(PSPACE), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env),
    )


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, step: float = 0.01) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(step)
