"""What a machine is made of: a machine type offered in its region, a template that runs on it,
a disk size from the catalog, and the settings a body may carry. The checks answer 400 naming
what is allowed; the record fields follow from the catalog's numbers."""

from __future__ import annotations

from typing import Any

from pspace_py.catalog import MachineType
from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.models import MachineCreate, MachineUpdate
from pspace_py.sandbox.state.templates import TemplateChoice
from pspace_py.sandbox.state.tx import Record, Tx

# Settings a machine takes at creation and on update; an absent one stays as it is (§6.6).
SETTINGS = (
    "autoShutdownEnabled",
    "autoShutdownForce",
    "autoShutdownTimeout",
    "autoSnapshotEnabled",
    "autoSnapshotFrequency",
    "autoSnapshotSaveCount",
    "restorePointEnabled",
    "restorePointFrequency",
)


def known_machine_type(tx: Tx, label: str, field_name: str) -> MachineType:
    machine_type = tx.catalog.machine_type(label)
    if machine_type is None:
        known = ", ".join(tx.catalog.machine_type_labels)
        raise bad_request(f"`{field_name}`: unknown machine type {label!r}. Known types: {known}.")
    return machine_type


def check_offered_in_region(tx: Tx, machine_type: MachineType, region_code: str) -> None:
    if region_code not in machine_type.regions:
        offered = ", ".join(tx.region_name(code) for code in machine_type.regions)
        raise bad_request(
            f"Machine type {machine_type.label} is not offered in "
            f"{tx.region_name(region_code)}; it is offered in: {offered}."
        )


def check_disk_size(tx: Tx, size_gb: float, *, minimum: int | None = None) -> int:
    """The size, when the API accepts it (the real openapi.json's enum, in the catalog) and it
    holds at least the template's own disk."""
    sizes = tx.catalog.accepted_disk_sizes
    if size_gb not in sizes:
        offered = ", ".join(str(size) for size in sizes)
        raise bad_request(f"`diskSize` must be one of {offered} (GB), not {size_gb}.")
    if minimum is not None and size_gb < minimum:
        raise bad_request(f"`diskSize` must be at least {minimum} GB for this template.")
    return int(size_gb)


def spec_fields(tx: Tx, machine_type: MachineType, disk_size_gb: int) -> dict[str, Any]:
    """The fields that follow from the machine type and disk size (catalog numbers)."""
    disk_price = tx.catalog.disk_price(disk_size_gb)
    accelerators = (
        [
            {
                "count": machine_type.gpu_count,
                "memory": machine_type.gpu_memory_gb,
                "name": machine_type.gpu or machine_type.label,
            }
        ]
        if machine_type.gpu_count
        else []
    )
    return {
        "machineType": machine_type.label,
        "cpus": machine_type.cpus,
        "ram": machine_type.ram_bytes,
        "accelerators": accelerators,
        "usageRate": _number(machine_type.hourly),
        "diskSizeGb": disk_size_gb,
        "storageRate": _number(disk_price.hourly if disk_price else None),
    }


def _number(value: Any) -> float | int:
    if value is None:
        return 0
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def new_machine_record(
    tx: Tx,
    *,
    machine_id: str,
    name: str,
    machine_type: MachineType,
    region_code: str,
    template: TemplateChoice,
    disk_size_gb: int,
    public_ip_type: str,
    state: str,
    created_ms: int | None = None,
) -> Record:
    """A machine record as it is stored: `state` is its stable state, `busy` its transition."""
    created = tx.now_ms if created_ms is None else created_ms
    return {
        "id": machine_id,
        "name": name,
        **spec_fields(tx, machine_type, disk_size_gb),
        "region": region_code,
        "templateId": template.id,
        "templateMachineTypes": list(template.machine_types),
        "os": template.operating_system_label,
        "agentType": template.agent_type,
        "storageUsed": min(template.storage_used_bytes, disk_size_gb * 2**30),
        "networkId": None,
        "privateIp": None,
        "publicIpType": public_ip_type,
        "staticIp": None,
        "dynamicIp": None,
        "autoShutdownEnabled": False,
        "autoShutdownForce": None,
        "autoShutdownTimeout": None,
        "autoSnapshotEnabled": False,
        "autoSnapshotFrequency": None,
        "autoSnapshotSaveCount": None,
        "restorePointEnabled": False,
        "restorePointFrequency": None,
        "restorePointSnapshotId": None,
        "startupScriptId": None,
        "enableNvlink": False,
        "dtCreated": created,
        "dtModified": created,
        "dtDeleted": None,
        "state": state,
        "busy": None,
    }


def apply_settings(record: Record, body: MachineCreate | MachineUpdate) -> None:
    """Copy the settings the body carries; absent ones stay as they are (contract §6.6)."""
    for key in SETTINGS:
        value = getattr(body, key)
        if value is not None:
            record[key] = value


def planned_resize(tx: Tx, record: Record, body: MachineUpdate) -> tuple[MachineType, int] | None:
    """The (type, disk) a resize would give, validated; None when the body resizes nothing."""
    current = tx.catalog.machine_type(record["machineType"])
    new_type = current
    if body.machineType is not None:
        new_type = known_machine_type(tx, body.machineType, "machineType")
    disk = record["diskSizeGb"] if body.diskSize is None else body.diskSize
    type_changes = new_type is not None and new_type.label != record["machineType"]
    if not type_changes and disk == record["diskSizeGb"]:
        return None
    assert new_type is not None  # an unknown stored type can only be resized to a known one
    if type_changes:
        if current is not None and current.kind != new_type.kind:
            raise bad_request(
                f"Cannot change {record['machineType']} ({current.kind.upper()}) to "
                f"{new_type.label} ({new_type.kind.upper()}): a type can only change within its "
                "group; create a new machine instead."
            )
        check_offered_in_region(tx, new_type, record["region"])
        if new_type.label not in record["templateMachineTypes"]:
            allowed = ", ".join(record["templateMachineTypes"])
            raise bad_request(
                f"The machine's template ({record['templateId']}) does not run on "
                f"{new_type.label}; it runs on: {allowed}."
            )
    if disk != record["diskSizeGb"]:
        disk = check_disk_size(tx, disk)
        if disk < record["diskSizeGb"]:
            raise bad_request(
                f"Disks can only grow: machine {record['id']} has {record['diskSizeGb']} GB, "
                f"so `diskSize` {disk} is refused."
            )
    return new_type, int(disk)
