"""Layout of the `BFR` tab: working capital, DSO/DPO/DIO and the cash three levers would free."""

from __future__ import annotations

import datetime as dt

from treso_xl import contract
from treso_xl.core.bfr import (
    DAYS_PER_YEAR,
    DORMANT_DAYS,
    WorkingCapital,
    window_start,
)
from treso_xl.french import day, euros, quote
from treso_xl.layout import styles
from treso_xl.layout.model import DAYS, CellValue, SheetLayout, Style

# Fixed labels of the contract (value in the next column).
LABEL_CREANCES = "Créances clients"
LABEL_STOCKS = "Stocks"
LABEL_DETTES = "Dettes fournisseurs"
LABEL_BFR = "BFR"
LABEL_DSO = "DSO (jours)"
LABEL_DPO = "DPO (jours)"
LABEL_DIO = "DIO (jours)"
# Extra rows.
LABEL_BFR_JOURS = "BFR en jours de ventes"
LABEL_VENTES = "Ventes facturées sur 12 mois"
LABEL_ACHATS = "Achats fournisseurs sur 12 mois"
LABEL_COUT = "Coût annuel des ventes (estimé)"
LABEL_NON_ECHU = "Factures non échues"
LABEL_PROJETS = "Projets en cours restant à facturer"
LABEL_DELAI = "Délai moyen de paiement des fournisseurs"
LABEL_DORMANT = "Stock dormant"
LEVER_HEADERS = ("Levier", "Action", "Votre situation", "Trésorerie libérée")
LABEL_TOTAL = "Total"
NOT_AVAILABLE = "—"

HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
WIDTHS = (34.0, 40.0, 70.0, 18.0)

_LABEL = styles.LABEL.but(valign="top")
_MONEY = styles.MONEY.but(valign="top")
_DAYS = Style(number_format=DAYS, valign="top")
_NA = Style(align="right", valign="top")
_EXPLAIN = Style(wrap=True, valign="top")
_BFR_LABEL = styles.TOTAL_LABEL.but(valign="top")
_BFR_MONEY = styles.TOTAL_MONEY.but(valign="top")
_LEVER = Style(bold=True, valign="top")


def _days_cell(value: int | None) -> tuple[CellValue, Style]:
    return (NOT_AVAILABLE, _NA) if value is None else (value, _DAYS)


def _ratio_note(result: WorkingCapital, key: str, meaning: str, formula: str) -> str:
    """« Meaning : formula, arrondi au jour. », or why the ratio is not computed."""
    reason = result.raisons.get(key)
    if reason is not None:
        return f"Non calculable : {reason}. {meaning} = {formula}."
    return f"{meaning} : {formula}, arrondi au jour."


