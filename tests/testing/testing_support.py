"""Helpers for the tests of the testing tools: docs/testing.md's examples (found by the
`<!-- example: NAME -->` line above each block), a user's environment, and running commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
_EXAMPLE = re.compile(r"<!-- example: ([\w-]+) -->\n```\w+\n(.*?)```", re.DOTALL)


def examples() -> dict[str, str]:
    found = {name: body for name, body in _EXAMPLE.findall(DOC.read_text(encoding="utf-8"))}
    assert found, f"no examples in {DOC}"
    return found


def example(name: str) -> str:
    blocks = examples()
    assert name in blocks, f"docs/testing.md has no example {name!r} (it has {sorted(blocks)})"
    return blocks[name]


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's shell: this venv's commands first on PATH, nothing of pspace's own settings, every
    user directory under `home`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PAPERSPACE_", "PSPACE_", "PYTEST_")) and name != "CI"
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)]),
        PSPACE_CONFIG_DIR=str(home / "config"),
        PSPACE_SANDBOX_STATE=str(home / "sandbox.sqlite3"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """A command as a user types it: no terminal, output captured, bounded in time."""
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
