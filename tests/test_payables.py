"""Supplier bills in the plan: unpaid on their due date, paid on their date, named rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.ledger_factory import make_ledger
from treso_xl.core.flows import known_flows
from treso_xl.core.payables import CATEGORY_BILLS, bill_findings, bill_positions, payables_on
from treso_xl.core.plan import build_plan

D = dt.date
DEC, JAN = D(2026, 12, 1), D(2027, 1, 1)


def _ledger(**extra):
    bills = [
        # unpaid, due 25/12: paid then
        {
            "numero": "F-480",
            "date": D(2026, 11, 25),
            "fournisseur": "Dumas",
            "montant": 480.0,
            "echeance": D(2026, 12, 25),
        },
        # unpaid, no Échéance (due 31/12), paid by a Décaissements row naming it on 20/12
        {"numero": "F-200", "date": D(2026, 12, 1), "fournisseur": "Papeterie", "montant": 200.0},
        # unpaid and past due on the reference date: still owed, paid on the reference date
        {
            "numero": "F-150",
            "date": D(2026, 11, 1),
            "fournisseur": "Cadre",
            "montant": 150.0,
            "echeance": D(2026, 11, 20),
        },
        # paid on its own date; the row naming it is that payment, not a second one
        {
            "numero": "F-90",
            "date": D(2026, 11, 20),
            "fournisseur": "Dumas",
            "montant": 90.0,
            "echeance": D(2026, 12, 20),
            "date_paiement": D(2026, 12, 15),
        },
        # paid before the opening balance: history
        {
            "numero": "F-70",
            "date": D(2026, 10, 1),
            "fournisseur": "Dumas",
            "montant": 70.0,
            "date_paiement": D(2026, 11, 10),
        },
        # partly paid by a row naming it (100 on 05/12), the rest (200) on its due date
        {
            "numero": "F-300",
            "date": D(2026, 12, 1),
            "fournisseur": "Imprimerie",
            "montant": 300.0,
            "echeance": D(2027, 1, 10),
        },
    ]
    dec = [
        {
            "date": D(2026, 12, 20),
            "libelle": "Papier",
            "fournisseur": "Papeterie",
            "montant": 200.0,
            "categorie": "Achats",
            "facture": "f-200 ",
        },
        {
            "date": D(2026, 12, 15),
            "libelle": "Tirages",
            "fournisseur": "Dumas",
            "montant": 90.0,
            "categorie": "Achats",
            "facture": "F-90",
        },
        {
            "date": D(2026, 12, 5),
            "libelle": "Acompte imprimerie",
            "fournisseur": "Imprimerie",
            "montant": 100.0,
            "categorie": "Achats",
            "facture": "F-300",
        },
    ]
    params = {"date_solde": D(2026, 11, 30), "date_reference": D(2026, 12, 1), "horizon": 3}
    params.update(extra)
    return make_ledger(params, decaissements=dec, fournisseurs=bills)


def test_unpaid_bill_due_in_december_lowers_december_closing():
    ledger = make_ledger(
        {"date_solde": D(2026, 11, 30), "date_reference": D(2026, 12, 1), "horizon": 2},
        fournisseurs=[
            {
                "numero": "B1",
                "date": D(2026, 11, 25),
                "fournisseur": "Dumas",
                "montant": 480.0,
                "echeance": D(2026, 12, 25),
            }
        ],
    )
    plan = build_plan(ledger)
    assert plan.disbursements.loc[CATEGORY_BILLS, DEC] == 480.0
    assert plan.closing[DEC] == 1000.0 - 480.0
    flow = plan.flows.iloc[0]
    assert flow["date"] == pd.Timestamp(2026, 12, 25) and flow["source"] == "Fournisseurs"


def test_bills_paid_once_on_the_right_day():
    plan = build_plan(_ledger())
    # Dec: F-480 480 + F-150 150 (overdue, on the reference date) + F-90 90 (own date)
    assert plan.disbursements.loc[CATEGORY_BILLS, DEC] == 720.0
    # the rows naming F-200 (200) and F-300 (100) are those bills' payments, in their category
    assert plan.disbursements.loc["Achats", DEC] == 300.0
    assert plan.total_out[DEC] == 1020.0
    assert plan.disbursements.loc[CATEGORY_BILLS, JAN] == 200.0  # F-300's rest on 10/01
    assert plan.closing[DEC] == -20.0
    assert plan.closing[JAN] == -220.0
    days = plan.flows.set_index("facture")["date"]
    assert days["F-150"] == pd.Timestamp(2026, 12, 1)
    assert days["F-480"] == pd.Timestamp(2026, 12, 25)


def test_overdue_bill_never_lands_on_or_before_the_opening_balance():
    ledger = _ledger(date_reference=D(2026, 11, 15))
    positions = bill_positions(ledger)
    assert positions.set_index("numero").at["F-150", "date_prevue"] == pd.Timestamp(2026, 12, 1)
    ledger = _ledger(date_reference=D(2026, 11, 25))  # due 20/11 < reference 25/11 <= opening
    positions = bill_positions(ledger).set_index("numero")
    assert positions.at["F-150", "date_prevue"] == pd.Timestamp(2026, 12, 1)
    assert bool(positions.at["F-150", "en_retard"])


def test_bill_paid_before_opening_is_history_but_a_known_flow():
    flows = known_flows(_ledger(), D(2027, 2, 28))
    f70 = flows.loc[flows["facture"] == "F-70"]
    assert list(f70["statut"]) == ["Réalisé"] and f70["date"].iloc[0] == pd.Timestamp(2026, 11, 10)
    plan = build_plan(_ledger())
    assert "F-70" not in set(plan.flows["facture"])
    # one flow per payment: F-90 once (the bill), F-200 once (the row)
    assert (plan.flows["facture"].str.upper().str.strip() == "F-90").sum() == 1
    assert (plan.flows["facture"].str.upper().str.strip() == "F-200").sum() == 1


def test_payables_less_realised_rows_naming_the_bill():
    ledger = _ledger()
    # unpaid on 01/12: 480 + 200 + 150 + 300 (the rows naming F-200, F-300 are only planned)
    assert payables_on(ledger, D(2026, 12, 1)) == 1130.0
    dec = ledger.decaissements.copy()
    dec.loc[dec["facture"] == "F-300", ["statut", "date"]] = ["Réalisé", pd.Timestamp(2026, 11, 28)]
    ledger = _ledger()
    object.__setattr__(ledger, "decaissements", dec)
    assert payables_on(ledger, D(2026, 12, 1)) == 1030.0


def test_overdue_bill_and_unknown_bill_number_in_controles():
    ledger = _ledger()
    dec = ledger.decaissements.copy()
    dec.loc[len(dec)] = dec.iloc[0]
    dec.loc[len(dec) - 1, ["facture", "ligne"]] = ["F-999", 5]
    object.__setattr__(ledger, "decaissements", dec)
    found = bill_findings(ledger)
    assert [(f.feuille, f.ligne, f.code) for f in found] == [
        ("Fournisseurs", 4, "facture_fournisseur_echue"),
        ("Décaissements", 5, "facture_fournisseur_inconnue"),
    ]
    assert "20/11/2026" in found[0].constat and "01/12/2026" in found[0].constat
    assert "150,00" in found[0].constat
