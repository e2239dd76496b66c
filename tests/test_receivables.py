"""Hand-computed receivables: payment terms, aging buckets, penalties, reminder levels, habits."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_factory import make_ledger

from treso_xl.core.aging import aging, bucket_of, dso_days, open_invoices
from treso_xl.core.habits import client_habits, delays_by_payment_method
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.penalties import late_penalties, penalty_periods
from treso_xl.core.reminders import COURTESY, level_for, reminders
from treso_xl.core.terms import parse_terms
from treso_xl.rules.lookup import RuleNotCovered

D = dt.date
INVOICE_DAY = D(2026, 1, 20)


@pytest.mark.parametrize(
    ("wording", "due", "beyond"),
    [
        ("À réception", D(2026, 1, 20), False),
        ("a reception de facture", D(2026, 1, 20), False),
        ("Paiement comptant", D(2026, 1, 20), False),
        ("30 jours", D(2026, 2, 19), False),
        ("30 j net", D(2026, 2, 19), False),
        ("Net 30", D(2026, 2, 19), False),
        ("45 jours fin de mois", D(2026, 3, 31), False),  # 20/01 + 45 = 06/03 -> 31/03
        ("45 j FDM", D(2026, 3, 31), False),
        ("fin de mois 45 jours", D(2026, 3, 17), False),  # 31/01 + 45 = 17/03
        ("60 jours date de facture", D(2026, 3, 21), False),
        ("30 jours fin de mois le 10", D(2026, 3, 10), False),
        ("Fin de mois", D(2026, 1, 31), False),
        ("90 jours", D(2026, 4, 20), True),
        ("60 jours fin de mois", D(2026, 3, 31), True),
        ("", D(2026, 2, 19), False),  # legal default: 30 days
    ],
)
def test_payment_terms_wordings(wording, due, beyond):
    terms = parse_terms(wording)
    assert terms.due_date(INVOICE_DAY) == due
    assert terms.beyond_legal_maximum is beyond


def test_unknown_wording_is_flagged_not_crashing():
    terms = parse_terms("quand il pourra")
    assert not terms.known and not terms.empty
    assert terms.due_date(INVOICE_DAY) == D(2026, 2, 19)
    assert parse_terms(None).empty


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "Non échu"),
        (0, "Non échu"),
        (1, "1-30 j"),
        (30, "1-30 j"),
        (31, "31-60 j"),
        (60, "31-60 j"),
        (61, "61-90 j"),
        (90, "61-90 j"),
        (91, "> 90 j"),
    ],
)
def test_bucket_boundaries(days, bucket):
    assert bucket_of(days) == bucket


def _ledger_for_aging():
    ref = D(2026, 6, 30)
    rows = []
    for n, days in enumerate([0, 1, 30, 31, 60, 61, 90, 91]):
        due = ref - dt.timedelta(days=days)
        rows.append(
            {
                "facture": f"F{n}",
                "date": due - dt.timedelta(days=10),
                "client": "A",
                "montant": 100.0 * (n + 1),
                "echeance": due,
            }
        )
    # partial payment: 1 000 invoiced, 400 paid, 600 due, 45 days late
    rows.append(
        {
            "facture": "P1",
            "date": D(2026, 4, 1),
            "client": "B",
            "montant": 1000.0,
            "echeance": ref - dt.timedelta(days=45),
            "date_paiement": D(2026, 5, 20),
            "montant_paye": 400.0,
        }
    )
    # paid in full: not in the balance
    rows.append(
        {
            "facture": "Z1",
            "date": D(2026, 4, 1),
            "client": "C",
            "montant": 999.0,
            "date_paiement": D(2026, 4, 10),
        }
    )
    # issued after the reference date: not yet a receivable
    rows.append({"facture": "Z2", "date": D(2026, 7, 2), "client": "C", "montant": 50.0})
    return make_ledger(params={"date_reference": ref}, factures=rows)


def test_aging_per_client_with_partial_payment():
    ledger = _ledger_for_aging()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    result = aging(positions, ledger.params.date_reference)
    a = result.table.loc["A"]
    assert a["Non échu"] == 100.0
    assert a["1-30 j"] == 200.0 + 300.0
    assert a["31-60 j"] == 400.0 + 500.0
    assert a["61-90 j"] == 600.0 + 700.0
    assert a["> 90 j"] == 800.0
    assert a["Total"] == 3600.0
    b = result.table.loc["B"]
    assert b["31-60 j"] == 600.0 and b["Total"] == 600.0
    assert "C" not in result.table.index
    assert result.total["Total"] == 4200.0
    assert a["Part"] == pytest.approx(3600 / 4200)
    assert list(result.table.index) == ["A", "B"]  # largest total first


def test_dso_receivables_over_twelve_months_sales():
    ledger = _ledger_for_aging()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    # receivables 4 200; invoiced within the 12 months to 30/06/2026: 3 600 + 1 000 + 999
    assert dso_days(positions, D(2026, 6, 30)) == round(4200 / 5599 * 365)


def test_penalties_to_the_cent_across_a_rate_change():
    # due 31/05/2025: June 2025 at 13,15 %, July-December 2025 at 12,15 %, 10 days of 2026
    periods = penalty_periods(D(2025, 5, 31), D(2026, 1, 10))
    assert [(p.days, p.rate) for p in periods] == [(30, 0.1315), (184, 0.1215), (10, 0.1215)]
    expected = 1000 * 0.1315 * 30 / 365 + 1000 * 0.1215 * 184 / 365 + 1000 * 0.1215 * 10 / 365
    assert late_penalties(1000.0, D(2025, 5, 31), D(2026, 1, 10)) == round(expected, 2) == 75.39


def test_penalties_over_a_leap_year_divide_by_365():
    # due 01/02/2024, counted 02/02 to 01/03/2024: 29 days (29 February included), 10 %
    assert late_penalties(1000.0, D(2024, 2, 1), D(2024, 3, 1), rate=0.10) == 7.95
    # a whole leap year (366 days) at 10 % is slightly more than 10 %
    assert late_penalties(1000.0, D(2023, 12, 31), D(2024, 12, 31), rate=0.10) == 100.27


def test_penalty_rate_not_in_rules_file_is_an_explicit_error():
    # before the first entry of the rules file (after the last one, the last known rate is
    # carried forward: tests/test_rules_audit.py)
    with pytest.raises(RuleNotCovered, match="taux des pénalités"):
        late_penalties(100.0, D(2023, 1, 1), D(2023, 2, 1))


@pytest.mark.parametrize(
    ("days", "level"),
    [(0, None), (1, "J+1"), (14, "J+1"), (15, "J+15"), (29, "J+15"), (30, "J+30"), (200, "J+30")],
)
def test_reminder_levels(days, level):
    assert level_for(days) == level


def _reminder_ledger(**params):
    ref = D(2026, 3, 10)
    settings = {
        "date_reference": ref,
        "taux_penalites": 0.10,
        "iban": "FR7630006000011234567890189",
    }
    settings.update(params)
    rows = [
        {
            "facture": "J1",
            "date": D(2026, 2, 1),
            "client": "Pro",
            "montant": 500.0,
            "echeance": D(2026, 3, 9),
            "email_client": "pro@example.fr",
        },
        {
            "facture": "J15",
            "date": D(2026, 1, 1),
            "client": "Pro",
            "montant": 500.0,
            "echeance": D(2026, 2, 23),
        },
        {
            "facture": "J30",
            "date": D(2026, 1, 1),
            "client": "Pro",
            "montant": 1200.0,
            "echeance": D(2026, 1, 31),
            "lien_paiement": "https://paiement.example.fr/J30",
        },
        {
            "facture": "PART",
            "date": D(2026, 1, 1),
            "client": "Mme Dupont",
            "type_client": "Particulier",
            "montant": 300.0,
            "echeance": D(2026, 1, 31),
        },
        {
            "facture": "SOON",
            "date": D(2026, 3, 1),
            "client": "Pro",
            "montant": 80.0,
            "echeance": D(2026, 3, 13),
        },
        {
            "facture": "LATER",
            "date": D(2026, 3, 1),
            "client": "Pro",
            "montant": 80.0,
            "echeance": D(2026, 3, 31),
        },
        {
            "facture": "PAID",
            "date": D(2026, 1, 1),
            "client": "Pro",
            "montant": 700.0,
            "echeance": D(2026, 1, 31),
            "date_paiement": D(2026, 3, 1),
        },
    ]
    return make_ledger(params=settings, factures=rows)


def test_reminders_levels_dates_penalties_and_indemnity():
    ledger = _reminder_ledger(rappel_jours=3)
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    items = {r.facture: r for r in reminders(positions, ledger.params)}
    assert set(items) == {"J1", "J15", "J30", "PART", "SOON"}  # paid and far ones are not listed
    j1, j15, j30, part, soon = (items[k] for k in ("J1", "J15", "J30", "PART", "SOON"))
    assert (j1.niveau, j1.jours_retard, j1.date_prochaine_action) == ("J+1", 1, D(2026, 3, 24))
    assert (j15.niveau, j15.jours_retard, j15.date_prochaine_action) == ("J+15", 15, D(2026, 3, 25))
    assert (j30.niveau, j30.jours_retard) == ("J+30", 38)
    assert j30.date_prochaine_action == D(2026, 3, 10)  # 31/01 + 30 + 8 days of formal notice
    assert "petites créances" in j30.prochaine_action
    assert j30.penalites == round(1200 * 0.10 * 38 / 365, 2) == 12.49
    assert j30.indemnite == 40.0
    assert j30.total_du == 1252.49
    assert part.penalites == 0.0 and part.indemnite == 0.0  # consumer: no L441-10
    assert (soon.niveau, soon.date_prochaine_action) == (COURTESY, D(2026, 3, 13))


def test_reminder_texts_name_invoice_amount_due_date_and_penalties():
    ledger = _reminder_ledger()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    items = {r.facture: r for r in reminders(positions, ledger.params)}
    j1 = items["J1"].texte
    assert "J1" in j1.subject and "500,00\u00a0€" in j1.body and "09/03/2026" in j1.body
    assert "FR7630006000011234567890189" in j1.body
    j15 = items["J15"].texte.body
    assert "L441-10" in j15 and "10\u00a0%" in j15 and "40,00\u00a0€" in j15
    notice = items["J30"].texte
    assert notice.subject.startswith("Mise en demeure")
    for fragment in (
        "mise en demeure",
        "1344",
        "1\u202f252,49\u00a0€",
        "12,49\u00a0€",
        "https://paiement.example.fr/J30",
        "8 jours",
        "31/01/2026",
    ):
        assert fragment in notice.body
    consumer = items["PART"].texte.body
    assert "L441-10" not in consumer and "taux légal" in consumer


def test_client_habits_median_needs_two_paid_invoices_and_method_delays():
    rows = [
        {
            "facture": "A1",
            "date": D(2026, 1, 1),
            "client": "A",
            "montant": 10.0,
            "echeance": D(2026, 1, 31),
            "date_paiement": D(2026, 2, 10),
            "mode_paiement": "Virement",
        },
        {
            "facture": "A2",
            "date": D(2026, 2, 1),
            "client": "A",
            "montant": 10.0,
            "echeance": D(2026, 3, 3),
            "date_paiement": D(2026, 3, 23),
            "mode_paiement": "Virement",
        },
        {
            "facture": "A3",
            "date": D(2026, 3, 1),
            "client": "A",
            "montant": 10.0,
            "echeance": D(2026, 3, 31),
            "date_paiement": D(2026, 3, 31),
            "mode_paiement": "Carte / lien de paiement",
        },
        {
            "facture": "B1",
            "date": D(2026, 1, 1),
            "client": "B",
            "montant": 10.0,
            "echeance": D(2026, 1, 31),
            "date_paiement": D(2026, 3, 2),
        },
    ]
    ledger = make_ledger(factures=rows)
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    habits = client_habits(positions)
    assert habits.loc["A", "factures_payees"] == 3
    assert habits.loc["A", "habitude"] == 10  # delays 10, 20, 0
    assert habits.loc["B", "retard_median"] == 30 and habits["habitude"].isna()["B"]
    methods = delays_by_payment_method(positions)
    assert methods.loc["Virement", "delai_moyen"] == pytest.approx((40 + 50) / 2)
    assert methods.loc["Carte / lien de paiement", "delai_moyen"] == 30
    assert methods.loc["(non renseigné)", "factures"] == 1


def test_open_invoices_exclude_future_issues():
    ledger = _ledger_for_aging()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    assert "Z2" not in set(open_invoices(positions, D(2026, 6, 30))["facture"])
