"""Hand-computed spending review (charges, shares, rises, avoidable fees), stock, Dépenses tab."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd
import pytest
from ledger_factory import make_ledger

from treso_xl import contract
from treso_xl.core.checks import CONSEIL
from treso_xl.core.spending import (
    ADVICE_BANK,
    ADVICE_INSURANCE,
    ADVICE_TELECOM,
    MOTIF_BANK,
    MOTIF_LATE,
    MOTIF_REMINDER,
    ORIGINE_DETECTEE,
    ORIGINE_SAISIE,
    charge_advice,
    label_key,
    spending_review,
)
from treso_xl.core.stock_review import reorder_points, stock_findings, stock_review
from treso_xl.layout.depenses import (
    FLAGGED_ROW,
    LABEL_FLAGGED,
    SECTION_AVOIDABLE,
    SECTION_CHARGES,
    SECTION_RISES,
    SECTION_SHARES,
    SECTION_STOCK,
    STOCK_HEADERS,
    depenses_layout,
)

D = dt.date
REF = D(2026, 6, 30)  # 12-month window: 01/07/2025 to 30/06/2026; 90 days before: 01/04/2026
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin")


def _dec(
    date: dt.date,
    libelle: str,
    fournisseur: str,
    montant: float,
    categorie: str = "",
    recurrence: str | None = None,
    fin: dt.date | None = None,
    statut: str = "Réalisé",
) -> dict[str, Any]:
    return {
        "date": date,
        "libelle": libelle,
        "fournisseur": fournisseur,
        "montant": montant,
        "categorie": categorie,
        "recurrence": recurrence,
        "fin": fin,
        "statut": statut,
    }


def _ledger(decaissements=(), stock=(), **params):
    return make_ledger(
        params={"date_reference": REF, **params},
        decaissements=list(decaissements),
        stock=list(stock),
    )


# Adobe, paid on the 15th from January to June 2026, month and year in the label (rows 2 to 7).
ADOBE = [
    _dec(D(2026, m, 15), f"Abonnement Adobe {MOIS[m - 1]} 2026", "Adobe", 59.99, "Abonnement")
    for m in range(1, 7)
]


def test_label_key_ignores_digits_dates_and_month_names():
    labels = pd.Series(
        [
            "Abonnement Adobe mars 2026",
            "abonnement  ADOBE Avril 2026",
            "Abonnement Adobe d'avril 2026",
            "Abonnement Adobe - 05/2026",
            "Abonnement Adobe (juin)",
        ]
    )
    assert set(label_key(labels)) == {"abonnement adobe"}
    assert label_key(pd.Series(["2026-03"])).iloc[0] == "2026-03"  # nothing left: kept whole


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("assurance rc pro | assurance", ADVICE_INSURANCE),
        ("box internet et forfait mobile | telecom", ADVICE_TELECOM),
        ("forfait annuel | banque", ADVICE_BANK),
        ("frais bancaires | ", ADVICE_BANK),
        ("banque d'images | abonnement", ""),  # "banque" in a label is not enough
        ("abonnement adobe | abonnement", ""),
    ],
)
def test_charge_advice_keywords(text, advice):
    assert charge_advice(text) == advice


def test_monthly_subscription_found_among_realised_rows():
    rows = [
        *ADOBE,
        # irregular: gaps of 18 and 71 days, median 44,5: no frequency
        _dec(D(2026, 1, 2), "Fournitures", "Bureau Vallée", 40.0),
        _dec(D(2026, 1, 20), "Fournitures", "Bureau Vallée", 35.0),
        _dec(D(2026, 4, 1), "Fournitures", "Bureau Vallée", 60.0),
        # two payments only
        _dec(D(2026, 5, 1), "Hébergement", "OVH", 9.99),
        _dec(D(2026, 6, 1), "Hébergement", "OVH", 9.99),
        # monthly but stopped: last payment 486 days before the reference date (> 2 × 30)
        _dec(D(2025, 1, 1), "Canva janvier", "Canva", 12.0),
        _dec(D(2025, 2, 1), "Canva février", "Canva", 12.0),
        _dec(D(2025, 3, 1), "Canva mars", "Canva", 12.0),
        # monthly but planned, not paid
        _dec(D(2026, 4, 3), "Coworking", "La Ruche", 150.0, statut="Prévu"),
        _dec(D(2026, 5, 3), "Coworking", "La Ruche", 150.0, statut="Prévu"),
        _dec(D(2026, 6, 3), "Coworking", "La Ruche", 150.0, statut="Prévu"),
    ]
    review = spending_review(_ledger(rows))
    assert len(review.charges) == 1
    adobe = review.charges[0]
    assert (adobe.fournisseur, adobe.libelle) == ("Adobe", "Abonnement Adobe juin 2026")
    assert adobe.frequence == "Mensuelle"
    assert adobe.montant == 59.99
    assert adobe.cout_annuel == 719.88  # 59,99 × 12
    assert adobe.origine == ORIGINE_DETECTEE
    assert adobe.occurrences == 6 and adobe.ligne == 7
    assert adobe.dernier_paiement == D(2026, 6, 15)
    assert adobe.conseil == "" and adobe.hausse is None and not adobe.signalee
    assert review.hausses == () and review.evitables == ()
    assert review.total_flagged_per_year == 0.0


def test_quarterly_and_yearly_series_are_detected():
    rows = [
        # gaps 92, 94, 88: median 92, within 91 ± 10
        _dec(D(2025, 7, 10), "Honoraires comptables T3", "Cabinet Martin", 450.0),
        _dec(D(2025, 10, 10), "Honoraires comptables T4", "Cabinet Martin", 450.0),
        _dec(D(2026, 1, 12), "Honoraires comptables T1", "Cabinet Martin", 450.0),
        _dec(D(2026, 4, 10), "Honoraires comptables T2", "Cabinet Martin", 450.0),
        # gaps 366 and 367: median 366,5, within 365 ± 20; last paid 422 days ago (< 2 × 365)
        _dec(D(2023, 5, 2), "Nom de domaine 2023", "Gandi", 15.0),
        _dec(D(2024, 5, 2), "Nom de domaine 2024", "Gandi", 15.0),
        _dec(D(2025, 5, 4), "Nom de domaine 2025", "Gandi", 18.0),
    ]
    review = spending_review(_ledger(rows))
    found = {c.fournisseur: (c.frequence, c.montant, c.cout_annuel) for c in review.charges}
    assert found == {
        "Cabinet Martin": ("Trimestrielle", 450.0, 1800.0),
        "Gandi": ("Annuelle", 18.0, 18.0),
    }
    assert [c.fournisseur for c in review.charges] == ["Cabinet Martin", "Gandi"]


def test_typed_recurrences_ranked_with_advice():
    rows = [
        *ADOBE,  # rows 2-7
        _dec(
            D(2025, 9, 1), "Assurance RC Pro", "AXA", 600.0, "Assurance", "Annuelle", None, "Prévu"
        ),
        _dec(
            D(2026, 1, 5), "Forfait mobile", "Orange", 35.0, "Téléphone", "Mensuelle", None, "Prévu"
        ),
        # ended before the reference date: no longer a charge
        _dec(D(2025, 1, 1), "Ancien loyer", "SCI", 800.0, "Loyer", "Mensuelle", fin=D(2026, 3, 31)),
        _dec(D(2025, 8, 20), "Frais de tenue de compte", "Qonto", 30.0, "Banque", "Trimestrielle"),
        # the same phone plan paid before it was typed: listed once, as typed
        _dec(D(2025, 10, 5), "Forfait mobile octobre 2025", "Orange", 30.0, "Téléphone"),
        _dec(D(2025, 11, 5), "Forfait mobile novembre 2025", "Orange", 30.0, "Téléphone"),
        _dec(D(2025, 12, 5), "Forfait mobile décembre 2025", "Orange", 30.0, "Téléphone"),
    ]
    review = spending_review(_ledger(rows))
    table = [
        (c.libelle, c.frequence, c.cout_annuel, c.origine, c.conseil, c.ligne)
        for c in review.charges
    ]
    assert table == [
        ("Abonnement Adobe juin 2026", "Mensuelle", 719.88, ORIGINE_DETECTEE, "", 7),
        ("Assurance RC Pro", "Annuelle", 600.0, ORIGINE_SAISIE, ADVICE_INSURANCE, 8),
        ("Forfait mobile", "Mensuelle", 420.0, ORIGINE_SAISIE, ADVICE_TELECOM, 9),
        ("Frais de tenue de compte", "Trimestrielle", 120.0, ORIGINE_SAISIE, ADVICE_BANK, 11),
    ]
    assert review.cout_charges_annuel == 1859.88
    assert review.hausses == ()  # 35 € since January, nothing paid a year before (±45 days)
    assert review.cout_signale_charges == 1140.0  # 600 + 420 + 120
    assert review.total_flagged_per_year == 1140.0


def test_price_rise_on_a_monthly_rent():
    # Paid on the 5th from 05/05/2025 to 05/06/2026: 500 € until December, 550 € from January.
    rows = [
        _dec(
            pd.Timestamp(2025, 5, 5) + pd.DateOffset(months=i),
            "Loyer atelier",
            "SCI Dupont",
            500.0 if i < 8 else 550.0,
            "Loyer",
        )
        for i in range(14)
    ]
    rows = [{**r, "date": r["date"].date()} for r in rows]
    review = spending_review(_ledger([*rows, *ADOBE]))
    assert len(review.hausses) == 1  # Adobe: same amount, no rise
    rise = review.hausses[0]
    assert (rise.date_avant, rise.montant_avant) == (D(2025, 6, 5), 500.0)  # 05/06/2026 − 365 j
    assert (rise.date, rise.montant) == (D(2026, 6, 5), 550.0)
    assert rise.hausse == 50.0 and rise.hausse_pct == pytest.approx(0.10)
    assert rise.recurrente and rise.cout_annuel == 6600.0  # 550 × 12
    assert rise.surcout_annuel == 600.0  # 50 × 12
    assert "10\u00a0%" in rise.conseil and "600,00\u00a0€ de plus par an" in rise.conseil
    loyer = review.charges[0]
    assert loyer.libelle == "Loyer atelier" and loyer.hausse == pytest.approx(0.10)
    assert loyer.signalee and loyer.conseil == ""
    assert review.cout_signale_charges == 6600.0
    assert review.total_flagged_per_year == 6600.0


def test_price_rise_on_a_yearly_premium_compares_the_closest_payment():
    rows = [
        _dec(D(2025, 3, 10), "Assurance RC Pro 2025", "AXA", 480.0, "Assurance"),
        # 39 days from 12/03/2025: within ±45 but farther than 10/03/2025 (2 days)
        _dec(D(2025, 4, 20), "Assurance RC Pro avenant", "AXA", 400.0, "Assurance"),
        _dec(D(2026, 3, 12), "Assurance RC Pro 2026", "AXA", 540.0, "Assurance"),
        # one year before 10/06/2026 is 10/06/2025: nothing within 45 days, no comparison
        _dec(D(2025, 1, 10), "Maintenance site", "Agence Web", 300.0),
        _dec(D(2026, 6, 10), "Maintenance site", "Agence Web", 400.0),
    ]
    review = spending_review(_ledger(rows))
    assert review.charges == ()  # 3 payments at irregular gaps (41 and 326 days)
    assert len(review.hausses) == 1
    rise = review.hausses[0]
    assert (rise.fournisseur, rise.libelle, rise.ligne) == ("AXA", "Assurance RC Pro 2026", 4)
    assert (rise.date_avant, rise.montant_avant) == (D(2025, 3, 10), 480.0)
    assert rise.hausse == 60.0 and rise.hausse_pct == pytest.approx(0.125)
    assert not rise.recurrente
    assert rise.cout_annuel == 540.0  # paid in the 12 months
    assert rise.surcout_annuel == 60.0  # one payment in the 12 months
    assert "12,5\u00a0%" in rise.conseil
    assert review.total_flagged_per_year == 540.0


def test_penalties_and_bank_incidents_are_avoidable_costs():
    rows = [
        _dec(D(2026, 2, 10), "Majoration de retard T4 2025", "URSSAF", 45.0, "URSSAF"),  # 2
        _dec(D(2026, 3, 3), "Commission d’intervention", "Qonto", 8.0, "Banque"),  # 3
        _dec(D(2025, 9, 15), "Intérêts de retard", "DGFiP", 12.5, "Impôts"),  # 4
        _dec(D(2026, 5, 5), "Frais", "DGFiP", 20.0, "Pénalités"),  # 5: the category says it
        _dec(D(2026, 4, 1), "Frais de relance", "Imprimerie Roux", 15.0),  # 6
        _dec(D(2025, 5, 1), "Pénalité", "URSSAF", 30.0),  # 7: before the 12 months
        _dec(D(2026, 6, 20), "Agios", "Qonto", 9.0, "Banque", statut="Prévu"),  # 8: not paid
        _dec(D(2026, 1, 31), "Frais de tenue de compte", "Qonto", 10.0, "Banque"),  # 9: normal
        # quarterly overdraft interest: a recurring charge, and avoidable (rows 10-12)
        _dec(D(2025, 9, 30), "Agios T3", "Banque Pop", 20.0, "Banque"),
        _dec(D(2025, 12, 31), "Agios T4", "Banque Pop", 25.0, "Banque"),
        _dec(D(2026, 3, 31), "Agios T1", "Banque Pop", 22.0, "Banque"),
    ]
    review = spending_review(_ledger(rows))
    listed = [(a.ligne, a.montant, a.motif) for a in review.evitables]
    assert listed == [
        (4, 12.5, MOTIF_LATE),
        (10, 20.0, MOTIF_BANK),
        (11, 25.0, MOTIF_BANK),
        (2, 45.0, MOTIF_LATE),
        (3, 8.0, MOTIF_BANK),
        (12, 22.0, MOTIF_BANK),
        (6, 15.0, MOTIF_REMINDER),
        (5, 20.0, MOTIF_LATE),
    ]
    assert review.total_evitables == 167.5  # 45 + 8 + 12,5 + 20 + 15 + 20 + 25 + 22
    (agios,) = review.charges  # gaps 92 and 90 days: quarterly, 22 × 4
    assert (agios.frequence, agios.cout_annuel) == ("Trimestrielle", 88.0)
    assert agios.conseil == ADVICE_BANK and agios.evitable
    # the agios are counted once, as avoidable costs paid
    assert review.cout_signale_charges == 0.0
    assert review.total_flagged_per_year == 167.5
    assert all(a.conseil for a in review.evitables)


def test_category_shares_over_the_12_months():
    rows = [
        _dec(D(2026, 1, 10), "Loyer janvier", "SCI", 1200.0, "Loyer"),
        _dec(D(2026, 2, 10), "Loyer février", "SCI", 1200.0, "loyer"),  # same category
        # typed monthly from 15/04: 15/04, 15/05 and 15/06 fall in the window, 3 × 50
        _dec(D(2026, 4, 15), "Logiciel", "Sage", 50.0, "Abonnement", "Mensuelle", statut="Prévu"),
        _dec(D(2025, 7, 1), "Divers", "", 100.0),  # first day of the window, no category
        _dec(D(2025, 6, 30), "Ordinateur", "Apple", 500.0, "Matériel"),  # one day too early
        _dec(D(2026, 7, 1), "Écran", "Dell", 300.0, "Matériel", statut="Prévu"),  # after
    ]  # fmt: skip
    review = spending_review(_ledger(rows))
    assert review.debut == D(2025, 7, 1)
    assert review.total_12m == 2650.0
    shares = [(s.categorie, s.montant) for s in review.repartition]
    assert shares == [("Loyer", 2400.0), ("Abonnement", 150.0), ("Autres décaissements", 100.0)]
    assert [s.part for s in review.repartition] == pytest.approx(
        [2400 / 2650, 150 / 2650, 100 / 2650]
    )


def test_no_disbursement_gives_an_empty_review():
    review = spending_review(_ledger())
    assert review.charges == () and review.repartition == () and review.hausses == ()
    assert review.total_flagged_per_year == 0.0
    assert review.notes == ("Aucun décaissement saisi : rien à analyser.",)


# --- Stock -----------------------------------------------------------------------------------

STOCK = [
    # 30 sold in 90 days, 9 days' lead time: 30 / 90 × 9 = 3 units (not 4 from the float error)
    {"article": "Tasse", "quantite": 40.0, "cout_unitaire": 4.5,
     "derniere_vente": D(2026, 6, 20), "ventes_90j": 30.0, "delai_fournisseur": 9},
    # 45 / 90 × 14 = 7 units, 5 in stock: 2 below, 2 × 22 = 44 €
    {"article": "Théière", "quantite": 5.0, "cout_unitaire": 22.0,
     "derniere_vente": D(2026, 6, 1), "ventes_90j": 45.0, "delai_fournisseur": 14},
    # no sale since 31/03/2026 (91 days): dormant, reorder point 0, the whole 183 € above
    {"article": "Plateau", "quantite": 12.0, "cout_unitaire": 15.25,
     "derniere_vente": D(2026, 3, 31), "ventes_90j": 0.0, "delai_fournisseur": 20},
    # no lead time: no reorder point
    {"article": "Bol", "quantite": 10.0, "cout_unitaire": 3.0,
     "derniere_vente": D(2026, 6, 25), "ventes_90j": 20.0},
    # 10 / 90 × 10 = 1,11 rounded up to 2 units, 2 in stock: exactly at the point
    {"article": "Cuillère", "quantite": 2.0, "cout_unitaire": 1.0,
     "derniere_vente": D(2026, 6, 28), "ventes_90j": 10.0, "delai_fournisseur": 10},
]  # fmt: skip


def test_reorder_points_by_hand():
    review = stock_review(_ledger(stock=STOCK))
    lines = {line.article: line for line in review.lignes}
    expected = {  # point, écart, above, below, dormant
        "Tasse": (3, 37.0, 166.5, 0.0, False),
        "Théière": (7, -2.0, 0.0, 44.0, False),
        "Plateau": (0, 12.0, 183.0, 0.0, True),
        "Bol": (None, None, None, None, False),
        "Cuillère": (2, 0.0, 0.0, 0.0, False),
    }
    for name, (point, gap, above, below, dormant) in expected.items():
        line = lines[name]
        got = (
            line.point_commande,
            line.ecart,
            line.valeur_au_dessus,
            line.valeur_en_dessous,
            line.dormant,
        )
        assert got == (point, gap, above, below, dormant), name
    assert lines["Tasse"].ventes_jour == pytest.approx(1 / 3)
    assert review.valeur_stock == 505.0  # 180 + 110 + 183 + 30 + 2
    assert review.total_au_dessus == 349.5  # 166,50 + 183
    assert review.total_en_dessous == 44.0
    assert review.valeur_dormante == 183.0 and review.articles_dormants == 1
    assert review.articles_sous_le_point == 1
    assert review.sans_delai == (5,)
    assert review.notes == (
        "1 article sans «\u00a0Délai fournisseur (jours)\u00a0» : point de commande non calculé "
        "(ligne 5 de la feuille «\u00a0Stock\u00a0»).",
    )
    (finding,) = stock_findings(review)
    assert (finding.gravite, finding.feuille, finding.ligne) == (CONSEIL, "Stock", 5)
    assert "Bol" in finding.constat


def test_reorder_point_series_alone():
    ledger = _ledger(stock=STOCK)
    assert list(reorder_points(ledger.stock)) == [3, 7, 0, pd.NA, 2]


def test_stock_without_lead_times_or_without_sheet_gives_notes():
    rows = [{k: v for k, v in row.items() if k != "delai_fournisseur"} for row in STOCK]
    review = stock_review(_ledger(stock=rows))
    assert all(line.point_commande is None for line in review.lignes)
    assert review.total_au_dessus == 0.0 and review.valeur_stock == 505.0
    assert "vide ou absente" in review.notes[0]
    (finding,) = stock_findings(review)
    assert finding.ligne is None

    ledger = dataclasses.replace(_ledger(), missing_sheets=("Stock",))
    review = stock_review(ledger)
    assert review.feuille_absente and review.lignes == ()
    assert review.notes[0].startswith("Feuille «\u00a0Stock\u00a0» absente")
    assert stock_findings(review) == []
    sheet = depenses_layout(spending_review(ledger), review, REF)
    assert review.notes[0] in [c.value for c in sheet.cells.values()]


# --- Layout ----------------------------------------------------------------------------------


def _rows_by_label(sheet) -> dict[str, int]:
    found: dict[str, int] = {}
    for (row, col), cell in sorted(sheet.cells.items()):
        if col == 1 and isinstance(cell.value, str):
            found.setdefault(cell.value, row)
    return found


def test_depenses_tab():
    rows = [
        *ADOBE,
        _dec(
            D(2025, 9, 1), "Assurance RC Pro", "AXA", 600.0, "Assurance", "Annuelle", None, "Prévu"
        ),
        _dec(D(2026, 2, 10), "Majoration de retard", "URSSAF", 45.0, "URSSAF"),
    ]
    ledger = _ledger(rows, STOCK)
    review, stock = spending_review(ledger), stock_review(ledger)
    sheet = depenses_layout(review, stock, REF)
    assert sheet.name == contract.TAB_DEPENSES == "Dépenses"
    tabs = contract.GENERATED_TABS
    assert tabs.index(contract.TAB_DEPENSES) == tabs.index(contract.TAB_BFR) + 1
    assert sheet.value(FLAGGED_ROW, 1) == LABEL_FLAGGED
    assert sheet.value(FLAGGED_ROW, 2) == 645.0  # insurance 600 (advice) + majoration 45
    rows_at = _rows_by_label(sheet)
    for title in (SECTION_CHARGES, SECTION_SHARES, SECTION_RISES, SECTION_AVOIDABLE, SECTION_STOCK):
        assert title in rows_at
    assert rows_at[SECTION_CHARGES] < rows_at[SECTION_SHARES] < rows_at[SECTION_STOCK]
    header = rows_at["Fournisseur"]
    assert [sheet.value(header, c) for c in range(1, 8)] == [
        "Fournisseur",
        "Libellé",
        "Catégorie",
        "Fréquence",
        "Montant",
        "Coût annuel",
        "Origine",
    ]
    assert sheet.value(header, 10) == "Conseil"
    assert [sheet.value(header + 1, c) for c in (1, 5, 6, 7)] == [
        "Adobe",
        59.99,
        719.88,
        ORIGINE_DETECTEE,
    ]
    assert sheet.value(header + 2, 6) == 600.0 and sheet.value(header + 2, 10) == ADVICE_INSURANCE
    assert sheet.value(header + 3, 1) == "Total" and sheet.value(header + 3, 6) == 1319.88
    stock_header = rows_at["Article"]
    assert tuple(sheet.value(stock_header, c) for c in range(1, 11)) == STOCK_HEADERS
    tasse = stock_header + 1
    assert [sheet.value(tasse, c) for c in range(1, 10)] == [
        "Tasse",
        D(2026, 6, 20),
        40.0,
        30.0,
        9,
        3,
        37.0,
        166.5,
        0.0,
    ]
    assert sheet.value(stock_header + 4, 5) == "—"  # Bol: no lead time
    total = stock_header + len(STOCK) + 1
    assert sheet.value(total, 1) == "Total"
    assert (sheet.value(total, 8), sheet.value(total, 9)) == (349.5, 44.0)
    texts = [c.value for c in sheet.cells.values() if isinstance(c.value, str)]
    assert stock.notes[0] in texts
    assert not any(t.startswith("=") for t in texts)


def test_transfers_to_oneself_and_loans_repaid_are_no_expenses():
    review = spending_review(
        _ledger(
            [
                _dec(
                    D(2025, 7, 28),
                    "Virement vers le compte personnel",
                    "",
                    1500,
                    "Rémunération",
                    "Mensuelle",
                ),
                _dec(D(2025, 7, 5), "Échéance de prêt", "Banque", 200, "Emprunt", "Mensuelle"),
                _dec(D(2026, 3, 1), "Virement interne vers le livret", "", 1000, "Banque"),
                _dec(D(2025, 7, 1), "Loyer du bureau", "SCI", 500, "Loyer", "Mensuelle"),
            ]
        )
    )
    assert [c.libelle for c in review.charges] == ["Loyer du bureau"]
    assert [(s.categorie, s.part) for s in review.repartition] == [("Loyer", 1.0)]
    assert review.total_12m == 6000.0  # 12 × 500, from 01/07/2025 to 30/06/2026
    # 12 × 1 500 + 12 × 200 + 1 000 = 21 400 €, 25 payments, said in a note
    assert any("21\u202f400,00\u00a0€" in n and "25 paiements" in n for n in review.notes)
