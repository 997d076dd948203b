"""``pspace snapshot``: snapshot a machine's disk, and put the disk back to a snapshot."""

from __future__ import annotations

from typing import Annotated

import typer

from pspace_py.api.client import JsonObject
from pspace_py.api.machines import MachinesApi
from pspace_py.api.snapshots import SnapshotsApi
from pspace_py.cli.context import app_context
from pspace_py.cli.listing import ByCreationOrNameOpt, NameFilterOpt, paging, show_list
from pspace_py.cli.options import (
    AfterOpt,
    AllOpt,
    AscOpt,
    DescOpt,
    FieldsOpt,
    JsonOpt,
    LimitOpt,
    MachineOpt,
    NoHeaderOpt,
    OptionalMachineOpt,
    QuietOpt,
    WaitOpt,
    WaitTimeoutOpt,
    YesOpt,
    group,
)
from pspace_py.cli.refs import resolve
from pspace_py.cli.resource_commands import (
    NewNameOpt,
    confirm_destructive,
    finish_async,
    label,
)
from pspace_py.output import columns

app = group("Snapshot machine disks, and restore a machine's disk from a snapshot.")

LIST_COMMAND = "pspace snapshot list"
SnapshotArg = Annotated[
    str, typer.Argument(metavar="SNAPSHOT", help="Snapshot ID or exact name.", show_default=False)
]


def _snapshot(snapshots: SnapshotsApi, ref: str) -> JsonObject:
    # The list has no name filter, so names are matched by reading the list.
    return resolve(snapshots, ref, list_command=LIST_COMMAND, name_filter=False)


@app.command("list")
def list_snapshots(
    ctx: typer.Context,
    machine: OptionalMachineOpt = None,
    name: NameFilterOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: ByCreationOrNameOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List snapshots, newest first (all of them, or one machine's)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    client = state.client()
    machine_id = None
    if machine is not None:
        machine_id = resolve(MachinesApi(client), machine, list_command="pspace machine list")["id"]
    show_list(
        out,
        SnapshotsApi(client),
        {"machineId": machine_id},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=columns.SNAPSHOT,
        empty_message="No snapshots."
        if machine_id is None
        else f"Machine {machine_id} has no snapshots.",
        list_command=LIST_COMMAND,
        keep=None if name is None else (lambda item: item.get("name") == name),
    )


@app.command("get")
def get_snapshot(
    ctx: typer.Context, ref: SnapshotArg, json_: JsonOpt = False, fields: FieldsOpt = None
) -> None:
    """Show one snapshot."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    out.resource(_snapshot(SnapshotsApi(state.client()), ref), columns.SNAPSHOT)


@app.command("create")
def create_snapshot(
    ctx: typer.Context,
    machine: MachineOpt,
    name: Annotated[str, typer.Option("--name", "-n", help="The snapshot's name.")],
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Snapshot a machine's disk."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    client = state.client()
    target = resolve(MachinesApi(client), machine, list_command="pspace machine list")
    state.operation = f"snapshot create (machine {target['id']})"
    result = SnapshotsApi(client).create(str(target["id"]), name)
    finish_async(state, out, result, columns.SNAPSHOT, wait=wait, timeout=timeout)


@app.command("update")
def update_snapshot(
    ctx: typer.Context,
    ref: SnapshotArg,
    name: NewNameOpt,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Rename a snapshot."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    snapshots = SnapshotsApi(state.client())
    snapshot = _snapshot(snapshots, ref)
    state.operation = f"snapshot update ({snapshot['id']})"
    out.resource(snapshots.update(str(snapshot["id"]), name=name), columns.SNAPSHOT)


@app.command("delete")
def delete_snapshot(
    ctx: typer.Context,
    ref: SnapshotArg,
    yes: YesOpt = False,
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Delete a snapshot (asks first)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    snapshots = SnapshotsApi(state.client())
    snapshot = _snapshot(snapshots, ref)
    confirm_destructive(
        out,
        yes=yes,
        action=f"delete snapshot {label(snapshot)}",
        consequence=f"The disk of machine {snapshot.get('machineId')} can no longer be restored "
        "to it; the machine itself is not changed.",
    )
    state.operation = f"snapshot delete ({snapshot['id']})"
    finish_async(
        state,
        out,
        snapshots.delete(str(snapshot["id"])),
        columns.SNAPSHOT,
        wait=wait,
        timeout=timeout,
    )


@app.command("restore")
def restore_snapshot(
    ctx: typer.Context,
    ref: SnapshotArg,
    create_snapshot: Annotated[
        bool | None,
        typer.Option(
            "--create-snapshot/--no-create-snapshot",
            help="Snapshot the disk as it is now before restoring [default: the API's].",
            show_default=False,
        ),
    ] = None,
    yes: YesOpt = False,
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Put a machine's disk back to a snapshot (asks first: later changes are lost)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    client = state.client()
    snapshots = SnapshotsApi(client)
    snapshot = _snapshot(snapshots, ref)
    machine = MachinesApi(client).get(str(snapshot.get("machineId", "")))
    kept = (
        " A snapshot of the disk as it is now is taken first."
        if create_snapshot
        else " Pass --create-snapshot to keep a snapshot of the disk as it is now."
    )
    confirm_destructive(
        out,
        yes=yes,
        action=f"restore snapshot {label(snapshot)} onto machine {label(machine)}",
        consequence="the machine's disk goes back to the snapshot, and everything written to it "
        "since the snapshot was taken is lost." + kept,
        type_to_confirm=("the machine's name", str(machine.get("name") or machine["id"])),
    )
    state.operation = f"snapshot restore ({snapshot['id']} onto machine {machine['id']})"
    result = snapshots.restore(str(snapshot["id"]), create_snapshot_before=create_snapshot)
    finish_async(state, out, result, columns.SNAPSHOT, wait=wait, timeout=timeout)
