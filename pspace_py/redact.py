"""Secret redaction, in one place.

Every secret the process learns (API keys) is registered here, and every string
that leaves the process through the error boundary, debug logging or the
sandbox's request log passes through :func:`redact`. A secret is also masked in
the forms other code may print it in: URL-encoded (either hex case, ``%20`` or
``+`` for spaces), JSON-escaped and Python-``repr`` escaped. Text that is cut to
a length goes through :func:`excerpt`, so the cut never leaves the first part
of a secret behind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MASK = "****"
_MIN_SECRET_LENGTH = 4
# A cut that ends with this many (or more) characters of a secret is masked too.
_MIN_PARTIAL = 4
ELLIPSIS = "..."
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie"})
_PERCENT_ESCAPE = re.compile(r"%[0-9A-F]{2}")
_secrets: set[str] = set()


def _spellings(secret: str) -> set[str]:
    import json
    from urllib.parse import quote, quote_plus

    encoded = {quote(secret, safe=""), quote_plus(secret), quote(secret, safe="/")}
    lower = {_PERCENT_ESCAPE.sub(lambda m: m.group().lower(), text) for text in encoded}
    as_json = json.dumps(secret)[1:-1]
    return {
        secret,
        *encoded,
        *lower,
        as_json,
        as_json.replace("/", "\\/"),
        repr(secret)[1:-1],
    }


def register_secret(secret: str | None) -> None:
    # Very short strings would mask ordinary words; real keys are long.
    if secret and len(secret) >= _MIN_SECRET_LENGTH:
        _secrets.update(_spellings(secret))
        stripped = secret.strip()
        if stripped != secret and len(stripped) >= _MIN_SECRET_LENGTH:
            _secrets.update(_spellings(stripped))


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def excerpt(text: str, limit: int) -> str:
    """``text`` redacted, then cut to about ``limit`` characters.

    Redacting before cutting means a secret straddling the cut is never shown in
    part; a cut that still ends with the start of a secret (the text went on past
    what was read) has that start masked as well.
    """
    shown = redact(text)
    if len(shown) <= limit:
        return shown
    return _mask_partial_tail(shown[:limit]) + ELLIPSIS


def _mask_partial_tail(text: str) -> str:
    longest = 0
    for secret in _secrets:
        for length in range(min(len(secret) - 1, len(text)), _MIN_PARTIAL - 1, -1):
            if length > longest and text.endswith(secret[:length]):
                longest = length
                break
    return text[: len(text) - longest] + MASK if longest else text


def redact_header(name: str, value: str) -> str:
    """A header value as it may be shown: credentials reduced to their scheme."""
    if name.lower() in SECRET_HEADERS:
        scheme = value.split(" ", 1)[0] if " " in value else ""
        return f"{scheme} {MASK}".strip()
    return redact(value)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers as they may be shown: the Authorization value reduced to its scheme."""
    return {name: redact_header(name, value) for name, value in headers.items()}
