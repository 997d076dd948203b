"""HTTP in and out, for both of the sandbox's routers (/v1 in `app.py`, /_sandbox/ in
`admin.py`): the request as it arrived, its body, headers and key, and the response a result
becomes. No state and no routing here."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from pspace_py.loopback import is_loopback_host
from pspace_py.sandbox.errors import SandboxError
from pspace_py.sandbox.teams import Team

MAX_BODY_BYTES = 1024 * 1024
# environ key through which a runner (the in-process transport) supplies the sleep that latency
# faults use.
SLEEP_ENVIRON_KEY = "pspace_sandbox.sleep"


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str | None = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ApiRequest:
    """One parsed /v1 request (what the request log records)."""

    method: str
    path: str
    query: dict[str, str]
    raw_body: bytes
    headers: dict[str, str]
    request_id: str
    operation_id: str | None = None
    team: Team | None = None
    body: Any = None


def json_response(status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()) -> Response:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(status, body, headers=list(headers))


def error_response(error: SandboxError) -> Response:
    return json_response(error.status, error.body())


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def read_body(environ: Mapping[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise SandboxError(400, "Invalid Content-Length header.") from None
    if length > MAX_BODY_BYTES:
        raise SandboxError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if length <= 0:
        return b""
    body: bytes = environ["wsgi.input"].read(length)
    return body


def parse_json_body(raw_body: bytes) -> Any:
    """The JSON document of a body (None when empty); 400 PARSE_ERROR when it is not JSON."""
    if not raw_body.strip():
        return None
    try:
        return json.loads(raw_body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise SandboxError(
            400, f"The request body is not valid JSON: {exc}", code="PARSE_ERROR"
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def request_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = str(value)
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers[key.replace("_", "-").lower()] = str(value)
    return headers


def api_key(headers: Mapping[str, str]) -> str | None:
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, credentials = authorization.strip().partition(" ")
        return credentials.strip() if scheme.lower() == "bearer" else None
    # The legacy Paperspace API's header, accepted for old scripts.
    return headers.get("x-api-key")


def host_is_loopback(environ: Mapping[str, Any]) -> bool:
    """Whether the request was addressed to a loopback host (its Host header)."""
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if host.startswith("[") and "]" in host:
        hostname = host[: host.index("]") + 1]
    return is_loopback_host(hostname)
