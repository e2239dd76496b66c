"""Layout of the `Relances` tab: reminders due, client payment habits, delays by payment method."""

from __future__ import annotations

import datetime as dt
from itertools import repeat

import pandas as pd

from treso_xl import contract
from treso_xl.core.reminders import COURTESY, PREPARE_FOR_COURT, Reminder
from treso_xl.french import day
from treso_xl.layout import styles
from treso_xl.layout.courriers import Letter
from treso_xl.layout.model import DATE, Cell, SheetLayout, Style

HEADER_ROW = 5
HEADERS = (
    "N° facture",
    "Client",
    "Échéance",
    "Reste dû",
    "Jours de retard",
    "Niveau",
    "Prochaine action",
    "Date de la prochaine action",
    "Promesse de paiement",
    "Pénalités",
    "Indemnité forfaitaire",
    "Total dû",
    "Texte",
)
LEVEL_STYLES = {
    COURTESY: styles.GOOD,
    "J+1": styles.GOOD.but(fill="DDEBF7", font_color="1F4E78"),
    "J+15": styles.WARN,
    "J+30": styles.ALERT,
}
_TOP = Style(valign="top")
_MONEY_TOP = styles.MONEY.but(valign="top")
_WRAP_TOP = _TOP.but(wrap=True)
_DATE_TOP = _TOP.but(number_format=DATE, align="center")
PAST_DATE = styles.alert(_DATE_TOP)  # a next action whose date has passed: overdue work
LINK = _TOP.but(font_color="0563C1", indent=1)  # Excel's hyperlink blue
# the style of each column of the reminders table; None: the level's colour
COLUMN_STYLES = tuple(
    _MONEY_TOP
    if h in ("Reste dû", "Pénalités", "Indemnité forfaitaire", "Total dû")
    else _DATE_TOP
    if h in ("Échéance", "Date de la prochaine action")
    else None
    if h == "Niveau"
    else _WRAP_TOP
    if h in ("Client", "Prochaine action", "Promesse de paiement")
    else LINK
    if h == "Texte"
    else _TOP
    for h in HEADERS
)
LEVEL_CELL = {
    level: style.but(valign="top", align="center") for level, style in LEVEL_STYLES.items()
}
COLUMNS = tuple(range(1, len(HEADERS) + 1))
HABIT_COLUMNS = ("factures_payees", "retard_median", "retard_moyen", "habitude")
_APART = Style(indent=1)


def _row_styles(level: str, past: bool) -> tuple[Style, ...]:
    """The styles of a reminder's row: the level's colour, the next date red once passed."""
    return tuple(
        LEVEL_CELL[level] if style is None else PAST_DATE if past and j == NEXT_DATE_COL else style
        for j, style in enumerate(COLUMN_STYLES, start=1)
    )


WIDTHS = (12, 26, 11, 12, 9, 9, 40, 12, 22, 11, 12, 12, 70)
TEXT_COL = HEADERS.index("Texte") + 1
NEXT_DATE_COL = HEADERS.index("Date de la prochaine action") + 1
SIDE_COL = 2  # the habits and payment-method tables start under « Client », which is wide
PREVIEW_CHARS = 60  # characters of the letter's subject shown in the Texte column


def text_cell(item: Reminder, letter: Letter | None) -> str:
    """The Texte column: a short preview of the letter and where it is."""
    subject = item.texte.subject
    if len(subject) > PREVIEW_CHARS:
        subject = subject[: PREVIEW_CHARS - 1].rstrip() + "…"
    if letter is None:  # row 4 says how to get its letter: « treso-xl relances »
        return subject
    return f"Ligne {letter.row} de {contract.TAB_COURRIERS} : {subject}"


TODO_ROW = 4


