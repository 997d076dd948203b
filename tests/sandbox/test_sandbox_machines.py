"""Machines: shapes, lifecycle on a fake clock, refusals, instant mode."""

from __future__ import annotations

import re

import httpx
import pytest

from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_contract import (
    ACCELERATOR_KEYS,
    EVENT_KEYS,
    ISO_MS_PATTERN,
    LIST_KEYS,
    MACHINE_KEYS,
    MACHINE_STATES,
)
from tests.sandbox.sandbox_support import MACHINE, CreateMachine, error_of


def state_of(client: httpx.Client, machine_id: str) -> str:
    response = client.get(f"/machines/{machine_id}")
    assert response.status_code == 200, response.text
    state: str = response.json()["state"]
    return state


def event_of(client: httpx.Client, event_id: str) -> dict:
    response = client.get(f"/machine-events/{event_id}")
    assert response.status_code == 200, response.text
    return response.json()


def test_create_returns_data_and_event_with_contract_keys(client: httpx.Client) -> None:
    response = client.post("/machines", json=MACHINE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-pspace-sandbox"] == "1"
    body = response.json()
    assert list(body) == ["data", "event"]
    machine, event = body["data"], body["event"]
    assert list(machine) == MACHINE_KEYS
    assert list(event) == EVENT_KEYS
    assert re.fullmatch(r"ps[a-z0-9]{6}", machine["id"])
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", event["id"]
    )
    assert machine["state"] == "provisioning"
    assert machine["region"] == "East Coast (NY2)"
    assert machine["ram"] == 4 * 2**30
    assert machine["cpus"] == 2
    assert machine["storageTotal"] == 50 * 2**30
    assert machine["usageRate"] == 0.04
    assert machine["storageRate"] == 0.0074
    assert machine["accelerators"] == []
    assert machine["os"] == "Ubuntu 22.04 Server"
    assert machine["agentType"] == "LinuxHeadless"
    assert machine["dtDeleted"] is None
    assert machine["reservation"] is None
    assert re.fullmatch(ISO_MS_PATTERN, machine["dtCreated"])
    assert machine["privateIp"].startswith("10.")
    assert event["name"] == "create"
    assert event["state"] == "new"
    assert event["machineId"] == machine["id"]
    assert event["dtStarted"] is None
    assert event["dtFinished"] is None


def test_gpu_machine_has_accelerators(client: httpx.Client) -> None:
    body = {**MACHINE, "machineType": "A4000x2", "templateId": "t17d1a6i"}
    machine = client.post("/machines", json=body).json()["data"]
    assert len(machine["accelerators"]) == 1
    accelerator = machine["accelerators"][0]
    assert list(accelerator) == ACCELERATOR_KEYS
    assert accelerator["count"] == 2
    assert accelerator["name"] == "Ampere A4000"


def test_create_provisions_then_is_ready(client: httpx.Client, app: SandboxApp) -> None:
    body = client.post("/machines", json=MACHINE).json()
    machine_id, event_id = body["data"]["id"], body["event"]["id"]
    assert state_of(client, machine_id) == "provisioning"
    assert event_of(client, event_id)["state"] == "new"
    app.advance(1)
    assert state_of(client, machine_id) == "provisioning"
    event = event_of(client, event_id)
    assert event["state"] == "in progress"
    assert event["dtStarted"] is not None
    assert event["dtFinished"] is None
    app.advance(8)
    machine = client.get(f"/machines/{machine_id}").json()
    assert machine["state"] == "ready"
    assert machine["publicIp"].startswith("203.0.113.")  # dynamic by default, shown when running
    event = event_of(client, event_id)
    assert event["state"] == "done"
    assert event["dtFinished"] is not None
    assert event["error"] is None
    assert machine["dtModified"] == event["dtFinished"]


def test_start_on_create_false_ends_off(client: httpx.Client, app: SandboxApp) -> None:
    machine = client.post("/machines", json={**MACHINE, "startOnCreate": False}).json()["data"]
    app.advance(60)
    machine = client.get(f"/machines/{machine['id']}").json()
    assert machine["state"] == "off"
    assert machine["publicIp"] is None


