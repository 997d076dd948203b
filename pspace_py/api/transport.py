"""The sockets under the client, held to the thread's deadline (:mod:`pspace_py.api.deadline`).

httpx's timeouts bound each socket operation, not the request: a server that sends one
byte every half second never trips a 2 s read timeout, and holds the command for as long
as it likes. :class:`DeadlineBackend` is an httpcore network backend whose streams give
every connect, read, write and TLS handshake only the time left before the deadline, and
fail with httpcore's own timeout once it has passed; httpx reports that as it reports any
timeout. DNS resolution is the one step it cannot cut short (the resolver blocks).

Imported only by the client (it imports httpcore, which httpx brings anyway).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpcore

from pspace_py.api import deadline

if TYPE_CHECKING:
    import httpx

SocketOption = Any  # httpcore's SOCKET_OPTION union, which it does not export


def _time_left(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to the time left; ``expired`` is raised once none is left."""
    left = deadline.remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise expired("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, left, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def hold_to_deadlines(client: httpx.Client) -> int:
    """Put every connection pool of ``client`` (direct and proxied) on a DeadlineBackend.

    httpx builds its pools itself and takes no network backend, so this reaches for the
    pool's backend attribute (httpx 0.2x, httpcore 1.x). Returns how many pools it
    reached; the tests check that the client's own pool is one of them.
    """
    transports = [client._transport, *client._mounts.values()]
    held = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend):
            if not isinstance(backend, DeadlineBackend):
                pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
            held += 1
    return held
