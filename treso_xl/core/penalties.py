"""Late-payment penalties between professionals (C. com. L441-10) and the 40 € indemnity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from treso_xl.core.money import cents
from treso_xl.rules.lookup import rule, rule_or_none

DAYS_IN_YEAR = 365  # the rule divides by 365, leap years included


@dataclass(frozen=True)
class PenaltyPeriod:
    """Days of lateness charged at one rate."""

    start: dt.date  # first day charged
    end: dt.date  # last day charged
    rate: float
    uncertain: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _half_year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 6, 30) if day.month <= 6 else dt.date(day.year, 12, 31)


def penalty_periods(due: dt.date, until: dt.date, rate: float | None = None) -> list[PenaltyPeriod]:
    """Days late from the day after `due` to `until` inclusive, split by half-year rate.

    With `rate` given (Paramètres « Taux de pénalités »), one period at that rate. Without, the
    legal default of each half-year (ECB rate + 10 points) from the rules file; a half-year the
    file does not cover raises RuleNotCovered.
    """
    first = due + dt.timedelta(days=1)
    if until < first:
        return []
    if rate is not None:
        return [PenaltyPeriod(first, until, rate)]
    periods = []
    start = first
    while start <= until:
        end = min(_half_year_end(start), until)
        entry = rule("taux_penalites", start)
        periods.append(PenaltyPeriod(start, end, float(entry["taux"]), entry.uncertain))
        start = end + dt.timedelta(days=1)
    return periods


def penalties_over(amount: float, periods: list[PenaltyPeriod]) -> float:
    """Simple interest on `amount` over the periods, to the cent."""
    return cents(sum(amount * p.rate * p.days / DAYS_IN_YEAR for p in periods))


def penalties_over_many(amounts: np.ndarray, periods: list[PenaltyPeriod]) -> list[float]:
    """`penalties_over` of each amount: the same products, each summed by Python's own `sum`
    in the same order (a whole column of products per period instead of one per amount)."""
    if not periods:
        return [cents(0)] * len(amounts)
    return cents_of(penalty_sums(amounts, periods))


def penalty_sums(amounts: np.ndarray, periods: list[PenaltyPeriod]) -> np.ndarray:
    """The penalties of each amount before rounding to the cent (`penalties_over_many` without
    `cents_of`, which works value by value: several such arrays may be rounded in one call);
    `periods` not empty."""
    terms = [(amounts * p.rate * p.days / DAYS_IN_YEAR).tolist() for p in periods]
    return np.array([sum(row) for row in zip(*terms, strict=True)], dtype="float64")


_NEAR_HALF = 1e-6  # in cents: closer to a half cent than this, the exact rounding decides
_PLAIN = 1e7  # below this many euros, a product by 100 is within 1e-7 cent of the exact one


def cents_of(values: np.ndarray) -> list[float]:
    """`cents` of each value (float64): by numpy where the value is clearly nearer one cent
    than the next (round half away from zero cannot differ there), by `cents` elsewhere
    (values on or near a half cent, huge, NaN or infinite)."""
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(values) * 100
        fraction = scaled - np.floor(scaled)
        plain = (np.abs(values) < _PLAIN) & (np.abs(fraction - 0.5) >= _NEAR_HALF)
        out = np.copysign(np.floor(scaled + 0.5) / 100, values)
    result = out.tolist()
    for i in np.flatnonzero(~plain).tolist():
        result[i] = cents(values[i])
    return result


def late_penalties(amount: float, due: dt.date, until: dt.date, rate: float | None = None) -> float:
    """Penalties owed on `amount` unpaid from the day after `due` to `until`, to the cent."""
    return penalties_over(amount, penalty_periods(due, until, rate))


def recovery_indemnity(on: dt.date) -> float:
    """The fixed recovery indemnity per late invoice (40 €), professionals only."""
    return float(rule("indemnite_recouvrement", on)["montant"])


@dataclass(frozen=True)
class RateFloor:
    """The lowest contractual penalty rate between professionals on a date (C. com. L441-10):
    `multiple` × the legal interest rate of the half-year."""

    rate: float
    legal_rate: float
    multiple: int
    uncertain: bool  # the legal interest rate is carried forward or not confirmed
    since: dt.date  # first day of the legal rate used


def legal_minimum_rate(on: dt.date) -> RateFloor | None:
    """The minimum penalty rate in force on `on` (3 × 2,62 % = 7,86 % in H1 2026), None when the
    rules file has no legal interest rate for that date."""
    legal = rule_or_none("taux_interet_legal", on)
    multiple = rule_or_none("plancher_penalites", on)
    if legal is None or multiple is None:
        return None
    times = int(multiple["multiple"])
    return RateFloor(
        rate=round(times * float(legal["taux"]), 6),
        legal_rate=float(legal["taux"]),
        multiple=times,
        uncertain=legal.uncertain,
        since=legal.start,
    )
