"""Relances rows written by whole rows (styles per level and lateness, cells by one update): the
same cells, in the same order, as the cell-by-cell loop they replaced (kept here)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pandas as pd

from treso_xl.core.habits import delays_by_payment_method
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


def _old_side_tables(habits: pd.DataFrame, by_method: pd.DataFrame) -> list[list[object]]:
    """The habit and payment-method rows as the former iterrows loops wrote them."""
    rows = []
    for client, info in habits.iterrows():
        used = not pd.isna(info["habitude"])
        rows.append(
            [
                str(client),
                int(info["factures_payees"]),
                float(info["retard_median"]),
                float(info["retard_moyen"]),
                "retard médian appliqué" if used else "échéance (trop peu de factures)",
            ]
        )
    for mode, info in by_method.iterrows():
        rows.append(
            [
                str(mode),
                int(info["factures"]),
                float(info["delai_moyen"]),
                float(info["retard_moyen"]),
            ]
        )
    return rows


def _side_rows(sheet: SheetLayout) -> list[list[object]]:
    """Rows of the habit and payment-method tables (below their header rows)."""
    out, inside = [], False
    for row in range(1, sheet.max_row + 1):
        head = sheet.value(row, relances.SIDE_COL)
        if head in ("Client", "Mode de paiement") and row > relances.HEADER_ROW:
            inside = True
            continue
        if inside and head is not None:
            out.append(
                [sheet.value(row, c) for c in range(relances.SIDE_COL, relances.SIDE_COL + 5)]
            )
            cell = sheet.cells[(row, relances.SIDE_COL)]
            assert cell.style == Style()
        elif inside:
            inside = False
    return [[v for v in r if v is not None] for r in out]


def test_habit_and_method_tables_are_written_as_before() -> None:
    report = compute(read(sample_path()))
    on = report.ledger.params.date_reference
    habits = pd.DataFrame(
        {
            "factures_payees": [3, 1, 2],
            "retard_median": [4.5, -2.0, 0.0],
            "retard_moyen": [5.1, -2.0, 0.3],
            "habitude": pd.array([4, pd.NA, 0], dtype="Int64"),
        },
        index=["Atelier", "Béta", "Gamma"],
    )
    empty = habits.iloc[:0]
    by_method = pd.DataFrame(
        {"factures": [2, 5], "delai_moyen": [30.5, 12.0], "retard_moyen": [3.0, -1.5]},
        index=["Virement", "Carte / lien de paiement"],
    )
    sample_methods = delays_by_payment_method(report.positions)
    assert not report.habits.empty and not sample_methods.empty
    cases = ((report.habits, sample_methods), (habits, by_method), (empty, by_method.iloc[:0]))
    for h, m in cases:
        sheet = relances.relances_layout(report.reminders, h, m, on)
        assert _side_rows(sheet) == _old_side_tables(h, m)
        for row in range(1, sheet.max_row + 1):
            if sheet.value(row, relances.SIDE_COL + 4) in (
                "retard médian appliqué",
                "échéance (trop peu de factures)",
            ):
                assert sheet.cells[(row, relances.SIDE_COL + 4)].style == Style(indent=1)
