"""Relances rows written by whole rows (styles per level and lateness, cells by one update): the
same cells, in the same order, as the cell-by-cell loop they replaced (kept here)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pandas as pd

from treso_xl.layout import relances
from treso_xl.layout.courriers import courriers_layout
from treso_xl.layout.model import Cell, SheetLayout, Style
from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path


def _old_rows(items, letters, date_reference) -> SheetLayout:
    """The reminder rows as the former loop wrote them."""
    sheet = SheetLayout("T")
    row = relances.HEADER_ROW + 1
    for item in items:
        letter = letters.get(item.facture)
        values = [
            item.facture,
            item.client,
            item.echeance,
            item.reste_du,
            item.jours_retard,
            item.niveau,
            item.prochaine_action,
            item.date_prochaine_action,
            item.promesse or None,
            item.penalites,
            item.indemnite,
            item.total_du,
            relances.text_cell(item, letter),
        ]
        level = relances.LEVEL_CELL[item.niveau]
        past = item.date_prochaine_action < date_reference
        for j, (value, style) in enumerate(
            zip(values, relances.COLUMN_STYLES, strict=True), start=1
        ):
            if style is None:
                style = level
            elif past and j == relances.NEXT_DATE_COL:
                style = relances.PAST_DATE
            sheet.cells[(row, j)] = Cell(value, style)
        if letter is not None:
            sheet.links[(row, relances.TEXT_COL)] = letter.target
        if item.erreur_taux:
            sheet.put(row, len(relances.HEADERS) + 1, item.erreur_taux, relances.styles.ALERT)
        row += 1
    return sheet


def _check(items, on: dt.date, with_letters: bool) -> None:
    letters = courriers_layout(items, on)[1] if with_letters else {}
    habits = pd.DataFrame(columns=["factures_payees", "habitude", "retard_median", "retard_moyen"])
    by_method = pd.DataFrame(columns=["factures", "delai_moyen", "retard_moyen"])
    new = relances.relances_layout(items, habits, by_method, on, "", letters)
    old = _old_rows(items, letters, on)
    first, last = relances.HEADER_ROW + 1, relances.HEADER_ROW + len(items)
    rows = [(k, c) for k, c in new.cells.items() if first <= k[0] <= last]
    assert rows == list(old.cells.items())
    assert {k: v for k, v in new.links.items() if first <= k[0] <= last} == old.links


def test_reminder_rows_are_written_as_before() -> None:
    report = compute(read(sample_path()))
    items = report.reminders
    assert {item.niveau for item in items} >= {"J+1", "J+30"}
    on = report.ledger.params.date_reference
    for day in (on, on + dt.timedelta(days=20), on - dt.timedelta(days=40)):
        for with_letters in (True, False):
            _check(items, day, with_letters)
    # every level, with and without a rate error, past next actions and not
    many = []
    for i, item in enumerate(items * 5):
        many.append(
            dataclasses.replace(
                item,
                facture=f"{item.facture}-{i}",
                niveau=("Avant échéance", "J+1", "J+15", "J+30")[i % 4],
                date_prochaine_action=on + dt.timedelta(days=i % 7 - 3),
                erreur_taux="taux introuvable" if i % 5 == 0 else "",
                promesse="" if i % 2 else "500,00 € le 15/12/2026",
            )
        )
    _check(many, on, True)


def test_a_cell_is_a_frozen_value_and_style() -> None:
    style = Style(bold=True)
    cell = Cell("a", style)
    assert (cell.value, cell.style) == ("a", style)
    assert Cell("a", Style(bold=True)) == cell and hash(Cell("a", Style(bold=True))) == hash(cell)
    assert Cell("a") != cell and Cell(value="a").style == Style()
    assert Cell(1) != (1, Style())  # a dataclass, not a tuple
    assert pickle.loads(pickle.dumps(cell)) == cell
    assert [f.name for f in dataclasses.fields(Cell)] == ["value", "style"]
    try:
        cell.value = "b"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a cell can be changed")
    assert cell.value == "a"
