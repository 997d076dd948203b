"""Snapshots, private networks, public IPs, templates, startup scripts, shared drives, events."""

from __future__ import annotations

import re

import httpx

from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_contract import (
    AVAILABLE_MACHINE_TYPE_KEYS,
    CUSTOM_TEMPLATE_KEYS,
    EVENT_KEYS,
    EVENT_STATES,
    OS_TEMPLATE_KEYS,
    PRIVATE_NETWORK_KEYS,
    PUBLIC_IP_KEYS,
    SHARED_DRIVE_KEYS,
    SNAPSHOT_KEYS,
    STARTUP_SCRIPT_KEYS,
)
from tests.sandbox.sandbox_support import CreateMachine, error_of

# -- snapshots ---------------------------------------------------------------------------------


def test_snapshot_lifecycle(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine()["id"]
    created = client.post("/snapshots", json={"machineId": machine_id, "name": "before"})
    assert created.status_code == 200
    body = created.json()
    assert list(body) == ["data", "event"]
    snapshot = body["data"]
    assert list(snapshot) == SNAPSHOT_KEYS
    assert re.fullmatch(r"s[a-z0-9]{8}", snapshot["id"])
    assert snapshot["machineId"] == machine_id
    assert snapshot["isAutoSnapshot"] is False
    assert body["event"]["name"] == "snapshot-create"
    app.advance(5)
    assert client.get(f"/machine-events/{body['event']['id']}").json()["state"] == "done"

    assert client.get(f"/snapshots/{snapshot['id']}").json() == snapshot
    renamed = client.put(f"/snapshots/{snapshot['id']}", json={"name": "renamed"}).json()
    assert list(renamed) == SNAPSHOT_KEYS
    assert renamed["name"] == "renamed"
    listed = client.get("/snapshots", params={"machineId": machine_id}).json()["items"]
    assert [item["id"] for item in listed] == [snapshot["id"]]

    restored = client.post(
        f"/snapshots/{snapshot['id']}/restore", json={"createSnapshotBeforeRestore": True}
    ).json()
    assert restored["event"]["name"] == "snapshot-restore"
    assert restored["data"]["id"] == snapshot["id"]
    assert len(client.get("/snapshots").json()["items"]) == 2

    deleted = client.delete(f"/snapshots/{snapshot['id']}").json()
    assert deleted["event"]["name"] == "snapshot-delete"
    error_of(client.get(f"/snapshots/{snapshot['id']}"), 404, "NOT_FOUND")


def test_snapshot_errors(client: httpx.Client) -> None:
    assert "Machine 'psnope00' not found" in error_of(
        client.post("/snapshots", json={"machineId": "psnope00", "name": "x"}), 404, "NOT_FOUND"
    )
    error_of(client.post("/snapshots/snope/restore", json={}), 404, "NOT_FOUND")
    error_of(client.put("/snapshots/snope", json={"name": "x"}), 404)
    error_of(client.delete("/snapshots/snope"), 404)
    error_of(client.post("/snapshots", json={"machineId": 5}), 400, "BAD_REQUEST")


def test_deleting_a_machine_deletes_its_snapshots(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine(
        startOnCreate=False, takeInitialSnapshot=True, restorePointEnabled=True
    )["id"]
    machine = client.get(f"/machines/{machine_id}").json()
    snapshots = client.get("/snapshots").json()["items"]
    assert machine["restorePointSnapshotId"] == snapshots[0]["id"]
    client.delete(f"/machines/{machine_id}")
    assert client.get("/snapshots").json()["items"] == []


# -- private networks --------------------------------------------------------------------------


def test_private_network_crud_and_addresses(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    network = client.post("/private-networks", json={"name": "lan", "region": "ny2"}).json()
    assert list(network) == PRIVATE_NETWORK_KEYS
    assert network["region"] == "East Coast (NY2)"
    assert network["netmask"] == "255.255.255.0"
    assert re.fullmatch(r"10\.\d+\.\d+\.0", network["network"])
    second = client.post("/private-networks", json={"name": "lan2", "region": "NY2"}).json()
    assert second["network"] != network["network"]
    assert client.get(f"/private-networks/{network['id']}").json() == network
    assert (
        client.put(f"/private-networks/{network['id']}", json={"name": "x"}).json()["name"] == "x"
    )

    machine = make_machine(networkId=network["id"], startOnCreate=False)
    prefix = network["network"].rsplit(".", 1)[0]
    assert machine["networkId"] == network["id"]
    assert machine["privateIp"].startswith(prefix + ".")
    message = error_of(client.delete(f"/private-networks/{network['id']}"), 409, "CONFLICT")
    assert machine["id"] in message
    client.delete(f"/machines/{machine['id']}")
    assert client.delete(f"/private-networks/{network['id']}").json() == {"id": network["id"]}
    assert client.get(f"/private-networks/{network['id']}").json() is None  # the spec's null


def test_network_region_must_match(client: httpx.Client) -> None:
    network = client.post("/private-networks", json={"name": "eu", "region": "AMS1"}).json()
    message = error_of(
        client.post(
            "/machines",
            json={
                "name": "m",
                "machineType": "C4",
                "templateId": "t0nspur5",
                "region": "NY2",
                "diskSize": 50,
                "networkId": network["id"],
            },
        ),
        400,
    )
    assert "Europe (AMS1)" in message
    error_of(
        client.post(
            "/machines",
            json={
                "name": "m",
                "machineType": "C4",
                "templateId": "t0nspur5",
                "region": "NY2",
                "diskSize": 50,
                "networkId": "nnope",
            },
        ),
        404,
        "NOT_FOUND",
    )


def test_migrate_machines_moves_unnetworked_machines(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    machine = make_machine()
    network = client.post(
        "/private-networks", json={"name": "lan", "region": "NY2", "migrateMachines": True}
    ).json()
    moved = client.get(f"/machines/{machine['id']}").json()
    assert moved["networkId"] == network["id"]
    assert moved["privateIp"].startswith(network["network"].rsplit(".", 1)[0])
    message = error_of(client.put(f"/machines/{machine['id']}", json={"networkId": "nother"}), 400)
    assert "cannot leave" in message


# -- public IPs --------------------------------------------------------------------------------


def test_public_ip_claim_assign_unassign_release(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    machine = make_machine(publicIpType="none")
    assert client.get(f"/machines/{machine['id']}").json()["publicIp"] is None
    claimed = client.post("/public-ips", json={"region": "East Coast (NY2)"}).json()
    assert list(claimed) == PUBLIC_IP_KEYS
    assert claimed["assignedMachineId"] is None
    assert claimed["ip"].startswith("203.0.113.")
    ip = claimed["ip"]

    assigned = client.put(f"/public-ips/{ip}", json={"machineId": machine["id"]}).json()
    assert list(assigned) == PUBLIC_IP_KEYS
    assert assigned["assignedMachineId"] == machine["id"]
    shown = client.get(f"/machines/{machine['id']}").json()
    assert shown["publicIp"] == ip
    assert shown["publicIpType"] == "static"
    unassigned = client.put(f"/public-ips/{ip}", json={"machineId": None}).json()
    assert unassigned["assignedMachineId"] is None
    assert client.get(f"/machines/{machine['id']}").json()["publicIp"] is None
    listed = client.get("/public-ips").json()["items"]
    assert [list(item) for item in listed] == [PUBLIC_IP_KEYS]
    assert client.delete(f"/public-ips/{ip}").json() == {"ip": ip}
    error_of(client.delete(f"/public-ips/{ip}"), 404, "NOT_FOUND")


def test_releasing_an_assigned_ip_also_unassigns_it(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    machine = make_machine(region="NY2")
    ip = client.post("/public-ips", json={"region": "NY2"}).json()["ip"]
    client.put(f"/public-ips/{ip}", json={"machineId": machine["id"]})
    assert client.delete(f"/public-ips/{ip}").json() == {"ip": ip}
    shown = client.get(f"/machines/{machine['id']}").json()
    assert shown["publicIp"] is None
    assert client.get("/public-ips").json()["items"] == []


def test_public_ip_errors(client: httpx.Client, make_machine: CreateMachine) -> None:
    machine = make_machine(region="CA1")
    ip = client.post("/public-ips", json={"region": "NY2"}).json()["ip"]
    message = error_of(client.put(f"/public-ips/{ip}", json={"machineId": machine["id"]}), 400)
    assert "in its region" in message
    # machineId is a required key (null allowed).
    assert "`machineId` is required" in error_of(client.put(f"/public-ips/{ip}", json={}), 400)
    error_of(client.put(f"/public-ips/{ip}", json={"machineId": "psnope00"}), 404)
    error_of(client.put("/public-ips/203.0.113.250", json={"machineId": None}), 404)
    error_of(client.post("/public-ips", json={"region": "Mars"}), 400)
    error_of(client.post("/public-ips", json={}), 400)


def test_public_ip_region_filter(client: httpx.Client) -> None:
    client.post("/public-ips", json={"region": "NY2"})
    client.post("/public-ips", json={"region": "AMS1"})
    items = client.get("/public-ips", params={"region": "ams1"}).json()["items"]
    assert [item["region"] for item in items] == ["Europe (AMS1)"]


# -- templates ---------------------------------------------------------------------------------


def test_os_templates_come_from_the_catalog(client: httpx.Client) -> None:
    from pspace_py.catalog import load_catalog

    templates = client.get("/os-templates", params={"limit": 120}).json()["items"]
    assert {t["id"] for t in templates} == {t.id for t in load_catalog(None).os_templates}
    for template in templates:
        assert list(template) == OS_TEMPLATE_KEYS
        for available in template["availableMachineTypes"]:
            assert list(available) == AVAILABLE_MACHINE_TYPE_KEYS
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", template["dtCreated"])


def test_custom_template_lifecycle(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    running = make_machine()
    message = error_of(
        client.post("/custom-templates", json={"machineId": running["id"], "name": "t"}), 400
    )
    assert "stop it first" in message
    machine = make_machine(startOnCreate=False, diskSize=100)
    body = client.post(
        "/custom-templates", json={"machineId": machine["id"], "name": "golden"}
    ).json()
    assert list(body) == ["data", "event"]
    template = body["data"]
    assert list(template) == CUSTOM_TEMPLATE_KEYS
    assert template["parentMachineId"] == machine["id"]
    assert template["defaultSizeGb"] == 100
    assert body["event"]["name"] == "template-create"
    assert client.get(f"/custom-templates/{template['id']}").json() == template
    assert [
        t["id"]
        for t in client.get("/custom-templates", params={"machineId": machine["id"]}).json()[
            "items"
        ]
    ] == [template["id"]]
    # Machines can be created from it, in its region only.
    created = client.post(
        "/machines",
        json={
            "name": "clone",
            "machineType": "C5",
            "templateId": template["id"],
            "region": "NY2",
            "diskSize": 100,
        },
    )
    assert created.status_code == 200, created.text
    assert "cannot be used in" in error_of(
        client.post(
            "/machines",
            json={
                "name": "c",
                "machineType": "C5",
                "templateId": template["id"],
                "region": "CA1",
                "diskSize": 100,
            },
        ),
        400,
    )
    assert "at least 100" in error_of(
        client.post(
            "/machines",
            json={
                "name": "c",
                "machineType": "C5",
                "templateId": template["id"],
                "region": "NY2",
                "diskSize": 50,
            },
        ),
        400,
    )
    assert "`name` is required" in error_of(
        client.put(f"/custom-templates/{template['id']}", json={}), 400
    )
    renamed = client.put(f"/custom-templates/{template['id']}", json={"name": "gold"}).json()
    assert renamed["name"] == "gold"
    deleted = client.delete(f"/custom-templates/{template['id']}").json()
    assert list(deleted) == CUSTOM_TEMPLATE_KEYS  # bare object, no event
    assert deleted["dtDeleted"] is not None
    error_of(client.get(f"/custom-templates/{template['id']}"), 404)


# -- startup scripts ---------------------------------------------------------------------------


def test_startup_scripts(client: httpx.Client, make_machine: CreateMachine) -> None:
    machine = make_machine()
    script = client.post("/startup-scripts", json={"name": "boot", "script": "echo hi"}).json()
    assert list(script) == STARTUP_SCRIPT_KEYS
    assert "script" not in script  # the body is never returned
    assert script["isRunOnce"] is False
    assert script["isEnabled"] is True
    assert script["assignedMachineIds"] == []
    assigned = client.post(
        f"/startup-scripts/{script['id']}/assign", json={"machineId": machine["id"]}
    ).json()
    assert assigned["assignedMachineIds"] == [machine["id"]]
    updated = client.put(
        f"/startup-scripts/{script['id']}", json={"isEnabled": False, "isRunOnce": True}
    ).json()
    assert updated["isEnabled"] is False
    assert updated["isRunOnce"] is True
    assert updated["assignedMachineIds"] == [machine["id"]]
    unassigned = client.post(
        f"/startup-scripts/{script['id']}/unassign", json={"machineId": machine["id"]}
    ).json()
    assert unassigned["assignedMachineIds"] == []
    error_of(
        client.post(f"/startup-scripts/{script['id']}/assign", json={"machineId": "psnope00"}), 404
    )
    error_of(client.post(f"/startup-scripts/{script['id']}/assign", json={}), 400)
    assert [
        s["name"] for s in client.get("/startup-scripts", params={"name": "boot"}).json()["items"]
    ] == ["boot"]
    deleted = client.delete(f"/startup-scripts/{script['id']}").json()
    assert list(deleted) == STARTUP_SCRIPT_KEYS
    assert deleted["dtDeleted"] is not None
    error_of(client.get(f"/startup-scripts/{script['id']}"), 404)


def test_machine_create_with_startup_script(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    script = client.post("/startup-scripts", json={"name": "boot", "script": "echo hi"}).json()
    machine = make_machine(startupScriptId=script["id"])
    assert client.get(f"/startup-scripts/{script['id']}").json()["assignedMachineIds"] == [
        machine["id"]
    ]
    error_of(
        client.post(
            "/machines",
            json={
                "name": "m",
                "machineType": "C4",
                "templateId": "t0nspur5",
                "region": "NY2",
                "diskSize": 50,
                "startupScriptId": "scnope",
            },
        ),
        404,
    )


# -- shared drives -----------------------------------------------------------------------------


def test_shared_drives(client: httpx.Client) -> None:
    network = client.post("/private-networks", json={"name": "lan", "region": "NY2"}).json()
    drive = client.post(
        "/shared-drives",
        json={"name": "data", "networkId": network["id"], "region": "NY2", "size": 250},
    ).json()
    assert list(drive) == SHARED_DRIVE_KEYS
    assert drive["size"] == 250 * 2**30
    assert drive["networkId"] == network["id"]
    assert drive["password"]
    assert drive["username"]
    assert client.get(f"/shared-drives/{drive['id']}").json() == drive
    assert client.put(f"/shared-drives/{drive['id']}", json={"name": "d2"}).json()["name"] == "d2"
    assert "shared drive" in error_of(client.delete(f"/private-networks/{network['id']}"), 409)
    assert client.delete(f"/shared-drives/{drive['id']}").json() == {"id": drive["id"]}
    assert client.delete(f"/private-networks/{network['id']}").status_code == 200
    assert "must be one of" in error_of(
        client.post(
            "/shared-drives",
            json={"name": "d", "networkId": network["id"], "region": "NY2", "size": 3},
        ),
        400,
    )


# -- events ------------------------------------------------------------------------------------


def test_events_list_and_get(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine = make_machine()
    other = make_machine()
    events = client.get("/machine-events", params={"machineId": machine["id"]}).json()["items"]
    assert len(events) == 1
    for event in client.get("/machine-events").json()["items"]:
        assert list(event) == EVENT_KEYS
        assert event["state"] in EVENT_STATES
    assert {e["machineId"] for e in client.get("/machine-events").json()["items"]} == {
        machine["id"],
        other["id"],
    }
    error_of(client.get("/machine-events/00000000-0000-4000-8000-000000000000"), 404, "NOT_FOUND")
