"""Renderer-neutral description of a generated tab: cells, styles, widths, panes, charts.

Nothing here knows openpyxl or xlwings: a renderer turns a `SheetLayout` into a real sheet.
Rows and columns are 1-based, as Excel numbers them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

CellValue = str | int | float | dt.date | dt.datetime | bool | None

# Zero amounts show as a dash (the value stays 0), so that real figures stand out.
EURO = '#,##0.00 "€";[Red]-#,##0.00 "€";"–"'
EURO_ROUND = '#,##0 "€";[Red]-#,##0 "€"'
DATE = "dd/mm/yyyy"
MONTH = "mmm yyyy"
PERCENT = "0.0 %"
DAYS = '0 "j"'
INTEGER = "0"


@dataclass(frozen=True)
class Style:
    """How a cell looks. Colours are "RRGGBB" hex strings; None means the default."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    font_color: str | None = None
    fill: str | None = None
    number_format: str | None = None
    align: str | None = None  # "left" | "center" | "right"
    valign: str | None = None  # "top" | "center" | "bottom"
    wrap: bool = False
    border_bottom: bool = False
    border_top: bool = False
    indent: int = 0

    def but(self, **changes: object) -> Style:
        """A copy with some attributes changed."""
        return replace(self, **changes)


PLAIN = Style()


@dataclass(frozen=True, slots=True)
class Cell:
    """One written cell. A `str` value is always written as text, never as a formula."""

    value: CellValue
    style: Style = PLAIN


_set_value = Cell.__dict__["value"].__set__
_set_style = Cell.__dict__["style"].__set__


def _cell_init(self: Cell, value: CellValue, style: Style = PLAIN) -> None:
    # the generated frozen __init__ goes through object.__setattr__ by name: the slots are set
    # directly instead (tens of thousands of cells per large tab)
    _set_value(self, value)
    _set_style(self, style)


_cell_init.__qualname__ = "Cell.__init__"
Cell.__init__ = _cell_init  # type: ignore[method-assign]


@dataclass(frozen=True)
class Series:
    """One data series of a chart: values in a row or column range of the same sheet."""

    title: str
    # (first_row, first_col, last_row, last_col), 1-based, inclusive
    values: tuple[int, int, int, int]
    color: str | None = None


@dataclass(frozen=True)
class Chart:
    """A native chart placed on the sheet."""

    kind: str  # "line" | "bar" | "stacked_bar"
    title: str
    anchor: str  # top-left cell, e.g. "B20"
    categories: tuple[int, int, int, int]
    series: tuple[Series, ...]
    width_cm: float = 16.0
    height_cm: float = 7.5
    y_title: str | None = None
    number_format: str | None = None
    horizontal: bool = False  # bars drawn left to right (long category names)


@dataclass
class SheetLayout:
    """A whole generated tab."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    column_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None  # (row, col) of the first unfrozen cell, e.g. (2, 2)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tab_color: str | None = None
    landscape: bool = False  # printed (and turned into PDF) in landscape
    fit_width: bool = False  # printed one page wide
    # internal hyperlinks: cell -> place in the workbook, e.g. "'Courriers'!A12"
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    # rows repeated atop each printed page (first, last); None: the row above the frozen pane
    print_titles: tuple[int, int] | None = None
    # printed footer: left, centre, right (Excel codes such as &P, &N); see layout/page.py
    footer: tuple[str, str, str] | None = None

    def row_below(self, row: int, height_cm: float, default_height: float = 15.0) -> int:
        """The first row that starts at least `height_cm` below the top of `row`."""
        wanted = height_cm / 2.54 * 72  # points
        total = 0.0
        while total < wanted:
            total += self.row_heights.get(row, default_height)
            row += 1
        return row

    def put(self, row: int, col: int, value: CellValue, style: Style = PLAIN) -> None:
        """Write one cell."""
        self.cells[(row, col)] = Cell(value, style)

    def put_row(self, row: int, col: int, values: list[CellValue], style: Style = PLAIN) -> None:
        """Write values side by side from (row, col)."""
        for i, value in enumerate(values):
            self.cells[(row, col + i)] = Cell(value, style)

    def restyle(self, row: int, col: int, style: Style) -> None:
        """Change the style of a written cell, keeping its value."""
        cell = self.cells.get((row, col), Cell(None))
        self.cells[(row, col)] = Cell(cell.value, style)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def value(self, row: int, col: int) -> CellValue:
        cell = self.cells.get((row, col))
        return None if cell is None else cell.value
