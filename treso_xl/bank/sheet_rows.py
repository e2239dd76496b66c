"""Rows to write into a sheet, and cell texts as a cell can hold them (no Excel, no openpyxl)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Value = dt.date | Decimal | int | float | str | None

# Cell formats of the rows written: header, date, amount, text.
HEADER, DATE, AMOUNT, TEXT = "header", "date", "amount", "text"
DATE_FORMAT = "dd/mm/yyyy"
AMOUNT_FORMAT = "#,##0.00;[Red]\\-#,##0.00"
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_TEXT = 32_767  # characters Excel keeps in a cell

# Characters XML 1.0 refuses; `_xHHHH_` is Excel's escape, so a literal one is escaped itself.
_ILLEGAL_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


@dataclass
class SheetRows:
    """Rows to write into one sheet: appended after its last used row, or a new sheet.

    `columns[i]` is the 1-based column of the i-th value of each row and `formats[i]` its format
    (DATE, AMOUNT or TEXT). For a new sheet (`create`), `header` is written on row 1 (formats
    HEADER), `widths` set the column widths, the header row is frozen, and `choices` puts a
    drop-down list on a column (1-based column -> allowed values).
    """

    name: str
    columns: Sequence[int]
    formats: Sequence[str]
    rows: Sequence[Sequence[Value]]
    create: bool = False
    header: Sequence[str] = ()
    widths: Sequence[float] = ()
    choices: dict[int, Sequence[str]] = field(default_factory=dict)
    header_rows: int = 0  # leading rows of `rows` that are a header (not counted in first_row)
    first_row: int = 0  # set by `append_rows`: the Excel row of the first data row written


def clean_text(text: str) -> str:
    """A text as a cell can hold it: XML-illegal characters dropped, Excel's `_xHHHH_` escape
    escaped, at most 32 767 characters."""
    if text.isprintable() and "_x" not in text:  # the usual label: nothing to change
        return text[:MAX_TEXT]
    text = _ILLEGAL_XML.sub("", text)[:MAX_TEXT]
    return _EXCEL_ESCAPE.sub(r"_x005F_\1", text)


def excel_serial(day: dt.date) -> int:
    """The Excel serial number of a date (1900 date system)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return (day - EXCEL_EPOCH).days
