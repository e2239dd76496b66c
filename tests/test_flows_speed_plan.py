"""The plan computed as before the speed work: the old code is kept here as the reference."""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left, bisect_right

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.calendar import month_end, month_start, month_starts
from treso_xl.core.flows import (
    FLOW_COLUMNS,
    IN,
    OUT,
    combine,
    expected_invoice_receipts,
    invoice_rest_flows,
    known_flows,
)
from treso_xl.core.habits import client_habits
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.plan import CashPlan, build_plan, horizon_end, plan_from_flows
from treso_xl.core.reconcile import reconcile


def _old_by_category(flows: pd.DataFrame, months: list[dt.date]) -> pd.DataFrame:
    """Sums of `montant` per category (rows, first appearance) and month (columns, `months`),
    rounded to the cent: what a pivot table gave, by one groupby on packed codes (same sums)."""
    if flows.empty:
        return pd.DataFrame(columns=months, dtype="float64")
    codes, categories = pd.factorize(flows["categorie"])  # first appearance; missing: -1
    month = flows["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    wanted = np.array(months, dtype="datetime64[M]")
    column = np.searchsorted(wanted, month).clip(0, len(wanted) - 1)
    valid = (codes >= 0) & (wanted[column] == month)
    key = codes[valid] * len(wanted) + column[valid]
    amounts = flows["montant"].to_numpy(dtype="float64")[valid]
    sums = pd.Series(amounts).groupby(key, sort=True).sum()
    table = np.zeros((len(categories), len(wanted)))
    keys = sums.index.to_numpy()
    table[keys // len(wanted), keys % len(wanted)] = sums.to_numpy()
    frame = pd.DataFrame(table, index=pd.Index(categories, name="categorie"), columns=months)
    order = list(pd.unique(flows["categorie"]))  # first appearance, chronological
    return frame.reindex(index=order, columns=months).fillna(0.0).round(2)


def _old_plan_from_flows(
    flows: pd.DataFrame,
    months: list[dt.date],
    opening_balance: float,
    date_solde: dt.date,
    threshold: float,
    date_reference: dt.date,
    overdue: pd.DataFrame | None = None,
) -> CashPlan:
    """The plan over `months` of the flows dated after `date_solde` (opening-balance rule)."""
    end = month_end(months[-1])
    dates = flows["date"]
    applied = flows.loc[(dates > pd.Timestamp(date_solde)) & (dates <= pd.Timestamp(end))]
    receipts = _old_by_category(applied.loc[applied["sens"] == IN], months)
    disbursements = _old_by_category(applied.loc[applied["sens"] == OUT], months)
    total_in = receipts.sum(axis=0).reindex(months).fillna(0.0).round(2)
    total_out = disbursements.sum(axis=0).reindex(months).fillna(0.0).round(2)
    net = (total_in - total_out).round(2)

    opening, closing = [], []
    balance = round(float(opening_balance), 2)
    for month in months:
        opening.append(balance)
        balance = round(balance + net[month], 2)
        closing.append(balance)
    opening_s = pd.Series(opening, index=months, dtype="float64")
    closing_s = pd.Series(closing, index=months, dtype="float64")

    signed = applied["montant"].where(applied["sens"] == IN, -applied["montant"])
    daily = signed.groupby(applied["date"].dt.normalize()).sum().sort_index()
    days = list(daily.index.date)  # grouped by day without a date object per flow
    amounts = daily.to_numpy(dtype="float64")
    low, low_day = [], []
    for i, month in enumerate(months):
        first_day = max(month, date_solde)
        last_day = month_end(month)
        start, stop = bisect_left(days, first_day), bisect_right(days, last_day)
        # end-of-day balances: the carried opening counts unless a flow falls on the first day
        candidates = {}
        if start == stop or days[start] != first_day or first_day == date_solde:
            candidates[first_day] = opening[i]
        if start < stop:
            balances = np.round(opening[i] + np.cumsum(amounts[start:stop]), 2)
            candidates.update(zip(days[start:stop], balances.tolist(), strict=True))
        day = min(candidates, key=lambda d: (candidates[d], d))
        low.append(candidates[day])
        low_day.append(day)
    low_s = pd.Series(low, index=months, dtype="float64")
    below = (closing_s < threshold) | (low_s < threshold)

    if overdue is None:
        overdue = pd.DataFrame(columns=["reste_du"])
    memo = pd.Series(0.0, index=months)
    memo_month = month_start(date_reference)
    if memo_month not in memo.index:
        memo_month = months[0] if date_reference < months[0] else months[-1]
    memo[memo_month] = round(float(overdue["reste_du"].sum()), 2)
    return CashPlan(
        months=months,
        receipts=receipts,
        disbursements=disbursements,
        opening=opening_s,
        total_in=total_in,
        total_out=total_out,
        net=net,
        closing=closing_s,
        low=low_s,
        low_day=pd.Series(low_day, index=months),
        overdue_memo=memo,
        below=below,
        threshold=float(threshold),
        date_solde=date_solde,
        end=end,
        flows=applied.reset_index(drop=True),
        overdue=overdue,
    )


def _old_build_plan(ledger, extra_flows=None, positions=None, known=None) -> CashPlan:
    if not ledger.banque.empty:
        ledger, positions, known = reconcile(ledger).ledger, None, None
    params = ledger.params
    months = month_starts(params.date_solde, params.horizon)
    end = horizon_end(params.date_solde, params.horizon)
    if positions is None:
        positions = invoice_positions(ledger.factures, ledger.encaissements)
    if known is None:
        known = known_flows(ledger, end)
    extra = [] if extra_flows is None else [extra_flows]
    habits = client_habits(positions)["habitude"].dropna()
    views = []
    for view_habits in (None, habits):
        expected, overdue = expected_invoice_receipts(
            positions, params.date_solde, params.date_reference, view_habits
        )
        views.append(
            _old_plan_from_flows(
                combine(known, *extra, invoice_rest_flows(expected)),
                months=months,
                opening_balance=params.solde_initial,
                date_solde=params.date_solde,
                threshold=params.seuil,
                date_reference=params.date_reference,
                overdue=overdue,
            )
        )
    contractual, predicted = views
    return dataclasses.replace(
        contractual, predicted_closing=predicted.closing, predicted_low=predicted.low
    )


def assert_same_plan(new: CashPlan, old: CashPlan) -> None:
    for field in dataclasses.fields(CashPlan):
        a, b = getattr(new, field.name), getattr(old, field.name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, obj=field.name)
        elif isinstance(b, pd.Series):
            pd.testing.assert_series_equal(a, b, obj=field.name)
        else:
            assert a == b, field.name


_D0 = dt.date(2026, 1, 1)
_when = st.integers(-60, 300).map(lambda n: pd.Timestamp(_D0 + dt.timedelta(days=n)))


@st.composite
def flow_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 25))
    rows = {
        "date": [draw(_when) for _ in range(n)],
        "montant": [draw(st.sampled_from([0.1, 0.2, 10.0, 33.33, 1e6, 0.005])) for _ in range(n)],
        "sens": [draw(st.sampled_from([IN, OUT])) for _ in range(n)],
        "categorie": [
            draw(st.sampled_from(["Loyer", "Ventes", "Factures clients", "B"])) for _ in range(n)
        ],
        "libelle": ["x"] * n,
        "tiers": ["t"] * n,
        "statut": ["Prévu"] * n,
        "source": ["Encaissements"] * n,
        "ligne": list(range(2, n + 2)),
        "facture": [""] * n,
    }
    frame = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    frame["date"] = frame["date"].astype("datetime64[ns]")
    frame["montant"] = frame["montant"].astype("float64")
    return frame


