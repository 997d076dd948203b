"""Money as text: ``$0.0845/hr``, ``$5.00/mo``, or "price unknown"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

UNKNOWN_PRICE = "price unknown"
_CENT = Decimal("0.01")
_HOURLY_PLACES = (2, 4)  # the fewest and most decimals of an hourly amount


def format_usd(amount: Decimal, per: str | None = None, *, signed: bool = False) -> str:
    """``$0.0845/hr``, ``$47.60/hr``, ``$5.00/mo``, ``$52,326.00/mo``.

    Hourly (and unit-less) amounts keep 2 to 4 decimals: rounded half-up to 4, then trailing
    zeros trimmed down to 2, so small rates stay meaningful. Monthly amounts (``per="mo"``) are
    rounded half-up to cents. ``signed=True`` prefixes ``+`` to positive amounts (for deltas).
    """
    fewest, most = _HOURLY_PLACES
    if per == "mo":
        rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
        places = 2
    else:
        rounded = amount.quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP)
        exponent = rounded.normalize().as_tuple().exponent
        needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        places = min(max(needed, fewest), most)
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    suffix = f"/{per}" if per else ""
    return f"{sign}${abs(rounded):,.{places}f}{suffix}"


def usd(amount: Decimal | None, per: str | None = "hr") -> str:
    """:func:`format_usd`, or "price unknown" for a price the catalog does not know."""
    return UNKNOWN_PRICE if amount is None else format_usd(amount, per)
