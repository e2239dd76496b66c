"""What is wrong in the user's workbook: one record per bad cell, and the error carrying them."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl.errors import DataError, FileError
from treso_xl.french import quote

NBSP = "\u00a0"
MAX_SHOWN = 60  # characters of a typed value quoted in a message


def format_value(value: object) -> str:
    """Show a cell value as the user typed it in a French Excel.

    Whole numbers without ".0", decimals with a comma, dates as dd/mm/yyyy, booleans as VRAI/FAUX.
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "VRAI" if value else "FAUX"
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):
        if pd.isna(value):
            return ""
        if value.time() == dt.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if number.is_integer() and abs(number) < 1e16:
            return str(int(number))
        return repr(number).replace(".", ",")
    text = str(value).strip()
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return text


@dataclass(frozen=True)
class Problem:
    """One thing to fix, located as the user sees it: sheet, Excel row, column header.

    `message` is the French sentence after the location; it quotes the value when there is one.
    `setting` names the Paramètres row a problem is about (shown instead of the column).
    """

    sheet: str | None
    row: int | None
    column: str | None
    value: object
    message: str
    setting: str | None = None

    def location(self) -> str:
        """Where: 'Feuille « Factures », ligne 14, colonne « Montant »' (the parts known)."""
        parts = []
        if self.sheet is not None:
            parts.append(f"Feuille {quote(self.sheet)}")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.setting is not None:
            parts.append(f"paramètre {quote(self.setting)}")
        elif self.column is not None:
            parts.append(f"colonne {quote(self.column)}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        if not where:
            return self.message[:1].upper() + self.message[1:]
        return f"{where}{NBSP}: {self.message}"


class InputError(DataError):
    """The workbook cannot be used as typed; `problems` lists everything to fix, in sheet order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class UnreadableWorkbookError(FileError):
    """The file cannot be opened as a workbook (missing, not xlsx, password, no access)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))
