"""Tableau de bord's chart data read by positions (a .loc or a label lookup per cell before):
the same cells as the former loops (kept here), on the sample and on random client tables."""

from __future__ import annotations

from functools import cache

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.aging import BUCKETS, Aging
from treso_xl.layout import tableau_de_bord as board
from treso_xl.layout.model import SheetLayout
from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path


def _old_clients(aged: Aging) -> list[list[object]]:
    rows = []
    for client in aged.table.index[: board.MAX_CLIENTS]:
        rows.append([str(client), *(float(aged.table.loc[client, bucket]) for bucket in BUCKETS)])
    return rows


def _written_clients(sheet: SheetLayout) -> list[list[object]]:
    head = next(
        row
        for row in range(1, sheet.max_row + 1)
        if sheet.value(row, 1) == "Client" and sheet.value(row, 2) == BUCKETS[0]
    )
    rows = []
    row = head + 1
    while isinstance(sheet.value(row, 2), float):
        rows.append([sheet.value(row, c) for c in range(1, 2 + len(BUCKETS))])
        row += 1
    return rows


def test_sample_chart_data_as_before() -> None:
    report = compute(read(sample_path()))
    plan = report.plan
    sheet = next(s for s in report.layouts if s.name == board.contract.TAB_TABLEAU_DE_BORD)
    head = next(r for r in range(1, sheet.max_row + 1) if sheet.value(r, 1) == "Mois")
    for i, month in enumerate(plan.months):
        row = head + 1 + i
        assert sheet.value(row, 1) == month
        assert [sheet.value(row, c) for c in (2, 3, 5, 6)] == [
            float(plan.closing[month]),
            float(plan.low[month]),
            float(plan.total_in[month]),
            float(plan.total_out[month]),
        ]
    assert _written_clients(sheet) == _old_clients(report.aging)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["Atelier", "Béta", "Gamma", "Delta", "Epsilon"]), max_size=14),
    st.data(),
)
def test_client_amounts_as_before(clients, data) -> None:
    unique = list(dict.fromkeys(clients))
    amounts = st.floats(-1e5, 1e5, allow_nan=False)
    table = pd.DataFrame(
        {
            b: data.draw(st.lists(amounts, min_size=len(unique), max_size=len(unique)))
            for b in BUCKETS
        },
        index=unique,
    )
    aged = Aging(table, pd.Series(dtype="float64"), pd.DataFrame())
    sheet = SheetLayout("T")
    board._chart_data(sheet, _plan(), aged, 40)
    if unique:
        assert _written_clients(sheet) == _old_clients(aged)
    else:
        assert sheet.value(40 + len(_plan().months) + 4, 1) == "Aucune créance client ouverte."


@cache
def _plan():
    return compute(read(sample_path())).plan
