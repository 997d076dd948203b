"""A real terminal for tests: a command run in a detached tmux pane of a given width.

What a person sees (the terminal's own wrapping, colours stripped) comes back as text.
Every step is bounded; the session is killed whatever happens.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import uuid
from collections.abc import Mapping, Sequence

import pytest

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def run_in_terminal(
    argv: Sequence[str], *, columns: int, env: Mapping[str, str], timeout: float = 30.0
) -> str:
    """The pane's text after ``argv`` ran in a ``columns``-wide terminal (trailing blanks cut)."""
    assert TMUX is not None
    session = f"pspace-test-{uuid.uuid4().hex[:8]}"
    channel = f"{session}-done"
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    # Only `env` reaches the command: the test process's COLUMNS must not decide the width.
    script = f"env -i {exports} {shlex.join(argv)}; {TMUX} wait-for -S {channel}; sleep 60"
    bounded = {"timeout": timeout, "check": True, "capture_output": True}
    subprocess.run(
        [TMUX, "new-session", "-d", "-s", session, "-x", str(columns), "-y", "400", script],
        **bounded,  # type: ignore[arg-type]
    )
    try:
        subprocess.run([TMUX, "wait-for", channel], **bounded)  # type: ignore[arg-type]
        pane = subprocess.run(
            [TMUX, "capture-pane", "-p", "-t", session, "-S", "-", "-E", "-"],
            text=True,
            **bounded,  # type: ignore[arg-type]
        ).stdout
    finally:
        subprocess.run([TMUX, "kill-session", "-t", session], capture_output=True, timeout=10)
    return "\n".join(line.rstrip() for line in pane.splitlines()).strip("\n") + "\n"
