"""A workbook after an import opens in a real LibreOffice with every line where it was written."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from libreoffice import sheets_as_csv

from treso_xl.bank.importer import import_statements
from treso_xl.bank.statement import Balance, BankLine, Statement
from treso_xl.workbooks import sample_path

pytestmark = pytest.mark.slow


def test_libreoffice_reads_the_imported_lines(tmp_path: Path):
    book = tmp_path / "classeur.xlsx"
    shutil.copy(sample_path(), book)
    hostile = '=HYPERLINK("http://evil.example";"clic")'
    first = Statement(
        "mars.ofx",
        "OFX",
        "",
        lines=(
            BankLine(dt.date(2026, 3, 2), "PRLV SEPA URSSAF", Decimal("-512.40"), "F1"),
            BankLine(dt.date(2026, 3, 3), hostile, Decimal("1200"), "F2"),
        ),
        closing=Balance(dt.date(2026, 3, 3), Decimal("2000")),
    )
    second = Statement(
        "avril.ofx",
        "OFX",
        "",
        lines=(
            BankLine(dt.date(2026, 3, 3), hostile, Decimal("1200"), "F2"),
            BankLine(dt.date(2026, 4, 1), "PRLV LOYER", Decimal("-450"), "F3"),
        ),
    )
    import_statements(book, [first])
    import_statements(book, [second])  # the append path too
    sheets = sheets_as_csv(book, tmp_path / "csv")
    banque = sheets["Banque"]
    assert banque[0][:4] == ["Date", "Libellé", "Montant", "Réf. banque"]
    assert [row[1] for row in banque[1:4]] == ["PRLV SEPA URSSAF", hostile, "PRLV LOYER"]
    assert [row[5] for row in banque[1:4]] == ["URSSAF", "", "Loyer"]
    assert banque[1][2] in ("-512.4", "-512.40", "-512,40", "-512,4")
    assert banque[1][8] in ("800", "800.00", "800,00")  # 2000 - 1200, the closing backwards
    assert "Règles bancaires" in sheets and sheets["Règles bancaires"][1][0]
    assert "Paramètres" in sheets  # the user's sheets are still there and readable
