"""Serving the sandbox on loopback with waitress.

`serve()` binds (port 0 = a free port), prints `PAPERSPACE_API_URL=http://127.0.0.1:PORT/v1`
as its first line (then the `export` lines a person pastes into another shell), answers until
SIGINT or SIGTERM, then stops the threads and closes the state file. `SandboxServer` is the
same thing as an object, for tests and fixtures that run it in a background thread. The
command lines that call `serve()` are in `command.py`; how waitress's channels run the app
(one request at a time, connection faults at the socket) is in `waitress_channel.py`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from waitress.server import create_server

from pspace_py import serve_flags
from pspace_py.loopback import is_loopback_host
from pspace_py.sandbox.faults import FaultRule
from pspace_py.sandbox.teams import DEFAULT_API_KEY
from pspace_py.sandbox.waitress_channel import Turn, channel_class, quiet_queue_reports

DEFAULT_HOST = serve_flags.DEFAULT_HOST
# The app runs one request at a time (`waitress_channel.Turn`): one thread serves 32 clients
# faster than 16 taking turns. A request asleep in an injected latency lends the server one more
# for as long as it sleeps, so a bulk action at `--parallel 8` still overlaps its latencies.
THREADS = 1


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
        quiet_queue_reports()
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
        self._turn = Turn(THREADS, self._server.task_dispatcher.set_thread_count)
        self._server.channel_class = channel_class(app, self._turn)
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
        self._turn.close()  # a sleeper waking now must not start threads again
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
