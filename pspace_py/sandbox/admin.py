"""The sandbox's own routes under /_sandbox/: health, reset, clock, request log, seed, faults,
event failures, account standing, team members. No API key; only same-origin JSON requests from
loopback hosts are answered (`guards.py`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pspace_py.sandbox.clock import iso_from_ms
from pspace_py.sandbox.errors import SandboxError, bad_request
from pspace_py.sandbox.faults import FaultRule
from pspace_py.sandbox.guards import admin_refusal
from pspace_py.sandbox.instance import Sandbox
from pspace_py.sandbox.lifecycle import EVENT_NAMES
from pspace_py.sandbox.routes import ROUTES
from pspace_py.sandbox.state import account, seeding
from pspace_py.sandbox.state.account import ALL_TEAMS, GOOD_STANDING
from pspace_py.sandbox.state.tx import Tx
from pspace_py.sandbox.teams import DEFAULT_API_KEY
from pspace_py.sandbox.wire import (
    Response,
    error_response,
    json_response,
    parse_json_body,
    read_body,
)

MAX_SEED_MACHINES = 100_000

AdminHandler = Callable[[Sandbox, Any], Any]


def handle_admin(app: Sandbox, method: str, path: str, environ: Mapping[str, Any]) -> Response:
    refusal = admin_refusal(environ, method, app.bound_host)
    if refusal is not None:
        return error_response(refusal)
    handler = _ROUTES.get((method, path.rstrip("/")))
    if handler is None:
        known = ", ".join(f"{m} {p}" for m, p in _ROUTES)
        return error_response(
            SandboxError(404, f"No sandbox route {method} {path}. Sandbox routes: {known}.")
        )
    try:
        body = parse_json_body(read_body(environ)) if method in ("POST", "PUT") else None
        return json_response(200, handler(app, body if body is not None else {}))
    except SandboxError as error:
        return error_response(error)
    except ValueError as error:
        return error_response(bad_request(str(error)))


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def _number(body: Mapping[str, Any], key: str, default: Any = None, *, kind: type = int) -> Any:
    value = body.get(key, default)
    allowed = (int, float) if kind is float else (kind,)
    if value is None or isinstance(value, bool) or not isinstance(value, allowed):
        raise bad_request(f"`{key}` must be a {'number' if kind is float else 'whole number'}.")
    return value


def _string(body: Mapping[str, Any], key: str, default: str | None = None) -> Any:
    value = body.get(key, default)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"`{key}` must be a string.")
    return value


# -- routes ------------------------------------------------------------------------------------


def health(app: Sandbox, body: Any) -> Any:
    return {"status": "ok"}


def reset(app: Sandbox, body: Any) -> Any:
    app.reset()
    return {"status": "ok"}


def get_clock(app: Sandbox, body: Any) -> Any:
    now = app.now_ms()
    offset = getattr(app.clock, "offset_ms", None)
    return {
        "now": iso_from_ms(now),
        "nowMs": now,
        "offsetSeconds": None if offset is None else offset / 1000,
        "timing": {key: value for key, value in vars(app.timing).items()},
    }


def advance_clock(app: Sandbox, body: Any) -> Any:
    seconds = _number(_object(body), "seconds", kind=float)
    if seconds < 0:
        raise bad_request("`seconds` must be >= 0: the sandbox clock only moves forward.")
    app.advance(seconds)
    return get_clock(app, None)


def get_requests(app: Sandbox, body: Any) -> Any:
    return {"items": app.request_log()}


def delete_requests(app: Sandbox, body: Any) -> Any:
    app.clear_request_log()
    return {"status": "ok"}


def get_faults(app: Sandbox, body: Any) -> Any:
    return {"items": app.faults.snapshot()}


def add_faults(app: Sandbox, body: Any) -> Any:
    rules_json = body if isinstance(body, list) else [body]
    rules = [FaultRule.from_json(item) for item in rules_json]
    for rule in rules:
        app.add_fault(rule)
    return get_faults(app, None)


def delete_faults(app: Sandbox, body: Any) -> Any:
    app.clear_faults()
    return {"items": []}


def get_event_failures(app: Sandbox, body: Any) -> Any:
    return {"items": app.runtime.failures.snapshot()}


def add_event_failure(app: Sandbox, body: Any) -> Any:
    body = _object(body)
    name = _string(body, "name")
    if name not in EVENT_NAMES:
        raise bad_request(f"`name` must be one of: {', '.join(EVENT_NAMES)}.")
    error = _string(body, "error", "Injected failure (sandbox).")
    times = _number(body, "times", 1)
    if times < 0:
        raise bad_request("`times` must be >= 0 (0 = every matching event).")
    app.add_event_failure(name, error, times=times, machine_id=_string(body, "machineId"))
    return get_event_failures(app, None)


def delete_event_failures(app: Sandbox, body: Any) -> Any:
    app.runtime.failures.clear()
    return {"items": []}


def set_account_standing(app: Sandbox, body: Any) -> Any:
    """Change the standing of one team (`team`: a namespace) or, by default, of every team."""
    body = _object(body)
    standing = dict(GOOD_STANDING)
    for key in ("isInGoodStanding", "hasPaymentMethod", "isAdminLocked"):
        if key in body:
            if not isinstance(body[key], bool):
                raise bad_request(f"`{key}` must be true or false.")
            standing[key] = body[key]
    messages = body.get("messages", [])
    if not isinstance(messages, list) or not all(isinstance(item, str) for item in messages):
        raise bad_request("`messages` must be a list of strings.")
    standing["messages"] = messages
    team = _string(body, "team") or ALL_TEAMS
    with app.store.write() as conn:
        account.set_standing(conn, team, standing)
    return {"team": team, **standing}


def seed(app: Sandbox, body: Any) -> Any:
    """Create N machines in one transaction (benchmarks; fixtures with many machines)."""
    body = _object(body)
    count = _number(body, "machines", 1)
    if not 1 <= count <= MAX_SEED_MACHINES:
        raise bad_request(f"`machines` must be 1-{MAX_SEED_MACHINES}.")
    state = _string(body, "state", "ready")
    if state not in ("ready", "off"):
        raise bad_request("`state` must be ready or off.")
    public_ip_type = _string(body, "publicIpType", "none")
    if public_ip_type != "none":
        raise bad_request("Seeded machines have publicIpType none (the public pool is small).")
    team = app.keys.accepted_team(_string(body, "apiKey", DEFAULT_API_KEY))  # else 400
    with app.store.write() as conn:
        seeded = seeding.seed_machines(
            Tx(conn, team, app.now_ms(), app.runtime),
            count=count,
            machine_type=_string(body, "machineType", "C4"),
            region=_string(body, "region", "NY2"),
            template_id=_string(body, "templateId"),
            disk_size_gb=_number(body, "diskSize") if "diskSize" in body else None,
            state=state,
            name_prefix=_string(body, "namePrefix", "seed-"),
        )
    return {
        "created": seeded.count,
        "team": team.namespace,
        "firstId": seeded.first_id,
        "lastId": seeded.last_id,
    }


def add_team_member(app: Sandbox, body: Any) -> Any:
    """A new member of a team (the `apiKey`'s, by default sandbox-key's), confirmed at once."""
    body = _object(body)
    email = _string(body, "email")
    if not email:
        raise bad_request("`email` is required, e.g. ada@example.com.")
    is_admin = body.get("isAdmin", False)
    if not isinstance(is_admin, bool):
        raise bad_request("`isAdmin` must be true or false.")
    return app.add_team_member(
        email,
        first_name=_string(body, "firstName"),
        last_name=_string(body, "lastName"),
        is_admin=is_admin,
        api_key=_string(body, "apiKey", DEFAULT_API_KEY),
    )


def routes_index(app: Sandbox, body: Any) -> Any:
    return {
        "implemented": [
            {
                "operationId": route.operation_id,
                "method": route.method,
                "path": "/v1" + route.path.replace("<", "{").replace(">", "}"),
            }
            for route in ROUTES
        ],
        "admin": [f"{method} {path}" for method, path in _ROUTES],
    }


_ROUTES: dict[tuple[str, str], AdminHandler] = {
    ("GET", "/_sandbox/health"): health,
    ("POST", "/_sandbox/reset"): reset,
    ("GET", "/_sandbox/clock"): get_clock,
    ("POST", "/_sandbox/clock/advance"): advance_clock,
    ("GET", "/_sandbox/requests"): get_requests,
    ("DELETE", "/_sandbox/requests"): delete_requests,
    ("POST", "/_sandbox/seed"): seed,
    ("GET", "/_sandbox/faults"): get_faults,
    ("POST", "/_sandbox/faults"): add_faults,
    ("DELETE", "/_sandbox/faults"): delete_faults,
    ("GET", "/_sandbox/event-failures"): get_event_failures,
    ("POST", "/_sandbox/event-failures"): add_event_failure,
    ("DELETE", "/_sandbox/event-failures"): delete_event_failures,
    ("POST", "/_sandbox/account-standing"): set_account_standing,
    ("POST", "/_sandbox/team-members"): add_team_member,
    ("GET", "/_sandbox/routes"): routes_index,
}
