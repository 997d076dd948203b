"""The COST line's exact path (pricing.current) gives what the full catalog path gives."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pspace_py.catalog import bundled_catalog, load_catalog
from pspace_py.output.money import format_exact, format_usd, usd, usd_exact
from pspace_py.pricing.current import FULL_PATH, hourly_now
from pspace_py.pricing.rates import machine_rates

_LABELS = [machine_type.label for machine_type in bundled_catalog().machine_types]
_ABSENT = object()
_RATES = st.one_of(
    st.just(_ABSENT),
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
    st.sampled_from(
        ["0.0474", "+.5", "5.", "1e-05", "-0", ".", "C4 Hourly", "1_000", " 2 ", "nan"]
    ),
    st.lists(st.integers(), max_size=1),
)
_MACHINES = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["off", "ready", "stopping", "starting", "", None, 3]),
        "machineType": st.one_of(
            st.sampled_from(_LABELS),
            st.sampled_from(_LABELS).map(str.lower),
            st.sampled_from(_LABELS).map(lambda label: f" {label.swapcase()} "),
            st.sampled_from(["NOPE", "", None, 7]),
        ),
        "usageRate": _RATES,
        "storageRate": _RATES,
        "publicIpType": st.sampled_from(["static", "dynamic", "none", None, "STATIC"]),
        "storageTotal": st.sampled_from([50 * 10**9, 53687091200, 10**12, 0, None, "x"]),
    }
)


def _machine(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not _ABSENT}


@given(_MACHINES)
def test_the_exact_path_agrees_with_the_catalog(fields: dict[str, Any]) -> None:
    machine = _machine(fields)
    expected = usd(machine_rates(bundled_catalog(), machine).current_hourly)
    amount = hourly_now(machine, None)
    if amount != FULL_PATH:
        assert not isinstance(amount, str)
        assert usd_exact(amount) == expected


def _exact(amount: tuple[int, int] | str | None) -> tuple[int, int]:
    assert isinstance(amount, tuple)
    return amount


def test_a_machine_with_its_own_rates_is_priced_without_the_catalog() -> None:
    machine = {"state": "stopping", "usageRate": 0.04, "storageRate": 0.0074}
    assert usd_exact(_exact(hourly_now(machine, None))) == "$0.0474/hr"
    off = {**machine, "state": "off", "publicIpType": "dynamic"}
    assert usd_exact(_exact(hourly_now(off, None))) == "$0.0074/hr"


def test_an_override_file_leaves_the_price_to_the_catalog(tmp_path: Path) -> None:
    (tmp_path / "catalog.toml").write_text("")
    machine = {"state": "ready", "usageRate": 0.04, "storageRate": 0.0074}
    assert hourly_now(machine, tmp_path) == FULL_PATH
    assert usd(machine_rates(load_catalog(tmp_path), machine).current_hourly) == "$0.0474/hr"


def _reference_format(amount: Decimal, per: str | None, signed: bool) -> str:
    """How format_usd worked with Decimal's own rounding (the text it must keep)."""
    if per == "mo":
        rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        places = 2
    else:
        rounded = amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        exponent = rounded.normalize().as_tuple().exponent
        needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        places = min(max(needed, 2), 4)
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}${abs(rounded):,.{places}f}{f'/{per}' if per else ''}"


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9),
    st.sampled_from(["hr", "mo", None]),
    st.booleans(),
)
def test_money_text_is_decimals_rounding(amount: Decimal, per: str | None, signed: bool) -> None:
    assert format_usd(amount, per, signed=signed) == _reference_format(amount, per, signed)
    units, places = int(amount.scaleb(12)), 12
    if Decimal(units).scaleb(-12) == amount:
        assert format_exact((units, places), per, signed=signed) == format_usd(
            amount, per, signed=signed
        )


@given(st.text(alphabet="0123456789+-.eE_ \u0661x", max_size=12))
def test_a_number_is_read_as_decimal_reads_it(text: str) -> None:
    """A rate the exact path reads is the number Decimal reads; the rest goes the full path."""
    machine = {"state": "ready", "usageRate": text, "storageRate": "0.01"}
    amount = hourly_now(machine, None)
    if amount != FULL_PATH:
        assert usd_exact(_exact(amount) if amount is not None else None) == usd(
            machine_rates(bundled_catalog(), machine).current_hourly
        )
