"""snapshots-*: list, create, get, update, delete, restore."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox import store
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.handlers.machines import (
    create_snapshot_record,
    machine_or_404,
    require_stable,
)
from pspace_py.sandbox.models import (
    OptionalName,
    SnapshotCreate,
    SnapshotRestore,
    list_query_model,
)

KIND = "snapshot"
SnapshotsListQuery = list_query_model("snapshots-list", ("dtCreated", "name"), ("machineId",))


def list_snapshots(ctx: Ctx) -> Any:
    query = ctx.parse_query(SnapshotsListQuery)
    return ctx.list_response(KIND, query, ctx.wire.snapshot)


def get_snapshot(ctx: Ctx) -> Any:
    return ctx.wire.snapshot(snapshot_or_404(ctx, ctx.params["id"]))


def create_snapshot(ctx: Ctx) -> Any:
    ctx.require_good_standing("take a snapshot")
    body = ctx.parse(SnapshotCreate)
    machine = machine_or_404(ctx, body.machineId)
    require_stable(ctx, machine, "snapshot")
    event = ctx.start_event("snapshot-create", machine["id"])
    if event["error"] is None:
        snapshot = create_snapshot_record(ctx, machine["id"], body.name)
    else:
        # A failed snapshot never appears; the caller still sees what it would have been.
        snapshot = {
            "id": ctx.new_id(KIND, lambda: ctx.ids.prefixed("s")),
            "name": body.name,
            "machineId": machine["id"],
            "isAutoSnapshot": False,
        }
    return wrapped(ctx, snapshot, event)


def update_snapshot(ctx: Ctx) -> Any:
    body = ctx.parse(OptionalName)
    snapshot = snapshot_or_404(ctx, ctx.params["id"])
    if body.name is not None:
        snapshot["name"] = body.name
        store.update(ctx.conn, KIND, ctx.namespace, snapshot)
    return ctx.wire.snapshot(snapshot)


def delete_snapshot(ctx: Ctx) -> Any:
    snapshot = snapshot_or_404(ctx, ctx.params["id"])
    event = ctx.start_event("snapshot-delete", snapshot["machineId"])
    if event["error"] is None:
        store.delete(ctx.conn, KIND, ctx.namespace, snapshot["id"])
    return wrapped(ctx, snapshot, event)


def restore_snapshot(ctx: Ctx) -> Any:
    ctx.require_good_standing("restore a snapshot")
    body = ctx.parse(SnapshotRestore)
    snapshot = snapshot_or_404(ctx, ctx.params["id"])
    machine = machine_or_404(ctx, snapshot["machineId"])
    require_stable(ctx, machine, "restore a snapshot onto")
    if body.createSnapshotBeforeRestore:
        create_snapshot_record(ctx, machine["id"], f"before restoring {snapshot['name']}")
    event = ctx.start_event("snapshot-restore", machine["id"])
    return wrapped(ctx, snapshot, event)


def snapshot_or_404(ctx: Ctx, snapshot_id: str) -> dict[str, Any]:
    return ctx.get_or_404(KIND, snapshot_id, "Snapshot")


def wrapped(ctx: Ctx, snapshot: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": ctx.wire.snapshot(snapshot),
        "event": ctx.wire.event(event, ctx.now_ms, at_call=True),
    }
