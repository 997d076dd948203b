"""Fault injection in-process (through SandboxTransport): statuses, Retry-After, latency,
malformed bodies, resets, commit-then-drop, counters, and the compact rule grammar."""

from __future__ import annotations

import json

import httpx
import pytest

from pspace_py.sandbox import FakeClock, FaultRule, create_app, parse_fault_rule
from pspace_py.sandbox.app import SandboxApp
from pspace_py.sandbox.transport import SandboxTransport
from tests.sandbox.sandbox_support import MACHINE, error_of

ADMIN = "http://sandbox.test/_sandbox"


def machine_count(app: SandboxApp) -> int:
    with httpx.Client(transport=SandboxTransport(app), base_url="http://s/v1") as http:
        return len(
            http.get("/machines", headers={"authorization": "Bearer sandbox-key"}).json()["items"]
        )


def test_status_fault_with_retry_after_and_times(app: SandboxApp, client: httpx.Client) -> None:
    app.add_fault(parse_fault_rule("machines-create:status=503,retry-after=1,times=2"))
    for _ in range(2):
        response = client.post("/machines", json=MACHINE)
        assert "Sandbox fault injected" in error_of(response, 503, "INTERNAL_SERVER_ERROR")
        assert response.headers["retry-after"] == "1"
    assert machine_count(app) == 0  # a refused call changes nothing
    assert client.post("/machines", json=MACHINE).status_code == 200
    assert [entry["fault"] for entry in app.request_log()[:3]] == ["status", "status", None]


def test_after_skips_calls_and_times_zero_is_forever(app: SandboxApp, client: httpx.Client) -> None:
    app.add_fault(FaultRule(operation="machines-list", status=429, after=2, times=0))
    statuses = [client.get("/machines").status_code for _ in range(5)]
    assert statuses == [200, 200, 429, 429, 429]
    assert client.get("/machines").json()["code"] == "TOO_MANY_REQUESTS"


def test_http_date_retry_after_passes_through(app: SandboxApp, client: httpx.Client) -> None:
    app.add_fault(
        parse_fault_rule("machines-get:status=429,retry-after=Wed, 21 Oct 2037 07:28:00 GMT")
    )
    response = client.get("/machines/ps000000")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "Wed, 21 Oct 2037 07:28:00 GMT"


def test_star_matches_every_operation(app: SandboxApp, client: httpx.Client) -> None:
    app.add_fault(parse_fault_rule("*:status=500,times=3"))
    assert client.get("/machines").status_code == 500
    assert client.get("/auth/session").status_code == 500
    assert client.post("/machines", json=MACHINE).status_code == 500
    assert client.get("/machines").status_code == 200


def test_latency_sleeps_then_answers(app: SandboxApp) -> None:
    slept: list[float] = []
    app.add_fault(parse_fault_rule("*:latency=100"))
    with httpx.Client(
        transport=SandboxTransport(app, sleep=slept.append),
        base_url="http://s/v1",
        headers={"authorization": "Bearer sandbox-key"},
    ) as http:
        assert http.get("/machines").status_code == 200
    assert slept == [0.1]


def test_latency_beyond_the_read_timeout_is_a_read_timeout(app: SandboxApp) -> None:
    slept: list[float] = []
    app.add_fault(parse_fault_rule("machines-create:latency=5000"))
    with (
        httpx.Client(
            transport=SandboxTransport(app, sleep=slept.append),
            base_url="http://s/v1",
            headers={"authorization": "Bearer sandbox-key"},
            timeout=httpx.Timeout(5.0, read=0.25),
        ) as http,
        pytest.raises(httpx.ReadTimeout),
    ):
        http.post("/machines", json=MACHINE)
    assert slept == [0.25]
    assert machine_count(app) == 1  # the server still did the work


@pytest.mark.parametrize(
    ("body", "status", "content_type"),
    [
        ("html", 502, "text/html; charset=utf-8"),
        ("truncated", 200, "application/json"),
        ("not-json", 200, "text/plain; charset=utf-8"),
        ("wrong-shape", 200, "application/json"),
        ("unknown-code", 500, "application/json"),
        ("empty", 204, None),
    ],
)
def test_malformed_bodies(
    app: SandboxApp, client: httpx.Client, body: str, status: int, content_type: str | None
) -> None:
    app.add_fault(FaultRule.from_json({"operation": "machines-list", "body": body}))
    response = client.get("/machines")
    assert response.status_code == status
    assert response.headers.get("content-type") == content_type
    assert response.headers["x-pspace-sandbox"] == "1"
    if body == "empty":
        assert response.content == b""
    elif body in ("truncated", "not-json", "html"):
        with pytest.raises(json.JSONDecodeError):
            response.json()
    elif body == "wrong-shape":
        assert "items" not in response.json()
    else:
        assert response.json()["code"] not in {"BAD_REQUEST", "INTERNAL_SERVER_ERROR"}


def test_malformed_success_still_commits(app: SandboxApp, client: httpx.Client) -> None:
    app.add_fault(parse_fault_rule("machines-create:body=truncated"))
    response = client.post("/machines", json=MACHINE)
    assert response.status_code == 200
    assert response.content.startswith(b'{"data":')
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert machine_count(app) == 1


