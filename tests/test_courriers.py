"""Relances as a work list, its letters in Courriers: short rows, complete letters, links."""

from __future__ import annotations

import io

import openpyxl
import pytest

from treso_xl import contract
from treso_xl.layout import styles
from treso_xl.layout.courriers import MAX_ROW_HEIGHT, letter_lines
from treso_xl.layout.page import finished
from treso_xl.layout.relances import HEADER_ROW, HEADERS
from treso_xl.refresh import compute, read
from treso_xl.render.xlsx_layout import render_layouts
from treso_xl.workbooks import sample_path


@pytest.fixture(scope="module")
def report():
    return compute(read(sample_path()))


def _tab(report, name):
    return next(layout for layout in report.layouts if layout.name == name)


def test_courriers_is_a_generated_tab_right_after_relances():
    tabs = contract.GENERATED_TABS
    assert tabs.index(contract.TAB_COURRIERS) == tabs.index(contract.TAB_RELANCES) + 1


def test_relances_rows_are_short_and_link_to_their_letter(report):
    relances = _tab(report, contract.TAB_RELANCES)
    courriers = _tab(report, contract.TAB_COURRIERS)
    text_col = HEADERS.index("Texte") + 1
    assert relances.value(HEADER_ROW, text_col) == "Texte"
    for i, item in enumerate(report.reminders):
        row = HEADER_ROW + 1 + i
        assert relances.value(row, 1) == item.facture
        assert relances.row_heights.get(row, 15.0) <= 4 * 15 + 2  # one invoice, a few lines
        text = str(relances.value(row, text_col))
        assert len(text) <= 100 and item.texte.body not in text
        target = relances.links[(row, text_col)]
        sheet, cell = target.split("!")
        assert sheet == f"'{contract.TAB_COURRIERS}'"
        block = int(cell[1:])
        assert f"Ligne {block} de Courriers" in text
        assert str(courriers.value(block, 1)).startswith(f"■ Facture {item.facture} — ")


def test_a_past_next_action_date_is_highlighted(report):
    relances = _tab(report, contract.TAB_RELANCES)
    ref = report.ledger.params.date_reference
    col = HEADERS.index("Date de la prochaine action") + 1
    fills = {
        item.date_prochaine_action < ref: relances.cells[(HEADER_ROW + 1 + i, col)].style.fill
        for i, item in enumerate(report.reminders)
    }
    assert fills == {True: styles.ALERT_FILL, False: None}  # the sample has both


def test_every_letter_is_complete_one_line_per_row_subject_once(report):
    courriers = finished(_tab(report, contract.TAB_COURRIERS))  # as the file gets it
    column = [courriers.value(r, 1) for r in range(1, courriers.max_row + 1)]
    assert all(h <= MAX_ROW_HEIGHT for h in courriers.row_heights.values())
    long = [r for r, v in enumerate(column, start=1) if v and len(str(v)) > 100]
    assert long and all(courriers.row_heights[r] >= 30 for r in long)  # wrapped, not cut
    for item in report.reminders:
        start = column.index(
            next(v for v in column if str(v).startswith(f"■ Facture {item.facture}"))
        )
        lines = letter_lines(item)
        shown = [v or "" for v in column[start + 3 : start + 3 + len(lines)]]
        assert shown == lines
        assert sum(line.startswith("Objet :") for line in shown) == 1
        assert shown[-1] == report.ledger.params.entreprise or shown[-1] in (
            report.ledger.params.adresse or "",
        )
    notice = next(i for i in report.reminders if i.niveau == "J+30")
    assert any("Veuillez agréer" in line for line in letter_lines(notice))


def test_the_links_are_written_into_the_file(report):
    layouts = [_tab(report, contract.TAB_RELANCES), _tab(report, contract.TAB_COURRIERS)]
    wb = openpyxl.load_workbook(io.BytesIO(render_layouts(layouts)))
    sheet = wb[contract.TAB_RELANCES]
    col = HEADERS.index("Texte") + 1
    links = [sheet.cell(HEADER_ROW + 1 + i, col).hyperlink for i in range(len(report.reminders))]
    assert [link.location for link in links] == [
        layouts[0].links[(HEADER_ROW + 1 + i, col)] for i in range(len(report.reminders))
    ]
    assert all(link.target is None for link in links)  # within the workbook: no external part
