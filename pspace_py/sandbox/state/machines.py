"""Machines: create, update (settings at once, or a resize through an event), delete, start,
stop, restart. What a machine is made of is `machine_specs`; where it may go from which state
is `transitions`; its addresses, snapshots and scripts are their own modules' business."""

from __future__ import annotations

from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.models import MachineCreate, MachineUpdate
from pspace_py.sandbox.state import (
    account,
    addresses,
    events,
    machine_specs,
    networks,
    power,
    public_ips,
    schedules,
    snapshots,
    startup_scripts,
    templates,
    transitions,
    users,
)
from pspace_py.sandbox.state.kinds import MACHINE, SNAPSHOT, STARTUP_SCRIPT
from pspace_py.sandbox.state.tx import Record, Tx

DEFAULT_PUBLIC_IP_TYPE = "dynamic"  # the console's default; the API's is not documented


def create(tx: Tx, body: MachineCreate) -> tuple[Record, Record]:
    """(machine, create event): the machine provisions, then is ready (or off when
    `startOnCreate` is false; absent means start, as the console does)."""
    account.require_good_standing(tx, "create a machine")
    machine_type = machine_specs.known_machine_type(tx, body.machineType, "machineType")
    region = tx.region(body.region)
    machine_specs.check_offered_in_region(tx, machine_type, region.code)
    template = templates.resolve(tx, body.templateId, region.code)
    templates.check_allows(template, machine_type)
    disk_size_gb = machine_specs.check_disk_size(
        tx, body.diskSize, minimum=template.default_size_gb
    )
    network = networks.in_region(tx, body.networkId, region.code) if body.networkId else None
    script = tx.get(STARTUP_SCRIPT, body.startupScriptId) if body.startupScriptId else None
    accessors = users.members_to_grant(tx, body.accessorIds)

    machine_id = tx.new_id(MACHINE, tx.ids.machine_id)
    machine = machine_specs.new_machine_record(
        tx,
        machine_id=machine_id,
        name=body.name,
        machine_type=machine_type,
        region_code=region.code,
        template=template,
        disk_size_gb=disk_size_gb,
        public_ip_type=body.publicIpType or DEFAULT_PUBLIC_IP_TYPE,
        state="off",
    )
    machine_specs.apply_settings(machine, body)
    schedules.settings_changed(machine, {}, tx.now_ms)
    machine["startupScriptId"] = body.startupScriptId
    machine["enableNvlink"] = bool(body.enableNvlink)
    if network is not None:
        networks.join(tx, machine, network)
    else:
        machine["privateIp"] = addresses.lease_private(tx, machine_id)
    if machine["publicIpType"] == "static":
        machine["staticIp"] = public_ips.claim_address(tx, region.code, machine_id)["id"]

    starts = body.startOnCreate is not False
    event = events.start(tx, "create", machine_id)
    succeeded = events.succeeded(event)
    transitions.begin(tx, machine, event, settles_in="ready" if succeeded and starts else "off")
    if succeeded and starts:
        public_ips.lease_dynamic(tx, machine)
    if succeeded and body.takeInitialSnapshot:
        snapshot_id = snapshots.take(tx, machine_id, f"{body.name}-initial")["id"]
        if machine["restorePointEnabled"]:
            machine["restorePointSnapshotId"] = snapshot_id
    schedules.plan(tx, machine)
    tx.insert(MACHINE, machine)
    users.grant(tx, machine_id, accessors)
    if script is not None:
        startup_scripts.assign_record(tx, script, machine_id)
    return machine, event


def update(tx: Tx, machine_id: str, body: MachineUpdate) -> tuple[Record, Record | None]:
    """(machine, event): a resize (other type or disk) runs as a `vm-upgrade` event on an off
    machine; anything else changes at once and has no event."""
    machine = tx.get(MACHINE, machine_id)
    resize = machine_specs.planned_resize(tx, machine, body)
    if resize is not None:
        account.require_good_standing(tx, "resize a machine")
        transitions.require(tx, machine, "resize")
    _apply_changes(tx, machine, body)
    machine["dtModified"] = tx.now_ms
    if resize is None:
        _store(tx, machine)
        return machine, None
    event = events.start(tx, "vm-upgrade", machine["id"])
    if events.succeeded(event):
        machine.update(machine_specs.spec_fields(tx, *resize))
    return _transition(tx, machine, event, settles_in="off")


