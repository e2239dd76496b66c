"""Bank statement import into the Banque sheet: ids, dedupe, categories, the package kept."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

from treso_xl.bank.banque_sheet import BanqueSheetError
from treso_xl.bank.categories import RULES_SHEET, categorize, default_rules, read_rules
from treso_xl.bank.importer import AccountMismatchError, import_statements
from treso_xl.bank.operation_id import account_key, operation_ids
from treso_xl.bank.sheet_rows import clean_text
from treso_xl.bank.statement import Balance, BankLine, Statement
from treso_xl.errors import DataError, FileError
from treso_xl.reading.problems import InputError
from treso_xl.reading.tables import grid_from_rows
from treso_xl.workbooks import sample_path

IBAN = "FR76 1234 5678 9007 9591 9142 515"  # the sample workbook's
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def day(d: int, month: int = 3) -> dt.date:
    return dt.date(2026, month, d)


def line(d: int, label: str, amount: str, ref: str = "", month: int = 3) -> BankLine:
    return BankLine(day(d, month), label, Decimal(amount), ref)


def statement(*lines: BankLine, account: str = "", closing: Balance | None = None) -> Statement:
    return Statement("releve.ofx", "OFX", account, lines=tuple(lines), closing=closing)


MARCH_1_15 = (
    line(2, "PRLV SEPA URSSAF IDF", "-512.00"),
    line(3, "CB CAFE DU COIN", "-2.50"),
    line(3, "CB CAFE DU COIN", "-2.50"),
    line(10, "VIR SEPA CLIENT DURAND FACT 2026-014", "1200.00"),
    line(14, "FRAIS TENUE DE COMPTE", "-8.00"),
)
MARCH_10_31 = (
    line(10, "VIR SEPA CLIENT DURAND FACT 2026-014", "1200.00"),
    line(14, "FRAIS TENUE DE COMPTE", "-8.00"),
    line(20, "PRLV LOYER BUREAU", "-450.00"),
    line(31, "APPORT PERSONNEL", "2000.00"),
)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "classeur.xlsx"
    shutil.copy(sample_path(), path)
    return path


def banque_rows(path: Path, sheet: str = "Banque") -> list[list[object]]:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        return workbook.get_sheet_by_name(sheet).to_python()
    finally:
        workbook.close()


def members(path: Path) -> dict[str, tuple[bytes, int, int]]:
    """Each zip member's compressed bytes as stored, compression method and CRC."""
    data = path.read_bytes()
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            start = info.header_offset
            name_length, extra_length = struct.unpack("<HH", data[start + 26 : start + 30])
            begin = start + 30 + name_length + extra_length
            payload = data[begin : begin + info.compress_size]
            out[info.filename] = (payload, info.compress_type, info.CRC)
    return out


# --- operation ids ---------------------------------------------------------------------------


def test_account_key_is_the_same_for_an_iban_and_a_rib():
    assert account_key(IBAN) == account_key("12345 67890 07959191425 15") == "07959191425"
    assert account_key("fr76 1234 5678 9007 9591 9142 515") == "07959191425"
    assert account_key("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_a_bank_id_is_prefixed_by_the_account_so_two_accounts_never_collide():
    same = line(2, "VIR", "10.00", ref="FIT-1")
    one = operation_ids(IBAN, [same])
    other = operation_ids("FR76 3000 4000 0100 0123 4567 890", [same])
    assert one == ["07959191425:FIT-1"]
    assert one != other


def test_a_hash_id_is_stable_and_identical_lines_are_told_apart_by_rank():
    lines = [line(3, "CB CAFE DU COIN", "-2.50"), line(3, "cb  café du coin", "-2.5")]
    first = operation_ids(IBAN, lines)
    assert first == operation_ids(IBAN, lines)  # stable
    assert first[0] != first[1]  # same date, amount and folded label: rank 1 and 2
    # the same two lines in another statement of the same account get the same ids
    assert operation_ids(IBAN, list(reversed(lines))) == first
    assert operation_ids("FR76 3000 4000 0100 0123 4567 890", lines) != first


# --- categories --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "amount", "expected"),
    [
        ("PRLV SEPA URSSAF IDF", "-512", "URSSAF"),
        ("PRLV DGFIP IMPOT PRO", "-300", "Impôts"),
        ("PRLV LOYER BUREAU", "-450", "Loyer"),
        ("PRLV AXA FRANCE", "-40", "Assurance"),
        ("TAXATION DIVERSE", "-40", ""),  # AXA only at the start of a word
        ("FRAIS TENUE DE COMPTE", "-8", "Banque"),
        ("COTISATION CARTE BUSINESS", "-45", "Banque"),
        ("VIR INTERNE VERS LIVRET", "-500", "Virement interne"),
        ("VIR APPORT PERSONNEL", "2000", "Apport"),
        ("DEBLOCAGE PRET PRO", "10000", "Emprunt"),
        ("APPORT", "-10", ""),  # Apport is a credit rule
        ("VIR CLIENT DURAND", "1200", ""),
    ],
)
def test_default_rules(label: str, amount: str, expected: str):
    assert categorize(default_rules(), label, Decimal(amount)) == expected