@settings(max_examples=200, deadline=None)
@given(flow_frames(), st.integers(1, 14), st.integers(-40, 40), st.booleans())
def test_plan_from_flows_as_before(flows, horizon, offset, with_overdue) -> None:
    solde = _D0 + dt.timedelta(days=offset)
    months = month_starts(solde, horizon)
    overdue = pd.DataFrame({"reste_du": [12.5, 0.125]}) if with_overdue else None
    args = dict(
        months=months,
        opening_balance=100.0,
        date_solde=solde,
        threshold=50.0,
        date_reference=solde + dt.timedelta(days=3),
        overdue=overdue,
    )
    assert_same_plan(plan_from_flows(flows, **args), _old_plan_from_flows(flows, **args))


def _sample_ledger():
    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    return reconcile(read(sample_path())).ledger


def _many_ledger():
    from tests.many_findings_factory import many_findings_ledger

    return many_findings_ledger(3000)


@pytest.mark.parametrize("make", [_sample_ledger, _many_ledger])
def test_build_plan_as_before(make) -> None:
    ledger = make()
    end = horizon_end(ledger.params.date_solde, ledger.params.horizon)
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    known = known_flows(ledger, end)
    assert_same_plan(
        build_plan(ledger, positions=positions, known=known),
        _old_build_plan(ledger, positions=positions, known=known),
    )
    assert_same_plan(build_plan(ledger), _old_build_plan(ledger))


def test_build_plan_when_every_known_flow_is_history() -> None:
    from tests.test_payables import _ledger

    ledger = _ledger(date_solde=dt.date(2027, 6, 30), date_reference=dt.date(2027, 7, 1))
    assert_same_plan(build_plan(ledger), _old_build_plan(ledger))
