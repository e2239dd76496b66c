"""The column-wise reader gives the frames and problems of the reader it replaced.

The former reader (a pandas grid per sheet, then validated) is kept as a snapshot in
tests/reading_oracle_v0; both read the same hostile variants of the bundled sample.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from reading_oracle_v0 import tables as old_tables
from reading_oracle_v0 import workbook as old_workbook

from treso_xl.contract import BANQUE, DATA_SHEETS
from treso_xl.reading import tables, workbook
from treso_xl.reading.cell_errors import NO_VALUE, ExcelError
from treso_xl.reading.problems import InputError
from treso_xl.workbooks import sample_path

TODAY = dt.date(2026, 1, 15)


def _sample_grids() -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_path(str(sample_path()))
    try:
        return {
            name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names
        }
    finally:
        book.close()


SAMPLE = _sample_grids()

# Cells a user, a formula or another program may leave anywhere.
HOSTILE: list[object] = [
    None, "", "  ", "\u00a0", float("nan"), np.nan, pd.NaT, pd.NA,
    0, 0.0, -1, -0.5, 12, 12.0, 12.5, 1e15, 1e16, -1e16, 3.0000001, np.float64(7.25), np.int64(3),
    True, False, np.bool_(True), Decimal("1.5"), Decimal("-2"),
    dt.date(2026, 1, 31), dt.date(1899, 12, 31), dt.date(2200, 1, 1), dt.datetime(2026, 2, 3, 4, 5),
    dt.datetime(2026, 2, 3), pd.Timestamp("2026-03-04"), pd.Timestamp("2026-03-04 05:06"),
    np.datetime64("2026-05-06"), dt.time(12, 30),
    "1 234,50 €", "1.234", "1.234,5", "1,234.50", "€ 45", "-12", "\u221212", "+-3", "12,15 %",
    "12.5%", "150 %", "abc", " Oui ", "non", "VRAI", "Prévu", "réalisé", "mensuelle",
    "Professionnel",
    "31/01/2026", "2026-01-31", "31.01.2026", "2026-13-45", "31/01/1850", "1/2/2026 10:30",
    "nom@domaine.fr", "pas un mail", "https://pay.example/x", "www.example.fr", "ftp://x",
    "732829320", "732 829 320", "73282932000074", "732829321", "FR76 3000 6000 0112 3456 7890 189",
    "FR76 3000 6000 0112 3456 7890 188", "x" * 80, "  Ventes ", "Virement",
    ExcelError("#REF!"), ExcelError("#N/A"), ExcelError("#SPILL!"), NO_VALUE,
]  # fmt: skip

_CELL = st.sampled_from(range(len(HOSTILE)))


@st.composite
def variants(draw) -> dict[str, list[list[object]]]:
    """The sample's grids with hostile cells, rows and headers."""
    grids = copy.deepcopy(SAMPLE)
    names = list(grids)
    for _ in range(draw(st.integers(0, 12))):
        name = draw(st.sampled_from(names))
        rows = grids[name]
        if not rows:
            continue
        action = draw(st.integers(0, 9))
        row = draw(st.integers(0, len(rows) - 1))
        width = max(len(rows[0]), 1)
        if action <= 4:  # a hostile cell anywhere (headers included)
            column = draw(st.integers(0, width))
            cell = HOSTILE[draw(_CELL)]
            if column >= len(rows[row]):
                rows[row] = list(rows[row]) + [None] * (column + 1 - len(rows[row]))
            rows[row][column] = cell
        elif action == 5:  # an empty row inside or above the table
            rows.insert(row, [draw(st.sampled_from(["", None, "  "]))] * width)
        elif action == 6:  # a row of errors above the table
            rows.insert(0, [ExcelError("#REF!")] + [""] * (width - 1))
        elif action == 7:  # a shorter row (a grid read from Excel)
            rows[row] = list(rows[row])[: draw(st.integers(0, width))]
        elif action == 8:  # a header spelt otherwise, or repeated
            column = draw(st.integers(0, width - 1))
            if column >= len(rows[0]):
                continue
            header = str(rows[0][column])
            rows[0][column] = draw(
                st.sampled_from([header.upper(), f" {header} ", "Inconnue", rows[0][0]])
            )
        else:  # rows dropped: a shorter table, or none at all
            del rows[row:]
    if draw(st.booleans()):
        names = draw(st.permutations(names))
    return {name: grids[name] for name in names}


