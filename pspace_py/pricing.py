"""Price maths on top of the catalog: create summaries, resize deltas, machine rates, spend.

All money is ``Decimal``. A price that cannot be determined is ``None`` ("price unknown"),
never ``0`` and never an exception.

Billing model (the console's, see docs/catalog.md):

- compute (the machine type's hourly rate) accrues while the machine is not ``off``;
- a public IP costs the one catalog IP price: a dynamic IP only while the machine runs, a static
  IP from claim to release (the create summary, like the console, lists it with the running part);
- the disk accrues for the machine's whole lifetime, up to its monthly cap;
- capped items stop accruing at their monthly cap within a billing cycle.

``to_json()`` of every summary gives camelCase keys with money as JSON numbers (``float`` made
from the decimal's string, so ``0.0845`` prints as ``0.0845``) and ``null`` for unknown prices.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pspace_py.catalog import Catalog, MachineType, StoragePrice

# A month of 24/7 use: 365 days * 24 hours / 12 months = 730 hours (the usual cloud convention).
HOURS_PER_MONTH = Decimal(730)

PUBLIC_IP_TYPES = ("static", "dynamic", "none")
# What the API does when `publicIpType` is not sent; the console treats it as dynamic (charged).
DEFAULT_PUBLIC_IP_TYPE = "dynamic"

_HOURLY_MIN_PLACES = 2
_HOURLY_MAX_PLACES = 4
_CENT = Decimal("0.01")

# storageTotal (bytes) -> catalog disk size: accept a size within this ratio of either the GB
# (10**9) or GiB (2**30) reading of the byte count.
_DISK_SIZE_TOLERANCE = Decimal("0.10")


# ---------------------------------------------------------------------------------------------
# Formatting and small helpers
# ---------------------------------------------------------------------------------------------


def format_usd(amount: Decimal, per: str | None = None, *, signed: bool = False) -> str:
    """``$0.0845/hr``, ``$47.60/hr``, ``$5.00/mo``, ``$52,326.00/mo``.

    Hourly (and unit-less) amounts keep 2 to 4 decimals: rounded half-up to 4, then trailing
    zeros trimmed down to 2, so small rates stay meaningful. Monthly amounts (``per="mo"``) are
    rounded half-up to cents. ``signed=True`` prefixes ``+`` to positive amounts (for deltas).
    """
    if per == "mo":
        rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
        places = 2
    else:
        rounded = amount.quantize(Decimal(1).scaleb(-_HOURLY_MAX_PLACES), rounding=ROUND_HALF_UP)
        places = _significant_places(rounded)
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    suffix = f"/{per}" if per else ""
    return f"{sign}${abs(rounded):,.{places}f}{suffix}"


def _significant_places(amount: Decimal) -> int:
    """Decimal places needed to show `amount` exactly, clamped to [2, 4]."""
    exponent = amount.normalize().as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return min(max(needed, _HOURLY_MIN_PLACES), _HOURLY_MAX_PLACES)


def month_cost(hourly: Decimal, monthly_cap: Decimal | None = None) -> Decimal:
    """A 730-hour month at `hourly`, stopping at `monthly_cap` when there is one."""
    uncapped = hourly * HOURS_PER_MONTH
    return uncapped if monthly_cap is None else min(uncapped, monthly_cap)


def normalize_public_ip_type(value: str | None) -> str:
    """``static`` / ``dynamic`` / ``none`` (any case); None means the API default (dynamic)."""
    if value is None:
        return DEFAULT_PUBLIC_IP_TYPE
    normalized = value.strip().lower()
    if normalized not in PUBLIC_IP_TYPES:
        raise ValueError(
            f"unknown public IP type {value!r}; expected one of: {', '.join(PUBLIC_IP_TYPES)}"
        )
    return normalized


def _json_money(amount: Decimal | None) -> float | None:
    # The one place Decimal becomes float: JSON output, via the exact decimal string.
    return None if amount is None else float(str(amount))


def _sum_known(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None if any part is unknown."""
    total = Decimal(0)
    for amount in amounts:
        if amount is None:
            return None
        total += amount
    return total


