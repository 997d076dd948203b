"""sharedDrives-*: list, create, get, update, delete. A drive lives in a private network and
takes one of its addresses for its mount point."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox import addresses, store
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.handlers.machines import lease_or_409, network_for
from pspace_py.sandbox.models import OptionalName, SharedDriveCreate, list_query_model

KIND = "shared_drive"
SharedDrivesListQuery = list_query_model(
    "sharedDrives-list", ("dtCreated", "name"), ("name", "region")
)


def list_drives(ctx: Ctx) -> Any:
    query = ctx.parse_query(SharedDrivesListQuery)
    filters = query.filter_values()
    if "region" in filters:
        filters["region"] = ctx.region(filters["region"]).code
    return ctx.list_response(KIND, query, ctx.wire.shared_drive, filters=filters)


def get_drive(ctx: Ctx) -> Any:
    return ctx.wire.shared_drive(drive_or_404(ctx, ctx.params["id"]))


def create_drive(ctx: Ctx) -> Any:
    ctx.require_good_standing("create a shared drive")
    body = ctx.parse(SharedDriveCreate)
    region = ctx.region(body.region)
    sizes = [price.size_gb for price in ctx.catalog.shared_drives]
    if body.size not in sizes:
        offered = ", ".join(str(size) for size in sizes)
        raise bad_request(f"`size` must be one of {offered} (GB), not {body.size}.")
    network = network_for(ctx, body.networkId, region.code)
    drive_id = ctx.new_id(KIND, lambda: ctx.ids.prefixed("sd"))
    host = lease_or_409(
        ctx,
        addresses.network_pool(network["id"]),
        addresses.network_addresses(network["network"]),
        drive_id,
    )
    drive = {
        "id": drive_id,
        "name": body.name,
        "networkId": network["id"],
        "region": region.code,
        "sizeGb": body.size,
        "mountPoint": f"//{host}/{drive_id}",
        "hostIp": host,
        "username": f"{drive_id}-user",
        "password": ctx.ids.token(16),
        "dtCreated": ctx.now_ms,
        "dtDeleted": None,
    }
    store.insert(ctx.conn, KIND, ctx.namespace, drive)
    return ctx.wire.shared_drive(drive)


def update_drive(ctx: Ctx) -> Any:
    body = ctx.parse(OptionalName)
    drive = drive_or_404(ctx, ctx.params["id"])
    if body.name is not None:
        drive["name"] = body.name
        store.update(ctx.conn, KIND, ctx.namespace, drive)
    return ctx.wire.shared_drive(drive)


def delete_drive(ctx: Ctx) -> Any:
    drive = drive_or_404(ctx, ctx.params["id"])
    store.delete(ctx.conn, KIND, ctx.namespace, drive["id"])
    store.release_ip(
        ctx.conn, ctx.namespace, addresses.network_pool(drive["networkId"]), drive["hostIp"]
    )
    return {"id": drive["id"]}


def drive_or_404(ctx: Ctx, drive_id: str) -> dict[str, Any]:
    return ctx.get_or_404(KIND, drive_id, "Shared drive")
