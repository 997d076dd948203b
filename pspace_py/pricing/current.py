"""What one machine costs per hour right now (the COST line), and the billing rules it follows.

The rules (which parts accrue in which state) are owned here; ``rates.MachineRate`` applies them
to ``Decimal`` prices. :func:`hourly_now` applies them to exact integer amounts, reading only the
prices it needs: the API's own ``usageRate`` and ``storageRate``, and from the bundled catalog's
JSON the machine type's rate or the public IP's when those are needed. So the COST line of one
machine loads neither ``decimal`` nor the catalog's records. What it cannot read exactly (a rate
such as ``"1_000"``, a machine without a disk rate, a ``catalog.toml`` override) it leaves to
``rates.machine_rates`` (:data:`FULL_PATH`); tests/test_pricing_current.py checks that both give
the same amount.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

# units * 10**-places dollars, exactly.
Exact = tuple[int, int]

FULL_PATH: Final = "full path"  # hourly_now could not read this machine exactly
_MAX_EXPONENT_DIGITS = 3
_UNREADABLE: Final = "unreadable"
_DECIMAL_DIGITS = 28  # the default context's precision, which sum_known adds in


def compute_accrues(state: str | None) -> bool:
    """Every state but ``off`` bills compute (console model; see docs/catalog.md)."""
    return state != "off"


def has_public_ip(ip_type: str | None) -> bool:
    return ip_type in ("static", "dynamic")


def public_ip_accrues(ip_type: str | None, state: str | None) -> bool:
    """A static IP from claim to release, a dynamic one only while compute accrues."""
    return ip_type == "static" or (ip_type == "dynamic" and compute_accrues(state))


def optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def hourly_now(machine: Mapping[str, Any], config_dir: Path | None) -> Exact | str | None:
    """``machine_rates(load_catalog(config_dir), machine).current_hourly`` as an exact amount
    (None: price unknown), or :data:`FULL_PATH` when only that can tell."""
    from pspace_py.catalog.data_file import override_file

    if override_file(config_dir) is not None:
        return FULL_PATH
    disk = _api_amount(machine.get("storageRate"))
    if disk is None or disk == _UNREADABLE:  # the disk's size band is the catalog's to find
        return FULL_PATH
    state = optional_str(machine.get("state"))
    parts: list[Exact | str | None] = [disk]
    if compute_accrues(state):
        usage = _api_amount(machine.get("usageRate"))
        parts.append(usage if usage is not None else _catalog_compute(machine.get("machineType")))
    ip_type = optional_str(machine.get("publicIpType"))
    if has_public_ip(ip_type) and public_ip_accrues(ip_type, state):
        parts.append(_catalog_amount(_bundled()["publicIp"]["hourly"]))
    if _UNREADABLE in parts:
        return FULL_PATH
    if None in parts:
        return None
    total = _sum([part for part in parts if isinstance(part, tuple)])
    # Past decimal's 28 significant digits the full path's sum is rounded: leave it that.
    return total if len(str(abs(total[0])).rstrip("0")) <= _DECIMAL_DIGITS else FULL_PATH


def _bundled() -> Any:
    from pspace_py.catalog.data_file import bundled_data

    return bundled_data()


def _catalog_compute(machine_type: Any) -> Exact | str | None:
    """The catalog's hourly rate of this type (``Catalog.machine_type``'s matching), or None."""
    label = optional_str(machine_type)
    if label is None:
        return None
    items = _bundled()["machineTypes"]
    exact = {item["label"]: item for item in items}
    folded = {item["label"].casefold(): item for item in items}
    found = exact.get(label) or folded.get(label.strip().casefold())
    if found is None or found["hourly"] is None:
        return None
    return _catalog_amount(found["hourly"])


def _catalog_amount(value: Any) -> Exact | str:
    """A catalog price (a decimal string or an integer), as ``catalog.loading`` reads it."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return _UNREADABLE
    return _parse(str(value))


def _api_amount(value: Any) -> Exact | str | None:
    """``rates._api_decimal``: a positive number from an API field, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    amount = _parse(str(value))
    if isinstance(amount, str):
        return amount
    return amount if amount[0] > 0 else None


def _parse(text: str) -> Exact | str:
    """What ``Decimal(text)`` reads, exactly; the forms this leaves to decimal (whitespace,
    underscores, non-ASCII digits, infinities, NaNs, a 4-digit exponent) are unreadable."""
    sign = text[:1] if text[:1] in ("+", "-") else ""
    mantissa, marker, exponent = text[len(sign) :].lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    exponent_digits = exponent[1:] if exponent[:1] in ("+", "-") else exponent
    if (
        not (whole or fraction)
        or not _digits(whole + fraction)
        or (marker and not (exponent_digits and _digits(exponent_digits)))
        or len(exponent_digits) > _MAX_EXPONENT_DIGITS
    ):
        return _UNREADABLE
    units = int(whole + fraction) * (-1 if sign == "-" else 1)
    places = len(fraction) - int(exponent or 0)
    return (units * 10**-places, 0) if places < 0 else (units, places)


def _digits(text: str) -> bool:
    return text.isascii() and (text.isdigit() or not text)


def _sum(amounts: list[Exact]) -> Exact:
    places = max(amount_places for _, amount_places in amounts)
    return sum(units * 10 ** (places - own) for units, own in amounts), places
