"""Deadlines: how long the work under way in this thread may still take.

A request has one deadline for all of it (connecting, sending, and the whole answer),
set by the client around each try; a wait sets one for everything it does
(:func:`pspace_py.waiting.wait_for_machine`). Deadlines nest and the nearest one wins,
so a request made while waiting gets at most the time left to the wait, and a retry
that could not start before the deadline is not made. The socket layer asks
:func:`remaining` before every read and write (:mod:`pspace_py.api.transport`).

Each thread has its own: a bulk action waits for many machines at once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

_local = threading.local()


def remaining() -> float | None:
    """Seconds left before the nearest deadline of this thread (None: there is none)."""
    at: float | None = getattr(_local, "at", None)
    return None if at is None else at - time.monotonic()


@contextlib.contextmanager
def limit(seconds: float) -> Iterator[None]:
    """Everything this thread does in the block ends within ``seconds`` (or sooner, if an
    enclosing deadline comes first)."""
    outer: float | None = getattr(_local, "at", None)
    at = time.monotonic() + seconds
    _local.at = at if outer is None else min(at, outer)
    try:
        yield
    finally:
        _local.at = outer
