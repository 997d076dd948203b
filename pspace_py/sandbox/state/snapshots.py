"""Snapshots of a machine's disk: taken, renamed, deleted and restored through events; a
machine's snapshots go with it."""

from __future__ import annotations

from pspace_py.sandbox.state import account, events, transitions
from pspace_py.sandbox.state.kinds import MACHINE, SNAPSHOT
from pspace_py.sandbox.state.tx import Record, Tx


def create(tx: Tx, machine_id: str, name: str) -> tuple[Record, Record]:
    """(snapshot, event); a failed snapshot never appears, the caller still sees what it would
    have been."""
    account.require_good_standing(tx, "take a snapshot")
    machine = tx.get(MACHINE, machine_id)
    transitions.require(tx, machine, "snapshot")
    event = events.start(tx, "snapshot-create", machine["id"])
    if events.succeeded(event):
        return take(tx, machine["id"], name), event
    phantom = {
        "id": tx.new_id(SNAPSHOT, lambda: tx.ids.prefixed("s")),
        "name": name,
        "machineId": machine["id"],
        "isAutoSnapshot": False,
    }
    return phantom, event


def take(tx: Tx, machine_id: str, name: str) -> Record:
    """A snapshot that exists at once (an initial one, one taken before a restore)."""
    record = {
        "id": tx.new_id(SNAPSHOT, lambda: tx.ids.prefixed("s")),
        "name": name,
        "machineId": machine_id,
        "isAutoSnapshot": False,
        "dtCreated": tx.now_ms,
    }
    tx.insert(SNAPSHOT, record)
    return record


def delete(tx: Tx, snapshot_id: str) -> tuple[Record, Record]:
    record = tx.get(SNAPSHOT, snapshot_id)
    event = events.start(tx, "snapshot-delete", record["machineId"])
    if events.succeeded(event):
        tx.delete(SNAPSHOT, record["id"])
    return record, event


def restore(tx: Tx, snapshot_id: str, *, snapshot_first: bool) -> tuple[Record, Record]:
    """Restoring changes nothing on the machine (the sandbox has no disks); `snapshot_first`
    takes one named "before restoring ..."."""
    account.require_good_standing(tx, "restore a snapshot")
    record = tx.get(SNAPSHOT, snapshot_id)
    machine = tx.get(MACHINE, record["machineId"])
    transitions.require(tx, machine, "restore a snapshot onto")
    if snapshot_first:
        take(tx, machine["id"], f"before restoring {record['name']}")
    event = events.start(tx, "snapshot-restore", machine["id"])
    return record, event


def forget_machine(tx: Tx, machine_id: str) -> None:
    """A deleted machine's snapshots go with it."""
    for record in tx.find(SNAPSHOT, machine_id=machine_id):
        tx.delete(SNAPSHOT, record["id"])
