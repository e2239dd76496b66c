"""Date cells give the same days whether numpy (a few cells) or pandas (many) converts them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from treso_xl.reading.values import _FEW_DATES, parse_dates

EDGES = [
    dt.date(1899, 12, 31),
    dt.date(1900, 1, 1),
    dt.datetime(1900, 1, 1, 0, 0, 1),
    dt.datetime(1950, 5, 5, 13, 1),
    dt.date(2024, 2, 29),
    dt.date(2199, 12, 31),
    dt.datetime(2199, 12, 31, 23, 59, 59, 999999),
    dt.date(2200, 1, 1),
    dt.date(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 0),
    pd.Timestamp("2024-03-01 10:00"),
]


def _parsed(cells: list[object]) -> tuple[list[object], list[bool]]:
    values, bad = parse_dates(pd.Series(cells, dtype=object))
    return values.tolist(), bad.tolist()


def test_few_and_many_date_cells_parse_alike() -> None:
    few_values, few_bad = _parsed(EDGES)
    repeat = _FEW_DATES // len(EDGES) + 1
    many_values, many_bad = _parsed(EDGES * repeat)
    assert len(EDGES) * repeat > _FEW_DATES  # the pandas path
    assert many_values[: len(EDGES)] == few_values
    assert many_bad[: len(EDGES)] == few_bad
    expected = [
        None,
        pd.Timestamp("1900-01-01"),
        pd.Timestamp("1900-01-01"),
        pd.Timestamp("1950-05-05"),
        pd.Timestamp("2024-02-29"),
        pd.Timestamp("2199-12-31"),
        pd.Timestamp("2199-12-31"),
        None,
        None,
        None,
        pd.Timestamp("2024-03-01"),
    ]
    assert [None if pd.isna(v) else v for v in few_values] == expected
    assert few_bad == [v is None for v in expected]


def test_plain_dates_keep_the_nanosecond_dtype() -> None:
    values, _ = parse_dates(pd.Series([dt.date(2026, 1, 31), None, ""], dtype=object))
    assert values.dtype == np.dtype("datetime64[ns]")
    assert values.iloc[0] == pd.Timestamp("2026-01-31") and values.isna().tolist()[1:] == [
        True,
        True,
    ]
