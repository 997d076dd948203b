"""Secret redaction, in one place.

Every secret the process learns (API keys) is registered here, and every string
that leaves the process through the error boundary, debug logging or the
sandbox's request log passes through :func:`redact`. A secret is also masked in
the forms other code may print it in: URL-encoded and Python-``repr`` escaped.
"""

from __future__ import annotations

from collections.abc import Mapping

MASK = "****"
_MIN_SECRET_LENGTH = 4
_secrets: set[str] = set()


def _spellings(secret: str) -> set[str]:
    from urllib.parse import quote, quote_plus

    return {secret, quote(secret, safe=""), quote_plus(secret), repr(secret)[1:-1]}


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


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers as they may be shown: the Authorization value reduced to its scheme."""
    shown: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in {"authorization", "proxy-authorization", "x-api-key", "cookie"}:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            shown[name] = f"{scheme} {MASK}".strip()
        else:
            shown[name] = redact(value)
    return shown
