"""Which sheets are the tool's generated tabs: the marker they carry, and the refusal otherwise."""

# A generated tab is a sheet the tool wrote under that exact name at the previous refresh
# (shared/spec/classeur.md, "Generated tabs"). The record lives in the workbook itself, as a hidden
# name scoped to the sheet, `_treso_xl_onglet`, whose value is the text constant of the name the
# tool gave the sheet:
#
#     <definedName name="_treso_xl_onglet" localSheetId="3" hidden="1">"Relances"</definedName>
#
# Excel and LibreOffice keep sheet-scoped names when they save (they rename the worksheet parts,
# so a part name cannot be the record), move them with their sheet when sheets are reordered,
# delete them with their sheet, and copy them with it; renaming the sheet leaves the constant as
# it was. So a sheet is the tool's iff it carries the marker and the marker's text equals the
# sheet's current name: a renamed generated tab becomes the user's, and a user's sheet made under
# a generated tab's name carries no marker.

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from treso_xl.errors import FileError
from treso_xl.french import quote

MARKER = "_treso_xl_onglet"
NBSP = "\u00a0"


def sheet_key(name: str) -> str:
    """A sheet name as Excel compares them: without regard to case, with regard to accents.

    Excel refuses two sheets whose names differ only by case ("Relances", "RELANCES"), and
    accepts names that differ by an accent ("Contrôles", "Controles"). The composed form is
    compared, so that a name typed with combining accents collides with the precomposed one.
    """
    return unicodedata.normalize("NFC", name).casefold()


def is_marker(defined_name: str) -> bool:
    """Whether a defined name (bare, or "Sheet!name" as Excel shows local names) is the marker."""
    return defined_name.rsplit("!", 1)[-1].strip().lower() == MARKER.lower()


def marker_formula(name: str) -> str:
    """The marker's value for a tab named `name`: a formula text constant, without the "="."""
    return '"' + name.replace('"', '""') + '"'


def marker_text(formula: str | None) -> str | None:
    """The tab name a marker's value holds ('"Relances"' or '="Relances"'); None if it is not a
    text constant."""
    if formula is None:
        return None
    text = formula.strip()
    if text.startswith("="):
        text = text[1:].strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return None
    inner = text[1:-1]
    if inner.replace('""', "").count('"'):
        return None
    return inner.replace('""', '"')


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it before "!": always quoted, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"


class SheetConflictError(FileError):
    """A sheet of the user bears the name of a generated tab: nothing is written."""

    def __init__(self, conflicts: Sequence[tuple[str, str]]) -> None:
        self.conflicts = list(conflicts)  # (the user's sheet, the generated tab it blocks)
        super().__init__(conflict_message(self.conflicts))


def conflict_message(conflicts: Sequence[tuple[str, str]]) -> str:
    """The French refusal for user sheets named like generated tabs: which ones, and what to do."""
    first_sheet, first_tab = conflicts[0]
    example = quote(f"{first_tab} (mes notes)")
    if len(conflicts) == 1:
        said = (
            f"La feuille {quote(first_sheet)} porte le nom d'un onglet que treso-xl écrit "
            f"({quote(first_tab)}), mais ce n'est pas treso-xl qui l'a créée sous ce nom{NBSP}: "
            "c'est la vôtre, et treso-xl ne l'écrase pas."
        )
        way_out = (
            f"Renommez-la, par exemple {example}, puis relancez. Si c'est un onglet créé par une "
            "version précédente de treso-xl, vous pouvez aussi le supprimer."
        )
    else:
        listed = ", ".join(quote(sheet) for sheet, _ in conflicts[:-1])
        listed += f" et {quote(conflicts[-1][0])}"
        said = (
            f"Les feuilles {listed} portent le nom d'onglets que treso-xl écrit, mais ce n'est "
            f"pas treso-xl qui les a créées sous ces noms{NBSP}: ce sont les vôtres, et treso-xl "
            "ne les écrase pas."
        )
        way_out = (
            f"Renommez-les, par exemple {example}, puis relancez. Si ce sont des onglets créés "
            "par une version précédente de treso-xl, vous pouvez aussi les supprimer."
        )
    return f"{said} {way_out} Rien n'a été modifié."
