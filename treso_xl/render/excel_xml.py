"""Small SpreadsheetML helpers of the streaming writer, as openpyxl computes them, without it."""

# The refresh writes its tabs without importing openpyxl (about 0.1 s of a cold start): these
# give the same column letters, serial dates, cleaned texts and built-in format ids as openpyxl
# 3.1 (openpyxl.utils.cell, openpyxl.utils.datetime, openpyxl.cell.cell, openpyxl.styles.numbers);
# tests/test_excel_xml.py checks each against openpyxl.

from __future__ import annotations

import datetime as dt
import re

DATETIME = "dd/mm/yyyy hh:mm"
MAX_TEXT = 32767  # Excel's limit on the characters of one cell

# Control characters a cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Number formats every workbook knows by id (ECMA-376 part 1, 18.8.30), as openpyxl lists them
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}
BUILTIN_FORMATS_REVERSE: dict[str, int] = {code: key for key, code in BUILTIN_FORMATS.items()}

_WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
_SECONDS_PER_DAY = 86400
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def column_letter(col: int) -> str:
    """The letters of 1-based column `col`: 1 -> "A", 27 -> "AA" (as openpyxl's
    get_column_letter, ValueError beyond XFD's 18 278 of three letters)."""
    if not 1 <= col <= 18278:
        raise ValueError(f"Invalid column index {col}")
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = _LETTERS[rest] + letters
    return letters


def argb(color: str) -> str:
    """'RRGGBB' (or '#RRGGBB', or 'AARRGGBB') as the opaque ARGB a spreadsheet expects."""
    hex_ = color.strip().lstrip("#").upper()
    if len(hex_) == 6:
        return "FF" + hex_
    if len(hex_) == 8:
        return hex_
    raise ValueError(f"invalid colour {color!r}: expected RRGGBB")


def to_excel(value: dt.date | dt.datetime) -> float:
    """The Excel serial (1900 system) of a date or a naive datetime, as openpyxl's to_excel:
    days since 1899-12-30 (one fewer up to February 1900, Excel's phantom 29 February), plus
    the fraction of the day."""
    if not hasattr(value, "date"):  # a date: midnight
        value = dt.datetime.combine(value, dt.time())
    days = (value - _WINDOWS_EPOCH).days
    if 0 < days <= 60:
        days -= 1
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6
    return days + seconds / _SECONDS_PER_DAY
