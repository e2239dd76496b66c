"""The numeric flow ordering gives exactly pandas' stable sort by (date, sens, ligne)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.flow_order import FLOW_ORDER, sort_flows
from treso_xl.core.flows import IN, OUT, combine

SENS = st.sampled_from([IN, OUT, None, "autre"])
ROW = st.tuples(
    st.one_of(st.none(), st.integers(0, 6)),  # day offset, None: no date
    SENS,
    st.one_of(st.none(), st.integers(0, 4)),  # ligne, None: planned flow
)


def _frame(rows: list[tuple[int | None, str | None, int | None]], text_dtype: str) -> pd.DataFrame:
    start = pd.Timestamp("2026-01-01")
    return pd.DataFrame(
        {
            "date": pd.Series(
                [start + pd.Timedelta(days=d) if d is not None else pd.NaT for d, _, _ in rows],
                dtype="datetime64[ns]",
            ),
            "sens": pd.Series([s for _, s, _ in rows], dtype=text_dtype),
            "ligne": pd.array([line for _, _, line in rows], dtype="Int64"),
            "position": np.arange(len(rows)),
        }
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=40), st.sampled_from(["object", "str"]))
def test_sort_flows_is_pandas_stable_sort(rows, text_dtype):
    frame = _frame(rows, text_dtype)
    expected = frame.sort_values(FLOW_ORDER, kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(sort_flows(frame), expected)


def test_combine_keeps_ties_in_frame_order():
    first = _frame([(1, IN, 3), (0, OUT, None)], "str").assign(montant=1.0)
    second = _frame([(1, IN, 3), (0, OUT, 2)], "str").assign(montant=2.0)
    combined = combine(first, second)
    assert combined["montant"].tolist() == [2.0, 1.0, 1.0, 2.0]
    assert combined["position"].tolist() == [1, 1, 0, 0]
