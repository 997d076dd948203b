"""Reading an answer's body, bounded: never more than :data:`MAX_BODY_BYTES` once decoded.

The largest real answer is a page of machines, well under a megabyte. A body that
claims more, or that decodes to more (a gzip bomb: 300 KB on the wire, 300 MB
inflated), is refused as soon as the limit is passed, so memory stays bounded
whatever the server sends. The body is decoded here, not by httpx, so that each step
of inflating is capped (``zlib``'s ``max_length``); only the encodings pspace asks
for (:data:`ACCEPT_ENCODING`) are accepted.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from pspace_py.api.errors import InvalidResponseError, request_label

if TYPE_CHECKING:
    import httpx

MAX_BODY_BYTES = 16 * 1024 * 1024
ACCEPT_ENCODING = "gzip, deflate"


class _Inflater:
    """zlib, gzip or deflate (zlib-wrapped, or raw as some servers send it), capped."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._inflate = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            out = self._inflate.decompress(data, room)
        except zlib.error:
            if not self._raw_fallback or self._started:
                raise
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate.decompress(data, room)
        self._started = True
        return out

    def flush(self) -> bytes:
        return self._inflate.flush()


def _inflater(encoding: str) -> _Inflater | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return _Inflater(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return _Inflater(zlib.MAX_WBITS, raw_fallback=True)
    raise ValueError(encoding)


def read_body(
    response: httpx.Response, method: str, path: str, *, limit: int = MAX_BODY_BYTES
) -> bytes:
    """The whole decoded body of a streamed ``response``; InvalidResponseError past ``limit``."""
    if response.is_stream_consumed:  # built in memory and decoded already (a mock transport)
        if len(response.content) > limit:
            raise _too_large(response, method, path, limit)
        return response.content
    encoding = response.headers.get("content-encoding", "").strip().lower()
    try:
        inflater = _inflater(encoding)
    except ValueError:
        raise _refused(
            response,
            method,
            path,
            f"with a body in the '{encoding[:40]}' encoding, which pspace did not ask for",
        ) from None
    declared = response.headers.get("content-length", "")
    if inflater is None and declared.isdigit() and int(declared) > limit:
        raise _too_large(response, method, path, limit)
    body = bytearray()
    try:
        for chunk in response.iter_raw():
            # One byte more than the room left: getting it means the body is too large.
            body += inflater.feed(chunk, limit - len(body) + 1) if inflater else chunk
            if len(body) > limit:
                raise _too_large(response, method, path, limit)
        if inflater is not None:
            body += inflater.flush()
    except zlib.error:
        raise _refused(
            response, method, path, f"with a body that is not valid {encoding} data"
        ) from None
    if len(body) > limit:
        raise _too_large(response, method, path, limit)
    return bytes(body)


def _too_large(
    response: httpx.Response, method: str, path: str, limit: int
) -> InvalidResponseError:
    size = f"{limit // (1024 * 1024)} MiB"
    return _refused(response, method, path, f"with more than {size}; it was not read further")


def _refused(response: httpx.Response, method: str, path: str, what: str) -> InvalidResponseError:
    return InvalidResponseError(
        f"The API answered HTTP {response.status_code} to {request_label(method, path)} {what}.",
        status=response.status_code,
        method=method,
        path=path,
    )
