"""resize (type and disk, with the price change) and update (a true partial update)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pspace_py.api.client import AsyncResult
from pspace_py.api.machines import MachinesApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.machine._app import (
    app,
    operation_label,
    resolve_machine,
    show_async_result,
    wait_until,
)
from pspace_py.cli.machine.machine_options import (
    PublicIpType,
    RestorePointFrequency,
    SnapshotFrequency,
    enum_value,
    flag,
)
from pspace_py.cli.options import (
    FieldsOpt,
    JsonOpt,
    MachineRefArg,
    QuietOpt,
    WaitOpt,
    WaitTimeoutOpt,
    YesOpt,
)
from pspace_py.cli.prompts import can_prompt, confirm
from pspace_py.cli.resource_commands import without_unset
from pspace_py.errors import RefusedError, UsageError
from pspace_py.output import Output
from pspace_py.preflight.results import Report


def current_disk_gb(state: AppContext, machine: dict[str, Any]) -> int | None:
    from pspace_py.pricing.rates import disk_size_from_bytes

    return disk_size_from_bytes(state.catalog(), machine.get("storageTotal"))


@app.command("resize")
def resize_machine(
    ctx: typer.Context,
    ref: MachineRefArg,
    machine_type: Annotated[str | None, typer.Option("--machine-type", help="New type.")] = None,
    disk_size: Annotated[
        int | None, typer.Option("--disk-size", help="New disk GB (only grows).")
    ] = None,
    stop: Annotated[
        bool, typer.Option("--stop", help="Stop the machine first and wait for off.")
    ] = False,
    restart: Annotated[
        bool, typer.Option("--restart", help="Start the machine again afterwards (implies --wait).")
    ] = False,
    yes: YesOpt = False,
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Change a machine's type or grow its disk (the machine must be off)."""
    from pspace_py.cli.machine.checks import ResizeRequest, check_resize, require_passed
    from pspace_py.cli.prices import show_resize_change
    from pspace_py.pricing.resize import summarize_resize

    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    if machine_type is None and disk_size is None:
        raise UsageError("Nothing to resize.", hint="Give --machine-type, --disk-size or both.")
    catalog = state.catalog()
    machine = resolve_machine(state.client(), ref)
    # Every check before anything is stopped: a resize that cannot happen leaves it running.
    report, known_type = check_resize(state, machine, ResizeRequest(machine_type, disk_size))
    require_passed(report)
    new_type = known_type.label if known_type is not None else None
    old_disk = current_disk_gb(state, machine)
    machine_id = str(machine.get("id"))
    if machine.get("state") != "off" and not stop:
        raise RefusedError(
            f"Machine {machine_id} ({machine.get('name')}) is {machine.get('state')}; "
            "it must be off to resize.",
            hint=f"Pass --stop to stop it first, or run 'pspace machine stop {machine_id} --wait'.",
        )
    change = summarize_resize(
        catalog, str(machine.get("machineType")), new_type, old_disk, disk_size
    )
    show_resize_change(out, change)
    if can_prompt():
        confirm("Resize this machine?", yes=yes, action="resizing a machine")
    if machine.get("state") != "off":
        stop_and_wait(state, out, machine, timeout)
    body = without_unset({"machineType": new_type, "diskSize": disk_size})
    state.operation = operation_label(machine, "resize")
    result = MachinesApi(state.client()).update(machine_id, body)
    waited = wait or restart
    if waited:
        result = wait_for_result(state, out, result, {"off"}, timeout)
    if restart:
        state.operation = operation_label(machine, "start")
        started = MachinesApi(state.client()).start(machine_id)
        result = wait_for_result(state, out, started, {"ready"}, timeout)
    state.operation = None
    verb = "resized" + (" and restarted" if restart else "") if waited else "resize requested"
    show_async_result(state, out, result, verb)


def stop_and_wait(
    state: AppContext, out: Output, machine: dict[str, Any], timeout: float | None
) -> None:
    state.operation = operation_label(machine, "stop")
    stopped = MachinesApi(state.client()).stop(str(machine["id"]))
    wait_for_result(state, out, stopped, {"off"}, timeout)


