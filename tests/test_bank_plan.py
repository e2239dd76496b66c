"""A workbook with an imported Banque sheet, refreshed for real: the plan checked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.workbook_factory import write_workbook
from treso_xl.reading.problems import InputError
from treso_xl.reading.workbook import read_ledger
from treso_xl.refresh import refresh_file

D = dt.datetime
BANQUE_HEADER = [
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
ACCOUNT = "FR7630006000011234567890189"


def bank(rows: list[tuple]) -> list[list[object]]:
    """Rows as the import writes them: Réf. banque and Compte filled, a balance after each."""
    out: list[list[object]] = [BANQUE_HEADER]
    for n, (when, label, amount, category, balance) in enumerate(rows, start=1):
        out.append([when, label, amount, f"OP{n:05d}", ACCOUNT, category, None, None, balance])
    return out


def sheets() -> dict[str, list[list[object]]]:
    return {
        "Paramètres": [
            ["Paramètre", "Valeur"],
            ["Entreprise", "Atelier Test"],
            ["Activité", "Prestations de services BNC"],
            ["Déclaration URSSAF", "Mensuelle"],
            ["Solde initial", 3000],
            ["Date du solde initial", D(2025, 12, 31)],
            ["Date de référence", D(2026, 2, 5)],
            ["Horizon (mois)", 3],
        ],
        "Encaissements": [
            ["Date", "Libellé", "Client", "Montant", "Catégorie", "Statut"],
            [D(2026, 1, 10), "Vente en ligne", "Stripe", 150, "Ventes", "Réalisé"],
        ],
        "Décaissements": [
            ["Date", "Libellé", "Fournisseur", "Montant", "Catégorie", "Récurrence", "Statut"],
            [D(2026, 1, 1), "Loyer atelier", "SCI Les Tilleuls", 500, "Loyer", "Mensuelle", None],
            [D(2026, 1, 5), "Abonnement logiciel", "Adobe", 30, "Abonnement", "Mensuelle", None],
        ],
        "Factures": [
            ["N° facture", "Date", "Client", "Montant", "Échéance"],
            ["F2026-001", D(2026, 1, 5), "Dupont SARL", 1200, D(2026, 2, 4)],
            ["F2026-002", D(2026, 1, 10), "Martin", 800, D(2026, 2, 9)],
            ["F2026-003", D(2026, 1, 20), "Durand", 600, D(2026, 3, 19)],
        ],
        "Banque": bank(
            [
                (D(2026, 1, 2), "PRLV SEPA SCI LES TILLEULS LOYER", -500, "Loyer", 2500),
                (D(2026, 1, 5), "PRLV SEPA ADOBE", -30, "Abonnement", 2470),
                (D(2026, 1, 12), "VIR STRIPE PAYOUT", 150, None, 2620),
                (D(2026, 1, 20), "PRLV URSSAF", -100, "URSSAF", 2520),
                (D(2026, 1, 25), "VIR APPORT PERSONNEL", 1000, "Apport", 3520),
                (D(2026, 2, 2), "PRLV SEPA SCI LES TILLEULS LOYER", -500, "Loyer", 3020),
                (D(2026, 2, 3), "VIR SEPA DUPONT SARL FACT F2026-001", 1200, None, 4220),
                (D(2026, 2, 4), "PRLV SEPA ADOBE", -30, "Abonnement", 4190),
                (D(2026, 2, 4), "VIR MARTIN ACOMPTE F2026-002", 300, None, 4490),
            ]
        ),
    }


def prevision(path: Path) -> dict[str, list[float]]:
    """Prévisionnel's rows by label, the three month columns."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book["Prévisionnel"]
    rows: dict[str, list[float]] = {}
    for row in sheet.iter_rows(values_only=True):
        if isinstance(row[0], str) and row[0].strip():
            rows[row[0].strip()] = [v or 0.0 for v in row[1:4]]
    return rows