# ---------------------------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceLine:
    """One part of a price summary (machine, public IP or disk)."""

    part: str  # "machine" | "publicIp" | "disk"
    description: str  # "C5", "public IP (dynamic)", "50 GB disk"
    hourly: Decimal | None  # None = price unknown
    monthly_cap: Decimal | None  # None = no cap
    accrues: str  # "running" (while the machine is on) | "lifetime" (until deactivation)

    @property
    def month_24x7(self) -> Decimal | None:
        return None if self.hourly is None else month_cost(self.hourly, self.monthly_cap)

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "description": self.description,
            "hourly": _json_money(self.hourly),
            "monthlyCap": _json_money(self.monthly_cap),
            "month24x7": _json_money(self.month_24x7),
            "accrues": self.accrues,
        }


@dataclass(frozen=True)
class CreatePriceSummary:
    """The console's price summary for a new machine.

    running_hourly = machine + public IP, charged while the machine runs;
    lifetime_hourly = disk, charged until deactivation, capped at lifetime_monthly_cap;
    month_24x7 = a 730-hour month of all of it, with each cap applied.
    """

    machine_type: str  # the catalog's label when known, else as given
    disk_size_gb: int
    public_ip_type: str  # effective: static | dynamic | none
    machine_hourly: Decimal | None
    public_ip_hourly: Decimal  # 0 when public_ip_type is "none"
    public_ip_monthly_cap: Decimal
    disk_hourly: Decimal | None
    disk_monthly_cap: Decimal | None
    prices_date: str
    currency: str = "USD"

    @property
    def machine_price_known(self) -> bool:
        return self.machine_hourly is not None

    @property
    def disk_price_known(self) -> bool:
        return self.disk_hourly is not None

    @property
    def price_known(self) -> bool:
        return self.machine_price_known and self.disk_price_known

    @property
    def has_public_ip(self) -> bool:
        return self.public_ip_type != "none"

    @property
    def running_hourly(self) -> Decimal | None:
        return _sum_known([self.machine_hourly, self.public_ip_hourly])

    @property
    def lifetime_hourly(self) -> Decimal | None:
        return self.disk_hourly

    @property
    def lifetime_monthly_cap(self) -> Decimal | None:
        return self.disk_monthly_cap

    @property
    def month_24x7(self) -> Decimal | None:
        return _sum_known(line.month_24x7 for line in self.lines())

    def lines(self) -> tuple[PriceLine, ...]:
        """One line per part; no public IP line when the type is ``none``."""
        machine = PriceLine("machine", self.machine_type, self.machine_hourly, None, "running")
        disk = PriceLine(
            "disk",
            f"{self.disk_size_gb} GB disk",
            self.disk_hourly,
            self.disk_monthly_cap,
            "lifetime",
        )
        if not self.has_public_ip:
            return (machine, disk)
        public_ip = PriceLine(
            "publicIp",
            f"public IP ({self.public_ip_type})",
            self.public_ip_hourly,
            self.public_ip_monthly_cap,
            "running",
        )
        return (machine, public_ip, disk)

    def to_json(self) -> dict[str, Any]:
        return {
            "machineType": self.machine_type,
            "diskSizeGb": self.disk_size_gb,
            "publicIpType": self.public_ip_type,
            "priceKnown": self.price_known,
            "currency": self.currency,
            "pricesDate": self.prices_date,
            "hoursPerMonth": int(HOURS_PER_MONTH),
            "lines": [line.to_json() for line in self.lines()],
            "runningHourly": _json_money(self.running_hourly),
            "lifetimeHourly": _json_money(self.lifetime_hourly),
            "lifetimeMonthlyCap": _json_money(self.lifetime_monthly_cap),
            "month24x7": _json_money(self.month_24x7),
        }


