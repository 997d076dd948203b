"""SIGINT and SIGTERM, reported the same way: one line, and exit 130 or 143.

Until the app is ready to run (imports take most of start-up) a signal ends the process at
once with its one line (pspace_py/cli/entry.py): nothing has been sent yet, so nothing can be
in progress, and an exception raised in the middle of an import would only show a traceback.
From then on both raise, SIGTERM as :class:`pspace_py.interrupts.Terminated` (a
``KeyboardInterrupt``), so every ``except KeyboardInterrupt`` treats them alike and the error
boundary can name what may still be in progress (pspace_py/cli/boundary.py). A signal that
lands where the interpreter cannot raise (a weakref callback: seen on Python 3.10 inside the
import system) is not printed as "Exception ignored" and dropped: ``sys.unraisablehook`` keeps
it (pspace_py/interrupts.py), and it is raised again before the next request and reported at
the end of the run.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, NoReturn

from pspace_py.interrupts import Terminated, behind, describe, keep_lost, signalled


def raise_from_now_on() -> None:
    """The app runs: SIGINT raises KeyboardInterrupt, SIGTERM raises :class:`Terminated`."""
    signal.signal(signal.SIGINT, on_signal)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_signal)
    if not isinstance(sys.unraisablehook, _KeepingInterrupts):
        sys.unraisablehook = _KeepingInterrupts(sys.unraisablehook)


class _KeepingInterrupts:
    """``sys.unraisablehook``: an interrupt the interpreter could not raise is kept, not
    printed; anything else goes to the hook that was there before."""

    def __init__(self, previous: Callable[[Any], object]) -> None:
        self.previous = previous

    def __call__(self, unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            keep_lost(unraisable.exc_value)
            return
        self.previous(unraisable)


def on_signal(signum: int, frame: FrameType | None) -> NoReturn:
    """The handler of both signals while the app runs: remembered, then raised."""
    signalled(Terminated() if signum == getattr(signal, "SIGTERM", None) else KeyboardInterrupt())


@contextlib.contextmanager
def reported_as_exit() -> Iterator[None]:
    """An interrupt in the block (or any error once a signal has arrived) is reported
    (:func:`report`) and becomes its exit code."""
    import typer

    try:
        yield
    except typer.Exit:
        raise
    except BaseException as error:
        interrupt = behind(error)
        if interrupt is None:
            raise
        raise typer.Exit(report(interrupt)) from None


def report(interrupt: BaseException) -> int:
    """One line for an interrupt that reached no command (nothing was in progress)."""
    import sys

    word, code = describe(interrupt)
    sys.stderr.write(f"Error: {word}.\n")
    sys.stderr.flush()
    return code
