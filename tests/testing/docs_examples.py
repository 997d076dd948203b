"""The examples of docs/testing.md, found by the `<!-- example: NAME -->` line above each block."""

from __future__ import annotations

import re
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
    import os
    import sys

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


def run_shell(
    script: Path, *, cwd: Path, env: dict[str, str], timeout: float = 120
) -> tuple[int, str, str, bool]:
    """`bash -euo pipefail SCRIPT` in its own process group: (code, stdout, stderr, whether it
    left anything running). Whatever is left is killed."""
    import os
    import signal
    import subprocess
    import time

    def alive(group: int) -> bool:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True

    process = subprocess.Popen(
        ["bash", "-euo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
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
    return process.returncode, stdout, stderr, left_running
