"""Layout of the `Courriers` tab: each reminder's ready-to-send letter, one line of it per row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from treso_xl import contract
from treso_xl.core.reminders import COURTESY, Reminder
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


def courriers_layout(
    items: list[Reminder], date_reference: dt.date
) -> tuple[SheetLayout, dict[str, Letter]]:
    """The letters tab, and where each invoice's letter is (by invoice number)."""
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
    letters: dict[str, Letter] = {}
    row = FIRST_BLOCK_ROW
    if not items:
        sheet.put(row, 1, "Aucun courrier à envoyer à cette date.", styles.GOOD)
    # One style for every row of the letters (blank ones too): live Excel formats the whole
    # column in a few calls, however many letters there are; row heights are left to the
    # renderer (fitted to the wrapped text for LibreOffice, by Excel itself when live).
    for item in items:
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
