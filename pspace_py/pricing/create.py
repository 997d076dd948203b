"""What a new machine will cost: the console's price summary for ``machine create``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pspace_py.catalog import Catalog
from pspace_py.pricing.money import HOURS_PER_MONTH, json_money, month_cost, sum_known

PUBLIC_IP_TYPES = ("static", "dynamic", "none")
# What the API does when `publicIpType` is not sent; the console treats it as dynamic (charged).
DEFAULT_PUBLIC_IP_TYPE = "dynamic"


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


@dataclass(frozen=True)
class PriceLine:
    """One part of a price summary (machine, public IP or disk)."""

    part: str  # "machine" | "publicIp" | "disk" | "privateNetwork"
    description: str  # "C5", "public IP (dynamic)", "50 GB disk"
    hourly: Decimal | None  # None = price unknown
    monthly_cap: Decimal | None  # None = no cap
    # "running" (while the machine is on) | "lifetime" (until the machine is deactivated) |
    # "released" (a static IP: until it is released, after deactivation too) |
    # "deleted" (a new private network: until it is deleted)
    accrues: str

    @property
    def while_off(self) -> bool:
        """Whether the line is billed while the machine is off (everything but compute and a
        dynamic IP)."""
        return self.accrues != "running"

    @property
    def month_24x7(self) -> Decimal | None:
        return None if self.hourly is None else month_cost(self.hourly, self.monthly_cap)

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "description": self.description,
            "hourly": json_money(self.hourly),
            "monthlyCap": json_money(self.monthly_cap),
            "month24x7": json_money(self.month_24x7),
            "accrues": self.accrues,
        }


@dataclass(frozen=True)
class CreatePriceSummary:
    """The console's price summary for a new machine.

    running_hourly = machine + public IP (the console's "when running" part);
    lifetime_hourly = disk, charged until deactivation, capped at lifetime_monthly_cap;
    cost_while_running / cost_while_off = everything the machine bills per hour in that state
    (machine, public IP, disk), the definition of the COST column of ``machine list``;
    a new private network is its own line, billed until deleted, in no machine total;
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
    new_network: str | None = None  # the name of a private network the create makes
    network_hourly: Decimal = Decimal(0)
    network_monthly_cap: Decimal = Decimal(0)

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
        return sum_known([self.machine_hourly, self.public_ip_hourly])

    @property
    def lifetime_hourly(self) -> Decimal | None:
        return self.disk_hourly

    @property
    def lifetime_monthly_cap(self) -> Decimal | None:
        return self.disk_monthly_cap

    @property
    def cost_while_running(self) -> Decimal | None:
        """Per hour while on: machine + public IP + disk (the COST column while it runs)."""
        return sum_known(line.hourly for line in self._machine_lines())

    @property
    def cost_while_off(self) -> Decimal | None:
        """Per hour while off: the disk, and a static IP (the COST column while it is off)."""
        return sum_known(line.hourly for line in self._machine_lines() if line.while_off)

    @property
    def month_24x7(self) -> Decimal | None:
        return sum_known(line.month_24x7 for line in self.lines())

    def _machine_lines(self) -> tuple[PriceLine, ...]:
        return tuple(line for line in self.lines() if line.part != "privateNetwork")

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
        lines = [machine]
        if self.has_public_ip:
            static = self.public_ip_type == "static"
            lines.append(
                PriceLine(
                    "publicIp",
                    f"public IP ({self.public_ip_type})",
                    self.public_ip_hourly,
                    self.public_ip_monthly_cap,
                    "released" if static else "running",
                )
            )
        lines.append(disk)
        if self.new_network is not None:
            lines.append(
                PriceLine(
                    "privateNetwork",
                    f"private network '{self.new_network}' (new)",
                    self.network_hourly,
                    self.network_monthly_cap,
                    "deleted",
                )
            )
        return tuple(lines)

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
            "runningHourly": json_money(self.running_hourly),
            "costWhileRunning": json_money(self.cost_while_running),
            "costWhileOff": json_money(self.cost_while_off),
            "lifetimeHourly": json_money(self.lifetime_hourly),
            "lifetimeMonthlyCap": json_money(self.lifetime_monthly_cap),
            "month24x7": json_money(self.month_24x7),
        }


def summarize_create(
    catalog: Catalog,
    machine_type: str,
    disk_size_gb: int,
    public_ip_type: str | None,
    *,
    new_network: str | None = None,
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
        new_network=new_network,
        network_hourly=catalog.private_network.hourly,
        network_monthly_cap=catalog.private_network.monthly_cap,
    )
