"""Staged billing from the Projets sheet, the financing need and its credit cost, by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from ledger_factory import make_ledger

from treso_xl.core.financing import (
    compare_staged_billing,
    daily_balances,
    financing_need,
)
from treso_xl.core.plan import build_plan
from treso_xl.core.projects import parse_schedule, project_stages, stage_dates, stage_flows

D = dt.date
PROJECT = {
    "projet": "Site Boulangerie",
    "client": "Au Pain Doré",
    "montant_total": 10000.0,
    "debut": D(2026, 2, 1),
    "livraison": D(2026, 4, 2),
    "echeancier": "30/40/30",
    "conditions": "30 jours",
}


@pytest.mark.parametrize(
    ("text", "shares"),
    [
        ("30/40/30", [0.3, 0.4, 0.3]),
        ("30 % / 70 %", [0.3, 0.7]),
        ("", [1.0]),
        ("50/40", None),
        ("moitié", None),
        ("100", [1.0]),
    ],
)
def test_parse_schedule(text, shares):
    assert parse_schedule(text) == shares


def test_stage_dates_spread_evenly():
    assert stage_dates(D(2026, 2, 1), D(2026, 4, 2), 3) == [
        D(2026, 2, 1),
        D(2026, 3, 3),
        D(2026, 4, 2),
    ]
    assert stage_dates(D(2026, 2, 1), D(2026, 4, 2), 1) == [D(2026, 4, 2)]


REFERENCE = D(2026, 1, 15)


def _stages(factures=None, reference=REFERENCE):
    ledger = make_ledger(
        params={"date_reference": reference}, projets=[PROJECT], factures=factures or []
    )
    return project_stages(ledger.projets, ledger.factures, reference)


def test_thirty_forty_thirty_gives_three_receipts_on_their_due_dates():
    stages, findings = _stages()
    assert not findings
    assert [(s.montant, s.date_facture, s.date_attendue) for s in stages] == [
        (3000.0, D(2026, 2, 1), D(2026, 3, 3)),
        (4000.0, D(2026, 3, 3), D(2026, 4, 2)),
        (3000.0, D(2026, 4, 2), D(2026, 5, 2)),
    ]
    flows = stage_flows(stages)
    assert list(flows["montant"]) == [3000.0, 4000.0, 3000.0]
    assert set(flows["categorie"]) == {"Projets (étapes à facturer)"}


def test_an_invoice_naming_the_project_removes_its_stage_no_double_counting():
    invoice = {
        "facture": "F-12",
        "date": D(2026, 2, 1),
        "client": "Au Pain Doré",
        "libelle": "Acompte 30 % — site boulangerie",
        "montant": 3000.0,
        "conditions": "30 jours",
    }
    stages, _ = _stages(factures=[invoice])
    assert [s.facturee for s in stages] == [True, False, False]
    assert list(stage_flows(stages)["montant"]) == [4000.0, 3000.0]
    ledger = make_ledger(
        params={"date_reference": D(2026, 1, 15), "horizon": 6},
        projets=[PROJECT],
        factures=[invoice],
    )
    stages, _ = project_stages(ledger.projets, ledger.factures, D(2026, 1, 15))
    plan = build_plan(ledger, stage_flows(stages))
    # the invoice brings its 3 000 on 03/03, the two remaining stages 4 000 and 3 000
    assert plan.total_in.sum() == 10000.0


def test_bad_schedule_is_a_finding_and_one_stage_at_delivery():
    ledger = make_ledger(projets=[{**PROJECT, "echeancier": "30/30"}])
    stages, findings = project_stages(ledger.projets, ledger.factures, D(2026, 1, 15))
    assert [f.code for f in findings] == ["projet_echeancier"]
    assert [(s.montant, s.date_facture) for s in stages] == [(10000.0, D(2026, 4, 2))]


def _dip_ledger(rate=0.08):
    # 1 000 € on 31/12/2025, threshold 500; 1 500 € out on 10/01, 2 000 € in on 20/01:
    # end-of-day balance -500 from 10/01 to 19/01 (10 days), gap 1 000 € a day
    return make_ledger(
        params={"solde_initial": 1000.0, "seuil": 500.0, "horizon": 3, "taux_credit": rate},
        decaissements=[{"date": D(2026, 1, 10), "libelle": "Matériel", "montant": 1500.0}],
        encaissements=[{"date": D(2026, 1, 20), "libelle": "Client", "montant": 2000.0}],
    )


def test_financing_need_depth_length_and_cost_to_the_cent():
    plan = build_plan(_dip_ledger())
    balances = daily_balances(plan)
    assert balances[pd.Timestamp(D(2026, 1, 9))] == 1000.0
    assert balances[pd.Timestamp(D(2026, 1, 10))] == -500.0
    need = financing_need(plan, 0.08, {"deposit": 1200.0, "supplier_terms": 300.0})
    assert need.amount == 1000.0
    assert need.deepest_day == D(2026, 1, 10)
    assert (need.first_month, need.last_month, need.months) == (D(2026, 1, 1),) * 2 + (1,)
    assert need.days_below == 10
    assert need.cost == round(1000 * 10 * 0.08 / 365, 2) == 2.19
    assert [(lv.amount, lv.covers) for lv in need.levers] == [(1200.0, True), (300.0, False)]


def test_no_dip_says_so_and_costs_nothing():
    ledger = make_ledger(params={"solde_initial": 5000.0, "seuil": 500.0, "taux_credit": 0.08})
    need = financing_need(build_plan(ledger), 0.08)
    assert not need.exists and need.amount == 0.0 and need.cost == 0.0


def test_staged_billing_raises_the_low_point_against_one_invoice_at_delivery():
    ledger = make_ledger(
        params={"solde_initial": 2000.0, "date_reference": D(2026, 1, 15), "horizon": 6},
        projets=[PROJECT],
        decaissements=[{"date": D(2026, 4, 15), "libelle": "Loyer", "montant": 4000.0}],
    )
    stages, _ = project_stages(ledger.projets, ledger.factures, D(2026, 1, 15))
    plan = build_plan(ledger, stage_flows(stages))
    (item,) = compare_staged_billing(plan, stages, {2: "30 jours"})
    # staged: +3 000 (03/03), +4 000 (02/04), -4 000 (15/04): low 2 000 (opening)
    # single: 10 000 on 02/05, -4 000 on 15/04: low -2 000 on 15/04
    assert (item.low_staged, item.low_single, item.low_gain) == (2000.0, -2000.0, 4000.0)
    # money arrives on average (60×3 000 + 30×4 000 + 0×3 000) / 10 000 = 30 days sooner
    assert item.days_earlier == 30
