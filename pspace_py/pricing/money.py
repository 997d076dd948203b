"""The sums every price question shares: a 730-hour month, caps, unknown parts, JSON money."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

# A month of 24/7 use: 365 days * 24 hours / 12 months = 730 hours (the usual cloud convention).
HOURS_PER_MONTH = Decimal(730)


def month_cost(hourly: Decimal, monthly_cap: Decimal | None = None) -> Decimal:
    """A 730-hour month at `hourly`, stopping at `monthly_cap` when there is one."""
    uncapped = hourly * HOURS_PER_MONTH
    return uncapped if monthly_cap is None else min(uncapped, monthly_cap)


def sum_known(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None if any part is unknown."""
    total = Decimal(0)
    for amount in amounts:
        if amount is None:
            return None
        total += amount
    return total


def difference(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    return None if new is None or old is None else new - old


def json_money(amount: Decimal | None) -> float | None:
    # The one place Decimal becomes float: JSON output, via the exact decimal string.
    return None if amount is None else float(str(amount))
