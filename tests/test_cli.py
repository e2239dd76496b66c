"""The `treso-xl` command line end to end on real files: demo, init, refresh, check, relances."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbook_factory import good_sheets, write_workbook

from treso_xl import contract
from treso_xl.cli.main import cli
from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path, template_path

GENERATED_PREFIX = "xl/worksheets/treso_"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="treso-xl")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def bad_workbook(path: Path) -> Path:
    sheets = good_sheets()
    enc = sheets["Encaissements"]
    enc.append([None, dt.datetime(2026, 3, 1), "Vente", None, "douze euros", None, None])
    enc.append([None, "31/02/2026", "Vente", None, 100, None, None])
    enc.append([None, dt.datetime(2026, 3, 2), "Vente", None, 100, None, "Encaissé"])
    return write_workbook(path, sheets)


def test_help_is_french():
    result = run("--help")
    assert result.exit_code == 0
    assert "Utilisation : treso-xl" in result.output
    assert "Afficher cette aide et quitter." in result.output
    assert "Commandes:" in result.output or "Commandes :" in result.output
    for word in ("Usage:", "Show this message", "Commands:"):
        assert word not in result.output
    refresh_help = run("refresh", "--help").output
    assert "Actualiser les onglets générés de FICHIER" in refresh_help


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_help_never_starts_a_line_with_french_high_punctuation(command: str):
    """French keeps « : ; ! ? » on their word: a wrapped help line never starts with one."""
    lines = run(command, "--help").output.splitlines()
    assert lines
    assert not [line for line in lines if line.lstrip()[:1] in {":", ";", "!", "?", "»"}]


def test_usage_errors_exit_2_in_french(tmp_path: Path):
    result = run("refresh")
    assert result.exit_code == 2
    assert "Argument manquant" in result.output
    result = run("refresh", str(tmp_path / "absent.xlsx"))
    assert result.exit_code == 2 and "n'existe pas" in result.output
    assert run("inconnue").exit_code == 2


def test_demo_prints_plan_and_writes_workbook(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Plan de trésorerie — Atelier Lune Graphique" in result.output
    assert "◄ sous le seuil" in result.output
    written = tmp_path / "exemple_graphiste.xlsx"
    book = openpyxl.load_workbook(written)
    assert contract.TAB_PREVISIONNEL in book.sheetnames
    # the bundled sample itself is left untouched
    assert not sample_path().with_name("exemple_graphiste.bak.xlsx").exists()


def _row_values(sheet, label: str) -> list[float]:
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == label:
            return [v for v in row[1:] if isinstance(v, int | float)]
    raise AssertionError(f"no row {label}")


def test_refresh_writes_engine_figures_and_highlights_low_month(tmp_path: Path):
    target = tmp_path / "classeur.xlsx"
    shutil.copyfile(sample_path(), target)
    result = run("refresh", str(target))
    assert result.exit_code == 0, result.output
    assert target.with_name("classeur.bak.xlsx").read_bytes() == sample_path().read_bytes()
    report = compute(read(sample_path()))
    plan = report.plan
    sheet = openpyxl.load_workbook(target)[contract.TAB_PREVISIONNEL]
    closing = _row_values(sheet, contract.LABEL_CLOSING)
    assert closing == [pytest.approx(plan.closing[m]) for m in plan.months]
    low = _row_values(sheet, contract.LABEL_LOW)
    assert low == [pytest.approx(plan.low[m]) for m in plan.months]
    flagged = [i for i, m in enumerate(plan.months) if plan.below[m]]
    assert flagged, "the sample must dip under its threshold once"
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "Poste")
    for i, month in enumerate(plan.months):
        cell = header_row[1 + i]
        assert cell.value.date() == month
        assert (cell.fill.fgColor.rgb[-6:] == "FFC7CE") is (i in flagged)
        assert cell.font.b


def test_bad_data_exit_1_one_line_per_problem_file_untouched(tmp_path: Path):
    path = bad_workbook(tmp_path / "mauvais.xlsx")
    before = digest(path)
    result = run("refresh", str(path))
    assert result.exit_code == 1
    plain = result.output.replace("\u00a0", " ")
    lines = [line for line in plain.splitlines() if line.strip()]
    assert len(lines) == 3
    assert any(
        "« Encaissements »" in x and "« Montant (€) »" in x and "douze euros" in x for x in lines
    )
    assert any("31/02/2026" in x and "« DATE »" in x for x in lines)
    assert any("Encaissé" in x and "« statut »" in x for x in lines)
    assert all("ligne " in x for x in lines)
    assert "Traceback" not in result.output
    assert digest(path) == before
    assert not path.with_name("mauvais.bak.xlsx").exists()
    check = run("check", str(path))
    assert check.exit_code == 1 and check.output == result.output


def test_check_on_sample_reports_its_controles_errors():
    # The sample shows Contrôles at work: one error (90-day terms), so exit 1; the 2027 VAT
    # threshold is only a forecast, a warning.
    result = run("check", str(sample_path()))
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Contrôles : 1 erreur, ")
    assert "« Factures », ligne 94 : " in result.output.replace("\u00a0", " ")
    assert "Aucune erreur" not in result.output


def test_two_refreshes_identical_and_user_parts_byte_identical(tmp_path: Path):
    target = tmp_path / "classeur.xlsx"
    shutil.copyfile(sample_path(), target)
    original = parts(target)
    assert run("refresh", str(target)).exit_code == 0
    first = parts(target)
    assert run("refresh", str(target)).exit_code == 0
    second = parts(target)
    assert first == second
    for name, data in original.items():
        if (
            name.startswith(("xl/worksheets/", "xl/drawings/", "xl/charts/", "xl/media/"))
            or name == "xl/sharedStrings.xml"
        ):
            assert second[name] == data, name
    generated = [n for n in second if n.startswith(GENERATED_PREFIX)]
    assert len(generated) >= 4


def test_locked_workbook_is_not_touched(tmp_path: Path):
    target = tmp_path / "classeur.xlsx"
    shutil.copyfile(sample_path(), target)
    before = digest(target)
    (tmp_path / "~$classeur.xlsx").write_bytes(b"lock")
    result = run("refresh", str(target))
    assert result.exit_code == 2
    assert "ouvert" in result.output and "rien n’a été modifié" in result.output.replace("'", "’")
    assert digest(target) == before


def test_init_copies_template_and_refuses_to_overwrite(tmp_path: Path):
    target = tmp_path / "nouveau.xlsx"
    assert run("init", str(target)).exit_code == 0
    assert target.read_bytes() == template_path().read_bytes()
    again = run("init", str(target))
    assert again.exit_code == 2 and "existe déjà" in again.output
    assert run("init", str(tmp_path / "x.txt")).exit_code == 2


def test_template_needs_settings_before_refresh(tmp_path: Path):
    target = tmp_path / "vierge.xlsx"
    run("init", str(target))
    result = run("refresh", str(target))
    assert result.exit_code == 1
    assert "Entreprise" in result.output and "Paramètres" in result.output


def test_relances_writes_eml_drafts(tmp_path: Path):
    out = tmp_path / "brouillons"
    result = run("relances", str(sample_path()), "--eml", str(out))
    assert result.exit_code == 0, result.output
    report = compute(read(sample_path()))
    expected = {r.facture: r for r in report.reminders if r.email}
    files = sorted(out.glob("*.eml"))
    assert len(files) == len(expected) > 0
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        reminder = expected[message["X-Treso-Facture"]]
        assert message["X-Unsent"] == "1"
        assert message["To"].addresses[0].addr_spec == reminder.email
        assert message["Subject"] == reminder.texte.subject
        body = message.get_body().get_content()
        assert reminder.facture in body
        assert f"{reminder.reste_du:,.2f}".replace(",", "\u202f").replace(".", ",") in body


def test_installed_entry_point_runs():
    exe = shutil.which("treso-xl")
    cmd = [exe] if exe else [sys.executable, "-m", "treso_xl"]
    done = subprocess.run([*cmd, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "treso-xl" in done.stdout


@pytest.mark.slow
def test_libreoffice_shows_engine_balances_and_highlight(tmp_path: Path):
    from libreoffice import convert, sheets_as_csv

    target = tmp_path / "exemple.xlsx"
    shutil.copyfile(sample_path(), target)
    assert run("refresh", str(target)).exit_code == 0
    plan = compute(read(sample_path())).plan
    sheets = sheets_as_csv(target, tmp_path / "csv")
    rows = sheets[contract.TAB_PREVISIONNEL]
    closing = next(r for r in rows if r and r[0] == contract.LABEL_CLOSING)
    values = [float(v) for v in closing[1 : 1 + len(plan.months)]]
    assert values == [pytest.approx(plan.closing[m], abs=0.005) for m in plan.months]
    for tab in contract.GENERATED_TABS:
        assert tab in sheets, tab
        assert any(any(cell.strip() for cell in row) for row in sheets[tab]), tab
    # LibreOffice re-saves what it loaded: the flagged month still carries the alert fill
    resaved = convert(target, "xlsx", tmp_path / "resaved")[0]
    sheet = openpyxl.load_workbook(resaved)[contract.TAB_PREVISIONNEL]
    header = next(r for r in sheet.iter_rows() if r[0].value == "Poste")
    fills = {c.value.date(): c.fill.fgColor.rgb[-6:] for c in header[1 : 1 + len(plan.months)]}
    assert {m for m, rgb in fills.items() if rgb.upper() == "FFC7CE"} == {
        m for m in plan.months if plan.below[m]
    }


def test_no_traceback_on_internal_error(monkeypatch, tmp_path: Path, capsys):
    import treso_xl.refresh as refresh_module
    from treso_xl.cli import main as main_module

    def boom(*_args, **_kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(refresh_module, "compute", boom)
    monkeypatch.delenv("TRESO_XL_DEBUG", raising=False)
    target = tmp_path / "c.xlsx"
    shutil.copyfile(sample_path(), target)
    monkeypatch.setattr(sys, "argv", ["treso-xl", "refresh", str(target)])
    with pytest.raises(SystemExit) as exit_info:
        main_module.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Erreur interne" in err and "panne simulée" in err and "Traceback" not in err
    assert target.read_bytes() == sample_path().read_bytes()
