"""Rounding of euro amounts to the cent, half away from zero as on an invoice."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# From 2**52 on, every float is a whole number: rounding has nothing left to do (and Decimal's
# 28 digits would overflow on the huge products a typing error can give, e.g. 1e15 × 1e15).
_WHOLE = float(2**52)
_CENT = Decimal("0.01")


def cents(value: float) -> float:
    """`value` rounded to the cent, halves away from zero (2.675 -> 2.68).

    Huge values come back unchanged, NaN and infinities too: never an exception.
    """
    number = float(value)
    if not math.isfinite(number) or abs(number) >= _WHOLE:
        return number
    if round(number, 2) == number:  # whole cents (its shortest repr has two decimals at most)
        return number
    text = repr(number)
    if "e" not in text and len(text) - text.index(".") <= 3:  # already whole cents: as it is
        return number
    return float(Decimal(text).quantize(_CENT, rounding=ROUND_HALF_UP))


def whole_days(value: float) -> int:
    """`value` rounded to the day, halves away from zero (22.5 -> 23).

    Raises ValueError for NaN or an infinity, which no count of days can be.
    """
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a number of days: {number!r}")
    if abs(number) >= _WHOLE:
        return int(number)
    return int(Decimal(repr(number)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
