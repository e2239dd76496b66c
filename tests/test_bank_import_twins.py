"""The same statement downloaded in two formats: its lines have other ids, so the import says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl

from tests.workbook_factory import good_sheets, write_workbook
from treso_xl.bank.importer import import_statements
from treso_xl.bank.statement import BankLine, Statement

LINES = (
    (dt.date(2026, 3, 2), "PRLV SEPA URSSAF", Decimal("-412.00")),
    (dt.date(2026, 3, 5), "VIR SEPA RECU ACME SARL FACTURE F2026-014", Decimal("1500.00")),
)


def _statement(source: str, fmt: str, with_ids: bool) -> Statement:
    lines = tuple(
        BankLine(date=d, label=label, amount=amount, bank_ref=f"FIT{n}" if with_ids else "")
        for n, (d, label, amount) in enumerate(LINES, start=1)
    )
    return Statement(source=source, format=fmt, account="", lines=lines)


def test_a_statement_imported_again_in_another_format_is_said_not_dropped(tmp_path: Path):
    book = write_workbook(tmp_path / "classeur.xlsx", good_sheets())
    first = import_statements(book, [_statement("mars.ofx", "OFX", True)])
    assert first.added == 2
    assert not any("autre référence" in line for line in first.lines())
    second = import_statements(book, [_statement("mars.csv", "CSV", False)])
    # other ids: added (two identical payments in one day are real), and said with the rows
    assert second.added == 2
    said = [line for line in second.lines() if "autre référence" in line]
    assert len(said) == 1, second.lines()
    assert "2 opérations ajoutées ont la date et le montant" in said[0]
    assert "lignes 2 et 3" in said[0]
    assert "Ignoré" in said[0]
    rows = list(openpyxl.load_workbook(book)["Banque"].iter_rows(min_row=2, values_only=True))
    assert len([r for r in rows if r[0]]) == 4
