"""VAT once the franchise is lost (Paramètres « TVA » = Oui): simplified regime, by hand."""

from __future__ import annotations

import datetime as dt

from ledger_factory import make_ledger

from treso_xl import contract
from treso_xl.core.flows import build_flows
from treso_xl.core.plan import build_plan, horizon_end
from treso_xl.core.thresholds import dashboard_thresholds, ledger_thresholds, threshold_findings
from treso_xl.core.vat import (
    ACOMPTE,
    CATEGORY_VAT,
    SOLDE,
    annual_return_deadline,
    vat_flows,
    vat_schedule,
)

D = dt.date
BIC = "Prestations de services BIC"


def _ledger(tva=True, decaissements=(), **params):
    settings = {
        "activite": BIC,
        "tva": tva,
        "date_solde": D(2025, 12, 31),
        "date_reference": D(2026, 1, 2),
        "horizon": 25,  # December 2025 to December 2027
    }
    settings.update(params)
    return make_ledger(
        params=settings,
        encaissements=[
            # 2025, under the franchise: 40 000 > 37 500, so VAT from 1 January 2026
            {"date": D(2025, 6, 10), "libelle": "Mission", "montant": 40000.0, "statut": "Réalisé"},
            {"date": D(2026, 3, 10), "libelle": "Mission", "montant": 12000.0},  # VAT 2 000
            {"date": D(2027, 2, 10), "libelle": "Mission", "montant": 6000.0},  # VAT 1 000
            {"date": D(2026, 5, 1), "libelle": "Apport", "montant": 5000.0, "categorie": "Apport"},
        ],
        decaissements=[
            {
                "date": D(2026, 4, 10),
                "libelle": "Ordinateur",
                "montant": 1200.0,
                "categorie": "Matériel",
            },  # VAT 200 back
            {
                "date": D(2026, 4, 30),
                "libelle": "Cotisations",
                "montant": 500.0,
                "categorie": "URSSAF",
            },  # no VAT
            {
                "date": D(2026, 6, 1),
                "libelle": "RC Pro",
                "montant": 300.0,
                "categorie": "Assurance",
            },  # no VAT
            *decaissements,
        ],
    )


def _schedule(ledger):
    end = horizon_end(ledger.params.date_solde, ledger.params.horizon)
    return vat_schedule(ledger, build_flows(ledger, end), end), end


def test_annual_return_deadline_is_the_second_working_day_after_1_may():
    assert annual_return_deadline(2020) == D(2021, 5, 4)  # 1 May a Saturday: Mon 3, Tue 4
    assert annual_return_deadline(2025) == D(2026, 5, 5)  # 1 May a Friday (holiday): 4, 5
    assert annual_return_deadline(2026) == D(2027, 5, 4)


def test_vat_collected_less_vat_paid_on_the_simplified_regime_dates():
    ledger = _ledger()
    schedule, _ = _schedule(ledger)
    assert schedule is not None
    assert schedule.debut == D(2026, 1, 1) and "2025 au-delà du seuil" in schedule.motif
    assert schedule.taux == 0.20
    years = {y.annee: (y.collectee, y.deductible, y.due) for y in schedule.years}
    # 12 000 × 20 / 120 = 2 000; 1 200 × 20 / 120 = 200
    assert years == {2026: (2000.0, 200.0, 1800.0), 2027: (1000.0, 0.0, 1000.0)}
    got = [(p.nature, p.annee, p.echeance, p.paiement, p.montant) for p in schedule.payments]
    assert got == [
        # first year of VAT: no instalment; the balance with the CA12 of May 2027
        (SOLDE, 2026, D(2027, 5, 4), D(2027, 5, 4), 1800.0),
        # 2027: 55 % and 40 % of 2026's 1 800; 24/07/2027 is a Saturday
        (ACOMPTE, 2027, D(2027, 7, 24), D(2027, 7, 26), 990.0),
        (ACOMPTE, 2027, D(2027, 12, 24), D(2027, 12, 24), 720.0),
    ]
    # 2027: 1 000 due less 1 710 paid: a credit, said and not counted as cash
    credit = [f for f in schedule.findings if f.code == "tva_credit"]
    assert len(credit) == 1 and "710,00" in credit[0].constat
    (planned,) = [f for f in schedule.findings if f.code == "tva_prevue"]
    assert "TVA due depuis le 01/01/2026" in planned.constat and "04/05/2027" in planned.constat

    plan = build_plan(ledger, extra_flows=vat_flows(schedule))
    row = plan.disbursements.loc[CATEGORY_VAT]
    assert row[D(2027, 5, 1)] == 1800.0
    assert row[D(2027, 7, 1)] == 990.0 and row[D(2027, 12, 1)] == 720.0
    assert row.sum() == 3510.0


