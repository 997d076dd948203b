"""The sandbox's own routes under /_sandbox/: health, reset, clock, request log, seed, faults,
event failures, account standing. No API key; only answered to loopback clients."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pspace_py.sandbox import addresses, store
from pspace_py.sandbox.clock import iso_from_ms
from pspace_py.sandbox.context import ALL_TEAMS, GOOD_STANDING, Ctx
from pspace_py.sandbox.errors import SandboxError, bad_request
from pspace_py.sandbox.faults import FaultRule
from pspace_py.sandbox.instance import Sandbox
from pspace_py.sandbox.lifecycle import EVENT_NAMES
from pspace_py.sandbox.routes import ROUTES
from pspace_py.sandbox.teams import DEFAULT_API_KEY
from pspace_py.sandbox.wire import (
    Response,
    error_response,
    json_response,
    parse_json_body,
    read_body,
)

MAX_SEED_MACHINES = 100_000
_LOOPBACK_CLIENTS = ("127.", "::1", "::ffff:127.")

AdminHandler = Callable[[Sandbox, Any], Any]


def handle_admin(app: Sandbox, method: str, path: str, environ: Mapping[str, Any]) -> Response:
    remote = str(environ.get("REMOTE_ADDR") or "")
    if not remote.startswith(_LOOPBACK_CLIENTS):
        return error_response(
            SandboxError(403, "The /_sandbox/ routes only answer clients on this machine.")
        )
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
        if team == ALL_TEAMS:
            store.delete_setting(conn, "standing")
        store.set_setting(conn, team, "standing", standing)
    return {"team": team, **standing}


def seed(app: Sandbox, body: Any) -> Any:
    """Create N machines in one transaction (benchmarks; fixtures with many machines)."""
    from pspace_py.sandbox.handlers import machines

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
    prefix = _string(body, "namePrefix", "seed-")
    team = app.keys.team(_string(body, "apiKey", DEFAULT_API_KEY))
    if team is None:
        raise bad_request("`apiKey` is not a key this sandbox accepts.")
    with app.store.write() as conn:
        ctx = Ctx(conn, team, app.now_ms(), app.runtime, {}, {}, None)
        machine_type = machines.known_machine_type(
            ctx, _string(body, "machineType", "C4"), "machineType"
        )
        region = ctx.region(_string(body, "region", "NY2"))
        machines.check_offered_in_region(ctx, machine_type, region.code)
        template = _seed_template(ctx, machine_type, _string(body, "templateId"), region.code)
        disk = _number(body, "diskSize", max(50, template.default_size_gb or 50))
        machines.check_disk_size(ctx, disk, minimum=template.default_size_gb)
        taken = store.ids(conn, machines.KIND, team.namespace)
        new_ids: list[str] = []
        while len(new_ids) < count:
            candidate = app.runtime.ids.machine_id()
            if candidate not in taken:
                taken.add(candidate)
                new_ids.append(candidate)
        private_ips = store.lease_many(
            conn,
            team.namespace,
            addresses.DEFAULT_PRIVATE_POOL,
            addresses.DEFAULT_PRIVATE_ADDRESSES,
            new_ids,
        )
        if private_ips is None:
            raise SandboxError(409, "Not enough free private addresses for that many machines.")
        width = len(str(count))
        records = []
        for number, (machine_id, private_ip) in enumerate(
            zip(new_ids, private_ips, strict=True), start=1
        ):
            ctx.now_ms = app.now_ms() - (count - number)  # distinct, increasing dtCreated
            record = machines.new_machine_record(
                ctx,
                machine_id=machine_id,
                name=f"{prefix}{number:0{width}d}",
                machine_type=machine_type,
                region_code=region.code,
                template=template,
                disk_size_gb=disk,
                public_ip_type="none",
                state=state,
            )
            record["privateIp"] = private_ip
            records.append(record)
        store.insert_many(conn, machines.KIND, team.namespace, records)
    return {"created": count, "team": team.namespace, "firstId": new_ids[0], "lastId": new_ids[-1]}


def _seed_template(ctx: Ctx, machine_type: Any, template_id: str | None, region_code: str) -> Any:
    from pspace_py.sandbox.handlers import machines

    if template_id is not None:
        template = machines.resolve_template(ctx, template_id, region_code)
        machines.check_template_allows(template, machine_type)
        return template
    candidates = ctx.catalog.templates_for(machine_type)
    if not candidates:
        raise bad_request(f"No OS template runs on {machine_type.label}; pass `templateId`.")
    return machines.os_template_choice(candidates[0])


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
    ("GET", "/_sandbox/routes"): routes_index,
}
