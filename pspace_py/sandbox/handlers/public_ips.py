"""publicIps-*: list, claim, assign (machineId null unassigns), release."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox import addresses, store
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.handlers.machines import (
    claim_static_ip,
    machine_or_404,
    release_dynamic_ip,
    set_ip_assignment,
)
from pspace_py.sandbox.models import PublicIpAssign, PublicIpClaim, list_query_model

KIND = "public_ip"
PublicIpsListQuery = list_query_model("publicIps-list", ("dtCreated",), ("region",))


def list_public_ips(ctx: Ctx) -> Any:
    query = ctx.parse_query(PublicIpsListQuery)
    filters = query.filter_values()
    if "region" in filters:
        filters["region"] = ctx.region(filters["region"]).code
    return ctx.list_response(KIND, query, ctx.wire.public_ip, filters=filters)


def claim_public_ip(ctx: Ctx) -> Any:
    ctx.require_good_standing("claim a public IP")
    body = ctx.parse(PublicIpClaim)
    region = ctx.region(body.region)
    return ctx.wire.public_ip(claim_static_ip(ctx, region.code, None))


def assign_public_ip(ctx: Ctx) -> Any:
    body = ctx.parse(PublicIpAssign)
    address = ip_or_404(ctx, ctx.params["ip"])
    if body.machineId is None:
        detach_from_machine(ctx, address)
        address["machineId"] = None
    elif body.machineId != address["machineId"]:
        machine = machine_or_404(ctx, body.machineId)
        if machine["region"] != address["region"]:
            raise bad_request(
                f"Public IP {address['id']} is in {ctx.wire.region_name(address['region'])} but "
                f"machine {machine['id']} is in {ctx.wire.region_name(machine['region'])}; "
                "an IP can only be assigned to a machine in its region."
            )
        detach_from_machine(ctx, address)
        if machine["staticIp"] is not None:
            set_ip_assignment(ctx, machine["staticIp"], None)
        release_dynamic_ip(ctx, machine, forget=True)
        machine["staticIp"] = address["id"]
        machine["publicIpType"] = "static"
        machine["dtModified"] = ctx.now_ms
        store.update(ctx.conn, "machine", ctx.namespace, machine)
        address["machineId"] = machine["id"]
    store.update(ctx.conn, KIND, ctx.namespace, address)
    return ctx.wire.public_ip(address)


def release_public_ip(ctx: Ctx) -> Any:
    address = ip_or_404(ctx, ctx.params["ip"])
    # Releasing an assigned address also unassigns it (the official CLI's documented behaviour).
    detach_from_machine(ctx, address)
    store.delete(ctx.conn, KIND, ctx.namespace, address["id"])
    store.release_ip(ctx.conn, ctx.namespace, addresses.PUBLIC_POOL, address["id"])
    return {"ip": address["id"]}


def ip_or_404(ctx: Ctx, ip: str) -> dict[str, Any]:
    return ctx.get_or_404(KIND, ip, "Public IP")


def detach_from_machine(ctx: Ctx, address: dict[str, Any]) -> None:
    """The machine holding this address loses it (its publicIpType becomes none)."""
    if address["machineId"] is None:
        return
    machine = store.get(ctx.conn, "machine", ctx.namespace, address["machineId"])
    if machine is not None and machine["staticIp"] == address["id"]:
        machine["staticIp"] = None
        machine["publicIpType"] = "none"
        machine["dtModified"] = ctx.now_ms
        store.update(ctx.conn, "machine", ctx.namespace, machine)
