"""CFE in the plan: 15 December, estimated from last year's amount unless typed or exempt."""

from __future__ import annotations

import datetime as dt

from ledger_factory import make_ledger

from treso_xl.core.cfe import CATEGORY_CFE, cfe_findings, cfe_flows, cfe_years
from treso_xl.core.flows import known_flows
from treso_xl.core.plan import build_plan, horizon_end

D = dt.date
DEC26, DEC27 = D(2026, 12, 1), D(2027, 12, 1)
BASE = {"date_solde": D(2026, 11, 30), "date_reference": D(2026, 12, 1), "horizon": 14}


def _plan(ledger):
    end = horizon_end(ledger.params.date_solde, ledger.params.horizon)
    years = cfe_years(ledger, known_flows(ledger, end), end)
    return years, build_plan(ledger, cfe_flows(years))


def test_estimated_from_last_years_amount_on_15_december():
    ledger = make_ledger({**BASE, "debut_activite": D(2022, 3, 1), "cfe_an_dernier": 245.0})
    years, plan = _plan(ledger)
    assert [(y.annee, y.echeance, y.statut, y.montant) for y in years] == [
        (2026, D(2026, 12, 15), "estimée", 245.0),
        (2027, D(2027, 12, 15), "estimée", 245.0),
    ]
    assert plan.disbursements.loc[CATEGORY_CFE, DEC26] == 245.0
    assert plan.disbursements.loc[CATEGORY_CFE, DEC27] == 245.0
    assert plan.closing[DEC26] == 1000.0 - 245.0
    assert [f.code for f in cfe_findings(years)] == ["cfe_estimee", "cfe_estimee"]


def test_typed_cfe_is_not_estimated_again():
    ledger = make_ledger(
        {**BASE, "cfe_an_dernier": 245.0},
        decaissements=[
            {
                "date": D(2025, 12, 15),
                "libelle": "Cotisation foncière des entreprises",
                "montant": 250.0,
                "categorie": "Impôts",
                "recurrence": "Annuelle",
            }
        ],
    )
    years, plan = _plan(ledger)
    assert [y.statut for y in years] == ["saisie", "saisie"]
    assert CATEGORY_CFE not in plan.disbursements.index
    assert plan.disbursements.loc["Impôts", DEC26] == 250.0


def test_first_year_exempt_and_unknown_amount_flagged():
    ledger = make_ledger({**BASE, "debut_activite": D(2026, 3, 1)})
    years, plan = _plan(ledger)
    assert [(y.annee, y.statut) for y in years] == [(2026, "exonérée"), (2027, "montant inconnu")]
    assert CATEGORY_CFE not in plan.disbursements.index
    found = cfe_findings(years)
    assert [(f.gravite, f.feuille, f.code) for f in found] == [
        ("avertissement", "Paramètres", "cfe_inconnue")
    ]
    assert "15/12/2027" in found[0].constat


def test_exempt_when_turnover_two_years_before_is_at_most_5000():
    receipts = [
        {"date": D(2024, 1, 10), "libelle": "Vente", "montant": 4000.0, "statut": "Réalisé"},
        {
            "date": D(2024, 6, 10),
            "libelle": "Apport",
            "montant": 3000.0,
            "statut": "Réalisé",
            "categorie": "Apport",
        },  # not turnover
        {"date": D(2025, 3, 10), "libelle": "Vente", "montant": 6000.0, "statut": "Réalisé"},
    ]
    ledger = make_ledger(
        {**BASE, "debut_activite": D(2022, 1, 1), "cfe_an_dernier": 300.0},
        encaissements=receipts,
    )
    years, plan = _plan(ledger)
    assert [(y.annee, y.statut, y.montant) for y in years] == [
        (2026, "exonérée", None),  # 2024: 4 000 €
        (2027, "estimée", 300.0),  # 2025: 6 000 €
    ]
    assert "4\u202f000,00" in years[0].raison
    assert plan.disbursements.loc[CATEGORY_CFE, DEC26] == 0.0
    assert plan.disbursements.loc[CATEGORY_CFE, DEC27] == 300.0
