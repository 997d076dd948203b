"""Serving the sandbox on loopback with waitress.

`serve()` binds (port 0 = a free port), prints `PAPERSPACE_API_URL=http://127.0.0.1:PORT/v1`
as its first line (then the `export` lines a person pastes into another shell), answers until
SIGINT or SIGTERM, then stops the threads and closes the state file. `SandboxServer` is the
same thing as an object, for tests and fixtures that run it in a background thread. The
command lines that call `serve()` are in `command.py`.

Connection faults need the socket: a small waitress task subclass turns the app's
`ConnectionDropError` into waitress's own `ClientDisconnected`, after which waitress closes the
connection without writing a byte; for `reset` it first sets SO_LINGER to 0 so the close sends
a TCP RST. Pinned to and tested with waitress 3.0.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.server import create_server
from waitress.task import WSGITask

from pspace_py import serve_flags
from pspace_py.loopback import is_loopback_host
from pspace_py.sandbox.faults import ConnectionDropError, FaultRule
from pspace_py.sandbox.teams import DEFAULT_API_KEY
from pspace_py.sandbox.wire import SLEEP_ENVIRON_KEY

DEFAULT_HOST = serve_flags.DEFAULT_HOST
# Enough for a bulk action at `--parallel 8` plus a poller, even while injected latency holds
# some of them asleep.
THREADS = 16
# One of them runs the app at a time. The app is Python under one GIL: more at once only makes
# them take turns (at 32 concurrent clients, 16 threads at once served a quarter of what one
# did). A thread asleep in an injected latency gives its turn up (see `_Turn.sleep`).
# waitress warns "Task queue depth is N" for every request queued behind busy threads; under
# load that is one line per request. One such line per this many seconds is enough.
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


def _quiet_queue_reports() -> None:
    queue_logger = logging.getLogger("waitress.queue")
    if not any(isinstance(item, _EveryNowAndThen) for item in queue_logger.filters):
        queue_logger.addFilter(_EveryNowAndThen(QUEUE_REPORT_EVERY_S))


class _Turn:
    """A lock around the app's work; sleeping inside it gives the turn up meanwhile."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()

    def sleep(self, sleep: Callable[[float], None], seconds: float) -> None:
        """`sleep(seconds)` (the app's own sleep) with the turn given up meanwhile."""
        self._lock.release()
        try:
            sleep(seconds)
        finally:
            self._lock.acquire()


class _DroppingTask(WSGITask):  # type: ignore[misc]
    turn: _Turn  # the server's (see `_channel_class`)
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


def _channel_class(app: Any) -> type[_DroppingChannel]:
    """Channels whose tasks take turns at this server's app and sleep with its `sleep`."""

    def app_sleep(seconds: float) -> None:
        getattr(app, "sleep", time.sleep)(seconds)  # read per call: tests replace it

    task_class = type(
        "_ServerTask", (_DroppingTask,), {"turn": _Turn(), "app_sleep": staticmethod(app_sleep)}
    )
    return type("_ServerChannel", (_DroppingChannel,), {"task_class": task_class})


class ServeError(ValueError):
    """Why the sandbox cannot be served, in one line; `usage` = a flag's value is wrong."""

    def __init__(self, message: str, *, hint: str | None = None, usage: bool = False) -> None:
        super().__init__(f"{message} {hint}" if hint else message)
        self.message = message
        self.hint = hint
        self.usage = usage


def check_bind_address(host: str, *, allow_remote: bool) -> None:
    if not host or host != host.strip():
        raise ServeError(
            f"{serve_flags.HOST.name} {host!r} is not an address: it is empty or has spaces "
            "around it.",
            hint=f"Use a loopback address, e.g. {serve_flags.HOST.name} {DEFAULT_HOST}.",
            usage=True,
        )
    if not allow_remote and not is_loopback_host(host):
        raise ServeError(
            f"Refusing to serve the sandbox on {host}: it has no real authentication.",
            hint=f"Use a loopback address ({DEFAULT_HOST}), or pass "
            f"{serve_flags.ALLOW_REMOTE.name}.",
            usage=True,
        )


class SandboxServer:
    """A sandbox app bound to a socket; `run()` blocks, `start()` runs it in a thread."""

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        state_path: str | os.PathLike[str] | None = None,
        api_keys: Sequence[str] = (),
        instant: bool = False,
        faults: Sequence[FaultRule] = (),
        allow_remote: bool = False,
        app: Any = None,
    ) -> None:
        check_bind_address(host, allow_remote=allow_remote)
        owns_app = app is None
        if app is None:
            from pspace_py.sandbox.factory import create_app

            app = create_app(
                state_path=state_path, api_keys=api_keys, instant=instant, faults=faults
            )
        app.bound_host = host
        self.app = app
        _quiet_queue_reports()
        try:
            self._server = create_server(
                app,
                host=host,
                port=port,
                threads=THREADS,
                ident="pspace-sandbox",
                clear_untrusted_proxy_headers=True,
            )
        except ValueError as error:  # waitress: a name that does not resolve
            if owns_app:
                app.close()
            raise ServeError(
                f"Cannot serve on {serve_flags.HOST.name} {host}: {error}", usage=True
            ) from None
        except BaseException:
            if owns_app:
                app.close()  # e.g. the port is taken: do not leave the state file open
            raise
        self._server.channel_class = _channel_class(app)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)  # waitress 3.0.2 may report it as a string

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    def run(self) -> None:
        """Serve until `stop()` (or a signal handler calling it)."""
        from waitress import wasyncore

        server = self._server
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=0.5, map=server._map, use_poll=True, count=1)
        finally:
            self._shutdown()

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self.run, name="pspace-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):  # already closed
            self._server.pull_trigger()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        from waitress import wasyncore

        wasyncore.close_all(self._server._map)
        self.app.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    state_path: str | os.PathLike[str] | None = None,
    api_keys: Sequence[str] = (),
    instant: bool = False,
    faults: Sequence[FaultRule] = (),
    allow_remote: bool = False,
    ready_stream: TextIO | None = None,
) -> None:
    """Serve the sandbox until SIGINT/SIGTERM; the first stdout line is the API URL."""
    server = SandboxServer(
        host=host,
        port=port,
        state_path=state_path,
        api_keys=api_keys,
        instant=instant,
        faults=faults,
        allow_remote=allow_remote,
    )
    previous = {}
    # Handlers first, URL second: whoever reads the URL may signal us at once.
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: server.stop())
    stream = ready_stream if ready_stream is not None else sys.stdout
    try:
        stream.write(f"PAPERSPACE_API_URL={server.url}\n")  # the first line: scripts read it
        stream.write(
            "# To use it from another shell (the key is the sandbox's own):\n"
            f"export PAPERSPACE_API_URL={server.url}\n"
            f"export PAPERSPACE_API_KEY={DEFAULT_API_KEY}\n"
        )
        stream.flush()
        server.run()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
