"""What the signal tests share: the signals and their words and codes, sending one to a
running `pspace`, and the checks on what it said and left behind."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox.app import SandboxApp
from tests.reliability.helpers import MACHINE, TRACEBACK, sandbox_client

# From SIGINT to exit: Python's handler, one message, closing the client. Generous for CI.
PROMPT_EXIT = 3.0
# SIGTERM (what CI sends to cancel a job) is reported as Ctrl-C is (issue 16 item 12).
SIGNALS = {
    "SIGINT": (signal.SIGINT, 130, "Interrupted"),
    "SIGTERM": (signal.SIGTERM, 143, "Terminated"),
}


def interrupt(
    process: subprocess.Popen[str], signum: int = signal.SIGINT
) -> tuple[int, str, str, float]:
    """SIGINT (or ``signum``) now; (exit code, stdout, stderr, seconds until it exited)."""
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, stdout, stderr, time.monotonic() - sent


def assert_interrupted(stderr: str, *fragments: str, word: str = "Interrupted") -> str:
    """One error line, "Error: Interrupted." (or ``word``: "Terminated") and ``fragments``."""
    assert TRACEBACK not in stderr
    assert "KeyboardInterrupt" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert errors[0].startswith(f"Error: {word}."), stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def assert_untouched(config: tuple[Path, bytes, int]) -> None:
    path, content, mode = config
    assert path.read_bytes() == content
    assert path.stat().st_mode == mode
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(".")) == [
        path.name
    ]


def ready_machine(app: SandboxApp, **overrides: Any) -> dict[str, Any]:
    with sandbox_client(app) as client:
        return MachinesApi(client).create({**MACHINE, **overrides}).resource
