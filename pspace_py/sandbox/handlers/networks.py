"""privateNetworks-*: list, create, get, update, delete."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox import addresses, store
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.errors import conflict
from pspace_py.sandbox.handlers.machines import join_network
from pspace_py.sandbox.models import NetworkCreate, OptionalName, list_query_model

KIND = "private_network"
NetworksListQuery = list_query_model(
    "privateNetworks-list", ("dtCreated", "name"), ("name", "region")
)


def list_networks(ctx: Ctx) -> Any:
    query = ctx.parse_query(NetworksListQuery)
    filters = query.filter_values()
    if "region" in filters:
        filters["region"] = ctx.region(filters["region"]).code
    return ctx.list_response(KIND, query, ctx.wire.private_network, filters=filters)


def get_network(ctx: Ctx) -> Any:
    return ctx.wire.private_network(network_or_404(ctx, ctx.params["id"]))


def create_network(ctx: Ctx) -> Any:
    body = ctx.parse(NetworkCreate)
    region = ctx.region(body.region)
    number = store.next_counter(ctx.conn, ctx.namespace, "networks")
    store.set_counter(ctx.conn, ctx.namespace, "networks", number + 1)
    network = {
        "id": ctx.new_id(KIND, lambda: ctx.ids.prefixed("n")),
        "name": body.name,
        "region": region.code,
        "network": addresses.private_network_block(number),
        "netmask": addresses.NETMASK_24,
        "dtCreated": ctx.now_ms,
        "dtDeleted": None,
    }
    store.insert(ctx.conn, KIND, ctx.namespace, network)
    if body.migrateMachines:
        migrate_machines(ctx, network)
    return ctx.wire.private_network(network)


def update_network(ctx: Ctx) -> Any:
    body = ctx.parse(OptionalName)
    network = network_or_404(ctx, ctx.params["id"])
    if body.name is not None:
        network["name"] = body.name
        store.update(ctx.conn, KIND, ctx.namespace, network)
    return ctx.wire.private_network(network)


def delete_network(ctx: Ctx) -> Any:
    network = network_or_404(ctx, ctx.params["id"])
    owners = store.lease_owners(ctx.conn, ctx.namespace, addresses.network_pool(network["id"]))
    if owners:
        shown = ", ".join(sorted(owners)[:10]) + (" ..." if len(owners) > 10 else "")
        raise conflict(
            f"Private network {network['id']} still has {len(owners)} machine(s) or shared "
            f"drive(s) in it ({shown}); delete them first."
        )
    store.delete(ctx.conn, KIND, ctx.namespace, network["id"])
    return {"id": network["id"]}


def network_or_404(ctx: Ctx, network_id: str) -> dict[str, Any]:
    return ctx.get_or_404(KIND, network_id, "Private network")


def migrate_machines(ctx: Ctx, network: dict[str, Any]) -> None:
    """migrateMachines: the region's machines that are in no private network move in."""
    for machine in store.find(ctx.conn, "machine", ctx.namespace):
        if machine["region"] == network["region"] and machine["networkId"] is None:
            store.release_ip(
                ctx.conn, ctx.namespace, addresses.DEFAULT_PRIVATE_POOL, machine["privateIp"]
            )
            join_network(ctx, machine, network)
            machine["dtModified"] = ctx.now_ms
            store.update(ctx.conn, "machine", ctx.namespace, machine)
