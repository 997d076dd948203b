"""What an existing machine costs, from the API's object (its own rates when it has them)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from pspace_py.catalog import Catalog, MachineType
from pspace_py.pricing.current import (
    compute_accrues,
    has_public_ip,
    optional_str,
    public_ip_accrues,
)
from pspace_py.pricing.money import json_money, sum_known

__all__ = ["MachineRate", "disk_size_from_bytes", "machine_rates", "optional_str"]

# storageTotal (bytes) -> catalog disk size: accept a size within this ratio of either the GB
# (10**9) or GiB (2**30) reading of the byte count.
_DISK_SIZE_TOLERANCE = Decimal("0.10")


def disk_size_from_bytes(catalog: Catalog, storage_total: Any) -> int | None:
    """The catalog disk size (GB) for an API `storageTotal` in bytes, or None.

    The API does not say whether it counts GB or GiB, so the byte count is read both ways and
    the catalog size nearest (by ratio) to either reading wins, provided it is within 10 %.
    """
    total = _api_decimal(storage_total)
    if total is None or not catalog.disk_sizes:
        return None
    readings = (total / Decimal(10**9), total / Decimal(2**30))
    best_size, best_error = None, Decimal("Infinity")
    for size in catalog.disk_sizes:
        for reading in readings:
            error = abs(reading / size - 1)
            if error < best_error:
                best_size, best_error = size, error
    return best_size if best_error <= _DISK_SIZE_TOLERANCE else None


def _api_decimal(value: Any) -> Decimal | None:
    """A positive number from an API field (number or numeric string), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None


class MachineRate(NamedTuple):
    """What one existing machine costs.

    compute and disk rates come from the API's `usageRate`/`storageRate` when present and > 0
    (``*_from_api`` True), else from the catalog. The public IP is the catalog IP price for a
    static or dynamic IP; a dynamic IP only accrues while the machine is on.
    """

    machine_id: str | None
    name: str | None
    machine_type: str | None
    state: str | None
    public_ip_type: str | None
    public_ip: str | None
    disk_size_gb: int | None
    compute_hourly: Decimal | None
    compute_from_api: bool
    disk_hourly: Decimal | None
    disk_monthly_cap: Decimal | None  # None = no known cap
    disk_from_api: bool
    public_ip_hourly: Decimal  # 0 without a public IP
    public_ip_monthly_cap: Decimal

    @property
    def accruing_compute(self) -> bool:
        """Every state but ``off`` bills compute (``current.compute_accrues``)."""
        return compute_accrues(self.state)

    @property
    def running_hourly(self) -> Decimal | None:
        """While on: compute + public IP (the console's "while running" figure)."""
        return sum_known([self.compute_hourly, self.public_ip_hourly])

    @property
    def lifetime_hourly(self) -> Decimal | None:
        """Until deactivation: the disk."""
        return self.disk_hourly

    @property
    def public_ip_accruing(self) -> bool:
        return public_ip_accrues(self.public_ip_type, self.state)

    @property
    def current_compute_hourly(self) -> Decimal | None:
        """Compute charged right now: 0 when off (known even if the type's price is not)."""
        return self.compute_hourly if self.accruing_compute else Decimal(0)

    @property
    def current_public_ip_hourly(self) -> Decimal:
        return self.public_ip_hourly if self.public_ip_accruing else Decimal(0)

    @property
    def current_hourly(self) -> Decimal | None:
        """What the machine costs per hour in its current state (compute + IP + disk)."""
        return sum_known(
            [self.current_compute_hourly, self.current_public_ip_hourly, self.disk_hourly]
        )

    @property
    def price_known(self) -> bool:
        return self.compute_hourly is not None and self.disk_hourly is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.machine_id,
            "name": self.name,
            "machineType": self.machine_type,
            "state": self.state,
            "priceKnown": self.price_known,
            "accruingCompute": self.accruing_compute,
            "diskSizeGb": self.disk_size_gb,
            "publicIpType": self.public_ip_type,
            "computeHourly": json_money(self.compute_hourly),
            "computeRateSource": "api" if self.compute_from_api else "catalog",
            "diskHourly": json_money(self.disk_hourly),
            "diskMonthlyCap": json_money(self.disk_monthly_cap),
            "diskRateSource": "api" if self.disk_from_api else "catalog",
            "publicIpHourly": json_money(self.public_ip_hourly),
            "runningHourly": json_money(self.running_hourly),
            "lifetimeHourly": json_money(self.lifetime_hourly),
            "currentHourly": json_money(self.current_hourly),
        }


def machine_rates(catalog: Catalog, machine: Mapping[str, Any]) -> MachineRate:
    """Rates for a Machine object as the v1 API returns it."""
    machine_type = optional_str(machine.get("machineType"))
    known_type = catalog.machine_type(machine_type) if machine_type else None
    api_usage = _api_decimal(machine.get("usageRate"))
    api_storage = _api_decimal(machine.get("storageRate"))
    disk_size = disk_size_from_bytes(catalog, machine.get("storageTotal"))
    disk = catalog.disk_price(disk_size) if disk_size is not None else None
    ip_type = optional_str(machine.get("publicIpType"))
    has_ip = has_public_ip(ip_type)
    return MachineRate(
        machine_id=optional_str(machine.get("id")),
        name=optional_str(machine.get("name")),
        machine_type=known_type.label if known_type is not None else machine_type,
        state=optional_str(machine.get("state")),
        public_ip_type=ip_type,
        public_ip=optional_str(machine.get("publicIp")),
        disk_size_gb=disk_size,
        compute_hourly=api_usage if api_usage is not None else _catalog_hourly(known_type),
        compute_from_api=api_usage is not None,
        disk_hourly=api_storage if api_storage is not None else (disk.hourly if disk else None),
        disk_monthly_cap=disk.monthly_cap if disk is not None else None,
        disk_from_api=api_storage is not None,
        public_ip_hourly=catalog.public_ip.hourly if has_ip else Decimal(0),
        public_ip_monthly_cap=catalog.public_ip.monthly_cap if has_ip else Decimal(0),
    )


def _catalog_hourly(machine_type: MachineType | None) -> Decimal | None:
    return machine_type.hourly if machine_type is not None else None
