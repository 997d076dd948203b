"""Time for the sandbox: every timestamp and every lifecycle step is read from a `Clock`.

Machine and event states are computed from stored timestamps when they are read, so the only
thing that makes a machine "become ready" is the clock moving on. Tests inject a `FakeClock`;
the served sandbox and `pspace --sandbox` use the `SystemClock`, whose optional offset (moved
by `POST /_sandbox/clock/advance`) is persisted with the state so separate processes agree.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Protocol

# 2025-01-01T00:00:00Z: where a FakeClock starts unless told otherwise (stable golden outputs).
FAKE_CLOCK_START_MS = 1_735_689_600_000


class Clock(Protocol):
    """A source of "now" in integer milliseconds since the Unix epoch."""

    def now_ms(self) -> int: ...

    def advance(self, seconds: float) -> None: ...


class SystemClock:
    """The wall clock plus an offset (what `clock/advance` moves)."""

    def __init__(self, offset_ms: int = 0) -> None:
        self.offset_ms = offset_ms

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def advance(self, seconds: float) -> None:
        self.offset_ms += round(seconds * 1000)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start_ms: int = FAKE_CLOCK_START_MS) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> int:
        return self._now_ms

    def advance(self, seconds: float) -> None:
        self._now_ms += round(seconds * 1000)


def iso_from_ms(epoch_ms: int) -> str:
    """`2025-01-02T03:04:05.678Z`: the API's date-time format (UTC, milliseconds, `Z`)."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"
