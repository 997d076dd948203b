"""Public IPs: claimed (static) addresses, their assignment to machines, and the dynamic address
a machine with `publicIpType` dynamic leases at each boot."""

from __future__ import annotations

from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.lifecycle import machine_state
from pspace_py.sandbox.state import account, addresses
from pspace_py.sandbox.state.kinds import MACHINE, PUBLIC_IP
from pspace_py.sandbox.state.tx import Record, Tx

_STATIC_OWNER = "static"  # a claimed address's lease belongs to the team, not to a machine


def claim(tx: Tx, region: str) -> Record:
    """publicIps-claim: a new static address in the region, assigned to no machine."""
    account.require_good_standing(tx, "claim a public IP")
    return claim_address(tx, tx.region(region).code, None)


def claim_address(tx: Tx, region_code: str, machine_id: str | None) -> Record:
    """A new static address in the region, assigned to `machine_id` (or to none)."""
    address = addresses.lease(tx, addresses.PUBLIC_POOL, addresses.PUBLIC_ADDRESSES, _STATIC_OWNER)
    record = {"id": address, "region": region_code, "machineId": machine_id, "dtCreated": tx.now_ms}
    tx.insert(PUBLIC_IP, record)
    return record


def assign(tx: Tx, ip: str, machine_id: str | None) -> Record:
    """Assign a claimed address to a machine of its region (None unassigns it)."""
    address = tx.get(PUBLIC_IP, ip)
    if machine_id is None:
        _detach(tx, address)
        address["machineId"] = None
    elif machine_id != address["machineId"]:
        machine = tx.get(MACHINE, machine_id)
        if machine["region"] != address["region"]:
            raise bad_request(
                f"Public IP {address['id']} is in {tx.region_name(address['region'])} but "
                f"machine {machine['id']} is in {tx.region_name(machine['region'])}; "
                "an IP can only be assigned to a machine in its region."
            )
        _detach(tx, address)
        if machine["staticIp"] is not None:
            set_assignment(tx, machine["staticIp"], None)
        release_dynamic(tx, machine, forget=True)
        machine["staticIp"] = address["id"]
        machine["publicIpType"] = "static"
        machine["dtModified"] = tx.now_ms
        tx.update(MACHINE, machine)
        address["machineId"] = machine["id"]
    tx.update(PUBLIC_IP, address)
    return address


def release(tx: Tx, ip: str) -> Record:
    """Give a claimed address back; an assigned one is unassigned first (the official CLI's
    documented behaviour)."""
    address = tx.get(PUBLIC_IP, ip)
    _detach(tx, address)
    tx.delete(PUBLIC_IP, address["id"])
    addresses.release(tx, addresses.PUBLIC_POOL, address["id"])
    return address


def set_assignment(tx: Tx, ip: str, machine_id: str | None) -> None:
    """Record which machine a claimed address is assigned to (the machine's side is the
    caller's)."""
    address = tx.lookup(PUBLIC_IP, ip)
    if address is not None:
        address["machineId"] = machine_id
        tx.update(PUBLIC_IP, address)


def lease_dynamic(tx: Tx, machine: Record) -> None:
    """A booting machine with a dynamic public IP gets an address."""
    if machine["publicIpType"] == "dynamic":
        machine["dynamicIp"] = addresses.lease(
            tx, addresses.PUBLIC_POOL, addresses.PUBLIC_ADDRESSES, machine["id"]
        )


def release_dynamic(tx: Tx, machine: Record, *, forget: bool) -> None:
    """The dynamic address goes back to the pool; `forget=False` keeps showing it meanwhile."""
    if machine["dynamicIp"] is not None:
        addresses.release(tx, addresses.PUBLIC_POOL, machine["dynamicIp"])
        if forget:
            machine["dynamicIp"] = None


def change_type(tx: Tx, machine: Record, new_type: str) -> None:
    """A machine's `publicIpType` changes: its old address goes, the new kind's comes."""
    running = machine_state(machine, tx.now_ms) in ("ready", "serviceready")
    if machine["staticIp"] is not None:
        set_assignment(tx, machine["staticIp"], None)
        machine["staticIp"] = None
    release_dynamic(tx, machine, forget=True)
    machine["publicIpType"] = new_type
    if new_type == "static":
        machine["staticIp"] = claim_address(tx, machine["region"], machine["id"])["id"]
    elif new_type == "dynamic" and running:
        lease_dynamic(tx, machine)


def _detach(tx: Tx, address: Record) -> None:
    """The machine holding this address loses it (its publicIpType becomes none)."""
    if address["machineId"] is None:
        return
    machine = tx.lookup(MACHINE, address["machineId"])
    if machine is not None and machine["staticIp"] == address["id"]:
        machine["staticIp"] = None
        machine["publicIpType"] = "none"
        machine["dtModified"] = tx.now_ms
        tx.update(MACHINE, machine)
