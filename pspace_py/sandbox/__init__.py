"""The sandbox: a stateful local emulator of the Paperspace REST API v1.

Public API (the CLI imports this package lazily; importing it is cheap, the WSGI stack is only
loaded by `create_app`):

- `create_app(...)` -> `SandboxApp`, a WSGI callable.
- `default_state_path()` -> the SQLite file `pspace --sandbox` uses.
- `in_process_transport(...)` -> an `httpx` transport running the sandbox in-process.
- `reset_state(...)` -> empty a state file.
- `running(...)` -> `RunningSandbox`: served on loopback in a thread, with typed controls, for
  any Python code and the pytest plugin (`harness.py`; docs/testing.md).
- `pspace_py.sandbox.server.serve(...)` -> serve on loopback with waitress (`python -m
  pspace_py.sandbox` and `pspace sandbox serve` are its command lines, `command.py`).

See docs/sandbox.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from pspace_py.sandbox.clock import Clock, FakeClock, SystemClock
from pspace_py.sandbox.errors import SandboxStateError
from pspace_py.sandbox.factory import create_app
from pspace_py.sandbox.faults import FaultRule, parse_fault_rule
from pspace_py.sandbox.harness import LoggedRequest, RunningSandbox, SeededMachines, running
from pspace_py.sandbox.lifecycle import Timing
from pspace_py.sandbox.teams import DEFAULT_API_KEY

if TYPE_CHECKING:
    import httpx

STATE_ENV_VAR = "PSPACE_SANDBOX_STATE"
STATE_FILE_NAME = "sandbox.sqlite3"

__all__ = [
    "DEFAULT_API_KEY",
    "Clock",
    "FakeClock",
    "FaultRule",
    "LoggedRequest",
    "RunningSandbox",
    "SandboxStateError",
    "SeededMachines",
    "SystemClock",
    "Timing",
    "create_app",
    "default_state_path",
    "in_process_transport",
    "parse_fault_rule",
    "reset_state",
    "running",
]


def default_state_path() -> Path:
    """Where `pspace --sandbox` keeps its state: $PSPACE_SANDBOX_STATE, or the user data dir."""
    override = os.environ.get(STATE_ENV_VAR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path("pspace-py", appauthor=False) / STATE_FILE_NAME


def in_process_transport(
    *, state_path: str | os.PathLike[str] | None = None, instant: bool = False
) -> httpx.BaseTransport:
    """The transport behind `pspace --sandbox`: the sandbox in this process, state in a file.

    Requests without an Authorization header are sent as `sandbox-key`. Time comes from the
    wall clock, so a machine created by one invocation is ready for a later one.
    """
    from pspace_py.sandbox.transport import SandboxTransport

    app = create_app(
        state_path=state_path if state_path is not None else default_state_path(),
        instant=instant,
    )
    return SandboxTransport(app, default_api_key=DEFAULT_API_KEY, owns_app=True)


def reset_state(state_path: str | os.PathLike[str] | None = None) -> None:
    """Empty a state file (default: `default_state_path()`).

    A sandbox state file of another schema version (or one SQLite cannot read) is deleted; a
    file that is not sandbox state is refused (`SandboxStateError`) and left untouched, and so
    is an empty file (there is nothing to empty).
    """
    from pspace_py.sandbox.store import Store, state_file

    path = Path(state_path) if state_path is not None else default_state_path()
    if state_file.kind_of(path) in ("missing", "empty"):
        return
    try:
        store = Store(path)
    except SandboxStateError:  # ours (kind_of said so), but not of this version
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    try:
        store.clear()
    finally:
        store.close()