def test_reset_drops_without_doing_anything(app: SandboxApp, client: httpx.Client) -> None:
    app.add_fault(parse_fault_rule("machines-create:reset"))
    with pytest.raises(httpx.ReadError):
        client.post("/machines", json=MACHINE)
    assert machine_count(app) == 0
    assert app.request_log()[0]["fault"] == "reset"
    assert app.request_log()[0]["status"] is None


def test_commit_then_drop_creates_exactly_once(app: SandboxApp, client: httpx.Client) -> None:
    app.add_fault(parse_fault_rule("machines-create:commit-then-drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/machines", json={**MACHINE, "name": "ambiguous"})
    machines = client.get("/machines", params={"name": "ambiguous"}).json()["items"]
    assert len(machines) == 1
    entry = app.request_log()[0]
    assert entry["fault"] == "commit-then-drop"
    assert entry["status"] == 200


def test_fault_admin_routes(app: SandboxApp, client: httpx.Client) -> None:
    response = client.post(
        f"{ADMIN}/faults",
        json=[
            {"operation": "machines-list", "status": 503, "retryAfter": 2},
            {"operation": "machines-get", "action": "reset", "after": 1},
        ],
    )
    assert response.status_code == 200
    rules = response.json()["items"]
    assert [rule["operation"] for rule in rules] == ["machines-list", "machines-get"]
    assert rules[0]["retryAfter"] == "2"
    client.get("/machines")
    listed = client.get(f"{ADMIN}/faults").json()["items"]
    assert listed[0]["matched"] == 1
    assert listed[0]["fired"] == 1
    assert listed[0]["exhausted"] is True
    assert client.delete(f"{ADMIN}/faults").json() == {"items": []}
    assert client.get("/machines").status_code == 200
    for bad in (
        {"operation": "machines-explode"},
        {"operation": "machines-list", "action": "explode"},
        {"operation": "machines-list", "status": "503"},
        {"operation": "machines-list", "bogus": 1},
        {"operation": "machines-list", "body": "xml"},
    ):
        error_of(client.post(f"{ADMIN}/faults", json=bad), 400, "BAD_REQUEST")


def test_startup_faults_are_validated_and_rearmed_by_reset() -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        create_app(faults=[FaultRule(operation="machines-explode")])
    app = create_app(clock=FakeClock(), faults=[parse_fault_rule("machines-list:status=503")])
    with httpx.Client(
        transport=SandboxTransport(app, default_api_key="sandbox-key"), base_url="http://s/v1"
    ) as http:
        assert http.get("/machines").status_code == 503
        assert http.get("/machines").status_code == 200
        app.reset()
        assert http.get("/machines").status_code == 503
    app.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "machines-create:status=503,retry-after=1,times=2",
            FaultRule("machines-create", "status", 503, "1", 2, 0, 0, None),
        ),
        ("*:latency=100", FaultRule("*", "latency", None, None, 1, 0, 100, None)),
        ("machines-create:commit-then-drop", FaultRule("machines-create", "commit-then-drop")),
        (
            "machines-list:reset,after=3,times=0",
            FaultRule("machines-list", "reset", after=3, times=0),
        ),
        ("machines-list:body=html", FaultRule("machines-list", "malformed", body="html")),
        (
            "machines-list:status=200,body=truncated",
            FaultRule("machines-list", "malformed", 200, body="truncated"),
        ),
        ("machines-list", FaultRule("machines-list")),
        (
            "machines-get:status=503,latency=50",
            FaultRule("machines-get", "status", 503, latency_ms=50),
        ),
    ],
)
def test_compact_grammar(text: str, expected: FaultRule) -> None:
    assert parse_fault_rule(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("machines-create:status=abc", "must be a whole number"),
        ("machines-create:explode", "unknown fault action"),
        ("machines-create:colour=red", "unknown fault key"),
        (":status=503", "needs an operation"),
        ("machines-create:status=999", "HTTP status"),
        ("machines-create:latency=-1", "latency"),
        ("machines-create:body=xml", "unknown fault body"),
    ],
)
def test_compact_grammar_errors(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_fault_rule(text)


def test_event_failures_admin_route(app: SandboxApp, client: httpx.Client) -> None:
    response = client.post(
        f"{ADMIN}/event-failures", json={"name": "create", "error": "no capacity", "times": 1}
    )
    assert response.status_code == 200
    body = client.post("/machines", json=MACHINE).json()
    app.advance(60)
    event = client.get(f"/machine-events/{body['event']['id']}").json()
    assert event["state"] == "error"
    assert event["error"] == "no capacity"
    assert client.get(f"/machines/{body['data']['id']}").json()["state"] == "off"
    listed = client.get(f"{ADMIN}/event-failures").json()["items"]
    assert listed[0]["used"] == 1
    error_of(client.post(f"{ADMIN}/event-failures", json={"name": "explode"}), 400)
    assert client.delete(f"{ADMIN}/event-failures").json() == {"items": []}


def test_a_fault_rule_needs_an_operation(client: httpx.Client) -> None:
    message = error_of(client.post(f"{ADMIN}/faults", json={}), 400, "BAD_REQUEST")
    assert "needs an operation" in message
    assert client.get(f"{ADMIN}/faults").json() == {"items": []}
