"""Recurring décaissements expanded into dated occurrences up to the plan's horizon."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from treso_xl.core.calendar import add_months

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

    Rows with `recurrence` "Aucune" pass through unchanged; the others are repeated.
    """
    if frame.empty:
        return frame.copy()
    recurring = frame["recurrence"].isin(list(STEP_MONTHS))
    single = frame.loc[~recurring]
    parts = [single]
    repeated = frame.loc[recurring]
    if not repeated.empty:
        rows, dates = [], []
        for idx, first, rec, end in zip(
            repeated.index, repeated["date"], repeated["recurrence"], repeated["fin"], strict=True
        ):
            stop = None if pd.isna(end) else end.date()
            days = occurrences(first.date(), rec, until, stop)
            rows.extend([idx] * len(days))
            dates.extend(days)
        expanded = repeated.loc[rows].copy()
        expanded["date"] = pd.to_datetime(pd.Series(dates, index=expanded.index, dtype="object"))
        parts.append(expanded)
    out = pd.concat(parts)
    return out.sort_values(["date", "ligne"], kind="stable")
