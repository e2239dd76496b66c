"""The accountant's export of a workbook with bank lines: Banque and Rapprochement travel."""

from __future__ import annotations

import openpyxl
import xlwings_standin as standin

from tests.test_bank_plan import sheets
from tests.workbook_factory import write_workbook
from treso_xl.contract import TAB_RAPPROCHEMENT
from treso_xl.excel import ribbon
from treso_xl.export.workbook import export_workbook
from treso_xl.refresh import refresh_file


def _with_siren() -> dict[str, list[list[object]]]:
    data = sheets()
    data["Paramètres"].append(["SIREN", "732829320"])
    data["Mes notes"] = [["Mot de passe banque", "secret"]]
    return data


def test_export_copies_banque_values_and_the_rapprochement_tab(tmp_path):
    source = write_workbook(tmp_path / "classeur.xlsx", _with_siren())
    refresh_file(source)  # Rapprochement written into the workbook, with its marker
    result = export_workbook(source, tmp_path / "export.xlsx")
    book = openpyxl.load_workbook(result.path)
    assert "Banque" in book.sheetnames
    assert TAB_RAPPROCHEMENT in book.sheetnames
    labels = [row[1] for row in book["Banque"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert "VIR SEPA DUPONT SARL FACT F2026-001" in labels
    assert len(labels) == 9
    # only the user's own sheet is left out and named; Banque and the tab are not "omitted"
    assert result.summary and "Mes notes" in result.export.omitted
    assert "Banque" not in result.export.omitted
    assert TAB_RAPPROCHEMENT not in result.export.omitted


def test_ribbon_counts_rapprochement_among_the_tools_tabs(tmp_path):
    source = write_workbook(tmp_path / "classeur.xlsx", _with_siren())
    refresh_file(source)
    book = standin.open_book(source)
    assert TAB_RAPPROCHEMENT in ribbon._generated_sheets(book)


def test_a_stale_rapprochement_is_rewritten_when_banque_is_emptied(tmp_path):
    source = write_workbook(tmp_path / "classeur.xlsx", _with_siren())
    refresh_file(source)
    book = openpyxl.load_workbook(source)
    book["Banque"].delete_rows(2, 20)  # the user empties Banque (Excel keeps the tab's name)
    book.save(source)
    report, _ = refresh_file(source)
    assert TAB_RAPPROCHEMENT in [layout.name for layout in report.layouts]
    text = openpyxl.load_workbook(source)[TAB_RAPPROCHEMENT]["A2"].value
    assert "0 ligne de la feuille Banque" in text, text
