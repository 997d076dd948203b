"""What an API URL may be, what a key may look like, and which API a stored key belongs to.

The rules :mod:`pspace_py.settings` applies when it resolves the URL and the key: a URL
that would carry the key in clear text off this machine is refused, and a key stored for
one API is sent to no other origin (:func:`key_scope`).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from pspace_py.errors import UsageError
from pspace_py.loopback import is_loopback_host
from pspace_py.redact import excerpt

__all__ = ["is_loopback_host"]

SANDBOX_URL_ALIAS = "sandbox"
SANDBOX_BASE_URL = "http://sandbox.pspace.invalid/v1"
API_KEYS_PAGE = "https://console.paperspace.com/settings/apikeys"


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def check_api_url(url: str) -> str:
    """Refuse URLs that would send the key in clear text to another machine."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - a port that is not a number is found here
        if "[" in parts.netloc:  # Python 3.10's urlsplit accepts any text in brackets
            import ipaddress  # only for such URLs: start-up stays low

            ipaddress.IPv6Address(parts.hostname or "")
    except ValueError as error:  # 'http://[::1', 'http://host:99999', 'https://[zz]'
        raise UsageError(
            f"API URL '{excerpt(url, 100)}' is not a URL ({error}).",
            hint="Use e.g. https://api.paperspace.com/v1, or 'sandbox'.",
        ) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UsageError(
            f"API URL '{excerpt(url, 100)}' is not an http(s) URL.",
            hint="Use e.g. https://api.paperspace.com/v1, or 'sandbox'.",
        )
    if parts.username or parts.password:
        raise UsageError(
            "The API URL must not contain a user name or password.",
            hint="The API key is the only credential pspace sends.",
        )
    insecure = parts.scheme == "http" and not is_loopback_host(parts.hostname)
    if insecure and not truthy(os.environ.get("PSPACE_ALLOW_INSECURE_URL")):
        raise UsageError(
            f"Refusing to send the API key over plain HTTP to {parts.hostname}.",
            hint="Use https, a loopback address, or set PSPACE_ALLOW_INSECURE_URL=1.",
        )
    return url.strip().rstrip("/")


def clean_api_key(raw: str | None, source: str) -> str | None:
    """The key without surrounding whitespace; None when empty.

    A key with spaces or control characters inside cannot be sent in a header,
    and the HTTP library's error would quote it, so it is refused up front
    without ever being shown.
    """
    if raw is None:
        return None
    key = raw.strip()
    if not key:
        return None
    if any(not (0x21 <= ord(char) <= 0x7E) for char in key):
        raise UsageError(
            f"The API key from {source} contains spaces, control or non-ASCII characters; "
            "API keys do not.",
            hint=f"Copy the key again from {API_KEYS_PAGE}.",
        )
    return key


def key_scope(url: str) -> str:
    """The origin a key belongs to: ``https://api.paperspace.com:443``, or ``sandbox``."""
    url = url.strip()
    if url in (SANDBOX_URL_ALIAS, SANDBOX_BASE_URL):
        return SANDBOX_URL_ALIAS
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return url  # not a URL: the scope of nothing else
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


def shown_origin(url: str) -> str:
    if key_scope(url) == SANDBOX_URL_ALIAS:
        return "the built-in sandbox"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
