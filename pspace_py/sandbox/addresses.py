"""Address pools: public IPs from 203.0.113.0/24 (TEST-NET-3, never routable) and private IPs
from RFC 1918 10.0.0.0/8.

Pools are per team. Machines outside any private network take addresses from 10.0.0.0/16;
private network number k is the /24 `10.(1 + k // 256).(k % 256).0`, whose `.1` is the gateway
and `.2`-`.254` go to machines and shared drives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

PUBLIC_POOL = "public"
DEFAULT_PRIVATE_POOL = "private:default"
NETMASK_24 = "255.255.255.0"


class HostRange(Sequence[str]):
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

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        network, host = divmod(index, self._per_network)
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


PUBLIC_ADDRESSES = HostRange((203, 0), 113, 1, 1)
DEFAULT_PRIVATE_ADDRESSES = HostRange((10, 0), 0, 256, 1)


def private_network_block(number: int) -> str:
    """The network address of the team's `number`-th private network (a /24)."""
    return f"10.{1 + number // 256}.{number % 256}.0"


def network_pool(network_id: str) -> str:
    return f"private:{network_id}"


def network_addresses(network_address: str) -> HostRange:
    _, second, third, _ = (int(part) for part in network_address.split("."))
    return HostRange((10, second), third, 1, 2)
