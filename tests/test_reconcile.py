"""Bank reconciliation: invoices, bills, typed rows and forecasts matched by the Banque lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from tests.ledger_factory import make_ledger, typed_frame
from treso_xl import contract
from treso_xl.core.flows import known_flows
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.payables import bill_positions
from treso_xl.core.reconcile import AMBIGUOUS, FREE, IGNORED, MATCHED, reconcile
from treso_xl.core.urssaf import typed_urssaf_payments
from treso_xl.refresh import compute

D = dt.date
T = pd.Timestamp


def bank_ledger(bank: list[dict], **sheets) -> object:
    ledger = make_ledger(**sheets)
    return replace(ledger, banque=typed_frame(contract.BANQUE, bank))


def line(when: dt.date, label: str, amount: float, **extra) -> dict:
    return {"date": when, "libelle": label, "montant": amount, **extra}


def invoice(number: str, client: str, amount: float, **extra) -> dict:
    base = {"facture": number, "date": D(2026, 1, 5), "client": client, "montant": amount}
    base.update(extra)
    base.setdefault("echeance", D(2026, 2, 4))
    return base


def position(result, number: str) -> pd.Series:
    work = result.ledger
    positions = invoice_positions(work.factures, work.encaissements)
    return positions.loc[positions["facture"] == number].iloc[0]


def decision(result, ligne: int):
    return next(d for d in result.decisions if d.ligne == ligne)


def test_exact_invoice_match_by_number_pays_it():
    ledger = bank_ledger(
        [line(D(2026, 2, 6), "VIR SEPA DUPONT REF FACT F2026-014", 500.0)],
        factures=[invoice("F2026-014", "Dupont", 500.0), invoice("F2026-015", "Dupont", 500.0)],
    )
    result = reconcile(ledger)
    paid = position(result, "F2026-014")
    assert paid["reste_du"] == 0
    assert paid["derniere_date_paiement"] == T(2026, 2, 6)
    assert position(result, "F2026-015")["reste_du"] == 500.0
    item = decision(result, 2)
    assert item.kind == MATCHED
    assert item.reason == "montant et n° de facture F2026-014 dans le libellé"
    # counted once: one receipt of 500 on the bank's date, from the Banque row
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows[["date", "montant", "source", "ligne", "facture"]].values.tolist() == [
        [T(2026, 2, 6), 500.0, "Banque", 2, "F2026-014"]
    ]


def test_number_found_when_the_bank_drops_the_dash():
    ledger = bank_ledger(
        [line(D(2026, 2, 6), "VIR SEPA F2026014 DUPONT", 500.0)],
        factures=[invoice("F2026-014", "Dupont", 500.0)],
    )
    assert position(reconcile(ledger), "F2026-014")["reste_du"] == 0


def test_match_by_client_name_and_amount():
    ledger = bank_ledger(
        [line(D(2026, 2, 10), "VIREMENT DE MARTIN CONSEIL", 300.0)],
        factures=[invoice("A-7", "Martin Conseil SARL", 300.0)],
    )
    result = reconcile(ledger)
    assert position(result, "A-7")["reste_du"] == 0
    assert (
        decision(result, 2).reason
        == "montant et client «\u00a0Martin Conseil SARL\u00a0» dans le libellé"
    )


def test_client_name_with_another_amount_is_no_match():
    ledger = bank_ledger(
        [line(D(2026, 2, 10), "VIREMENT DE MARTIN CONSEIL", 299.0)],
        factures=[invoice("A-7", "Martin Conseil SARL", 300.0)],
    )
    result = reconcile(ledger)
    assert position(result, "A-7")["reste_du"] == 300.0
    assert decision(result, 2).kind == FREE


def test_partial_payment_naming_the_invoice():
    ledger = bank_ledger(
        [line(D(2026, 2, 6), "VIR DUPONT ACOMPTE F2026-014", 200.0)],
        factures=[invoice("F2026-014", "Dupont", 500.0)],
    )
    result = reconcile(ledger)
    assert position(result, "F2026-014")["reste_du"] == 300.0
    assert "paiement partiel, reste 300,00" in decision(result, 2).reason


def test_ambiguous_invoices_are_never_guessed():
    ledger = bank_ledger(
        [line(D(2026, 2, 6), "VIR DUPONT", 500.0)],
        factures=[invoice("F-1", "Dupont", 500.0), invoice("F-2", "Dupont", 500.0)],
    )
    result = reconcile(ledger)
    item = decision(result, 2)
    assert item.kind == AMBIGUOUS
    assert [c.split(" (")[0] for c in item.candidates] == [
        "Facture F-1 — Dupont",
        "Facture F-2 — Dupont",
    ]
    assert position(result, "F-1")["reste_du"] == 500.0
    assert position(result, "F-2")["reste_du"] == 500.0
    [finding] = [f for f in result.findings if f.code == "banque_ambigu"]
    assert (finding.feuille, finding.ligne) == ("Banque", 2)
    # the money did arrive: a receipt of its own meanwhile
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows["montant"].tolist() == [500.0]
    assert flows["facture"].tolist() == [""]


def test_manual_invoice_column_is_honoured_and_checked():
    ledger = bank_ledger(
        [
            line(D(2026, 2, 6), "REMISE CHEQUE 1234567", 120.0, facture="f-9"),
            line(D(2026, 2, 7), "REMISE CHEQUE 7654321", 80.0, facture="F-404"),
        ],
        factures=[invoice("F-9", "Durand", 120.0)],
    )
    result = reconcile(ledger)
    assert position(result, "F-9")["reste_du"] == 0
    assert decision(result, 2).reason == "facture F-9 indiquée dans la colonne Facture"
    [error] = [f for f in result.findings if f.code == "banque_facture_inconnue"]
    assert (error.gravite, error.feuille, error.ligne) == ("erreur", "Banque", 3)
    assert "«\u00a0F-404\u00a0»" in error.constat
    assert decision(result, 3).kind == FREE


def test_ignored_line_is_left_out_of_everything():
    ledger = bank_ledger(
        [
            line(D(2026, 2, 6), "VIR DUPONT F2026-014", 500.0, statut_rapprochement="Ignoré"),
            line(D(2026, 2, 8), "CB LIBRAIRIE", -30.0, solde=970.0),
        ],
        factures=[invoice("F2026-014", "Dupont", 500.0)],
    )
    result = reconcile(ledger)
    assert decision(result, 2).kind == IGNORED
    assert position(result, "F2026-014")["reste_du"] == 500.0
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows["montant"].tolist() == [30.0]


def test_typed_realised_row_and_bank_line_are_counted_once():
    ledger = bank_ledger(
        [line(D(2026, 1, 12), "VIR DURAND", 250.0, categorie="Divers")],
        encaissements=[
            {
                "date": D(2026, 1, 10),
                "libelle": "Vente atelier",
                "client": "Durand",
                "montant": 250.0,
                "categorie": "Ventes",
                "statut": "Réalisé",
            }
        ],
    )
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows[["date", "montant", "categorie", "tiers", "source"]].values.tolist() == [
        [T(2026, 1, 12), 250.0, "Ventes", "Durand", "Banque"]
    ]
    assert "déjà saisie" in decision(reconcile(ledger), 2).reason


def test_typed_row_six_days_away_is_another_movement():
    ledger = bank_ledger(
        [line(D(2026, 1, 16), "VIR DURAND", 250.0)],
        encaissements=[
            {"date": D(2026, 1, 10), "libelle": "Vente", "montant": 250.0, "statut": "Réalisé"}
        ],
    )
    assert known_flows(ledger, D(2026, 6, 30))["montant"].tolist() == [250.0, 250.0]


def test_recurring_subscription_realised_month_after_month():
    subscription = {
        "date": D(2026, 1, 31),
        "libelle": "Abonnement logiciel",
        "fournisseur": "Adobe",
        "montant": 29.99,
        "categorie": "Abonnement",
        "recurrence": "Mensuelle",
    }
    bank = [
        line(D(2026, 2, 2), "PRLV SEPA ADOBE", -29.99),
        line(D(2026, 2, 27), "PRLV SEPA ADOBE", -29.99),
        line(D(2026, 3, 30), "PRLV SEPA ADOBE", -29.99),
    ]
    ledger = bank_ledger(bank, decaissements=[subscription])
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows[["date", "montant", "statut", "categorie"]].values.tolist() == [
        [T(2026, 2, 2), 29.99, "Réalisé", "Abonnement"],  # the January occurrence, paid late
        [T(2026, 2, 27), 29.99, "Réalisé", "Abonnement"],  # February (28/02), paid early
        [T(2026, 3, 30), 29.99, "Réalisé", "Abonnement"],  # March (31/03)
        [T(2026, 4, 30), 29.99, "Prévu", "Abonnement"],  # then the forecast, on its own days
        [T(2026, 5, 31), 29.99, "Prévu", "Abonnement"],
        [T(2026, 6, 30), 29.99, "Prévu", "Abonnement"],
    ]
    reasons = [d.reason for d in reconcile(ledger).decisions]
    assert all("du prévu" in r for r in reasons)


def test_supplier_bill_paid_by_a_debit():
    ledger = bank_ledger(
        [line(D(2026, 1, 20), "PRLV EDF FACTURE FA-778", -120.0)],
        fournisseurs=[
            {
                "numero": "FA-778",
                "date": D(2026, 1, 2),
                "fournisseur": "EDF",
                "montant": 120.0,
                "echeance": D(2026, 1, 22),
            }
        ],
    )
    result = reconcile(ledger)
    assert bill_positions(result.ledger)["reste_du"].tolist() == [0.0]
    assert (
        decision(result, 2).reason == "montant et n° de facture fournisseur FA-778 dans le libellé"
    )
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows[["date", "montant", "source"]].values.tolist() == [
        [T(2026, 1, 20), 120.0, "Banque"]
    ]


def test_prevu_receipt_realised_on_the_bank_date():
    ledger = bank_ledger(
        [line(D(2026, 3, 8), "VIR CAF SUBVENTION", 1000.0)],
        encaissements=[
            {
                "date": D(2026, 3, 1),
                "libelle": "Aide régionale",
                "montant": 1000.0,
                "categorie": "Subvention",
            }
        ],
    )
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows[["date", "statut", "categorie"]].values.tolist() == [
        [T(2026, 3, 8), "Réalisé", "Subvention"]
    ]


def test_bank_categories_follow_the_turnover_rule_and_urssaf_payments():
    ledger = bank_ledger(
        [
            line(D(2026, 1, 5), "VIR APPORT PERSONNEL", 2000.0, categorie="Apport"),
            line(D(2026, 1, 9), "VIR CLIENT X", 700.0),
            line(D(2026, 1, 30), "PRLV URSSAF", -150.0, categorie="URSSAF"),
        ]
    )
    work = reconcile(ledger).ledger
    flows = known_flows(work, D(2026, 6, 30))
    assert flows[["montant", "categorie"]].values.tolist() == [
        [2000.0, "Apport"],
        [700.0, "Autres encaissements"],
        [150.0, "URSSAF"],
    ]
    from treso_xl.core.thresholds import year_to_date_turnover

    assert year_to_date_turnover(flows, D(2026, 6, 30)) == 700.0
    assert typed_urssaf_payments(work.decaissements, D(2026, 6, 30))["montant"].tolist() == [150.0]


def test_opening_balance_from_the_bank_and_header_sentence():
    ledger = bank_ledger(
        [
            line(D(2026, 1, 10), "VIR DURAND", 400.0, solde=1400.0),
            line(D(2026, 2, 3), "CB PAPETERIE", -20.0, solde=1380.0),
            line(D(2026, 2, 3), "FRAIS BANCAIRES", -5.0, solde=1375.0),
            line(D(2026, 2, 15), "CB SANS SOLDE", -75.0),
        ],
        decaissements=[
            {"date": D(2026, 2, 20), "libelle": "Loyer", "montant": 500.0, "categorie": "Loyer"}
        ],
    )
    report = compute(ledger)
    plan = report.plan
    assert plan.date_solde == D(2026, 2, 3)
    assert plan.opening.iloc[0] == 1375.0
    assert plan.months[0] == D(2026, 2, 1)
    # February: the card payment of 15/02 and the rent of 20/02 after the bank's balance
    assert plan.closing.iloc[0] == 1375.0 - 75.0 - 500.0
    prev = next(t for t in report.layouts if t.name == "Prévisionnel")
    assert str(prev.value(2, 1)).startswith(
        "Solde d'ouverture : relevé bancaire du 03/02/2026, 1\u202f375,00\u00a0€ ;"
    )
    assert [t.name for t in report.layouts][-1] == "Rapprochement"


def test_gap_between_parametres_and_bank_balance_same_day():
    ledger = bank_ledger(
        [line(D(2025, 12, 31), "CB", -10.0, solde=980.0)],
    )
    report = compute(ledger)
    [gap] = [f for f in report.findings if f.code == "solde_banque_ecart"]
    assert gap.feuille == "Paramètres"
    assert "écart de -20,00\u00a0€" in gap.constat
    assert report.plan.opening.iloc[0] == 1000.0  # same date: Paramètres' balance is kept


def test_no_bank_sheet_is_the_identity():
    ledger = make_ledger(factures=[invoice("F-1", "Dupont", 10.0)])
    result = reconcile(ledger)
    assert result.ledger is ledger
    assert result.decisions == [] and result.findings == []
    assert "Rapprochement" not in [t.name for t in compute(ledger).layouts]


@pytest.mark.parametrize("amount", [500.0, 499.99])
def test_invoice_paid_long_after_the_window_is_not_matched(amount):
    ledger = bank_ledger(
        [line(D(2026, 9, 1), "VIR DUPONT F2026-014", amount)],
        factures=[invoice("F2026-014", "Dupont", 500.0)],
    )
    assert position(reconcile(ledger), "F2026-014")["reste_du"] == 500.0


def test_payment_typed_in_factures_is_the_bank_line_naming_it():
    # typed paid on 01/02, the bank shows it on 16/02: one receipt, on the bank's date
    ledger = bank_ledger(
        [line(D(2026, 2, 16), "VIR DUPONT F2026-014", 500.0)],
        factures=[invoice("F2026-014", "Dupont", 500.0, date_paiement=D(2026, 2, 1))],
    )
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows[["date", "montant", "source"]].values.tolist() == [
        [T(2026, 2, 16), 500.0, "Factures"]
    ]
    assert "Date de paiement" in decision(reconcile(ledger), 2).reason


def test_payment_typed_in_factures_within_five_days_is_the_bank_line():
    ledger = bank_ledger(
        [line(D(2026, 2, 3), "REMISE CHEQUE", 500.0)],
        factures=[invoice("F2026-014", "Dupont", 500.0, date_paiement=D(2026, 2, 1))],
    )
    flows = known_flows(ledger, D(2026, 6, 30))
    assert flows[["date", "montant"]].values.tolist() == [[T(2026, 2, 3), 500.0]]


def test_aging_reminders_and_habits_follow_the_bank():
    late = {"echeance": D(2025, 12, 15), "date": D(2025, 11, 15)}
    ledger = bank_ledger(
        [
            line(D(2026, 1, 20), "VIR SEPA DUPONT FACTURE F2025-090", 700.0),
            line(D(2026, 1, 25), "VIR SEPA DUPONT FACTURE F2025-091", 300.0),
        ],
        params={"date_reference": D(2026, 2, 1)},
        factures=[
            invoice("F2025-090", "Dupont", 700.0, **late),
            invoice("F2025-091", "Dupont", 300.0, **late),
            invoice("F2025-092", "Martin", 400.0, **late),
        ],
    )
    report = compute(ledger)
    assert [r.facture for r in report.reminders] == ["F2025-092"]
    assert report.aging.table["Total"].to_dict() == {"Martin": 400.0}
    habit = report.habits.loc["Dupont"]
    assert habit["factures_payees"] == 2
    assert habit["retard_median"] == 38.5  # paid 36 and 41 days after 15/12/2025, by the bank


def test_manual_status_without_invoice_is_not_matched_automatically():
    ledger = bank_ledger(
        [line(D(2026, 2, 6), "VIR DUPONT F2026-014", 500.0, statut_rapprochement="Manuel")],
        factures=[invoice("F2026-014", "Dupont", 500.0)],
    )
    result = reconcile(ledger)
    assert decision(result, 2).kind == FREE
    assert position(result, "F2026-014")["reste_du"] == 500.0


def test_typed_rows_paired_so_that_none_is_counted_twice():
    """Two typed 7,40 € receipts (21 and 30 May) and their bank lines five days later (26 May
    and 4 June): nearest-first alone paired the 26th with the 30th (4 days) and left the 4th
    and the 21st unpaired, both counted; every line now finds its row."""
    import datetime as dt
    from dataclasses import replace

    from tests.ledger_factory import make_ledger, typed_frame
    from treso_xl import contract
    from treso_xl.core.flows import known_flows
    from treso_xl.core.reconcile import reconcile

    typed = [
        {"date": dt.date(2026, 5, 21), "libelle": "Vente A", "montant": 7.4, "statut": "Réalisé"},
        {"date": dt.date(2026, 5, 30), "libelle": "Vente B", "montant": 7.4, "statut": "Réalisé"},
    ]
    bank = [
        {"date": dt.date(2026, 5, 26), "libelle": "VIR", "montant": 7.4},
        {"date": dt.date(2026, 6, 4), "libelle": "VIR", "montant": 7.4},
    ]
    base = make_ledger(params={"date_reference": dt.date(2026, 7, 1)}, encaissements=typed)
    with_bank = replace(base, banque=typed_frame(contract.BANQUE, bank))
    result = reconcile(with_bank)
    assert [d.kind for d in result.decisions] == ["rapprochée", "rapprochée"]
    end = dt.date(2026, 12, 31)
    with_lines = known_flows(result.ledger, end)
    assert sorted(with_lines["montant"]) == [7.4, 7.4]
    assert sorted(with_lines["date"].dt.date) == [dt.date(2026, 5, 26), dt.date(2026, 6, 4)]


def test_forecasts_paired_so_that_none_is_left_beside_a_realised_line():
    """Forecasts of 10 and 20 March, bank lines of 16 and 28 March (10 days at most): date
    order alone gave the 16th the nearer forecast of the 20th and left the 28th on its own,
    beside the forecast of the 10th (counted twice); both lines now realise a forecast."""
    import datetime as dt
    from dataclasses import replace

    from tests.ledger_factory import make_ledger, typed_frame
    from treso_xl import contract
    from treso_xl.core.reconcile import reconcile

    enc = [
        {"date": dt.date(2026, 3, 10), "libelle": "Vente A", "montant": 50.0, "statut": "Prévu"},
        {"date": dt.date(2026, 3, 20), "libelle": "Vente B", "montant": 50.0, "statut": "Prévu"},
    ]
    bank = [
        {"date": dt.date(2026, 3, 16), "libelle": "VIR", "montant": 50.0},
        {"date": dt.date(2026, 3, 28), "libelle": "VIR", "montant": 50.0},
    ]
    base = make_ledger(params={"date_reference": dt.date(2026, 4, 1)}, encaissements=enc)
    result = reconcile(replace(base, banque=typed_frame(contract.BANQUE, bank)))
    assert [d.kind for d in result.decisions] == ["rapprochée", "rapprochée"]
    assert ["Vente A" in d.target for d in result.decisions] == [True, False]
    rows = result.ledger.encaissements
    assert list(rows["statut"]) == ["Réalisé", "Réalisé"]
    assert sorted(rows["date"].dt.date) == [dt.date(2026, 3, 16), dt.date(2026, 3, 28)]
