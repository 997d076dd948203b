"""Interrupts: Ctrl-C (SIGINT) and SIGTERM, told apart only in their word and exit code.

CI systems cancel a job with SIGTERM. It is raised as :class:`Terminated`, a
``KeyboardInterrupt``, so whatever handles Ctrl-C handles it too (pspace_py/cli/signals.py
raises it).
"""

from __future__ import annotations

INTERRUPTED = 130  # 128 + SIGINT, as shells report it (ExitCode.INTERRUPTED)
TERMINATED = 143  # 128 + SIGTERM (ExitCode.TERMINATED)


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled wherever Ctrl-C is, reported as "Terminated", exit 143."""


def describe(interrupt: BaseException) -> tuple[str, int]:
    """The word for the message and the exit code of an interrupt."""
    if isinstance(interrupt, Terminated):
        return "Terminated", TERMINATED
    return "Interrupted", INTERRUPTED
