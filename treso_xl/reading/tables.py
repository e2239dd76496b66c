"""Find a contract table in a sheet's cell grid and turn it into a validated frame."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from treso_xl import fold_cache
from treso_xl.contract import Column, Kind, Sheet, normalize_label, normalize_sheet_name
from treso_xl.french import quote
from treso_xl.reading.cell_errors import ExcelError
from treso_xl.reading.problems import Problem, format_value
from treso_xl.reading.values import EMPTY, Cells, explain, parse_array

try:  # pandas' own rows-to-array conversion, ~4 times numpy's on a sheet's rows
    from pandas._libs.lib import to_object_array as _to_object_array
except ImportError:  # pragma: no cover - another pandas
    _to_object_array = None

LIGNE = "ligne"  # column of the returned frames holding the Excel row number


@dataclass
class Table:
    """One input sheet read: the frame (fields + `ligne`), the headers as typed, the problems."""

    sheet: Sheet
    title: str  # the sheet's name as the user wrote it
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)  # field -> header shown to the user
    problems: list[Problem] = field(default_factory=list)

    def header(self, name: str) -> str:
        """The header as the user typed it for the contract column `name`."""
        col = self.sheet.column(name)
        return self.headers.get(col.field, col.name)


def sheet_candidates(names: Iterable[str], wanted: str) -> list[str]:
    """The workbook's sheets that match input sheet `wanted` (case, accents and surrounding
    spaces aside; "Factures (2024)" is another sheet), in workbook order."""
    key = normalize_sheet_name(wanted)
    return [name for name in names if normalize_sheet_name(name) == key]


def find_sheet(names: Iterable[str], wanted: str) -> str | None:
    """The workbook's spelling of input sheet `wanted`; None when absent (the first when several
    match: `sheet_candidates` tells, the reader refuses it)."""
    found = sheet_candidates(names, wanted)
    return found[0] if found else None


def ambiguous_sheet(wanted: str, candidates: Sequence[str]) -> Problem:
    """The problem of two or more sheets matching the same input sheet."""
    listed = ", ".join(quote(name) for name in candidates[:-1]) + f" et {quote(candidates[-1])}"
    both = "toutes deux" if len(candidates) == 2 else "toutes"
    return Problem(
        None,
        None,
        None,
        None,
        f"les feuilles {listed} correspondent {both} à la feuille {quote(wanted)}\u00a0: "
        "treso-xl ne sait pas laquelle lire. Renommez celle qui n'est pas à lire, par exemple "
        f"{quote(wanted + ' (archive)')}, puis relancez.",
    )


def grid_from_rows(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """Raw cells as an object frame whose index is the Excel row number (first row is 1).

    The rows must start at cell A1 (python-calamine's `to_python(skip_empty_area=False)`);
    shorter rows (a grid read from Excel starts with empty rows) are padded with None.
    """
    rows = list(rows)
    width = max((len(row) for row in rows), default=0)
    if any(len(row) != width for row in rows):
        rows = [list(row) + [None] * (width - len(row)) for row in rows]
    grid = pd.DataFrame(rows, dtype=object)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid


def _is_blank(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return value != value  # NaN
    return False


def header_row(grid: pd.DataFrame) -> int | None:
    """Excel row number of the first non-empty row, None for an empty sheet.

    A row holding nothing but Excel errors (a broken title formula above the table) holds no
    header: it is passed over here, and reported only if it lies inside the table.
    """
    for number, row in zip(grid.index, grid.itertuples(index=False, name=None), strict=True):
        if not all(_is_blank(value) or isinstance(value, ExcelError) for value in row):
            return int(number)
    return None


def header_matches(
    cells: Iterable[tuple[object, object]], columns: Sequence[Column]
) -> dict[str, list[tuple[object, str]]]:
    """Every header cell matching each contract column's field: [(grid column, as typed)]."""
    by_key = {col.key: col for col in columns}
    found: dict[str, list[tuple[object, str]]] = {}
    for position, value in cells:
        if _is_blank(value):
            continue
        shown = format_value(value)
        col = by_key.get(normalize_label(shown))
        if col is not None:
            found.setdefault(col.field, []).append((position, shown))
    return found


def match_headers(cells: Iterable[tuple[object, object]], columns: Sequence[Column]) -> dict:
    """Map each contract column's field to (grid column, header as typed); first match wins.

    `header_clashes` tells when two headers match one column (an error for the reader).
    """
    return {name: matches[0] for name, matches in header_matches(cells, columns).items()}


def header_clashes(
    title: str, row: int, cells: Iterable[tuple[object, object]], columns: Sequence[Column]
) -> list[Problem]:
    """One problem per contract column that two or more headers of the row match."""
    problems = []
    names = {col.field: col.name for col in columns}
    for name, matches in header_matches(cells, columns).items():
        if len(matches) < 2:
            continue
        shown = [quote(typed) for _, typed in matches]
        listed = ", ".join(shown[:-1]) + f" et {shown[-1]}"
        both = "tous deux" if len(shown) == 2 else "tous"
        problems.append(
            Problem(
                title,
                row,
                matches[0][1],
                None,
                f"les en-têtes {listed} correspondent {both} à la colonne "
                f"{quote(names[name])}\u00a0: treso-xl ne sait pas quelle colonne lire. "
                "Renommez ou supprimez l'un d'eux.",
            )
        )
    return problems


def empty_column(col: Column, length: int) -> pd.Series:
    """A column of `length` empty cells as the parser gives them: right dtype, default applied."""
    index = pd.RangeIndex(length)
    if col.kind is Kind.DATE:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if col.kind in (Kind.AMOUNT, Kind.RATE):
        return pd.Series(np.nan, index=index, dtype="float64")
    if col.kind is Kind.INTEGER:
        return pd.Series(pd.NA, index=index, dtype="Int64")
    filler = "" if col.kind is not Kind.CHOICE or col.default is None else str(col.default)
    return pd.Series(filler, index=index, dtype="str")


_EMPTY_FRAMES: dict[Sheet, pd.DataFrame] = {}  # built once per sheet, handed out as copies


def empty_frame(sheet: Sheet) -> pd.DataFrame:
    """The frame of a sheet with no rows, with its columns and dtypes (a fresh copy)."""
    template = _EMPTY_FRAMES.get(sheet)
    if template is None:
        template = pd.DataFrame({col.field: empty_column(col, 0) for col in sheet.columns})
        template[LIGNE] = pd.Series([], dtype="int64")
        _EMPTY_FRAMES[sheet] = template
    return template.copy()


class Grid:
    """A sheet's raw cells as one 2-D object array, with the Excel row number of each row.

    The reader's column-wise form of a sheet: a column is a slice of the array, parsed without
    a pandas object per cell, row or column. `from_rows` takes python-calamine's rows (from cell
    A1), `from_frame` a grid frame as `grid_from_rows` and `sheet_grid` give.
    """

    def __init__(self, cells: np.ndarray, numbers: np.ndarray) -> None:
        self.cells = cells
        self.numbers = numbers

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[object]]) -> Grid:
        """Rows of cells from cell A1 (shorter rows padded with None), Excel rows from 1."""
        rows = rows if isinstance(rows, list) else list(rows)
        cells = _object_array(rows)
        return cls(cells, np.arange(1, len(cells) + 1, dtype=np.int64))

    @classmethod
    def from_frame(cls, grid: pd.DataFrame) -> Grid:
        """A grid frame (index: Excel row numbers), its columns in order."""
        return cls(grid.to_numpy(dtype=object), np.asarray(grid.index, dtype=np.int64))

    def frame(self) -> pd.DataFrame:
        """The grid as `grid_from_rows` gives it (index: Excel row numbers)."""
        return pd.DataFrame(self.cells, index=pd.Index(self.numbers), dtype=object)

    def header_position(self) -> int | None:
        """Position of the first non-empty row (see `header_row`), None for an empty sheet."""
        for position in range(len(self.cells)):
            row = self.cells[position].tolist()
            if not all(_is_blank(value) or isinstance(value, ExcelError) for value in row):
                return position
        return None


