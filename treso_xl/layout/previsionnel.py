"""Layout of the `Prévisionnel` tab: one column per month, months under the threshold in red."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from treso_xl import contract
from treso_xl.core.plan import CashPlan
from treso_xl.french import day, euros
from treso_xl.layout import styles
from treso_xl.layout.model import MONTH, SheetLayout, Style

if TYPE_CHECKING:
    import pandas as pd

HEADER_ROW = 6
LABEL_PREDICTED = "Clôture si les clients paient comme d'habitude"
PREDICTED_METHOD = (
    "Méthode : chaque facture impayée est attendue à son échéance décalée du retard médian de "
    "son client (au moins 2 factures payées, sinon l'échéance) ; une facture déjà plus en retard "
    "que d'habitude n'est pas comptée."
)
FIRST_MONTH_COL = 2
_MEMO = styles.MONEY.but(italic=True)


def _positions(index: pd.Index, months: list) -> list[int] | None:
    """Where each month is in `index` (None when a month is missing or a label repeated)."""
    where = {label: i for i, label in enumerate(index)}
    if len(where) != len(index) or any(month not in where for month in months):
        return None
    return [where[month] for month in months]


def by_month(series: pd.Series, months: list, where: list[int] | None = None) -> list:
    """`[series[month] for month in months]` (the same numpy scalars) by positions: a label
    lookup cost a few microseconds per cell."""
    if where is None:
        where = _positions(series.index, months)
        if where is None:  # label by label, as before (raises as before)
            return [series[month] for month in months]
    values = series.to_numpy()
    return [values[i] for i in where]


def previsionnel_layout(
    plan: CashPlan,
    entreprise: str,
    date_reference: dt.date,
    bank_opening: dt.date | None = None,
) -> SheetLayout:
    """The monthly cash plan as a tab; `bank_opening`: the date of the bank statement's balance
    when it is the plan's opening balance (the header says so)."""
    sheet = SheetLayout(
        contract.TAB_PREVISIONNEL, tab_color=styles.HEADER_FILL, landscape=True, fit_width=True
    )
    months = plan.months
    n = len(months)
    total_col = FIRST_MONTH_COL + n

    sheet.put(1, 1, f"Plan de trésorerie — {entreprise}", styles.TITLE)
    opening = (
        f"Solde d'ouverture : relevé bancaire du {day(bank_opening)}, {euros(plan.opening.iloc[0])}"
        if bank_opening is not None
        else f"Solde initial de {euros(plan.opening.iloc[0])} au {day(plan.date_solde)}"
    )
    sheet.put(
        2,
        1,
        f"{opening} ; seuil d'alerte {euros(plan.threshold)} ; date de référence "
        f"{day(date_reference)}. Les mouvements datés jusqu'au "
        f"{day(bank_opening) if bank_opening is not None else 'solde initial'} inclus sont déjà "
        "dans ce solde.",
        styles.SUBTITLE,
    )
    sheet.put(3, 1, "Mois sous le seuil", styles.ALERT)
    sheet.put(
        3,
        2,
        "Légende : mois dont le solde de clôture ou le point bas passe sous le seuil d'alerte ; "
        "montants négatifs en rouge.",
        styles.NOTE,
    )
    flagged = [m for m in months if plan.below[m]]
    if flagged:
        names = ", ".join(m.strftime("%m/%Y") for m in flagged)
        sheet.put(4, 1, f"Mois sous le seuil d'alerte : {names}.", styles.ALERT)
    else:
        sheet.put(4, 1, "Aucun mois sous le seuil d'alerte sur l'horizon.", styles.GOOD)

    header_style = styles.HEADER.but(number_format=MONTH)
    sheet.put(HEADER_ROW, 1, "Poste", styles.HEADER_LEFT)
    for j, month in enumerate(months):
        style = styles.alert(header_style) if plan.below[month] else header_style
        sheet.put(HEADER_ROW, FIRST_MONTH_COL + j, month, style)
    sheet.put(HEADER_ROW, total_col, "Total", styles.HEADER)

    row = HEADER_ROW + 1

    def section(title: str, table) -> int:
        nonlocal row
        sheet.put(row, 1, title, styles.SECTION)
        for j in range(n + 1):
            sheet.put(row, FIRST_MONTH_COL + j, None, styles.SECTION)
        row += 1
        where = _positions(table.columns, months)
        for category, values in table.iterrows():
            sheet.put(row, 1, str(category), styles.LABEL)
            for j, amount in enumerate(by_month(values, months, where)):
                sheet.put(row, FIRST_MONTH_COL + j, float(amount), styles.MONEY)
            sheet.put(row, total_col, round(float(values.sum()), 2), styles.MONEY_BOLD)
            row += 1
        if table.empty:
            sheet.put(row, 1, "(aucun)", styles.NOTE)
            row += 1
        return row

    section("Encaissements", plan.receipts)
    section("Décaissements", plan.disbursements)
    row += 1

    summary = [
        (contract.LABEL_OPENING, plan.opening, None),
        (contract.LABEL_TOTAL_IN, plan.total_in, round(float(plan.total_in.sum()), 2)),
        (contract.LABEL_TOTAL_OUT, plan.total_out, round(float(plan.total_out.sum()), 2)),
        (contract.LABEL_NET, plan.net, round(float(plan.net.sum()), 2)),
        (contract.LABEL_CLOSING, plan.closing, None),
        (contract.LABEL_LOW, plan.low, None),
    ]
    below = by_month(plan.below, months)
    for label, series, total in summary:
        highlight = label in (contract.LABEL_CLOSING, contract.LABEL_LOW)
        sheet.put(row, 1, label, styles.TOTAL_LABEL)
        for j, amount in enumerate(by_month(series, months)):
            style: Style = styles.TOTAL_MONEY
            under = amount < plan.threshold
            if highlight and below[j]:
                style = styles.alert(style) if under else style.but(bold=True)
            sheet.put(row, FIRST_MONTH_COL + j, float(amount), style)
        sheet.put(row, total_col, total, styles.TOTAL_MONEY)
        row += 1
    sheet.put(row, 1, "Jour du point bas", styles.LABEL)
    for j, month in enumerate(months):
        sheet.put(row, FIRST_MONTH_COL + j, plan.low_day[month], styles.DATE_CELL)
    row += 2

    if plan.predicted_closing is not None:
        sheet.put(row, 1, LABEL_PREDICTED, styles.SECTION)
        for j, month in enumerate(months):
            value = float(plan.predicted_closing[month])
            style = styles.MONEY_BOLD.but(fill=styles.SECTION_FILL)
            if value < plan.threshold:
                style = styles.alert(style)
            sheet.put(row, FIRST_MONTH_COL + j, value, style)
        row += 1
        sheet.put(row, 1, PREDICTED_METHOD, styles.NOTE)
        row += 2

    sheet.put(row, 1, contract.LABEL_OVERDUE_MEMO, styles.WARN)
    for j, amount in enumerate(by_month(plan.overdue_memo, months)):
        sheet.put(row, FIRST_MONTH_COL + j, float(amount), _MEMO)
    sheet.put(row, total_col, round(float(plan.overdue_memo.sum()), 2), styles.MONEY_BOLD)
    row += 1
    sheet.put(
        row,
        1,
        f"Pour mémoire, non compris dans les soldes : {len(plan.overdue)} facture(s) échue(s) et "
        f"impayée(s) au {day(date_reference)}, montrées dans le mois de la date de référence.",
        styles.NOTE,
    )

    sheet.column_widths[1] = 44
    for j in range(n + 1):
        sheet.column_widths[FIRST_MONTH_COL + j] = 13.5
    sheet.row_heights[HEADER_ROW] = 20
    sheet.freeze = (HEADER_ROW + 1, FIRST_MONTH_COL)
    return sheet