def bfr_layout(result: WorkingCapital, date_reference: dt.date) -> SheetLayout:
    """The working-capital tab: fixed label rows (value in column B, explanation in column C),
    the bases of the ratios, then the levers table with its total and the notes."""
    sheet = SheetLayout(
        contract.TAB_BFR, tab_color=styles.GOOD_FONT, landscape=True, fit_width=True
    )
    start = window_start(date_reference)
    ref = day(date_reference)
    sheet.put(1, 1, "Besoin en fonds de roulement (BFR)", styles.TITLE)
    sheet.put(
        2,
        1,
        f"Au {ref} : l'argent immobilisé par l'activité (factures non encaissées et stock) moins "
        "le crédit accordé par les fournisseurs. Un BFR positif est financé par votre trésorerie.",
        styles.SUBTITLE,
    )
    sheet.put(
        3,
        1,
        f"Les 12 mois vont du {day(start)} au {ref}. Les jours sont arrondis à l'unité ; "
        f"{quote(NOT_AVAILABLE)} : non calculable, la raison est donnée à côté.",
        styles.NOTE,
    )
    sheet.put_row(HEADER_ROW, 1, ["Indicateur", "Valeur", "Explication"], styles.HEADER_LEFT)

    creances_note = (
        f"Reste dû des factures émises au plus tard le {ref}, paiements partiels déduits "
        "(total de l'onglet Balance âgée)."
    )
    absent = set(result.feuilles_absentes)
    stock_sheet, suppliers_sheet = quote(contract.STOCK.name), quote(contract.FOURNISSEURS.name)
    if contract.STOCK.name in absent:
        stocks_note = f"Feuille {stock_sheet} absente : comptés à 0\u00a0€."
    else:
        stocks_note = f"Somme de Quantité × Coût unitaire des articles de la feuille {stock_sheet}."
    if contract.FOURNISSEURS.name in absent:
        dettes_note = f"Feuille {suppliers_sheet} absente : comptées à 0\u00a0€."
    else:
        dettes_note = (
            f"Factures de la feuille {suppliers_sheet} datées au plus tard le {ref} et sans date "
            "de paiement."
        )
    sales_formula = f"ventes facturées sur 12 mois × {DAYS_PER_YEAR}"
    rows: list[tuple[str, CellValue, Style, str]] = [
        (LABEL_CREANCES, result.creances, _MONEY, creances_note),
        (LABEL_STOCKS, result.stocks, _MONEY, stocks_note),
        (LABEL_DETTES, result.dettes, _MONEY, dettes_note),
        (
            LABEL_BFR,
            result.bfr,
            _BFR_MONEY,
            "Créances clients + Stocks − Dettes fournisseurs.",
        ),
        (
            LABEL_BFR_JOURS,
            *_days_cell(result.bfr_jours),
            _ratio_note(
                result, "bfr_jours", "BFR exprimé en jours de ventes", f"BFR ÷ {sales_formula}"
            ),
        ),
        (
            LABEL_DSO,
            *_days_cell(result.dso),
            _ratio_note(
                result,
                "dso",
                "Délai moyen d'encaissement des clients",
                f"créances clients ÷ {sales_formula}",
            ),
        ),
        (
            LABEL_DPO,
            *_days_cell(result.dpo),
            _ratio_note(
                result,
                "dpo",
                "Délai moyen de paiement des fournisseurs",
                f"dettes fournisseurs ÷ achats fournisseurs sur 12 mois × {DAYS_PER_YEAR}",
            ),
        ),
        (
            LABEL_DIO,
            *_days_cell(result.dio),
            _ratio_note(
                result,
                "dio",
                "Durée moyenne de détention du stock",
                f"stocks ÷ coût annuel des ventes × {DAYS_PER_YEAR}",
            ),
        ),
    ]
    row = FIRST_ROW
    for label, value, style, note in rows:
        sheet.put(row, 1, label, _BFR_LABEL if label == LABEL_BFR else _LABEL)
        sheet.put(row, 2, value, style)
        sheet.put(row, 3, note, _EXPLAIN)
        row += 1

    row += 1
    sheet.put_row(row, 1, ["Bases de calcul", None, None, None], styles.SECTION)
    row += 1
    delai = result.delai_fournisseurs
    bases: list[tuple[str, CellValue, Style, str]] = [
        (
            LABEL_VENTES,
            result.ventes_12m,
            _MONEY,
            f"Montant des factures datées du {day(window_start(date_reference))} au {ref}.",
        ),
        (
            LABEL_ACHATS,
            result.achats_12m,
            _MONEY,
            "Montant des factures fournisseurs datées des 12 mois, payées ou non.",
        ),
        (
            LABEL_COUT,
            result.cout_ventes_annuel,
            _MONEY,
            f"Somme de Ventes 90 jours × Coût unitaire, × {DAYS_PER_YEAR}/{DORMANT_DAYS} pour "
            f"une année (feuille {stock_sheet}).",
        ),
        (
            LABEL_NON_ECHU,
            result.non_echu,
            _MONEY,
            "Reste dû des factures dont l'échéance n'est pas passée (colonne "
            f"{quote('Non échu')} de la Balance âgée).",
        ),
        (
            LABEL_PROJETS,
            result.projets_a_facturer,
            _MONEY,
            f"Projets à livrer après le {ref} : Montant total moins les factures dont le libellé "
            "ou le numéro cite le projet.",
        ),
        (
            LABEL_DELAI,
            *_days_cell(delai),
            "Moyenne de Date de paiement − Date des factures fournisseurs payées, datées des "
            "12 mois." + ("" if delai is not None else " Aucune facture payée : non calculable."),
        ),
        (
            LABEL_DORMANT,
            result.stock_dormant,
            _MONEY,
            f"Articles sans vente depuis plus de {DORMANT_DAYS} jours : Dernière vente avant "
            f"le {day(date_reference - dt.timedelta(days=DORMANT_DAYS))} ou vide, ou Ventes "
            "90 jours = 0.",
        ),
    ]
    for label, value, style, note in bases:
        sheet.put(row, 1, label, _LABEL)
        sheet.put(row, 2, value, style)
        sheet.put(row, 3, note, _EXPLAIN)
        row += 1

    row += 1
    sheet.put_row(
        row, 1, ["Trois leviers pour libérer de la trésorerie", None, None, None], styles.SECTION
    )
    row += 1
    sheet.put_row(row, 1, list(LEVER_HEADERS), styles.HEADER_LEFT)
    sheet.restyle(row, 4, styles.HEADER)
    row += 1
    for lever in result.levers:
        sheet.put(row, 1, lever.levier, _LEVER)
        sheet.put(row, 2, lever.action, _EXPLAIN)
        sheet.put(row, 3, lever.situation, _EXPLAIN)
        sheet.put(row, 4, lever.montant, _MONEY)
        row += 1
    sheet.put(row, 1, LABEL_TOTAL, styles.TOTAL_LABEL)
    sheet.put(row, 2, None, styles.TOTAL_LABEL)
    sheet.put(
        row,
        3,
        f"Trésorerie que les trois leviers libéreraient ensemble : {euros(result.total_levers)}.",
        styles.TOTAL_LABEL,
    )
    sheet.put(row, 4, result.total_levers, styles.TOTAL_MONEY)
    row += 2

    sheet.put_row(row, 1, ["Calcul de chaque levier", None, None, None], styles.SECTION)
    row += 1
    for lever in result.levers:
        calcul = lever.calcul[:1].lower() + lever.calcul[1:]
        sheet.put(row, 1, f"{lever.levier} — {calcul}", styles.NOTE)
        row += 1
    if result.notes:
        row += 1
        sheet.put_row(row, 1, ["Remarques", None, None, None], styles.SECTION)
        row += 1
        for note in result.notes:
            sheet.put(row, 1, note, styles.NOTE)
            row += 1

    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_widths[col] = width
    sheet.row_heights[HEADER_ROW] = 20
    return sheet
