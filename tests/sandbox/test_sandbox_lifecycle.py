"""Lifecycle rules from real clients (docs/sandbox.md "Rules and their sources"): delete in every
state, stop on the way up, 400 refusals in the real API's words."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_contract import MACHINE_KEYS, MACHINE_STATES
from tests.sandbox.sandbox_support import MACHINE, CreateMachine, error_of


def state_of(client: httpx.Client, machine_id: str) -> str:
    state: str = client.get(f"/machines/{machine_id}").json()["state"]
    return state


def event_of(client: httpx.Client, event_id: str) -> dict:
    response = client.get(f"/machine-events/{event_id}")
    assert response.status_code == 200, response.text
    return response.json()


Arrange = Callable[[httpx.Client, SandboxApp, CreateMachine], str]


def _provisioning(client: httpx.Client, app: SandboxApp, make: CreateMachine) -> str:
    return str(make(settle=False)["id"])


def _ready(client: httpx.Client, app: SandboxApp, make: CreateMachine) -> str:
    return str(make()["id"])


def _off(client: httpx.Client, app: SandboxApp, make: CreateMachine) -> str:
    return str(make(startOnCreate=False)["id"])


def _then(action: str, arrange: Arrange, body: dict | None = None) -> Arrange:
    def arranged(client: httpx.Client, app: SandboxApp, make: CreateMachine) -> str:
        machine_id = arrange(client, app, make)
        if action == "resize":
            response = client.put(f"/machines/{machine_id}", json=body)
        else:
            response = client.patch(f"/machines/{machine_id}/{action}")
        assert response.status_code == 200, response.text
        return machine_id

    return arranged


ARRANGED_IN = {
    "provisioning": _provisioning,
    "ready": _ready,
    "off": _off,
    "starting": _then("start", _off),
    "stopping": _then("stop", _ready),
    "restarting": _then("restart", _ready),
    "upgrading": _then("resize", _off, {"diskSize": 100}),
}


@pytest.mark.parametrize("state", sorted(ARRANGED_IN))
def test_delete_is_accepted_in_every_state(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine, state: str
) -> None:
    machine_id = ARRANGED_IN[state](client, app, make_machine)
    assert state_of(client, machine_id) == state
    response = client.delete(f"/machines/{machine_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["event"]["name"] == "deactivate"
    assert list(body["data"]) == MACHINE_KEYS
    assert body["data"]["dtDeleted"] is not None
    assert body["data"]["state"] in MACHINE_STATES
    error_of(client.get(f"/machines/{machine_id}"), 404, "NOT_FOUND")
    assert client.get("/machines").json()["items"] == []
    app.advance(10)
    assert event_of(client, body["event"]["id"])["state"] == "done"


def test_deleting_a_provisioning_machine_cancels_its_create(
    client: httpx.Client, app: SandboxApp
) -> None:
    created = client.post("/machines", json=MACHINE).json()
    client.delete(f"/machines/{created['data']['id']}")
    event = event_of(client, created["event"]["id"])
    assert event["state"] == "cancelled"  # a state of the API's event enum
    assert event["dtFinished"] is not None
    app.advance(60)
    assert event_of(client, created["event"]["id"]) == event  # finished events stay finished


def test_a_running_machine_deleted_frees_its_network_at_once(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    """SkyPilot deletes the cluster's network 5 s after deleting its running machines."""
    network = client.post("/private-networks", json={"name": "c", "region": "NY2"}).json()
    machine_id = make_machine(networkId=network["id"])["id"]
    assert client.delete(f"/machines/{machine_id}").status_code == 200
    assert client.delete(f"/private-networks/{network['id']}").status_code == 200


@pytest.mark.parametrize("state", ["provisioning", "starting", "restarting", "upgrading"])
def test_stop_on_the_way_up_ends_off(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine, state: str
) -> None:
    machine_id = ARRANGED_IN[state](client, app, make_machine)
    busy_with = client.get("/machine-events", params={"machineId": machine_id}).json()["items"][0]
    response = client.patch(f"/machines/{machine_id}/stop")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["state"] == "stopping"
    assert response.json()["event"]["name"] == "stop"
    interrupted = event_of(client, busy_with["id"])
    assert interrupted["state"] == "done"  # cut short where it was, keeping its outcome
    assert interrupted["dtFinished"] is not None
    app.advance(3)
    machine = client.get(f"/machines/{machine_id}").json()
    assert machine["state"] == "off"
    assert machine["publicIp"] is None
    app.advance(60)
    assert state_of(client, machine_id) == "off"  # the interrupted transition never resumes


def test_a_start_while_a_start_is_pending_is_refused_in_the_real_words(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    """SkyPilot matches this exact text (instance.py:84-89)."""
    machine_id = make_machine(startOnCreate=False)["id"]
    client.patch(f"/machines/{machine_id}/start")
    message = error_of(client.patch(f"/machines/{machine_id}/start"), 400, "BAD_REQUEST")
    assert message == "This machine is currently starting."


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        ("ready", "start", "is ready; only an off machine can start"),
        ("off", "stop", "is already off"),
        ("off", "restart", "start it instead"),
        ("stopping", "stop", "This machine is currently stopping."),
        ("stopping", "start", "This machine is currently stopping."),
        ("provisioning", "start", "This machine is currently provisioning."),
        ("provisioning", "restart", "This machine is currently provisioning."),
        ("upgrading", "start", "This machine is currently upgrading."),
    ],
)
def test_power_refusals_are_400(
    client: httpx.Client,
    app: SandboxApp,
    make_machine: CreateMachine,
    state: str,
    action: str,
    message: str,
) -> None:
    """OpenLLM's CI reads a 400 as "already running" / "already off" (tools/machines.py)."""
    machine_id = ARRANGED_IN[state](client, app, make_machine)
    said = error_of(client.patch(f"/machines/{machine_id}/{action}"), 400, "BAD_REQUEST")
    assert message in said


def test_resize_snapshot_and_template_refusals_are_400(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    machine_id = make_machine()["id"]
    resize = client.put(f"/machines/{machine_id}", json={"machineType": "C5"})
    assert "stop it first" in error_of(resize, 400, "BAD_REQUEST")
    template = client.post("/custom-templates", json={"machineId": machine_id, "name": "t"})
    assert "stop it first" in error_of(template, 400, "BAD_REQUEST")
    client.patch(f"/machines/{machine_id}/stop")
    snapshot = client.post("/snapshots", json={"machineId": machine_id, "name": "s"})
    assert error_of(snapshot, 400, "BAD_REQUEST") == "This machine is currently stopping."


def test_a_failed_stop_on_the_way_up_leaves_the_transition_running(
    client: httpx.Client, app: SandboxApp
) -> None:
    app.add_event_failure("stop", "no")
    machine_id = client.post("/machines", json=MACHINE).json()["data"]["id"]
    response = client.patch(f"/machines/{machine_id}/stop")
    assert response.status_code == 200
    assert state_of(client, machine_id) == "provisioning"
    app.advance(60)
    assert state_of(client, machine_id) == "ready"
