"""Rounding of euro amounts to the cent, half away from zero as on an invoice."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def cents(value: float) -> float:
    """`value` rounded to the cent, halves away from zero (2.675 -> 2.68)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def whole_days(value: float) -> int:
    """`value` rounded to the day, halves away from zero (22.5 -> 23)."""
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
