"""What the account costs now: every machine and claimed public IP, for ``pspace cost``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pspace_py.catalog import Catalog
from pspace_py.pricing.money import HOURS_PER_MONTH, json_money, month_cost
from pspace_py.pricing.rates import MachineRate, machine_rates, optional_str


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
            "hourly": json_money(self.hourly),
            "monthlyCap": json_money(self.monthly_cap),
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
            "hourlyNow": json_money(self.hourly_now),
            "monthlyNow": json_money(self.monthly_now),
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
        ip=optional_str(item.get("ip")),
        region=optional_str(item.get("region")),
        assigned_machine_id=optional_str(item.get("assignedMachineId")),
        hourly=catalog.public_ip.hourly,
        monthly_cap=catalog.public_ip.monthly_cap,
    )
