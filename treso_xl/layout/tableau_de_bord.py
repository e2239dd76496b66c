"""Layout of the `Tableau de bord` tab: key figures in large coloured cells and three charts."""

from __future__ import annotations

from treso_xl import contract
from treso_xl.core.aging import BUCKETS, Aging
from treso_xl.core.dashboard import KeyFigures, balance_light, dso_light, share_light
from treso_xl.core.financing import FinancingNeed
from treso_xl.core.plan import CashPlan
from treso_xl.french import day, euros, month_name, percent
from treso_xl.layout import styles
from treso_xl.layout.financement import need_sentence
from treso_xl.layout.model import EURO_ROUND, MONTH, Chart, Series, SheetLayout, Style
from treso_xl.layout.previsionnel import by_month

FIRST_FIGURE_ROW = 4
DATA_TITLE_ROW = 24
LIGHTS = {
    "green": Style(bold=True, size=16, fill=styles.GOOD_FILL, font_color=styles.GOOD_FONT),
    "orange": Style(bold=True, size=16, fill=styles.WARN_FILL, font_color=styles.WARN_FONT),
    "red": Style(bold=True, size=16, fill=styles.ALERT_FILL, font_color=styles.ALERT_FONT),
    "neutral": Style(bold=True, size=16, fill=styles.SECTION_FILL, font_color=styles.HEADER_FILL),
}
LABEL = Style(bold=True, valign="center", wrap=True)
DETAIL = Style(italic=True, size=9, font_color=styles.NOTE_FONT, valign="center", wrap=True)
CHART_COL = "H"
CHART_HEIGHT_CM = 7.5
CHART_GAP_CM = 0.6
RECEIVABLES_CHART_HEIGHT_CM = 10.0
SERIES_COLORS = {
    "closing": "1F4E78",
    "low": "5B9BD5",
    "threshold": "C00000",
    "in": "70AD47",
    "out": "ED7D31",
}
# green, amber, orange, red, purple: each bucket told apart at a glance, in print too
BUCKET_COLORS = ("70AD47", "FFC000", "ED7D31", "C00000", "7030A0")
MAX_CLIENTS = 10  # clients on the receivables chart
_MONTH_LEFT = Style(number_format=MONTH, align="left")
BALANCE_CHART_TITLE = "Solde : fin de mois et point bas du mois, seuil d'alerte"
RECEIVABLES_CHART_TITLE = "Créances clients par ancienneté"
GAP_LABEL = "Manque sous le seuil"


def receivables_title(clients: int) -> str:
    """The receivables chart's title, saying when only the largest clients are drawn."""
    if clients > MAX_CLIENTS:
        return f"{RECEIVABLES_CHART_TITLE} ({MAX_CLIENTS} plus gros clients sur {clients})"
    return RECEIVABLES_CHART_TITLE


def gap_light(need: FinancingNeed, lowest_balance: float) -> str:
    """Green without a gap; orange when the balance dips under the threshold but stays
    positive; red only when it goes below zero (a real need for cash)."""
    if not need.exists:
        return "green"
    return "red" if lowest_balance < 0 else "orange"


def _money_value(value: float | None, light: str) -> tuple[object, Style]:
    if value is None:
        return "—", LIGHTS["neutral"]
    return value, LIGHTS[light].but(number_format=EURO_ROUND)


