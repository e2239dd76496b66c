"""Balance âgée rows read from column lists (iterrows built a Series per client): the same cells,
in the same order, as the former loop (kept here), on random tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.aging import BUCKETS, Aging
from treso_xl.layout import styles
from treso_xl.layout.balance_agee import HEADER_ROW, balance_agee_layout
from treso_xl.layout.model import PERCENT, SheetLayout, Style


def _old_rows(result: Aging) -> SheetLayout:
    sheet = SheetLayout("T")
    row = HEADER_ROW + 1
    for client, values in result.table.iterrows():
        sheet.put(row, 1, str(client))
        for j, bucket in enumerate(BUCKETS):
            amount = float(values[bucket])
            style = styles.MONEY
            if amount and bucket == "> 90 j":
                style = styles.alert(style)
            elif amount and bucket == "61-90 j":
                style = style.but(bold=True, fill=styles.WARN_FILL, font_color=styles.WARN_FONT)
            sheet.put(row, 2 + j, amount, style)
        sheet.put(row, 2 + len(BUCKETS), float(values["Total"]), styles.MONEY_BOLD)
        sheet.put(row, 3 + len(BUCKETS), float(values["Part"]), Style(number_format=PERCENT))
        row += 1
    return sheet


_AMOUNT = st.sampled_from([0.0, -0.0, 12.5, 1234.56, -80.0]) | st.floats(-1e6, 1e6)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.text(min_size=1, max_size=8), st.lists(_AMOUNT, min_size=7, max_size=7))),
    st.booleans(),
)
def test_client_rows_are_written_as_before(rows, integers: bool) -> None:
    columns = [*BUCKETS, "Total", "Part"]
    table = pd.DataFrame([v for _, v in rows], index=[c for c, _ in rows], columns=columns)
    if integers and not table.empty:  # an integer column among floats
        table["Total"] = table["Total"].round().astype("int64")
    total = pd.Series({**{b: 1.0 for b in BUCKETS}, "Total": 5.0})
    result = Aging(table, total, pd.DataFrame())
    new = balance_agee_layout(result, dt.date(2026, 3, 10), 45)
    old = _old_rows(result)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(rows)
    assert [(k, c) for k, c in new.cells.items() if first <= k[0] <= last] == list(
        old.cells.items()
    )
    assert all(
        type(c.value) is float for k, c in new.cells.items() if first <= k[0] <= last and k[1] > 1
    )