def test_a_typed_vat_payment_stands_for_the_estimate_and_no_vat_without_the_setting():
    typed = {
        "date": D(2027, 5, 3),
        "libelle": "TVA 2026",
        "montant": 1750.0,
        "categorie": "Impôts",
    }
    schedule, _ = _schedule(_ledger(decaissements=[typed]))
    balance = next(p for p in schedule.payments if p.nature == SOLDE)
    assert balance.saisi
    flows = vat_flows(schedule)
    assert list(flows["montant"]) == [990.0, 720.0]
    assert _schedule(_ledger(tva=False))[0] is None
    assert vat_flows(None).empty


def test_without_a_threshold_passed_vat_runs_from_january_and_the_typed_rate_applies():
    ledger = make_ledger(
        params={"activite": BIC, "tva": True, "taux_tva": 0.10, "horizon": 12},
        encaissements=[{"date": D(2026, 2, 10), "libelle": "Mission", "montant": 11000.0}],
    )
    schedule, _ = _schedule(ledger)
    assert schedule.debut == D(2026, 1, 1) and "Paramètres" in schedule.motif
    # 11 000 × 10 / 110 = 1 000, paid with the CA12 of May 2027, beyond the horizon
    assert schedule.years[0].due == 1000.0
    assert vat_flows(schedule).empty


def test_threshold_advice_and_dashboard_say_from_which_date_vat_is_due():
    ledger = _ledger(tva=False)
    end = horizon_end(ledger.params.date_solde, ledger.params.horizon)
    flows = build_flows(ledger, end)
    labels = [t.label for t in ledger_thresholds(ledger, flows, end)]
    assert labels[0] == "Seuil de franchise de TVA (TVA due dès le 01/01/2026)"
    assert dashboard_thresholds(BIC, D(2026, 1, 2))[0].label == "Seuil de franchise de TVA"

    over = make_ledger(
        params={"activite": BIC, "date_reference": D(2026, 3, 1)},
        encaissements=[{"date": D(2026, 2, 10), "libelle": "M", "montant": 45000.0}],
    )
    end = D(2026, 12, 31)
    (finding,) = [
        f
        for f in threshold_findings(over, build_flows(over, end), end)
        if f.code == "tva_seuil_majore_depasse"
    ]
    assert "indiquez « TVA » à « Oui » dans Paramètres" in finding.conseil.replace("\u00a0", " ")
    liable = make_ledger(
        params={"activite": BIC, "date_reference": D(2026, 3, 1), "tva": True},
        encaissements=[{"date": D(2026, 2, 10), "libelle": "M", "montant": 45000.0}],
    )
    (finding,) = [
        f
        for f in threshold_findings(liable, build_flows(liable, end), end)
        if f.code == "tva_seuil_majore_depasse"
    ]
    assert "La TVA due est prévue dans le plan" in finding.conseil


def test_the_settings_are_in_the_contract():
    names = {s.name: s for s in contract.SETTINGS}
    assert names["TVA"].field == "tva" and names["TVA"].default == "Non"
    assert names["Taux de TVA"].kind is contract.Kind.RATE


def test_refresh_plans_vat_and_urssaf_counts_turnover_before_tax():
    from treso_xl.refresh import compute

    report = compute(_ledger())
    row = report.plan.disbursements.loc[CATEGORY_VAT]
    assert row[D(2027, 5, 1)] == 1800.0 and row.sum() == 3510.0
    march = next(d for d in report.urssaf.declarations if d.periode == "mars 2026")
    # 12 000 TTC at 20 %: 10 000 before tax; 21,2 % social, 0,1 % CFP
    assert (march.encaissements, march.sociales, march.formation) == (10000.0, 2120.0, 10.0)
    assert any(f.code == "tva_prevue" for f in report.findings)
    tab = next(s for s in report.layouts if s.name == "URSSAF")
    notes = " ".join(str(c.value) for c in tab.cells.values() if isinstance(c.value, str))
    assert "hors taxes (montant divisé par 1,20" in notes
    board = next(s for s in report.layouts if s.name == "Tableau de bord")
    labels = [c.value for c in board.cells.values() if isinstance(c.value, str)]
    assert "Seuil de franchise de TVA (TVA due dès le 01/01/2026)" in labels
