"""Layout of the `Dépenses` tab: recurring charges, shares, price rises, avoidable fees, stock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from treso_xl import contract
from treso_xl.core.bfr import DORMANT_DAYS
from treso_xl.core.checks import ROW_PIECES, compact_rows
from treso_xl.core.money import cents
from treso_xl.core.spending import AvoidableCost, RecurringCharge, SpendingReview, label_key
from treso_xl.core.stock_review import SALES_DAYS, StockReview
from treso_xl.french import day, euros, quote
from treso_xl.layout import styles
from treso_xl.layout.model import DAYS, INTEGER, PERCENT, CellValue, SheetLayout, Style

TITLE = "Dépenses et stock"
LABEL_FLAGGED = "Coût annuel des lignes signalées"
LABEL_TOTAL = "Total"
NOT_AVAILABLE = "—"

SECTION_CHARGES = "Charges récurrentes"
SECTION_SHARES = "Répartition des dépenses sur 12 mois"
SECTION_RISES = "Hausses de prix"
SECTION_AVOIDABLE = "Frais évitables déjà payés"
SECTION_STOCK = "Stock : point de commande"

# Ten columns shared by every section; the last one holds the long texts.
NCOLS = 10
WIDTHS = (32.0, 34.0, 15.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 80.0)
CHARGE_HEADERS: tuple[str | None, ...] = (
    "Fournisseur",
    "Libellé",
    "Catégorie",
    "Fréquence",
    "Montant",
    "Coût annuel",
    "Origine",
    "Hausse sur un an",
    "Ligne",
    "Conseil",
)
SHARE_HEADERS: tuple[str | None, ...] = ("Catégorie", "Montant", "Part")
RISE_HEADERS: tuple[str | None, ...] = (
    "Fournisseur",
    "Libellé",
    "Un an avant",
    "Montant un an avant",
    "Dernier paiement",
    "Montant",
    "Hausse",
    "Hausse en %",
    "Coût annuel",
    "Conseil",
)
AVOIDABLE_HEADERS: tuple[str | None, ...] = (
    "Fournisseur",
    "Libellé",
    "Catégorie",
    "Date",
    "Montant",
    None,
    None,
    None,
    "Ligne",
    "Motif et conseil",
)
STOCK_HEADERS: tuple[str | None, ...] = (
    "Article",
    "Dernière vente",
    "Quantité",
    "Ventes 90 j",
    "Délai fournisseur",
    "Point de commande",
    "Écart",
    "Valeur au-dessus",
    "Valeur en dessous",
    "Dormant",
)

FLAGGED_ROW = 5
AVOIDABLE_LINES = 10  # avoidable payments listed one by one; more: added up by supplier and label
LINE_HEIGHT = 15.0  # points per line of wrapped text
HEADER_HEIGHT = 30.0  # two lines of header
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points

_TOP = Style(valign="top")
_WRAP = Style(valign="top", wrap=True)
_MONEY = styles.MONEY.but(valign="top")
_DATE = styles.DATE_CELL.but(valign="top")
_PCT = Style(number_format=PERCENT, valign="top")
_INT = Style(number_format=INTEGER, align="center", valign="top")
_DAYS = Style(number_format=DAYS, valign="top")
_NUMBER = Style(valign="top")  # General: 40, 2,5
_NA = Style(align="right", valign="top")
_EMPTY = styles.NOTE
# highlighted styles, built once (not once per row)
_MONEY_ALERT = styles.alert(_MONEY)
_PCT_ALERT = styles.alert(_PCT)
_NUMBER_ALERT = styles.alert(_NUMBER)
_WARN_TOP = styles.WARN.but(valign="top")


def _header(sheet: SheetLayout, row: int, headers: tuple[str | None, ...]) -> None:
    for col, label in enumerate(headers, start=1):
        sheet.put(row, col, label, styles.HEADER_LEFT if col in (1, 2, NCOLS) else styles.HEADER)
    sheet.row_heights[row] = HEADER_HEIGHT


def _fit(sheet: SheetLayout, row: int, *cols: int) -> None:
    """Row height for the wrapped texts of `cols` (about one character per unit of width)."""
    lines = 1
    for col in cols:
        text = sheet.value(row, col)
        if isinstance(text, str) and text:
            lines = max(lines, -(-len(text) // max(1, int(WIDTHS[col - 1]))))
    if lines > 1:
        sheet.row_heights[row] = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


def _section(sheet: SheetLayout, row: int, title: str) -> None:
    sheet.put_row(row, 1, [title, *([None] * (NCOLS - 1))], styles.SECTION)


def _open(
    sheet: SheetLayout, row: int, title: str, note: str, headers: tuple[str | None, ...]
) -> int:
    """A section's title, its one-line note and its header row; returns the first data row."""
    _section(sheet, row, title)
    sheet.put(row + 1, 1, note, styles.NOTE)
    _header(sheet, row + 2, headers)
    return row + 3


