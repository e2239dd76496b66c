"""`treso-xl batch`: a folder of workbooks refreshed in a pool, one summary, failures isolated."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from workbook_factory import good_sheets, write_workbook

from treso_xl.batch import HEADERS, SUMMARY_NAME, run_batch, workbooks
from treso_xl.core.checks import ERREUR
from treso_xl.core.dashboard import key_figures
from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path


def _batch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TRESO_XL_PROGRESS_DELAY="60")
    command = [sys.executable, "-m", "treso_xl", "batch", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def _data_errors(path: Path) -> Path:
    sheets = good_sheets()
    sheets["Encaissements"].append(
        [None, dt.datetime(2026, 3, 1), "Vente", None, "douze euros", None, None]
    )
    sheets["Encaissements"].append([None, "31/02/2026", "Vente", None, 100, None, None])
    return write_workbook(path, sheets)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good clients, one corrupt file, one with data errors, plus files to leave alone."""
    clients = tmp_path / "clients"
    clients.mkdir()
    for name in ("alpha.xlsx", "beta.xlsx", "gamma.xlsm"):
        shutil.copy(sample_path(), clients / name)
    (clients / "corrompu.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    _data_errors(clients / "erreurs.xlsx")
    (clients / "notes.txt").write_text("pas un classeur")
    shutil.copy(sample_path(), clients / "alpha.bak.xlsx")  # a backup is not a client
    return clients


def _rows(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Synthèse").to_python()


def test_workbooks_listed_without_backups_locks_and_summary(folder: Path) -> None:
    (folder / "~$alpha.xlsx").write_bytes(b"owner")
    summary = folder / SUMMARY_NAME
    summary.write_bytes(b"")
    names = [path.name for path in workbooks(folder, exclude=(summary,))]
    assert names == ["alpha.xlsx", "beta.xlsx", "corrompu.xlsx", "erreurs.xlsx", "gamma.xlsm"]


def test_batch_refreshes_the_good_and_reports_the_bad(folder: Path, tmp_path: Path) -> None:
    corrupt = (folder / "corrompu.xlsx").read_bytes()
    wrong = (folder / "erreurs.xlsx").read_bytes()
    result = _batch(str(folder), "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 2, result.stderr  # one file could not be read
    assert result.stderr == ""  # no progress for a short job, no traceback
    out = result.stdout
    assert "5 classeurs\u00a0: 3 actualisés, 1 avec des données à corriger, 1 en échec." in out
    assert "corrompu.xlsx\u00a0: échec — " in out
    assert "erreurs.xlsx\u00a0: données à corriger — " in out

    rows = _rows(folder / SUMMARY_NAME)
    assert tuple(rows[0]) == HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == [
        "alpha.xlsx",
        "beta.xlsx",
        "corrompu.xlsx",
        "erreurs.xlsx",
        "gamma.xlsm",
    ]

    report = compute(read(sample_path()))
    figures = key_figures(report.plan, report.ledger.params.date_reference, 0.0, None)
    for name in ("alpha.xlsx", "beta.xlsx", "gamma.xlsm"):
        row = by_name[name]
        assert row[1] == "Actualisé"
        assert row[2] == pytest.approx(figures.balance_today)
        assert row[3] == figures.lowest_month
        assert row[4] == pytest.approx(figures.lowest_balance)
        assert row[5] == pytest.approx(figures.overdue_total)
        assert row[6] == sum(1 for f in report.findings if f.gravite == ERREUR)
        assert (folder / name.replace(".xls", ".bak.xls")).is_file()  # the usual backup
        sheets = CalamineWorkbook.from_path(str(folder / name)).sheet_names
        assert "Prévisionnel" in sheets

    assert by_name["corrompu.xlsx"][1] == "Échec"
    assert "corrompu.xlsx" in by_name["corrompu.xlsx"][7]
    assert by_name["erreurs.xlsx"][1] == "Données à corriger"
    assert by_name["erreurs.xlsx"][6] == 2  # both bad cells counted
    assert "douze euros" in by_name["erreurs.xlsx"][7]
    assert (folder / "corrompu.xlsx").read_bytes() == corrupt  # failures touch nothing
    assert (folder / "erreurs.xlsx").read_bytes() == wrong
    assert not (folder / "erreurs.bak.xlsx").exists()


def test_output_folder_leaves_the_originals_alone(folder: Path, tmp_path: Path) -> None:
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    out = tmp_path / "actualises"
    summary = tmp_path / "synthese.xlsx"
    result = _batch(
        str(folder), "--dossier-sortie", str(out), "--sortie", str(summary), cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert sorted(path.name for path in out.iterdir()) == ["alpha.xlsx", "beta.xlsx", "gamma.xlsm"]
    assert [row[1] for row in _rows(summary)[1:]].count("Actualisé") == 3


def test_a_workbook_open_elsewhere_is_one_failure(folder: Path, tmp_path: Path) -> None:
    (folder / "corrompu.xlsx").unlink()
    (folder / "erreurs.xlsx").unlink()
    (folder / ".~lock.beta.xlsx#").write_text("someone,host,;")  # open in LibreOffice
    result = _batch(str(folder), "-j", "1", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    rows = {row[0]: row for row in _rows(folder / SUMMARY_NAME)[1:]}
    assert rows["beta.xlsx"][1] == "Échec" and "LibreOffice" in rows["beta.xlsx"][7]
    assert rows["alpha.xlsx"][1] == rows["gamma.xlsm"][1] == "Actualisé"


def test_all_refreshed_exits_0(tmp_path: Path) -> None:
    clients = tmp_path / "c"
    clients.mkdir()
    shutil.copy(sample_path(), clients / "seul.xlsx")
    result = _batch(str(clients), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 classeur\u00a0: 1 actualisé." in result.stdout


def test_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = _batch(str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "Aucun classeur" in result.stderr


def test_run_batch_keeps_the_order_and_counts(folder: Path) -> None:
    told: list[tuple[int, int]] = []
    sources = workbooks(folder)
    outcomes = run_batch(sources, jobs=2, done=lambda n, total: told.append((n, total)))
    assert [o.fichier for o in outcomes] == [p.name for p in sources]
    assert told[-1] == (5, 5) and len(told) == 5
