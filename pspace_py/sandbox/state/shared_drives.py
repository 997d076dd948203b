"""Shared drives: each lives in a private network and takes one of its addresses for its mount
point."""

from __future__ import annotations

from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.state import account, addresses, networks
from pspace_py.sandbox.state.kinds import SHARED_DRIVE
from pspace_py.sandbox.state.tx import Record, Tx


def create(tx: Tx, *, name: str, network_id: str, region: str, size_gb: float) -> Record:
    account.require_good_standing(tx, "create a shared drive")
    code = tx.region(region).code
    # The real openapi.json's enum plus the priced sizes (the docs' own example is 50 GB).
    sizes = tx.catalog.accepted_shared_drive_sizes
    if size_gb not in sizes:
        offered = ", ".join(str(size) for size in sizes)
        raise bad_request(f"`size` must be one of {offered} (GB), not {size_gb}.")
    network = networks.in_region(tx, network_id, code)
    drive_id = tx.new_id(SHARED_DRIVE, lambda: tx.ids.prefixed("sd"))
    host = addresses.lease_in_network(tx, network, drive_id)
    drive = {
        "id": drive_id,
        "name": name,
        "networkId": network["id"],
        "region": code,
        "sizeGb": int(size_gb),
        "mountPoint": f"//{host}/{drive_id}",
        "hostIp": host,
        "username": f"{drive_id}-user",
        "password": tx.ids.token(16),
        "dtCreated": tx.now_ms,
        "dtDeleted": None,
    }
    tx.insert(SHARED_DRIVE, drive)
    return drive


def delete(tx: Tx, drive_id: str) -> Record:
    drive = tx.remove(SHARED_DRIVE, drive_id)
    addresses.release(tx, addresses.network_pool(drive["networkId"]), drive["hostIp"])
    return drive