def test_import_then_refresh_hand_computed_plan(tmp_path):
    source = write_workbook(tmp_path / "classeur.xlsx", sheets())
    report, written = refresh_file(source, tmp_path / "rafraichi.xlsx")

    # Hand computation.
    # The bank's last balance: 4 490,00 € at the end of 04/02/2026 (two lines that day, the
    # last one in sheet order), newer than Paramètres' 31/12/2025: the plan opens on it and
    # runs February, March, April 2026. Everything up to 04/02 is history.
    # Reconciliation: rent and subscription of January and February realised by the bank
    # (forecasts ±10 days), the typed sale of 10/01 is the Stripe line of 12/01, F2026-001 paid
    # in full on 03/02, F2026-002 paid 300 on 04/02 (500 left, due 09/02, still expected).
    # Turnover by month (URSSAF BNC 2026: 25,6 % + CFP 0,2 % = 25,8 %, the Apport excluded):
    #   January 150,00 -> 38,70 € due at the end of February: 28/02/2026 is a Saturday, so
    #   the next working day, Monday 02/03;
    #   February 1 200 + 300 + 500 (F2026-002's rest on 09/02) = 2 000 -> 516,00 € end of March;
    #   March 600 (F2026-003 due 19/03) -> 154,80 € end of April.
    # February: 4 490,00 + 500,00 = 4 990,00
    #   (the February rent, 01/02, and subscription, 05/02, were paid on 02/02 and 04/02)
    # March:    4 990,00 + 600,00 - 500,00 (rent 01/03) - 30,00 (05/03) - 38,70 (02/03)
    #           - 516,00 (31/03) = 4 505,30
    # April:    4 505,30 - 500,00 (01/04) - 30,00 (05/04) - 154,80 = 3 820,50
    plan = report.plan
    assert plan.date_solde == dt.date(2026, 2, 4)
    assert plan.months == [dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    assert plan.opening.tolist() == [4490.0, 4990.0, 4505.30]
    assert plan.total_in.tolist() == [500.0, 600.0, 0.0]
    assert plan.total_out.tolist() == [0.0, 1084.70, 684.80]
    assert plan.closing.tolist() == [4990.0, 4505.30, 3820.50]

    rows = prevision(written)
    assert rows["Solde d'ouverture"] == [4490.0, 4990.0, 4505.30]
    assert rows["Solde de clôture"] == [4990.0, 4505.30, 3820.50]
    assert rows["Loyer"] == [0.0, 500.0, 500.0]
    assert rows["Abonnement"] == [0.0, 30.0, 30.0]
    book = openpyxl.load_workbook(written, data_only=True)
    header = book["Prévisionnel"]["A2"].value
    assert header.startswith("Solde d'ouverture : relevé bancaire du 04/02/2026, 4\u202f490,00")

    # invoices: F2026-001 paid, F2026-002 partly, F2026-003 open
    rest = dict(zip(report.positions["facture"], report.positions["reste_du"], strict=True))
    assert rest == {"F2026-001": 0.0, "F2026-002": 500.0, "F2026-003": 600.0}

    # the Rapprochement tab, written after the others, lists every line once
    assert book.sheetnames[-1] == "Rapprochement"
    tab = book["Rapprochement"]
    texts = [str(c) for row in tab.iter_rows(values_only=True) for c in row if c is not None]
    assert any(t.startswith("Rapprochements : 7") for t in texts)
    assert any(t.startswith("Lignes non rapprochées (comptées telles quelles) : 2") for t in texts)
    assert "montant et n° de facture F2026-001 dans le libellé" in texts
    assert any("paiement partiel, reste 500,00" in t for t in texts)


def test_workbook_without_banque_unchanged_by_an_empty_banque(tmp_path):
    base = sheets()
    del base["Banque"]
    report_a, _ = refresh_file(write_workbook(tmp_path / "a.xlsx", base), tmp_path / "a2.xlsx")
    base["Banque"] = [BANQUE_HEADER]
    report_b, _ = refresh_file(write_workbook(tmp_path / "b.xlsx", base), tmp_path / "b2.xlsx")
    assert report_a.plan.closing.tolist() == report_b.plan.closing.tolist()
    assert [t.name for t in report_a.layouts] == [t.name for t in report_b.layouts]
    assert "Rapprochement" not in [t.name for t in report_b.layouts]


def test_bank_sheet_typed_by_hand_is_validated(tmp_path):
    book = sheets()
    book["Banque"] = [
        ["date", "LIBELLE", "Montant (€)", "statut du rapprochement"],
        ["03/02/2026", "CB papeterie", "-12,50", "ignoré"],
        [D(2026, 2, 4), "VIR client", "douze", None],
        [D(2026, 2, 5), "VIR client", 10, "Peut-être"],
    ]
    with pytest.raises(InputError) as caught:
        read_ledger(write_workbook(tmp_path / "c.xlsx", book))
    problems = [(p.sheet, p.row, p.column, p.value) for p in caught.value.problems]
    assert problems == [
        ("Banque", 3, "Montant (€)", "douze"),
        ("Banque", 4, "statut du rapprochement", "Peut-être"),
    ]
    book["Banque"] = book["Banque"][:2]
    ledger = read_ledger(write_workbook(tmp_path / "d.xlsx", book))
    assert ledger.banque["montant"].tolist() == [-12.5]
    assert ledger.banque["statut_rapprochement"].tolist() == ["Ignoré"]
    assert ledger.banque["ligne"].tolist() == [2]


@pytest.mark.slow
def test_rapprochement_prints_on_a4_without_overprint(tmp_path):
    from tests.test_print_pdf import check_printout, to_pdf

    book = sheets()
    # an ambiguous credit (two invoices of one client, same amount) and an unknown invoice
    book["Factures"] += [
        ["F2026-010", D(2026, 1, 6), "Leroy Conseil", 450, D(2026, 2, 5)],
        ["F2026-011", D(2026, 1, 7), "Leroy Conseil", 450, D(2026, 2, 6)],
    ]
    book["Banque"] += [
        [D(2026, 2, 4), "VIR SEPA LEROY CONSEIL", 450, "OP1", ACCOUNT, None, None, None, None],
        [D(2026, 2, 4), "REMISE CHEQUE", 80, "OP2", ACCOUNT, None, "F-404", None, None],
    ]
    source = write_workbook(tmp_path / "classeur.xlsx", book)
    refresh_file(source)
    counts = check_printout(
        to_pdf(source, tmp_path / "pdf"), {"Rapprochement": 1, "Prévisionnel": 1}
    )
    assert counts == {"Rapprochement": 1, "Prévisionnel": 1}


def test_live_excel_reads_banque_and_writes_rapprochement():
    import xlwings_standin as standin

    from treso_xl.excel.read_xlwings import read_ledger_from_book
    from treso_xl.excel.render_xlwings import write_layouts
    from treso_xl.refresh import compute

    book = standin.new_book(sheets())
    ledger = read_ledger_from_book(book)
    assert len(ledger.banque) == 9
    report = compute(ledger)
    assert report.plan.closing.tolist() == [4990.0, 4505.30, 3820.50]  # as from the file
    write_layouts(book, report.layouts)
    assert book.sheet_names[-1] == "Rapprochement"
    grid = standin.sheet_data(book, "Rapprochement").grid()
    assert grid[0][0] == "Rapprochement bancaire"
    assert any(row and row[0] == "Rapprochements : 7" for row in grid)


def test_statement_imported_by_the_importer_then_refresh(tmp_path):
    """The real import (bank/importer.py) writes Banque; the refresh gives the hand-computed
    plan of `test_import_then_refresh_hand_computed_plan` (categories from the default rules)."""
    from decimal import Decimal

    from treso_xl.bank.importer import import_statements
    from treso_xl.bank.statement import Balance, BankLine, Statement

    book = sheets()
    typed = book.pop("Banque")[1:]
    source = write_workbook(tmp_path / "classeur.xlsx", book)
    lines = tuple(
        BankLine(row[0].date(), row[1], Decimal(str(row[2])), row[3], balance_after=Decimal(row[8]))
        for row in typed
    )
    statement = Statement(
        "releve.ofx", "OFX", "", lines=lines, closing=Balance(dt.date(2026, 2, 4), Decimal(4490))
    )
    import_statements(source, [statement])
    ledger = read_ledger(source)
    assert len(ledger.banque) == 9
    assert ledger.banque["solde"].iloc[-1] == 4490.0
    report, _ = refresh_file(source)
    assert report.plan.date_solde == dt.date(2026, 2, 4)
    assert report.plan.opening.tolist() == [4490.0, 4990.0, 4505.30]
    assert report.plan.closing.tolist() == [4990.0, 4505.30, 3820.50]
    # a second refresh gives the same plan (Banque is never rewritten by the refresh)
    again, _ = refresh_file(source)
    assert again.plan.closing.tolist() == [4990.0, 4505.30, 3820.50]
