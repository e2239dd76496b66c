"""Excel error cells and formulas without a computed value: an error in every input column,
never read as empty, in a file (python-calamine plus the package scan) and in Excel (xlwings)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings_standin as standin
from workbook_factory import good_sheets, write_workbook

from treso_xl.excel.read_xlwings import read_ledger_from_book
from treso_xl.reading.cell_errors import NO_VALUE, ExcelError, com_code, com_error
from treso_xl.reading.package_guard import _marker, inspect_package
from treso_xl.reading.problems import InputError, Problem
from treso_xl.reading.workbook import read_ledger

TODAY = dt.date(2026, 1, 20)
NBSP = "\u00a0"


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def patched(tmp_path: Path, cells: dict[tuple[str, str], str], name: str = "e.xlsx") -> Path:
    """The good workbook with some cells replaced by raw cell XML: {(sheet, "F3"): "<c ...>"}.

    Each patched cell first gets a placeholder value through openpyxl, then its <c> element is
    swapped for the given XML in the worksheet part (openpyxl writes sheet N as sheetN.xml).
    """
    sheets = good_sheets()
    order = list(sheets)
    for sheet, ref in cells:
        column = ord(ref[0]) - 64
        row = int(ref[1:])
        rows = sheets[sheet]
        while len(rows) < row:
            rows.append([])
        line = rows[row - 1]
        while len(line) < column:
            line.append(None)
        line[column - 1] = "PLACEHOLDER"
    source = write_workbook(tmp_path / f"source_{name}", sheets)
    target = tmp_path / name
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zin.infolist():
            data = zin.read(info)
            for (sheet, ref), xml in cells.items():
                if info.filename == f"xl/worksheets/sheet{order.index(sheet) + 1}.xml":
                    pattern = rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
                    data, count = re.subn(pattern, xml.encode(), data, count=1)
                    assert count == 1, (sheet, ref)
            out.writestr(info, data)
    return target


def problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_ledger(path, TODAY)
    return caught.value.problems


REF_ERROR = '<c r="{ref}" t="e"><f>#REF!*2</f><v>#REF!</v></c>'
NO_CACHE = '<c r="{ref}"><f>D3-500</f></c>'


def test_paid_invoice_with_a_ref_error_as_payment_date_is_an_error(tmp_path: Path) -> None:
    # Factures row 3 is paid on 12/02/2026; its Date de paiement (F3) becomes #REF!: the invoice
    # must not turn unpaid (and get a formal notice), the reader stops on the cell.
    path = patched(tmp_path, {("Factures", "F3"): REF_ERROR.format(ref="F3")})
    (problem,) = problems(path)
    assert (problem.sheet, problem.row, problem.column) == ("Factures", 3, "Date de paiement")
    assert plain(problem.message) == (
        "#REF! : la cellule contient une erreur Excel ; corrigez la formule ou saisissez la valeur."
    )
    assert "vide" not in problem.message


def test_formula_without_value_in_an_optional_amount_is_an_error(tmp_path: Path) -> None:
    # Montant payé (G3) of a partial payment, saved without its computed value: not "unpaid".
    path = patched(tmp_path, {("Factures", "G3"): NO_CACHE.format(ref="G3")})
    (problem,) = problems(path)
    assert (problem.sheet, problem.row, problem.column) == ("Factures", 3, "Montant payé")
    assert "n'a pas de valeur calculée" in problem.message
    assert "enregistrez-le" in problem.message


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("#N/A", "#N/A"),
        ("#VALUE!", "#VALEUR!"),
        ("#DIV/0!", "#DIV/0!"),
        ("#NAME?", "#NOM?"),
        ("#NUM!", "#NOMBRE!"),
        ("#NULL!", "#NUL!"),
    ],
)
def test_error_in_a_required_column_shows_the_error_as_french_excel(
    tmp_path: Path, code: str, shown: str
) -> None:
    xml = f'<c r="D2" t="e"><v>{code}</v></c>'  # Factures Montant of row 2
    (problem,) = problems(patched(tmp_path, {("Factures", "D2"): xml}))
    assert (problem.row, problem.column) == (2, "Montant")
    assert plain(problem.message).startswith(f"{shown} : la cellule contient une erreur Excel")
    assert "la cellule est vide" not in problem.message
    assert isinstance(problem.value, ExcelError)


def test_every_kind_of_column_refuses_errors(tmp_path: Path) -> None:
    cells = {
        ("Factures", "A3"): REF_ERROR.format(ref="A3"),  # text, required
        ("Factures", "C2"): NO_CACHE.format(ref="C2"),  # text, required
        ("Factures", "H2"): REF_ERROR.format(ref="H2"),  # e-mail
        ("Factures", "I3"): REF_ERROR.format(ref="I3"),  # link
        ("Factures", "E2"): NO_CACHE.format(ref="E2"),  # date, optional
        ("Encaissements", "G5"): REF_ERROR.format(ref="G5"),  # closed list (Statut)
        ("decaissements", "E2"): REF_ERROR.format(ref="E2"),  # free text (Catégorie)
    }
    found = {(p.sheet, p.row, p.column) for p in problems(patched(tmp_path, cells))}
    assert found == {
        ("Factures", 3, "N° facture"),
        ("Factures", 2, "Client"),
        ("Factures", 2, "Email client"),
        ("Factures", 3, "Lien de paiement"),
        ("Factures", 2, "Échéance"),
        ("Encaissements", 5, "statut"),
        ("decaissements", 2, "Catégorie"),
    }


def test_error_in_parametres_value_is_an_error(tmp_path: Path) -> None:
    # Paramètres: "Horizon (mois)" is on row 11, its value in column B.
    (problem,) = problems(
        patched(tmp_path, {("Paramètres", "B11"): '<c r="B11" t="e"><v>#DIV/0!</v></c>'})
    )
    assert (problem.row, problem.setting) == (11, "Horizon (mois)")
    assert plain(problem.message).startswith("#DIV/0! : la cellule contient une erreur Excel")


def test_errors_in_the_users_own_cells_are_left_alone(tmp_path: Path) -> None:
    cells = {
        ("Notes", "A2"): REF_ERROR.format(ref="A2"),  # a user sheet
        ("Encaissements", "F8"): REF_ERROR.format(ref="F8"),  # a user column ("Commentaire")
        ("Prévisionnel", "B1"): '<c r="B1" t="e"><v>#REF!</v></c>',  # a generated tab
    }
    ledger = read_ledger(patched(tmp_path, cells), TODAY)
    assert len(ledger.factures) == 2


def test_row_of_errors_above_the_table_is_not_its_header(tmp_path: Path) -> None:
    # Encaissements' header is on row 4: a broken title formula on row 1 does not move it.
    cells = {("Encaissements", "A1"): REF_ERROR.format(ref="A1")}
    ledger = read_ledger(patched(tmp_path, cells), TODAY)
    assert ledger.encaissements["ligne"].tolist() == [5, 6, 9]


def test_formula_giving_an_empty_text_is_empty_not_an_error(tmp_path: Path) -> None:
    # =SI(...;"";...) saved by Excel or LibreOffice: t="str" and an empty <v>: a computed "".
    cells = {("Factures", "E2"): '<c r="E2" t="str"><f>IF(1,"",1)</f><v></v></c>'}
    ledger = read_ledger(patched(tmp_path, cells), TODAY)
    assert ledger.factures["echeance"].isna().iloc[0]


def test_formula_with_its_value_is_read_as_the_value(tmp_path: Path) -> None:
    cells = {("Factures", "G3"): '<c r="G3"><f>D3-500</f><v>300</v></c>'}
    ledger = read_ledger(patched(tmp_path, cells), TODAY)
    assert ledger.factures["montant_paye"].iloc[1] == 300


def test_shared_formula_without_value_and_openpyxl_style_empty_value(tmp_path: Path) -> None:
    cells = {
        ("Factures", "G3"): '<c r="G3"><f t="shared" si="0"/></c>',
        ("Factures", "E2"): '<c r="E2"><f>B2+30</f><v></v></c>',  # what openpyxl writes
    }
    found = {(p.row, p.column) for p in problems(patched(tmp_path, cells))}
    assert found == {(3, "Montant payé"), (2, "Échéance")}


def test_formula_with_an_inline_string_value_is_read_as_the_value(tmp_path: Path) -> None:
    cells = {("Factures", "E2"): '<c r="E2" t="inlineStr"><f>"x"</f><is><t>x</t></is></c>'}
    (problem,) = problems(patched(tmp_path, cells))
    assert (problem.row, problem.column) == (2, "Échéance")
    assert "« x » n'est pas une date" in plain(problem.message)  # a bad value, not a missing one
    # the same cell in indented or prefixed XML goes through the full check of a cell
    assert _marker(b"inlineStr", b'<f>"x"</f><is><t>x</t></is>') is None
    assert _marker(b"n", b"<f>A1</f>") == NO_VALUE


def test_error_cell_below_the_data_is_reported_not_skipped(tmp_path: Path) -> None:
    # python-calamine does not even return a formula without value past the last row.
    cells = {("Factures", "G9"): NO_CACHE.format(ref="G9")}
    (problem,) = [p for p in problems(patched(tmp_path, cells)) if p.column == "Montant payé"]
    assert problem.row == 9


def test_cell_without_reference_is_located_by_a_full_parse(tmp_path: Path) -> None:
    # The format allows cells without r=: they follow the previous cell of the row.
    cells = {("Factures", "F3"): '<c t="e"><v>#N/A</v></c>'}
    (problem,) = problems(patched(tmp_path, cells))
    assert (problem.row, problem.column) == (3, "Date de paiement")
    assert plain(problem.message).startswith("#N/A :")


def test_scan_of_indented_and_prefixed_xml(tmp_path: Path) -> None:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\n'
        "  <x:sheetData>\n"
        '    <x:row r="1">\n'
        '      <x:c r="A1" t="e">\n        <x:v>#REF!</x:v>\n      </x:c>\n'
        '      <x:c r="B1">\n        <x:f>A1</x:f>\n      </x:c>\n'
        '      <x:c r="C1">\n        <x:f>A1</x:f>\n        <x:v>2</x:v>\n      </x:c>\n'
        "    </x:row>\n"
        "  </x:sheetData>\n"
        "</x:worksheet>\n"
    )
    path = tmp_path / "p.xlsx"
    source = write_workbook(tmp_path / "s.xlsx", {"Factures": [[1]]})
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as out:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            out.writestr(info, data)
    scan = inspect_package(path, scan=lambda title: True)
    assert scan.cells("Factures") == {(1, 1): ExcelError("#REF!"), (1, 2): NO_VALUE}


def test_check_command_exits_1_naming_the_error(tmp_path: Path) -> None:
    path = patched(tmp_path, {("Factures", "F3"): REF_ERROR.format(ref="F3")})
    result = subprocess.run(
        [sys.executable, "-m", "treso_xl", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    message = plain(result.stdout + result.stderr)
    assert "Feuille « Factures », ligne 3, colonne « Date de paiement » : #REF! :" in message
    assert "Traceback" not in message


# --- the Excel path -------------------------------------------------------------------------


def test_com_error_values() -> None:
    assert com_code("#REF!") == -2146826265
    assert com_error(-2146826265) == ExcelError("#REF!")
    assert com_error("#N/A") == ExcelError("#N/A")
    assert com_error(com_code("#SPILL!")).shown == "#PROPAGATION!"
    assert com_error(2023) is None  # an int that is not a COM error code
    assert com_error(True) is None
    assert com_error("#hashtag") is None


def test_standin_reads_errors_as_xlwings_does() -> None:
    book = standin.new_book({"Feuil1": [[1]]})
    cells = standin.sheet_data(book, "Feuil1").cells
    cells[(1, 2)] = com_code("#REF!")
    cells[(1, 3)] = com_code("#SPILL!")  # not in xlwings' table: stays the COM int
    sheet = book.sheets["Feuil1"]
    assert sheet.range("A1:C1").value == [1.0, None, com_code("#SPILL!")]
    assert sheet.range("A1:C1").options(err_to_str=True).value == [
        1.0,
        "#REF!",
        com_code("#SPILL!"),
    ]


def test_excel_path_reports_errors_like_the_file_path(tmp_path: Path) -> None:
    cells = {
        ("Factures", "F3"): REF_ERROR.format(ref="F3"),
        ("Factures", "D2"): '<c r="D2" t="e"><v>#VALUE!</v></c>',
    }
    path = patched(tmp_path, cells)
    from_file = problems(path)
    book = standin.open_book(path)
    with pytest.raises(InputError) as caught:
        read_ledger_from_book(book, TODAY)
    from_excel = caught.value.problems
    assert [str(p) for p in from_excel] == [str(p) for p in from_file]
    assert len(from_excel) == 2


def test_excel_path_newer_error_codes(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "n.xlsx", good_sheets())
    book = standin.open_book(path)
    cells = standin.sheet_data(book, "Factures").cells
    cells[(3, 6)] = com_code("#SPILL!")  # Date de paiement
    cells[(3, 7)] = com_code("#CALC!")  # Montant payé
    with pytest.raises(InputError) as caught:
        read_ledger_from_book(book, TODAY)
    shown = {p.column: plain(p.message).split(" :")[0] for p in caught.value.problems}
    assert shown == {"Date de paiement": "#PROPAGATION!", "Montant payé": "#CALC!"}


def test_excel_path_chunked_read_keeps_the_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A used range taller than CHUNK_ROWS is read in several reads: each keeps err_to_str.
    from treso_xl.excel import read_xlwings

    monkeypatch.setattr(read_xlwings, "CHUNK_ROWS", 2)
    path = patched(tmp_path, {("Factures", "F3"): REF_ERROR.format(ref="F3")})
    with pytest.raises(InputError) as caught:
        read_ledger_from_book(standin.open_book(path), TODAY)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "Date de paiement")
    assert plain(problem.message).startswith("#REF! :")


@pytest.mark.parametrize(
    ("code", "shown"), [("#GETTING_DATA", "#GETTING_DATA"), ("#SPILL!", "#PROPAGATION!")]
)
def test_error_python_calamine_cannot_read_is_named_with_its_cell(
    tmp_path: Path, code: str, shown: str
) -> None:
    # python-calamine refuses the whole sheet on these codes: the cell is named all the same.
    xml = f'<c r="D2" t="e"><v>{code}</v></c>'
    (problem,) = problems(patched(tmp_path, {("Factures", "D2"): xml}))
    assert (problem.sheet, problem.row) == ("Factures", 2)
    assert plain(str(problem)) == (
        f"Feuille « Factures », ligne 2 : la cellule D2 contient l'erreur Excel {shown}, que "
        "treso-xl ne peut pas lire ; corrigez la formule ou saisissez la valeur."
    )


def test_only_the_codes_xlwings_gives_are_errors_in_excel() -> None:
    assert com_error("#VALUE!") == ExcelError("#VALUE!")
    assert com_error("#VALEUR!") is None  # a text typed after an apostrophe, not an error


@pytest.mark.slow
def test_workbook_recalculated_and_saved_by_libreoffice(tmp_path: Path) -> None:
    # openpyxl writes formulas without values; LibreOffice computes and saves them, with its own
    # XML: values are read, a #DIV/0! and a #N/A are errors, an empty-text result is empty.
    from libreoffice import convert

    sheets = good_sheets()
    factures = sheets["Factures"]
    factures[2][6] = "=D3-500"  # Montant payé: 300
    factures[1][4] = '=IF(1,"",1)'  # Échéance: an empty text
    factures[2][4] = "=1/0"  # Échéance: #DIV/0!
    factures[1][5] = "=NA()"  # Date de paiement: #N/A
    source = write_workbook(tmp_path / "lo_source.xlsx", sheets)
    with pytest.raises(InputError) as caught:  # as openpyxl saved it: no value at all
        read_ledger(source, TODAY)
    assert {p.column for p in caught.value.problems} == {
        "Montant payé",
        "Échéance",
        "Date de paiement",
    }
    assert all("pas de valeur calculée" in p.message for p in caught.value.problems)
    outdir = tmp_path / "lo"
    outdir.mkdir()
    (saved,) = convert(source, "xlsx", outdir)
    found = problems(saved)
    assert sorted((p.row, p.column, plain(p.message).split(" :")[0]) for p in found) == [
        (2, "Date de paiement", "#N/A"),
        (3, "Échéance", "#DIV/0!"),
    ]


def test_standin_error_table_is_xlwings_windows_table() -> None:
    # xlwings/_xlwindows.py imports pywin32: its table is read from the source instead.
    import ast

    import xlwings

    source = (Path(xlwings.__file__).parent / "_xlwindows.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    (table,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "cell_errors" for t in node.targets)
    ]
    assert table == standin.CELL_ERRORS
    assert all(com_error(code) == ExcelError(name) for code, name in table.items())


def _present_columns() -> list[tuple[str, int, str]]:
    """(sheet, header row index, header) of every contract column the good workbook has."""
    from treso_xl.contract import DATA_SHEETS, normalize_label

    found = []
    sheets = good_sheets()
    for sheet in DATA_SHEETS:
        title = next((t for t in sheets if normalize_label(t) == sheet.key), None)
        if title is None:
            continue
        rows = sheets[title]
        top = next(i for i, row in enumerate(rows) if any(v is not None for v in row))
        keys = {col.key for col in sheet.columns}
        found += [(title, top, h) for h in rows[top] if h and normalize_label(h) in keys]
    return found


@pytest.mark.parametrize(("title", "top", "header"), _present_columns())
@pytest.mark.parametrize("marker", [ExcelError("#REF!"), NO_VALUE])
def test_every_contract_column_refuses_an_error_cell(
    title: str, top: int, header: str, marker: ExcelError
) -> None:
    from treso_xl.reading.workbook import read_ledger_from_grids

    sheets = good_sheets()
    rows = sheets[title]
    column = rows[top].index(header)
    row = rows[top + 1]
    row += [None] * (column + 1 - len(row))
    row[column] = marker
    with pytest.raises(InputError) as caught:
        read_ledger_from_grids(sheets, TODAY)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == (title, top + 2, header)
    assert problem.message == marker.message()


@pytest.mark.parametrize("index", range(2, 13))
def test_every_setting_refuses_an_error_cell(index: int) -> None:
    from treso_xl.reading.workbook import read_ledger_from_grids

    sheets = good_sheets()
    rows = sheets["Paramètres"]
    if len(rows[index]) < 2:  # the blank row of the good workbook
        return
    rows[index][1] = ExcelError("#N/A")
    with pytest.raises(InputError) as caught:
        read_ledger_from_grids(sheets, TODAY)
    (problem,) = caught.value.problems
    assert problem.row == index + 1
    assert problem.setting is not None
    assert plain(problem.message).startswith("#N/A : la cellule contient une erreur Excel")