def _problem_key(problem) -> tuple:
    value = problem.value
    shown = "NaN" if isinstance(value, float) and math.isnan(value) else repr(value)
    return (problem.sheet, problem.row, problem.column, type(value), shown, problem.message,
            problem.setting)  # fmt: skip


def _outcome(reader, grids):
    try:
        ledger = reader(copy.deepcopy(grids), today=TODAY)
    except InputError as error:
        return "problems", [_problem_key(problem) for problem in error.problems]
    return "ledger", ledger


def _assert_same_ledger(new, old) -> None:
    assert new.params == old.params
    assert new.missing_sheets == old.missing_sheets
    for name in ("encaissements", "decaissements", "factures", "fournisseurs", "stock",
                 "projets", "banque"):  # fmt: skip
        got, want = getattr(new, name), getattr(old, name)
        if want is None:
            assert got is None
            continue
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert list(got.dtypes) == list(want.dtypes)


def _assert_same(grids) -> None:
    new = _outcome(workbook.read_ledger_from_grids, grids)
    old = _outcome(old_workbook.read_ledger_from_grids, grids)
    assert new[0] == old[0], (new[0], new[1] if new[0] == "problems" else old[1])
    if new[0] == "problems":
        assert new[1] == old[1]
    else:
        _assert_same_ledger(new[1], old[1])


def test_sample_read_alike():
    _assert_same(SAMPLE)
    new = workbook.read_ledger(sample_path(), today=TODAY)
    old = old_workbook.read_ledger(sample_path(), today=TODAY)
    _assert_same_ledger(new, old)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variants())
def test_hostile_variants_read_alike(grids):
    _assert_same(grids)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([*DATA_SHEETS, BANQUE]),
    st.lists(st.lists(_CELL, min_size=0, max_size=8), min_size=0, max_size=25),
    st.integers(0, 3),
)
def test_read_table_on_random_cells_alike(sheet, picks, blank_rows):
    """Random cells under the sheet's headers, on a DataFrame grid as the bank reader gives."""
    header = [col.name for col in sheet.columns]
    rows = [[None] * len(header)] * blank_rows + [header]
    rows += [[HOSTILE[i] for i in row] for row in picks]
    grid = tables.grid_from_rows(rows)
    new = tables.read_table(sheet, grid.copy(), "Feuille")
    old = old_tables.read_table(sheet, grid.copy(), "Feuille")
    assert [_problem_key(p) for p in new.problems] == [_problem_key(p) for p in old.problems]
    assert new.headers == old.headers
    pd.testing.assert_frame_equal(new.frame, old.frame, check_exact=True)


HOSTILE_BOOKS = sorted(Path(__file__).parent.glob("data/**/*.xls*"))


@pytest.mark.parametrize("path", HOSTILE_BOOKS, ids=lambda path: path.name)
def test_workbooks_of_the_tests_read_alike(path):
    def read(reader):
        try:
            return "ledger", reader(path, today=TODAY)
        except InputError as error:
            return "problems", [_problem_key(problem) for problem in error.problems]
        except Exception as error:
            return "error", (type(error), str(error))

    new, old = read(workbook.read_ledger), read(old_workbook.read_ledger)
    assert new[0] == old[0]
    if new[0] == "ledger":
        _assert_same_ledger(new[1], old[1])
    else:
        assert new[1] == old[1]