def summarize_create(
    catalog: Catalog,
    machine_type: str,
    disk_size_gb: int,
    public_ip_type: str | None,
) -> CreatePriceSummary:
    """The price summary for creating `machine_type` with a `disk_size_gb` disk.

    Unknown type or disk size gives None for that part (``price_known`` False). Raises
    ValueError only for a public IP type other than static/dynamic/none.
    """
    ip_type = normalize_public_ip_type(public_ip_type)
    known_type = catalog.machine_type(machine_type)
    disk = catalog.disk_price(disk_size_gb)
    has_ip = ip_type != "none"
    return CreatePriceSummary(
        machine_type=known_type.label if known_type is not None else machine_type,
        disk_size_gb=disk_size_gb,
        public_ip_type=ip_type,
        machine_hourly=known_type.hourly if known_type is not None else None,
        public_ip_hourly=catalog.public_ip.hourly if has_ip else Decimal(0),
        public_ip_monthly_cap=catalog.public_ip.monthly_cap if has_ip else Decimal(0),
        disk_hourly=disk.hourly if disk is not None else None,
        disk_monthly_cap=disk.monthly_cap if disk is not None else None,
        prices_date=catalog.prices_date,
        currency=catalog.currency,
    )


# ---------------------------------------------------------------------------------------------
# Resize
# ---------------------------------------------------------------------------------------------


def _difference(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    return None if new is None or old is None else new - old


@dataclass(frozen=True)
class ResizePriceChange:
    """Old -> new machine and disk prices for `pspace machine update`."""

    old_machine_type: str
    new_machine_type: str
    old_machine_hourly: Decimal | None
    new_machine_hourly: Decimal | None
    old_disk_size_gb: int | None
    new_disk_size_gb: int | None
    old_disk_hourly: Decimal | None
    new_disk_hourly: Decimal | None
    old_disk_monthly_cap: Decimal | None
    new_disk_monthly_cap: Decimal | None

    @property
    def machine_delta_hourly(self) -> Decimal | None:
        return _difference(self.new_machine_hourly, self.old_machine_hourly)

    @property
    def disk_delta_hourly(self) -> Decimal | None:
        return _difference(self.new_disk_hourly, self.old_disk_hourly)

    @property
    def disk_delta_monthly_cap(self) -> Decimal | None:
        return _difference(self.new_disk_monthly_cap, self.old_disk_monthly_cap)

    @property
    def delta_hourly(self) -> Decimal | None:
        """Change in the hourly cost while running (machine + disk); None if any part unknown."""
        return _sum_known([self.machine_delta_hourly, self.disk_delta_hourly])

    @property
    def price_known(self) -> bool:
        return self.delta_hourly is not None

    @property
    def machine_type_changes(self) -> bool:
        return self.old_machine_type != self.new_machine_type

    @property
    def disk_changes(self) -> bool:
        return self.old_disk_size_gb != self.new_disk_size_gb

    def to_json(self) -> dict[str, Any]:
        return {
            "priceKnown": self.price_known,
            "machineType": {
                "old": self.old_machine_type,
                "new": self.new_machine_type,
                "oldHourly": _json_money(self.old_machine_hourly),
                "newHourly": _json_money(self.new_machine_hourly),
                "deltaHourly": _json_money(self.machine_delta_hourly),
            },
            "disk": {
                "oldSizeGb": self.old_disk_size_gb,
                "newSizeGb": self.new_disk_size_gb,
                "oldHourly": _json_money(self.old_disk_hourly),
                "newHourly": _json_money(self.new_disk_hourly),
                "oldMonthlyCap": _json_money(self.old_disk_monthly_cap),
                "newMonthlyCap": _json_money(self.new_disk_monthly_cap),
                "deltaHourly": _json_money(self.disk_delta_hourly),
                "deltaMonthlyCap": _json_money(self.disk_delta_monthly_cap),
            },
            "deltaHourly": _json_money(self.delta_hourly),
        }


def summarize_resize(
    catalog: Catalog,
    old_type: str,
    new_type: str | None,
    old_disk: int | None,
    new_disk: int | None,
) -> ResizePriceChange:
    """Price change of resizing; `new_type`/`new_disk` None means unchanged."""
    old_known = catalog.machine_type(old_type)
    new_known = catalog.machine_type(new_type) if new_type is not None else old_known
    new_label = new_type if new_type is not None else old_type
    new_disk_size = new_disk if new_disk is not None else old_disk
    old_disk_price = _disk_price_or_none(catalog, old_disk)
    new_disk_price = _disk_price_or_none(catalog, new_disk_size)
    return ResizePriceChange(
        old_machine_type=old_known.label if old_known is not None else old_type,
        new_machine_type=new_known.label if new_known is not None else new_label,
        old_machine_hourly=old_known.hourly if old_known is not None else None,
        new_machine_hourly=new_known.hourly if new_known is not None else None,
        old_disk_size_gb=old_disk,
        new_disk_size_gb=new_disk_size,
        old_disk_hourly=old_disk_price.hourly if old_disk_price else None,
        new_disk_hourly=new_disk_price.hourly if new_disk_price else None,
        old_disk_monthly_cap=old_disk_price.monthly_cap if old_disk_price else None,
        new_disk_monthly_cap=new_disk_price.monthly_cap if new_disk_price else None,
    )


def _disk_price_or_none(catalog: Catalog, size_gb: int | None) -> StoragePrice | None:
    return None if size_gb is None else catalog.disk_price(size_gb)


# ---------------------------------------------------------------------------------------------
# Rates of existing machines
# ---------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class MachineRate:
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
        """Every state but ``off`` bills compute (console model; see docs/catalog.md)."""
        return self.state != "off"

    @property
    def running_hourly(self) -> Decimal | None:
        """While on: compute + public IP (the console's "while running" figure)."""
        return _sum_known([self.compute_hourly, self.public_ip_hourly])

    @property
    def lifetime_hourly(self) -> Decimal | None:
        """Until deactivation: the disk."""
        return self.disk_hourly

    @property
    def public_ip_accruing(self) -> bool:
        if self.public_ip_type == "static":
            return True
        return self.public_ip_type == "dynamic" and self.accruing_compute

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
        return _sum_known(
            [self.current_compute_hourly, self.current_public_ip_hourly, self.disk_hourly]
        )

    @property
    def price_known(self) -> bool:
        return self.compute_hourly is not None and self.disk_hourly is not None

    @property
    def current_price_known(self) -> bool:
        return self.current_hourly is not None

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
            "computeHourly": _json_money(self.compute_hourly),
            "computeRateSource": "api" if self.compute_from_api else "catalog",
            "diskHourly": _json_money(self.disk_hourly),
            "diskMonthlyCap": _json_money(self.disk_monthly_cap),
            "diskRateSource": "api" if self.disk_from_api else "catalog",
            "publicIpHourly": _json_money(self.public_ip_hourly),
            "runningHourly": _json_money(self.running_hourly),
            "lifetimeHourly": _json_money(self.lifetime_hourly),
            "currentHourly": _json_money(self.current_hourly),
        }


