"""Drives a real headless LibreOffice for tests: convert a workbook to CSV (every sheet) or PDF."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# CSV filter: comma, double quote, UTF-8, from line 1, raw values (not as shown), every sheet
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice() -> str:
    """Path of LibreOffice; skips the test when absent, except in CI where it must be there."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(
            "LibreOffice (soffice) est introuvable alors que CI=true : .ci/run doit l'installer."
        )
    pytest.skip("LibreOffice n'est pas installé")
    raise AssertionError  # unreachable


def convert(source: Path, target_format: str, outdir: Path, timeout: float = 180) -> list[Path]:
    """Run `soffice --headless --convert-to` with a throwaway profile; return the new files."""
    exe = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    before = set(outdir.iterdir())
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target_format,
                "--outdir",
                str(outdir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    created = sorted(set(outdir.iterdir()) - before)
    assert result.returncode == 0 and created, (
        f"LibreOffice n'a pas converti {source.name}: {result.stdout} {result.stderr}"
    )
    return created


def sheets_as_csv(source: Path, outdir: Path) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as LibreOffice computes and reads it, by sheet name."""
    files = convert(source, CSV_ALL_SHEETS, outdir)
    sheets = {}
    prefix = source.stem + "-"
    for path in files:
        name = path.stem[len(prefix) :] if path.stem.startswith(prefix) else path.stem
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[name] = list(csv.reader(handle))
    return sheets