def _total(sheet: SheetLayout, row: int, width: int, amounts: dict[int, float], text: str) -> None:
    """A total row over `width` columns: label, amounts in their columns, `text` after them."""
    for col in range(1, width + 1):
        sheet.put(row, col, None, styles.TOTAL_LABEL)
    sheet.put(row, 1, LABEL_TOTAL, styles.TOTAL_LABEL)
    for col, amount in amounts.items():
        sheet.put(row, col, amount, styles.TOTAL_MONEY)
    if text:
        sheet.put(row, width, text, styles.TOTAL_LABEL.but(wrap=True, valign="top"))
        _fit(sheet, row, width)


def _or_na(value: CellValue, style: Style) -> tuple[CellValue, Style]:
    return (NOT_AVAILABLE, _NA) if value is None else (value, style)


@dataclass(frozen=True)
class ChargeLine:
    """One line of the charges table: a recurring charge, or several typed rows of one series
    (same supplier, label key, category and frequency) added up."""

    charge: RecurringCharge  # the first (costliest) of them
    montant: float  # per period, all rows together
    cout_annuel: float
    lignes: tuple[int, ...]  # Décaissements rows, ascending
    hausse: float | None
    signalee: bool


def charge_lines(charges: tuple[RecurringCharge, ...]) -> list[ChargeLine]:
    """The charges with the rows of one series added up into one line, costliest first."""
    if not charges:
        return []
    keys = label_key(pd.Series([c.libelle for c in charges], dtype="object"))
    series: dict[tuple[str, ...], list[RecurringCharge]] = {}
    for charge, key in zip(charges, keys.tolist(), strict=True):  # a list: no per-item lookup
        group = (charge.fournisseur.casefold(), str(key), charge.categorie, charge.frequence)
        series.setdefault((*group, charge.origine), []).append(charge)
    lines = []
    for members in series.values():
        rises = [c.hausse for c in members if c.hausse is not None]
        lines.append(
            ChargeLine(
                charge=members[0],
                montant=cents(sum(c.montant for c in members)),
                cout_annuel=cents(sum(c.cout_annuel for c in members)),
                lignes=tuple(sorted(c.ligne for c in members)),
                hausse=max(rises) if rises else None,
                signalee=any(c.signalee for c in members),
            )
        )
    lines.sort(key=lambda line: -line.cout_annuel)  # stable: ties keep the charges' order
    return lines


def _rows(rows: tuple[int, ...]) -> str:
    """« lignes 2 à 4 et 9 » (the first ROW_PIECES rows or ranges)."""
    text = compact_rows(rows, ROW_PIECES)
    return text[:1].lower() + text[1:]


def _several_note(line: ChargeLine) -> str:
    count = len(line.lignes)
    return (
        f"{count} lignes saisies pour cette charge ({_rows(line.lignes)}) : "
        "chacune compte dans le plan ; vérifiez qu'il n'y a pas de doublon."
    )


