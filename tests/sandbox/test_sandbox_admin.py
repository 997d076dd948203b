"""The /_sandbox/ routes."""

from __future__ import annotations

import httpx

from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_support import MACHINE, error_of

ADMIN = "http://sandbox.test/_sandbox"


def test_health(client: httpx.Client) -> None:
    assert client.get(f"{ADMIN}/health").json() == {"status": "ok"}


def test_reset_empties_everything(app: SandboxApp, client: httpx.Client) -> None:
    client.post("/machines", json=MACHINE)
    client.post("/private-networks", json={"name": "n", "region": "NY2"})
    assert client.post(f"{ADMIN}/reset").json() == {"status": "ok"}
    assert app.request_log() == []
    assert client.get("/machines").json()["items"] == []
    assert client.get("/private-networks").json()["items"] == []
    # Seeded IDs start over, so a reset run reproduces the same IDs.
    again = client.post("/machines", json=MACHINE).json()["data"]
    client.post(f"{ADMIN}/reset")
    assert client.post("/machines", json=MACHINE).json()["data"]["id"] == again["id"]


def test_clock_advance(client: httpx.Client) -> None:
    machine_id = client.post("/machines", json=MACHINE).json()["data"]["id"]
    before = client.get(f"{ADMIN}/clock").json()
    after = client.post(f"{ADMIN}/clock/advance", json={"seconds": 30}).json()
    assert after["nowMs"] - before["nowMs"] == 30_000
    assert after["timing"]["provisioning"] == 8.0
    assert client.get(f"/machines/{machine_id}").json()["state"] == "ready"
    error_of(client.post(f"{ADMIN}/clock/advance", json={"seconds": -1}), 400, "BAD_REQUEST")
    error_of(client.post(f"{ADMIN}/clock/advance", json={"seconds": "1"}), 400)
    error_of(client.post(f"{ADMIN}/clock/advance", content=b"{"), 400, "PARSE_ERROR")


def test_seed_creates_ready_machines(client: httpx.Client) -> None:
    response = client.post(
        f"{ADMIN}/seed",
        json={"machines": 250, "machineType": "C5", "region": "CA1", "namePrefix": "bench-"},
    )
    assert response.status_code == 200
    assert response.json()["created"] == 250
    page = client.get("/machines", params={"limit": 120, "orderBy": "name", "order": "asc"}).json()
    first = page["items"][0]
    assert first["name"] == "bench-001"
    assert first["state"] == "ready"
    assert first["machineType"] == "C5"
    assert first["region"] == "West Coast (CA1)"
    assert len({m["privateIp"] for m in page["items"]}) == 120
    # Seeded machines are ordinary machines.
    assert client.patch(f"/machines/{first['id']}/stop", json={}).status_code == 200


def test_seed_validation(client: httpx.Client) -> None:
    for body in (
        {"machines": 0},
        {"machines": 1, "machineType": "NOPE"},
        {"machines": 1, "region": "Mars"},
        {"machines": 1, "machineType": "H100", "region": "CA1"},
        {"machines": 1, "state": "provisioning"},
        {"machines": 1, "apiKey": "unknown"},
    ):
        error_of(client.post(f"{ADMIN}/seed", json=body), 400, "BAD_REQUEST")


def test_seed_for_another_team(app: SandboxApp) -> None:
    from pspace_py.sandbox import FakeClock, create_app
    from tests.sandbox.sandbox_support import client_for

    sandbox = create_app(api_keys=["alice-key"], clock=FakeClock())
    with client_for(sandbox, "alice-key") as alice, client_for(sandbox) as default:
        alice.post(f"{ADMIN}/seed", json={"machines": 3, "apiKey": "alice-key"})
        assert len(alice.get("/machines").json()["items"]) == 3
        assert default.get("/machines").json()["items"] == []
    sandbox.close()


def test_admin_only_answers_loopback_clients(app: SandboxApp) -> None:
    transport = httpx.WSGITransport(app=app, remote_addr="192.0.2.10")
    with httpx.Client(transport=transport) as http:
        message = error_of(http.get(f"{ADMIN}/health"), 403, "FORBIDDEN")
        assert "only answer clients on this machine" in message


def test_unknown_admin_route(client: httpx.Client) -> None:
    message = error_of(client.get(f"{ADMIN}/nope"), 404, "NOT_FOUND")
    assert "GET /_sandbox/health" in message


def test_routes_index_lists_operations(client: httpx.Client) -> None:
    implemented = client.get(f"{ADMIN}/routes").json()["implemented"]
    assert {
        "operationId": "machines-get",
        "method": "GET",
        "path": "/v1/machines/{id}",
    } in implemented
    assert len(implemented) == 58
