"""Hand-computed URSSAF contributions, due dates, typed payments, thresholds and the tab."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from ledger_factory import make_ledger

from treso_xl import contract
from treso_xl.core.checks import AVERTISSEMENT, CONSEIL, ERREUR
from treso_xl.core.flows import FLOW_COLUMNS, OUT, build_flows
from treso_xl.core.plan import build_plan, horizon_end
from treso_xl.core.thresholds import (
    dashboard_thresholds,
    threshold_findings,
    year_to_date_turnover,
)
from treso_xl.core.urssaf import (
    CATEGORY_ESTIMATE,
    ESTIME,
    NON_CALCULE,
    PAYE,
    SAISI,
    declaration_periods,
    estimated_flows,
    is_turnover,
    legal_due_date,
    match_payment,
    next_payment,
    next_working_day,
    reduced_rate,
    urssaf_schedule,
)
from treso_xl.layout.model import DATE, EURO
from treso_xl.layout.urssaf import HEADERS, urssaf_layout
from treso_xl.rules.lookup import RuleNotCovered, rule

D = dt.date
NBSP = "\u00a0"


def _receipt(day, amount, **extra):
    row = {"date": day, "libelle": "Prestation", "client": "Client", "montant": amount}
    row.update(extra)
    return row


# Opening balance 31/12/2025, horizon 6: receipts counted up to 31/05/2026.
BNC_RECEIPTS = [
    _receipt(D(2025, 11, 10), 2000.00, statut="Réalisé"),
    _receipt(D(2025, 12, 15), 3333.33, statut="Réalisé"),
    _receipt(D(2026, 1, 5), 5000.00, categorie="Apport", libelle="Apport personnel"),
    _receipt(D(2026, 1, 12), 10000.00, categorie="emprunt ", libelle="Prêt bancaire"),
    _receipt(D(2026, 1, 20), 1234.56),
    _receipt(D(2026, 2, 10), 2500.50),
]
BNC_INVOICES = [
    # paid on 25/02/2026: turnover of February
    {
        "facture": "F1",
        "date": D(2026, 1, 10),
        "client": "Alpha",
        "montant": 1200.00,
        "date_paiement": D(2026, 2, 25),
    },
    # unpaid, due 31/03/2026: the plan expects it then, so does the estimate
    {
        "facture": "F2",
        "date": D(2026, 3, 1),
        "client": "Beta",
        "montant": 800.00,
        "echeance": D(2026, 3, 31),
    },
]


def _schedule(ledger):
    end = horizon_end(ledger.params.date_solde, ledger.params.horizon)
    return urssaf_schedule(ledger, build_flows(ledger, end), end)


def _rows(schedule):
    return [
        (
            d.periode,
            d.encaissements,
            d.sociales,
            d.formation,
            d.cotisations,
            d.echeance,
            d.echeance_ouvree,
        )
        for d in schedule.declarations
    ]


def _bnc(**params):
    return make_ledger(params=params, encaissements=BNC_RECEIPTS, factures=BNC_INVOICES)


# --- turnover, calendar ----------------------------------------------------------------------


def test_turnover_excludes_the_contract_categories_matched_like_headers():
    categories = pd.Series(
        [
            "Ventes",
            "Apport",
            " emprunt",
            "REMBOURSEMENT",
            "Virement  interne",
            "Subvention",
            "Factures clients",
            "",
            "Apport (€)",
        ]
    )
    assert list(is_turnover(categories)) == [
        True,
        False,
        False,
        False,
        False,
        False,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 31), D(2026, 2, 2)),  # Saturday
        (D(2026, 5, 1), D(2026, 5, 4)),  # Fête du travail, a Friday
        (D(2026, 5, 14), D(2026, 5, 15)),  # Ascension
        (D(2026, 11, 1), D(2026, 11, 2)),  # Sunday and Toussaint
        (D(2026, 12, 25), D(2026, 12, 28)),  # Noël, a Friday
        (D(2026, 3, 31), D(2026, 3, 31)),  # a Tuesday
    ],
)
def test_next_working_day_skips_weekends_and_french_holidays(day, working):
    assert next_working_day(day) == working


def test_legal_due_dates_monthly_and_quarterly():
    assert legal_due_date(D(2026, 1, 31), "Mensuelle") == D(2026, 2, 28)
    assert legal_due_date(D(2025, 12, 31), "Mensuelle") == D(2026, 1, 31)
    assert legal_due_date(D(2026, 3, 31), "Trimestrielle") == D(2026, 4, 30)
    assert legal_due_date(D(2026, 6, 30), "Trimestrielle") == D(2026, 7, 31)
    assert legal_due_date(D(2026, 9, 30), "Trimestrielle") == D(2026, 10, 31)
    assert legal_due_date(D(2025, 12, 31), "Trimestrielle") == D(2026, 1, 31)


# --- BNC, monthly and quarterly, across the 2026 rate change ---------------------------------


def test_bnc_monthly_across_the_2026_rate_change():
    schedule = _schedule(_bnc())
    assert _rows(schedule) == [
        # 2 000 × 24,6 % = 492 ; CFP 0,2 % = 4
        ("novembre 2025", 2000.00, 492.00, 4.00, 496.00, D(2025, 12, 31), D(2025, 12, 31)),
        # 3 333,33 × 24,6 % = 819,99918 ; CFP 6,66666 ; deadline a Saturday
        ("décembre 2025", 3333.33, 820.00, 6.67, 826.67, D(2026, 1, 31), D(2026, 2, 2)),
        # Apport and Emprunt left out: 1 234,56 × 25,6 % = 316,04736 ; CFP 2,46912
        ("janvier 2026", 1234.56, 316.05, 2.47, 318.52, D(2026, 2, 28), D(2026, 3, 2)),
        # 2 500,50 + invoice paid 1 200 = 3 700,50 × 25,6 % = 947,328 ; CFP 7,401
        ("février 2026", 3700.50, 947.33, 7.40, 954.73, D(2026, 3, 31), D(2026, 3, 31)),
        # the unpaid invoice expected on 31/03: 800 × 25,6 % = 204,80 ; CFP 1,60
        ("mars 2026", 800.00, 204.80, 1.60, 206.40, D(2026, 4, 30), D(2026, 4, 30)),
        ("avril 2026", 0.0, 0.0, 0.0, 0.0, D(2026, 5, 31), D(2026, 6, 1)),
        ("mai 2026", 0.0, 0.0, 0.0, 0.0, D(2026, 6, 30), D(2026, 6, 30)),
    ]
    february = schedule.declarations[3]
    assert february.statut == ESTIME
    assert february.chambre == 0.0 and february.versement_liberatoire == 0.0
    assert february.acre == 0.0
    assert february.taux == pytest.approx(954.73 / 3700.50)
    assert schedule.findings == []


def test_bnc_quarterly_across_the_2026_rate_change():
    schedule = _schedule(_bnc(declaration="Trimestrielle"))
    assert _rows(schedule) == [
        # 5 333,33 × 24,6 % = 1 311,99918 ; CFP 10,66666
        ("4e trimestre 2025", 5333.33, 1312.00, 10.67, 1322.67, D(2026, 1, 31), D(2026, 2, 2)),
        # 5 735,06 × 25,6 % = 1 468,17536 ; CFP 11,47012
        ("1er trimestre 2026", 5735.06, 1468.18, 11.47, 1479.65, D(2026, 4, 30), D(2026, 4, 30)),
        ("2e trimestre 2026", 0.0, 0.0, 0.0, 0.0, D(2026, 7, 31), D(2026, 7, 31)),
    ]


def test_first_declaration_groups_the_first_months_each_receipt_at_its_own_rate():
    receipts = [r for r in BNC_RECEIPTS if r["date"] >= D(2025, 12, 1)]
    ledger = make_ledger(
        params={"debut_activite": D(2025, 12, 1)}, encaissements=receipts, factures=BNC_INVOICES
    )
    first, *rest = _schedule(ledger).declarations
    assert first.premiere and first.periode == "de décembre 2025 à février 2026 (1re déclaration)"
    assert (first.debut, first.fin) == (D(2025, 12, 1), D(2026, 2, 28))
    # due with February's declaration (31/03/2026)
    assert first.echeance == D(2026, 3, 31)
    # 3 333,33 × 24,6 % + (1 234,56 + 3 700,50) × 25,6 % = 819,99918 + 1 263,37536
    # = 2 083,37454, rounded once (per month it would be 820,00 + 316,05 + 947,33 = 2 083,38)
    assert first.sociales == 2083.37
    assert first.formation == 16.54  # 8 268,39 × 0,2 % = 16,53678
    assert first.cotisations == 2099.91
    assert [d.periode for d in rest] == ["mars 2026", "avril 2026", "mai 2026"]

    quarterly = dataclasses.replace(
        ledger, params=dataclasses.replace(ledger.params, declaration="Trimestrielle")
    )
    first, *rest = _schedule(quarterly).declarations
    assert first.periode == "du 4e trimestre 2025 au 1er trimestre 2026 (1re déclaration)"
    assert first.echeance == D(2026, 4, 30)
    # 3 333,33 × 24,6 % + 5 735,06 × 25,6 % = 819,99918 + 1 468,17536 = 2 288,17454
    assert (first.sociales, first.formation, first.cotisations) == (2288.17, 18.14, 2306.31)
    assert [d.periode for d in rest] == ["2e trimestre 2026"]


def test_first_declaration_two_quarters_of_the_same_year():
    periods = declaration_periods(D(2026, 2, 14), D(2026, 9, 30), "Trimestrielle", D(2026, 2, 14))
    assert [(p.libelle, p.echeance) for p in periods] == [
        ("1er et 2e trimestres 2026 (1re déclaration)", D(2026, 7, 31)),
        ("3e trimestre 2026", D(2026, 10, 31)),
    ]
    monthly = declaration_periods(D(2026, 4, 1), D(2026, 7, 31), "Mensuelle", D(2026, 4, 1))
    assert [(p.libelle, p.echeance) for p in monthly] == [
        ("d'avril à juin 2026 (1re déclaration)", D(2026, 7, 31)),
        ("juillet 2026", D(2026, 8, 31)),
    ]


@pytest.mark.parametrize(
    ("start", "label", "fin", "due"),
    [
        # service-public F23257: started 6 March 2024, the first three months run to 5 June,
        # so March to June are declared together by 31 July 2024
        (D(2024, 3, 6), "de mars à juin 2024 (1re déclaration)", D(2024, 6, 30), D(2024, 7, 31)),
        # on the 1st, the three months end with May: due 30 June
        (D(2024, 3, 1), "de mars à mai 2024 (1re déclaration)", D(2024, 5, 31), D(2024, 6, 30)),
        # 31 March: three months to 30 June (June is the last month)
        (D(2024, 3, 31), "de mars à juin 2024 (1re déclaration)", D(2024, 6, 30), D(2024, 7, 31)),
        # 2 April: to 1 July, so April to July, due 31 August
        (D(2026, 4, 2), "d'avril à juillet 2026 (1re déclaration)", D(2026, 7, 31), D(2026, 8, 31)),
        # 10 December: to 9 March, across the year
        (
            D(2025, 12, 10),
            "de décembre 2025 à mars 2026 (1re déclaration)",
            D(2026, 3, 31),
            D(2026, 4, 30),
        ),
    ],
)
def test_first_monthly_declaration_counts_three_months_from_the_start_date(start, label, fin, due):
    first, following = declaration_periods(start, due, "Mensuelle", start)[:2]
    assert (first.libelle, first.debut, first.fin, first.echeance) == (
        label,
        D(start.year, start.month, 1),
        fin,
        due,
    )
    assert following.debut == fin + dt.timedelta(days=1) and not following.premiere
    # quarterly: the starting quarter and the next, whatever the day (F23257)
    (quarterly, *_) = declaration_periods(start, due, "Trimestrielle", start)
    assert quarterly.fin == add_months_end(start)


def add_months_end(start):
    """End of the quarter after the starting quarter."""
    quarter_end_month = 3 * ((start.month - 1) // 3 + 1) + 3
    year = start.year + (quarter_end_month - 1) // 12
    month = (quarter_end_month - 1) % 12 + 1
    return (pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)).date()


def test_first_monthly_declaration_in_the_schedule_from_a_start_on_the_6th():
    ledger = make_ledger(
        params={
            "activite": "Vente de marchandises",
            "debut_activite": D(2024, 3, 6),
            "date_solde": D(2024, 3, 5),
            "date_reference": D(2024, 3, 6),
        },
        encaissements=[
            _receipt(D(2024, 3, 20), 1000.0),
            _receipt(D(2024, 6, 10), 2000.0),
            _receipt(D(2024, 7, 3), 500.0),
        ],
    )
    first, july, *_ = _schedule(ledger).declarations
    # 3 000 × (12,3 % + 0,1 %) = 372
    assert (first.periode, first.encaissements, first.cotisations, first.echeance) == (
        "de mars à juin 2024 (1re déclaration)",
        3000.0,
        372.0,
        D(2024, 7, 31),
    )
    assert first.echeance_ouvree == D(2024, 7, 31)  # a Wednesday
    assert (july.periode, july.cotisations, july.echeance) == ("juillet 2024", 62.0, D(2024, 8, 31))


# --- other profiles ----------------------------------------------------------------------------


def test_sale_of_goods_quarterly_with_chamber_tax_above_5000_per_calendar_year():
    ledger = make_ledger(
        params={"activite": "Vente de marchandises", "declaration": "Trimestrielle"},
        encaissements=[
            _receipt(D(2025, 12, 5), 6000.00, statut="Réalisé"),
            _receipt(D(2026, 2, 10), 4000.00),
            _receipt(D(2026, 3, 10), 3000.00),
            _receipt(D(2026, 4, 15), 10000.00),
        ],
    )
    got = [
        (d.encaissements, d.sociales, d.formation, d.chambre, d.cotisations)
        for d in _schedule(ledger).declarations
    ]
    assert got == [
        # 6 000 × 12,3 % ; CFP 0,1 % ; chamber (6 000 - 5 000) × 0,015 %
        (6000.00, 738.00, 6.00, 0.15, 744.15),
        # a new year: 7 000 - 5 000 = 2 000 above the threshold × 0,015 % = 0,30
        (7000.00, 861.00, 7.00, 0.30, 868.30),
        # all of it above: 10 000 × 0,015 % = 1,50
        (10000.00, 1230.00, 10.00, 1.50, 1241.50),
    ]


def test_versement_liberatoire_adds_its_rate_to_the_total():
    ledger = make_ledger(
        params={"versement_liberatoire": True},
        encaissements=[_receipt(D(2026, 1, 15), 1000.00)],
    )
    january = _schedule(ledger).declarations[0]
    # 25,6 % + 0,2 % CFP + 2,2 % VL
    assert (january.sociales, january.formation, january.versement_liberatoire) == (
        256.00,
        2.00,
        22.00,
    )
    assert january.cotisations == 280.00 and january.taux == pytest.approx(0.28)


def test_acre_halves_the_social_rate_for_the_starting_quarter_and_three_more():
    ledger = make_ledger(
        params={
            "declaration": "Trimestrielle",
            "acre": True,
            "debut_activite": D(2025, 11, 15),
            "horizon": 14,  # December 2025 to January 2027
        },
        encaissements=[
            _receipt(D(2025, 12, 10), 1000.00, statut="Réalisé"),
            _receipt(D(2026, 2, 10), 1000.00),
            _receipt(D(2026, 9, 30), 1000.00),  # last day of the fourth quarter
            _receipt(D(2026, 10, 1), 1000.00),  # first day after: full rate
        ],
    )
    schedule = _schedule(ledger)
    assert schedule.acre is not None
    subtitle = urssaf_layout(schedule, ledger.params).value(2, 1)
    assert "ACRE : oui, du 01/10/2025 au 30/09/2026" in subtitle
    assert (schedule.acre.debut, schedule.acre.fin, schedule.acre.reduction) == (
        D(2025, 10, 1),
        D(2026, 9, 30),
        0.5,
    )
    got = [
        (d.periode, d.sociales, d.acre, d.formation, d.cotisations, d.echeance_ouvree)
        for d in schedule.declarations
    ]
    assert got == [
        # 246 + 256 at full rate; at 12,3 % and 12,8 %: 123 + 128 = 251
        (
            "du 4e trimestre 2025 au 1er trimestre 2026 (1re déclaration)",
            502.00,
            -251.00,
            4.00,
            255.00,
            D(2026, 4, 30),
        ),
        ("2e trimestre 2026", 0.0, 0.0, 0.0, 0.0, D(2026, 7, 31)),
        # due Saturday 31/10, Sunday 1/11 is Toussaint: paid Monday 2/11
        ("3e trimestre 2026", 256.00, -128.00, 2.00, 130.00, D(2026, 11, 2)),
        # due Sunday 31/01/2027
        ("4e trimestre 2026", 256.00, 0.0, 2.00, 258.00, D(2027, 2, 1)),
        ("1er trimestre 2027", 0.0, 0.0, 0.0, 0.0, D(2027, 4, 30)),
    ]


def test_acre_rates_round_like_the_published_ones_and_shrink_after_july_2026():
    assert reduced_rate(0.123, 0.5) == 0.062  # published 6,2 %
    assert reduced_rate(0.212, 0.5) == 0.106
    assert reduced_rate(0.246, 0.5) == 0.123
    assert rule("acre", D(2026, 6, 30))["reduction"] == 0.5
    ledger = make_ledger(
        params={
            "acre": True,
            "debut_activite": D(2026, 7, 1),
            "date_solde": D(2026, 6, 30),
            "date_reference": D(2026, 7, 1),
        },
        encaissements=[_receipt(D(2026, 8, 20), 1000.00)],
    )
    schedule = _schedule(ledger)
    assert schedule.acre is not None and schedule.acre.reduction == 0.25
    first = schedule.declarations[0]
    assert first.periode == "de juillet à septembre 2026 (1re déclaration)"
    # 25,6 % reduced by 25 %: 19,2 %
    assert (first.sociales, first.acre, first.cotisations) == (256.00, -64.00, 194.00)
    assert any(r.table == "acre" and r.uncertain for r in schedule.uncertain_rules)


def test_acre_without_start_date_is_a_finding_and_no_reduction():
    ledger = make_ledger(params={"acre": True}, encaissements=[_receipt(D(2026, 1, 15), 1000.0)])
    schedule = _schedule(ledger)
    assert schedule.acre is None
    assert schedule.declarations[0].acre == 0.0 and schedule.declarations[0].cotisations == 258.0
    (finding,) = schedule.findings
    assert finding.code == "acre_sans_date"
    assert finding.gravite == AVERTISSEMENT and finding.feuille == "Paramètres"
    assert finding.ligne is None and "Date de début d'activité" in finding.conseil
    subtitle = urssaf_layout(schedule, ledger.params).value(2, 1)
    assert "ACRE : oui, non appliquée (date de début d'activité manquante)" in subtitle


# --- typed payments ----------------------------------------------------------------------------


def _typed_ledger():
    return make_ledger(
        encaissements=BNC_RECEIPTS,
        factures=BNC_INVOICES,
        decaissements=[
            # November, paid: Réalisé, in its window (30/11/2025 to 15/01/2026)
            {
                "date": D(2025, 12, 20),
                "libelle": "Cotisations novembre",
                "montant": 496.0,
                "categorie": "urssaf",
                "statut": "Réalisé",
            },
            # December: on time (deadline 31/01, paid 02/02) -> December, not January
            {
                "date": D(2026, 1, 28),
                "libelle": "Cotisations décembre",
                "montant": 800.0,
                "categorie": "URSSAF",
            },
            # matched by its wording; late for January (due 02/03), on time for February
            {
                "date": D(2026, 3, 10),
                "libelle": "Prélèvement Urssaf",
                "montant": 300.0,
                "categorie": "Charges",
            },
            # in no window
            {
                "date": D(2025, 6, 1),
                "libelle": "URSSAF régularisation",
                "montant": 50.0,
                "categorie": "URSSAF",
                "statut": "Réalisé",
            },
            {"date": D(2026, 2, 5), "libelle": "Loyer", "montant": 500.0, "categorie": "Loyer"},
        ],
    )


def test_typed_urssaf_payment_replaces_the_estimate_of_its_period_only():
    schedule = _schedule(_typed_ledger())
    by_period = {d.periode: d for d in schedule.declarations}
    november, december = by_period["novembre 2025"], by_period["décembre 2025"]
    january, february = by_period["janvier 2026"], by_period["février 2026"]
    assert (november.statut, november.cotisations, november.lignes_saisies) == (PAYE, 496.0, (2,))
    assert (december.statut, december.cotisations, december.saisi) == (SAISI, 800.0, 800.0)
    assert december.estimation == 826.67  # kept for comparison
    assert december.paiement == D(2026, 1, 28)
    assert december.taux == pytest.approx(800.0 / 3333.33)
    assert (january.statut, january.cotisations) == (ESTIME, 318.52)
    assert (february.statut, february.cotisations, february.lignes_saisies) == (SAISI, 300.0, (4,))
    assert by_period["mars 2026"].statut == ESTIME

    flows = estimated_flows(schedule)
    assert list(flows.columns) == FLOW_COLUMNS
    assert list(zip(flows["date"].dt.date, flows["montant"], strict=True)) == [
        (D(2026, 3, 2), 318.52),  # January, on the working day after Saturday 28/02
        (D(2026, 4, 30), 206.40),  # March
    ]
    assert set(flows["sens"]) == {OUT} and set(flows["categorie"]) == {CATEGORY_ESTIMATE}
    assert set(flows["statut"]) == {"Prévu"} and set(flows["source"]) == {"URSSAF"}

    (isolated,) = [f for f in schedule.findings if f.code == "urssaf_paiement_isole"]
    assert (isolated.gravite, isolated.feuille, isolated.ligne) == (CONSEIL, "Décaissements", 5)
    assert "01/06/2025" in isolated.constat


def test_payment_window_rule():
    periods = declaration_periods(D(2025, 12, 1), D(2026, 3, 31), "Mensuelle")
    names = [p.libelle for p in periods]

    def matched(day):
        index = match_payment(day, periods)
        return None if index is None else names[index]

    assert matched(D(2025, 12, 30)) is None  # before December ends
    assert matched(D(2025, 12, 31)) == "décembre 2025"  # window opens on the period's last day
    assert matched(D(2026, 2, 2)) == "décembre 2025"  # on time: 31/01 is a Saturday
    assert matched(D(2026, 2, 3)) == "janvier 2026"  # late for December, on time for January
    assert matched(D(2026, 3, 15)) == "février 2026"
    quarters = declaration_periods(D(2026, 1, 1), D(2026, 6, 30), "Trimestrielle")
    assert match_payment(D(2026, 5, 15), quarters) == 0  # 30/04 + 15 days, late but in window
    assert match_payment(D(2026, 5, 16), quarters) is None
    assert match_payment(D(2026, 3, 31), quarters) == 0


def test_estimates_enter_the_plan_and_typed_payments_are_not_doubled():
    ledger = _typed_ledger()
    plan = build_plan(ledger, extra_flows=estimated_flows(_schedule(ledger)))
    row = plan.disbursements.loc[CATEGORY_ESTIMATE]
    assert row[D(2026, 3, 1)] == 318.52 and row[D(2026, 4, 1)] == 206.40
    assert row.sum() == pytest.approx(318.52 + 206.40)
    typed = plan.disbursements.loc["URSSAF"]
    assert typed[D(2026, 1, 1)] == 800.0 and typed.sum() == 800.0


# --- dates the rules file does not cover -------------------------------------------------------


def test_uncovered_date_is_a_french_finding_and_the_period_is_not_estimated():
    with pytest.raises(RuleNotCovered, match="ne connaît pas le taux de cotisations"):
        rule("cotisations", D(2019, 3, 15), activite="Prestations de services BNC")
    ledger = make_ledger(
        encaissements=[_receipt(D(2019, 3, 15), 1000.0), _receipt(D(2026, 1, 15), 1000.0)]
    )
    schedule = _schedule(ledger)
    first = schedule.declarations[0]
    assert (first.periode, first.statut, first.cotisations) == ("mars 2019", NON_CALCULE, None)
    assert schedule.declarations[1].statut == ESTIME  # April 2019: nothing to rate
    (finding,) = [f for f in schedule.findings if f.code == "urssaf_taux_inconnu"]
    assert finding.gravite == AVERTISSEMENT  # history only: the plan is not affected
    assert (
        "Le fichier des règles ne connaît pas le taux de cotisations (Prestations de services "
        "BNC) en vigueur le 15/03/2019." in finding.constat
    )
    assert all(f.date() > D(2025, 12, 31) for f in estimated_flows(schedule)["date"])

    in_plan = make_ledger(
        params={"date_solde": D(2019, 1, 31), "date_reference": D(2019, 2, 1)},
        encaissements=[_receipt(D(2019, 3, 15), 1000.0)],
    )
    schedule = _schedule(in_plan)
    (finding,) = schedule.findings
    assert finding.gravite == ERREUR
    assert estimated_flows(schedule).empty


# --- thresholds --------------------------------------------------------------------------------


END_2026 = D(2026, 12, 31)
MARCH_2026 = D(2026, 3, 1)


def _threshold_findings(activite, receipts, until=END_2026, reference=MARCH_2026):
    ledger = make_ledger(
        params={"activite": activite, "date_reference": reference}, encaissements=receipts
    )
    return threshold_findings(ledger, build_flows(ledger, until), until)


def test_vat_threshold_warning_from_80_percent():
    services = "Prestations de services BNC"
    below = _threshold_findings(services, [_receipt(D(2026, 2, 10), 29999.99, statut="Réalisé")])
    assert below == []
    (finding,) = _threshold_findings(
        services,
        [
            _receipt(D(2026, 2, 10), 20000.0, statut="Réalisé"),
            _receipt(D(2026, 5, 10), 10000.0),
            _receipt(D(2026, 6, 1), 99999.0, categorie="Emprunt"),  # not turnover
        ],
    )
    assert (finding.code, finding.gravite, finding.feuille, finding.ligne) == (
        "tva_seuil_proche",
        AVERTISSEMENT,
        "Encaissements",
        None,
    )
    assert f"80{NBSP}%" in finding.constat and "37\u202f500" in finding.constat
    assert "1er janvier suivant" in finding.conseil
    assert "Loi de finances 2026 définitive non lue." in finding.conseil  # incertain note


def test_vat_upper_threshold_forecast_is_a_warning_not_an_error():
    findings = _threshold_findings(
        "Prestations de services BNC",
        [_receipt(D(2026, 2, 10), 20000.0, statut="Réalisé"), _receipt(D(2026, 4, 15), 22000.0)],
    )
    (finding,) = findings  # 42 000 is 50 % of the 83 600 ceiling: no other finding
    # a forecast is no error in the data (and `check` exits 1 on errors only)
    assert (finding.code, finding.gravite) == ("tva_seuil_majore_depasse", AVERTISSEMENT)
    assert "dépassement prévu le 15/04/2026" in finding.constat
    assert "41\u202f250" in finding.constat
    assert "dès le jour du dépassement (15/04/2026)" in finding.conseil


def test_vat_base_threshold_passed_means_vat_from_next_january():
    (finding,) = _threshold_findings(
        "Prestations de services BIC", [_receipt(D(2026, 2, 10), 38000.0, statut="Réalisé")]
    )
    assert (finding.code, finding.gravite) == ("tva_seuil_depasse", AVERTISSEMENT)
    assert "seuil dépassé le 10/02/2026" in finding.constat
    assert "3\u202f250,00" in finding.constat  # margin before 41 250
    assert "1er janvier 2027" in finding.conseil


def test_micro_ceiling_for_sales_at_80_percent_and_two_years_above():
    findings = _threshold_findings(
        "Vente de marchandises", [_receipt(D(2026, 2, 10), 170000.0, statut="Réalisé")]
    )
    codes = {f.code: f for f in findings}
    assert set(codes) == {"tva_seuil_majore_depasse", "plafond_micro_proche"}
    # passed already (a realised receipt): VAT is due now, an error to act on
    assert codes["tva_seuil_majore_depasse"].gravite == ERREUR
    assert "seuil dépassé le 10/02/2026" in codes["tva_seuil_majore_depasse"].constat
    assert f"84{NBSP}%" in codes["plafond_micro_proche"].constat  # 170 000 / 203 100
    assert "203\u202f100" in codes["plafond_micro_proche"].constat
    # 2026-2028 ceilings confirmed by the December 2026 audit: no longer marked uncertain
    assert "Chiffre incertain" not in codes["plafond_micro_proche"].conseil

    findings = _threshold_findings(
        "Prestations de services BNC",
        [
            _receipt(D(2025, 6, 10), 80000.0, statut="Réalisé"),  # above 77 700
            _receipt(D(2026, 2, 10), 84000.0, statut="Réalisé"),  # above 83 600
        ],
    )
    ceilings = [f for f in findings if f.code == "plafond_micro_depasse"]
    assert [f.gravite for f in ceilings] == [AVERTISSEMENT, AVERTISSEMENT]
    assert "1er janvier 2027" in ceilings[0].conseil  # 2025 alone: out in 2027 if 2026 too
    assert "Deuxième année civile consécutive" in ceilings[1].conseil
    assert "1er janvier 2027" in ceilings[1].conseil


# --- the tab -----------------------------------------------------------------------------------


def test_urssaf_tab_fixed_labels_formats_total_and_uncertain_rules():
    ledger = _typed_ledger()
    schedule = _schedule(ledger)
    sheet = urssaf_layout(schedule, ledger.params)
    assert sheet.name == contract.TAB_URSSAF
    header_row = next(r for r in range(1, sheet.max_row + 1) if sheet.value(r, 1) == "Période")
    header = [sheet.value(header_row, c) for c in range(1, sheet.max_col + 1)]
    assert header == list(HEADERS)
    for label in ("Période", "Encaissements", "Taux", "Cotisations", "Échéance"):
        assert label in header
    col = {label: i + 1 for i, label in enumerate(header)}
    assert sheet.freeze == (header_row + 1, 2)

    december = header_row + 2
    assert sheet.value(december, col["Période"]) == "décembre 2025"
    assert sheet.value(december, col["Échéance"]) == D(2026, 1, 31)
    assert sheet.cells[(december, col["Échéance"])].style.number_format == DATE
    assert sheet.value(december, col["Paiement prévu le"]) == D(2026, 1, 28)
    assert sheet.value(december, col["Statut"]) == "saisi"
    assert sheet.value(december, col["Cotisations"]) == 800.0
    assert sheet.value(december, col["Estimation"]) == 826.67
    assert sheet.cells[(december, col["Encaissements"])].style.number_format == EURO
    assert "%" in sheet.cells[(december, col["Taux"])].style.number_format
    assert sheet.value(header_row + 1, col["Statut"]) == "payé"

    total_row = header_row + 1 + len(schedule.declarations)
    assert sheet.value(total_row, 1) == "Total"
    assert sheet.value(total_row, col["Encaissements"]) == pytest.approx(11068.39)
    # 496 (payé) + 800 + 318,52 + 300 + 206,40 + 0 + 0
    assert sheet.value(total_row, col["Cotisations"]) == pytest.approx(2120.92)
    assert sheet.value(total_row, col["Taux"]) == pytest.approx(2120.92 / 11068.39)

    notes = " ".join(
        str(sheet.value(r, 1)) for r in range(2, header_row) if sheet.value(r, 1) is not None
    )
    # the CFP rate for BNC (0,2 %) was confirmed by the audit: no longer in the uncertain list
    assert "n'ont pas pu être confirmées" in notes  # the deadline shift still is
    assert "jour ouvré suivant : le paiement est prévu ce jour-là" in notes
    # plain French for a micro-entrepreneur, not the rules file's audit trail
    assert "sources secondaires" not in notes and "Règles incertaines" not in notes
    assert "formation professionnelle" not in notes and "Certaines sources" not in notes
    assert "jour ouvré" in notes and "15 jours" in notes


def test_dashboard_helpers_next_payment_turnover_so_far_and_thresholds():
    ledger = _typed_ledger()
    schedule = _schedule(ledger)
    # December is typed (Prévu, 28/01), January estimated (02/03)
    assert next_payment(schedule, D(2026, 1, 1)) == (D(2026, 1, 28), 800.0)
    assert next_payment(schedule, D(2026, 1, 29)) == (D(2026, 3, 2), 318.52)
    assert next_payment(schedule, D(2026, 5, 1)) is None  # April and May: nothing to pay
    flows = build_flows(ledger, D(2026, 5, 31))
    # 1 234,56 on 20/01 and 2 500,50 on 10/02; Apport, Emprunt and 2025 left out
    assert year_to_date_turnover(flows, D(2026, 2, 10)) == 3735.06
    assert year_to_date_turnover(flows, D(2026, 2, 9)) == 1234.56
    assert [
        (t.label, t.amount) for t in dashboard_thresholds("Vente de marchandises", D(2026, 6, 1))
    ] == [
        ("Seuil de franchise de TVA", 85000.0),
        ("Seuil majoré de franchise de TVA", 93500.0),
        ("Plafond du régime micro", 203100.0),
    ]
    # after 2028 the last known ceiling is carried forward (flagged uncertain in the rules)
    assert [
        t.amount for t in dashboard_thresholds("Prestations de services BNC", D(2029, 1, 1))
    ] == [37500.0, 41250.0, 83600.0]