def _charges(sheet: SheetLayout, row: int, review: SpendingReview) -> int:
    row = _open(
        sheet,
        row,
        SECTION_CHARGES,
        "Charges saisies avec une Récurrence (sans Fin passée) et charges détectées : un même "
        "fournisseur et un même libellé (chiffres, dates et mois ignorés) payés au moins 3 fois, "
        "tous les mois, trimestres ou ans, parmi les décaissements Réalisé. Classées par coût "
        "annuel ; plusieurs lignes saisies pour une même charge sont additionnées sur une ligne.",
        CHARGE_HEADERS,
    )
    if not review.charges:
        sheet.put(row, 1, "Aucune charge récurrente trouvée.", _EMPTY)
        return row + 1
    for line in charge_lines(review.charges):
        charge = line.charge
        several = len(line.lignes) > 1
        sheet.put(row, 1, charge.fournisseur, _TOP)
        sheet.put(row, 2, charge.libelle, _WRAP)
        sheet.put(row, 3, charge.categorie, _TOP)
        sheet.put(row, 4, charge.frequence, _TOP)
        sheet.put(row, 5, line.montant, _MONEY)
        sheet.put(row, 6, line.cout_annuel, _MONEY_ALERT if line.signalee else _MONEY)
        origin = f"{charge.origine} ×\u00a0{len(line.lignes)}" if several else charge.origine
        sheet.put(row, 7, origin, _TOP)
        if line.hausse is not None:
            sheet.put(row, 8, line.hausse, _PCT_ALERT)
        sheet.put(row, 9, line.lignes[0], _INT)
        advice = [charge.conseil] if charge.conseil else []
        if several:
            advice.append(_several_note(line))
        if advice:
            sheet.put(row, 10, " ".join(advice), _WRAP)
        _fit(sheet, row, 2, 10)
        row += 1
    _total(
        sheet,
        row,
        NCOLS,
        {6: review.cout_charges_annuel},
        f"Coût annuel de vos {len(review.charges)} charges récurrentes."
        if len(review.charges) > 1
        else "Coût annuel de votre charge récurrente.",
    )
    return row + 1


def _shares(sheet: SheetLayout, row: int, review: SpendingReview) -> int:
    row = _open(
        sheet,
        row,
        SECTION_SHARES,
        f"Tous les décaissements datés du {day(review.debut)} au {day(review.date_reference)}, "
        "récurrences comprises, par catégorie.",
        SHARE_HEADERS,
    )
    if not review.repartition:
        sheet.put(row, 1, "Aucun décaissement sur les 12 derniers mois.", _EMPTY)
        return row + 1
    for share in review.repartition:
        sheet.put(row, 1, share.categorie, _TOP)
        sheet.put(row, 2, share.montant, _MONEY)
        sheet.put(row, 3, share.part, _PCT)
        row += 1
    _total(sheet, row, 3, {2: review.total_12m}, "")
    sheet.put(row, 3, 1.0, styles.TOTAL_LABEL.but(number_format=PERCENT))
    return row + 1


def _rises(sheet: SheetLayout, row: int, review: SpendingReview) -> int:
    row = _open(
        sheet,
        row,
        SECTION_RISES,
        "Même fournisseur et même libellé : le dernier paiement des 12 mois comparé au paiement "
        "le plus proche d'un an plus tôt (à 45 jours près).",
        RISE_HEADERS,
    )
    if not review.hausses:
        sheet.put(row, 1, "Aucune hausse de prix trouvée.", _EMPTY)
        return row + 1
    for rise in review.hausses:
        sheet.put(row, 1, rise.fournisseur, _TOP)
        sheet.put(row, 2, rise.libelle, _WRAP)
        sheet.put(row, 3, rise.date_avant, _DATE)
        sheet.put(row, 4, rise.montant_avant, _MONEY)
        sheet.put(row, 5, rise.date, _DATE)
        sheet.put(row, 6, rise.montant, _MONEY)
        sheet.put(row, 7, rise.hausse, _MONEY_ALERT)
        sheet.put(row, 8, rise.hausse_pct, _PCT_ALERT)
        sheet.put(row, 9, rise.cout_annuel, _MONEY)
        sheet.put(row, 10, rise.conseil, _WRAP)
        _fit(sheet, row, 2, 10)
        row += 1
    return row


@dataclass(frozen=True)
class AvoidableLine:
    """One line of the avoidable fees: a payment, or every payment of one supplier, label key
    and motif added up when the section would list more than AVOIDABLE_LINES payments."""

    cost: AvoidableCost  # the largest of them
    montant: float
    lignes: tuple[int, ...]
    premiere: dt.date
    derniere: dt.date