def test_rules_sheet_errors_name_sheet_row_and_value():
    grid = grid_from_rows(
        [
            ["Le libellé contient", "Sens", "Catégorie"],
            ["URSSAF", "Débit", "URSSAF"],
            ["LOYER", "Sortie", "Loyer"],
            ["", "", "Assurance"],
            ["AXA", "", ""],
        ]
    )
    with pytest.raises(InputError) as error:
        read_rules(grid)
    text = str(error.value)
    assert isinstance(error.value, DataError)
    assert "Feuille «\u00a0Règles bancaires\u00a0», ligne 3, colonne «\u00a0Sens\u00a0»" in text
    assert "Sortie" in text
    assert "ligne 4" in text and "Assurance" in text
    assert "ligne 5" in text and "AXA" in text


def test_user_rules_are_read_in_order_and_sens_defaults_to_both():
    grid = grid_from_rows(
        [
            ["Le libellé contient", "Sens", "Catégorie"],
            ["cafe", "", "Repas"],
            ["URSSAF", "crédit", "Remboursement"],
        ]
    )
    rules = read_rules(grid)
    assert categorize(rules, "CB CAFÉ DU COIN", Decimal("-2")) == "Repas"
    assert categorize(rules, "URSSAF REMB TROP PERCU", Decimal("30")) == "Remboursement"
    assert categorize(rules, "PRLV URSSAF", Decimal("-30")) == ""


# --- import into a workbook -------------------------------------------------------------------


def test_first_import_creates_banque_and_rules_sheets(book: Path):
    result = import_statements(
        book, [statement(*MARCH_1_15, closing=Balance(day(15), Decimal("1000")))]
    )
    assert result.added == 5 and result.created == ["Banque", RULES_SHEET]
    rows = banque_rows(book)
    assert rows[0] == [
        "Date",
        "Libellé",
        "Montant",
        "Réf. banque",
        "Compte",
        "Catégorie",
        "Facture",
        "Statut du rapprochement",
        "Solde après opération",
    ]
    assert rows[1][:3] == [day(2), "PRLV SEPA URSSAF IDF", -512.0]
    assert rows[1][5] == "URSSAF"
    assert rows[1][4] == "FR7612345678900795919142515"  # no account in the file: the workbook's
    # running balance from the closing balance backwards
    assert [r[8] for r in rows[1:]] == [-187.0, -189.5, -192.0, 1008.0, 1000.0]
    rules = banque_rows(book, RULES_SHEET)
    assert rules[0] == ["Le libellé contient", "Sens", "Catégorie"]
    assert ["URSSAF", "Débit", "URSSAF"] in rules
    assert book.with_name("classeur.bak.xlsx").exists()


def test_the_same_statement_twice_adds_nothing_and_writes_nothing(book: Path):
    import_statements(book, [statement(*MARCH_1_15)])
    before = book.read_bytes()
    result = import_statements(book, [statement(*MARCH_1_15)])
    assert result.added == 0 and result.already == 5 and result.written is None
    assert book.read_bytes() == before
    assert len(banque_rows(book)) == 1 + 5


def test_overlapping_statements_add_only_the_new_lines(book: Path):
    import_statements(book, [statement(*MARCH_1_15)])
    result = import_statements(book, [statement(*MARCH_10_31)])
    assert (result.added, result.already) == (2, 2)
    rows = banque_rows(book)[1:]
    assert [r[1] for r in rows] == [
        "PRLV SEPA URSSAF IDF",
        "CB CAFE DU COIN",
        "CB CAFE DU COIN",
        "VIR SEPA CLIENT DURAND FACT 2026-014",
        "FRAIS TENUE DE COMPTE",
        "PRLV LOYER BUREAU",
        "APPORT PERSONNEL",
    ]
    assert rows[-1][5] == "Apport"
    assert len({r[3] for r in rows}) == 7


def test_two_overlapping_statements_in_one_batch(book: Path):
    result = import_statements(book, [statement(*MARCH_1_15), statement(*MARCH_10_31)])
    assert (result.added, result.already) == (7, 2)