def machine_rates(catalog: Catalog, machine: Mapping[str, Any]) -> MachineRate:
    """Rates for a Machine object as the v1 API returns it."""
    machine_type = _optional_str(machine.get("machineType"))
    known_type = catalog.machine_type(machine_type) if machine_type else None
    api_usage = _api_decimal(machine.get("usageRate"))
    api_storage = _api_decimal(machine.get("storageRate"))
    disk_size = disk_size_from_bytes(catalog, machine.get("storageTotal"))
    disk = catalog.disk_price(disk_size) if disk_size is not None else None
    ip_type = _optional_str(machine.get("publicIpType"))
    has_ip = ip_type in ("static", "dynamic")
    return MachineRate(
        machine_id=_optional_str(machine.get("id")),
        name=_optional_str(machine.get("name")),
        machine_type=known_type.label if known_type is not None else machine_type,
        state=_optional_str(machine.get("state")),
        public_ip_type=ip_type,
        public_ip=_optional_str(machine.get("publicIp")),
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


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# ---------------------------------------------------------------------------------------------
# Account spend
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicIpCharge:
    """A claimed (static) public IP and what it costs."""

    ip: str | None
    region: str | None
    assigned_machine_id: str | None
    hourly: Decimal
    monthly_cap: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "ip": self.ip,
            "region": self.region,
            "assignedMachineId": self.assigned_machine_id,
            "hourly": _json_money(self.hourly),
            "monthlyCap": _json_money(self.monthly_cap),
        }


