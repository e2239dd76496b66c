"""Every generated tab printed by LibreOffice with French settings: A4, page budget, no ###,
no two text lines printed over each other (read from the PDF itself)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from treso_xl import contract
from treso_xl.refresh import refresh_file
from treso_xl.workbooks import sample_path

PROFILE = "file:///tmp/lo_13b"
A4 = (595.3, 841.9)
# pages each tab may take when the sample is printed
SAMPLE_BUDGET = {
    contract.TAB_TABLEAU_DE_BORD: 2,
    contract.TAB_PREVISIONNEL: 1,
    contract.TAB_BFR: 2,
    contract.TAB_DEPENSES: 2,
    contract.TAB_BALANCE_AGEE: 1,
    contract.TAB_RELANCES: 4,
    contract.TAB_COURRIERS: 6,
    contract.TAB_URSSAF: 1,
    contract.TAB_CONTROLES: 3,
}
FOOTER = re.compile(r"^(?P<tab>.+?) — actualisé le \d\d/\d\d/\d{4}$")


def _french_env() -> dict[str, str]:
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    if "fr_fr.utf8" not in locales and "fr_fr.utf-8" not in locales:
        pytest.skip("locale fr_FR.UTF-8 absente (scripts/test.sh la génère)")
    return {**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"}


def to_pdf(xlsx: Path, outdir: Path) -> Path:
    """The workbook printed to PDF by LibreOffice in French."""
    from libreoffice import soffice

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) absent")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={PROFILE}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(xlsx),
        ],
        env=_french_env(),
        capture_output=True,
        timeout=300,
        check=True,
    )
    return outdir / (xlsx.stem + ".pdf")


def pages(pdf: Path) -> list[dict]:
    """Each page: size, its text lines as (text, xmin, ymin, xmax, ymax), and its tab."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    xml = re.sub(r'\sxmlns="[^"]+"', "", xml, count=1)
    root = ElementTree.fromstring(xml)
    found = []
    for page in root.iter("page"):
        lines = []
        for line in page.iter("line"):
            words = [w.text or "" for w in line.iter("word")]
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append((" ".join(words), *box))
        tab = None
        for text, *_ in lines:
            match = FOOTER.match(text.strip())
            if match:
                tab = match.group("tab")
        found.append(
            {
                "size": (float(page.get("width")), float(page.get("height"))),
                "lines": lines,
                "tab": tab,
            }
        )
    return found


def overprints(lines: list[tuple]) -> list[tuple[str, str]]:
    """Pairs of text lines whose boxes overlap by more than a third of their height."""
    bad = []
    ordered = sorted(lines, key=lambda item: item[2])
    for i, (text, x0, y0, x1, y1) in enumerate(ordered):
        for other, a0, b0, a1, b1 in ordered[i + 1 :]:
            if b0 >= y1:
                break
            height = min(y1 - y0, b1 - b0)
            overlap_y = min(y1, b1) - max(y0, b0)
            overlap_x = min(x1, a1) - max(x0, a0)
            if overlap_y > height / 3 and overlap_x > 1.0:
                bad.append((text, other))
    return bad


def check_printout(pdf: Path, budget: dict[str, int]) -> dict[str, int]:
    """Assert the print rules on every page of the generated tabs; return pages per tab."""
    counts: dict[str, int] = {}
    for number, page in enumerate(pages(pdf), start=1):
        tab = page["tab"]
        if tab not in budget:
            continue
        counts[tab] = counts.get(tab, 0) + 1
        width, height = sorted(page["size"])
        assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2, (tab, number, page["size"])
        texts = [text for text, *_ in page["lines"]]
        assert not [t for t in texts if "###" in t], (tab, number)
        assert overprints(page["lines"]) == [], (tab, number, overprints(page["lines"])[:3])
    assert set(counts) == set(budget), counts
    over = {tab: n for tab, n in counts.items() if n > budget[tab]}
    assert over == {}, counts
    return counts


@pytest.mark.slow
def test_sample_prints_on_a4_within_budget_without_overprint(tmp_path: Path):
    target = tmp_path / "exemple.xlsx"
    shutil.copyfile(sample_path(), target)
    refresh_file(target)
    counts = check_printout(to_pdf(target, tmp_path / "pdf"), SAMPLE_BUDGET)
    assert counts[contract.TAB_RELANCES] <= 4


def _add_overdue_invoices(path: Path, count: int, clients: int) -> None:
    """Append `count` unpaid invoices, long past due, spread over `clients` clients."""
    book = openpyxl.load_workbook(path)
    sheet = book["Factures"]
    header_row = next(row for row in range(1, 10) if any(c.value for c in sheet[row]))
    headers = {str(c.value).strip(): c.column for c in sheet[header_row] if c.value}
    row = sheet.max_row + 1
    start = dt.date(2026, 3, 2)
    for i in range(count):
        k = i % clients
        values = {
            "N° facture": f"F2026-9{i:02d}",
            "Date": start + dt.timedelta(days=4 * i),
            "Client": f"Client numéro {k + 1} de la liste des retards",
            "Type de client": "Professionnel",
            "SIREN client": "732829320",
            "Email client": f"compta.client{k + 1}@example.fr",
            "Libellé": f"Illustrations pour la brochure numéro {i + 1}",
            "Montant": 150.0 + 37.5 * i,
            "Conditions de paiement": "30 jours",
        }
        for name, value in values.items():
            if name in headers:
                sheet.cell(row=row, column=headers[name], value=value)
        row += 1
    book.save(path)


@pytest.mark.slow
def test_forty_overdue_invoices_print_without_overprint(tmp_path: Path):
    target = tmp_path / "retards.xlsx"
    shutil.copyfile(sample_path(), target)
    _add_overdue_invoices(target, 40, 12)
    report, _ = refresh_file(target)
    assert len(report.reminders) >= 40
    budget = dict(SAMPLE_BUDGET)
    budget[contract.TAB_RELANCES] = 12
    budget[contract.TAB_COURRIERS] = 50
    budget[contract.TAB_BALANCE_AGEE] = 2
    budget[contract.TAB_CONTROLES] = 6
    check_printout(to_pdf(target, tmp_path / "pdf"), budget)


@pytest.mark.slow
def test_accountants_export_prints_on_a4_without_overprint(tmp_path: Path):
    from treso_xl.export.workbook import export_workbook

    source = tmp_path / "exemple.xlsx"
    shutil.copyfile(sample_path(), source)
    result = export_workbook(source, tmp_path / "export.xlsx")
    found = pages(to_pdf(result.path, tmp_path / "pdf"))
    tabs = {page["tab"] for page in found}
    # every sheet, the copied input sheets included, carries the footer
    assert None not in tabs and {"Factures", "Paramètres", contract.TAB_RELANCES} <= tabs
    for number, page in enumerate(found, start=1):
        width, height = sorted(page["size"])
        assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2, (page["tab"], number)
        assert not [t for t, *_ in page["lines"] if "###" in t], (page["tab"], number)
        assert overprints(page["lines"]) == [], (page["tab"], number, overprints(page["lines"])[:3])
