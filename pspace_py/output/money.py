"""Money as text: ``$0.0845/hr``, ``$5.00/mo``, or "price unknown".

Amounts are formatted from their exact digits, as integers: a ``Decimal`` or an exact amount
(``units * 10**-places`` dollars, what ``pricing.current`` computes without ``decimal``) give
the same text, and formatting loads no ``decimal`` of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

# units * 10**-places dollars, exactly (as ``pricing.current`` computes amounts).
Exact = tuple[int, int]

UNKNOWN_PRICE = "price unknown"
_HOURLY_PLACES = (2, 4)  # the fewest and most decimals of an hourly amount
_MONTHLY_PLACES = 2  # cents


def format_usd(amount: Decimal, per: str | None = None, *, signed: bool = False) -> str:
    """``$0.0845/hr``, ``$47.60/hr``, ``$5.00/mo``, ``$52,326.00/mo``.

    Hourly (and unit-less) amounts keep 2 to 4 decimals: rounded half-up to 4, then trailing
    zeros trimmed down to 2, so small rates stay meaningful. Monthly amounts (``per="mo"``) are
    rounded half-up to cents. ``signed=True`` prefixes ``+`` to positive amounts (for deltas).
    """
    return format_exact(_exact(amount), per, signed=signed)


def format_exact(amount: Exact, per: str | None = None, *, signed: bool = False) -> str:
    """:func:`format_usd` of ``units * 10**-places`` dollars, given as ``(units, places)``."""
    units, places = amount
    most = _MONTHLY_PLACES if per == "mo" else _HOURLY_PLACES[1]
    rounded = _round_half_up(abs(units), places, most)  # in 10**-most dollars
    if per == "mo":
        shown = most
    else:
        trailing = 0
        while rounded and trailing < most and rounded % 10 ** (trailing + 1) == 0:
            trailing += 1
        needed = most - trailing if rounded else 0
        shown = min(max(needed, _HOURLY_PLACES[0]), most)
    whole, fraction = divmod(rounded // 10 ** (most - shown), 10**shown)
    negative, positive = rounded > 0 and units < 0, rounded > 0 and units > 0
    sign = "-" if negative else ("+" if signed and positive else "")
    suffix = f"/{per}" if per else ""
    return f"{sign}${whole:,}.{fraction:0{shown}d}{suffix}"


def usd(amount: Decimal | None, per: str | None = "hr") -> str:
    """:func:`format_usd`, or "price unknown" for a price the catalog does not know."""
    return UNKNOWN_PRICE if amount is None else format_usd(amount, per)


def usd_exact(amount: Exact | None, per: str | None = "hr") -> str:
    """:func:`usd` of an exact amount (see :func:`format_exact`)."""
    return UNKNOWN_PRICE if amount is None else format_exact(amount, per)


def _round_half_up(units: int, places: int, to: int) -> int:
    """``units * 10**-places`` (not negative) in whole ``10**-to``, ties away from zero."""
    scale: int = 10 ** abs(places - to)
    if places <= to:
        return units * scale
    quotient, remainder = divmod(units, scale)
    return quotient + (2 * remainder >= scale)


def _exact(amount: Decimal) -> Exact:
    sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite amount: {amount}")
    units = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exponent >= 0:
        return units * 10**exponent, 0
    return units, -exponent
