"""The import in a workbook open in Excel: same checks and dedupe, lines written through xlwings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from treso_xl.bank.banque_sheet import rows_spec
from treso_xl.bank.categories import RULES_SHEET
from treso_xl.bank.importer import (
    MAPPING_SHEET_NAME,
    ImportResult,
    parse_statements,
    plan_import,
    read_inputs,
    rules_spec,
)
from treso_xl.bank.sheet_rows import AMOUNT, DATE, SheetRows, clean_text
from treso_xl.contract import BANQUE, PARAMETRES_SHEET
from treso_xl.reading.tables import grid_from_rows, sheet_candidates

DATE_FORMAT = "dd/mm/yyyy"
AMOUNT_FORMAT = "#,##0.00;[Red]-#,##0.00"
SEPARATOR = "-"  # between the hex-encoded paths the add-in's VBA hands over


def decode_paths(encoded: str) -> list[Path]:
    """The file paths the add-in's VBA passes: each path's UTF-16 code units in hexadecimal
    (4 digits each, which survives any code page of the command line), joined by "-"."""
    paths = []
    for part in encoded.split(SEPARATOR):
        part = part.strip()
        if part:
            paths.append(Path(bytes.fromhex(part).decode("utf-16-be")))
    return paths


def encode_paths(paths: Sequence[str | Path]) -> str:
    """What the VBA builds from the chosen files (for tests and the stand-in)."""
    return SEPARATOR.join(str(p).encode("utf-16-be").hex().upper() for p in paths)


def _grids(book: Any, names: list[str]) -> dict[str, list[list[Any]]]:
    from treso_xl.excel.read_xlwings import read_grid

    wanted = (PARAMETRES_SHEET, BANQUE.name, RULES_SHEET, MAPPING_SHEET_NAME)
    titles = {title for name in wanted for title in sheet_candidates(names, name)}
    sheets = book.sheets
    return {title: read_grid(sheets[title]) for title in names if title in titles}


def _last_used(grid: list[list[Any]]) -> int:
    for number in range(len(grid), 0, -1):
        row = grid[number - 1]
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row):
            return number
    return 0


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return "'" + clean_text(value) if value else None  # an apostrophe: always text
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _write(sheet: Any, spec: SheetRows, first: int) -> None:
    """Write the spec's rows from Excel row `first`, one call per column (and its format)."""
    count = len(spec.rows)
    if not count:
        return
    for position, (column, fmt) in enumerate(zip(spec.columns, spec.formats, strict=True)):
        target = sheet.range((first, column), (first + count - 1, column))
        if fmt == DATE:
            target.number_format = DATE_FORMAT
        elif fmt == AMOUNT:
            target.number_format = AMOUNT_FORMAT
        target.value = [[_cell(row[position])] for row in spec.rows]


def _new_sheet(book: Any, spec: SheetRows) -> Any:
    sheets = book.sheets
    sheet = sheets.add(spec.name, after=sheets[len(sheets) - 1])
    header = sheet.range((1, 1), (1, len(spec.header)))
    header.value = [[_cell(text) for text in spec.header]]
    header.font.bold = True
    header.color = (221, 235, 247)
    for column, width in zip(spec.columns, spec.widths, strict=False):
        sheet.range((1, column)).column_width = width
    return sheet


def import_into_book(book: Any, paths: Sequence[Path]) -> ImportResult:
    """Import the statement files into the workbook open in Excel (not saved: the user saves).

    Raises like `treso_xl.bank.importer.import_files`; nothing is written on any problem.
    """
    names = list(book.sheet_names)
    grids = _grids(book, names)
    inputs = read_inputs(names, lambda title: grid_from_rows(grids[title]))
    parsed = parse_statements(paths, inputs.mapping, inputs.has_mapping_sheet)
    result = plan_import(inputs, parsed)
    rows = result.rows
    if not rows:
        return result
    spec = rows_spec(inputs.banque, rows)
    if inputs.banque.create:
        sheet = _new_sheet(book, spec)
        first = 2
        result.created.append(BANQUE.name)
    else:
        sheet = book.sheets[inputs.banque.title]
        first = _last_used(grids[inputs.banque.title]) + 1
    _write(sheet, spec, first)
    result.first_row = first + spec.header_rows
    if inputs.rules is None:
        rules_sheet = rules_spec()
        written = _new_sheet(book, rules_sheet)
        _write(written, rules_sheet, 2)
        result.created.append(RULES_SHEET)
    return result
