"""« Importer un relevé » in live Excel, on the xlwings stand-in: files chosen, lines appended."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlwings_standin as standin

from treso_xl.bank.live import decode_paths, encode_paths
from treso_xl.excel import ribbon
from treso_xl.excel.addin_build import BUTTONS, FILES_MARK
from treso_xl.workbooks import sample_path

DATA = Path(__file__).parent / "data" / "bank"
QONTO = DATA / "csv" / "qonto.csv"
CFONB = DATA / "cfonb" / "releve_pro_janvier_2026.txt"


def banque(book) -> list[list[object]]:
    return book.sheets["Banque"].used_range.options(ndim=2).value


def test_paths_survive_the_vbas_hex_encoding():
    paths = ["C:\\Users\\Hélène\\Téléchargements\\relevé « mars » 😀.csv", "/tmp/a b.ofx"]
    encoded = encode_paths(paths)
    assert encoded.isascii() and "-" in encoded
    # what the VBA's TresoHex gives: 4 hex digits per UTF-16 code unit (a surrogate pair: 2)
    assert encode_paths(["é😀"]) == "00E9D83DDE00"
    assert decode_paths(encoded) == [Path(p) for p in paths]


def test_the_button_imports_into_the_open_workbook():
    book = standin.open_book(sample_path())
    result = ribbon.importer_releve(book, encode_paths([QONTO]))
    assert result is not None and result.added == 11
    rows = banque(book)
    assert rows[0][:4] == ["Date", "Libellé", "Montant", "Réf. banque"]
    assert len(rows) == 12
    assert isinstance(rows[1][0], dt.datetime) and isinstance(rows[1][2], float)
    assert "Règles bancaires" in book.sheet_names
    alert = standin.alerts(book)[-1]
    assert alert["mode"] == "info" and "11 opérations ajoutées" in alert["prompt"]
    assert "Enregistrez le classeur" in alert["prompt"]
    dates = book.sheets["Banque"].range("A2").number_format
    assert dates == "dd/mm/yyyy"
    # the same file again: nothing added
    again = ribbon.importer_releve(book, encode_paths([QONTO]))
    assert again is not None and again.added == 0
    assert len(banque(book)) == 12
    assert "Aucune nouvelle opération" in standin.alerts(book)[-1]["prompt"]


def test_user_edits_in_excel_are_kept_and_lines_go_below(tmp_path: Path):
    book = standin.open_book(sample_path())
    first = tmp_path / "mars.csv"
    first.write_text(
        "Date;Libellé;Montant\n02/03/2026;PRLV URSSAF;-289,00\n03/03/2026;CB CAFE;-2,50\n",
        encoding="utf-8",
    )
    second = tmp_path / "mars2.csv"
    second.write_text(
        "Date;Libellé;Montant\n03/03/2026;CB CAFE;-2,50\n"
        '05/03/2026;"=HYPERLINK(""http://x"")";-1,00\n',
        encoding="utf-8",
    )
    ribbon.importer_releve(book, encode_paths([first]))
    sheet = book.sheets["Banque"]
    sheet.range("F3").value = "Repas"  # the user's category
    ribbon.importer_releve(book, encode_paths([second]))
    rows = banque(book)
    assert len(rows) == 4
    assert rows[2][5] == "Repas"
    assert rows[3][1] == '=HYPERLINK("http://x")'  # text, never a formula
    assert not isinstance(standin.sheet_data(book, "Banque").cells[(4, 2)], standin.Formula)


def test_another_account_is_refused_in_a_message_box():
    book = standin.open_book(sample_path())
    names = list(book.sheet_names)
    assert ribbon.importer_releve(book, encode_paths([QONTO, CFONB])) is None
    alert = standin.alerts(book)[-1]
    assert alert["mode"] == "critical" and CFONB.name in alert["prompt"]
    assert list(book.sheet_names) == names  # nothing written


def test_a_malformed_file_is_said_and_nothing_written(tmp_path: Path):
    book = standin.open_book(sample_path())
    names = list(book.sheet_names)
    ribbon.importer_releve(book, encode_paths([DATA / "csv" / "trap_wrong_columns.csv"]))
    alert = standin.alerts(book)[-1]
    assert alert["mode"] == "critical" and "trap_wrong_columns.csv" in alert["prompt"]
    assert "ligne 4" in alert["prompt"]
    assert list(book.sheet_names) == names


def test_the_vba_command_runs_the_import(monkeypatch: pytest.MonkeyPatch):
    import xlwings as xw

    book = standin.open_book(sample_path())
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    (button,) = [b for b in BUTTONS if b.macro == "importer_releve"]
    assert button.files and FILES_MARK in button.python
    exec(button.python.replace(FILES_MARK, encode_paths([QONTO])), {})  # as the VBA runs it
    assert len(banque(book)) == 12
    assert "11 opérations ajoutées" in standin.alerts(book)[-1]["prompt"]


def test_a_users_banque_sheet_is_left_alone():
    book = standin.open_book(sample_path())
    sheet = book.sheets.add("banque", after=book.sheets[len(book.sheets) - 1])
    sheet.range("A1").value = [["Mes banques", "Conseiller"], ["Banque Populaire", "M. Roux"]]
    assert ribbon.importer_releve(book, encode_paths([QONTO])) is None
    alert = standin.alerts(book)[-1]
    assert alert["mode"] == "critical" and "Renommez" in alert["prompt"]
    assert sheet.used_range.value == [
        ["Mes banques", "Conseiller"],
        ["Banque Populaire", "M. Roux"],
    ]
    assert "Règles bancaires" not in book.sheet_names
