"""Financing need under the threshold, its credit cost and levers; staged billing compared."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

import pandas as pd

from treso_xl import contract
from treso_xl.core.flows import IN
from treso_xl.core.money import cents
from treso_xl.core.plan import CashPlan
from treso_xl.core.projects import Stage
from treso_xl.core.terms import parse_terms

DAYS_IN_YEAR = 365


_last_daily: tuple[weakref.ref[CashPlan], weakref.ref[pd.DataFrame], pd.Series] | None = None


def daily_balances(plan: CashPlan, flows: pd.DataFrame | None = None) -> pd.Series:
    """End-of-day balance of every day from the opening balance's date to the plan's end.

    The plan's own balances are kept for the last plan (the financing need and each staged
    billing comparison ask them; plans are never changed in place); each caller gets a copy."""
    global _last_daily
    if flows is not None:
        return _daily_balances(plan, flows)
    last = _last_daily
    if last is not None and last[0]() is plan and last[1]() is plan.flows:
        return last[2].copy()
    balances = _daily_balances(plan, plan.flows)
    _last_daily = (weakref.ref(plan), weakref.ref(plan.flows), balances)
    return balances.copy()


def _daily_balances(plan: CashPlan, flows: pd.DataFrame) -> pd.Series:
    days = pd.date_range(pd.Timestamp(plan.date_solde), pd.Timestamp(plan.end), freq="D")
    signed = flows["montant"].where(flows["sens"] == IN, -flows["montant"])
    by_day = signed.groupby(flows["date"].dt.normalize()).sum()
    moves = by_day.reindex(days, fill_value=0.0)
    return (float(plan.opening.iloc[0]) + moves.cumsum()).round(2)


@dataclass(frozen=True)
class Lever:
    """A way to free cash, with the amount it frees and whether that covers the need."""

    label: str
    amount: float
    covers: bool


@dataclass(frozen=True)
class FinancingNeed:
    """The balance's dip under the threshold over the horizon (amount 0 when there is none)."""

    threshold: float
    amount: float  # deepest gap under the threshold
    deepest_day: dt.date | None
    first_month: dt.date | None
    last_month: dt.date | None
    months: int  # months from the first to the last month below, both included
    days_below: int
    rate: float | None
    cost: float | None  # interest of a credit drawn each day for the gap, at `rate`
    levers: tuple[Lever, ...]

    @property
    def exists(self) -> bool:
        return self.amount > 0


def financing_need(
    plan: CashPlan, rate: float | None, levers: dict[str, float] | None = None
) -> FinancingNeed:
    """Size the need from the daily balances. The credit's cost is simple interest on each day's
    gap under the threshold: Σ gap × rate / 365, to the cent."""
    balances = daily_balances(plan)
    gaps = (plan.threshold - balances).clip(lower=0.0)
    below = gaps[gaps > 0]
    named = {
        "deposit": "Acompte de 30 % sur les factures et projets à venir",
        "supplier_terms": "Délais fournisseurs portés à 60 jours",
        "dormant_stock": "Stock dormant non recommandé",
    }
    if below.empty:
        return FinancingNeed(
            plan.threshold, 0.0, None, None, None, 0, 0, rate, 0.0 if rate is not None else None, ()
        )
    amount = cents(float(below.max()))
    first, last = below.index[0].date(), below.index[-1].date()
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    cost = cents(float(below.sum()) * rate / DAYS_IN_YEAR) if rate is not None else None
    found = tuple(
        Lever(named.get(key, key), cents(value), value >= amount)
        for key, value in (levers or {}).items()
    )
    return FinancingNeed(
        threshold=plan.threshold,
        amount=amount,
        deepest_day=below.idxmax().date(),
        first_month=first.replace(day=1),
        last_month=last.replace(day=1),
        months=months,
        days_below=len(below),
        rate=rate,
        cost=cost,
        levers=found,
    )


@dataclass(frozen=True)
class StagedComparison:
    """One open project billed in stages against a single invoice at delivery."""

    projet: str
    montant: float  # still to invoice
    stages: int
    days_earlier: int  # cash-weighted: how many days sooner the money arrives on average
    low_staged: float  # lowest balance of the horizon with staged billing
    low_single: float  # ... with one invoice at delivery

    @property
    def low_gain(self) -> float:
        return cents(self.low_staged - self.low_single)


def compare_staged_billing(
    plan: CashPlan, stages: list[Stage], conditions: dict[int, str]
) -> list[StagedComparison]:
    """For each project with stages still to invoice: the money's average arrival and the
    horizon's low point, staged against one invoice at delivery (same payment terms).

    `conditions` maps a project's Excel row to its Conditions de paiement."""
    flows = plan.flows
    out = []
    base_low = cents(float(daily_balances(plan).min()))
    for ligne in dict.fromkeys(s.ligne for s in stages if not s.facturee):
        open_stages = [s for s in stages if s.ligne == ligne and not s.facturee]
        projet = open_stages[0].projet
        total = cents(sum(s.montant for s in open_stages))
        last = max(open_stages, key=lambda s: s.numero)
        delivery_due = parse_terms(conditions.get(ligne, "")).due_date(last.date_facture)
        weighted = sum((delivery_due - s.date_attendue).days * s.montant for s in open_stages)
        days_earlier = round(weighted / total) if total else 0
        mine = (flows["source"] == contract.PROJETS.name) & (flows["ligne"] == ligne)
        swapped = flows.loc[~mine]
        if pd.Timestamp(delivery_due) <= pd.Timestamp(plan.end):
            single = flows.loc[mine].head(1).assign(date=pd.Timestamp(delivery_due), montant=total)
            swapped = pd.concat([swapped, single], ignore_index=True)
        low_single = cents(float(daily_balances(plan, swapped).min()))
        out.append(
            StagedComparison(projet, total, len(open_stages), days_earlier, base_low, low_single)
        )
    return out
