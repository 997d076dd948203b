"""Startup scripts and the machines they are assigned to. The body is stored, never shown."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.state.kinds import MACHINE, STARTUP_SCRIPT
from pspace_py.sandbox.state.tx import Record, Tx

_CHANGEABLE = ("name", "script", "isRunOnce", "isEnabled")


def create(tx: Tx, *, name: str, script: str, run_once: bool) -> Record:
    record = {
        "id": tx.new_id(STARTUP_SCRIPT, lambda: tx.ids.prefixed("sc")),
        "name": name,
        "script": script,
        "isRunOnce": run_once,
        "isEnabled": True,
        "assignedMachineIds": [],
        "dtCreated": tx.now_ms,
        "dtDeleted": None,
    }
    tx.insert(STARTUP_SCRIPT, record)
    return record


def update(tx: Tx, script_id: str, changes: dict[str, Any]) -> Record:
    """Apply the given fields (name, script, isRunOnce, isEnabled); None leaves one as it is."""
    record = tx.get(STARTUP_SCRIPT, script_id)
    for key in _CHANGEABLE:
        if changes.get(key) is not None:
            record[key] = changes[key]
    tx.update(STARTUP_SCRIPT, record)
    return record


def delete(tx: Tx, script_id: str) -> Record:
    return tx.remove(STARTUP_SCRIPT, script_id)


def assign(tx: Tx, script_id: str, machine_id: str) -> Record:
    record = tx.get(STARTUP_SCRIPT, script_id)
    assign_record(tx, record, tx.get(MACHINE, machine_id)["id"])
    return record


def unassign(tx: Tx, script_id: str, machine_id: str) -> Record:
    record = tx.get(STARTUP_SCRIPT, script_id)
    machine = tx.get(MACHINE, machine_id)
    if machine["id"] in record["assignedMachineIds"]:
        record["assignedMachineIds"].remove(machine["id"])
        tx.update(STARTUP_SCRIPT, record)
    return record


def assign_record(tx: Tx, record: Record, machine_id: str) -> None:
    if machine_id not in record["assignedMachineIds"]:
        record["assignedMachineIds"].append(machine_id)
        tx.update(STARTUP_SCRIPT, record)


def forget_machine(tx: Tx, machine_id: str) -> None:
    """A deleted machine is no longer assigned anything."""
    for record in tx.find(STARTUP_SCRIPT):
        if machine_id in record["assignedMachineIds"]:
            record["assignedMachineIds"].remove(machine_id)
            tx.update(STARTUP_SCRIPT, record)
