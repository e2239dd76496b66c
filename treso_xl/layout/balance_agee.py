"""Layout of the `Balance âgée` tab: what each client owes, by lateness, with the worst in red."""

from __future__ import annotations

import datetime as dt

from treso_xl import contract
from treso_xl.core.aging import BUCKETS, Aging
from treso_xl.french import day
from treso_xl.layout import styles
from treso_xl.layout.model import PERCENT, Cell, SheetLayout, Style

HEADER_ROW = 5
HEADERS = ("Client", *BUCKETS, "Total", "Part")
_LATE = styles.alert(styles.MONEY)  # more than 90 days late
_WARN = styles.MONEY.but(bold=True, fill=styles.WARN_FILL, font_color=styles.WARN_FONT)
_SHARE = Style(number_format=PERCENT)


def balance_agee_layout(result: Aging, date_reference: dt.date, dso: int | None) -> SheetLayout:
    """The aged receivables as a tab."""
    sheet = SheetLayout(
        contract.TAB_BALANCE_AGEE, tab_color=styles.WARN_FONT, landscape=True, fit_width=True
    )
    sheet.put(1, 1, "Balance âgée des créances clients", styles.TITLE)
    dso_text = f"{dso} jours" if dso is not None else "non calculable (aucune facture sur 12 mois)"
    sheet.put(
        2,
        1,
        f"Au {day(date_reference)} : reste dû par client selon le retard sur l'échéance "
        f"(paiements partiels déduits). DSO sur 12 mois : {dso_text}.",
        styles.SUBTITLE,
    )
    sheet.put(
        3, 1, "En rouge : plus de 90 jours de retard ; en orange : 61 à 90 jours.", styles.NOTE
    )
    sheet.put_row(HEADER_ROW, 1, list(HEADERS), styles.HEADER)
    row = HEADER_ROW + 1
    table = result.table
    cells = sheet.cells
    # one tuple per client (iterrows built a Series per row): the same floats
    columns = [table[name].tolist() for name in (*BUCKETS, "Total", "Part")]
    for client, *values in zip(table.index.tolist(), *columns, strict=True):
        cells[(row, 1)] = Cell(str(client))
        for j, bucket in enumerate(BUCKETS):
            amount = float(values[j])
            style = styles.MONEY
            if amount and bucket == "> 90 j":
                style = _LATE
            elif amount and bucket == "61-90 j":
                style = _WARN
            cells[(row, 2 + j)] = Cell(amount, style)
        cells[(row, 2 + len(BUCKETS))] = Cell(float(values[-2]), styles.MONEY_BOLD)
        cells[(row, 3 + len(BUCKETS))] = Cell(float(values[-1]), _SHARE)
        row += 1
    if result.table.empty:
        sheet.put(row, 1, "Aucune créance client ouverte à cette date.", styles.NOTE)
        row += 1
    sheet.put(row, 1, "Total", styles.TOTAL_LABEL)
    grand = float(result.total["Total"])
    for j, bucket in enumerate(BUCKETS):
        sheet.put(row, 2 + j, float(result.total[bucket]), styles.TOTAL_MONEY)
    sheet.put(row, 2 + len(BUCKETS), grand, styles.TOTAL_MONEY)
    sheet.put(
        row, 3 + len(BUCKETS), 1.0 if grand else 0.0, styles.TOTAL_LABEL.but(number_format=PERCENT)
    )
    sheet.column_widths[1] = 30
    for j in range(2, 4 + len(BUCKETS)):
        sheet.column_widths[j] = 14
    sheet.freeze = (HEADER_ROW + 1, 2)
    return sheet
