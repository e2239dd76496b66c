"""Registers fed by the Mode de paiement / Référence columns and the paid supplier bills."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
from ledger_factory import make_ledger

from treso_xl.export.layouts import NO_PURCHASE_REGISTER, TAB_SOMMAIRE, parametres_layout
from treso_xl.export.registers import Period, livre_des_recettes, registre_des_achats
from treso_xl.export.workbook import export_workbook
from treso_xl.refresh import read
from treso_xl.workbooks import sample_path

D = dt.date
PERIOD = Period(D(2026, 1, 1), D(2026, 6, 30))


def _ledger():
    return make_ledger(
        {
            "activite": "Vente de marchandises",
            "date_solde": D(2025, 12, 31),
            "date_reference": D(2026, 6, 30),
        },
        encaissements=[
            {
                "date": D(2026, 2, 3),
                "libelle": "Vente marché",
                "montant": 80.0,
                "statut": "Réalisé",
                "mode_paiement": "Carte",
                "reference": "TPE-0203",
            },
            {
                "date": D(2026, 3, 9),
                "libelle": "Chèque Durand",
                "montant": 500.0,
                "statut": "Réalisé",
                "facture": "F-1",
                "mode_paiement": "Chèque",
            },
        ],
        factures=[
            {
                "facture": "F-1",
                "date": D(2026, 2, 1),
                "client": "Durand",
                "montant": 500.0,
                "mode_paiement": "Virement",
            },
        ],
        decaissements=[
            {
                "date": D(2026, 1, 15),
                "libelle": "Emballages",
                "fournisseur": "Cartonnier",
                "montant": 60.0,
                "categorie": "Achats",
                "statut": "Réalisé",
                "mode_paiement": "Prélèvement",
                "reference": "PRLV-77",
            },
            # names bill B-2, paid on its own date: the bill is listed once, with this mode
            {
                "date": D(2026, 4, 2),
                "libelle": "Règlement grossiste",
                "fournisseur": "Grossiste",
                "montant": 300.0,
                "categorie": "Achats",
                "statut": "Réalisé",
                "facture": "B-2",
                "mode_paiement": "Virement",
            },
            # names no bill but is bill B-3's payment (same supplier, amount, day)
            {
                "date": D(2026, 5, 5),
                "libelle": "Papier",
                "fournisseur": "Papeterie",
                "montant": 45.5,
                "categorie": "Achats",
                "statut": "Réalisé",
            },
        ],
        fournisseurs=[
            {
                "numero": "B-1",
                "date": D(2026, 2, 10),
                "fournisseur": "Grossiste",
                "montant": 410.0,
                "date_paiement": D(2026, 3, 10),
            },
            {
                "numero": "B-2",
                "date": D(2026, 3, 1),
                "fournisseur": "Grossiste",
                "montant": 300.0,
                "date_paiement": D(2026, 4, 2),
            },
            {
                "numero": "B-3",
                "date": D(2026, 4, 5),
                "fournisseur": "Papeterie",
                "montant": 45.5,
                "date_paiement": D(2026, 5, 5),
            },
            {
                "numero": "B-4",
                "date": D(2026, 6, 1),
                "fournisseur": "Grossiste",
                "montant": 99.0,
            },  # unpaid: not a purchase paid yet
        ],
    )


def test_livre_des_recettes_uses_the_rows_mode_and_reference():
    book = livre_des_recettes(_ledger(), PERIOD)
    assert list(zip(book["mode"], book["reference"], strict=True)) == [
        ("Carte", "TPE-0203"),
        ("Chèque", "F-1"),  # the row's mode wins over the invoice's
    ]


def test_registre_des_achats_lists_each_paid_bill_once():
    book = registre_des_achats(_ledger(), PERIOD)
    rows = list(
        zip(book["date"].dt.date, book["montant"], book["mode"], book["reference"], strict=True)
    )
    assert rows == [
        (D(2026, 1, 15), 60.0, "Prélèvement", "PRLV-77"),
        (D(2026, 3, 10), 410.0, "", "B-1"),
        (D(2026, 4, 2), 300.0, "Virement", "B-2"),
        (D(2026, 5, 5), 45.5, "", "B-3"),
    ]
    assert round(book["montant"].sum(), 2) == 815.5


def test_sample_registre_des_achats_has_the_paid_merchandise_bills():
    ledger = read(sample_path())
    end = ledger.params.date_reference
    book = registre_des_achats(ledger, Period(D(end.year, 1, 1), end))
    bills = book.loc[book["origine"].str.startswith("Fournisseurs")]
    assert len(bills) == 5
    assert round(bills["montant"].sum(), 2) == 2243.80


def test_services_export_says_why_no_purchase_register(tmp_path):
    source = tmp_path / "exemple.xlsx"
    shutil.copy(sample_path(), source)
    result = export_workbook(source)
    wb = openpyxl.load_workbook(result.path)
    assert "Registre des achats" not in wb.sheetnames
    texts = [c for row in wb[TAB_SOMMAIRE].iter_rows(values_only=True) for c in row if c]
    assert NO_PURCHASE_REGISTER in texts


def test_parametres_say_the_default_penalty_rate_applied():
    ledger = make_ledger({"date_reference": D(2025, 9, 1)})
    sheet = parametres_layout(ledger.params)
    texts = [cell.value for cell in sheet.cells.values() if isinstance(cell.value, str)]
    assert any("12,15\u00a0%" in t and "01/09/2025" in t and "par défaut" in t for t in texts)
