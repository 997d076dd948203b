"""The sandbox WSGI application: auth, routing, JSON in and out, errors, faults, request log.

One application object serves both runners: in-process through `httpx.WSGITransport` (see
`transport.py`) and on loopback through waitress (see `server.py`).
"""

from __future__ import annotations

import collections
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from pspace_py.redact import MASK, redact, redact_headers
from pspace_py.sandbox.clock import Clock, SystemClock, iso_from_ms
from pspace_py.sandbox.context import Ctx, EventFailure, Runtime
from pspace_py.sandbox.errors import SandboxError
from pspace_py.sandbox.faults import ConnectionDropError, FaultRule, FaultSet, malformed_body
from pspace_py.sandbox.lifecycle import Timing
from pspace_py.sandbox.routes import (
    OPERATION_IDS,
    ROUTES_BY_OPERATION,
    Route,
    build_url_map,
    names_a_missing_item,
)
from pspace_py.sandbox.store import Store
from pspace_py.sandbox.teams import DEFAULT_API_KEY, KeyRing, Team
from pspace_py.settings import is_loopback_host

logger = logging.getLogger("pspace_py.sandbox")

MAX_BODY_BYTES = 1024 * 1024
REQUEST_LOG_SIZE = 1000
_LOGGED_BODY_LIMIT = 8192
# environ key through which a runner can supply the sleep used for latency faults.
SLEEP_ENVIRON_KEY = "pspace_sandbox.sleep"
CLOCK_OFFSET_META = "clock_offset_ms"
_SECRET_FIELDS = frozenset({"password", "script", "apikey", "api_key", "token", "secret"})
_NOT_LOGGED_HEADERS = frozenset({"authorization", "x-api-key", "cookie", "proxy-authorization"})


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str | None = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()) -> Response:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(status, body, headers=list(headers))


def error_response(error: SandboxError) -> Response:
    return json_response(error.status, error.body())


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


