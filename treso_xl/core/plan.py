"""The monthly cash plan: opening, receipts and disbursements by category, closing, daily low."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from treso_xl.core.calendar import add_months, month_end, month_start, month_starts
from treso_xl.core.flows import (
    IN,
    OUT,
    combine,
    expected_invoice_receipts,
    invoice_rest_flows,
    known_flows,
)
from treso_xl.core.habits import client_habits
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.reconcile import reconcile
from treso_xl.core.records import Ledger


@dataclass(frozen=True)
class CashPlan:
    """A computed plan. Series and frame columns are indexed by the months' first days."""

    months: list[dt.date]
    receipts: pd.DataFrame  # rows: categories, columns: months
    disbursements: pd.DataFrame
    opening: pd.Series
    total_in: pd.Series
    total_out: pd.Series
    net: pd.Series
    closing: pd.Series
    low: pd.Series  # lowest end-of-day balance of the month
    low_day: pd.Series  # the day of that low point
    overdue_memo: pd.Series  # overdue client receipts, shown in the reference month
    below: pd.Series  # True where closing or low point is under the threshold
    threshold: float
    date_solde: dt.date
    end: dt.date
    flows: pd.DataFrame  # flows the plan applies (after the opening balance, up to `end`)
    overdue: pd.DataFrame  # unpaid invoice rests already due on the reference date
    # predicted view: invoice rests expected when each client usually pays
    predicted_closing: pd.Series | None = None
    predicted_low: pd.Series | None = None

    @property
    def lowest_month(self) -> dt.date:
        """Month with the lowest low point (first one on a tie)."""
        return self.low.idxmin()


def horizon_end(date_solde: dt.date, horizon: int) -> dt.date:
    """Last day of the plan: end of the horizon-th month from the opening balance's month."""
    return month_end(add_months(month_start(date_solde), horizon - 1))


def build_plan(
    ledger: Ledger,
    extra_flows: pd.DataFrame | None = None,
    positions: pd.DataFrame | None = None,
    known: pd.DataFrame | None = None,
) -> CashPlan:
    """The contractual plan of a ledger, with the predicted view's closing balances attached.

    `extra_flows` (same columns as the flows) are added to both views, e.g. URSSAF estimates.
    `positions` (invoice_positions) and `known` (known_flows up to the horizon) may be passed
    when the caller already has them.
    """
    if not ledger.banque.empty:  # bank lines not yet reconciled
        ledger, positions, known = reconcile(ledger).ledger, None, None
    params = ledger.params
    months = month_starts(params.date_solde, params.horizon)
    end = horizon_end(params.date_solde, params.horizon)
    if positions is None:
        positions = invoice_positions(ledger.factures, ledger.encaissements)
    if known is None:
        known = known_flows(ledger, end)
    extra = [] if extra_flows is None else [extra_flows]  # stacked with each view's rests
    # only the flows after the opening balance count: the others are left out before stacking
    # (a stable sort keeps the order of the rows it is given, whichever others are there)
    dates = known["date"]
    window = known.loc[(dates > pd.Timestamp(params.date_solde)) & (dates <= pd.Timestamp(end))]
    if not window.empty:  # (an empty part would be left out of the stack: dtypes could change)
        known = window
    habits = client_habits(positions)["habitude"].dropna()
    views = []
    for view_habits in (None, habits):
        expected, overdue = expected_invoice_receipts(
            positions, params.date_solde, params.date_reference, view_habits
        )
        parts = [known, *extra, invoice_rest_flows(expected)]
        if view_habits is not None:  # only its balances are kept: the columns they need
            parts = [_balance_columns(part) for part in parts]
        views.append(
            plan_from_flows(
                combine(*parts),  # one sort per view
                months=months,
                opening_balance=params.solde_initial,
                date_solde=params.date_solde,
                threshold=params.seuil,
                date_reference=params.date_reference,
                overdue=overdue,
            )
        )
    contractual, predicted = views
    return replace(contractual, predicted_closing=predicted.closing, predicted_low=predicted.low)


_BALANCE_COLUMNS = ("date", "montant", "sens", "categorie", "ligne")  # the sort keys among them


def _balance_columns(flows: pd.DataFrame) -> pd.DataFrame:
    """The columns of `flows` the balances of a plan depend on (and the sort keys): the other
    columns of the predicted view were copied, sorted and filtered for nothing."""
    return flows[[name for name in flows.columns if name in _BALANCE_COLUMNS]]


def _by_category(flows: pd.DataFrame, months: list[dt.date]) -> pd.DataFrame:
    """Sums of `montant` per category (rows, first appearance) and month (columns, `months`),
    rounded to the cent: what a pivot table gave (`_sums_by_category` of the flows' columns)."""
    when = flows["date"].to_numpy(dtype="datetime64[ns]")
    return _sums_by_category(
        flows["categorie"], when, flows["montant"].to_numpy(dtype="float64"), months
    )


def _sums_by_category(
    categories: pd.Series, when: np.ndarray, amounts: np.ndarray, months: list[dt.date]
) -> pd.DataFrame:
    """Sums of the amounts per category (rows, first appearance) and month (columns, `months`)
    of flows given as columns (`when` datetime64[ns]), rounded to the cent: what a pivot table
    gave, by one groupby on packed codes (same sums)."""
    if categories.empty:
        return pd.DataFrame(columns=months, dtype="float64")
    codes, found = pd.factorize(categories)  # first appearance; missing: -1
    month = when.astype("datetime64[M]")
    wanted = np.array(months, dtype="datetime64[M]")
    column = np.searchsorted(wanted, month).clip(0, len(wanted) - 1)
    valid = (codes >= 0) & (wanted[column] == month)
    key = codes[valid] * len(wanted) + column[valid]
    sums = pd.Series(amounts[valid]).groupby(key, sort=True).sum()
    table = np.zeros((len(found), len(wanted)))
    keys = sums.index.to_numpy()
    table[keys // len(wanted), keys % len(wanted)] = sums.to_numpy()
    frame = pd.DataFrame(table, index=pd.Index(found, name="categorie"), columns=months)
    order = list(pd.unique(categories))  # first appearance, chronological
    return frame.reindex(index=order, columns=months).fillna(0.0).round(2)


def _rows(flows: pd.DataFrame, wanted: pd.Series) -> pd.DataFrame:
    """`flows.loc[wanted]`, as a slice when the wanted rows follow one another (flows in date
    order, the usual case): same rows, same labels, no copy of every column."""
    at = np.flatnonzero(wanted.to_numpy(dtype=bool))
    if at.size and at[-1] - at[0] + 1 == at.size and wanted.index.equals(flows.index):
        return flows.iloc[at[0] : at[-1] + 1]
    return flows.loc[wanted]


def plan_from_flows(
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
    applied = _rows(flows, (dates > pd.Timestamp(date_solde)) & (dates <= pd.Timestamp(end)))
    when = applied["date"].to_numpy(dtype="datetime64[ns]")
    amounts = applied["montant"].to_numpy(dtype="float64")
    sens = applied["sens"]
    incoming = (sens == IN).to_numpy(dtype=bool)
    outgoing = (sens == OUT).to_numpy(dtype=bool)
    category = applied["categorie"]
    receipts = _sums_by_category(category[incoming], when[incoming], amounts[incoming], months)
    disbursements = _sums_by_category(category[outgoing], when[outgoing], amounts[outgoing], months)
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

    signed = pd.Series(np.where(incoming, amounts, -amounts))
    day_of = when.astype("datetime64[D]").astype("datetime64[ns]")
    daily = signed.groupby(day_of).sum().sort_index()
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