def delete(tx: Tx, machine_id: str) -> tuple[Record, Record]:
    """Deactivate, in any state: a running machine shuts down, a provisioning one is cancelled
    (its unfinished event ends `cancelled`). The machine, its snapshots and its addresses go at
    once, so its private network can be deleted next; a static IP stays claimed. A failed
    deactivate leaves the machine as it was."""
    machine = tx.get(MACHINE, machine_id)
    state = transitions.require(tx, machine, "delete")
    event = events.start(tx, "deactivate", machine["id"])
    if not events.succeeded(event):
        return machine, event
    transitions.cut_short(tx, machine, cancel=True)
    schedules.forget(tx, machine)
    tx.delete(MACHINE, machine["id"])
    if machine["privateIp"]:
        addresses.release(tx, addresses.private_pool_of(machine), machine["privateIp"])
    public_ips.release_dynamic(tx, machine, forget=True)
    if machine["staticIp"]:
        public_ips.set_assignment(tx, machine["staticIp"], None)
    snapshots.forget_machine(tx, machine["id"])
    startup_scripts.forget_machine(tx, machine["id"])
    users.forget_machine(tx, machine["id"])
    # The answer shows the machine as deactivation found it.
    machine["state"] = state
    machine["dtDeleted"] = machine["dtModified"] = tx.now_ms
    return machine, event


def start(tx: Tx, machine_id: str) -> tuple[Record, Record]:
    machine = tx.get(MACHINE, machine_id)
    account.require_good_standing(tx, "start a machine")
    transitions.require(tx, machine, "start")
    event = events.start(tx, "start", machine["id"])
    succeeded = events.succeeded(event)
    if succeeded:
        public_ips.lease_dynamic(tx, machine)
    return _transition(tx, machine, event, settles_in="ready" if succeeded else "off")


def stop(tx: Tx, machine_id: str) -> tuple[Record, Record]:
    """Stop a ready machine, or one on its way up; it ends off (see `power.begin_stop`)."""
    machine = tx.get(MACHINE, machine_id)
    transitions.require(tx, machine, "stop")
    event = power.begin_stop(tx, machine)
    _store(tx, machine)
    return machine, event


def restart(tx: Tx, machine_id: str) -> tuple[Record, Record]:
    machine = tx.get(MACHINE, machine_id)
    state = transitions.require(tx, machine, "restart")
    event = events.start(tx, "restart", machine["id"])
    return _transition(tx, machine, event, settles_in=state)


def _transition(
    tx: Tx, machine: Record, event: Record, *, settles_in: str
) -> tuple[Record, Record]:
    transitions.begin(tx, machine, event, settles_in=settles_in)
    _store(tx, machine)
    return machine, event


def _store(tx: Tx, machine: Record) -> None:
    """Write the machine, and when its settings act next (auto-shutdown, snapshots, ...)."""
    schedules.plan(tx, machine)
    tx.update(MACHINE, machine)


def _apply_changes(tx: Tx, machine: Record, body: MachineUpdate) -> None:
    """What machines-update changes at once: name, settings, restore point, network, IP type."""
    if body.name is not None:
        machine["name"] = body.name
    before = dict(machine)
    machine_specs.apply_settings(machine, body)
    schedules.settings_changed(machine, before, tx.now_ms)
    if body.restorePointSnapshotId is not None:
        snapshot = tx.get(SNAPSHOT, body.restorePointSnapshotId)
        if snapshot["machineId"] != machine["id"]:
            raise bad_request(
                f"Snapshot {snapshot['id']} belongs to machine {snapshot['machineId']}, "
                f"not {machine['id']}."
            )
        machine["restorePointSnapshotId"] = snapshot["id"]
    if body.networkId is not None and body.networkId != machine["networkId"]:
        if machine["networkId"] is not None:
            raise bad_request(
                f"Machine {machine['id']} is in private network {machine['networkId']}; "
                "a machine cannot leave its private network."
            )
        networks.join(tx, machine, networks.in_region(tx, body.networkId, machine["region"]))
    if body.publicIpType is not None and body.publicIpType != machine["publicIpType"]:
        public_ips.change_type(tx, machine, body.publicIpType)
