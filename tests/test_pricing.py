"""Price maths, checked against figures worked by hand from catalog.md (DO-PRICING, 14 Nov 2025)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pspace_py.catalog import Catalog, load_catalog
from pspace_py.output.money import format_usd
from pspace_py.pricing.create import summarize_create
from pspace_py.pricing.money import HOURS_PER_MONTH
from pspace_py.pricing.rates import disk_size_from_bytes, machine_rates
from pspace_py.pricing.resize import summarize_resize
from pspace_py.pricing.spend import account_spend

GIB = 2**30


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def machine(**fields: Any) -> dict[str, Any]:
    """A v1 API Machine object with the fields pricing reads."""
    base: dict[str, Any] = {
        "id": "m-default",
        "name": "box",
        "machineType": "C5",
        "state": "ready",
        "storageTotal": 50 * GIB,
        "publicIpType": "none",
        "publicIp": None,
        "usageRate": 0,
        "storageRate": 0,
    }
    base.update(fields)
    return base


# -- format_usd --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "per", "expected"),
    [
        ("0.0845", "hr", "$0.0845/hr"),
        ("47.6", "hr", "$47.60/hr"),
        ("47.60", "hr", "$47.60/hr"),
        ("3.1845", "hr", "$3.1845/hr"),
        ("0.08", "hr", "$0.08/hr"),
        ("0.0070", "hr", "$0.007/hr"),
        ("0.00744", "hr", "$0.0074/hr"),
        ("0.00745", "hr", "$0.0075/hr"),  # half-up, not banker's rounding
        ("0.00005", "hr", "$0.0001/hr"),
        ("0", "hr", "$0.00/hr"),
        ("1234.5", "hr", "$1,234.50/hr"),
        ("5", "mo", "$5.00/mo"),
        ("61.065", "mo", "$61.07/mo"),
        ("61.075", "mo", "$61.08/mo"),
        ("3.285", "mo", "$3.29/mo"),
        ("52326", "mo", "$52,326.00/mo"),
        ("1234567.891", "mo", "$1,234,567.89/mo"),
        ("0.1", None, "$0.10"),
        ("-0.04", "hr", "-$0.04/hr"),
    ],
)
def test_format_usd(amount: str, per: str | None, expected: str) -> None:
    assert format_usd(Decimal(amount), per) == expected


def test_format_usd_signed_for_deltas() -> None:
    assert format_usd(Decimal("0.043"), "hr", signed=True) == "+$0.043/hr"
    assert format_usd(Decimal("-2"), "mo", signed=True) == "-$2.00/mo"
    assert format_usd(Decimal("0"), "hr", signed=True) == "$0.00/hr"


def test_hours_per_month_is_a_24x7_month() -> None:
    assert Decimal(365 * 24) / 12 == HOURS_PER_MONTH == 730


# -- create ------------------------------------------------------------------------------------


def test_create_c5_50gb_with_default_public_ip(catalog: Catalog) -> None:
    # Not giving a type = the API default, which the console charges as dynamic.
    summary = summarize_create(catalog, "C5", 50, None)
    assert summary.public_ip_type == "dynamic"
    assert summary.running_hourly == Decimal("0.0845")
    assert summary.lifetime_hourly == Decimal("0.0074")
    assert summary.lifetime_monthly_cap == Decimal("5.00")
    # 0.08*730 = 58.40; IP 0.0045*730 = 3.285 capped at 3.00; disk 5.402 capped at 5.00.
    assert summary.month_24x7 == Decimal("66.40")
    assert summary.price_known
    assert format_usd(summary.running_hourly, "hr") == "$0.0845/hr"
    assert format_usd(summary.lifetime_monthly_cap, "mo") == "$5.00/mo"


def test_create_a100_80g_100gb_with_static_ip(catalog: Catalog) -> None:
    summary = summarize_create(catalog, "a100-80g", 100, "static")
    assert summary.machine_type == "A100-80G"
    assert summary.running_hourly == Decimal("3.1845")
    assert summary.lifetime_hourly == Decimal("0.0104")
    assert summary.lifetime_monthly_cap == Decimal("7.00")
    # 3.18*730 = 2321.40, + 3.00 (IP cap) + 7.00 (disk cap).
    assert summary.month_24x7 == Decimal("2331.40")


def test_static_and_dynamic_ip_cost_the_same(catalog: Catalog) -> None:
    static = summarize_create(catalog, "C5", 50, "STATIC")
    dynamic = summarize_create(catalog, "C5", 50, "dynamic")
    assert static.running_hourly == dynamic.running_hourly == Decimal("0.0845")


def test_h100x8_without_ip(catalog: Catalog) -> None:
    summary = summarize_create(catalog, "H100x8", 100, "none")
    assert summary.running_hourly == Decimal("47.60")
    assert format_usd(summary.running_hourly, "hr") == "$47.60/hr"
    # 47.60*730 = 34748.00, + 7.00 disk cap, no IP.
    assert summary.month_24x7 == Decimal("34755.00")


def test_public_ip_none_removes_the_ip_line(catalog: Catalog) -> None:
    summary = summarize_create(catalog, "C5", 50, "none")
    assert summary.running_hourly == Decimal("0.08")
    assert [line.part for line in summary.lines()] == ["machine", "disk"]
    assert not summary.has_public_ip
    with_ip = summarize_create(catalog, "C5", 50, "dynamic")
    assert [line.part for line in with_ip.lines()] == ["machine", "publicIp", "disk"]


def test_unknown_machine_type_is_price_unknown_not_zero(catalog: Catalog) -> None:
    summary = summarize_create(catalog, "B200", 50, "dynamic")
    assert summary.machine_hourly is None
    assert summary.running_hourly is None
    assert summary.month_24x7 is None
    assert not summary.price_known
    assert not summary.machine_price_known
    assert summary.lifetime_hourly == Decimal("0.0074")  # the disk is still known
    data = summary.to_json()
    assert data["priceKnown"] is False
    assert data["runningHourly"] is None
    assert data["lines"][0]["hourly"] is None


def test_unknown_disk_size_is_price_unknown(catalog: Catalog) -> None:
    summary = summarize_create(catalog, "C5", 75, "none")
    assert summary.disk_hourly is None
    assert summary.lifetime_hourly is None
    assert summary.month_24x7 is None
    assert not summary.price_known
    assert summary.running_hourly == Decimal("0.08")


def test_bad_public_ip_type_is_rejected(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="static, dynamic, none"):
        summarize_create(catalog, "C5", 50, "elastic")


def test_create_summary_json_uses_numbers(catalog: Catalog) -> None:
    data = summarize_create(catalog, "C5", 50, "dynamic").to_json()
    assert data["runningHourly"] == 0.0845
    assert isinstance(data["runningHourly"], float)
    assert data["lifetimeMonthlyCap"] == 5.0
    assert data["month24x7"] == 66.4
    assert data["pricesDate"] == "2025-11-14"
    assert [line["part"] for line in data["lines"]] == ["machine", "publicIp", "disk"]
    json.dumps(data)


def test_create_uses_overridden_prices(tmp_path: Path) -> None:
    (tmp_path / "catalog.toml").write_text('[machine-types.C5]\nhourly = "0.10"\n')
    summary = summarize_create(load_catalog(tmp_path), "C5", 50, "dynamic")
    assert summary.running_hourly == Decimal("0.1045")


# -- resize ------------------------------------------------------------------------------------


def test_resize_type_and_disk(catalog: Catalog) -> None:
    change = summarize_resize(catalog, "C4", "c5", 50, 100)
    assert (change.old_machine_hourly, change.new_machine_hourly) == (
        Decimal("0.04"),
        Decimal("0.08"),
    )
    assert change.new_machine_type == "C5"
    assert change.machine_delta_hourly == Decimal("0.04")
    assert change.disk_delta_hourly == Decimal("0.0030")  # 0.0104 - 0.0074
    assert change.disk_delta_monthly_cap == Decimal("2.00")  # 7.00 - 5.00
    assert change.delta_hourly == Decimal("0.0430")
    assert format_usd(change.delta_hourly, "hr", signed=True) == "+$0.043/hr"


def test_resize_down_is_negative(catalog: Catalog) -> None:
    change = summarize_resize(catalog, "A100-80G", "A100", 100, None)
    assert change.delta_hourly == Decimal("-0.09")
    assert change.disk_delta_hourly == 0
    assert not change.disk_changes


def test_resize_unknown_type_has_no_delta(catalog: Catalog) -> None:
    change = summarize_resize(catalog, "C5", "C99", 50, 50)
    assert change.new_machine_hourly is None
    assert change.delta_hourly is None
    assert not change.price_known
    assert change.to_json()["deltaHourly"] is None


def test_resize_disk_only(catalog: Catalog) -> None:
    change = summarize_resize(catalog, "C5", None, 250, 2000)
    assert change.machine_delta_hourly == 0
    assert not change.machine_type_changes
    assert change.delta_hourly == Decimal("0.1637")  # 0.1786 - 0.0149


# -- machine rates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("storage_total", "size"),
    [
        (50 * GIB, 50),
        (50 * 10**9, 50),
        (100 * GIB, 100),
        (1000 * 10**9, 1000),
        (2000 * GIB, 2000),
        (75 * GIB, None),
        (3000 * GIB, None),
        (0, None),
        (None, None),
    ],
)
def test_disk_size_from_storage_total(
    catalog: Catalog, storage_total: Any, size: int | None
) -> None:
    assert disk_size_from_bytes(catalog, storage_total) == size


def test_machine_rates_from_catalog(catalog: Catalog) -> None:
    rate = machine_rates(catalog, machine(machineType="A100-80G", storageTotal=100 * GIB))
    assert rate.compute_hourly == Decimal("3.18")
    assert not rate.compute_from_api
    assert rate.disk_size_gb == 100
    assert rate.disk_hourly == Decimal("0.0104")
    assert rate.accruing_compute
    assert rate.current_hourly == Decimal("3.1904")


def test_machine_rates_prefer_positive_api_rates(catalog: Catalog) -> None:
    rate = machine_rates(catalog, machine(usageRate=0.05, storageRate="0.01"))
    assert rate.compute_hourly == Decimal("0.05")
    assert rate.disk_hourly == Decimal("0.01")
    assert rate.compute_from_api
    assert rate.disk_from_api
    zero = machine_rates(catalog, machine(usageRate=0, storageRate=None))
    assert zero.compute_hourly == Decimal("0.08")
    assert zero.disk_hourly == Decimal("0.0074")


def test_machine_rates_off_machine_accrues_disk_only(catalog: Catalog) -> None:
    rate = machine_rates(catalog, machine(state="off", publicIpType="dynamic"))
    assert not rate.accruing_compute
    assert rate.running_hourly == Decimal("0.0845")
    assert rate.current_hourly == Decimal("0.0074")


def test_machine_rates_unknown_type(catalog: Catalog) -> None:
    rate = machine_rates(catalog, machine(machineType="X9000"))
    assert rate.compute_hourly is None
    assert rate.current_hourly is None
    assert not rate.price_known
    assert rate.to_json()["computeHourly"] is None


# -- account spend -----------------------------------------------------------------------------


def test_account_spend_mix(catalog: Catalog) -> None:
    machines = [
        # running C5, dynamic IP: 0.08 + 0.0045 + 0.0074 = 0.0919/hr; 58.40 + 3.00 + 5.00
        machine(id="m1", machineType="C5", publicIpType="dynamic", publicIp="10.0.0.1"),
        # off A100-80G with a claimed static IP (charged in the IP list): disk 0.0104; 7.00
        machine(
            id="m2",
            machineType="A100-80G",
            state="off",
            storageTotal=100 * GIB,
            publicIpType="static",
            publicIp="1.2.3.4",
        ),
        # running, type unknown: only the disk counts, 0.0149; 10.00; counted as unknown
        machine(id="m3", machineType="X9000", storageTotal=250 * GIB),
        # off, type unknown: no compute accrues, so not unknown; disk 0.0074; 5.00
        machine(id="m4", machineType="OLD1", state="off"),
        # API rates win: 0.05 + 0.01 = 0.06/hr; 36.50 + min(7.30, 7.00 cap of 100 GB)
        machine(
            id="m5", machineType="C4", usageRate=0.05, storageRate=0.01, storageTotal=100 * GIB
        ),
    ]
    public_ips = [
        {"ip": "1.2.3.4", "region": "East Coast (NY2)", "assignedMachineId": "m2"},
        {"ip": "5.6.7.8", "region": "Europe (AMS1)"},
    ]
    spend = account_spend(catalog, machines, public_ips)
    # 0.0919 + 0.0104 + 0.0149 + 0.0074 + 0.06 + 2 * 0.0045
    assert spend.hourly_now == Decimal("0.1936")
    # 66.40 + 7.00 + 10.00 + 5.00 + 43.50 + 2 * 3.00
    assert spend.monthly_now == Decimal("137.90")
    assert spend.unknown_count == 1
    assert not spend.totals_complete
    assert [rate.machine_id for rate in spend.machines] == ["m1", "m2", "m3", "m4", "m5"]
    assert len(spend.public_ips) == 2
    data = spend.to_json()
    assert data["hourlyNow"] == 0.1936
    assert data["unknownCount"] == 1
    json.dumps(data)


def test_static_ip_is_counted_once(catalog: Catalog) -> None:
    off_with_static = machine(id="m1", state="off", publicIpType="static", publicIp="9.9.9.9")
    unlisted = account_spend(catalog, [off_with_static], [])
    listed = account_spend(catalog, [off_with_static], [{"ip": "9.9.9.9", "region": "ny2"}])
    # disk 0.0074 + one IP 0.0045, whether or not the claimed-IP list shows the address
    assert unlisted.hourly_now == listed.hourly_now == Decimal("0.0119")
    assert unlisted.monthly_now == listed.monthly_now == Decimal("8.00")


def test_account_spend_empty(catalog: Catalog) -> None:
    spend = account_spend(catalog, [], [])
    assert spend.hourly_now == 0
    assert spend.monthly_now == 0
    assert spend.totals_complete