def tableau_de_bord_layout(
    figures: KeyFigures, plan: CashPlan, aged: Aging, entreprise: str, need: FinancingNeed
) -> SheetLayout:
    """The dashboard tab."""
    sheet = SheetLayout(
        contract.TAB_TABLEAU_DE_BORD, tab_color=styles.GOOD_FONT, landscape=True, fit_width=True
    )
    sheet.put(1, 1, f"Tableau de bord — {entreprise}", styles.TITLE)
    sheet.put(
        2,
        1,
        f"Situation au {day(figures.date_reference)} ; seuil d'alerte {euros(figures.threshold)}.",
        styles.SUBTITLE,
    )
    cushion = figures.monthly_outflow
    rows: list[tuple[str, object, Style, str]] = []

    def money(label: str, value: float | None, light: str, detail: str) -> None:
        shown, style = _money_value(value, light)
        rows.append((label, shown, style, detail))

    money(
        "Solde aujourd'hui",
        figures.balance_today,
        balance_light(figures.balance_today, figures.threshold, cushion),
        "Solde bancaire prévu ce jour (solde initial et mouvements depuis).",
    )
    money(
        "Solde dans 1 mois",
        figures.balance_1m,
        balance_light(figures.balance_1m, figures.threshold, cushion),
        "Vert : au-dessus du seuil d'un mois de dépenses ; orange : proche du seuil ; "
        "rouge : sous le seuil.",
    )
    money(
        "Solde dans 3 mois",
        figures.balance_3m,
        balance_light(figures.balance_3m, figures.threshold, cushion),
        "",
    )
    below = ", ".join(month_name(m) for m in figures.months_below) or "aucun"
    money(
        f"Point bas : {month_name(figures.lowest_month)}",
        figures.lowest_balance,
        balance_light(figures.lowest_balance, figures.threshold, cushion),
        f"Plus bas solde de fin de journée, le {day(figures.lowest_day)}. "
        f"Mois sous le seuil : {below}.",
    )
    money(
        "Retards clients",
        figures.overdue_total,
        "green"
        if not figures.overdue_count
        else "red"
        if figures.overdue_total > cushion
        else "orange",
        f"{figures.overdue_count} facture(s) échue(s) et impayée(s), hors solde : "
        "voir l'onglet Relances.",
    )
    money(
        "Créances clients",
        figures.receivables,
        "neutral",
        "Tout ce que les clients doivent encore, échu ou non (onglet Balance âgée).",
    )
    dso_text = "—" if figures.dso is None else f"{figures.dso} j"
    rows.append(
        (
            "DSO (délai de paiement clients)",
            dso_text,
            LIGHTS[dso_light(figures.dso)].but(align="right"),
            "Créances / chiffre d'affaires facturé sur 12 mois × 365 ; 30 jours est le "
            "délai légal par défaut, 60 jours le maximum.",
        )
    )
    money(
        "BFR",
        figures.bfr,
        "neutral",
        "Besoin en fonds de roulement : créances + stocks − dettes fournisseurs.",
    )
    if figures.next_urssaf is None:
        rows.append(("Prochain paiement URSSAF", "—", LIGHTS["neutral"], ""))
    else:
        due, amount = figures.next_urssaf
        shown, style = _money_value(amount, "neutral")
        rows.append(
            (
                "Prochain paiement URSSAF",
                shown,
                style,
                f"Le {day(due)} (estimation, onglet URSSAF).",
            )
        )
    money(
        "Chiffre d'affaires de l'année",
        figures.ytd_turnover,
        "neutral",
        f"Encaissé du 1er janvier au {day(figures.date_reference)}.",
    )
    for threshold in figures.thresholds:
        share = threshold.share(figures.ytd_turnover)
        rows.append(
            (
                threshold.label,
                share,
                LIGHTS[share_light(share)].but(number_format="0 %"),
                f"{euros(figures.ytd_turnover, 0)} sur {euros(threshold.amount, 0)} ; "
                "alerte à 80 %.",
            )
        )

    cost = ""
    if need.exists and need.cost is not None and need.rate is not None:
        cost = f" Un crédit à {percent(need.rate)} coûterait {euros(need.cost)}."
    elif need.exists:
        cost = " Détail et leviers : onglet BFR."
    money(
        GAP_LABEL,
        need.amount,
        gap_light(need, figures.lowest_balance),
        need_sentence(need) + cost,
    )
    for i, (label, value, style, detail) in enumerate(rows):
        row = FIRST_FIGURE_ROW + i
        sheet.put(row, 1, label, LABEL)
        sheet.put(row, 2, value, style.but(align="right", valign="center"))
        sheet.put(row, 3, detail, DETAIL)
        sheet.row_heights[row] = 26
    row = FIRST_FIGURE_ROW + len(rows) + 1

    _chart_data(sheet, plan, aged, max(row + 1, DATA_TITLE_ROW))
    sheet.column_widths.update({1: 34, 2: 20, 3: 48, 4: 15, 5: 15, 6: 12, 7: 3})
    return sheet


