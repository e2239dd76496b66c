"""Hand-computed working capital: receivables, stock, payables, DSO/DPO/DIO, levers, BFR tab."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from ledger_factory import make_ledger

from treso_xl import contract
from treso_xl.core.aging import aging
from treso_xl.core.bfr import (
    DEPOSIT,
    DORMANT_STOCK,
    SUPPLIER_TERMS,
    WorkingCapital,
    dormant_mask,
    financing_gap_levers,
    working_capital,
)
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.money import whole_days
from treso_xl.layout.bfr import LEVER_HEADERS, NOT_AVAILABLE, bfr_layout

D = dt.date
REF = D(2026, 6, 30)  # 12-month window: 01/07/2025 to 30/06/2026; 90 days before: 01/04/2026

FACTURES = [
    # paid in full: in the 12-month sales, not in the receivables
    {"facture": "F1", "date": D(2026, 1, 15), "client": "A", "montant": 3000.0,
     "date_paiement": D(2026, 2, 20)},
    # 900 paid of 2 400: 1 500 due, 51 days late
    {"facture": "F2", "date": D(2026, 4, 10), "client": "B", "montant": 2400.0,
     "echeance": D(2026, 5, 10), "date_paiement": D(2026, 5, 20), "montant_paye": 900.0},
    # not yet due; names the ongoing project « Site vitrine »
    {"facture": "F3", "date": D(2026, 6, 15), "client": "C", "montant": 1200.0,
     "libelle": "Site vitrine - acompte", "echeance": D(2026, 7, 15)},
    # exactly one year before the reference date: a receivable, outside the 12-month sales
    {"facture": "F4", "date": D(2025, 6, 30), "client": "D", "montant": 700.0},
]  # fmt: skip
FOURNISSEURS = [
    # paid 45 days after the bill (01/02 -> 01/03 is 28 days, + 17)
    {"numero": "S1", "date": D(2026, 2, 1), "fournisseur": "X", "montant": 1000.0,
     "date_paiement": D(2026, 3, 18)},
    # paid 15 days after the bill
    {"numero": "S2", "date": D(2026, 5, 1), "fournisseur": "Y", "montant": 2650.0,
     "date_paiement": D(2026, 5, 16)},
    # unpaid: the only payable
    {"numero": "S3", "date": D(2026, 6, 10), "fournisseur": "X", "montant": 1000.0},
]  # fmt: skip
STOCK = [
    # 40 × 4,50 = 180,00; sold 10 days ago
    {"article": "Tasse", "quantite": 40.0, "cout_unitaire": 4.5,
     "derniere_vente": D(2026, 6, 20), "ventes_90j": 30.0},
    # 5 × 22,00 = 110,00; last sale exactly 90 days ago: not dormant
    {"article": "Théière", "quantite": 5.0, "cout_unitaire": 22.0,
     "derniere_vente": D(2026, 4, 1), "ventes_90j": 2.0},
    # 12 × 15,25 = 183,00; last sale 91 days ago: dormant
    {"article": "Plateau", "quantite": 12.0, "cout_unitaire": 15.25,
     "derniere_vente": D(2026, 3, 31), "ventes_90j": 0.0},
]  # fmt: skip
PROJETS = [
    # delivered after the reference date: 4 000 − 1 200 already invoiced (F3) = 2 800
    {"projet": "Site vitrine", "client": "C", "montant_total": 4000.0,
     "debut": D(2026, 6, 1), "livraison": D(2026, 9, 30)},
    # already delivered: not counted
    {"projet": "Logo", "client": "E", "montant_total": 900.0,
     "debut": D(2026, 5, 1), "livraison": D(2026, 6, 15)},
]  # fmt: skip


def _result(ledger) -> WorkingCapital:
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    return working_capital(ledger, positions)


def _full_ledger(**overrides):
    tables = {
        "factures": FACTURES,
        "fournisseurs": FOURNISSEURS,
        "stock": STOCK,
        "projets": PROJETS,
    }
    tables.update(overrides)
    return make_ledger(params={"date_reference": REF}, **tables)


def test_balances_and_ratios_to_the_cent_and_day():
    ledger = _full_ledger()
    r = _result(ledger)
    assert r.creances == 3400.00  # 1 500 (F2) + 1 200 (F3) + 700 (F4)
    assert r.stocks == 473.00  # 180 + 110 + 183
    assert r.dettes == 1000.00  # S3
    assert r.bfr == 2873.00  # 3 400 + 473 − 1 000
    assert r.ventes_12m == 6600.00  # F1 + F2 + F3 (F4 is dated 30/06/2025, outside)
    assert r.achats_12m == 4650.00
    assert r.cout_ventes_annuel == 725.94  # (30 × 4,50 + 2 × 22) × 365 / 90 = 179 × 365 / 90
    assert r.bfr_jours == 159  # 2 873 / 6 600 × 365 = 158,89
    assert r.dso == 188  # 3 400 / 6 600 × 365 = 188,03
    assert r.dpo == 78  # 1 000 / 4 650 × 365 = 78,49
    assert r.dio == 238  # 473 / 725,94 × 365 = 473 × 90 / 179 = 237,82
    assert r.raisons == {}
    assert r.notes == () and r.feuilles_absentes == ()


def test_creances_equal_the_aging_total():
    ledger = _full_ledger()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    assert working_capital(ledger, positions).creances == aging(positions, REF).total["Total"]


def test_levers_to_the_cent():
    r = _result(_full_ledger())
    assert r.non_echu == 1200.00  # F3
    assert r.projets_a_facturer == 2800.00
    assert r.delai_fournisseurs == 30  # (45 + 15) / 2
    assert r.stock_dormant == 183.00 and r.articles_dormants == ("Plateau",)
    levers = financing_gap_levers(r)
    assert levers == {
        DEPOSIT: 1200.00,  # 30 % × (1 200 + 2 800)
        SUPPLIER_TERMS: 382.19,  # (60 − 30) × 4 650 / 365 = 382,1918
        DORMANT_STOCK: 183.00,
    }
    assert r.total_levers == 1765.19
    deposit, suppliers, dormant = r.levers
    assert [lever.levier for lever in r.levers] == [
        "Encaisser plus vite",
        "Payer plus tard",
        "Stocker moins",
    ]
    assert "DSO : 188 jours" in deposit.situation
    assert "3\u202f400,00\u00a0€" in deposit.situation
    assert "30\u00a0%" in deposit.action and "J+15" in deposit.action
    assert "lien de paiement" in deposit.action
    assert "DPO : 78 jours" in suppliers.situation
    assert "délai moyen de paiement actuel : 30 jours" in suppliers.situation
    assert "60 jours" in suppliers.action
    assert "DIO : 238 jours" in dormant.situation
    assert "stock dormant : 183,00\u00a0€ (1 article)" in dormant.situation
    assert "Plateau" in dormant.calcul


def test_project_without_matching_invoice_counts_its_whole_amount():
    factures = [f for f in FACTURES if f["facture"] != "F3"]
    r = _result(_full_ledger(factures=factures))
    assert r.non_echu == 0.0
    assert r.projets_a_facturer == 4000.00
    assert financing_gap_levers(r)[DEPOSIT] == 1200.00  # 30 % × 4 000


def test_supplier_terms_already_at_sixty_days_free_nothing():
    bills = [
        {"date": D(2026, 1, 10), "fournisseur": "X", "montant": 500.0,
         "date_paiement": D(2026, 3, 11)},  # 60 days
        {"date": D(2026, 2, 1), "fournisseur": "X", "montant": 500.0,
         "date_paiement": D(2026, 4, 16)},  # 74 days
    ]  # fmt: skip
    r = _result(_full_ledger(fournisseurs=bills))
    assert r.delai_fournisseurs == 67
    assert r.dettes == 0.0 and r.dpo == 0
    assert financing_gap_levers(r)[SUPPLIER_TERMS] == 0.0
    assert "déjà à 60 jours ou plus" in r.levers[1].situation


def test_supplier_delay_half_day_rounds_up_and_old_bills_are_ignored():
    bills = [
        {"date": D(2026, 3, 1), "fournisseur": "X", "montant": 730.0,
         "date_paiement": D(2026, 3, 11)},  # 10 days
        {"date": D(2026, 3, 1), "fournisseur": "X", "montant": 730.0,
         "date_paiement": D(2026, 3, 12)},  # 11 days
        # dated before the 12-month window: neither purchases nor delay, but still a payable
        {"date": D(2025, 6, 30), "fournisseur": "Y", "montant": 100.0},
        # dated after the reference date: not yet a payable
        {"date": D(2026, 7, 1), "fournisseur": "Y", "montant": 100.0},
    ]  # fmt: skip
    r = _result(_full_ledger(fournisseurs=bills))
    assert r.delai_fournisseurs == 11  # 10,5 rounded half up
    assert r.achats_12m == 1460.00
    assert r.dettes == 100.00
    assert r.dpo == 25  # 100 / 1 460 × 365 = 25,00
    assert financing_gap_levers(r)[SUPPLIER_TERMS] == 196.00  # (60 − 11) × 1 460 / 365 = 49 × 4


def test_dormant_rule_boundaries():
    rows = [
        {"article": "récent", "quantite": 1.0, "cout_unitaire": 1.0,
         "derniere_vente": D(2026, 4, 1), "ventes_90j": 1.0},
        {"article": "vieux", "quantite": 1.0, "cout_unitaire": 1.0,
         "derniere_vente": D(2026, 3, 31), "ventes_90j": 1.0},
        {"article": "sans date", "quantite": 1.0, "cout_unitaire": 1.0},
        {"article": "zéro vente", "quantite": 1.0, "cout_unitaire": 1.0,
         "derniere_vente": D(2026, 6, 29), "ventes_90j": 0.0},
    ]  # fmt: skip
    ledger = _full_ledger(stock=rows)
    assert list(dormant_mask(ledger.stock, REF)) == [False, True, True, True]


def test_missing_optional_sheets_give_zero_and_notes():
    ledger = dataclasses.replace(
        _full_ledger(fournisseurs=[], stock=[], projets=[]),
        missing_sheets=("Fournisseurs", "Stock", "Projets"),
    )
    r = _result(ledger)
    assert (r.stocks, r.dettes) == (0.0, 0.0)
    assert r.bfr == 3400.00
    assert r.bfr_jours == 188  # same as the DSO: the BFR is the receivables
    assert r.dpo is None and r.dio is None
    assert r.raisons["dpo"] == "feuille «\u00a0Fournisseurs\u00a0» absente"
    assert r.raisons["dio"] == "feuille «\u00a0Stock\u00a0» absente"
    assert financing_gap_levers(r) == {DEPOSIT: 360.00, SUPPLIER_TERMS: 0.0, DORMANT_STOCK: 0.0}
    assert r.feuilles_absentes == ("Fournisseurs", "Stock", "Projets")
    assert len(r.notes) == 3
    assert r.notes[0].startswith("Feuille «\u00a0Fournisseurs\u00a0» absente")
    assert r.notes[1].startswith("Feuille «\u00a0Stock\u00a0» absente")
    assert r.notes[2].startswith("Feuille «\u00a0Projets\u00a0» absente")
    sheet = bfr_layout(r, REF)
    texts = [c.value for c in sheet.cells.values() if isinstance(c.value, str)]
    for note in r.notes:
        assert note in texts


def test_no_invoice_and_no_sale_give_reasons_not_errors():
    r = _result(make_ledger(params={"date_reference": REF}, stock=[STOCK[2]]))
    assert r.dso is None and r.bfr_jours is None and r.dio is None
    assert r.raisons["dso"] == "aucune facture émise sur les 12 derniers mois"
    assert r.raisons["dio"] == "aucune vente sur 90 jours dans la feuille «\u00a0Stock\u00a0»"
    assert r.raisons["dpo"] == "aucune facture fournisseur datée des 12 derniers mois"
    assert r.bfr == 183.00 and r.stock_dormant == 183.00
    sheet = bfr_layout(r, REF)
    rows = _labels(sheet)
    assert sheet.value(rows["DSO (jours)"], 2) == NOT_AVAILABLE
    assert str(sheet.value(rows["DSO (jours)"], 3)).startswith("Non calculable : aucune facture")


def _labels(sheet) -> dict[str, int]:
    found: dict[str, int] = {}
    for (row, col), cell in sorted(sheet.cells.items()):
        if col == 1 and isinstance(cell.value, str):
            found.setdefault(cell.value, row)
    return found


def test_layout_fixed_labels_values_next_column_and_levers_table():
    r = _result(_full_ledger())
    sheet = bfr_layout(r, REF)
    assert sheet.name == contract.TAB_BFR == "BFR"
    rows = _labels(sheet)
    expected = {
        "Créances clients": 3400.00,
        "Stocks": 473.00,
        "Dettes fournisseurs": 1000.00,
        "BFR": 2873.00,
        "BFR en jours de ventes": 159,
        "DSO (jours)": 188,
        "DPO (jours)": 78,
        "DIO (jours)": 238,
    }
    for label, value in expected.items():
        assert sheet.value(rows[label], 2) == value, label
        assert sheet.value(rows[label], 3), label  # every figure is explained
    header = rows["Levier"]
    assert tuple(sheet.value(header, c) for c in range(1, 5)) == LEVER_HEADERS
    assert LEVER_HEADERS == ("Levier", "Action", "Votre situation", "Trésorerie libérée")
    table = {sheet.value(header + i, 1): sheet.value(header + i, 4) for i in range(1, 5)}
    assert table == {
        "Encaisser plus vite": 1200.00,
        "Payer plus tard": 382.19,
        "Stocker moins": 183.00,
        "Total": 1765.19,
    }
    assert sheet.column_widths[1] >= 30 and sheet.column_widths[3] >= 60


@pytest.mark.parametrize(("value", "days"), [(22.5, 23), (22.49, 22), (-0.5, -1), (0.0, 0)])
def test_whole_days_rounds_halves_away_from_zero(value, days):
    assert whole_days(value) == days
