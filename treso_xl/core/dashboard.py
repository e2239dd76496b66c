"""Key figures of the dashboard: balances ahead, lowest month, receivables, deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl.core.calendar import add_months
from treso_xl.core.flows import IN
from treso_xl.core.money import cents
from treso_xl.core.plan import CashPlan


@dataclass(frozen=True)
class Threshold:
    """Year-to-date turnover against one legal threshold."""

    label: str
    amount: float

    def share(self, turnover: float) -> float:
        return turnover / self.amount if self.amount else 0.0


@dataclass(frozen=True)
class KeyFigures:
    """What the dashboard shows in large cells."""

    date_reference: dt.date
    threshold: float
    balance_today: float | None
    balance_1m: float | None
    balance_3m: float | None
    lowest_month: dt.date
    lowest_balance: float
    lowest_day: dt.date
    months_below: list[dt.date]
    overdue_total: float
    overdue_count: int
    receivables: float
    dso: int | None
    bfr: float | None
    next_urssaf: tuple[dt.date, float] | None
    ytd_turnover: float
    thresholds: list[Threshold]
    monthly_outflow: float  # average monthly disbursements of the plan


def balance_on(plan: CashPlan, day: dt.date) -> float | None:
    """Expected end-of-day balance on `day` (None before the opening balance or past the plan)."""
    return _balances_on(plan, [day])[0]


def _balances_on(plan: CashPlan, days: list[dt.date]) -> list[float | None]:
    """`balance_on` of each day, the plan's signed amounts read once."""
    if all(day < plan.date_solde or day > plan.end for day in days):
        return [None] * len(days)
    flows = plan.flows
    amounts = flows["montant"]
    signed = amounts.where(flows["sens"] == IN, -amounts).to_numpy()
    dates = flows["date"]
    out: list[float | None] = []
    for day in days:
        if day < plan.date_solde or day > plan.end:
            out.append(None)
            continue
        upto = signed[(dates <= pd.Timestamp(day)).to_numpy(dtype=bool)]
        # the sum Series.sum gives: missing amounts count for nothing
        total = np.where(np.isnan(upto), 0.0, upto).sum() if np.isnan(upto).any() else upto.sum()
        out.append(cents(plan.opening.iloc[0] + float(total)))
    return out


def key_figures(
    plan: CashPlan,
    date_reference: dt.date,
    receivables: float,
    dso: int | None,
    bfr: float | None = None,
    next_urssaf: tuple[dt.date, float] | None = None,
    ytd_turnover: float = 0.0,
    thresholds: list[Threshold] | None = None,
) -> KeyFigures:
    """Gather the dashboard's figures from the computed tabs."""
    lowest = plan.low.idxmin()
    today, in_1m, in_3m = _balances_on(
        plan, [date_reference, add_months(date_reference, 1), add_months(date_reference, 3)]
    )
    return KeyFigures(
        date_reference=date_reference,
        threshold=plan.threshold,
        balance_today=today,
        balance_1m=in_1m,
        balance_3m=in_3m,
        lowest_month=lowest,
        lowest_balance=float(plan.low[lowest]),
        lowest_day=plan.low_day[lowest],
        months_below=[m for m in plan.months if plan.below[m]],
        overdue_total=cents(float(plan.overdue["reste_du"].sum())) if len(plan.overdue) else 0.0,
        overdue_count=len(plan.overdue),
        receivables=receivables,
        dso=dso,
        bfr=bfr,
        next_urssaf=next_urssaf,
        ytd_turnover=ytd_turnover,
        thresholds=thresholds or [],
        monthly_outflow=cents(float(plan.total_out.mean())) if len(plan.months) else 0.0,
    )


def balance_light(value: float | None, threshold: float, cushion: float) -> str:
    """Traffic light of a balance: red under the threshold, orange within one month of
    disbursements above it, green beyond."""
    if value is None:
        return "neutral"
    if value < threshold:
        return "red"
    if value < threshold + cushion:
        return "orange"
    return "green"


def dso_light(dso: int | None) -> str:
    """Green up to 30 days (the legal default term), orange up to 60 (the maximum), red beyond."""
    if dso is None:
        return "neutral"
    return "green" if dso <= 30 else "orange" if dso <= 60 else "red"


def share_light(share: float) -> str:
    """Green under 80 % of a threshold, orange from 80 %, red from 100 %."""
    return "green" if share < 0.8 else "orange" if share < 1.0 else "red"
