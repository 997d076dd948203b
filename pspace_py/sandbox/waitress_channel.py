"""How waitress's channels run the sandbox app: one request at a time, faults at the socket.

- One thread runs the app at a time (`Turn`), and waitress has one thread to run it with, plus
  one more for each request asleep in an injected latency (`Turn.sleep` lends it for as long as
  the sleep lasts, so sleepers never hold up the others). The app is Python under one GIL:
  more threads at once only make them take turns, and handing the turn from thread to thread
  costs more than the app's work (at 32 concurrent clients, 16 waiting threads made each
  request take 1.3x as long as over one connection; one thread, 0.9x).
- Connection faults need the socket: the task subclass turns the app's `ConnectionDropError`
  into waitress's own `ClientDisconnected`, after which waitress closes the connection without
  writing a byte; for `reset` it first sets SO_LINGER to 0 so the close sends a TCP RST.
- waitress warns "Task queue depth is N" for every request queued behind busy threads; under
  load that is one line per request, so one is let through per `QUEUE_REPORT_EVERY_S`.

Pinned to and tested with waitress 3.0 (served by `server.py`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.task import WSGITask

from pspace_py.sandbox.faults import ConnectionDropError
from pspace_py.sandbox.wire import SLEEP_ENVIRON_KEY

QUEUE_REPORT_EVERY_S = 60.0


class _EveryNowAndThen(logging.Filter):
    """Lets one record through per `every` seconds; says how many it held back meanwhile."""

    def __init__(self, every: float) -> None:
        super().__init__()
        self.every = every
        self._next = 0.0
        self._held = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                self._held += 1
                return False
            self._next = now + self.every
            held, self._held = self._held, 0
        if held:
            record.msg = f"{record.msg} ({held} more such reports held back)"
        return True


def quiet_queue_reports() -> None:
    queue_logger = logging.getLogger("waitress.queue")
    if not any(isinstance(item, _EveryNowAndThen) for item in queue_logger.filters):
        queue_logger.addFilter(_EveryNowAndThen(QUEUE_REPORT_EVERY_S))


class Turn:
    """A lock around the app's work; sleeping inside it gives the turn up meanwhile and lends
    the server one more thread (`set_thread_count`, waitress's) while the sleep lasts."""

    def __init__(
        self, threads: int = 1, set_thread_count: Callable[[int], None] | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._threads = threads
        self._set_thread_count = set_thread_count
        self._asleep = 0
        self._count_lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()

    def sleep(self, sleep: Callable[[float], None], seconds: float) -> None:
        """`sleep(seconds)` (the app's own sleep) with the turn given up meanwhile."""
        self._lend(1)
        self._lock.release()
        try:
            sleep(seconds)
        finally:
            self._lock.acquire()
            self._lend(-1)

    def close(self) -> None:
        """No more lending: the server is stopping its threads."""
        with self._count_lock:
            self._set_thread_count = None

    def _lend(self, threads: int) -> None:
        with self._count_lock:
            self._asleep += threads
            if self._set_thread_count is not None:
                self._set_thread_count(self._threads + self._asleep)


class _DroppingTask(WSGITask):  # type: ignore[misc]
    turn: Turn  # the server's (see `channel_class`)
    app_sleep: Callable[[float], None]

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[SLEEP_ENVIRON_KEY] = functools.partial(self.turn.sleep, self.app_sleep)
        return environ

    def execute(self) -> None:
        try:
            with self.turn:
                super().execute()
        except ConnectionDropError as drop:
            if drop.abortive:
                sock = getattr(self.channel, "socket", None)
                # Linger on, timeout 0: close() then sends RST instead of FIN. Best effort (the
                # struct layout differs on some platforms; a FIN is still "no response").
                with contextlib.suppress(OSError, struct.error):
                    if sock is not None:
                        sock.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
            raise ClientDisconnected(str(drop)) from drop


class _DroppingChannel(HTTPChannel):  # type: ignore[misc]
    task_class = _DroppingTask


def channel_class(app: Any, turn: Turn) -> type[_DroppingChannel]:
    """Channels whose tasks take `turn` at this server's app and sleep with its `sleep`."""

    def app_sleep(seconds: float) -> None:
        getattr(app, "sleep", time.sleep)(seconds)  # read per call: tests replace it

    task_class = type(
        "_ServerTask", (_DroppingTask,), {"turn": turn, "app_sleep": staticmethod(app_sleep)}
    )
    return type("_ServerChannel", (_DroppingChannel,), {"task_class": task_class})
