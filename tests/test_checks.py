"""Contrôles: one hand-built case per check, a clean ledger without findings, order, the tab."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_factory import make_ledger

from treso_xl import contract
from treso_xl.core.checks import Finding, run_checks, sort_findings
from treso_xl.core.invoices import invoice_positions
from treso_xl.layout import controles, styles
from treso_xl.layout.controles import FIRST_ROW, HEADER_ROW, controles_layout

D = dt.date
REF = D(2026, 1, 15)
NBSP = "\u00a0"


def q(text: str) -> str:
    """The French quotes the constats use."""
    return f"«{NBSP}{text}{NBSP}»"


def inv(number: str, day: dt.date, **changes: object) -> dict[str, object]:
    """An invoice that passes every check."""
    row: dict[str, object] = {
        "facture": number,
        "date": day,
        "client": "Acme SAS",
        "type_client": "Professionnel",
        "siren_client": "732829320",
        "email_client": "compta@acme.fr",
        "libelle": "Site vitrine : 5 jours de développement à 400 €",
        "montant": 2000.0,
        "conditions": "30 jours",
    }
    row.update(changes)
    return row


def ledger(**tables: object):
    return make_ledger(params={"date_reference": REF}, **tables)


def findings(code: str, **tables: object) -> list[Finding]:
    return [f for f in run_checks(ledger(**tables)) if f.code == code]


def only(code: str, **tables: object) -> Finding:
    found = findings(code, **tables)
    assert len(found) == 1, found
    return found[0]


# --- a clean ledger --------------------------------------------------------------------------


def clean_tables() -> dict[str, list[dict[str, object]]]:
    return {
        "factures": [
            inv("F2026-001", D(2025, 12, 1), date_paiement=D(2025, 12, 20), montant_paye=2000.0),
            inv(
                "F2026-002",
                D(2025, 12, 10),
                conditions="45 jours fin de mois",
                lien_paiement="https://pay.example.fr/f2026-002",
            ),
            inv(
                "F2026-003",
                D(2026, 1, 5),
                client="Jeanne Martin",
                type_client="Particulier",
                siren_client="",
                email_client="",
                conditions="À réception",
                montant=300.0,
            ),
        ],
        "encaissements": [
            {"date": D(2026, 1, 10), "libelle": "Apport", "montant": 500.0, "statut": "Réalisé"},
            {"date": D(2026, 3, 1), "libelle": "Vente salon", "montant": 800.0},
            {
                "date": D(2026, 1, 12),
                "libelle": "Acompte F2026-003",
                "montant": 300.0,
                "statut": "Réalisé",
                "facture": "f2026-003",
            },
        ],
        "decaissements": [
            {
                "date": D(2025, 11, 5),
                "libelle": "Loyer",
                "montant": 400.0,
                "recurrence": "Mensuelle",
            },
            {"date": D(2026, 1, 2), "libelle": "Ordinateur", "montant": 900.0, "statut": "Réalisé"},
            {"date": D(2026, 2, 1), "libelle": "Assurance", "montant": 300.0},
        ],
    }


def test_clean_ledger_has_no_finding():
    assert run_checks(ledger(**clean_tables())) == []
    assert run_checks(ledger()) == []


def test_given_positions_are_used_as_computed():
    book = ledger(**clean_tables())
    positions = invoice_positions(book.factures, book.encaissements)
    assert run_checks(book, positions) == run_checks(book)


# --- Factures: numbers -----------------------------------------------------------------------


def test_duplicate_numbers_one_error_per_row_naming_the_other():
    found = findings(
        "facture_doublon",
        factures=[
            inv("F2026-001", D(2026, 1, 2)),
            inv("F2026-002", D(2026, 1, 3)),
            inv("f2026-002 ", D(2026, 1, 4)),
        ],
    )
    assert [(f.gravite, f.feuille, f.ligne) for f in found] == [
        ("erreur", "Factures", 3),
        ("erreur", "Factures", 4),
    ]
    assert q("F2026-002") in found[0].constat and "ligne 4" in found[0].constat
    assert q("f2026-002") in found[1].constat and "ligne 3" in found[1].constat


def test_empty_number_is_an_error_not_a_crash():
    found = run_checks(ledger(factures=[inv("", D(2026, 1, 2)), inv("F-1", D(2026, 1, 3))]))
    assert [(f.code, f.gravite, f.ligne) for f in found] == [("facture_sans_numero", "erreur", 2)]


def test_gap_in_a_series_lists_missing_numbers_with_padding_as_typed():
    finding = only(
        "numeros_absents",
        factures=[
            inv("F2026-013", D(2026, 1, 2)),
            inv("F2026-016", D(2026, 1, 9)),
            inv("F2025-047", D(2025, 12, 30)),  # another series: no gap with F2026-
        ],
    )
    assert (finding.gravite, finding.feuille, finding.ligne) == ("avertissement", "Factures", 3)
    assert finding.constat.startswith("Numéros absents dans la série F2026- : 014, 015 (")
    assert q("F2026-013") in finding.constat and q("F2026-016") in finding.constat


def test_gap_unpadded_single_and_long_gaps():
    single = only("numeros_absents", factures=[inv("F9", D(2026, 1, 2)), inv("F11", D(2026, 1, 3))])
    assert "Numéro absent dans la série F : 10 (" in single.constat
    long = only(
        "numeros_absents",
        factures=[inv("2026-0001", D(2026, 1, 2)), inv("2026-0010", D(2026, 1, 3))],
    )
    assert "dans la série 2026- : 0002 à 0009 (8 numéros)" in long.constat


def test_series_split_by_prefix_case_insensitive_and_numbers_sorted_numerically():
    factures = [
        inv("FA-10", D(2026, 1, 10)),
        inv("fa-9", D(2026, 1, 9)),
        inv("FA-8", D(2026, 1, 8)),
        inv("AV-1", D(2026, 1, 8)),
        inv("SANS-NUMERO", D(2026, 1, 8)),
    ]
    assert findings("numeros_absents", factures=factures) == []
    assert findings("numero_non_chronologique", factures=factures) == []


def test_number_dated_before_the_previous_number():
    finding = only(
        "numero_non_chronologique",
        factures=[
            inv("F2026-001", D(2026, 1, 5)),
            inv("F2026-003", D(2026, 1, 12)),
            inv("F2026-002", D(2026, 1, 20)),
        ],
    )
    # sorted: 001 (05/01), 002 (20/01), 003 (12/01): 003 comes before 002's date
    assert (finding.gravite, finding.feuille, finding.ligne) == ("avertissement", "Factures", 3)
    assert q("F2026-003") in finding.constat and "12/01/2026" in finding.constat
    assert q("F2026-002") in finding.constat and "20/01/2026, ligne 4" in finding.constat


# --- Factures: client identity ---------------------------------------------------------------


def test_missing_siren_for_a_professional_one_advice_per_client():
    finding = only(
        "siren_client_manquant",
        factures=[
            inv("F-1", D(2026, 1, 2), siren_client=""),
            inv("F-2", D(2026, 1, 3), client="Autre", siren_client="552100554"),
            inv("F-3", D(2026, 1, 4), siren_client=""),
            inv("F-4", D(2026, 1, 5), client="Privé", type_client="Particulier", siren_client=""),
        ],
    )
    assert (finding.gravite, finding.feuille, finding.ligne) == ("conseil", "Factures", 2)
    assert q("Acme SAS") in finding.constat and "lignes 2 et 4" in finding.constat
    assert "1er septembre 2027" in finding.conseil


def test_missing_siren_advice_reuses_the_one_typed_elsewhere():
    finding = only(
        "siren_client_manquant",
        factures=[inv("F-1", D(2026, 1, 2)), inv("F-2", D(2026, 1, 3), siren_client="")],
    )
    assert finding.ligne == 3 and "732829320" in finding.conseil


def test_invalid_siren_quotes_the_value():
    finding = only(
        "siren_client_invalide", factures=[inv("F-1", D(2026, 1, 2), siren_client="732829321")]
    )
    assert (finding.gravite, finding.feuille, finding.ligne) == ("avertissement", "Factures", 2)
    assert q("732829321") in finding.constat
    siret = only(
        "siren_client_invalide",
        factures=[inv("F-1", D(2026, 1, 2), siren_client="73282932000074")],
    )
    assert "SIRET" in siret.conseil and "732829320" in siret.conseil
    spaced = findings(
        "siren_client_invalide", factures=[inv("F-1", D(2026, 1, 2), siren_client="732 829 320")]
    )
    assert spaced == []


def test_professional_without_email():
    finding = only(
        "email_client_manquant",
        factures=[
            inv("F-1", D(2026, 1, 2), email_client=""),
            inv("F-2", D(2026, 1, 3), type_client="Particulier", client="Privé", email_client=""),
        ],
    )
    assert (finding.gravite, finding.feuille, finding.ligne) == ("conseil", "Factures", 2)
    assert q("Acme SAS") in finding.constat and "relances" in finding.conseil


# --- Factures: wording and terms -------------------------------------------------------------


@pytest.mark.parametrize(
    "libelle",
    [
        "Prestations de services",
        "PRESTATION DE SERVICE",
        "prestation",
        "Divers",
        "Services.",
        "Travaux",
        "honoraires",
        "Facture",
    ],
)
def test_vague_wording(libelle: str):
    finding = only("libelle_vague", factures=[inv("F-1", D(2026, 1, 2), libelle=libelle)])
    assert (finding.gravite, finding.feuille, finding.ligne) == ("avertissement", "Factures", 2)
    assert q(libelle) in finding.constat
    assert "quantité" in finding.conseil


@pytest.mark.parametrize(
    "libelle",
    [
        "Prestation de conseil SEO, 3 jours",
        "Travaux de peinture salon 20 m²",
        "Honoraires de rédaction, janvier 2026",
    ],
)
def test_precise_wording_is_not_vague(libelle: str):
    assert findings("libelle_vague", factures=[inv("F-1", D(2026, 1, 2), libelle=libelle)]) == []


def test_empty_wording():
    finding = only("libelle_vide", factures=[inv("F-7", D(2026, 1, 2), libelle="")])
    assert (finding.gravite, finding.ligne) == ("avertissement", 2)
    assert q("F-7") in finding.constat


def test_empty_terms_use_the_legal_default_unless_a_due_date_is_typed():
    finding = only("conditions_vides", factures=[inv("F-1", D(2026, 1, 2), conditions="")])
    assert (finding.gravite, finding.feuille, finding.ligne) == ("avertissement", "Factures", 2)
    assert "30 jours" in finding.constat
    typed = findings(
        "conditions_vides",
        factures=[inv("F-1", D(2026, 1, 2), conditions="", echeance=D(2026, 1, 31))],
    )
    assert typed == []


def test_unknown_terms_quote_the_wording():
    finding = only(
        "conditions_inconnues", factures=[inv("F-1", D(2026, 1, 2), conditions="quand possible")]
    )
    assert (finding.gravite, finding.ligne) == ("avertissement", 2)
    assert q("quand possible") in finding.constat and "30 jours" in finding.constat


def test_terms_beyond_the_legal_maximum():
    found = findings(
        "conditions_hors_delai_legal",
        factures=[
            inv("F-1", D(2026, 1, 2), conditions="90 jours"),
            inv("F-2", D(2026, 1, 3), conditions="90 jours", type_client="Particulier"),
            inv("F-3", D(2026, 1, 4), conditions="60 jours"),
            inv("F-4", D(2026, 1, 5), conditions="45 jours fin de mois"),
            inv("F-5", D(2026, 1, 6), conditions="60 jours fin de mois"),
        ],
    )
    assert [(f.gravite, f.ligne) for f in found] == [("erreur", 2), ("erreur", 6), ("conseil", 3)]
    assert q("90 jours") in found[0].constat and "L441-10" in found[0].conseil
    assert q("60 jours fin de mois") in found[1].constat


def test_typed_due_date_beyond_the_legal_maximum():
    # 01/12/2025: latest of 30/01 (60 j), 31/01 (45 j then end of month), 14/02 (end of month
    # then 45 j) is 14/02/2026
    ok = findings(
        "echeance_hors_delai_legal",
        factures=[inv("F-1", D(2025, 12, 1), echeance=D(2026, 2, 14))],
    )
    assert ok == []
    finding = only(
        "echeance_hors_delai_legal",
        factures=[inv("F-1", D(2025, 12, 1), echeance=D(2026, 2, 15))],
    )
    assert (finding.gravite, finding.ligne) == ("avertissement", 2)
    assert "15/02/2026" in finding.constat and "76 jours" in finding.constat
    assert "14/02/2026" in finding.constat


# --- Factures: payments ----------------------------------------------------------------------


def test_payment_before_the_invoice_date():
    finding = only(
        "paiement_avant_facture",
        factures=[inv("F-1", D(2026, 1, 10), date_paiement=D(2026, 1, 9))],
    )
    assert (finding.gravite, finding.feuille, finding.ligne) == ("avertissement", "Factures", 2)
    assert "09/01/2026" in finding.constat and "10/01/2026" in finding.constat


def test_overpayment_typed_in_factures():
    finding = only(
        "trop_percu",
        factures=[inv("F-1", D(2026, 1, 2), date_paiement=D(2026, 1, 5), montant_paye=2500.0)],
    )
    assert (finding.gravite, finding.feuille, finding.ligne) == ("erreur", "Factures", 2)
    assert f"2\u202f500,00{NBSP}€" in finding.constat
    assert f"trop-perçu de 500,00{NBSP}€" in finding.constat
    assert "avoir" in finding.conseil


def test_overpayment_by_linked_receipts():
    receipt = {"libelle": "Virement Acme", "statut": "Réalisé", "facture": "F-1"}
    finding = only(
        "trop_percu",
        factures=[inv("F-1", D(2026, 1, 2), montant=1000.0)],
        encaissements=[
            {**receipt, "date": D(2026, 1, 5), "montant": 600.0},
            {**receipt, "date": D(2026, 1, 6), "montant": 600.0},
        ],
    )
    assert (finding.gravite, finding.ligne) == ("erreur", 2)
    assert "lignes 2 et 3" in finding.constat
    assert f"1\u202f200,00{NBSP}€" in finding.constat


def test_payment_link_not_http():
    found = findings(
        "lien_paiement_invalide",
        factures=[
            inv("F-1", D(2026, 1, 2), lien_paiement="pay.example.fr/abc"),
            inv("F-2", D(2026, 1, 3), lien_paiement="ftp://example.fr/abc"),
            inv("F-3", D(2026, 1, 4), lien_paiement="HTTPS://example.fr/abc"),
        ],
    )
    assert [(f.gravite, f.ligne) for f in found] == [("avertissement", 2), ("avertissement", 3)]
    assert q("pay.example.fr/abc") in found[0].constat


# --- Encaissements and Décaissements ---------------------------------------------------------


def test_realise_in_the_future_on_both_sheets():
    found = [
        f
        for f in run_checks(
            ledger(
                encaissements=[
                    {"date": REF, "libelle": "Le jour même", "montant": 1.0, "statut": "Réalisé"},
                    {
                        "date": D(2026, 1, 16),
                        "libelle": "Demain",
                        "montant": 1.0,
                        "statut": "Réalisé",
                    },
                ],
                decaissements=[
                    {
                        "date": D(2026, 2, 1),
                        "libelle": "Loyer",
                        "montant": 1.0,
                        "statut": "Réalisé",
                    },
                ],
            )
        )
        if f.code == "realise_futur"
    ]
    assert [(f.gravite, f.feuille, f.ligne) for f in found] == [
        ("avertissement", "Encaissements", 3),
        ("avertissement", "Décaissements", 2),
    ]
    assert q("Demain") in found[0].constat and "16/01/2026" in found[0].constat
    assert f"{q('Réalisé')} en date future" in found[1].constat


def test_prevu_in_the_past_except_a_recurring_series():
    found = [
        f
        for f in run_checks(
            ledger(
                encaissements=[
                    {"date": D(2026, 1, 14), "libelle": "Vente", "montant": 1.0},
                    {"date": REF, "libelle": "Aujourd'hui", "montant": 1.0},
                ],
                decaissements=[
                    {
                        "date": D(2025, 12, 1),
                        "libelle": "Abonnement",
                        "montant": 1.0,
                        "recurrence": "Mensuelle",
                    },
                    {"date": D(2025, 12, 2), "libelle": "Achat", "montant": 1.0},
                ],
            )
        )
        if f.code == "prevu_passe"
    ]
    assert [(f.gravite, f.feuille, f.ligne) for f in found] == [
        ("avertissement", "Encaissements", 2),
        ("avertissement", "Décaissements", 3),
    ]
    assert q("Achat") in found[1].constat and "02/12/2025" in found[1].constat
    assert "Réalisé" in found[0].conseil


def test_receipt_naming_an_unknown_invoice():
    finding = only(
        "facture_inconnue",
        factures=[inv("F2026-001", D(2026, 1, 2))],
        encaissements=[
            {
                "date": D(2026, 1, 5),
                "libelle": "Virement",
                "montant": 2000.0,
                "statut": "Réalisé",
                "facture": "F2026-01",
            },
            {
                "date": D(2026, 1, 5),
                "libelle": "Virement",
                "montant": 2000.0,
                "statut": "Réalisé",
                "facture": "f2026-001",
            },
        ],
    )
    assert (finding.gravite, finding.feuille, finding.ligne) == (
        "avertissement",
        "Encaissements",
        2,
    )
    assert q("F2026-01") in finding.constat and "encaissement ordinaire" in finding.constat
    assert f"Vouliez-vous dire {q('F2026-001')}" in finding.conseil


def test_linked_receipt_amount_differs():
    found = findings(
        "encaissement_montant_different",
        factures=[
            inv("F-1", D(2026, 1, 2), montant=1000.0),
            inv("F-2", D(2026, 1, 3), montant=1000.0, date_paiement=D(2026, 1, 10)),
            inv("F-3", D(2026, 1, 4), montant=1000.0),
        ],
        encaissements=[
            {"date": D(2026, 2, 1), "libelle": "Solde F-1", "montant": 500.0, "facture": "F-1"},
            {
                "date": D(2026, 1, 10),
                "libelle": "F-2",
                "montant": 900.0,
                "statut": "Réalisé",
                "facture": "F-2",
            },
            {"date": D(2026, 2, 1), "libelle": "F-3", "montant": 1000.0, "facture": "F-3"},
        ],
    )
    assert [(f.gravite, f.feuille, f.ligne) for f in found] == [
        ("conseil", "Encaissements", 2),
        ("conseil", "Encaissements", 3),
    ]
    assert f"500,00{NBSP}€" in found[0].constat and f"1\u202f000,00{NBSP}€" in found[0].constat
    assert f"900,00{NBSP}€" in found[1].constat and "10/01/2026" in found[1].constat


# --- order -----------------------------------------------------------------------------------


def test_sort_by_gravite_then_sheet_in_workbook_order_then_row():
    def f(gravite: str, feuille: str, ligne: int | None) -> Finding:
        return Finding(gravite, feuille, ligne, "c", "c", "x")  # type: ignore[arg-type]

    shuffled = [
        f("conseil", "Factures", 2),
        f("avertissement", "Factures", 9),
        f("avertissement", "Factures", 3),
        f("avertissement", "Décaissements", 20),
        f("erreur", "Factures", 5),
        f("avertissement", "Encaissements", 30),
        f("avertissement", "Factures", None),
    ]
    assert [(x.gravite, x.feuille, x.ligne) for x in sort_findings(shuffled)] == [
        ("erreur", "Factures", 5),
        ("avertissement", "Encaissements", 30),
        ("avertissement", "Décaissements", 20),
        ("avertissement", "Factures", None),
        ("avertissement", "Factures", 3),
        ("avertissement", "Factures", 9),
        ("conseil", "Factures", 2),
    ]


def test_run_checks_output_is_sorted():
    found = run_checks(
        ledger(
            factures=[
                inv("F-1", D(2026, 1, 2), email_client=""),
                inv("F-1", D(2026, 1, 3), libelle="Divers"),
            ],
            encaissements=[{"date": D(2026, 1, 1), "libelle": "Vente", "montant": 1.0}],
        )
    )
    assert [(f.gravite, f.feuille, f.ligne, f.code) for f in found] == [
        ("erreur", "Factures", 2, "facture_doublon"),
        ("erreur", "Factures", 3, "facture_doublon"),
        ("avertissement", "Encaissements", 2, "prevu_passe"),
        ("avertissement", "Factures", 3, "libelle_vague"),
        ("conseil", "Factures", 2, "email_client_manquant"),
    ]


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(min_value=1, max_value=40), min_size=1, max_size=40))
def test_gaps_report_exactly_the_missing_numbers(present: set[int]):
    numbers = sorted(present)
    factures = [inv(f"F-{n:03d}", D(2026, 1, 1)) for n in numbers]
    reported: set[int] = set()
    for finding in findings("numeros_absents", factures=factures):
        listed = finding.constat.split(" : ", 1)[1].split(" (entre")[0]
        span = re.fullmatch(r"(\d+) à (\d+) \((\d+) numéros\)", listed)
        if span:
            first, last, count = (int(g) for g in span.groups())
            assert count == last - first + 1
            reported |= set(range(first, last + 1))
        else:
            reported |= {int(n) for n in listed.split(", ")}
    assert reported == set(range(numbers[0], numbers[-1] + 1)) - present


# --- the tab ---------------------------------------------------------------------------------


def _sample() -> list[Finding]:
    return [
        Finding("erreur", "Factures", 3, "Doublon « F-1 ».", "Renumérotez.", "facture_doublon"),
        Finding("avertissement", "Encaissements", 2, "Prévu passé.", "À jour.", "prevu_passe"),
        Finding("avertissement", "Factures", None, "Série.", "Continue.", "numeros_absents"),
        Finding("conseil", "Factures", 4, "Email vide.", "Demandez-le.", "email_client_manquant"),
    ]


def test_layout_header_rows_and_colours():
    sheet = controles_layout(_sample(), REF)
    assert sheet.name == contract.TAB_CONTROLES == "Contrôles"
    assert [sheet.value(HEADER_ROW, c) for c in range(1, 6)] == [
        "Gravité",
        "Feuille",
        "Ligne",
        "Constat",
        "Conseil",
    ]
    assert sheet.value(2, 1) == "1 erreur, 2 avertissements, 1 conseil"
    assert [sheet.value(FIRST_ROW + i, 1) for i in range(4)] == [
        "Erreur",
        "Avertissement",
        "Avertissement",
        "Conseil",
    ]
    fills = [sheet.cells[(FIRST_ROW + i, 1)].style.fill for i in range(4)]
    assert fills == [styles.ALERT_FILL, styles.WARN_FILL, styles.WARN_FILL, controles.INFO_FILL]
    assert len(set(fills)) == 3
    assert [sheet.value(FIRST_ROW, c) for c in range(2, 6)] == [
        "Factures",
        3,
        "Doublon « F-1 ».",
        "Renumérotez.",
    ]
    assert sheet.value(FIRST_ROW + 2, 3) is None
    assert sheet.cells[(FIRST_ROW, 4)].style.wrap and sheet.cells[(FIRST_ROW, 5)].style.wrap
    assert 50 <= sheet.column_widths[4] <= 70 and 50 <= sheet.column_widths[5] <= 70
    assert sheet.freeze == (HEADER_ROW + 1, 1)
    assert sheet.max_row == FIRST_ROW + 3
    assert sheet.cells[(2, 1)].style.fill == styles.ALERT_FILL


def test_layout_without_finding():
    sheet = controles_layout([], REF)
    assert sheet.value(HEADER_ROW, 4) == "Constat"
    assert sheet.value(FIRST_ROW, 1) == "Aucun problème détecté."
    assert sheet.max_row == FIRST_ROW
    assert sheet.value(2, 1) == "0 erreur, 0 avertissement, 0 conseil"
    assert sheet.cells[(2, 1)].style.fill == styles.GOOD_FILL
    assert "15/01/2026" in str(sheet.value(3, 1))


def test_layout_of_real_findings_keeps_their_order():
    found = run_checks(
        ledger(factures=[inv("F-1", D(2026, 1, 2), conditions="90 jours", email_client="")])
    )
    sheet = controles_layout(found, REF)
    assert [sheet.value(FIRST_ROW + i, 4) for i in range(len(found))] == [f.constat for f in found]
    assert sheet.value(2, 1) == "1 erreur, 0 avertissement, 1 conseil"


def test_identical_findings_are_one_line_listing_the_rows():
    siren = "SIREN client « 876480394 » invalide pour le client « Les Mots »."
    findings = [
        Finding("avertissement", "Factures", row, siren, "Vérifiez.", "siren_client_invalide")
        for row in (15, 12, 18)
    ] + [
        Finding(
            "avertissement",
            "Factures",
            20,
            siren.replace("Mots", "Pages"),
            "Vérifiez.",
            "siren_client_invalide",
        ),
        Finding("erreur", "Factures", 3, "Doublon « F-1 ».", "Renumérotez.", "facture_doublon"),
    ]
    sheet = controles_layout(sort_findings(findings), REF)
    rows = [
        [sheet.value(r, c) for c in range(1, 5)]
        for r in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.value(r, 1)
    ]
    assert rows == [
        ["Erreur", "Factures", 3, "Doublon « F-1 »."],
        ["Avertissement", "Factures", 12, f"{siren} (Lignes 12, 15 et 18.)"],
        ["Avertissement", "Factures", 20, siren.replace("Mots", "Pages")],
    ]
    assert sheet.value(2, 1) == "1 erreur, 2 avertissements, 0 conseil"
