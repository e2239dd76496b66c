"""Layout of the `Courriers` tab: each reminder's ready-to-send letter, one line of it per row."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from treso_xl import contract
from treso_xl.core.reminders import COURTESY, Reminder
from treso_xl.french import day
from treso_xl.layout import styles
from treso_xl.layout.model import SheetLayout, Style

TEXT_WIDTH = 75.0  # column A, in characters of '0': one A4 portrait page wide
LINE_HEIGHT = 15.0  # points, one line of Calibri 11
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
FIRST_BLOCK_ROW = 4
LEVEL_NAMES = {
    COURTESY: "rappel avant échéance",
    "J+1": "rappel amical (J+1)",
    "J+15": "relance ferme (J+15)",
    "J+30": "mise en demeure (J+30)",
}
BLOCK_TITLE = styles.SECTION
_LINE = Style(wrap=True, valign="top")
_SUBJECT = _LINE.but(bold=True)
_META = Style(italic=True, font_color=styles.NOTE_FONT)


@dataclass(frozen=True)
class Letter:
    """Where a reminder's letter starts in the `Courriers` tab."""

    row: int  # the block's title row

    @property
    def target(self) -> str:
        """The link target of the block, for a hyperlink from another tab."""
        return f"'{contract.TAB_COURRIERS}'!A{self.row}"


def line_height(text: str, width: float = TEXT_WIDTH) -> float:
    """Height of a row holding `text` wrapped in a column `width` wide (never over 409 pt)."""
    per_line = max(1, int(width * 1.1) - 4)  # French text is a little narrower than "0"
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 2)


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
    sheet.row_heights[2] = line_height(str(sheet.value(2, 1)))
    letters: dict[str, Letter] = {}
    row = FIRST_BLOCK_ROW
    if not items:
        sheet.put(row, 1, "Aucun courrier à envoyer à cette date.", styles.GOOD)
    for item in items:
        letters[item.facture] = Letter(row)
        sheet.put(
            row,
            1,
            f"Facture {item.facture} — {item.client} — {LEVEL_NAMES.get(item.niveau, item.niveau)}",
            BLOCK_TITLE,
        )
        row += 1
        to = f"À envoyer à : {item.email}" if item.email else "Adresse e-mail du client inconnue"
        sheet.put(row, 1, to, _META)
        row += 2
        for line in letter_lines(item):
            if line:
                sheet.put(row, 1, line, _SUBJECT if line.startswith("Objet :") else _LINE)
                height = line_height(line)
                if height > LINE_HEIGHT + 2:
                    sheet.row_heights[row] = height
            row += 1
        row += 2  # two empty rows between letters
    sheet.column_widths[1] = TEXT_WIDTH
    return sheet, letters
