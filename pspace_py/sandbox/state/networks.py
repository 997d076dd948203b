"""Private networks: a /24 each (see `addresses`), which machines join and shared drives live in."""

from __future__ import annotations

from pspace_py.sandbox import store
from pspace_py.sandbox.errors import bad_request, conflict
from pspace_py.sandbox.state import addresses
from pspace_py.sandbox.state.kinds import MACHINE, PRIVATE_NETWORK
from pspace_py.sandbox.state.tx import Record, Tx

_COUNTER = "networks"  # how many networks the team has made: the next one's block


def create(tx: Tx, *, name: str, region: str, migrate_machines: bool) -> Record:
    """A new network; `migrate_machines` moves in the region's machines that are in none."""
    code = tx.region(region).code
    number = store.next_counter(tx.conn, tx.namespace, _COUNTER)
    store.set_counter(tx.conn, tx.namespace, _COUNTER, number + 1)
    network = {
        "id": tx.new_id(PRIVATE_NETWORK, lambda: tx.ids.prefixed("n")),
        "name": name,
        "region": code,
        "network": addresses.private_network_block(number),
        "netmask": addresses.NETMASK_24,
        "dtCreated": tx.now_ms,
        "dtDeleted": None,
    }
    tx.insert(PRIVATE_NETWORK, network)
    if migrate_machines:
        for machine in tx.find(MACHINE):
            if machine["region"] == network["region"] and machine["networkId"] is None:
                join(tx, machine, network)
                machine["dtModified"] = tx.now_ms
                tx.update(MACHINE, machine)
    return network


def delete(tx: Tx, network_id: str) -> Record:
    """Only an empty network goes (409 naming what is still in it)."""
    network = tx.get(PRIVATE_NETWORK, network_id)
    owners = store.lease_owners(tx.conn, tx.namespace, addresses.network_pool(network["id"]))
    if owners:
        shown = ", ".join(sorted(owners)[:10]) + (" ..." if len(owners) > 10 else "")
        raise conflict(
            f"Private network {network['id']} still has {len(owners)} machine(s) or shared "
            f"drive(s) in it ({shown}); delete them first."
        )
    tx.delete(PRIVATE_NETWORK, network["id"])
    return network


def in_region(tx: Tx, network_id: str, region_code: str) -> Record:
    """The network, which must be in the region (400 otherwise)."""
    network = tx.get(PRIVATE_NETWORK, network_id)
    if network["region"] != region_code:
        raise bad_request(
            f"Private network {network_id} is in {tx.region_name(network['region'])}, "
            f"not {tx.region_name(region_code)}."
        )
    return network


def join(tx: Tx, machine: Record, network: Record) -> None:
    """The machine moves into the network: its private address comes from there now."""
    if machine["privateIp"] is not None:
        addresses.release(tx, addresses.private_pool_of(machine), machine["privateIp"])
    machine["networkId"] = network["id"]
    machine["privateIp"] = addresses.lease_in_network(tx, network, machine["id"])
