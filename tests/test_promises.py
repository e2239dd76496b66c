"""Clients' promises to pay and payments typed without a date (contract, double counting)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from ledger_factory import make_ledger
from workbook_factory import good_sheets, write_workbook

from treso_xl.core.checks import run_checks
from treso_xl.core.flows import CATEGORY_INVOICES
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.plan import build_plan
from treso_xl.core.reminders import reminders
from treso_xl.reading.workbook import read_ledger

D = dt.date
NOV, DEC, JAN = D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)


def inv(number, due, montant, **extra):
    row = {
        "facture": number,
        "date": D(2026, 10, 1),
        "client": f"Client {number}",
        "montant": montant,
        "echeance": due,
    }
    row.update(extra)
    return row


def promise(number, when, montant):
    return {"date": when, "libelle": f"Promesse {number}", "montant": montant, "facture": number}


def _ledger():
    return make_ledger(
        {"date_solde": D(2026, 11, 30), "date_reference": D(2026, 12, 1), "horizon": 3},
        factures=[
            inv("F-1", D(2026, 12, 20), 1200.0),  # promised for 05/01: moves to January
            inv("F-2", D(2026, 12, 15), 1000.0),  # 400 promised on 10/01, 600 stays on 15/12
            inv("F-3", D(2026, 11, 10), 500.0),  # overdue, promised on 15/12
            inv("F-4", D(2026, 11, 10), 300.0),  # overdue, promised on 25/11: broken
        ],
        encaissements=[
            promise("F-1", D(2027, 1, 5), 1200.0),
            promise("f-2", D(2027, 1, 10), 400.0),
            promise("F-3", D(2026, 12, 15), 500.0),
            promise("F-4", D(2026, 11, 25), 300.0),
        ],
    )


def test_promise_moves_the_receipt_into_the_next_month():
    plan = build_plan(_ledger())
    invoices = plan.receipts.loc[CATEGORY_INVOICES]
    # December: F-2's 600 on its due date + F-3's 500 promised; January: 1 200 + 400
    assert invoices[DEC] == 1100.0
    assert invoices[JAN] == 1600.0
    assert plan.closing[DEC] == 1000.0 + 1100.0
    assert plan.closing[JAN] == 1000.0 + 1100.0 + 1600.0
    days = plan.flows.groupby("facture")["date"].apply(list)
    assert days["F-1"] == [pd.Timestamp(2027, 1, 5)]
    assert sorted(days["F-2"]) == [pd.Timestamp(2026, 12, 15), pd.Timestamp(2027, 1, 10)]


def test_broken_promise_leaves_the_invoice_overdue_and_is_flagged():
    ledger = _ledger()
    plan = build_plan(ledger)
    assert list(plan.overdue["facture"]) == ["F-4"]  # F-3 is promised: counted on 15/12
    assert plan.overdue_memo[DEC] == 300.0
    found = run_checks(ledger)
    broken = [f for f in found if f.code == "promesse_non_tenue"]
    assert [(f.gravite, f.feuille, f.ligne) for f in broken] == [
        ("avertissement", "Encaissements", 5)
    ]
    assert "25/11/2026" in broken[0].constat and "F-4" in broken[0].constat
    # said once: not a second time as a « Prévu » row dated in the past
    assert not [f for f in found if f.code == "prevu_passe" and f.ligne == 5]


def test_partial_promise_is_advice_not_an_error():
    found = [f for f in run_checks(_ledger()) if f.code == "encaissement_montant_different"]
    assert [f.ligne for f in found] == [3]
    assert "Promesse partielle" in found[0].conseil and "600,00" in found[0].conseil


def test_relances_show_the_promise():
    ledger = _ledger()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    items = {r.facture: r for r in reminders(positions, ledger.params)}
    assert items["F-3"].promesse == "500,00\u00a0€ le 15/12/2026"
    assert items["F-3"].date_prochaine_action == D(2026, 12, 15)
    assert "promis" in items["F-3"].prochaine_action
    assert items["F-4"].promesse == "300,00\u00a0€ le 25/11/2026 (non tenue)"
    assert "promis" not in items["F-4"].prochaine_action


def test_a_kept_promise_gets_a_confirmation_not_the_level_letter():
    ledger = _ledger()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    items = {r.facture: r for r in reminders(positions, ledger.params)}
    promised, broken = items["F-3"], items["F-4"]
    assert promised.niveau == broken.niveau == "J+15"  # the level reached stays as it is
    assert promised.texte.subject == "Facture F-3 : votre engagement de paiement au 15/12/2026"
    assert "au plus tard le 15/12/2026" in promised.texte.body
    assert "Malgré mon précédent rappel" not in promised.texte.body
    # a broken promise: the level's letter, as if there were none
    assert broken.texte.subject.startswith("Deuxième relance")


def test_partial_payment_without_date_is_read_counted_and_flagged(tmp_path):
    sheets = good_sheets()
    rows = sheets["Factures"]
    header = rows[0]
    row = rows[2]  # Excel row 3: Montant payé 300 with a date in the good workbook
    row.extend([None] * (len(header) - len(row)))
    row[header.index("Date de paiement")] = None
    ledger = read_ledger(write_workbook(tmp_path / "c.xlsx", sheets), today=D(2026, 1, 20))
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    line = positions.loc[positions["ligne"] == 3].iloc[0]
    assert line["paye"] == 300.0
    assert line["reste_du"] == round(line["montant"] - 300.0, 2)
    plan = build_plan(ledger, positions=positions)
    # no 300 receipt in the plan: it is history, already in the opening balance
    from_invoice = plan.flows.loc[plan.flows["facture"] == line["facture"]]
    assert list(from_invoice["montant"]) == [500.0]
    assert list(from_invoice["date"]) == [pd.Timestamp(2026, 2, 9)]
    found = [f for f in run_checks(ledger, positions) if f.code == "paiement_sans_date"]
    assert [(f.gravite, f.feuille, f.ligne) for f in found] == [("avertissement", "Factures", 3)]
    assert "01/01/2026" in found[0].constat
