"""Transport-level behaviour: auth, teams, routing, error envelopes, parsing, request log."""

from __future__ import annotations

import json

import httpx
import pytest

from pspace_py.sandbox import FakeClock, create_app
from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_contract import (
    ACCOUNT_STANDING_KEYS,
    MEMBERSHIP_KEYS,
    MEMBERSHIP_TEAM_KEYS,
    SESSION_KEYS,
    SESSION_TEAM_KEYS,
    USER_KEYS,
    USER_METADATA_KEYS,
    USER_PREFERENCES_KEYS,
)
from tests.sandbox.sandbox_support import MACHINE, client_for, error_of


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_missing_or_unknown_key_is_401(app: SandboxApp, key: str | None) -> None:
    with client_for(app, key) as http:
        message = error_of(http.get("/machines"), 401, "UNAUTHORIZED")
    assert "Invalid or missing API key" in message
    assert "sandbox-key" in message


def test_x_api_key_header_is_accepted(app: SandboxApp) -> None:
    with client_for(app, None) as http:
        assert http.get("/machines", headers={"x-api-key": "sandbox-key"}).status_code == 200


def test_session_is_complete(client: httpx.Client) -> None:
    session = client.get("/auth/session").json()
    assert list(session) == SESSION_KEYS
    assert list(session["team"]) == SESSION_TEAM_KEYS
    assert session["team"]["namespace"] == "sandbox"
    user = session["user"]
    assert list(user) == USER_KEYS
    assert list(user["metadata"]) == USER_METADATA_KEYS
    assert list(user["preferences"]) == USER_PREFERENCES_KEYS
    membership = user["teamMemberships"][0]
    assert list(membership) == MEMBERSHIP_KEYS
    assert list(membership["team"]) == MEMBERSHIP_TEAM_KEYS
    assert membership["team"]["id"] == session["team"]["id"]


def test_account_standing_and_admin_flip(client: httpx.Client) -> None:
    standing = client.get("/billing/account-standing").json()
    assert list(standing) == ACCOUNT_STANDING_KEYS
    assert standing["isInGoodStanding"] is True
    flipped = client.post(
        "http://sandbox.test/_sandbox/account-standing",
        json={"isInGoodStanding": False, "messages": ["Card declined."]},
    )
    assert flipped.status_code == 200
    standing = client.get("/billing/account-standing").json()
    assert standing == {
        "hasPaymentMethod": True,
        "isAdminLocked": False,
        "isInGoodStanding": False,
        "messages": ["Card declined."],
    }
    message = error_of(client.post("/machines", json=MACHINE), 412, "PRECONDITION_FAILED")
    assert "Card declined." in message
    client.post("http://sandbox.test/_sandbox/account-standing", json={"isInGoodStanding": True})
    assert client.post("/machines", json=MACHINE).status_code == 200


def test_a_body_that_is_not_valid_is_400_before_the_standing_is_looked_at(
    client: httpx.Client,
) -> None:
    client.post("http://sandbox.test/_sandbox/account-standing", json={"isInGoodStanding": False})
    error_of(client.post("/machines", json={**MACHINE, "diskSize": "50"}), 400, "BAD_REQUEST")
    error_of(client.post("/public-ips", json={}), 400, "BAD_REQUEST")
    error_of(client.post("/public-ips", json={"region": "NY2"}), 412, "PRECONDITION_FAILED")


def test_teams_are_isolated() -> None:
    app = create_app(api_keys=["alice-key", "bob-secret"], clock=FakeClock(), seed=1)
    with client_for(app, "alice-key") as alice, client_for(app, "bob-secret") as bob:
        assert alice.get("/auth/session").json()["team"]["namespace"] == "alice"
        bob_namespace = bob.get("/auth/session").json()["team"]["namespace"]
        assert bob_namespace.startswith("team-")
        assert "bob" not in bob_namespace  # keys that are not `<name>-key` stay unreadable
        machine = alice.post("/machines", json=MACHINE).json()["data"]
        error_of(bob.get(f"/machines/{machine['id']}"), 404, "NOT_FOUND")
        error_of(bob.patch(f"/machines/{machine['id']}/stop", json={}), 404)
        assert bob.get("/machines").json()["items"] == []
        assert len(alice.get("/machines").json()["items"]) == 1
        assert bob.get("/machine-events", params={"machineId": machine["id"]}).json()["items"] == []
    app.close()


