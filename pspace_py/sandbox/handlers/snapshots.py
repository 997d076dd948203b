"""snapshots-*: list, create, get, update, delete, restore."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import (
    OptionalName,
    SnapshotCreate,
    SnapshotRestore,
    list_query_model,
)
from pspace_py.sandbox.state import lists, snapshots
from pspace_py.sandbox.state.kinds import SNAPSHOT

SnapshotsListQuery = list_query_model("snapshots-list", ("dtCreated", "name"), ("machineId",))


def list_snapshots(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, SNAPSHOT, ctx.parse_query(SnapshotsListQuery))
    return ctx.listed(listing, ctx.render.snapshot)


def get_snapshot(ctx: Ctx) -> Any:
    return ctx.render.snapshot(ctx.tx.get(SNAPSHOT, ctx.params["id"]))


def create_snapshot(ctx: Ctx) -> Any:
    body = ctx.parse(SnapshotCreate)
    snapshot, event = snapshots.create(ctx.tx, body.machineId, body.name)
    return ctx.with_event(ctx.render.snapshot(snapshot), event)


def update_snapshot(ctx: Ctx) -> Any:
    body = ctx.parse(OptionalName)
    return ctx.render.snapshot(ctx.tx.rename(SNAPSHOT, ctx.params["id"], body.name))


def delete_snapshot(ctx: Ctx) -> Any:
    snapshot, event = snapshots.delete(ctx.tx, ctx.params["id"])
    return ctx.with_event(ctx.render.snapshot(snapshot), event)


def restore_snapshot(ctx: Ctx) -> Any:
    body = ctx.parse(SnapshotRestore)
    snapshot, event = snapshots.restore(
        ctx.tx, ctx.params["id"], snapshot_first=bool(body.createSnapshotBeforeRestore)
    )
    return ctx.with_event(ctx.render.snapshot(snapshot), event)
