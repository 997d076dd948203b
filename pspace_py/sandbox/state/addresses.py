"""Address pools and leases: public IPs from 203.0.113.0/24 (TEST-NET-3, never routable) and
private IPs from RFC 1918 10.0.0.0/8.

Pools are per team. Machines outside any private network take addresses from 10.0.0.0/16, then
(past its 65,024, e.g. a 100,000-machine seed) from 172.16.0.0/12; private network number k is
the /24 `10.(1 + k // 256).(k % 256).0`, whose `.1` is the gateway and `.2`-`.254` go to
machines and shared drives. A lease names its owner (a machine, a drive, or "static" for a
claimed public IP).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import overload

from pspace_py.sandbox import store
from pspace_py.sandbox.errors import conflict
from pspace_py.sandbox.state.tx import Record, Tx

PUBLIC_POOL = "public"
DEFAULT_PRIVATE_POOL = "private:default"
NETMASK_24 = "255.255.255.0"


class _Addresses(Sequence[str]):
    """A sequence of addresses computed on demand: slices and negative indexes here, the
    address at a position (`_at`, for 0 <= position < len) in each kind."""

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(len(self)))]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return self._at(position)

    @abstractmethod
    def _at(self, position: int) -> str: ...


class HostRange(_Addresses):
    """`count` consecutive host addresses of /24 networks, skipping each network's .0 and .255
    (and everything below `first_host`), computed on demand rather than listed."""

    def __init__(self, prefix: tuple[int, int], first_octet3: int, networks: int, first_host: int):
        self._prefix = prefix
        self._first_octet3 = first_octet3
        self._first_host = first_host
        self._per_network = 255 - first_host
        self._count = networks * self._per_network

    def __len__(self) -> int:
        return self._count

    def _at(self, position: int) -> str:
        network, host = divmod(position, self._per_network)
        first, second = self._prefix
        second_carry, third = divmod(self._first_octet3 + network, 256)
        return f"{first}.{second + second_carry}.{third}.{host + self._first_host}"

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        if not isinstance(value, str):
            raise ValueError(value)
        try:
            _, second, third, host = (int(part) for part in value.split("."))
        except ValueError:
            raise ValueError(value) from None
        network = (second - self._prefix[1]) * 256 + third - self._first_octet3
        position = network * self._per_network + host - self._first_host
        if not 0 <= position < self._count or self[position] != value:
            raise ValueError(value)
        return position


class ChainedRanges(_Addresses):
    """Host ranges one after the other, as one sequence."""

    def __init__(self, *ranges: HostRange) -> None:
        self._ranges = ranges

    def __len__(self) -> int:
        return sum(len(part) for part in self._ranges)

    def _at(self, position: int) -> str:
        for part in self._ranges:
            if position < len(part):
                return part[position]
            position -= len(part)
        raise IndexError(position)  # unreachable: _Addresses checked the position

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        before = 0
        for part in self._ranges:
            try:
                return before + part.index(value)
            except ValueError:
                before += len(part)
        raise ValueError(value)


PUBLIC_ADDRESSES = HostRange((203, 0), 113, 1, 1)
DEFAULT_PRIVATE_ADDRESSES = ChainedRanges(
    HostRange((10, 0), 0, 256, 1), HostRange((172, 16), 0, 16 * 256, 1)
)


def private_network_block(number: int) -> str:
    """The network address of the team's `number`-th private network (a /24)."""
    return f"10.{1 + number // 256}.{number % 256}.0"


def network_pool(network_id: str) -> str:
    return f"private:{network_id}"


def network_addresses(network_address: str) -> HostRange:
    _, second, third, _ = (int(part) for part in network_address.split("."))
    return HostRange((10, second), third, 1, 2)


def lease(tx: Tx, pool: str, candidates: Sequence[str], owner: str) -> str:
    """A free address of the pool for `owner`; 409 when the pool is exhausted."""
    address = store.lease_ip(tx.conn, tx.namespace, pool, candidates, owner)
    if address is None:
        where = "public IP pool" if pool == PUBLIC_POOL else f"address pool {pool}"
        raise conflict(
            f"The sandbox's {where} is exhausted ({len(candidates)} addresses per team); "
            "release addresses or delete machines first."
        )
    return address


def release(tx: Tx, pool: str, address: str) -> None:
    store.release_ip(tx.conn, tx.namespace, pool, address)


def lease_in_network(tx: Tx, network: Record, owner: str) -> str:
    return lease(tx, network_pool(network["id"]), network_addresses(network["network"]), owner)


def lease_private(tx: Tx, machine_id: str) -> str:
    """An address outside any private network."""
    return lease(tx, DEFAULT_PRIVATE_POOL, DEFAULT_PRIVATE_ADDRESSES, machine_id)


def private_pool_of(machine: Record) -> str:
    network_id = machine["networkId"]
    return network_pool(network_id) if network_id else DEFAULT_PRIVATE_POOL
