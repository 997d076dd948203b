"""Table columns per resource: the one place a resource becomes a table row.

Defaults match the official CLI's ``defaultFields`` (pspace-cli.md §3), with
readable units; machine tables end with a COST column that the command prices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from pspace_py.output.format import format_bytes, format_value, pick

CellFormatter = Callable[[Any], str]


class Column(NamedTuple):
    header: str
    path: str
    render: CellFormatter = format_value
    # Computed columns read the whole object rather than one field.
    compute: Callable[[dict[str, Any]], str] | None = None

    def cell(self, obj: dict[str, Any]) -> str:
        if self.compute is not None:
            return self.compute(obj)
        return self.render(pick(obj, self.path))


def columns_for_fields(fields: Sequence[str]) -> list[Column]:
    """``-F`` columns: headers are the paths as typed, upper-cased."""
    return [Column(header=path.upper(), path=path, render=_render_for(path)) for path in fields]


_BYTE_FIELDS = {"ram", "storageTotal", "storageUsed"}


def _render_for(path: str) -> CellFormatter:
    return format_bytes if path.split(".")[-1] in _BYTE_FIELDS else format_value


def _id(path: str = "id", header: str = "ID") -> Column:
    return Column(header, path)


MACHINE = [
    _id(),
    Column("NAME", "name"),
    Column("STATE", "state"),
    Column("REGION", "region"),
    Column("MACHINE TYPE", "machineType"),
    Column("PRIVATE IP", "privateIp"),
    Column("PUBLIC IP", "publicIp"),
]

MACHINE_DETAIL = [
    *MACHINE[:5],
    Column("CPUS", "cpus"),
    Column("RAM", "ram", format_bytes),
    Column("GPU", "accelerators", lambda v: _accelerators(v)),
    Column("DISK", "storageTotal", format_bytes),
    Column("DISK USED", "storageUsed", format_bytes),
    Column("OS", "os"),
    Column("AGENT TYPE", "agentType"),
    Column("PUBLIC IP", "publicIp"),
    Column("PUBLIC IP TYPE", "publicIpType"),
    Column("PRIVATE IP", "privateIp"),
    Column("NETWORK", "networkId"),
    Column("AUTO SHUTDOWN", "autoShutdownEnabled"),
    Column("AUTO SNAPSHOT", "autoSnapshotEnabled"),
    Column("CREATED", "dtCreated"),
    Column("MODIFIED", "dtModified"),
]


def _accelerators(value: Any) -> str:
    if not isinstance(value, list) or not value:
        return "-"
    parts = []
    for accelerator in value:
        if isinstance(accelerator, dict):
            count = accelerator.get("count", 1)
            name = format_value(accelerator.get("name"))
            parts.append(f"{count}× {name}" if count != 1 else name)
    return ", ".join(parts) or "-"


MACHINE_EVENT = [
    _id(),
    Column("NAME", "name"),
    Column("STATE", "state"),
    Column("MACHINE", "machineId"),
    Column("CREATED", "dtCreated"),
    Column("STARTED", "dtStarted"),
    Column("FINISHED", "dtFinished"),
    Column("ERROR", "error"),
]

SNAPSHOT = [_id(), Column("NAME", "name"), Column("MACHINE", "machineId")]

PRIVATE_NETWORK = [
    _id(),
    Column("NAME", "name"),
    Column("REGION", "region"),
    Column("NETWORK", "network"),
    Column("NETMASK", "netmask"),
]

PUBLIC_IP = [
    Column("IP", "ip"),
    Column("REGION", "region"),
    Column("MACHINE", "assignedMachineId"),
    Column("CLAIMED", "dtCreated"),
]

OS_TEMPLATE = [
    _id(),
    Column("NAME", "name"),
    Column("OS", "operatingSystemLabel"),
    Column("DEFAULT DISK GB", "defaultSizeGb"),
]

CUSTOM_TEMPLATE = [*OS_TEMPLATE, Column("PARENT MACHINE", "parentMachineId")]

STARTUP_SCRIPT = [
    _id(),
    Column("NAME", "name"),
    Column("DESCRIPTION", "description"),
    Column("MACHINES", "assignedMachineIds"),
    Column("ENABLED", "isEnabled"),
    Column("RUN ONCE", "isRunOnce"),
]

SHARED_DRIVE = [
    _id(),
    Column("NAME", "name"),
    Column("REGION", "region"),
    Column("NETWORK", "networkId"),
    Column("SIZE", "size", format_bytes),
    Column("MOUNT POINT", "mountPoint"),
]
