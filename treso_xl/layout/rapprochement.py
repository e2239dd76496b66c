"""Layout of the `Rapprochement` tab: each bank line matched (and why), ambiguous, unmatched."""

from __future__ import annotations

import datetime as dt

from treso_xl import contract
from treso_xl.core.reconcile import (
    AMBIGUOUS,
    FREE,
    IGNORED,
    MATCHED,
    PREVU_DAYS,
    TYPED_DAYS,
    BankDecision,
    Reconciliation,
)
from treso_xl.french import count, day, euros, quote
from treso_xl.layout import styles
from treso_xl.layout.model import INTEGER, SheetLayout, Style

HEADER_ROW = 5
COLUMNS = ("Ligne", "Date", "Libellé", "Montant")
SECTIONS = (
    (MATCHED, "Rapprochements", ("Rapprochée avec", "Motif")),
    (AMBIGUOUS, "Cas ambigus (aucun choix n'est fait)", ("Correspondances possibles", "Que faire")),
    (FREE, "Lignes non rapprochées (comptées telles quelles)", ("Catégorie", "Traitement")),
    (IGNORED, "Lignes ignorées", ("", "Motif")),
)
_TEXT = Style(wrap=True, valign="top")
_ROW = Style(number_format=INTEGER, align="center", valign="top")
_DATE = styles.DATE_CELL.but(valign="top")
_MONEY = styles.MONEY.but(valign="top")
_EMPTY = {
    MATCHED: "Aucune ligne rapprochée.",
    AMBIGUOUS: "Aucun cas ambigu.",
    FREE: "Aucune ligne non rapprochée.",
    IGNORED: "Aucune ligne ignorée.",
}
ADVICE_AMBIGUOUS = (
    "Indiquez le n° de la facture réglée dans la colonne Facture de la feuille Banque ; en "
    "attendant, la ligne est comptée comme un mouvement ordinaire."
)


def _texts(item: BankDecision) -> tuple[str, str]:
    if item.kind == MATCHED:
        return item.target, item.reason
    if item.kind == AMBIGUOUS:
        return "\n".join(item.candidates), ADVICE_AMBIGUOUS
    if item.kind == FREE:
        category = item.categorie or (
            "Autres encaissements" if item.montant > 0 else "Autres décaissements"
        )
        return category, item.reason
    return "", item.reason


def rapprochement_layout(result: Reconciliation, date_reference: dt.date) -> SheetLayout:
    """The bank reconciliation as a tab, in four sections."""
    sheet = SheetLayout(
        contract.TAB_RAPPROCHEMENT, tab_color=styles.HEADER_FILL, landscape=True, fit_width=True
    )
    decisions = result.decisions
    counts = {kind: sum(1 for d in decisions if d.kind == kind) for kind, _, _ in SECTIONS}
    sheet.put(1, 1, "Rapprochement bancaire", styles.TITLE)
    opening = (
        f" Solde d'ouverture du plan : relevé bancaire du {day(result.opening.date)} "
        f"({euros(result.opening.solde)})."
        if result.opening
        else ""
    )
    sheet.put(
        2,
        1,
        f"Au {day(date_reference)} : {count(len(decisions), 'ligne')} de la feuille Banque, "
        f"dont {count(counts[MATCHED], 'rapprochée')}, {count(counts[AMBIGUOUS], 'ambiguë')}, "
        f"{count(counts[FREE], 'non rapprochée')} et {count(counts[IGNORED], 'ignorée')}."
        f"{opening}",
        styles.SUBTITLE,
    )
    sheet.put(
        3,
        1,
        "Une ligne du relevé est un mouvement réalisé, compté une seule fois, à la date de la "
        f"banque : une ligne saisie « Réalisé » du même montant à {TYPED_DAYS} jours près, un "
        f"prévu à {PREVU_DAYS} jours près, ou la facture dont le libellé donne le numéro ou le "
        "client, est cette ligne. Pour corriger : colonnes Facture et Statut du rapprochement "
        f"({quote('Ignoré')}, {quote('Manuel')}) de la feuille Banque.",
        styles.NOTE,
    )
    row = HEADER_ROW
    for kind, title, extra in SECTIONS:
        items = [d for d in decisions if d.kind == kind]
        if kind == IGNORED and not items:
            continue
        sheet.put(row, 1, f"{title} : {len(items)}", styles.SECTION)
        for col in range(2, len(COLUMNS) + len(extra) + 1):
            sheet.put(row, col, None, styles.SECTION)
        row += 1
        sheet.put_row(row, 1, [*COLUMNS, *extra], styles.HEADER_LEFT)
        row += 1
        if not items:
            sheet.put(row, 1, _EMPTY[kind], styles.NOTE)
            row += 2
            continue
        for item in sorted(items, key=lambda d: (d.date, d.ligne)):
            first, second = _texts(item)
            sheet.put(row, 1, item.ligne, _ROW)
            sheet.put(row, 2, item.date, _DATE)
            sheet.put(row, 3, item.libelle, _TEXT)
            sheet.put(row, 4, item.montant, _MONEY)
            sheet.put(row, 5, first, _TEXT)
            sheet.put(row, 6, second, _TEXT)
            row += 1
        row += 1
    sheet.column_widths.update({1: 7, 2: 11, 3: 40, 4: 13, 5: 36, 6: 44})
    sheet.print_titles = None
    return sheet