def test_user_edits_are_kept(book: Path):
    import_statements(book, [statement(*MARCH_1_15)])
    wb = openpyxl.load_workbook(book)  # the user edits in "Excel" and saves
    ws = wb["Banque"]
    ws["F2"] = "Cotisations sociales"
    ws["G5"] = "2026-014"
    wb.save(book)
    import_statements(book, [statement(*MARCH_10_31)])
    rows = banque_rows(book)
    assert rows[1][5] == "Cotisations sociales"
    assert rows[4][6] == "2026-014"
    assert rows[6][1] == "PRLV LOYER BUREAU" and rows[6][5] == "Loyer"


def test_every_other_part_is_byte_identical(book: Path):
    before = members(book)
    import_statements(book, [statement(*MARCH_1_15)])
    after = members(book)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "xl/styles.xml",
    }
    added = set(after) - set(before)
    assert len(added) == 2 and all(n.startswith("xl/worksheets/sheet") for n in added)
    # a second import only touches the Banque sheet
    before = members(book)
    import_statements(book, [statement(*MARCH_10_31)])
    after = members(book)
    changed = {name for name in before if before[name] != after.get(name)}
    assert len(changed) == 1 and set(after) == set(before)
    (name,) = changed
    assert b"PRLV LOYER BUREAU" in zipfile.ZipFile(book).read(name)


def test_another_account_is_refused_and_the_file_unchanged(book: Path):
    before = book.read_bytes()
    other = statement(*MARCH_1_15, account="FR7630004000010001234567890")
    with pytest.raises(AccountMismatchError) as error:
        import_statements(book, [statement(*MARCH_1_15), other])
    text = str(error.value)
    assert "releve.ofx" in text and "FR7630004000010001234567890" in text and IBAN in text
    assert isinstance(error.value, DataError)
    assert book.read_bytes() == before
    assert not book.with_name("classeur.bak.xlsx").exists()


def test_a_statement_of_the_workbook_account_in_another_form_is_accepted(book: Path):
    result = import_statements(book, [statement(*MARCH_1_15, account="12345 67890 07959191425")])
    assert result.added == 5


def test_a_formula_like_label_stays_text(book: Path):
    hostile = '=HYPERLINK("http://evil.example","clic")'
    import_statements(book, [statement(line(5, hostile, "-1.00"), line(6, "A\x01B\x0bC", "-1"))])
    rows = banque_rows(book)
    assert rows[1][1] == hostile
    assert rows[2][1] == "ABC"
    with zipfile.ZipFile(book) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        (xml,) = [archive.read(n) for n in names if b"evil.example" in archive.read(n)]
    root = etree.fromstring(xml)
    assert not root.findall(f".//{{{MAIN}}}f")
    cell = root.find(f".//{{{MAIN}}}c[@r='B2']")
    assert cell.get("t") == "inlineStr"


def test_clean_text_escapes_excel_escapes():
    assert clean_text("a_x0041_b") == "a_x005F_x0041_b"
    assert clean_text("x" * 40_000) == "x" * 32_767


def test_a_users_sheet_named_banque_with_other_headers_is_refused(book: Path):
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet(" banque")
    ws.append(["Mes comptes", "Notes"])
    ws.append(["Livret A", "à ne pas toucher"])
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(BanqueSheetError) as error:
        import_statements(book, [statement(*MARCH_1_15)])
    text = str(error.value)
    assert "«\u00a0 banque\u00a0»" in text
    assert "banque" in text and "Renommez" in text and "Rien n'a été modifié" in text
    assert book.read_bytes() == before


def test_an_empty_sheet_named_banque_gets_the_header_and_lines(book: Path):
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Banque")
    wb.save(book)
    result = import_statements(book, [statement(*MARCH_1_15)])
    assert result.added == 5 and "Banque" not in result.created and result.first_row == 2
    rows = banque_rows(book)
    assert rows[0][0] == "Date" and rows[1][1] == "PRLV SEPA URSSAF IDF"


def test_user_rules_in_the_workbook_are_applied(book: Path):
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet(RULES_SHEET)
    ws.append(["Le libellé contient", "Sens", "Catégorie"])
    ws.append(["CAFE", "Débit", "Repas"])
    wb.save(book)
    result = import_statements(book, [statement(*MARCH_1_15)])
    assert RULES_SHEET not in result.created
    rows = banque_rows(book)
    assert [r[5] for r in rows[1:]] == ["", "Repas", "Repas", "", ""]