def _chart_data(sheet: SheetLayout, plan: CashPlan, aged: Aging, top: int) -> None:
    """The figures the charts draw, written below the key figures, and the charts."""
    sheet.put(top, 1, "Données des graphiques", styles.SECTION)
    head = top + 1
    sheet.put_row(
        head,
        1,
        [
            "Mois",
            "Solde de clôture",
            "Point bas du mois",
            "Seuil d'alerte",
            "Encaissements",
            "Décaissements",
        ],
        styles.HEADER,
    )
    first = head + 1
    months_of = [
        by_month(series, plan.months)
        for series in (plan.closing, plan.low, plan.total_in, plan.total_out)
    ]
    for i, month in enumerate(plan.months):
        row = first + i
        sheet.put(row, 1, month, _MONTH_LEFT)
        sheet.put(row, 2, float(months_of[0][i]), styles.MONEY)
        sheet.put(row, 3, float(months_of[1][i]), styles.MONEY)
        sheet.put(row, 4, plan.threshold, styles.MONEY)
        sheet.put(row, 5, float(months_of[2][i]), styles.MONEY)
        sheet.put(row, 6, float(months_of[3][i]), styles.MONEY)
    last = first + len(plan.months) - 1
    months = (first, 1, last, 1)
    anchors = [2]
    for _ in range(2):
        anchors.append(sheet.row_below(anchors[-1], CHART_HEIGHT_CM + CHART_GAP_CM))
    sheet.charts.append(
        Chart(
            kind="line",
            title=BALANCE_CHART_TITLE,
            anchor=f"{CHART_COL}{anchors[0]}",
            height_cm=CHART_HEIGHT_CM,
            categories=months,
            series=(
                Series("Solde de clôture", (first, 2, last, 2), SERIES_COLORS["closing"]),
                Series("Point bas du mois", (first, 3, last, 3), SERIES_COLORS["low"]),
                Series("Seuil d'alerte", (first, 4, last, 4), SERIES_COLORS["threshold"]),
            ),
            number_format=EURO_ROUND,
        )
    )
    sheet.charts.append(
        Chart(
            kind="bar",
            title="Encaissements et décaissements par mois",
            anchor=f"{CHART_COL}{anchors[1]}",
            height_cm=CHART_HEIGHT_CM,
            categories=months,
            series=(
                Series("Encaissements", (first, 5, last, 5), SERIES_COLORS["in"]),
                Series("Décaissements", (first, 6, last, 6), SERIES_COLORS["out"]),
            ),
            number_format=EURO_ROUND,
        )
    )

    top = last + 2
    sheet.put_row(top, 1, ["Client", *BUCKETS], styles.HEADER)
    clients = aged.table.index[:MAX_CLIENTS]
    if aged.table.index.is_unique:  # the amounts by position (a .loc per cell cost ~40 us)
        amounts = [aged.table[bucket].iloc[:MAX_CLIENTS].tolist() for bucket in BUCKETS]
    else:
        amounts = [[aged.table.loc[client, bucket] for client in clients] for bucket in BUCKETS]
    for i, client in enumerate(clients):
        sheet.put(top + 1 + i, 1, str(client))
        for j in range(len(BUCKETS)):
            sheet.put(top + 1 + i, 2 + j, float(amounts[j][i]), styles.MONEY)
    if len(clients):
        bottom = top + len(clients)
        sheet.charts.append(
            Chart(
                kind="stacked_bar",
                title=receivables_title(len(aged.table.index)),
                anchor=f"{CHART_COL}{anchors[2]}",
                height_cm=RECEIVABLES_CHART_HEIGHT_CM,  # room for every client's name
                horizontal=True,
                categories=(top + 1, 1, bottom, 1),
                series=tuple(
                    Series(bucket, (top + 1, 2 + j, bottom, 2 + j), BUCKET_COLORS[j])
                    for j, bucket in enumerate(BUCKETS)
                ),
                number_format=EURO_ROUND,
            )
        )
    else:
        sheet.put(top + 1, 1, "Aucune créance client ouverte.", styles.NOTE)
