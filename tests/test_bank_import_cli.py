"""`treso-xl importer`: real statement files through the command line, exit codes, messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from treso_xl.cli.main import cli
from treso_xl.workbooks import sample_path

DATA = Path(__file__).parent / "data" / "bank"
QONTO = DATA / "csv" / "qonto.csv"  # no account in the file: the workbook's is used
CFONB = DATA / "cfonb" / "releve_pro_janvier_2026.txt"  # account FR76 3000 4001 2300 …


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="treso-xl")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "classeur.xlsx"
    shutil.copy(sample_path(), path)
    return path


def sheet_rows(path: Path, name: str) -> list[list[object]]:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        return workbook.get_sheet_by_name(name).to_python()
    finally:
        workbook.close()


def test_import_then_the_same_file_again(book: Path):
    first = run("importer", book, QONTO)
    assert first.exit_code == 0, first.output
    added = "11 opérations ajoutées à la feuille «\u00a0Banque\u00a0», lignes 2 à 12."
    assert added in first.output
    assert "Feuille «\u00a0Règles bancaires\u00a0» créée." in first.output
    rows = sheet_rows(book, "Banque")
    assert len(rows) == 12 and rows[0][0] == "Date"
    before = book.read_bytes()
    again = run("importer", book, QONTO)
    assert again.exit_code == 0, again.output
    assert "11 déjà présentes" in again.output and "Aucune nouvelle opération" in again.output
    assert "Le classeur n'a pas été modifié." in again.output
    assert book.read_bytes() == before


def test_output_option_leaves_the_workbook_alone(book: Path, tmp_path: Path):
    before = book.read_bytes()
    target = tmp_path / "copie.xlsx"
    result = run("importer", book, QONTO, "-o", target)
    assert result.exit_code == 0, result.output
    assert book.read_bytes() == before
    assert len(sheet_rows(target, "Banque")) == 12


def test_another_account_is_refused_with_exit_1(book: Path):
    before = book.read_bytes()
    result = run("importer", book, QONTO, CFONB)
    assert result.exit_code == 1
    assert CFONB.name in result.output
    assert "FR7630004001230001001234537" in result.output
    assert "FR76 1234 5678 9007 9591 9142 515" in result.output
    assert book.read_bytes() == before
    assert not book.with_name("classeur.bak.xlsx").exists()


def test_a_workbook_without_iban_takes_any_account(book: Path):
    wb = openpyxl.load_workbook(book)
    ws = wb["Paramètres"]
    for row in ws.iter_rows():
        if row[0].value == "IBAN":
            row[1].value = None
    wb.save(book)
    result = run("importer", book, CFONB)
    assert result.exit_code == 0, result.output
    rows = sheet_rows(book, "Banque")
    assert rows[1][4] == "FR7630004001230001001234537"
    assert rows[-1][8] != ""  # the closing balance gives each line its balance


def test_a_malformed_file_stops_everything_with_exit_2(book: Path):
    before = book.read_bytes()
    bad = DATA / "csv" / "trap_wrong_columns.csv"
    result = run("importer", book, QONTO, bad)
    assert result.exit_code == 2
    assert "trap_wrong_columns.csv" in result.output and "ligne 4" in result.output
    assert "Le classeur n'a pas été modifié." in result.output
    assert "Traceback" not in result.output
    assert book.read_bytes() == before


def test_an_unknown_layout_says_how_to_describe_it(book: Path):
    result = run("importer", book, DATA / "csv" / "trap_unknown_layout.csv")
    assert result.exit_code == 2
    assert "Format relevé" in result.output and "--creer-format" in result.output


def test_creer_format_adds_the_sheet_once(book: Path):
    result = run("importer", book, "--creer-format")
    assert result.exit_code == 0, result.output
    rows = sheet_rows(book, "Format relevé")
    assert rows[0][:2] == ["Réglage", "Valeur"]
    assert any(row[0] == "Colonne date" for row in rows)
    before = book.read_bytes()
    again = run("importer", book, "--creer-format")
    assert again.exit_code == 0 and "existe déjà" in again.output
    assert book.read_bytes() == before


def test_the_format_sheet_describes_an_unknown_layout(book: Path):
    assert run("importer", book, "--creer-format").exit_code == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["Format relevé"]
    values = {"Colonne date": "Quand", "Colonne libellé": "Quoi", "Colonne montant": "Combien"}
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb.save(book)
    result = run("importer", book, DATA / "csv" / "trap_unknown_layout.csv")
    assert result.exit_code == 0, result.output
    assert sheet_rows(book, "Banque")[1][1] == "VIR SEPA CLIENT A"


def test_a_users_banque_sheet_is_refused_with_exit_2(book: Path):
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("BANQUE").append(["Banque", "Conseiller", "Téléphone"])
    wb.save(book)
    before = book.read_bytes()
    result = run("importer", book, QONTO)
    assert result.exit_code == 2
    assert "BANQUE" in result.output and "Renommez" in result.output
    assert book.read_bytes() == before


def test_no_statement_is_a_usage_error(book: Path):
    result = run("importer", book)
    assert result.exit_code == 2 and "au moins un relevé" in result.output


def test_help_is_french():
    result = run("importer", "--help")
    assert result.exit_code == 0
    assert "Utilisation : treso-xl importer [OPTIONS] CLASSEUR RELEVE [RELEVE]..." in result.output
    assert "--creer-format" in result.output and "-o, --sortie" in result.output


def test_an_iban_typed_after_a_first_import_adds_nothing_twice(book: Path):
    wb = openpyxl.load_workbook(book)
    iban_cells = [row[1] for row in wb["Paramètres"].iter_rows() if row[0].value == "IBAN"]
    iban = iban_cells[0].value
    iban_cells[0].value = None
    wb.save(book)
    assert run("importer", book, QONTO).exit_code == 0  # ids without an account
    wb = openpyxl.load_workbook(book)
    for row in wb["Paramètres"].iter_rows():
        if row[0].value == "IBAN":
            row[1].value = iban
    wb.save(book)
    again = run("importer", book, QONTO)
    assert again.exit_code == 0, again.output
    assert "Aucune nouvelle opération" in again.output
    assert len(sheet_rows(book, "Banque")) == 12


def test_the_benchmark_statements_overlap_as_said(tmp_path: Path, book: Path):
    import importlib.util

    bench_path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_bank_import.py"
    spec = importlib.util.spec_from_file_location("bench_bank_import", bench_path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    first = bench.write_statement(tmp_path / "r1.csv", 300, 0)
    second = bench.write_statement(tmp_path / "r2.csv", 300, 150)
    assert run("importer", book, first).exit_code == 0
    result = run("importer", book, second)
    assert result.exit_code == 0, result.output
    assert "300 opérations lues, 150 ajoutées, 150 déjà présentes" in result.output
    assert len(sheet_rows(book, "Banque")) == 1 + 450