def test_unimplemented_operation_is_501(client: httpx.Client) -> None:
    for method, path in [
        ("GET", "/machine-availability"),
        ("GET", "/teams/sandbox"),
        ("GET", "/notebooks"),
        ("PATCH", "/machines"),
        ("POST", "/machines/ps123456/start"),
    ]:
        message = error_of(client.request(method, path), 501, "METHOD_NOT_SUPPORTED")
        assert "is not implemented by the pspace sandbox" in message


def test_unknown_route_outside_v1_is_404(client: httpx.Client) -> None:
    message = error_of(client.get("http://sandbox.test/v2/machines"), 404, "NOT_FOUND")
    assert "/v1" in message


def test_malformed_json_is_parse_error(client: httpx.Client) -> None:
    for raw in (b"{not json", b"[1,", b'{"diskSize": NaN}'):
        error_of(client.post("/machines", content=raw), 400, "PARSE_ERROR")


def test_non_object_body_is_bad_request(client: httpx.Client) -> None:
    assert "JSON object" in error_of(client.post("/machines", json=[1, 2]), 400, "BAD_REQUEST")


def test_oversized_body_is_413(client: httpx.Client) -> None:
    error_of(client.post("/machines", content=b" " * (1024 * 1024 + 1)), 413, "PAYLOAD_TOO_LARGE")


def test_trailing_slash_and_unknown_query_keys_are_tolerated(client: httpx.Client) -> None:
    assert client.get("/machines/", params={"whatever": "1"}).status_code == 200


def test_request_log_records_and_redacts(app: SandboxApp, client: httpx.Client) -> None:
    client.post("/startup-scripts", json={"name": "boot", "script": "echo sandbox-key hunter2"})
    client.post("/machines", json={**MACHINE, "name": "has sandbox-key inside"})
    client.get("/machines", params={"limit": 5})
    log = app.request_log()
    assert [entry["operationId"] for entry in log] == [
        "startupScripts-create",
        "machines-create",
        "machines-list",
    ]
    dumped = json.dumps(log)
    assert "sandbox-key" not in dumped
    assert "hunter2" not in dumped
    assert "authorization" not in dumped.lower()
    script_entry, create_entry, list_entry = log
    assert script_entry["body"]["script"] == "****"
    assert create_entry["body"]["machineType"] == "C4"
    assert create_entry["status"] == 200
    assert create_entry["team"] == "sandbox"
    assert create_entry["headers"]["x-client"] == "tests"
    assert list_entry["query"] == {"limit": "5"}
    assert list_entry["method"] == "GET"
    assert list_entry["path"] == "/v1/machines"
    over_http = client.get("http://sandbox.test/_sandbox/requests").json()["items"]
    assert len(over_http) == 3
    client.delete("http://sandbox.test/_sandbox/requests")
    assert app.request_log() == []


@pytest.mark.slow
def test_request_log_is_bounded(app: SandboxApp, client: httpx.Client) -> None:
    from pspace_py.sandbox.request_log import REQUEST_LOG_SIZE

    for _ in range(REQUEST_LOG_SIZE + 5):
        client.get("/auth/session")
    assert len(app.request_log()) == REQUEST_LOG_SIZE


def test_every_response_is_json_with_sandbox_header(client: httpx.Client) -> None:
    for response in (
        client.get("/machines"),
        client.get("/machines/nope"),
        client.get("http://sandbox.test/"),
        client.get("http://sandbox.test/_sandbox/health"),
        client.get("http://sandbox.test/_sandbox/nope"),
    ):
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-pspace-sandbox"] == "1"
        response.json()


def test_ids_are_deterministic_under_a_seed() -> None:
    def first_id(seed: int) -> str:
        app = create_app(clock=FakeClock(), seed=seed)
        with client_for(app) as http:
            machine_id: str = http.post("/machines", json=MACHINE).json()["data"]["id"]
        app.close()
        return machine_id

    assert first_id(42) == first_id(42)
    assert first_id(42) != first_id(43)


def test_an_id_with_a_slash_is_not_found_not_unimplemented() -> None:
    from pspace_py.sandbox import create_app
    from pspace_py.sandbox.transport import SandboxTransport

    app = create_app(instant=True)
    with httpx.Client(
        transport=SandboxTransport(app, default_api_key="sandbox-key"),
        base_url="http://sandbox/v1",
    ) as client:
        for path in ("/machines/a%2Fb", "/machines/a%2Fb/start", "/snapshots/x/y"):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert answer.json()["code"] == "NOT_FOUND"
        # A routed sub-resource of a machine that does not exist names the machine.
        assert "Machine 'psx' not found" in client.get("/machines/psx/accessors").json()["message"]