def todo_text(items: list[Reminder], letters: dict[str, Letter], on: dt.date) -> str:
    """One line of what to do: how many invoices, letters ready, next steps already due."""
    if not items:
        return ""
    count = len(items)
    ready = sum(1 for item in items if item.facture in letters)
    overdue = sum(1 for item in items if item.date_prochaine_action < on)
    text = f"{_count(count)} facture{'s' if count > 1 else ''} à suivre"
    if ready:
        text += (
            f" ; {_count(ready)} courrier{'s' if ready > 1 else ''} prêt{'s' if ready > 1 else ''}"
            f" dans l'onglet {contract.TAB_COURRIERS}"
        )
    if ready < count:
        rest = count - ready
        text += (
            f" ; {_count(rest)} sans courrier dans l'onglet (brouillons par « treso-xl "
            "relances »)"
        )
    if overdue:
        text += (
            f" ; {_count(overdue)} prochaine{'s' if overdue > 1 else ''} action"
            f"{'s' if overdue > 1 else ''} déjà en retard (date en rouge)"
        )
    return text + "."


def _count(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


NO_HABIT = "aucune facture payée : échéance retenue"


def habit_texts(habits: pd.DataFrame) -> dict[str, str]:
    """French wording of each client's payment habit."""
    return {
        str(client): _habit_text(int(count), habit)
        for client, count, habit in zip(
            habits.index, habits["factures_payees"], habits["habitude"], strict=True
        )
    }


def _habit_text(count: int, habit: object) -> str:
    if pd.isna(habit):
        return f"{count} facture payée : échéance retenue"
    median = int(habit)
    if median > 0:
        return f"paie en général {median} j après l'échéance"
    if median < 0:
        return f"paie en général {-median} j avant l'échéance"
    return "paie en général à l'échéance"


def relances_layout(
    items: list[Reminder],
    habits: pd.DataFrame,
    by_method: pd.DataFrame,
    date_reference: dt.date,
    rate_note: str = "",
    letters: dict[str, Letter] | None = None,
) -> SheetLayout:
    """The reminders tab: one short row per invoice, its letter linked in `Courriers`."""
    sheet = SheetLayout(contract.TAB_RELANCES, tab_color=styles.ALERT_FONT, landscape=True)
    sheet.put(1, 1, "Relances clients", styles.TITLE)
    sheet.put(
        2,
        1,
        f"Au {day(date_reference)} : J+1 rappel amical, J+15 relance ferme et appel, J+30 mise en "
        "demeure par lettre recommandée. Chaque facture apparaît au niveau atteint ; les "
        "factures payées disparaissent. Date de la prochaine action en rouge : elle est passée. "
        f"Les courriers prêts à envoyer sont dans l'onglet {contract.TAB_COURRIERS} (cliquez "
        "sur le texte).",
        styles.SUBTITLE,
    )
    sheet.put(
        3,
        1,
        "Pénalités (clients professionnels) : reste dû × taux annuel × jours de retard / 365, "
        "plus 40 € d'indemnité forfaitaire par facture (C. com. L441-10 et D441-5). " + rate_note,
        styles.NOTE,
    )
    sheet.put_row(HEADER_ROW, 1, list(HEADERS), styles.HEADER)
    row = HEADER_ROW + 1
    letters = letters or {}
    todo = todo_text(items, letters, date_reference)
    if todo:
        sheet.put(TODO_ROW, 1, todo, styles.NOTE.but(bold=True))
    cells = sheet.cells  # thousands of rows: the cells written straight into the layout
    row_styles: dict[tuple[str, bool], tuple[Style, ...]] = {}  # (level, past) -> the styles
    for item in items:
        letter = letters.get(item.facture)
        past = item.date_prochaine_action < date_reference
        styles_of_row = row_styles.get((item.niveau, past))
        if styles_of_row is None:
            styles_of_row = row_styles[(item.niveau, past)] = _row_styles(item.niveau, past)
        values = [
            item.facture,
            item.client,
            item.echeance,
            item.reste_du,
            item.jours_retard,
            item.niveau,
            item.prochaine_action,
            item.date_prochaine_action,
            item.promesse or None,
            item.penalites,
            item.indemnite,
            item.total_du,
            text_cell(item, letter),
        ]
        cells.update(zip(zip(repeat(row), COLUMNS), map(Cell, values, styles_of_row), strict=True))
        if letter is not None:
            sheet.links[(row, TEXT_COL)] = letter.target
        if item.erreur_taux:
            sheet.put(row, len(HEADERS) + 1, item.erreur_taux, styles.ALERT)
        row += 1  # heights: fitted to the wrapped text by the renderer (layout.page)
    if not items:
        sheet.put(row, 1, "Aucune relance à faire à cette date.", styles.GOOD)
        row += 1
    if any(i.niveau == "J+30" for i in items):
        sheet.put(row, 1, PREPARE_FOR_COURT, styles.NOTE)
        row += 1

    row += 1
    sheet.put(row, 1, "Habitudes de paiement des clients", styles.SECTION)
    row += 1
    sheet.put(
        row,
        1,
        "Retard médian entre l'échéance et le paiement, sur les factures payées (au moins 2 "
        "pour servir à la prévision « si les clients paient comme d'habitude »).",
        styles.NOTE,
    )
    row += 1
    sheet.put_row(
        row,
        SIDE_COL,
        ["Client", "Factures payées", "Retard médian (j)", "Retard moyen (j)", "Prévision"],
        styles.HEADER,
    )
    row += 1
    habit_rows = zip(
        habits.index.tolist(),
        *(habits[name].tolist() for name in HABIT_COLUMNS),
        strict=True,
    )  # iterrows built a Series per client
    for client, paid, median, mean, habit in habit_rows:
        used = not pd.isna(habit)
        sheet.put_row(
            row,
            SIDE_COL,
            [
                str(client),
                int(paid),
                float(median),
                float(mean),
                "retard médian appliqué" if used else "échéance (trop peu de factures)",
            ],
        )
        sheet.restyle(row, SIDE_COL + 4, _APART)  # apart from the figure on its left
        row += 1

    row += 1
    sheet.put(row, 1, "Délai de paiement par mode de paiement", styles.SECTION)
    row += 1
    sheet.put_row(
        row,
        SIDE_COL,
        ["Mode de paiement", "Factures payées", "Délai moyen (j)", "Retard moyen (j)"],
        styles.HEADER,
    )
    row += 1
    method_rows = zip(
        by_method.index.tolist(),
        *(by_method[name].tolist() for name in ("factures", "delai_moyen", "retard_moyen")),
        strict=True,
    )
    for mode, paid, delay, late in method_rows:
        sheet.put_row(row, SIDE_COL, [str(mode), int(paid), float(delay), float(late)])
        row += 1
    sheet.put(row, 1, payment_link_insight(by_method), styles.NOTE)

    for j, width in enumerate(WIDTHS, start=1):
        sheet.column_widths[j] = width
    sheet.freeze = (HEADER_ROW + 1, 2)
    return sheet


LINK_MODE = "Carte / lien de paiement"


def payment_link_insight(by_method: pd.DataFrame) -> str:
    """One French sentence comparing payment links with the other modes, from the user's data."""
    if by_method.empty:
        return "Pas encore de facture payée : délai par mode de paiement non calculable."
    if LINK_MODE not in by_method.index:
        return (
            "Aucune facture payée par carte ou lien de paiement : essayez d'en joindre un à vos "
            "factures, le guide annonce des paiements deux fois plus rapides."
        )
    link = by_method.loc[LINK_MODE]
    others = by_method.drop(index=LINK_MODE)
    if others.empty:
        return f"Vos clients paient par lien en {link['delai_moyen']:.0f} jours en moyenne."
    weighted = float((others["delai_moyen"] * others["factures"]).sum() / others["factures"].sum())
    ratio = weighted / link["delai_moyen"] if link["delai_moyen"] > 0 else None
    text = (
        f"Chez vous, une facture payée par carte ou lien de paiement est réglée en "
        f"{link['delai_moyen']:.0f} jours en moyenne, contre {weighted:.0f} jours pour les "
        "autres modes"
    )
    if ratio and ratio > 1:
        text += f" (délai divisé par {ratio:.1f}".replace(".", ",") + ")"
    return text + "."
