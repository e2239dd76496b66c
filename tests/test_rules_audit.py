"""The rules file after the December 2026 audit: values carried forward past their last date,
the ECB and legal interest tables, ACRE for CIPAV, the penalty floor and the prorated ceiling.
Every figure is computed by hand in the comments."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from ledger_factory import make_ledger

from treso_xl.core.checks import AVERTISSEMENT, run_checks
from treso_xl.core.flows import build_flows
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.penalties import late_penalties, legal_minimum_rate, penalty_periods
from treso_xl.core.plan import horizon_end
from treso_xl.core.reminders import reminders
from treso_xl.core.thresholds import dashboard_thresholds, threshold_findings
from treso_xl.core.urssaf import CONSEIL, PAYE, SAISI, urssaf_schedule
from treso_xl.excel import udfs
from treso_xl.layout.urssaf import urssaf_layout
from treso_xl.refresh import compute
from treso_xl.rules.lookup import RuleNotCovered, load_rules, rule

D = dt.date
CIPAV = "Profession libérale CIPAV"
BNC = "Prestations de services BNC"


def _schedule(ledger):
    end = horizon_end(ledger.params.date_solde, ledger.params.horizon)
    return urssaf_schedule(ledger, build_flows(ledger, end), end)


def _receipt(day, amount, **extra):
    row = {"date": day, "libelle": "Prestation", "client": "Client", "montant": amount}
    row.update(extra)
    return row


# --- every entry sourced and dated -------------------------------------------------------------


def test_every_entry_of_the_rules_file_has_a_source_and_dates():
    for table, entries in load_rules().items():
        for entry in entries:
            assert entry.source.strip(), (table, entry.values)
            assert entry.end is None or entry.end >= entry.start, (table, entry.values)
            if entry.uncertain:
                assert entry.note.strip(), (table, entry.values)


# --- item 7: a value not yet published is carried forward, flagged -----------------------------


def test_a_date_after_the_last_entry_gets_the_last_value_flagged_uncertain():
    h1_2026 = rule("taux_penalites", D(2026, 3, 1))
    assert (h1_2026["taux"], h1_2026.uncertain) == (0.1215, False)
    carried = rule("taux_penalites", D(2027, 1, 1))
    assert carried["taux"] == 0.1215 and carried.uncertain
    assert "s'arrête au 31/12/2026" in carried.note
    assert "dernière valeur connue" in carried.note
    legal = rule("taux_interet_legal", D(2027, 3, 1))
    assert (legal["taux"], legal.uncertain) == (0.0262, True)
    ceiling = rule("plafond_micro", D(2029, 1, 1), categorie="services")
    assert (ceiling["montant"], ceiling.uncertain) == (83600, True)
    # before the first entry: still an explicit error, never a guess
    with pytest.raises(RuleNotCovered, match="taux des pénalités"):
        rule("taux_penalites", D(2023, 12, 31))


def test_penalties_in_2027_without_a_typed_rate():
    # due 30/11/2026: 31 days of December 2026 and 31 of January 2027 at 12,15 %
    # 1 000 × 12,15 % × 62 / 365 = 20,6384
    assert late_penalties(1000.0, D(2026, 11, 30), D(2027, 1, 31)) == 20.64
    periods = penalty_periods(D(2026, 11, 30), D(2027, 1, 31))
    assert [(p.days, p.rate, p.uncertain) for p in periods] == [
        (31, 0.1215, True),  # H2 2026: ECB rate of 1 July 2026 not confirmed
        (31, 0.1215, True),  # H1 2027: carried forward
    ]
    # the worksheet function gave « #VALEUR! … taux … inconnu » before: 1 000 × 12,15 % × 31 / 365
    assert udfs.TRESO_PENALITES(1000, D(2026, 12, 31), D(2027, 1, 31)) == 10.32
    assert udfs.TRESO_PENALITES(1000, "31/12/2026", "30/06/2027") == round(
        1000 * 0.1215 * 181 / 365, 2
    )


def _late_2027_ledger(**params):
    settings = {
        "date_solde": D(2027, 1, 31),
        "date_reference": D(2027, 2, 15),
        "debut_activite": D(2022, 1, 1),
    }
    settings.update(params)
    return make_ledger(
        params=settings,
        factures=[
            {
                "facture": "F-2026-40",
                "date": D(2026, 12, 1),
                "client": "Atelier Nord",
                "montant": 1000.0,
                "echeance": D(2026, 12, 31),
            }
        ],
    )


def test_reminders_with_a_2027_reference_date_and_no_typed_rate():
    ledger = _late_2027_ledger()
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    (item,) = reminders(positions, ledger.params)
    # 01/01 to 15/02/2027: 46 days; 1 000 × 12,15 % × 46 / 365 = 15,3123
    assert (item.jours_retard, item.penalites, item.indemnite) == (46, 15.31, 40.0)
    assert item.taux == 0.1215 and item.taux_incertain and item.erreur_taux == ""

    report = compute(ledger)
    assert not [f for f in report.findings if f.code == "taux_penalites_inconnu"]
    relances = next(s for s in report.layouts if s.name == "Relances")
    texts = " ".join(str(c.value) for c in relances.cells.values() if isinstance(c.value, str))
    assert "Taux par défaut" in texts and "s'arrête au 31/12/2026" in texts


# --- item 10: ECB and legal interest tables ----------------------------------------------------


def test_ecb_rate_dates_and_the_penalty_defaults_they_give():
    assert rule("taux_bce", D(2025, 1, 1))["taux"] == 0.0315
    assert rule("taux_bce", D(2025, 2, 4))["taux"] == 0.0315  # ran only to 4 February 2025
    assert rule("taux_bce", D(2025, 2, 5))["taux"] == 0.0290
    assert rule("taux_bce", D(2025, 3, 12))["taux"] == 0.0265
    assert rule("taux_bce", D(2025, 4, 23))["taux"] == 0.0240
    assert rule("taux_bce", D(2025, 6, 10))["taux"] == 0.0240
    assert rule("taux_bce", D(2025, 6, 11))["taux"] == 0.0215
    entries = load_rules()["taux_bce"]
    for before, after in itertools.pairwise(entries):
        assert before.end is not None and after.start == before.end + dt.timedelta(days=1)
    # each half-year's default penalty rate is the ECB rate of its first day + 10 points
    for entry in load_rules()["taux_penalites"]:
        ecb = rule("taux_bce", entry.start)["taux"]
        assert round(ecb + 0.10, 4) == entry["taux"], entry.start


def test_legal_interest_rate_every_half_year_and_the_penalty_floor():
    expected = {
        D(2024, 1, 1): 0.0507,
        D(2024, 7, 1): 0.0492,
        D(2025, 1, 1): 0.0371,
        D(2025, 7, 1): 0.0276,
        D(2026, 1, 1): 0.0262,
        D(2026, 7, 1): 0.0262,  # H2 2026: order not read, H1 repeated and flagged
    }
    for start, rate in expected.items():
        entry = rule("taux_interet_legal", start)
        assert (entry.start, entry["taux"]) == (start, rate)
        assert entry.end == D(start.year, 6, 30) if start.month == 1 else D(start.year, 12, 31)
    assert rule("taux_interet_legal", D(2026, 7, 1)).uncertain
    assert not rule("taux_interet_legal", D(2026, 1, 1)).uncertain
    floor = legal_minimum_rate(D(2026, 3, 1))
    assert floor is not None and (floor.rate, floor.uncertain) == (0.0786, False)  # 3 × 2,62 %
    assert legal_minimum_rate(D(2025, 3, 1)).rate == 0.1113  # 3 × 3,71 %
    assert legal_minimum_rate(D(2025, 9, 1)).rate == 0.0828  # 3 × 2,76 %
    assert legal_minimum_rate(D(2027, 2, 1)).uncertain


# --- item 11: the penalty floor in Contrôles ----------------------------------------------------


def _floor_findings(rate, reference):
    ledger = make_ledger(params={"taux_penalites": rate, "date_reference": reference})
    return [f for f in run_checks(ledger) if f.code == "taux_penalites_sous_minimum"]


def test_a_typed_penalty_rate_below_three_times_the_legal_rate_is_flagged():
    (finding,) = _floor_findings(0.05, D(2026, 3, 1))
    assert (finding.gravite, finding.feuille, finding.ligne) == (AVERTISSEMENT, "Paramètres", None)
    assert "5\u00a0%" in finding.constat and "7,86\u00a0%" in finding.constat
    assert "2,62\u00a0%" in finding.constat and "01/01/2026" in finding.constat
    assert "L441-10" in finding.conseil
    assert _floor_findings(0.0786, D(2026, 3, 1)) == []  # exactly the floor
    assert _floor_findings(None, D(2026, 3, 1)) == []  # default rate: ECB + 10 points
    assert _floor_findings(0.10, D(2026, 3, 1)) == []
    # H1 2025: 3 × 3,71 % = 11,13 %, so 10 % is too low then
    (early,) = _floor_findings(0.10, D(2025, 3, 1))
    assert "11,13\u00a0%" in early.constat
    # 2027: the legal rate is carried forward, and the finding says so
    (late,) = _floor_findings(0.05, D(2027, 2, 1))
    assert "non confirmé" in late.constat


# --- item 11: the micro ceiling prorated in the year the activity starts ------------------------


def _ceiling_findings(debut, receipts, activite=BNC):
    ledger = make_ledger(
        params={
            "activite": activite,
            "debut_activite": debut,
            "date_solde": D(2026, 11, 30),
            "date_reference": D(2026, 12, 1),
            "horizon": 1,
        },
        encaissements=receipts,
    )
    end = D(2026, 12, 31)
    findings = threshold_findings(ledger, build_flows(ledger, end), end)
    return [f for f in findings if f.code.startswith("plafond_micro")]


def test_the_micro_ceiling_is_prorated_in_the_year_the_activity_starts():
    # started 01/07/2026: 184 days; 83 600 × 184 / 365 = 42 143,56 -> 42 144 €
    (near,) = _ceiling_findings(D(2026, 7, 1), [_receipt(D(2026, 8, 10), 40000.0)])
    assert near.code == "plafond_micro_proche"
    assert "42\u202f144" in near.constat and "184 jours" in near.constat
    assert "95\u00a0%" in near.constat  # 40 000 / 42 144
    assert "F37353" in near.conseil
    (above,) = _ceiling_findings(D(2026, 7, 1), [_receipt(D(2026, 8, 10), 43000.0)])
    assert above.code == "plafond_micro_depasse"
    # a whole year (started before 2026): 43 000 is 51 % of 83 600, nothing to say
    assert _ceiling_findings(D(2025, 7, 1), [_receipt(D(2026, 8, 10), 43000.0)]) == []
    assert _ceiling_findings(D(2026, 1, 1), [_receipt(D(2026, 8, 10), 43000.0)]) == []
    thresholds = dashboard_thresholds(BNC, D(2026, 9, 1), D(2026, 7, 1))
    assert (thresholds[-1].label, thresholds[-1].amount) == (
        "Plafond du régime micro (proratisé, 184 jours d'activité)",
        42144.0,
    )
    assert dashboard_thresholds(BNC, D(2027, 9, 1), D(2026, 7, 1))[-1].amount == 83600.0


def test_a_prorated_first_year_counts_for_two_years_in_a_row():
    # started 01/07/2025: 184 days of 77 700 = 39 169,32 -> 39 169 €, passed with 40 000;
    # 2026: 84 000 above 83 600: the second year in a row
    findings = _ceiling_findings(
        D(2025, 7, 1),
        [_receipt(D(2025, 9, 10), 40000.0, statut="Réalisé"), _receipt(D(2026, 8, 10), 84000.0)],
    )
    assert [f.code for f in findings] == ["plafond_micro_depasse", "plafond_micro_depasse"]
    assert "39\u202f169" in findings[0].constat
    assert "Deuxième année civile consécutive" in findings[1].conseil


def test_uncertain_flags_after_the_audit():
    # confirmed: no longer uncertain
    assert not rule("plafond_micro", D(2026, 1, 1), categorie="vente").uncertain
    assert not rule("plafond_micro", D(2028, 12, 31), categorie="services").uncertain
    assert not rule("formation", D(2026, 1, 1), activite=BNC).uncertain
    assert not rule("formation", D(2026, 1, 1), activite=CIPAV).uncertain
    # not settled: still uncertain
    bic = rule("formation", D(2026, 1, 1), activite="Prestations de services BIC")
    assert (bic["taux"], bic.uncertain) == (0.001, True) and "0,2 %" in bic.note
    assert rule("acre", D(2026, 7, 1)).uncertain
    assert rule("chambre", D(2026, 1, 1), activite="Vente de marchandises").uncertain
    assert "seuil" in rule("chambre", D(2026, 1, 1), activite="Vente de marchandises").note
    assert rule("franchise_tva", D(2026, 1, 1), categorie="vente").uncertain


# --- item 8: ACRE for CIPAV professions ---------------------------------------------------------


def test_acre_for_cipav_uses_the_fixed_reduced_rates_of_urssaf():
    ledger = make_ledger(
        params={
            "activite": CIPAV,
            "declaration": "Trimestrielle",
            "acre": True,
            "debut_activite": D(2025, 11, 15),
            "horizon": 11,  # December 2025 to October 2026
        },
        encaissements=[
            _receipt(D(2025, 12, 10), 1000.00, statut="Réalisé"),
            _receipt(D(2026, 2, 10), 1000.00),
            _receipt(D(2026, 10, 1), 1000.00),  # after the ACRE window (to 30/09/2026)
        ],
    )
    schedule = _schedule(ledger)
    first = schedule.declarations[0]
    # full rate 23,2 %: 232 + 232; under ACRE 13,9 % in 2025 and 13,4 % in 2026: 139 + 134
    # (not 23,2 % × 50 % = 11,6 %: 116 + 116); CFP 0,2 %: 2 + 2
    assert (first.sociales, first.acre, first.formation, first.cotisations) == (
        464.00,
        -191.00,
        4.00,
        277.00,
    )
    last = schedule.declarations[-1]
    assert (last.periode, last.sociales, last.acre) == ("4e trimestre 2026", 232.0, 0.0)
    sheet = urssaf_layout(schedule, ledger.params)
    notes = " ".join(str(sheet.value(r, 1)) for r in range(2, 12) if sheet.value(r, 1))
    assert "taux réduit fixe des professions libérales CIPAV" in notes
    assert "13,4\u00a0% depuis le 01/01/2026" in notes

    # the worksheet function: 1 000 × (13,4 % + 0,2 %) in 2026, × (12,1 % + 0,2 %) before 07/2024
    assert udfs.TRESO_COTISATIONS(1000, D(2026, 3, 15), CIPAV, "Non", "Oui") == 136.0
    assert udfs.TRESO_COTISATIONS(1000, D(2025, 3, 15), CIPAV, "Non", "Oui") == 141.0
    assert udfs.TRESO_COTISATIONS(1000, D(2024, 3, 15), CIPAV, "Non", "Oui") == 123.0
    # other activities keep half the full rate: 25,6 % × 50 % = 12,8 %, + 0,2 %
    assert udfs.TRESO_COTISATIONS(1000, D(2026, 3, 15), BNC, "Non", "Oui") == 130.0


def test_cfp_for_bic_services_is_what_urssaf_debits():
    # 1 000 × (21,2 % + 0,1 %)
    assert udfs.TRESO_COTISATIONS(1000, D(2026, 3, 15), "Prestations de services BIC") == 213.0


# --- item 12: a payment for a quarter closed on the opening balance date ------------------------


def _closed_quarter_ledger(**params):
    settings = {
        "declaration": "Trimestrielle",
        "date_solde": D(2026, 3, 31),
        "date_reference": D(2026, 4, 1),
        "horizon": 6,
    }
    settings.update(params)
    return make_ledger(
        params=settings,
        encaissements=[_receipt(D(2026, 4, 20), 2000.0), _receipt(D(2026, 5, 20), 1000.0)],
        decaissements=[
            {
                "date": D(2026, 4, 30),
                "libelle": "Cotisations 1er trimestre",
                "montant": 912.0,
                "categorie": "URSSAF",
            },
        ],
    )


def test_a_payment_for_the_quarter_closed_on_the_balance_date_is_attached_to_it():
    schedule = _schedule(_closed_quarter_ledger())
    assert not [f for f in schedule.findings if f.code == "urssaf_paiement_isole"]
    q1, q2, _q3 = schedule.declarations
    assert (q1.periode, q1.debut, q1.fin) == ("1er trimestre 2026", D(2026, 1, 1), D(2026, 3, 31))
    assert (q1.statut, q1.cotisations, q1.saisi, q1.lignes_saisies) == (SAISI, 912.0, 912.0, (2,))
    assert q1.encaissements == 0.0 and q1.paiement == D(2026, 4, 30)
    # Q2 estimated: 3 000 × (25,6 % + 0,2 %) = 774
    assert (q2.periode, q2.cotisations) == ("2e trimestre 2026", 774.0)
    sheet = urssaf_layout(schedule, _closed_quarter_ledger().params)
    notes = " ".join(str(sheet.value(r, 1)) for r in range(2, 12) if sheet.value(r, 1))
    assert "1er trimestre 2026 : période close au plus tard à la date du solde initial" in notes
    assert "(Décaissements, ligne 2, 912,00\u00a0€, le 30/04/2026)" in notes
    assert "rattaché et repris tel quel" in notes


def test_a_closed_quarter_is_added_only_for_a_payment_that_settles_it():
    ledger = _closed_quarter_ledger()
    stray = dataclasses.replace(
        ledger,
        decaissements=ledger.decaissements.assign(
            date=ledger.decaissements["date"] + dt.timedelta(days=40)  # 09/06: in no window
        ),
    )
    schedule = _schedule(stray)
    assert schedule.declarations[0].periode == "2e trimestre 2026"
    (finding,) = [f for f in schedule.findings if f.code == "urssaf_paiement_isole"]
    assert finding.gravite == CONSEIL
    # monthly: March closed on the balance date, paid on 30/04 (its deadline)
    monthly = _schedule(_closed_quarter_ledger(declaration="Mensuelle"))
    march = monthly.declarations[0]
    assert (march.periode, march.statut, march.cotisations) == ("mars 2026", SAISI, 912.0)
    assert PAYE != march.statut