def avoidable_lines(costs: tuple[AvoidableCost, ...]) -> list[AvoidableLine]:
    """Each payment by date, or, beyond AVOIDABLE_LINES payments, one line per supplier, label
    and motif (largest total first)."""
    if len(costs) <= AVOIDABLE_LINES:
        return [AvoidableLine(c, c.montant, (c.ligne,), c.date, c.date) for c in costs]
    keys = label_key(pd.Series([c.libelle for c in costs], dtype="object"))
    groups: dict[tuple[str, str, str], list[AvoidableCost]] = {}
    for cost, key in zip(costs, keys, strict=True):
        groups.setdefault((cost.fournisseur.casefold(), str(key), cost.motif), []).append(cost)
    lines = [
        AvoidableLine(
            cost=max(members, key=lambda c: c.montant),
            montant=cents(sum(c.montant for c in members)),
            lignes=tuple(sorted(c.ligne for c in members)),
            premiere=min(c.date for c in members),
            derniere=max(c.date for c in members),
        )
        for members in groups.values()
    ]
    lines.sort(key=lambda line: -line.montant)
    return lines


def _avoidable(sheet: SheetLayout, row: int, review: SpendingReview) -> int:
    row = _open(
        sheet,
        row,
        SECTION_AVOIDABLE,
        "Décaissements Réalisé des 12 mois dont le libellé ou la catégorie cite une majoration, "
        "une pénalité, des intérêts de retard, des frais de rejet, une commission "
        "d'intervention, des agios, un incident, une lettre d'information ou des frais de "
        f"relance. Au-delà de {AVOIDABLE_LINES} paiements, un même fournisseur et un même "
        "libellé sont additionnés sur une ligne.",
        AVOIDABLE_HEADERS,
    )
    if not review.evitables:
        sheet.put(row, 1, "Aucun frais évitable payé sur les 12 derniers mois.", _EMPTY)
        return row + 1
    for line in avoidable_lines(review.evitables):
        cost = line.cost
        count = len(line.lignes)
        sheet.put(row, 1, cost.fournisseur, _TOP)
        sheet.put(row, 2, cost.libelle, _WRAP)
        sheet.put(row, 3, cost.categorie, _TOP)
        sheet.put(row, 4, line.derniere, _DATE)
        sheet.put(row, 5, line.montant, _MONEY_ALERT)
        sheet.put(row, 9, line.lignes[0], _INT)
        text = f"{cost.motif} : {cost.conseil}"
        if count > 1:
            text = (
                f"{count} paiements du {day(line.premiere)} au {day(line.derniere)}, le plus "
                f"élevé {euros(cost.montant)} le {day(cost.date)} "
                f"({_rows(line.lignes)}). {text}"
            )
        sheet.put(row, 10, text, _WRAP)
        _fit(sheet, row, 2, 10)
        row += 1
    _total(
        sheet,
        row,
        NCOLS,
        {5: review.total_evitables},
        "Frais évitables payés sur les 12 derniers mois.",
    )
    return row + 1


def _dormant_text(line_dormant: bool, last: dt.date | None) -> str:
    if not line_dormant:
        return "Non"
    if last is None:
        return f"Oui : aucune vente connue sur {DORMANT_DAYS} jours ; ne pas recommander."
    return f"Oui : dernière vente le {day(last)} ; ne pas recommander, écouler si possible."


