"""The served sandbox's flags, defined once for both of its front ends.

`pspace sandbox serve` (Typer, in `cli/sandbox.py`) and `python -m pspace_py.sandbox`
(argparse, in `sandbox/command.py`) build their options from this table, so names, help and
defaults cannot drift apart (tests/sandbox/test_sandbox_server.py holds them side by side).
It lives outside the sandbox package because `pspace sandbox serve --help` reads it without
loading the sandbox (tests/test_import_guard.py); standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

ValueT = TypeVar("ValueT")

DEFAULT_HOST = "127.0.0.1"
SUMMARY = "Serve the sandbox API; prints PAPERSPACE_API_URL=... first, stops on Ctrl-C."


@dataclass(frozen=True)
class Flag(Generic[ValueT]):
    name: str
    help: str
    default: ValueT
    kind: type = str  # what one value is; bool = a switch that takes none
    repeatable: bool = False
    minimum: int | None = None
    maximum: int | None = None

    @property
    def dest(self) -> str:
        """The flag's name as an identifier (`--allow-remote` -> `allow_remote`)."""
        return self.name.lstrip("-").replace("-", "_")


HOST: Flag[str] = Flag("--host", "Address to bind (loopback only).", DEFAULT_HOST)
PORT: Flag[int] = Flag("--port", "Port; 0 picks a free one.", 0, kind=int, minimum=0, maximum=65535)
STATE: Flag[Path | None] = Flag(
    "--state", "SQLite file that keeps state across restarts [default: memory].", None, kind=Path
)
INSTANT: Flag[bool] = Flag("--instant", "Transitions finish at once (for tests).", False, kind=bool)
KEY: Flag[list[str] | None] = Flag(
    "--key", "Extra accepted key, each its own team (repeatable).", None, repeatable=True
)
FAULT: Flag[list[str] | None] = Flag(
    "--fault", "Fault rule, e.g. 'machines-create:status=503,times=2'.", None, repeatable=True
)
ALLOW_REMOTE: Flag[bool] = Flag(
    "--allow-remote", "Allow binding a non-loopback address.", False, kind=bool
)

SERVE_FLAGS: tuple[Flag[Any], ...] = (HOST, PORT, STATE, INSTANT, KEY, FAULT, ALLOW_REMOTE)
