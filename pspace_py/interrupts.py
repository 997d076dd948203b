"""Interrupts: Ctrl-C (SIGINT) and SIGTERM, told apart only in their word and exit code.

CI systems cancel a job with SIGTERM. It is raised as :class:`Terminated`, a
``KeyboardInterrupt``, so whatever handles Ctrl-C handles it too (pspace_py/cli/signals.py
raises it).

A signal is also remembered (:func:`signalled`): library code where it lands may catch the
``KeyboardInterrupt`` and raise an exception of its own (pydantic's schema build, Click's
prompts, httpx), and whatever then surfaces is still the interruption (:func:`behind`).

Where the interpreter cannot pass the handler's exception on (a weakref callback, a
``__del__``: it prints "Exception ignored in ..." and drops it), the interrupt is kept
(:func:`keep_lost`, from pspace_py/cli/signals.py's ``sys.unraisablehook``) and raised again
before the next request is sent and at the end of the run (:func:`take_lost`).
"""

from __future__ import annotations

from typing import NoReturn

INTERRUPTED = 130  # 128 + SIGINT, as shells report it (ExitCode.INTERRUPTED)
TERMINATED = 143  # 128 + SIGTERM (ExitCode.TERMINATED)


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled wherever Ctrl-C is, reported as "Terminated", exit 143."""


def describe(interrupt: BaseException) -> tuple[str, int]:
    """The word for the message and the exit code of an interrupt."""
    if isinstance(interrupt, Terminated):
        return "Terminated", TERMINATED
    return "Interrupted", INTERRUPTED


# The signal this run received, if any: kept until the next run starts (:func:`forget`).
_received: KeyboardInterrupt | None = None


def signalled(interrupt: KeyboardInterrupt) -> NoReturn:
    """What a signal handler does: remember the signal, then raise it where the program is."""
    global _received
    _received = interrupt
    raise interrupt


def behind(error: BaseException) -> KeyboardInterrupt | None:
    """The interrupt ``error`` stands for: itself, or any error once a signal has arrived
    (library code may have turned the ``KeyboardInterrupt`` into an exception of its own)."""
    if isinstance(error, KeyboardInterrupt):
        return error
    return _received


# An interrupt the interpreter dropped, until it is raised again (:func:`take_lost`).
_lost: KeyboardInterrupt | None = None


def keep_lost(interrupt: KeyboardInterrupt) -> None:
    """The interpreter could not raise ``interrupt`` where it landed: keep it for later."""
    global _lost
    _lost = interrupt


def take_lost() -> KeyboardInterrupt | None:
    """The interrupt the interpreter dropped, if any, once (the next call gives None)."""
    global _lost
    interrupt, _lost = _lost, None
    return interrupt


def raise_if_lost() -> None:
    """Raise the interrupt the interpreter dropped, if any: nothing more is done after it."""
    interrupt = take_lost()
    if interrupt is not None:
        raise interrupt


def forget() -> None:
    """A new run starts (one process may run many: tests)."""
    global _received, _lost
    _received = None
    _lost = None
