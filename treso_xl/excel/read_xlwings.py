"""Read the contract sheets of an open workbook through xlwings: one bulk read per sheet.

The grids are handed to `treso_xl.reading.workbook.read_ledger_from_grids`, the same validation as
for a file: same problems, same messages, same rows.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from treso_xl.cells import column_index as column_index_from_string
from treso_xl.contract import BANQUE, DATA_SHEETS, PARAMETRES_SHEET
from treso_xl.core.records import Ledger
from treso_xl.excel import render_xlwings
from treso_xl.reading.cell_errors import FRENCH_NAMES, com_error, error_from_code
from treso_xl.reading.tables import sheet_candidates
from treso_xl.reading.workbook import read_ledger_from_grids

# A used range taller than this is read in chunks of this many rows (one read each), so that a
# sheet formatted down to row 1 048 576 does not ask Excel for millions of cells at once.
CHUNK_ROWS = 100_000

Grid = list[list[Any]]


def contract_titles(names: list[str]) -> list[str]:
    """The workbook's names of the sheets the contract reads, in workbook order (every candidate
    when two match one input sheet, so that the reader names both)."""
    contract = (PARAMETRES_SHEET, *(sheet.name for sheet in DATA_SHEETS), BANQUE.name)
    wanted = {title for name in contract for title in sheet_candidates(names, name)}
    return [name for name in names if name in wanted]


_CELL_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _corner_and_rows(address: str) -> tuple[int, int, int]:
    """First row, first column and row count of an A1-style address ("$B$3:$F$40")."""
    corners = [_CELL_RE.match(part.strip()) for part in address.split("!")[-1].split(":")]
    if not all(corners):
        raise ValueError(f"unexpected address {address!r}")
    (c1, r1), (_, r2) = (m.groups() for m in (corners[0], corners[-1]))  # type: ignore[union-attr]
    return int(r1), column_index_from_string(c1), int(r2) - int(r1) + 1


def read_grid(sheet: Any) -> Grid:
    """The sheet's values from A1 to the last cell of its used range (None for empty cells).

    Error cells are read as ExcelError markers, so that the reader refuses them as it does in a
    file. On Windows xlwings gives them as None unless asked (`err_to_str`), and then as "#REF!"
    for the errors of its table and as the raw COM integer for the newer ones (#SPILL!, #CALC!…).
    On macOS `err_to_str` fails on any range of several cells (xlwings 0.37.8: `ensure_2d` in
    `_xlmac.Range.raw_value` returns None for a 2-D list), and an error cell's value is empty:
    the texts the cells show are read too (one more Apple event), and an empty cell showing an
    error's name, English or French ("#N/A", "#VALEUR!"), is that error.
    """
    used = sheet.used_range
    top, left, rows = _corner_and_rows(used.address)
    mac = render_xlwings.engine_platform() == "darwin"
    options: dict[str, Any] = {"ndim": 2} if mac else {"ndim": 2, "err_to_str": True}
    if rows > CHUNK_ROWS:
        options["chunksize"] = CHUNK_ROWS
    values = used.options(**options).value
    if mac:
        values = _shown_errors(values, used.api.string_value.get())
    pad = [None] * (left - 1)
    grid: Grid = [[] for _ in range(top - 1)]
    grid += [pad + [_cell(value) for value in row] for row in values]
    return grid


_ERROR_TEXTS = frozenset(FRENCH_NAMES) | frozenset(FRENCH_NAMES.values())


def _shown_errors(values: Grid, texts: Any) -> Grid:
    """`values` with each empty cell whose shown text is an error's name made that error."""
    if not isinstance(texts, list):
        texts = [[texts]]
    elif texts and not isinstance(texts[0], list):
        texts = [texts]
    for row, shown in zip(values, texts, strict=False):
        for j, text in enumerate(shown[: len(row)]):
            if row[j] is None and isinstance(text, str) and text.strip() in _ERROR_TEXTS:
                row[j] = error_from_code(text)
    return values


def _cell(value: Any) -> Any:
    """A value as read, or the ExcelError marker of an error cell.

    On Windows a number in a currency-formatted cell arrives as `decimal.Decimal` (Excel gives
    the VBA Currency type, pywin32 turns it into a Decimal, xlwings passes it on): it becomes the
    float the file reader would see.
    """
    kind = type(value)
    if kind is float:
        return value
    if kind is Decimal:
        return float(value)
    if kind is int or (kind is str and value[:1] == "#"):
        return com_error(value) or value
    return value


def read_grids(book: Any) -> dict[str, Grid]:
    """The grids of the contract sheets of `book`, by sheet name, in workbook order."""
    sheets = book.sheets
    return {title: read_grid(sheets[title]) for title in contract_titles(list(book.sheet_names))}


def read_ledger_from_book(book: Any, today: dt.date | None = None) -> Ledger:
    """Read and validate the workbook open in Excel (raises InputError like the file reader)."""
    return read_ledger_from_grids(read_grids(book), today)
