"""The financing need and the staged-billing comparison, as sections of the BFR tab."""

from __future__ import annotations

from treso_xl.core.financing import FinancingNeed, StagedComparison
from treso_xl.french import day, euros, month_name, percent
from treso_xl.layout import styles
from treso_xl.layout.model import DAYS, MONTH, SheetLayout

TITLE_NEED = "Besoin de financement"
TITLE_STAGES = "Facturation par étapes"


def need_sentence(need: FinancingNeed) -> str:
    """One French sentence summing the need up (used on the dashboard too)."""
    if not need.exists:
        return (
            f"Aucun jour sous le seuil d'alerte de {euros(need.threshold)} : pas de besoin de "
            "financement sur l'horizon."
        )
    if need.last_month != need.first_month:
        span = f"de {month_name(need.first_month)} à {month_name(need.last_month)}"
    else:
        span = f"en {month_name(need.first_month)}"
    return (
        f"Il manque jusqu'à {euros(need.amount)} sous le seuil, le {day(need.deepest_day)}, "
        f"{span} ({need.days_below} jour{'s' if need.days_below > 1 else ''} sous le seuil)."
    )


def _section(sheet: SheetLayout, row: int, title: str) -> None:
    sheet.put(row, 1, title, styles.SECTION)
    for col in (2, 3):
        sheet.put(row, col, None, styles.SECTION)


def add_financing_sections(
    sheet: SheetLayout, top: int, need: FinancingNeed, comparisons: list[StagedComparison]
) -> int:
    """Write both sections from row `top`; return the next free row."""
    row = top
    _section(sheet, row, TITLE_NEED)
    row += 1
    sheet.put(row, 1, need_sentence(need), styles.ALERT if need.exists else styles.GOOD)
    row += 1
    if need.exists:
        lines = [
            ("Montant maximal sous le seuil", need.amount, styles.MONEY),
            (
                "Premier mois sous le seuil",
                need.first_month,
                styles.DATE_CELL.but(number_format=MONTH),
            ),
            (
                "Dernier mois sous le seuil",
                need.last_month,
                styles.DATE_CELL.but(number_format=MONTH),
            ),
            ("Durée (mois)", need.months, styles.LABEL),
            ("Jours sous le seuil", need.days_below, styles.LABEL.but(number_format=DAYS)),
        ]
        for label, value, style in lines:
            sheet.put(row, 1, label, styles.LABEL)
            sheet.put(row, 2, value, style)
            row += 1
        sheet.put(row, 1, "Coût d'un crédit de trésorerie", styles.LABEL)
        if need.cost is None or need.rate is None:
            sheet.put(row, 2, "—")
            sheet.put(
                row,
                3,
                "Indiquez « Taux du crédit de trésorerie » dans Paramètres pour chiffrer ce coût.",
                styles.NOTE,
            )
        else:
            sheet.put(row, 2, need.cost, styles.MONEY)
            sheet.put(
                row,
                3,
                f"Intérêts au taux annuel de {percent(need.rate)} sur le montant manquant chaque "
                "jour (somme des écarts × taux / 365).",
                styles.NOTE,
            )
        row += 1
        sheet.put_row(row, 1, ["Levier", "Trésorerie libérée", "Couvre le besoin ?"], styles.HEADER)
        row += 1
        for lever in need.levers:
            sheet.put(row, 1, lever.label, styles.LABEL)
            sheet.put(row, 2, lever.amount, styles.MONEY)
            sheet.put(
                row,
                3,
                "oui" if lever.covers else "non",
                styles.GOOD if lever.covers else styles.WARN,
            )
            row += 1
    row += 1
    _section(sheet, row, TITLE_STAGES)
    row += 1
    if not comparisons:
        sheet.put(
            row, 1, "Aucun projet à facturer par étapes dans la feuille Projets.", styles.NOTE
        )
        return row + 1
    sheet.put_row(
        row,
        1,
        [
            "Projet",
            "Reste à facturer",
            "Étapes",
            "Encaissé plus tôt de",
            "Point bas (étapes)",
            "Point bas (une facture)",
            "Gain sur le point bas",
        ],
        styles.HEADER,
    )
    row += 1
    for item in comparisons:
        sheet.put(row, 1, item.projet)
        sheet.put(row, 2, item.montant, styles.MONEY)
        sheet.put(row, 3, item.stages)
        sheet.put(row, 4, item.days_earlier, styles.LABEL.but(number_format=DAYS))
        sheet.put(row, 5, item.low_staged, styles.MONEY)
        sheet.put(row, 6, item.low_single, styles.MONEY)
        sheet.put(row, 7, item.low_gain, styles.MONEY_BOLD)
        row += 1
    sheet.put(
        row,
        1,
        "Facturer un acompte puis des étapes (par exemple 30/40/30) fait rentrer l'argent plus "
        "tôt qu'une seule facture à la livraison, aux mêmes conditions de paiement ; le point bas "
        "est le plus bas solde de fin de journée sur l'horizon.",
        styles.NOTE,
    )
    return row + 1
