"""Machine settings that act on the sandbox clock: auto-shutdown (the stand-in for "idle": a
machine stops after `autoShutdownTimeout` hours of running), auto-snapshots kept to the newest
`autoSnapshotSaveCount`, a restore point reverted on shutdown. Seen through the normal API
after `POST /_sandbox/clock/advance`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pspace_py.sandbox.app import SandboxApp
from pspace_py.sandbox.clock import iso_from_ms
from tests.sandbox.sandbox_support import MACHINE

HOUR = 3600
ADVANCE = "http://sandbox.test/_sandbox/clock/advance"


def advance(client: httpx.Client, seconds: float) -> None:
    assert client.post(ADVANCE, json={"seconds": seconds}).status_code == 200


def create(client: httpx.Client, **settings: Any) -> dict[str, Any]:
    response = client.post("/machines", json={**MACHINE, **settings})
    assert response.status_code == 200, response.text
    machine: dict[str, Any] = response.json()["data"]
    return machine


def machine(client: httpx.Client, machine_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/machines/{machine_id}").json()
    return found


def events(client: httpx.Client, machine_id: str) -> list[dict[str, Any]]:
    query = {"machineId": machine_id, "limit": 120}
    items: list[dict[str, Any]] = client.get("/machine-events", params=query).json()["items"]
    return items


def snapshots(client: httpx.Client, machine_id: str) -> list[dict[str, Any]]:
    query = {"machineId": machine_id, "limit": 120}
    items: list[dict[str, Any]] = client.get("/snapshots", params=query).json()["items"]
    return items


def test_auto_shutdown_stops_a_machine_after_its_timeout_of_running(
    client: httpx.Client, app: SandboxApp
) -> None:
    machine_id = create(client, autoShutdownEnabled=True, autoShutdownTimeout=1)["id"]
    advance(client, 8)  # provisioning: ready now
    ready_at = app.clock.now_ms()
    assert machine(client, machine_id)["state"] == "ready"
    advance(client, HOUR - 1)
    assert machine(client, machine_id)["state"] == "ready"
    advance(client, 2)
    shown = machine(client, machine_id)
    assert shown["state"] == "stopping"
    [stop] = [event for event in events(client, machine_id) if event["name"] == "stop"]
    assert stop["dtCreated"] == iso_from_ms(ready_at + HOUR * 1000)  # when it was due
    advance(client, 3)
    shown = machine(client, machine_id)
    assert shown["state"] == "off"
    assert shown["publicIp"] is None
    advance(client, 3 * 24 * HOUR)
    assert machine(client, machine_id)["state"] == "off"
    assert [event["name"] for event in events(client, machine_id)] == ["stop", "create"]


def test_the_timer_starts_again_at_each_boot_and_not_while_off(client: httpx.Client) -> None:
    machine_id = create(client, autoShutdownEnabled=True, autoShutdownTimeout=2)["id"]
    advance(client, HOUR)
    client.patch(f"/machines/{machine_id}/stop")
    advance(client, 5 * HOUR)
    assert machine(client, machine_id)["state"] == "off"
    client.patch(f"/machines/{machine_id}/start")
    advance(client, HOUR)
    assert machine(client, machine_id)["state"] == "ready"
    advance(client, HOUR + 10)
    assert machine(client, machine_id)["state"] == "off"
    names = [event["name"] for event in events(client, machine_id)]
    assert names == ["stop", "start", "stop", "create"]


def test_a_forced_auto_shutdown_is_a_vm_shutdown_force_event(client: httpx.Client) -> None:
    body = {"autoShutdownEnabled": True, "autoShutdownTimeout": 1, "autoShutdownForce": True}
    machine_id = create(client, **body)["id"]
    advance(client, 2 * HOUR)
    assert machine(client, machine_id)["state"] == "off"
    assert events(client, machine_id)[0]["name"] == "vm-shutdown-force"


def test_auto_shutdown_set_on_a_running_machine(client: httpx.Client) -> None:
    machine_id = create(client)["id"]
    advance(client, 3 * HOUR)
    body = {"autoShutdownEnabled": True, "autoShutdownTimeout": 1}
    assert client.put(f"/machines/{machine_id}", json=body).status_code == 200
    advance(client, 1)  # it has been running for more than an hour already
    assert machine(client, machine_id)["state"] == "off"


def test_auto_snapshots_keep_only_the_newest(client: httpx.Client, app: SandboxApp) -> None:
    machine_id = create(
        client, autoSnapshotEnabled=True, autoSnapshotFrequency="hourly", autoSnapshotSaveCount=3
    )["id"]
    created_at = app.clock.now_ms()
    advance(client, 10)  # a manual snapshot needs a machine that is not provisioning
    manual = client.post("/snapshots", json={"machineId": machine_id, "name": "mine"}).json()
    advance(client, 10 * HOUR + 50)
    taken = snapshots(client, machine_id)
    auto = [snapshot for snapshot in taken if snapshot["isAutoSnapshot"]]
    assert len(auto) == 3
    assert [snapshot["id"] for snapshot in taken if not snapshot["isAutoSnapshot"]] == [
        manual["data"]["id"]
    ]
    made = [event for event in events(client, machine_id) if event["name"] == "snapshot-create"]
    times = sorted(
        event["dtCreated"] for event in made if event["dtCreated"] > manual["event"]["dtCreated"]
    )
    # The newest three: taken at 8, 9 and 10 hours.
    assert times == [iso_from_ms(created_at + hours * HOUR * 1000) for hours in (8, 9, 10)]


def test_daily_auto_snapshot_default_count_is_one(client: httpx.Client) -> None:
    machine_id = create(client, autoSnapshotEnabled=True, autoSnapshotFrequency="daily")["id"]
    advance(client, 3 * 24 * HOUR + 1)
    auto = [s for s in snapshots(client, machine_id) if s["isAutoSnapshot"]]
    assert len(auto) == 1  # DO-SNAP: "By default ... 1"


def test_a_deleted_machine_takes_its_schedule_with_it(client: httpx.Client) -> None:
    machine_id = create(
        client, autoSnapshotEnabled=True, autoSnapshotFrequency="hourly", autoShutdownEnabled=True,
        autoShutdownTimeout=1,
    )["id"]  # fmt: skip
    advance(client, 30)
    assert client.delete(f"/machines/{machine_id}").status_code == 200
    advance(client, 5 * HOUR)
    assert client.get("/snapshots").json()["items"] == []


@pytest.mark.parametrize("stopped_by", ["api", "auto-shutdown"])
def test_a_restore_point_is_reverted_on_shutdown(client: httpx.Client, stopped_by: str) -> None:
    settings: dict[str, Any] = {
        "takeInitialSnapshot": True,
        "restorePointEnabled": True,
        "restorePointFrequency": "shutdown",
    }
    if stopped_by == "auto-shutdown":
        settings.update(autoShutdownEnabled=True, autoShutdownTimeout=1)
    created = create(client, **settings)
    machine_id = created["id"]
    restore_point = machine(client, machine_id)["restorePointSnapshotId"]
    assert restore_point is not None
    advance(client, 60)
    if stopped_by == "api":
        client.patch(f"/machines/{machine_id}/stop")
    else:
        advance(client, HOUR + 8 + 1 - 60)  # a second after it became due (ready at 8 s)
    assert "snapshot-restore" not in [event["name"] for event in events(client, machine_id)]
    advance(client, 10)
    assert machine(client, machine_id)["state"] == "off"
    restored = [
        event for event in events(client, machine_id) if event["name"] == "snapshot-restore"
    ]
    assert len(restored) == 1
    advance(client, 10)
    assert machine(client, machine_id)["restorePointSnapshotId"] == restore_point
    assert len([e for e in events(client, machine_id) if e["name"] == "snapshot-restore"]) == 1
