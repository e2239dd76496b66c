"""Aged receivables (balance âgée) at the reference date, and DSO over the last 12 months."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl.core.money import cents, whole_days

BUCKETS = ("Non échu", "1-30 j", "31-60 j", "61-90 j", "> 90 j")


def bucket_of(days_late: int) -> str:
    """Bucket label for a number of days past due (0 or less: not yet due)."""
    if days_late <= 0:
        return BUCKETS[0]
    if days_late <= 30:
        return BUCKETS[1]
    if days_late <= 60:
        return BUCKETS[2]
    if days_late <= 90:
        return BUCKETS[3]
    return BUCKETS[4]


_last_open: tuple[weakref.ref[pd.DataFrame], dt.date, pd.DataFrame] | None = None


def open_invoices(positions: pd.DataFrame, date_reference: dt.date) -> pd.DataFrame:
    """Invoices issued on or before the reference date with something left to pay, with
    `jours_retard` (days past due at the reference date) and `tranche` (aging bucket).

    The last answer is kept (aging, DSO, BFR and reminders ask it of the same positions, which
    are never changed in place); each caller gets its own copy."""
    # a shallow copy is the caller's own: pandas copies on write (always, from pandas 3)
    return _kept_open_invoices(positions, date_reference).copy(deep=False)


def _kept_open_invoices(positions: pd.DataFrame, date_reference: dt.date) -> pd.DataFrame:
    """`open_invoices` itself, the kept frame (read it, never change it)."""
    global _last_open
    if _last_open is not None and _last_open[0]() is positions and _last_open[1] == date_reference:
        return _last_open[2]
    rows = _open_invoices(positions, date_reference)
    _last_open = (weakref.ref(positions), date_reference, rows)
    return rows


def _open_invoices(positions: pd.DataFrame, date_reference: dt.date) -> pd.DataFrame:
    issued = positions["date"] <= pd.Timestamp(date_reference)
    rows = positions.loc[issued & (positions["reste_du"] > 0.004)].copy()
    late = (pd.Timestamp(date_reference) - rows["echeance_calculee"]).dt.days
    rows["jours_retard"] = late.astype("int64") if not rows.empty else late
    rows["tranche"] = buckets_of(rows["jours_retard"])
    return rows


_BUCKET_EDGES = np.array([0, 30, 60, 90])  # upper bounds of the first four buckets, inclusive
_BUCKET_LABELS = np.array(BUCKETS, dtype=object)


def buckets_of(days_late: pd.Series) -> pd.Series:
    """`days_late.map(bucket_of)`, by whole column."""
    if days_late.empty:
        return days_late.map(bucket_of)  # keeps the empty column's dtype, as map does
    late = days_late.to_numpy(dtype="int64")
    position = np.searchsorted(_BUCKET_EDGES, late, side="left")
    return pd.Series(_BUCKET_LABELS[position], index=days_late.index, dtype="str")


@dataclass(frozen=True)
class Aging:
    """Per client (rows, sorted by total descending) and bucket (columns), plus totals."""

    table: pd.DataFrame  # columns: BUCKETS + "Total" + "Part"
    total: pd.Series  # per bucket + "Total"
    invoices: pd.DataFrame  # the open invoices behind it


def aging(positions: pd.DataFrame, date_reference: dt.date) -> Aging:
    """The balance âgée: what each client still owes, by lateness, at the reference date."""
    rows = open_invoices(positions, date_reference)
    table = (
        # what pivot_table(index="client", columns="tranche", values="reste_du", aggfunc="sum")
        # gives, without its general machinery
        rows.groupby(["client", "tranche"])["reste_du"].sum().unstack("tranche")
        if not rows.empty
        else pd.DataFrame(columns=list(BUCKETS))
    )
    table = table.reindex(columns=list(BUCKETS)).fillna(0.0)
    table["Total"] = table.sum(axis=1)
    table = table.map(cents)
    grand = float(table["Total"].sum())
    table["Part"] = table["Total"] / grand if grand else 0.0
    table = table.sort_values(["Total"], ascending=False, kind="stable")
    total = table[[*BUCKETS, "Total"]].sum(axis=0).map(cents)
    return Aging(table=table, total=total, invoices=rows)


def dso_days(positions: pd.DataFrame, date_reference: dt.date) -> int | None:
    """Days sales outstanding: receivables at the reference date over the amounts invoiced in
    the 12 months before it, times 365, rounded to the day. None without any invoice."""
    start = pd.Timestamp(date_reference) - pd.DateOffset(years=1)
    dates = positions["date"]
    invoiced = positions.loc[(dates > start) & (dates <= pd.Timestamp(date_reference)), "montant"]
    sales = float(invoiced.sum())
    if sales <= 0:
        return None
    receivables = float(_kept_open_invoices(positions, date_reference)["reste_du"].sum())
    return whole_days(receivables / sales * 365)
