"""Whom the sandbox answers, before any route runs.

- The Host guard (DNS rebinding): served on a loopback address, every request must be addressed
  to a loopback host, with or without --allow-remote. Bound to another address (only with
  --allow-remote), /v1 answers whatever name the machine is reached by.
- The admin routes (`/_sandbox/`): only same-origin JSON requests from loopback hosts, however
  the sandbox is served. A web page in the user's browser can send a cross-site `text/plain`
  POST without asking (no CORS preflight), so an `Origin` (or `Sec-Fetch-Site`) that is not the
  sandbox's own is refused, and a POST must say `Content-Type: application/json`, which a page
  cannot send cross-site without a preflight the sandbox never grants.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pspace_py.loopback import is_loopback_host
from pspace_py.sandbox.errors import SandboxError
from pspace_py.sandbox.wire import host_is_loopback

_LOOPBACK_CLIENTS = ("127.", "::1", "::ffff:127.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRUSTED_FETCH_SITES = ("same-origin", "none")  # `none`: typed into the address bar


def api_refusal(environ: Mapping[str, Any], bound_host: str | None) -> SandboxError | None:
    """Why a request must not be answered at all (None: it may)."""
    if bound_host is not None and is_loopback_host(bound_host) and not host_is_loopback(environ):
        return _rebinding()
    return None


def admin_refusal(
    environ: Mapping[str, Any], method: str, bound_host: str | None
) -> SandboxError | None:
    """Why an admin request must not be answered (None: it may)."""
    remote = str(environ.get("REMOTE_ADDR") or "")
    if not remote.startswith(_LOOPBACK_CLIENTS):
        return SandboxError(403, "The /_sandbox/ routes only answer clients on this machine.")
    if bound_host is not None and not host_is_loopback(environ):
        return _rebinding()
    origin = environ.get("HTTP_ORIGIN")
    site = str(environ.get("HTTP_SEC_FETCH_SITE") or "none").lower()
    if (origin is not None and not _same_origin(str(origin), environ)) or (
        site not in _TRUSTED_FETCH_SITES
    ):
        return SandboxError(
            403,
            "The /_sandbox/ routes only answer same-origin requests; this one came from "
            f"{origin or 'another site'}.",
        )
    if method in ("POST", "PUT") and _media_type(environ) != "application/json":
        return SandboxError(
            415,
            "The /_sandbox/ routes only take JSON: send Content-Type: application/json "
            "(and a JSON body, or none).",
            code="BAD_REQUEST",
        )
    return None


def _rebinding() -> SandboxError:
    return SandboxError(
        403,
        "The sandbox only answers requests addressed to a loopback host "
        "(http://127.0.0.1:PORT); this guards against DNS rebinding.",
    )


def _same_origin(origin: str, environ: Mapping[str, Any]) -> bool:
    """Whether `Origin` names the scheme, host and port this request was addressed to."""
    scheme = str(environ.get("wsgi.url_scheme") or "http")
    try:
        theirs = urlsplit(origin)
        ours = urlsplit(f"{scheme}://{environ.get('HTTP_HOST') or ''}")
        return (
            theirs.scheme == scheme
            and theirs.hostname is not None
            and theirs.hostname == ours.hostname
            and (theirs.port or _DEFAULT_PORTS.get(scheme))
            == (ours.port or _DEFAULT_PORTS.get(scheme))
            and not theirs.path
        )
    except ValueError:  # a port that is not a number
        return False


def _media_type(environ: Mapping[str, Any]) -> str:
    return str(environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
