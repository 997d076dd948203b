"""``--debug``'s trace of each request and response, to the ``pspace_py.http`` logger.

Every line goes through :mod:`pspace_py.redact` (keys, tokens, passwords masked) and has
terminal control characters shown escaped. Nothing is formatted unless DEBUG is on.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from pspace_py.redact import excerpt, redact, redact_header

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("pspace_py.http")

_LOGGED_BODY_LIMIT = 2000
# How much of a body is read for the debug log: redacted first, then cut to the limit.
_LOGGED_BODY_WINDOW = 64 * 1024
# Control characters a debug line must not pass to the terminal (newline and tab are fine).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def log_request(request: httpx.Request, content: bytes | None) -> None:
    if not log.isEnabledFor(logging.DEBUG):
        return
    log.debug("> %s %s", request.method, _printable(redact(str(request.url))))
    _log_headers(">", request.headers)
    if content:
        log.debug("> %s", _body_excerpt(content))


def log_response(response: httpx.Response, content: bytes, elapsed_ms: float) -> None:
    if not log.isEnabledFor(logging.DEBUG):
        return
    reason = _printable(redact(response.reason_phrase))
    log.debug("< %s %s (%.0f ms)", response.status_code, reason, elapsed_ms)
    _log_headers("<", response.headers)
    if content:
        log.debug("< %s", _body_excerpt(content))


def _log_headers(direction: str, headers: httpx.Headers) -> None:
    """Headers as sent or received (their own spelling), credentials masked."""
    for raw_name, raw_value in headers.raw:
        name = raw_name.decode("latin-1")
        value = redact_header(name, raw_value.decode("latin-1"))
        log.debug("%s %s: %s", direction, _printable(name), _printable(value))


def _body_excerpt(content: bytes) -> str:
    text = content[:_LOGGED_BODY_WINDOW].decode(errors="replace")
    return _printable(excerpt(text, _LOGGED_BODY_LIMIT))


def _printable(text: str) -> str:
    """Terminal control characters shown escaped, as everything else printed is."""
    return _CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
