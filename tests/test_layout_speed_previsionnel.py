"""Prévisionnel reads its months by positions: the same scalars as one label lookup per month."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.layout.previsionnel import _positions, by_month

_MONTHS = [dt.date(2026, m, 1) for m in range(1, 13)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_MONTHS), min_size=1, max_size=12, unique=True),
    st.sampled_from(["float64", "bool", "object"]),
    st.data(),
)
def test_values_by_position_are_the_label_lookups(index, dtype, data) -> None:
    values = data.draw(st.lists(st.floats(-1e6, 1e6), min_size=len(index), max_size=len(index)))
    series = pd.Series(values, index=index).astype(dtype)
    months = data.draw(st.lists(st.sampled_from(index), max_size=12))
    got = by_month(series, months)
    expected = [series[m] for m in months]
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert got == expected
    where = _positions(series.index, months)
    assert by_month(series, months, where) == expected


def test_a_missing_month_or_repeated_label_falls_back_to_labels() -> None:
    series = pd.Series([1.0, 2.0], index=_MONTHS[:2])
    assert _positions(series.index, [_MONTHS[5]]) is None
    with pytest.raises(KeyError):
        by_month(series, [_MONTHS[5]])
    repeated = pd.Series([1.0, 2.0, 3.0], index=[_MONTHS[0], _MONTHS[0], _MONTHS[1]])
    assert _positions(repeated.index, [_MONTHS[1]]) is None
    assert by_month(repeated, [_MONTHS[1]]) == [np.float64(3.0)]