def test_stop_start_restart_cycle(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine()["id"]
    stopped = client.patch(f"/machines/{machine_id}/stop", json={})
    assert stopped.status_code == 200
    assert stopped.json()["data"]["state"] == "stopping"
    assert stopped.json()["event"]["name"] == "stop"
    assert state_of(client, machine_id) == "stopping"
    app.advance(3)
    assert state_of(client, machine_id) == "off"
    assert client.get(f"/machines/{machine_id}").json()["publicIp"] is None

    started = client.patch(f"/machines/{machine_id}/start", json={})
    assert started.json()["data"]["state"] == "starting"
    app.advance(4)
    assert state_of(client, machine_id) == "ready"

    restarted = client.patch(f"/machines/{machine_id}/restart")  # no body at all is fine too
    assert restarted.status_code == 200
    assert restarted.json()["data"]["state"] == "restarting"
    app.advance(5)
    assert state_of(client, machine_id) == "ready"
    names = [
        event["name"]
        for event in client.get("/machine-events", params={"machineId": machine_id}).json()["items"]
    ]
    assert names == ["restart", "start", "stop", "create"]


def test_resize_needs_off_and_goes_through_upgrading(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine()["id"]
    message = error_of(
        client.put(f"/machines/{machine_id}", json={"machineType": "C5"}), 400, "BAD_REQUEST"
    )
    assert "stop it first" in message
    client.patch(f"/machines/{machine_id}/stop", json={})
    app.advance(10)
    response = client.put(f"/machines/{machine_id}", json={"machineType": "C5", "diskSize": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["event"]["name"] == "vm-upgrade"
    assert body["data"]["state"] == "upgrading"
    assert body["data"]["machineType"] == "C5"
    app.advance(6)
    machine = client.get(f"/machines/{machine_id}").json()
    assert machine["state"] == "off"
    assert machine["cpus"] == 4
    assert machine["storageTotal"] == 100 * 2**30
    assert machine["usageRate"] == 0.08


def test_name_only_update_is_synchronous(client: httpx.Client, make_machine: CreateMachine) -> None:
    machine_id = make_machine(settle=False)["id"]  # allowed even while provisioning
    response = client.put(
        f"/machines/{machine_id}",
        json={"name": "renamed", "autoShutdownEnabled": True, "autoShutdownTimeout": 8},
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["data"]  # event omitted, as the contract allows for this operation
    assert body["data"]["name"] == "renamed"
    assert body["data"]["autoShutdownEnabled"] is True
    assert body["data"]["autoShutdownTimeout"] == 8


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"diskSize": 75}, "must be one of 50, 100, 250, 500, 1000, 2000"),
        ({"machineType": "Z9"}, "unknown machine type 'Z9'"),
        ({"machineType": "A4000"}, "within its group"),
    ],
)
def test_update_refusals(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine, body: dict, fragment: str
) -> None:
    machine_id = make_machine(startOnCreate=False)["id"]
    assert fragment in error_of(
        client.put(f"/machines/{machine_id}", json=body), 400, "BAD_REQUEST"
    )


def test_disk_cannot_shrink(client: httpx.Client, make_machine: CreateMachine) -> None:
    machine_id = make_machine(startOnCreate=False, diskSize=100)["id"]
    message = error_of(client.put(f"/machines/{machine_id}", json={"diskSize": 50}), 400)
    assert "only grow" in message


def test_deleted_machine_is_gone_and_its_event_runs_its_course(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine(startOnCreate=False)["id"]
    response = client.delete(f"/machines/{machine_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["event"]["name"] == "deactivate"
    assert body["data"]["dtDeleted"] is not None
    assert list(body["data"]) == MACHINE_KEYS
    error_of(client.get(f"/machines/{machine_id}"), 404, "NOT_FOUND")
    app.advance(10)
    assert event_of(client, body["event"]["id"])["state"] == "done"
    assert client.get("/machines").json()["items"] == []


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"machineType": "NOPE"}, "unknown machine type"),
        ({"region": "Mars"}, "unknown region"),
        ({"templateId": "tnope"}, "unknown template"),
        ({"diskSize": 60}, "must be one of"),
        (
            {"machineType": "H100", "templateId": "tilqt47t", "region": "CA1"},
            "offered in: East Coast (NY2)",
        ),
    ],
)
def test_create_refusals(client: httpx.Client, overrides: dict, fragment: str) -> None:
    message = error_of(client.post("/machines", json={**MACHINE, **overrides}), 400, "BAD_REQUEST")
    assert fragment in message


def test_create_accepts_every_region_spelling(client: httpx.Client) -> None:
    for spelling in ("NY2", "ny2", "East Coast (NY2)"):
        machine = client.post("/machines", json={**MACHINE, "region": spelling}).json()["data"]
        assert machine["region"] == "East Coast (NY2)"


