"""Recurring décaissements expanded into dated occurrences up to the plan's horizon."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from treso_xl.core.calendar import add_months
from treso_xl.core.flow_order import _packed_order, sort_by_date_and_line

STEP_MONTHS = {"Mensuelle": 1, "Trimestrielle": 3, "Annuelle": 12}


def occurrences(
    first: dt.date, recurrence: str, until: dt.date, end: dt.date | None = None
) -> list[dt.date]:
    """Dates of a series: same day of month as `first`, or the month's last day when shorter.

    Stops after `until` (the horizon) and after `end` (the row's `Fin`), both inclusive.
    """
    step = STEP_MONTHS.get(recurrence)
    last = until if end is None else min(until, end)
    if step is None:
        return [first] if first <= last else []
    dates = []
    i = 0
    while True:
        day = add_months(first, i * step, anchor_day=first.day)
        if day > last:
            return dates
        dates.append(day)
        i += 1


def expand_recurrences(frame: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """One row per occurrence of each décaissement (columns kept; `date` is the occurrence).

    Rows with `recurrence` "Aucune" pass through unchanged; the others are repeated on the same
    day of the month as their first date, or the month's last day, up to `until` and `Fin`.
    Sorted by date and row, ties in frame order (`sort_by_date_and_line`); built by one take of
    the rows in their final order (`_expand_by_parts` is the same by frame operations).
    """
    if frame.empty or frame["date"].dtype != "datetime64[ns]":
        return _expand_by_parts(frame, until)
    codes, texts = pd.factorize(frame["recurrence"])
    known = np.array([STEP_MONTHS.get(text, 0) for text in texts.tolist()] + [0], dtype=np.int64)
    steps = known[codes]  # code -1 (missing) picks the trailing 0
    dates = frame["date"].to_numpy(dtype="datetime64[ns]")
    recurring = (steps > 0) & ~np.isnat(dates)
    repeated = np.flatnonzero(recurring)
    plain = np.flatnonzero(~recurring)
    if not len(repeated):
        return sort_by_date_and_line(frame.take(plain))
    step = steps[repeated]
    horizon = np.datetime64(pd.Timestamp(until).as_unit("ns"))
    fin = frame["fin"].to_numpy(dtype="datetime64[ns]")[repeated]
    limit = np.where(np.isnat(fin) | (fin > horizon), horizon, fin)
    rows, days = _occurrences(dates[repeated].astype("datetime64[D]"), step, limit)
    occurrence = days.astype("datetime64[ns]")
    keep = occurrence <= limit[rows]
    positions = np.concatenate([plain, repeated[rows[keep]]])
    when = np.concatenate([dates[plain], occurrence[keep]])
    ligne = frame["ligne"]
    order = None
    if pd.api.types.is_numeric_dtype(ligne) and not pd.api.types.is_bool_dtype(ligne):
        lines = ligne.to_numpy(dtype="float64", na_value=np.nan)[positions]
        order = _packed_order(when, np.zeros(len(when), dtype=np.int64), lines)
    if order is None:
        out = frame.take(positions)
        out["date"] = when
        return out.sort_values(["date", "ligne"], kind="stable")
    out = frame.take(positions[order])
    out["date"] = when[order]
    return out


def _occurrences(
    first_days: np.ndarray, step: np.ndarray, limit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every occurrence of recurring rows first due on `first_days`, repeated each `step`
    months up to the month of `limit` (on the same day of the month, or the month's last day):
    for each occurrence, its row's position and its day (`datetime64[D]`), row by row. The days
    past `limit` in its own month are the caller's to drop."""
    first_months = first_days.astype("datetime64[M]")
    start_month = first_months.astype(np.int64)  # months since January 1970
    limit_month = limit.astype("datetime64[M]").astype(np.int64)
    counts = np.where(limit_month >= start_month, (limit_month - start_month) // step + 1, 0)
    rows = np.repeat(np.arange(len(first_days)), counts)
    nth = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    month = start_month[rows] + nth * step[rows]
    month_start = month.astype("datetime64[M]").astype("datetime64[D]")
    last_day = (
        (month + 1).astype("datetime64[M]").astype("datetime64[D]") - month_start
    ).astype(np.int64)
    first_day = (first_days - first_months.astype("datetime64[D]")).astype(np.int64) + 1
    day = np.minimum(first_day[rows], last_day)
    return rows, month_start + (day - 1)


def _expand_by_parts(frame: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """`expand_recurrences` by frame operations: the rows passing through and the occurrences
    stacked, then sorted (any date resolution)."""
    if frame.empty:
        return frame.copy()
    steps = frame["recurrence"].map(STEP_MONTHS)
    recurring = steps.notna() & frame["date"].notna()
    parts = [frame.loc[~recurring]]
    repeated = frame.loc[recurring]
    if not repeated.empty:
        first = repeated["date"]
        step = steps[recurring].astype("int64").to_numpy()
        limit = pd.Series(pd.Timestamp(until), index=repeated.index)
        limit = limit.where(repeated["fin"].isna() | (repeated["fin"] > limit), repeated["fin"])
        rows, days = _occurrences(
            first.to_numpy().astype("datetime64[D]"), step, limit.to_numpy()
        )
        expanded = repeated.iloc[rows].copy()
        expanded["date"] = days.astype("datetime64[us]")  # as assembled
        keep = expanded["date"].to_numpy() <= limit.to_numpy()[rows]
        parts.append(expanded.loc[keep])
    out = pd.concat(parts)
    return sort_by_date_and_line(out)
