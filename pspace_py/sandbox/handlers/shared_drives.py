"""sharedDrives-*: list, create, get, update, delete."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import OptionalName, SharedDriveCreate, list_query_model
from pspace_py.sandbox.state import lists, shared_drives
from pspace_py.sandbox.state.kinds import SHARED_DRIVE

SharedDrivesListQuery = list_query_model(
    "sharedDrives-list", ("dtCreated", "name"), ("name", "region")
)


def list_drives(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, SHARED_DRIVE, ctx.parse_query(SharedDrivesListQuery))
    return ctx.listed(listing, ctx.render.shared_drive)


def get_drive(ctx: Ctx) -> Any:
    return ctx.render.shared_drive(ctx.tx.get(SHARED_DRIVE, ctx.params["id"]))


def create_drive(ctx: Ctx) -> Any:
    body = ctx.parse(SharedDriveCreate)
    drive = shared_drives.create(
        ctx.tx, name=body.name, network_id=body.networkId, region=body.region, size_gb=body.size
    )
    return ctx.render.shared_drive(drive)


def update_drive(ctx: Ctx) -> Any:
    body = ctx.parse(OptionalName)
    return ctx.render.shared_drive(ctx.tx.rename(SHARED_DRIVE, ctx.params["id"], body.name))


def delete_drive(ctx: Ctx) -> Any:
    return {"id": shared_drives.delete(ctx.tx, ctx.params["id"])["id"]}
