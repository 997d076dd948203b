"""privateNetworks-*: list, create, get, update, delete."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import NetworkCreate, OptionalName, list_query_model
from pspace_py.sandbox.state import lists, networks
from pspace_py.sandbox.state.kinds import PRIVATE_NETWORK

NetworksListQuery = list_query_model(
    "privateNetworks-list", ("dtCreated", "name"), ("name", "region")
)


def list_networks(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, PRIVATE_NETWORK, ctx.parse_query(NetworksListQuery))
    return ctx.listed(listing, ctx.render.private_network)


def get_network(ctx: Ctx) -> Any:
    # The official spec types this answer `PrivateNetwork | null`: a missing network is null.
    network = ctx.tx.lookup(PRIVATE_NETWORK, ctx.params["id"])
    return None if network is None else ctx.render.private_network(network)


def create_network(ctx: Ctx) -> Any:
    body = ctx.parse(NetworkCreate)
    network = networks.create(
        ctx.tx, name=body.name, region=body.region, migrate_machines=bool(body.migrateMachines)
    )
    return ctx.render.private_network(network)


def update_network(ctx: Ctx) -> Any:
    body = ctx.parse(OptionalName)
    return ctx.render.private_network(ctx.tx.rename(PRIVATE_NETWORK, ctx.params["id"], body.name))


def delete_network(ctx: Ctx) -> Any:
    return {"id": networks.delete(ctx.tx, ctx.params["id"])["id"]}
