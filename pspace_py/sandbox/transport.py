"""`SandboxTransport`: the sandbox in-process, as an `httpx` transport.

It wraps `httpx.WSGITransport` and adds what a socket would do and WSGI cannot express:
a `reset` fault raises `httpx.ReadError` (connection reset by peer), a `commit-then-drop` fault
raises `httpx.RemoteProtocolError` (server disconnected without a response) after the change
was committed, and a latency fault longer than the request's read timeout raises
`httpx.ReadTimeout` after waiting that timeout (the operation still completes, as a real
server's would). These are the exceptions an httpx client sees from the served sandbox too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import httpx

from pspace_py.sandbox.faults import ConnectionDropError
from pspace_py.sandbox.wire import SLEEP_ENVIRON_KEY

if TYPE_CHECKING:
    from pspace_py.sandbox.app import SandboxApp


class SandboxTransport(httpx.BaseTransport):
    def __init__(
        self,
        app: SandboxApp,
        *,
        default_api_key: str | None = None,
        owns_app: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.app = app
        self._default_api_key = default_api_key
        self._owns_app = owns_app
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._default_api_key and "authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {self._default_api_key}"
        read_timeout = (request.extensions.get("timeout") or {}).get("read")
        timed_out = False

        def sleep_within_timeout(seconds: float) -> None:
            nonlocal timed_out
            if read_timeout is not None and seconds > read_timeout:
                timed_out = True
                seconds = read_timeout
            self._sleep(seconds)

        def app_with_hooks(
            environ: dict[str, Any], start_response: Callable[..., Any]
        ) -> Iterable[bytes]:
            environ[SLEEP_ENVIRON_KEY] = sleep_within_timeout
            return self.app(environ, start_response)

        wsgi = httpx.WSGITransport(app=app_with_hooks)
        try:
            response = wsgi.handle_request(request)
        except ConnectionDropError as drop:
            if drop.abortive:
                raise httpx.ReadError(
                    "[Errno 104] Connection reset by peer", request=request
                ) from None
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None
        if timed_out:
            response.close()
            raise httpx.ReadTimeout("timed out", request=request)
        return response

    def close(self) -> None:
        if self._owns_app:
            self.app.close()