def _stock(sheet: SheetLayout, row: int, stock: StockReview) -> int:
    _section(sheet, row, SECTION_STOCK)
    sheet.put(
        row + 1,
        1,
        f"Point de commande = Ventes {SALES_DAYS} jours ÷ {SALES_DAYS} × Délai fournisseur, "
        "arrondi à l'unité supérieure : recommandez quand la quantité y descend. Au-dessus, "
        "l'argent dort en rayon ; en dessous, des ventes risquent de manquer. Valeurs au coût "
        "unitaire.",
        styles.NOTE,
    )
    row += 2
    if stock.feuille_absente:
        for note in stock.notes:
            sheet.put(row, 1, note, _EMPTY)
            row += 1
        return row
    _header(sheet, row, STOCK_HEADERS)
    row += 1
    if not stock.lignes:
        sheet.put(row, 1, f"Aucun article dans la feuille {quote(contract.STOCK.name)}.", _EMPTY)
        return row + 1
    for line in stock.lignes:
        below = line.ecart is not None and line.ecart < 0
        sheet.put(row, 1, line.article, _WRAP)
        sheet.put(row, 2, line.derniere_vente, _DATE)
        sheet.put(row, 3, line.quantite, _NUMBER)
        sheet.put(row, 4, line.ventes_90j, _NUMBER)
        sheet.put(row, 5, *_or_na(line.delai, _DAYS))
        sheet.put(row, 6, *_or_na(line.point_commande, _INT))
        sheet.put(row, 7, *_or_na(line.ecart, _NUMBER_ALERT if below else _NUMBER))
        sheet.put(row, 8, *_or_na(line.valeur_au_dessus, _MONEY))
        sheet.put(
            row, 9, *_or_na(line.valeur_en_dessous, _MONEY_ALERT if below else _MONEY)
        )
        dormant = _dormant_text(line.dormant, line.derniere_vente)
        sheet.put(row, 10, dormant, _WARN_TOP if line.dormant else _TOP)
        _fit(sheet, row, 1)
        row += 1
    _total(
        sheet,
        row,
        NCOLS,
        {8: stock.total_au_dessus, 9: stock.total_en_dessous},
        f"Valeur du stock : {euros(stock.valeur_stock)} ; stock dormant : "
        f"{euros(stock.valeur_dormante)} ({stock.articles_dormants} article"
        f"{'s' if stock.articles_dormants > 1 else ''}) ; "
        f"{stock.articles_sous_le_point} article{'s' if stock.articles_sous_le_point > 1 else ''}"
        " sous le point de commande.",
    )
    row += 1
    for note in stock.notes:
        sheet.put(row, 1, note, _EMPTY)
        row += 1
    return row


def depenses_layout(
    review: SpendingReview, stock: StockReview, date_reference: dt.date
) -> SheetLayout:
    """The Dépenses tab: the flagged yearly cost on a fixed row (label in A, amount in B), then
    the sections recurring charges, shares over 12 months, price rises, avoidable fees, stock."""
    sheet = SheetLayout(
        contract.TAB_DEPENSES, tab_color=styles.WARN_FONT, landscape=True, fit_width=True
    )
    ref = day(date_reference)
    sheet.put(1, 1, TITLE, styles.TITLE)
    sheet.put(
        2,
        1,
        f"Au {ref} : ce que coûtent vos charges récurrentes et où vont vos dépenses, les hausses "
        "de prix, les frais que vous auriez pu éviter, et quand recommander chaque article.",
        styles.SUBTITLE,
    )
    sheet.put(
        3,
        1,
        f"Les 12 mois vont du {day(review.debut)} au {ref}. Onglet recalculé à chaque "
        "actualisation à partir des feuilles Décaissements et Stock.",
        styles.NOTE,
    )
    flagged_charges = review.cout_signale_charges
    sheet.put(FLAGGED_ROW, 1, LABEL_FLAGGED, styles.TOTAL_LABEL)
    sheet.put(FLAGGED_ROW, 2, review.total_flagged_per_year, styles.TOTAL_MONEY)
    sheet.put(
        FLAGGED_ROW,
        3,
        f"Charges à comparer ou en hausse, par an ({euros(flagged_charges)}) + frais évitables "
        f"payés sur 12 mois ({euros(review.total_evitables)}) : le montant sur lequel agir.",
        styles.NOTE,
    )
    row = FLAGGED_ROW + 2
    for part in (_charges, _shares, _rises, _avoidable):
        row = part(sheet, row, review) + 1
    row = _stock(sheet, row, stock)
    if review.notes:
        row += 1
        _section(sheet, row, "Remarques")
        row += 1
        for note in review.notes:
            sheet.put(row, 1, note, styles.NOTE)
            row += 1

    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_widths[col] = width
    sheet.landscape = True
    sheet.fit_width = True
    return sheet
