"""Screen and print fitting of the generated tabs (treso_xl/layout/page.py), in the written file."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from treso_xl import contract
from treso_xl.layout.model import EURO, SheetLayout, Style
from treso_xl.layout.page import finished, shown_text, text_lines
from treso_xl.refresh import compute, read, refresh_file
from treso_xl.render.xlsx_layout import render_layouts
from treso_xl.workbooks import sample_path


@pytest.fixture(scope="module")
def sample_report():
    return compute(read(sample_path()))


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    target = tmp_path_factory.mktemp("page") / "exemple.xlsx"
    shutil.copyfile(sample_path(), target)
    refresh_file(target)
    return openpyxl.load_workbook(target)


def test_zero_amounts_show_a_dash_but_stay_zero() -> None:
    sections = EURO.split(";")
    assert len(sections) == 3 and sections[2] == '"–"'
    layout = SheetLayout("Essai")
    layout.put(1, 1, 0.0, Style(number_format=EURO))
    ws = openpyxl.load_workbook(io.BytesIO(render_layouts([layout])))["Essai"]
    assert ws["A1"].value == 0 and ws["A1"].number_format == EURO


def test_french_amount_width_and_lines() -> None:
    assert shown_text(1522.41, EURO) == "1 522,41 €"
    assert shown_text(-12345.5, EURO) == "-12 345,50 €"
    assert text_lines("un deux trois", 100) == 1
    assert text_lines("mot " * 60, 20) >= 10
    assert text_lines("a\nb\nc", 50) == 3


def test_fitting_keeps_every_value(sample_report) -> None:
    for layout in sample_report.layouts:
        fitted = finished(layout)
        values = {k: c.value for k, c in layout.cells.items() if c.value is not None}
        assert {k: fitted.cells[k].value for k in values} == values, layout.name
        assert not [k for k, c in fitted.cells.items() if k not in layout.cells and c.value]


def test_every_tab_prints_on_a4_one_page_wide_with_footer(refreshed) -> None:
    for name in contract.GENERATED_TABS:
        if name not in refreshed.sheetnames:
            continue
        ws = refreshed[name]
        assert int(ws.page_setup.paperSize) == 9, name  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, name
        footer = (ws.oddFooter.center.text or "") + (ws.oddFooter.right.text or "")
        assert name in footer and "&P" in footer and "&N" in footer, name
        assert "Atelier Lune Graphique" in (ws.oddFooter.left.text or ""), name
    assert refreshed[contract.TAB_RELANCES].print_title_rows
    assert refreshed[contract.TAB_PREVISIONNEL].print_title_rows == "$6:$6"


def test_wrapped_rows_have_a_height_and_long_notes_are_merged(refreshed) -> None:
    for name in (contract.TAB_BFR, contract.TAB_URSSAF, contract.TAB_CONTROLES):
        ws = refreshed[name]
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value
                if cell.alignment.wrap_text and isinstance(text, str) and len(text) > 300:
                    assert ws.row_dimensions[cell.row].height, (name, cell.coordinate)
    urssaf = refreshed[contract.TAB_URSSAF]
    merged_rows = {r.min_row for r in urssaf.merged_cells.ranges}
    long_notes = [
        c.row
        for c in urssaf["A"]
        if isinstance(c.value, str) and len(c.value) > 150 and c.row not in merged_rows
    ]
    assert long_notes == []


def test_bfr_columns_fit_the_staged_billing_amounts(refreshed) -> None:
    ws = refreshed[contract.TAB_BFR]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, float) and cell.number_format == EURO:
                if cell.coordinate in ws.merged_cells:
                    continue
                width = ws.column_dimensions[cell.column_letter].width or 8.43
                assert width >= len(shown_text(cell.value, EURO)) + 1, cell.coordinate


def test_bfr_section_banners_span_the_table(refreshed) -> None:
    ws = refreshed[contract.TAB_BFR]
    last = ws.max_column
    for row in ws.iter_rows():
        first = row[0]
        if first.value == "Bases de calcul":
            assert ws.cell(row=first.row, column=last).fill.fgColor.rgb == first.fill.fgColor.rgb


def test_print_titles_survive_a_second_refresh(tmp_path: Path) -> None:
    target = tmp_path / "exemple.xlsx"
    shutil.copyfile(sample_path(), target)
    refresh_file(target)
    refresh_file(target)
    wb = openpyxl.load_workbook(target)
    assert wb[contract.TAB_PREVISIONNEL].print_title_rows == "$6:$6"
