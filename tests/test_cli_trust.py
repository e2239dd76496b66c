"""What the command line says and does about Contrôles errors, links, open workbooks, .xls files."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from workbook_factory import good_sheets, write_workbook

from treso_xl.cli.main import cli
from treso_xl.workbooks import template_path

NBSP = "\u00a0"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="treso-xl")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def clean_sheets() -> dict[str, list[list[object]]]:
    """good_sheets without its user sheet named like a generated tab."""
    sheets = good_sheets()
    del sheets["Prévisionnel"]
    return sheets


def duplicate_invoice(path: Path) -> Path:
    sheets = clean_sheets()
    sheets["Factures"].append(
        ["F-1024", dt.datetime(2026, 1, 20), "Martin", 200, None, None, None, None, None, None]
    )
    return write_workbook(path, sheets)


# --- check and refresh tell the Contrôles errors ---------------------------------------------


def test_check_exits_1_and_lists_controles_errors(tmp_path: Path) -> None:
    book = duplicate_invoice(tmp_path / "classeur.xlsx")
    before = digest(book)
    result = run("check", str(book), "--date-reference", "01/03/2026")
    assert result.exit_code == 1, result.output
    assert "Aucune erreur" not in result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Contrôles : 2 erreurs, ")
    assert any(
        line.startswith(f"  - «{NBSP}Factures{NBSP}», ligne 4 : ") and "F-1024" in line
        for line in lines
    ), result.output
    assert digest(book) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classeur.xlsx"]


def test_check_exits_0_without_error_and_gives_the_counts(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "classeur.xlsx", clean_sheets())
    result = run("check", str(book), "--date-reference", "01/03/2026")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Contrôles : 0 erreur, ")
    assert "avertissements" in result.output
    assert result.output.rstrip().endswith("Aucune erreur dans « classeur.xlsx ».")


def test_refresh_mentions_controles_errors(tmp_path: Path) -> None:
    book = duplicate_invoice(tmp_path / "classeur.xlsx")
    result = run("refresh", str(book), "--date-reference", "01/03/2026")
    assert result.exit_code == 0, result.output
    assert "Contrôles : 2 erreurs, " in result.output  # each row of the number used twice
    assert "onglet « Contrôles »" in result.output
    assert f"«{NBSP}Factures{NBSP}», ligne 4 : " in result.output


# --- help in French -------------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_help_is_french(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    for english in ("[required]", "Usage:", "default:", "Show this message", "env var"):
        assert english not in result.output, (command, english)


def test_relances_help_marks_the_folder_obligatoire() -> None:
    assert "[obligatoire]" in run("relances", "--help").output


# --- export of a workbook open in Excel or LibreOffice ----------------------------------------


@pytest.mark.parametrize("lock", ["~$classeur.xlsx", ".~lock.classeur.xlsx#"])
def test_export_of_an_open_workbook_warns_it_is_the_saved_version(
    tmp_path: Path, lock: str
) -> None:
    book = write_workbook(tmp_path / "classeur.xlsx", clean_sheets())
    (tmp_path / lock).write_bytes(b"verrou")
    before = digest(book)
    out = tmp_path / "export.xlsx"
    result = run("export", str(book), "-o", str(out), "--date-reference", "01/03/2026")
    assert result.exit_code == 0, result.output
    assert "« classeur.xlsx » est ouvert dans " in result.output
    assert "l'export reflète sa dernière version enregistrée" in result.output
    assert zipfile.ZipFile(out).testzip() is None
    assert digest(book) == before


def test_export_refuses_an_output_open_in_excel(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "classeur.xlsx", clean_sheets())
    out = tmp_path / "export.xlsx"
    out.write_bytes(b"ancien export")
    (tmp_path / "~$export.xlsx").write_bytes(b"verrou")
    result = run("export", str(book), "-o", str(out), "--date-reference", "01/03/2026")
    assert result.exit_code == 2
    assert "« export.xlsx » est ouvert dans Excel" in result.output
    assert "relancez l'export ; rien n'a été modifié" in result.output
    assert out.read_bytes() == b"ancien export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "classeur.xlsx",
        "export.xlsx",
        "~$export.xlsx",
    ]


# --- refresh of an .xls file ------------------------------------------------------------------

XLS = Path(__file__).parent / "data" / "classeur_97.xls"  # good_sheets + Notes, by LibreOffice


def test_refresh_of_an_xls_says_what_it_is_and_the_way_out(tmp_path: Path) -> None:
    book = tmp_path / "compta.xls"
    shutil.copyfile(XLS, book)
    result = run("refresh", str(book), "--date-reference", "01/03/2026")
    assert result.exit_code == 2
    message = result.output.replace(NBSP, " ")
    assert "« compta.xls » est au format Excel 97-2003 (.xls)" in message
    assert "mot de passe" not in message and "endommagé" not in message
    assert "Enregistrez-le au format « Classeur Excel (*.xlsx) »" in message
    assert "-o « compta.xlsx »" in message
    assert message.rstrip().endswith("Rien n'a été modifié.")
    assert book.read_bytes() == XLS.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compta.xls"]
    refused = run("refresh", str(book), "-o", str(tmp_path / "sortie.xls"))
    assert refused.exit_code == 2 and "doit finir par .xlsx" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compta.xls"]


def test_refresh_of_an_xls_writes_a_values_copy_with_the_tabs(tmp_path: Path) -> None:
    book = tmp_path / "compta.xls"
    shutil.copyfile(XLS, book)
    out = tmp_path / "compta.xlsx"
    result = run("refresh", str(book), "-o", str(out), "--date-reference", "01/03/2026")
    assert result.exit_code == 0, result.output
    message = result.output.replace(NBSP, " ")
    assert "« compta.xlsx » est une copie .xlsx de « compta.xls »" in message
    assert "pas leurs mises en forme, formules" in message
    assert "« compta.xls » n'a pas été modifié" in message
    assert book.read_bytes() == XLS.read_bytes()
    source = CalamineWorkbook.from_path(str(XLS))
    copy = CalamineWorkbook.from_path(str(out))
    user_sheets = source.sheet_names
    assert copy.sheet_names[: len(user_sheets)] == user_sheets
    assert {"Prévisionnel", "Contrôles"} <= set(copy.sheet_names[len(user_sheets) :])
    for name in user_sheets:
        expected = source.get_sheet_by_name(name).to_python(skip_empty_area=False)
        assert copy.get_sheet_by_name(name).to_python(skip_empty_area=False) == expected, name
    notes = openpyxl.load_workbook(out)["Notes"]
    assert notes["A2"].value == "=pas une formule" and notes["A2"].data_type == "s"
    assert notes["C2"].value == dt.datetime(2026, 2, 3) and notes["C2"].is_date
    assert notes["B3"].value == 25 and notes["D2"].value is True
    again = run("refresh", str(out), "--date-reference", "01/03/2026")
    assert again.exit_code == 0, again.output
    assert "copie .xlsx" not in again.output


# --- refresh through a symbolic link ----------------------------------------------------------


def test_refresh_through_a_link_updates_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "Documents" / "compta.xlsx"
    real.parent.mkdir()
    write_workbook(real, clean_sheets())
    before = real.read_bytes()
    link = tmp_path / "raccourci.xlsx"
    link.symlink_to(real)
    result = run("refresh", str(link), "--date-reference", "01/03/2026")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes() != before
    assert "Prévisionnel" in CalamineWorkbook.from_path(str(real)).sheet_names
    assert (real.parent / "compta.bak.xlsx").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Documents", "raccourci.xlsx"]


def test_init_force_keeps_the_replaced_workbook_as_a_backup(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "classeur.xlsx", clean_sheets())
    mine = book.read_bytes()
    result = run("init", str(book), "--force")
    assert result.exit_code == 0, result.output
    assert "L'ancien classeur est conservé dans « classeur.bak.xlsx »." in result.output
    assert (tmp_path / "classeur.bak.xlsx").read_bytes() == mine
    assert book.read_bytes() == template_path().read_bytes()
    (tmp_path / "~$classeur.xlsx").write_bytes(b"verrou")
    refused = run("init", str(book), "--force")
    assert refused.exit_code == 2 and "ouvert dans Excel" in refused.output
    assert book.read_bytes() == template_path().read_bytes()


def test_demo_tells_the_controles_errors(tmp_path: Path) -> None:
    result = run("demo", "-o", str(tmp_path / "exemple.xlsx"))
    assert result.exit_code == 0, result.output
    assert "Contrôles : 1 erreur, " in result.output  # the 90-day terms (VAT: a forecast)



def test_the_counts_printed_are_those_of_the_controles_tab(tmp_path: Path) -> None:
    """The sample's identical SIREN warnings are one line of Contrôles: the terminal gives the
    tab's counts, not one per row."""
    from python_calamine import CalamineWorkbook

    from treso_xl.core.checks import AVERTISSEMENT
    from treso_xl.refresh import compute, read

    out = tmp_path / "exemple.xlsx"
    result = run("demo", "-o", str(out))
    assert result.exit_code == 0, result.output
    book = CalamineWorkbook.from_path(str(out))
    cells = [str(v) for row in book.get_sheet_by_name("Contrôles").to_python() for v in row]
    shown = next(text for text in cells if text.count(",") == 2 and "avertissement" in text)
    assert f"Contrôles : {shown} (" in result.output
    per_row = sum(f.gravite == AVERTISSEMENT for f in compute(read(out)).findings)
    assert f" {per_row} avertissements" not in shown  # rows were grouped on the tab and here
