"""Layout of the `Contrôles` tab: one line per problem (or per check finding many), with advice."""

from __future__ import annotations

import datetime as dt

from treso_xl import contract
from treso_xl.core.checks import (
    AVERTISSEMENT,
    CONSEIL,
    ERREUR,
    GROUP_LINES,
    ROW_PIECES,
    Finding,
    FindingGroup,
    Gravite,
    count_by_gravite,
    group_findings,
)
from treso_xl.layout import styles
from treso_xl.layout.model import SheetLayout, Style

TITLE_ROW = 1
SUMMARY_ROW = 2
NOTE_ROW = 3
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1

# Fixed labels of the contract, in column order (column 1 is Gravité).
HEADERS = ("Gravité", "Feuille", "Ligne", "Constat", "Conseil")
COLUMN_WIDTHS = (15.0, 16.0, 8.0, 60.0, 60.0)

INFO_FILL = styles.SECTION_FILL  # light blue
INFO_FONT = styles.HEADER_FILL
INFO = Style(bold=True, fill=INFO_FILL, font_color=INFO_FONT)

GRAVITE_LABELS: dict[Gravite, str] = {
    ERREUR: "Erreur",
    AVERTISSEMENT: "Avertissement",
    CONSEIL: "Conseil",
}
GRAVITE_STYLES: dict[Gravite, Style] = {
    ERREUR: styles.ALERT.but(valign="top"),
    AVERTISSEMENT: styles.WARN.but(valign="top"),
    CONSEIL: INFO.but(valign="top"),
}
NO_FINDING = "Aucun problème détecté."
CELL_CHARS = 1_200  # longest Constat on one row (about 20 wrapped lines); longer row lists go on
# rows of their own below it, so that every row of an error is listed and printed

_TOP = Style(valign="top")
_CENTER_TOP = Style(valign="top", align="center")
_WRAP = Style(valign="top", wrap=True)

_WORDS: dict[Gravite, tuple[str, str]] = {
    ERREUR: ("erreur", "erreurs"),
    AVERTISSEMENT: ("avertissement", "avertissements"),
    CONSEIL: ("conseil", "conseils"),
}


def summary_text(findings: list[Finding]) -> str:
    """« 3 erreurs, 5 avertissements, 2 conseils » (French: 0 and 1 take the singular), counted
    as the Contrôles tab shows them: identical findings of several rows are one line."""
    counts = count_by_gravite([group.finding for group in group_findings(findings)])
    parts = []
    for gravite, (one, many) in _WORDS.items():
        count = counts[gravite]
        parts.append(f"{count} {one if count <= 1 else many}")
    return ", ".join(parts)


def constat_cells(group: FindingGroup) -> list[str]:
    """The Constat of a line, split over several rows when its list of rows is too long for one
    cell: the wording first, then the rows in pieces of at most CELL_CHARS characters."""
    text = group.constat
    if len(text) <= CELL_CHARS:
        return [text]
    limit = None if group.finding.gravite == ERREUR else ROW_PIECES
    rows = group.rows_text(limit)
    head, pieces = rows.split(" ", 1)  # « Lignes », « 12 à 40, 57, … et 90 »
    cells = [f"{group.wording}\n{head} listées ci-dessous."]
    current = f"{head} (suite) :"
    for piece in pieces.split(", "):
        if len(current) + len(piece) + 2 > CELL_CHARS:
            cells.append(current.rstrip(",") + ",")
            current = f"{head} (suite) :"
        current += f" {piece},"
    cells.append(current.rstrip(",") + ".")
    return cells


def controles_layout(findings: list[Finding], date_reference: dt.date) -> SheetLayout:
    """The findings as a tab: title, summary, fixed header, one line per `group_findings` group
    (identical findings on several rows are one line listing the rows; a check finding many
    different problems in a sheet is one line quoting the first ones and listing every row)."""
    sheet = SheetLayout(
        contract.TAB_CONTROLES, tab_color=styles.WARN_FILL, landscape=True, fit_width=True
    )
    groups = group_findings(findings)
    counts = count_by_gravite([group.finding for group in groups])

    sheet.put(TITLE_ROW, 1, "Contrôles des données", styles.TITLE)
    if counts[ERREUR]:
        summary_style = styles.ALERT
    elif counts[AVERTISSEMENT]:
        summary_style = styles.WARN
    else:
        summary_style = styles.GOOD
    sheet.put(SUMMARY_ROW, 1, summary_text([group.finding for group in groups]), summary_style)
    sheet.put(
        NOTE_ROW,
        1,
        f"Date de référence : {date_reference.strftime('%d/%m/%Y')}. Erreur : à corriger, un "
        "chiffre est faux ou une règle n'est pas respectée ; avertissement : à vérifier ; "
        "conseil : pour être payé plus vite. La ligne est celle de la feuille citée (la première, "
        "quand un même problème revient sur plusieurs lignes : elles sont listées, toutes pour "
        f"une erreur). Un contrôle qui trouve plus de {GROUP_LINES} problèmes différents dans "
        "une feuille tient en une ligne : les premiers cités, les autres comptés, leurs lignes "
        "listées.",
        styles.NOTE,
    )

    for col, label in enumerate(HEADERS, start=1):
        sheet.put(HEADER_ROW, col, label, styles.HEADER if col <= 3 else styles.HEADER_LEFT)

    if not findings:
        sheet.put(FIRST_ROW, 1, NO_FINDING, styles.GOOD)
    row = FIRST_ROW
    for group in groups:
        finding = group.finding
        label, style = GRAVITE_LABELS[finding.gravite], GRAVITE_STYLES[finding.gravite]
        texts = constat_cells(group)
        sheet.put(row, 1, label, style)
        sheet.put(row, 2, finding.feuille, _TOP)
        sheet.put(row, 3, finding.ligne, _CENTER_TOP)
        sheet.put(row, 4, texts[0], _WRAP)
        sheet.put(row, 5, group.conseil, _WRAP)
        for more in texts[1:]:  # the rest of a long list of rows: same gravité and sheet
            row += 1
            sheet.put(row, 1, label, style)
            sheet.put(row, 2, finding.feuille, _TOP)
            sheet.put(row, 4, more, _WRAP)
        row += 1

    for col, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_widths[col] = width
    sheet.row_heights[HEADER_ROW] = 20
    sheet.freeze = (FIRST_ROW, 1)
    return sheet
