"""Price text for the commands that show money: the create summary, the resize change,
and the machine-types and spend tables (the machines' COST column is ``machine/cost_column``).

``pricing`` computes the figures, ``output`` draws text and tables; the commands' price
facts meet both here, so the output layer never reads the catalog or prices anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pspace_py.output.columns import Column
from pspace_py.output.format import format_value, one_line

if TYPE_CHECKING:
    from pspace_py.catalog import MachineType
    from pspace_py.output import Output
    from pspace_py.pricing.create import CreatePriceSummary
    from pspace_py.pricing.resize import ResizePriceChange
    from pspace_py.pricing.spend import SpendSummary


# When each line of a create's price summary is billed.
_ACCRUES = {
    "running": "while running",
    "lifetime": "until deactivated",
    "released": "until released, after deactivation too",
    "deleted": "until the network is deleted",
}
# The one definition of what a machine costs per hour, shared with machine list's COST column.
COST_DEFINITION = (
    "COST is per hour in each machine's state now: the machine type unless off, a dynamic "
    "public IP while on, a static one always, and the disk (as create's 'cost while running')."
)
_PART_NAMES = {"machine": "machine", "publicIp": "public IP", "disk": "disk"}


def show_create_summary(out: Output, summary: CreatePriceSummary) -> None:
    """The console's price summary, on stderr (stdout stays for data)."""
    from pspace_py.output.money import usd

    out.info(f"Price summary ({summary.currency}, prices of {summary.prices_date}):")
    for line in summary.lines():
        when = _ACCRUES[line.accrues]
        if line.accrues in ("released", "deleted") and line.monthly_cap:
            # Billed by the month whatever the machine does: the month is the figure to see.
            figure = usd(line.monthly_cap, "mo")
            detail = f"{when} ({usd(line.hourly)} up to that)"
        else:
            figure = usd(line.hourly)
            cap = f", capped at {usd(line.monthly_cap, 'mo')}" if line.monthly_cap else ""
            detail = when + cap
        out.info(f"  {line.description:<28} {figure:>12}  {detail}")
    machine_lines = [line for line in summary.lines() if line.part in _PART_NAMES]
    running = " + ".join(_PART_NAMES[line.part] for line in machine_lines)
    off = " + ".join(_PART_NAMES[line.part] for line in machine_lines if line.while_off)
    out.info(
        f"  {'Cost while running':<28} {usd(summary.cost_while_running):>12}  "
        f"{running}: 'machine list' shows this as COST while it runs"
    )
    out.info(f"  {'Cost while off':<28} {usd(summary.cost_while_off):>12}  {off}")
    out.info(f"  {'A month running 24/7':<28} {usd(summary.month_24x7, 'mo'):>12}")
    if not summary.price_known:
        out.warn("Part of this price is not in the catalog; the total is not known.")


def show_resize_change(out: Output, change: ResizePriceChange) -> None:
    from pspace_py.output.money import format_usd, usd

    out.info("Price change:")
    if change.machine_type_changes:
        out.info(
            f"  Machine {change.old_machine_type} -> {change.new_machine_type}: "
            f"{usd(change.old_machine_hourly)} -> {usd(change.new_machine_hourly)} while running"
        )
    if change.disk_changes:
        out.info(
            f"  Disk {change.old_disk_size_gb} GB -> {change.new_disk_size_gb} GB: "
            f"{usd(change.old_disk_hourly)} -> {usd(change.new_disk_hourly)} "
            f"(monthly cap {usd(change.old_disk_monthly_cap, 'mo')} -> "
            f"{usd(change.new_disk_monthly_cap, 'mo')})"
        )
    if change.delta_hourly is not None:
        out.info(f"  Change per hour: {format_usd(change.delta_hourly, 'hr', signed=True)}")


def machine_type_row(machine_type: MachineType) -> dict[str, Any]:
    """A machine type as ``machine types --json`` prints it (the table reads the same)."""
    from pspace_py.pricing.money import HOURS_PER_MONTH

    hourly = machine_type.hourly
    return {
        "label": machine_type.label,
        "kind": machine_type.kind,
        "cpus": machine_type.cpus,
        "ramGiB": float(machine_type.ram_gib),
        "gpu": machine_type.gpu,
        "gpuCount": machine_type.gpu_count,
        "gpuMemoryGB": machine_type.gpu_memory_gb,
        "hourly": None if hourly is None else float(str(hourly)),
        "monthly24x7": None if hourly is None else float(str(hourly * HOURS_PER_MONTH)),
        "regions": list(machine_type.regions),
        "needsApproval": machine_type.needs_approval,
    }


def _gpu_text(row: dict[str, Any]) -> str:
    """``2× NVIDIA A100 80 GB`` from a machine type row."""
    if not row.get("gpu"):
        return "-"
    memory = f" {row['gpuMemoryGB']} GB" if row.get("gpuMemoryGB") else ""
    count = f"{row['gpuCount']}× " if row.get("gpuCount", 0) > 1 else ""
    return one_line(f"{count}{row['gpu']}{memory}")


def _money_cell(key: str, per: str) -> Column:
    def render(row: dict[str, Any]) -> str:
        from decimal import Decimal

        from pspace_py.output.money import usd

        value = row.get(key)
        return usd(None if value is None else Decimal(str(value)), per)

    return Column(key.upper(), key, compute=render)


MACHINE_TYPE = [
    Column("TYPE", "label"),
    Column("CPUS", "cpus", priority=2),
    Column("RAM GB", "ramGiB", lambda v: format_value(v).removesuffix(".0"), priority=1),
    Column("GPU", "gpu", compute=_gpu_text, truncate=True),
    _money_cell("hourly", "hr"),
    Column("24/7 MONTH", "", compute=lambda row: _money_cell("monthly24x7", "mo").cell(row)),
    Column("REGIONS", "regions", truncate=True, priority=3),
    Column("APPROVAL", "needsApproval", lambda v: "needed" if v else "-", priority=4),
]


def spend_rows(spend: SpendSummary) -> list[dict[str, Any]]:
    from pspace_py.output.money import usd

    rows: list[dict[str, Any]] = []
    for rate in spend.machines:
        rows.append(
            {
                "what": f"machine {rate.name or rate.machine_id}",
                "state": rate.state,
                "running": usd(rate.running_hourly),
                "lifetime": usd(rate.lifetime_hourly),
                "now": usd(rate.current_hourly),
            }
        )
    for charge in spend.public_ips:
        rows.append(
            {
                "what": f"public IP {charge.ip}",
                "state": "assigned" if charge.assigned_machine_id else "unassigned",
                "running": "-",
                "lifetime": usd(charge.hourly),
                "now": usd(charge.hourly),
            }
        )
    return rows


SPEND = [
    Column("RESOURCE", "what", truncate=True),
    Column("STATE", "state"),
    Column("WHILE RUNNING", "running"),
    Column("LIFETIME", "lifetime"),
    Column("NOW", "now"),
]