def test_a_bad_rule_stops_the_import(book: Path):
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet(RULES_SHEET)
    ws.append(["Le libellé contient", "Sens", "Catégorie"])
    ws.append(["CAFE", "Entrée", "Repas"])
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(InputError) as error:
        import_statements(book, [statement(*MARCH_1_15)])
    assert "ligne 2" in str(error.value) and "Entrée" in str(error.value)
    assert book.read_bytes() == before


def test_rows_go_after_the_last_used_row_and_an_excel_table_grows(tmp_path: Path, book: Path):
    import_statements(book, [statement(*MARCH_1_15)])
    wb = openpyxl.load_workbook(book)
    ws = wb["Banque"]
    from openpyxl.worksheet.table import Table

    ws.add_table(Table(displayName="Releves", ref="A1:I6"))
    ws["A40"].number_format = "dd/mm/yyyy"  # a formatted empty row below the lines
    wb.save(book)
    import_statements(book, [statement(*MARCH_10_31)])
    rows = banque_rows(book)
    assert len(rows) == 8 and rows[7][1] == "APPORT PERSONNEL"
    wb = openpyxl.load_workbook(book)
    assert wb["Banque"].tables["Releves"].ref == "A1:I8"


def test_a_statement_in_another_currency_is_refused(book: Path):
    before = book.read_bytes()
    dollars = Statement("usd.ofx", "OFX", "", "USD", lines=MARCH_1_15)
    with pytest.raises(AccountMismatchError) as error:
        import_statements(book, [dollars])
    assert "usd.ofx" in str(error.value) and "USD" in str(error.value)
    assert book.read_bytes() == before


def test_a_refresh_after_an_import_leaves_banque_and_the_rules_as_they_are(book: Path):
    from treso_xl.refresh import refresh_file

    import_statements(book, [statement(*MARCH_1_15)])
    before = members(book)
    refresh_file(book)
    after = members(book)
    with zipfile.ZipFile(book) as archive:
        new = {n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")}
    kept = {n for n in new if n in before}
    assert len(kept) >= 2
    for name in kept:  # every user sheet, Banque and Règles bancaires included
        assert after[name] == before[name], name
    assert "Banque" not in generated_names(book)


def generated_names(path: Path) -> list[str]:
    from treso_xl.render.package import generated_tab_names

    return generated_tab_names(path.read_bytes())


def test_a_banque_sheet_with_its_columns_in_another_order(book: Path):
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("Banque")
    ws.append(["Réf. banque", "Mes notes", "Montant (€)", "date", "LIBELLE", "Catégorie"])
    ws.append(["ancienne", "à garder", -1, dt.datetime(2026, 1, 5), "Ancienne ligne", "Divers"])
    wb.save(book)
    result = import_statements(book, [statement(*MARCH_1_15)])
    assert result.added == 5 and result.first_row == 3
    rows = banque_rows(book)
    assert rows[1] == [
        "ancienne",
        "à garder",
        -1.0,
        dt.date(2026, 1, 5),
        "Ancienne ligne",
        "Divers",
    ]
    assert rows[2][2:6] == [-512.0, day(2), "PRLV SEPA URSSAF IDF", "URSSAF"]
    assert rows[2][0].startswith("07959191425:#") and rows[2][1] == ""


def test_a_workbook_open_in_excel_is_not_written(book: Path):
    lock = book.with_name("~$" + book.name)
    lock.write_bytes(b"x")
    before = book.read_bytes()
    with pytest.raises(FileError) as error:
        import_statements(book, [statement(*MARCH_1_15)])
    assert "ouvert dans Excel" in str(error.value) and "l'import" in str(error.value)
    assert book.read_bytes() == before


def test_a_chart_sheet_named_banque_is_refused(book: Path):
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.load_workbook(book)
    chart = BarChart()
    chart.add_data(Reference(wb["Encaissements"], min_col=4, min_row=1, max_row=5))
    wb.create_chartsheet("Banque").add_chart(chart)
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(FileError) as error:
        import_statements(book, [statement(*MARCH_1_15)])
    assert "n'est pas une feuille de calcul" in str(error.value)
    assert book.read_bytes() == before


def test_a_rules_sheet_without_the_rules_columns_is_said():
    grid = grid_from_rows([["Mes règles à moi", "Notes"], ["rien", "ici"]])
    with pytest.raises(InputError) as error:
        read_rules(grid)
    assert "colonne «\u00a0Le libellé contient\u00a0»" in str(error.value)
    assert "colonne «\u00a0Catégorie\u00a0»" in str(error.value)
    assert read_rules(grid_from_rows([])) == []  # an empty sheet: no rules, no problem
