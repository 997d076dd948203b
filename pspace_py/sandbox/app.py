"""The sandbox WSGI application: the Host guard, then /v1 (faults, auth, routing, one
transaction per call, request log) or the admin routes under /_sandbox/ (`admin.py`).

One application object serves both runners: in-process through `httpx.WSGITransport` (see
`transport.py`) and on loopback through waitress (see `server.py`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from pspace_py import serve_flags
from pspace_py.sandbox.admin import handle_admin
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.errors import SandboxError
from pspace_py.sandbox.faults import ConnectionDropError, FaultRule, malformed_body
from pspace_py.sandbox.guards import api_refusal
from pspace_py.sandbox.instance import Sandbox
from pspace_py.sandbox.routes import ROUTES_BY_OPERATION, Route, build_url_map, names_a_missing_item
from pspace_py.sandbox.state import schedules
from pspace_py.sandbox.state.tx import Tx
from pspace_py.sandbox.teams import DEFAULT_API_KEY, Team
from pspace_py.sandbox.wire import (
    SLEEP_ENVIRON_KEY,
    ApiRequest,
    Response,
    api_key,
    error_response,
    json_response,
    parse_json_body,
    read_body,
    request_headers,
    status_line,
)

logger = logging.getLogger("pspace_py.sandbox")
_URL_ADAPTER = build_url_map().bind("sandbox", "/")  # matching only reads it: threads share it


class SandboxApp(Sandbox):
    """The WSGI callable. Build it with `pspace_py.sandbox.create_app`."""

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
        start_response(status_line(response.status), headers)
        return [response.body] if response.status != 204 else []

    def _dispatch(self, environ: dict[str, Any]) -> Response:
        path: str = environ.get("PATH_INFO") or "/"
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        refusal = api_refusal(environ, self.bound_host)
        if refusal is not None:
            return error_response(refusal)
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
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
            headers=request_headers(environ),
            request_id=self.log.next_request_id(),
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
            endpoint, params = _URL_ADAPTER.match(subpath, method=method)
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
        if (
            route is not None
            and route.null_without_key
            and not self.keys.team(api_key(request.headers))
        ):
            return json_response(200, None)
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
        if request.method in ("POST", "PUT", "PATCH"):
            request.body = parse_json_body(request.raw_body)
        now_ms = self.clock.now_ms()
        schedules.catch_up(self.store, team, now_ms, self.runtime)  # what fell due meanwhile
        transaction = self.store.write if route.writes else self.store.read
        with transaction() as conn:
            tx = Tx(conn=conn, team=team, now_ms=now_ms, runtime=self.runtime)
            ctx = Ctx(tx, self.render, params=params, query=request.query, body=request.body)
            payload = route.handler(ctx)
        return json_response(200, payload)

    def _authenticate(self, request: ApiRequest) -> Team:
        team = self.keys.team(api_key(request.headers))
        if team is None:
            raise SandboxError(
                401,
                f"Invalid or missing API key. The sandbox accepts '{DEFAULT_API_KEY}' and the "
                f"keys it was started with ({serve_flags.KEY.name}); send 'Authorization: Bearer "
                f"{DEFAULT_API_KEY}'.",
            )
        request.team = team
        return team

    def _record(
        self, request: ApiRequest, status: int | None, started: float, *, fault: str | None
    ) -> None:
        self.log.record(request, status, now_ms=self.clock.now_ms(), started=started, fault=fault)
