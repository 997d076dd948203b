"""A real terminal for tests: a command run in a detached tmux pane of a given width.

What a person sees (the terminal's own wrapping, colours stripped) comes back as text;
keys can be typed into the pane (Ctrl-C at a prompt). Every step is bounded, and the
session is killed whatever happens.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType

import pytest

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
_EXIT = re.compile(r"\[exited (\d+)\]")


class Terminal:
    """``argv`` running in a ``columns``-wide tmux pane; its exit code is printed after it."""

    def __init__(
        self, argv: Sequence[str], *, columns: int, env: Mapping[str, str], timeout: float = 30.0
    ) -> None:
        assert TMUX is not None
        self.timeout = timeout
        self.session = f"pspace-test-{uuid.uuid4().hex[:8]}"
        self.channel = f"{self.session}-done"
        exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
        # Only `env` reaches the command: the test process's COLUMNS must not decide the width.
        # A server of its own (-S): tests in parallel never race to start or stop a shared one,
        # and its socket goes with the directory afterwards.
        self._directory = tempfile.mkdtemp(prefix="pspace-tmux-")
        self.socket = ["-S", os.path.join(self._directory, "socket")]
        script = (
            f'env -i {exports} {shlex.join(argv)}; echo "[exited $?]"; '
            f"{shlex.join([TMUX, *self.socket])} wait-for -S {self.channel}; sleep 60"
        )
        self._tmux("new-session", "-d", "-s", self.session, "-x", str(columns), "-y", "400", script)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        assert TMUX is not None
        subprocess.run([TMUX, *self.socket, "kill-server"], capture_output=True, timeout=10)
        shutil.rmtree(self._directory, ignore_errors=True)

    def screen(self) -> str:
        pane = self._tmux("capture-pane", "-p", "-t", self.session, "-S", "-", "-E", "-")
        return "\n".join(line.rstrip() for line in pane.splitlines()).strip("\n") + "\n"

    def wait_for(self, text: str) -> str:
        """The screen once ``text`` is on it (fails after the timeout)."""
        return self.wait_until(lambda screen: text in screen, f"{text!r} never appeared")

    def wait_until(self, ready: Callable[[str], bool], failure: str = "timed out") -> str:
        """The screen once ``ready(screen)`` (fails after the timeout)."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{failure}:\n{self.screen()}")

    def clear_history(self) -> None:
        """Forget what scrolled out of view, so :meth:`wait_for` sees only what comes next."""
        self._tmux("clear-history", "-t", self.session)

    def press(self, *keys: str) -> None:
        """tmux key names: ``C-c``, ``Enter``, or text."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def finish(self) -> tuple[int, str]:
        """(exit code, screen without the exit line) once the command has ended."""
        assert TMUX is not None
        subprocess.run(
            [TMUX, *self.socket, "wait-for", self.channel],
            timeout=self.timeout,
            check=True,
            capture_output=True,
        )
        # The pane's last output and the signal reach the tmux server by different ways, and
        # under load the signal can come first: wait for the exit line itself to be drawn.
        screen = self.wait_until(
            lambda text: _EXIT.search(text) is not None, "the exit line never appeared"
        )
        found = _EXIT.findall(screen)
        return int(found[-1]), _EXIT.sub("", screen).rstrip("\n") + "\n"

    def _tmux(self, *args: str) -> str:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, *self.socket, *args],
            timeout=self.timeout,
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def run_in_terminal(
    argv: Sequence[str], *, columns: int, env: Mapping[str, str], timeout: float = 30.0
) -> str:
    """The pane's text after ``argv`` ran in a ``columns``-wide terminal (trailing blanks cut)."""
    with Terminal(argv, columns=columns, env=env, timeout=timeout) as terminal:
        return terminal.finish()[1]