def test_create_validation_names_fields(client: httpx.Client) -> None:
    response = client.post("/machines", json={"name": "x", "diskSize": "50", "startOnCreate": 1})
    message = error_of(response, 400, "BAD_REQUEST")
    issues = [issue["message"] for issue in response.json()["issues"]]
    assert any("diskSize" in issue for issue in issues)
    assert any("startOnCreate" in issue for issue in issues)
    assert any("`machineType` is required" in issue for issue in issues)
    assert "machineType" in message


def test_transitional_refusals_cover_every_action(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    machine_id = make_machine(settle=False)["id"]
    for response in (
        client.patch(f"/machines/{machine_id}/start", json={}),
        client.patch(f"/machines/{machine_id}/restart", json={}),
        client.post("/snapshots", json={"machineId": machine_id, "name": "s"}),
        client.put(f"/machines/{machine_id}", json={"diskSize": 100}),
    ):
        message = error_of(response, 400, "BAD_REQUEST")
        assert message == "This machine is currently provisioning."


def test_instant_mode_returns_transition_then_final(instant: httpx.Client) -> None:
    body = instant.post("/machines", json=MACHINE).json()
    assert body["data"]["state"] == "provisioning"
    assert body["event"]["state"] == "new"
    machine_id = body["data"]["id"]
    assert state_of(instant, machine_id) == "ready"
    assert event_of(instant, body["event"]["id"])["state"] == "done"
    stopped = instant.patch(f"/machines/{machine_id}/stop", json={}).json()
    assert stopped["data"]["state"] == "stopping"
    assert state_of(instant, machine_id) == "off"


def test_event_failure_settles_back(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine(startOnCreate=False)["id"]
    app.add_event_failure("start", "no capacity", machine_id=machine_id)
    body = client.patch(f"/machines/{machine_id}/start", json={}).json()
    assert body["data"]["state"] == "starting"
    app.advance(10)
    assert state_of(client, machine_id) == "off"
    event = event_of(client, body["event"]["id"])
    assert event["state"] == "error"
    assert event["error"] == "no capacity"
    # Only once: the next start works.
    client.patch(f"/machines/{machine_id}/start", json={})
    app.advance(10)
    assert state_of(client, machine_id) == "ready"


def test_failed_resize_keeps_old_type(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine(startOnCreate=False)["id"]
    app.add_event_failure("vm-upgrade", "upgrade failed")
    client.put(f"/machines/{machine_id}", json={"machineType": "C5"})
    app.advance(10)
    machine = client.get(f"/machines/{machine_id}").json()
    assert machine["state"] == "off"
    assert machine["machineType"] == "C4"


def test_every_state_is_in_the_contract_enum(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    make_machine(settle=False)
    make_machine()
    items = client.get("/machines").json()
    assert list(items) == LIST_KEYS
    for machine in items["items"]:
        assert list(machine) == MACHINE_KEYS
        assert machine["state"] in MACHINE_STATES


def test_static_ip_is_kept_and_survives_delete(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine = make_machine(publicIpType="static")
    assert machine["publicIp"] is not None  # static addresses show even before boot
    ips = client.get("/public-ips").json()["items"]
    assert [ip["ip"] for ip in ips] == [machine["publicIp"]]
    assert ips[0]["assignedMachineId"] == machine["id"]
    client.patch(f"/machines/{machine['id']}/stop", json={})
    app.advance(10)
    assert client.get(f"/machines/{machine['id']}").json()["publicIp"] == machine["publicIp"]
    client.delete(f"/machines/{machine['id']}")
    ips = client.get("/public-ips").json()["items"]
    assert ips[0]["ip"] == machine["publicIp"]
    assert ips[0]["assignedMachineId"] is None


def test_dynamic_ip_changes_per_boot_and_is_gone_when_off(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine()["id"]
    first = client.get(f"/machines/{machine_id}").json()["publicIp"]
    assert first is not None
    client.patch(f"/machines/{machine_id}/stop", json={})
    app.advance(10)
    assert client.get(f"/machines/{machine_id}").json()["publicIp"] is None
    assert client.get("/public-ips").json()["items"] == []  # dynamic addresses are not claimed
    client.patch(f"/machines/{machine_id}/start", json={})
    app.advance(10)
    assert client.get(f"/machines/{machine_id}").json()["publicIp"] is not None
