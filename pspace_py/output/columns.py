"""Table columns per resource: the one place a resource becomes a table row.

Defaults match the official CLI's ``defaultFields`` (pspace-cli.md §3), with
readable units; machine tables end with a COST column that the command prices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from pspace_py.output.format import format_bytes, format_value, pick, region_code

CellFormatter = Callable[[Any], str]


class Column(NamedTuple):
    header: str
    path: str
    render: CellFormatter = format_value
    # Computed columns read the whole object rather than one field.
    compute: Callable[[dict[str, Any]], str] | None = None
    # Fitting a table to a terminal (output/tables.py): 0 is never left out, higher numbers
    # go first; a truncatable column's long values may end in an ellipsis.
    priority: int = 0
    truncate: bool = False
    # How a one-resource record (`get`) shows the field, when not as the table does.
    record_render: CellFormatter | None = None
    # Left out of a table in which no row has a value (a field the API may not send).
    optional: bool = False

    def cell(self, obj: dict[str, Any]) -> str:
        if self.compute is not None:
            return self.compute(obj)
        return self.render(pick(obj, self.path))

    def record_cell(self, obj: dict[str, Any]) -> str:
        if self.record_render is not None and self.compute is None:
            return self.record_render(pick(obj, self.path))
        return self.cell(obj)


def columns_for_fields(fields: Sequence[str]) -> list[Column]:
    """``-F`` columns: headers are the paths as typed, upper-cased."""
    return [Column(header=path.upper(), path=path, render=_render_for(path)) for path in fields]


_BYTE_FIELDS = {"ram", "storageTotal", "storageUsed"}


def _render_for(path: str) -> CellFormatter:
    return format_bytes if path.split(".")[-1] in _BYTE_FIELDS else format_value


def _id(path: str = "id", header: str = "ID") -> Column:
    return Column(header, path)


def _name(header: str = "NAME", path: str = "name") -> Column:
    return Column(header, path, truncate=True)


def _region(priority: int = 1) -> Column:
    """The region's code in a table (NY2), its full name in a record."""
    return Column("REGION", "region", region_code, priority=priority, record_render=format_value)


MACHINE = [
    _id(),
    _name(),
    Column("STATE", "state"),
    _region(),
    Column("MACHINE TYPE", "machineType"),
    Column("PRIVATE IP", "privateIp", priority=3),
    Column("PUBLIC IP", "publicIp", priority=2),
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
    _name(),
    Column("STATE", "state"),
    Column("MACHINE", "machineId"),
    Column("CREATED", "dtCreated", priority=3),
    Column("STARTED", "dtStarted", priority=2),
    Column("FINISHED", "dtFinished", priority=1),
    Column("ERROR", "error", truncate=True),
]

# The API's spec gives snapshots no dates, yet they are ordered by dtCreated and the official
# CLI's help shows `snapshot list -F dtModified`: a date is shown when the API sends one.
SNAPSHOT = [
    _id(),
    _name(),
    Column("MACHINE", "machineId"),
    Column("CREATED", "dtCreated", optional=True),
]

PRIVATE_NETWORK = [
    _id(),
    _name(),
    _region(),
    Column("NETWORK", "network"),
    Column("NETMASK", "netmask", priority=2),
]

PUBLIC_IP = [
    Column("IP", "ip"),
    _region(),
    Column("MACHINE", "assignedMachineId"),
    Column("CLAIMED", "dtCreated", priority=2),
]

# defaultSizeGb is the smallest disk the template needs (create refuses less).
OS_TEMPLATE = [
    _id(),
    _name(),
    Column("OS", "operatingSystemLabel", truncate=True, priority=2),
    Column("MIN DISK GB", "defaultSizeGb", priority=3),
]

CUSTOM_TEMPLATE = [*OS_TEMPLATE, Column("PARENT MACHINE", "parentMachineId", priority=2)]

STARTUP_SCRIPT = [
    _id(),
    _name(),
    Column("DESCRIPTION", "description", truncate=True, priority=3),
    Column("MACHINES", "assignedMachineIds", truncate=True, priority=2),
    Column("ENABLED", "isEnabled"),
    Column("RUN ONCE", "isRunOnce", priority=1),
]

SHARED_DRIVE = [
    _id(),
    _name(),
    _region(),
    Column("NETWORK", "networkId", priority=2),
    Column("SIZE", "size", format_bytes),
    Column("MOUNT POINT", "mountPoint", truncate=True, priority=1),
]