def _object_array(rows: list) -> np.ndarray:
    """Rows of cells as an (n, width) object array, short rows padded with None."""
    if _to_object_array is not None:
        return _to_object_array(rows)
    width = max(map(len, rows), default=0)
    cells = np.empty((len(rows), width), dtype=object)  # None everywhere
    for position, row in enumerate(rows):
        cells[position, : len(row)] = _objects_row(row)
    return cells


def _objects_row(row: Sequence[object]) -> np.ndarray:
    return np.fromiter(row, dtype=object, count=len(row))


def read_table(sheet: Sheet, grid: pd.DataFrame | Grid, title: str | None = None) -> Table:
    """Validate the table of `sheet` in `grid` (a Grid, or a frame indexed by Excel rows).

    The header row is the first non-empty row; headers are matched with `normalize_label` and
    other columns are ignored. Rows where every contract column is empty are skipped. Every cell
    is parsed per its column kind; bad and missing required cells become problems.
    """
    title = title or sheet.name
    if not isinstance(grid, Grid):
        grid = Grid.from_frame(grid)
    top = grid.header_position()
    if top is None:  # an empty sheet: no rows, nothing to complain about
        return Table(sheet, title, empty_frame(sheet))
    table = Table(sheet, title, pd.DataFrame())  # its frame is set below
    header_at = int(grid.numbers[top])
    headers = list(enumerate(grid.cells[top].tolist()))
    found = match_headers(headers, sheet.columns)
    table.headers = {name: shown for name, (_, shown) in found.items()}
    table.problems.extend(header_clashes(title, header_at, headers, sheet.columns))
    for col in sheet.columns:
        if col.required and col.field not in found:
            table.problems.append(missing_column(title, header_at, col.name))

    body = grid.cells[top + 1 :]
    numbers = grid.numbers[top + 1 :]
    present = [col for col in sheet.columns if col.field in found]
    cells = {col.field: Cells(body[:, found[col.field][0]]) for col in present}
    if cells:
        keep = ~np.logical_and.reduce([c.codes == EMPTY for c in cells.values()])
    else:
        keep = np.zeros(len(body), dtype=bool)
    rows = numbers[keep]
    length = len(rows)

    cell_problems: list[tuple[int, int, Problem]] = []
    columns: dict[str, object] = {}
    for position, col in enumerate(sheet.columns):
        if col.field not in cells:
            columns[col.field] = empty_column(col, length).array
            continue
        kept = cells[col.field].select(keep)
        values, wrong = parse_array(
            col.kind,
            kept,
            positive=col.positive,
            signed=col.signed,
            choices=col.choices,
            default=col.default,
        )
        header = table.headers[col.field]
        if wrong.any():
            said: dict[tuple[type, object], str] = {}  # the same bad value, the same sentence
            bad_cells = zip(
                rows[wrong].tolist(),
                kept.values[wrong],
                np.asarray(values[wrong], dtype=object),
                strict=True,
            )
            for row, value, parsed in bad_cells:
                key = (type(value), value)
                message = said.get(key) or said.setdefault(
                    key,
                    explain(
                        col.kind,
                        value,
                        parsed,
                        positive=col.positive,
                        choices=col.choices,
                        sheet=sheet.name,
                        column=col.name,
                    ),
                )
                cell_problems.append((row, position, Problem(title, row, header, value, message)))
        if col.required:
            empty = kept.codes == EMPTY
            if empty.any():
                message = "la cellule est vide alors que cette colonne est obligatoire."
                for row in rows[empty].tolist():
                    problem = Problem(title, row, header, None, message)
                    cell_problems.append((row, position, problem))
        columns[col.field] = values

    cell_problems.sort(key=lambda item: (item[0], item[1]))
    table.problems.extend(problem for _, _, problem in cell_problems)
    columns[LIGNE] = np.asarray(rows, dtype="int64")
    frame = pd.DataFrame(columns)
    fold_cache.register(frame)  # its texts are folded once, however many checks match them
    table.frame = frame
    return table


def missing_column(title: str, header_row: int, name: str) -> Problem:
    """The problem of a required column absent from a header row."""
    return Problem(
        title,
        header_row,
        name,
        None,
        "cette colonne obligatoire est absente de la ligne d'en-tête ; ajoutez-la.",
    )