class SandboxApp:
    """The WSGI callable. Build it with `pspace_py.sandbox.create_app`."""

    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        runtime: Runtime,
        api_keys: Iterable[str] = (),
        faults: Sequence[FaultRule] = (),
        loopback_only: bool = False,
    ) -> None:
        self.store = store
        self.clock = clock
        self.runtime = runtime
        self.keys = KeyRing(api_keys)
        self.loopback_only = loopback_only  # served mode: reject foreign Host headers
        self.sleep: Callable[[float], None] = time.sleep
        self.faults = FaultSet()
        self._startup_faults = tuple(validate_fault(rule) for rule in faults)
        for rule in self._startup_faults:
            self.faults.add(rule)
        self._log: collections.deque[dict[str, Any]] = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self._log_lock = threading.Lock()
        self._request_numbers = itertools.count(1)
        self._url_map = build_url_map()
        self._url_adapter = self._url_map.bind("sandbox", "/")

    # -- public helpers ------------------------------------------------------------------------

    @property
    def timing(self) -> Timing:
        return self.runtime.timing

    def reset(self) -> None:
        """Empty the state, the request log, runtime faults and event failures.

        Faults given when the app was created are armed again with fresh counters; the clock is
        not rewound.
        """
        self.store.clear()
        self.runtime.ids.reseed()
        self.runtime.failures.clear()
        self.faults.clear()
        for rule in self._startup_faults:
            self.faults.add(rule)
        self.clear_request_log()

    def advance(self, seconds: float) -> None:
        """Move the clock forward (every pending transition sees the new time)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self.clock.advance(seconds)
        if isinstance(self.clock, SystemClock):
            # Persisted so other processes sharing the state file see the same time.
            self.store.set_meta(CLOCK_OFFSET_META, str(self.clock.offset_ms))

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def request_log(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return [dict(entry) for entry in self._log]

    def clear_request_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def add_fault(self, rule: FaultRule) -> None:
        self.faults.add(validate_fault(rule))

    def clear_faults(self) -> None:
        self.faults.clear()

    def add_event_failure(
        self, name: str, error: str, *, times: int = 1, machine_id: str | None = None
    ) -> None:
        self.runtime.failures.add(EventFailure(name, error, times, machine_id))

    def close(self) -> None:
        self.store.close()

    # -- WSGI ----------------------------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            response = self._dispatch(environ)
        except ConnectionDropError:
            raise
        except Exception:
            logger.exception("pspace sandbox: unexpected error")
            response = error_response(
                SandboxError(500, "The sandbox failed unexpectedly (a sandbox bug); see its log.")
            )
        headers = [("X-Pspace-Sandbox", "1"), ("Cache-Control", "no-store"), *response.headers]
        if response.content_type is not None:
            headers.append(("Content-Type", response.content_type))
        if response.status != 204:
            headers.append(("Content-Length", str(len(response.body))))
        start_response(_status_line(response.status), headers)
        return [response.body] if response.status != 204 else []

    def _dispatch(self, environ: dict[str, Any]) -> Response:
        path: str = environ.get("PATH_INFO") or "/"
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        if self.loopback_only and not _host_is_loopback(environ):
            return error_response(
                SandboxError(
                    403,
                    "The sandbox only answers requests addressed to a loopback host "
                    "(http://127.0.0.1:PORT); this guards against DNS rebinding.",
                )
            )
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            from pspace_py.sandbox.admin import handle_admin

            return handle_admin(self, method, path, environ)
        if path == "/v1" or path.startswith("/v1/"):
            return self._api(environ, method, path)
        return error_response(
            SandboxError(
                404,
                f"No route for {method} {path}. The Paperspace API is served under /v1 "
                "(e.g. GET /v1/machines) and the sandbox's own routes under /_sandbox/.",
            )
        )

    # -- /v1 -----------------------------------------------------------------------------------

    def _api(self, environ: dict[str, Any], method: str, path: str) -> Response:
        started = time.perf_counter()
        request = ApiRequest(
            method=method,
            path=path,
            query=dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
            raw_body=b"",
            headers=_request_headers(environ),
            request_id=f"sandbox-{next(self._request_numbers):08d}",
        )
        route, params = self._match(method, path[3:] or "/")
        fault = self.faults.match(route.operation_id) if route is not None else None
        request.operation_id = route.operation_id if route is not None else None
        response: Response | None = None
        try:
            request.raw_body = read_body(environ)
            if fault is not None:
                response = self._fault_before(environ, fault, request)
            if response is None:
                response = self._handle(request, route, params)
        except SandboxError as error:
            response = error_response(error)
        except ConnectionDropError as drop:
            self._record(request, None, started, fault=drop.action)
            raise
        if fault is not None:
            response = self._fault_after(fault, response, request, started)
        response.headers.append(("X-Request-Id", request.request_id))
        self._record(request, response.status, started, fault=fault.action if fault else None)
        return response

    def _match(self, method: str, subpath: str) -> tuple[Route | None, dict[str, str]]:
        try:
            endpoint, params = self._url_adapter.match(subpath, method=method)
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return None, {}
        return ROUTES_BY_OPERATION[endpoint], dict(params)

    def _fault_before(
        self, environ: dict[str, Any], fault: FaultRule, request: ApiRequest
    ) -> Response | None:
        """Latency, then whatever the fault answers instead of the operation (None: run it)."""
        if fault.latency_ms:
            environ.get(SLEEP_ENVIRON_KEY, self.sleep)(fault.latency_ms / 1000)
        if fault.action == "reset":
            raise ConnectionDropError("reset")
        if fault.runs_handler:
            return None
        if fault.action == "malformed":
            return self._malformed(fault, b"")
        return error_response(
            SandboxError(
                fault.effective_status,
                f"Sandbox fault injected for {request.operation_id}: "
                f"HTTP {fault.effective_status}.",
            )
        )

    def _fault_after(
        self, fault: FaultRule, response: Response, request: ApiRequest, started: float
    ) -> Response:
        """What the fault does to an answer: drop it, garble it, add Retry-After."""
        if fault.action == "commit-then-drop":
            self._record(request, response.status, started, fault=fault.action)
            raise ConnectionDropError(fault.action)
        if fault.action == "malformed" and fault.runs_handler:
            response = self._malformed(fault, response.body)
        if fault.retry_after is not None and fault.action != "latency":
            response.headers.append(("Retry-After", fault.retry_after))
        return response

    def _malformed(self, fault: FaultRule, json_body: bytes) -> Response:
        body_kind = fault.body or "truncated"
        if not json_body:
            json_body = json.dumps(
                SandboxError(fault.effective_status, "Sandbox fault injected.").body()
            ).encode()
        body, content_type = malformed_body(body_kind, json_body)
        status = fault.effective_status
        return Response(status, b"" if status == 204 else body, content_type)

    def _handle(self, request: ApiRequest, route: Route | None, params: dict[str, str]) -> Response:
        team = self._authenticate(request)
        if route is None and names_a_missing_item(request.path[3:]):
            raise SandboxError(404, f"Nothing exists at {request.path}.", code="NOT_FOUND")
        if route is None:
            raise SandboxError(
                501,
                f"{request.method} {request.path} is not implemented by the pspace sandbox "
                "(see docs/sandbox.md for the operations it emulates).",
                code="METHOD_NOT_SUPPORTED",
            )
        request.body = _parse_body(request) if request.method in ("POST", "PUT", "PATCH") else None
        transaction = self.store.write if route.writes else self.store.read
        with transaction() as conn:
            ctx = Ctx(
                conn=conn,
                team=team,
                now_ms=self.clock.now_ms(),
                runtime=self.runtime,
                params=params,
                query=request.query,
                body=request.body,
            )
            payload = route.handler(ctx)
        return json_response(200, payload)

    def _authenticate(self, request: ApiRequest) -> Team:
        team = self.keys.team(_api_key(request.headers))
        if team is None:
            raise SandboxError(
                401,
                f"Invalid or missing API key. The sandbox accepts '{DEFAULT_API_KEY}' and the "
                "keys it was started with (--api-key); send 'Authorization: Bearer "
                f"{DEFAULT_API_KEY}'.",
            )
        request.team = team
        return team

    # -- request log ---------------------------------------------------------------------------

    def _record(
        self, request: ApiRequest, status: int | None, started: float, *, fault: str | None
    ) -> None:
        entry = {
            "time": iso_from_ms(self.clock.now_ms()),
            "requestId": request.request_id,
            "method": request.method,
            "path": request.path,
            "query": {key: self._mask(value) for key, value in request.query.items()},
            "status": status,
            "operationId": request.operation_id,
            "team": request.team.namespace if request.team else None,
            "body": self._logged_body(request),
            "headers": {
                name: value
                for name, value in redact_headers(request.headers).items()
                if name not in _NOT_LOGGED_HEADERS
            },
            "durationMs": round((time.perf_counter() - started) * 1000, 3),
            "fault": fault,
        }
        with self._log_lock:
            self._log.append(entry)

    def _logged_body(self, request: ApiRequest) -> Any:
        if not request.raw_body:
            return None
        try:
            parsed = json.loads(request.raw_body)
        except ValueError:
            return self._mask(request.raw_body[:_LOGGED_BODY_LIMIT].decode("utf-8", "replace"))
        cleaned = _without_secrets(parsed, self._mask)
        if len(request.raw_body) > _LOGGED_BODY_LIMIT:
            return f"<{len(request.raw_body)} bytes, not kept>"
        return cleaned

    def _mask(self, text: str) -> str:
        for key in self.keys.keys:
            if key in text:
                text = text.replace(key, MASK)
        return redact(text)


def validate_fault(rule: FaultRule) -> FaultRule:
    if rule.operation != "*" and rule.operation not in OPERATION_IDS:
        raise ValueError(
            f"unknown operation {rule.operation!r} in fault rule; use '*' or one of: "
            + ", ".join(OPERATION_IDS)
        )
    return rule


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _host_is_loopback(environ: Mapping[str, Any]) -> bool:
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if host.startswith("[") and "]" in host:
        hostname = host[: host.index("]") + 1]
    return is_loopback_host(hostname)


def _request_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = str(value)
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers[key.replace("_", "-").lower()] = str(value)
    return headers


def _api_key(headers: Mapping[str, str]) -> str | None:
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, credentials = authorization.strip().partition(" ")
        return credentials.strip() if scheme.lower() == "bearer" else None
    # The legacy Paperspace API's header, accepted for old scripts.
    return headers.get("x-api-key")


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_body(request: ApiRequest) -> Any:
    return parse_json_body(request.raw_body)


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


def _without_secrets(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {
            key: MASK if str(key).lower() in _SECRET_FIELDS else _without_secrets(item, mask)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_secrets(item, mask) for item in value]
    if isinstance(value, str):
        return mask(value)
    return value


def load_clock_offset(store: Store) -> int:
    raw = store.get_meta(CLOCK_OFFSET_META)
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0
