"""Layout of the `Courriers` tab: the letters of the reminders due, one line of them per row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from treso_xl import contract
from treso_xl.core.reminders import COURTESY, FORMAL_NOTICE_DAYS, Reminder
from treso_xl.french import day
from treso_xl.layout import styles
from treso_xl.layout.model import SheetLayout, Style

TEXT_WIDTH = 75.0  # column A, in characters of '0': one A4 portrait page wide
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
FIRST_BLOCK_ROW = 4
LEVEL_NAMES = {
    COURTESY: "rappel avant échéance",
    "J+1": "rappel amical (J+1)",
    "J+15": "relance ferme (J+15)",
    "J+30": "mise en demeure (J+30)",
}
BLOCK_MARK = "■"  # starts the title line of each letter's block
MAX_LETTERS = 20  # letters written in the tab; the other reminders: drafts by the command line
NOTE_ROW = 3
COMMAND = "treso-xl relances CLASSEUR.xlsx --eml DOSSIER"
_LINE = Style(wrap=True, valign="top")


@dataclass(frozen=True)
class Letter:
    """Where a reminder's letter starts in the `Courriers` tab."""

    row: int  # the block's title row

    @property
    def target(self) -> str:
        """The link target of the block, for a hyperlink from another tab."""
        return f"'{contract.TAB_COURRIERS}'!A{self.row}"


def letter_lines(item: Reminder) -> list[str]:
    """The letter's lines: the subject first unless the body states it (a formal notice)."""
    body = item.texte.body.split("\n")
    states_subject = any(line.startswith("Objet :") for line in body)
    return body if states_subject else [f"Objet : {item.texte.subject}", "", *body]


def due_now(item: Reminder, on: dt.date) -> bool:
    """The letter of the reminder's level is to be sent now: a courtesy notice or a J+1 or J+15
    reminder, or a formal notice within its FORMAL_NOTICE_DAYS days (later, the next step is
    the court: the notice was due earlier)."""
    if item.niveau != "J+30":
        return True
    return item.jours_retard < 30 + FORMAL_NOTICE_DAYS or item.date_prochaine_action >= on


def chosen_letters(items: list[Reminder], on: dt.date, due: list[bool] | None = None) -> set[int]:
    """Positions in `items` of the reminders whose letter the tab holds: all of them up to
    MAX_LETTERS, else the letters due now first, then the others in the reminders' order (most
    late first), MAX_LETTERS in all. `due`: `due_now` of each item, when known."""
    if len(items) <= MAX_LETTERS:
        return set(range(len(items)))
    if due is None:
        due = [due_now(item, on) for item in items]
    now = [i for i, is_due in enumerate(due) if is_due]
    later = [i for i, is_due in enumerate(due) if not is_due]
    return set((now + later)[:MAX_LETTERS])


def left_out_note(
    items: list[Reminder], chosen: set[int], on: dt.date, due: list[bool] | None = None
) -> str:
    """What the tab does not hold, and how to get it, "" when it holds every letter.
    `due`: `due_now` of each item, when known."""
    left = len(items) - len(chosen)
    if not left:
        return ""
    if due is None:
        due = [due_now(item, on) for item in items]
    late_notices = sum(1 for i, is_due in enumerate(due) if i not in chosen and not is_due)
    plural = "s" if left > 1 else ""
    text = (
        f"{MAX_LETTERS} courriers ci-dessous (d'abord les relances à faire maintenant) ; "
        f"{_count(left)} autre{plural} relance{plural} sans courrier ici"
    )
    if late_notices:
        which = (
            ("toutes des" if left > 1 else "une")
            if late_notices == left
            else f"dont {_count(late_notices)}"
        )
        text += (
            f", {which} mise{'s' if late_notices > 1 else ''} en demeure au délai passé "
            "(étape suivante : colonne Prochaine action de l'onglet "
            f"{contract.TAB_RELANCES})"
        )
    return (
        f"{text}. Chacune est listée dans l'onglet {contract.TAB_RELANCES} ; la commande "
        f"« {COMMAND} » écrit un brouillon d'e-mail (.eml) par relance, courrier compris."
    )


def _count(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


def courriers_layout(
    items: list[Reminder], date_reference: dt.date
) -> tuple[SheetLayout, dict[str, Letter]]:
    """The letters tab, and where each invoice's letter is (by invoice number): every letter up
    to MAX_LETTERS reminders, else the MAX_LETTERS chosen by `chosen_letters` and a note."""
    sheet = SheetLayout(contract.TAB_COURRIERS, tab_color=styles.ALERT_FONT, fit_width=True)
    sheet.put(1, 1, "Courriers de relance", styles.TITLE)
    sheet.put(
        2,
        1,
        f"Au {day(date_reference)} : un courrier par facture à relancer, prêt à copier dans un "
        "e-mail ou à imprimer. Une mise en demeure part en lettre recommandée avec accusé de "
        "réception.",
        styles.SUBTITLE.but(wrap=True, valign="top"),
    )
    # each reminder's due_now once (tens of thousands of reminders at scale)
    due = [due_now(item, date_reference) for item in items] if len(items) > MAX_LETTERS else None
    chosen = chosen_letters(items, date_reference, due)
    note = left_out_note(items, chosen, date_reference, due)
    if note:
        sheet.put(NOTE_ROW, 1, note, styles.NOTE.but(wrap=True, valign="top"))
    letters: dict[str, Letter] = {}
    row = FIRST_BLOCK_ROW + (1 if note else 0)
    if not items:
        sheet.put(row, 1, "Aucun courrier à envoyer à cette date.", styles.GOOD)
    # One style for every row of the letters (blank ones too): live Excel formats the whole
    # column in a few calls, however many letters there are; row heights are left to the
    # renderer (fitted to the wrapped text for LibreOffice, by Excel itself when live).
    for i, item in enumerate(items):
        if i not in chosen:
            continue
        letters[item.facture] = Letter(row)
        level = LEVEL_NAMES.get(item.niveau, item.niveau)
        to = f"À envoyer à : {item.email}" if item.email else "Adresse e-mail du client inconnue"
        block = [
            f"{BLOCK_MARK} Facture {item.facture} — {item.client} — {level}",
            to,
            "",
            *letter_lines(item),
            "",
            "",
        ]
        for line in block:
            sheet.put(row, 1, line or None, _LINE)
            row += 1
    sheet.column_widths[1] = TEXT_WIDTH
    return sheet, letters
