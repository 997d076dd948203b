"""publicIps-*: list, claim, assign (machineId null unassigns), release."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import PublicIpAssign, PublicIpClaim, list_query_model
from pspace_py.sandbox.state import lists, public_ips
from pspace_py.sandbox.state.kinds import PUBLIC_IP

PublicIpsListQuery = list_query_model("publicIps-list", ("dtCreated",), ("region",))


def list_public_ips(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, PUBLIC_IP, ctx.parse_query(PublicIpsListQuery))
    return ctx.listed(listing, ctx.render.public_ip)


def claim_public_ip(ctx: Ctx) -> Any:
    return ctx.render.public_ip(public_ips.claim(ctx.tx, ctx.parse(PublicIpClaim).region))


def assign_public_ip(ctx: Ctx) -> Any:
    body = ctx.parse(PublicIpAssign)
    return ctx.render.public_ip(public_ips.assign(ctx.tx, ctx.params["ip"], body.machineId))


def release_public_ip(ctx: Ctx) -> Any:
    return {"ip": public_ips.release(ctx.tx, ctx.params["ip"])["id"]}