def wait_for_result(
    state: AppContext, out: Output, result: AsyncResult, wanted: set[str], timeout: float | None
) -> AsyncResult:
    machine_id = str(result.resource["id"])
    event_id = result.event.get("id") if result.event else None
    waited = wait_until(state, out, machine_id, wanted, event_id=event_id, timeout=timeout)
    return AsyncResult(waited.machine or result.resource, waited.event or result.event)


@app.command("update")
def update_machine(
    ctx: typer.Context,
    ref: MachineRefArg,
    name: Annotated[str | None, typer.Option("--name", "-n", help="New name.")] = None,
    machine_type: Annotated[str | None, typer.Option("--machine-type")] = None,
    disk_size: Annotated[int | None, typer.Option("--disk-size")] = None,
    network_id: Annotated[
        str | None, typer.Option("--network-id", help="Private network: ID or exact name.")
    ] = None,
    public_ip_type: Annotated[PublicIpType | None, typer.Option("--public-ip-type")] = None,
    auto_snapshot_enabled: Annotated[
        bool | None, flag("auto-snapshot-enabled", "Auto snapshots.")
    ] = None,
    auto_snapshot_frequency: Annotated[
        SnapshotFrequency | None, typer.Option("--auto-snapshot-frequency")
    ] = None,
    auto_snapshot_save_count: Annotated[
        int | None, typer.Option("--auto-snapshot-save-count", min=0)
    ] = None,
    auto_shutdown_enabled: Annotated[
        bool | None, flag("auto-shutdown-enabled", "Auto shutdown.")
    ] = None,
    auto_shutdown_timeout: Annotated[
        int | None, typer.Option("--auto-shutdown-timeout", min=0)
    ] = None,
    auto_shutdown_force: Annotated[bool | None, flag("auto-shutdown-force", "Force it.")] = None,
    restore_point_enabled: Annotated[
        bool | None, flag("restore-point-enabled", "Restore point.")
    ] = None,
    restore_point_frequency: Annotated[
        RestorePointFrequency | None, typer.Option("--restore-point-frequency")
    ] = None,
    restore_point_snapshot_id: Annotated[
        str | None,
        typer.Option("--restore-point-snapshot-id", help="Snapshot: ID or exact name."),
    ] = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Change a machine's settings; only what you pass is sent."""
    from pspace_py.cli.machine.checks import (
        ResizeRequest,
        check_network_for,
        check_resize,
        check_snapshot_for,
        require_passed,
    )
    from pspace_py.preflight.rules import name_check

    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    body = without_unset(
        {
            "name": name,
            "machineType": machine_type,
            "diskSize": disk_size,
            "networkId": network_id,
            "publicIpType": enum_value(public_ip_type),
            "autoSnapshotEnabled": auto_snapshot_enabled,
            "autoSnapshotFrequency": enum_value(auto_snapshot_frequency),
            "autoSnapshotSaveCount": auto_snapshot_save_count,
            "autoShutdownEnabled": auto_shutdown_enabled,
            "autoShutdownTimeout": auto_shutdown_timeout,
            "autoShutdownForce": auto_shutdown_force,
            "restorePointEnabled": restore_point_enabled,
            "restorePointFrequency": enum_value(restore_point_frequency),
            "restorePointSnapshotId": restore_point_snapshot_id,
        }
    )
    if not body:
        raise UsageError("Nothing to update.", hint="See 'pspace machine update --help'.")
    if name is not None:
        require_passed(Report([name_check(name)]))
    machine = resolve_machine(state.client(), ref)
    report, known_type = check_resize(state, machine, ResizeRequest(machine_type, disk_size))
    if known_type is not None:
        body["machineType"] = known_type.label
    if network_id is not None:
        body["networkId"] = check_network_for(state, machine, network_id, report)
    if restore_point_snapshot_id is not None:
        body["restorePointSnapshotId"] = check_snapshot_for(
            state, machine, restore_point_snapshot_id, report
        )
    require_passed(report)
    state.operation = operation_label(machine, "update")
    result = MachinesApi(state.client()).update(str(machine["id"]), body)
    state.operation = None
    # A resize goes on (upgrading) after the answer; settings change at once.
    show_async_result(state, out, result, "update requested" if result.event else "updated")