@dataclass(frozen=True)
class SpendSummary:
    """What the account costs now, and over a 730-hour month if nothing changes.

    hourly_now: compute of machines not off + dynamic IPs of machines not off + every disk +
    every claimed static IP. monthly_now: the same things for 730 hours, each capped item stopped
    at its cap. Every claimed IP object costs the IP price once; a machine whose address (or id,
    via assignedMachineId) is in that list adds no IP charge of its own, while a machine with a
    static IP missing from the list (or a dynamic IP, when on) adds one.
    Parts whose price is unknown are left out of the totals and their machines are counted in
    unknown_count (an off machine's unknown type does not count: it accrues no compute).
    """

    machines: tuple[MachineRate, ...]
    public_ips: tuple[PublicIpCharge, ...]
    hourly_now: Decimal
    monthly_now: Decimal
    unknown_count: int
    currency: str = "USD"

    @property
    def totals_complete(self) -> bool:
        return self.unknown_count == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "hoursPerMonth": int(HOURS_PER_MONTH),
            "hourlyNow": _json_money(self.hourly_now),
            "monthlyNow": _json_money(self.monthly_now),
            "unknownCount": self.unknown_count,
            "totalsComplete": self.totals_complete,
            "machines": [rate.to_json() for rate in self.machines],
            "publicIps": [charge.to_json() for charge in self.public_ips],
        }


def account_spend(
    catalog: Catalog,
    machines: Iterable[Mapping[str, Any]],
    public_ips: Iterable[Mapping[str, Any]],
) -> SpendSummary:
    """Totals over the account's machines and claimed public IPs (see SpendSummary)."""
    rates = tuple(machine_rates(catalog, machine) for machine in machines)
    claimed = tuple(_public_ip_charge(catalog, item) for item in public_ips)
    claimed_addresses = {charge.ip for charge in claimed if charge.ip}
    claimed_machine_ids = {
        charge.assigned_machine_id for charge in claimed if charge.assigned_machine_id
    }
    hourly = Decimal(0)
    monthly = Decimal(0)
    unknown = 0
    for rate in rates:
        ip_listed = rate.public_ip in claimed_addresses or (
            rate.machine_id is not None and rate.machine_id in claimed_machine_ids
        )
        machine_hourly, machine_monthly, complete = _machine_spend(rate, ip_listed)
        hourly += machine_hourly
        monthly += machine_monthly
        unknown += 0 if complete else 1
    for charge in claimed:
        hourly += charge.hourly
        monthly += month_cost(charge.hourly, charge.monthly_cap)
    return SpendSummary(
        machines=rates,
        public_ips=claimed,
        hourly_now=hourly,
        monthly_now=monthly,
        unknown_count=unknown,
        currency=catalog.currency,
    )


def _machine_spend(rate: MachineRate, ip_listed: bool) -> tuple[Decimal, Decimal, bool]:
    """(hourly now, 730-hour month, all parts known) for one machine's own charges."""
    hourly = Decimal(0)
    monthly = Decimal(0)
    complete = True
    if rate.accruing_compute:
        if rate.compute_hourly is None:
            complete = False
        else:
            hourly += rate.compute_hourly
            monthly += month_cost(rate.compute_hourly)
    if rate.disk_hourly is None:
        complete = False
    else:
        hourly += rate.disk_hourly
        monthly += month_cost(rate.disk_hourly, rate.disk_monthly_cap)
    # An address in the claimed-IP list is charged there, not here.
    if rate.public_ip_accruing and not ip_listed:
        hourly += rate.public_ip_hourly
        monthly += month_cost(rate.public_ip_hourly, rate.public_ip_monthly_cap)
    return hourly, monthly, complete


def _public_ip_charge(catalog: Catalog, item: Mapping[str, Any]) -> PublicIpCharge:
    return PublicIpCharge(
        ip=_optional_str(item.get("ip")),
        region=_optional_str(item.get("region")),
        assigned_machine_id=_optional_str(item.get("assignedMachineId")),
        hourly=catalog.public_ip.hourly,
        monthly_cap=catalog.public_ip.monthly_cap,
    )
