"""layout/page.py's fitting (grouped by column and style) against the cell-by-cell code it
replaced, kept here as it was: same cells in the same order, widths, heights, merges, print set-up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from copy import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.cells import column_index as column_index_from_string
from treso_xl.cells import coordinate as coordinate_from_string
from treso_xl.layout.model import EURO, PERCENT, Cell, Chart, SheetLayout, Style
from treso_xl.layout.page import (
    _WORD,
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    FOOTER_PAGE,
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_TEXT_WIDTH,
    POINTS_PER_CHAR,
    PORTRAIT_WIDTH_PT,
    TEXT_GROWTH,
    _chars_per_width,
    _line_height,
    finished,
    shown_text,
    text_lines,
)

# --- the fitting as it was (cell by cell), the reference --------------------------------------


class _OldFitter:
    def __init__(self, layout: SheetLayout) -> None:
        self.sheet = layout
        self.merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for box in layout.merges:
            for r in range(box[0], box[2] + 1):
                for c in range(box[1], box[3] + 1):
                    self.merged[(r, c)] = box
        filled = [
            col
            for (_, col), cell in layout.cells.items()
            if cell.value is not None or cell.style.fill
        ]
        self.last_col = max(filled, default=1)
        # notes wrap left of the charts, which would cover them
        chart_cols = [
            column_index_from_string(coordinate_from_string(c.anchor)[0]) for c in layout.charts
        ]
        self.note_col = min([self.last_col, *(c - 1 for c in chart_cols if c > 2)])
        self.to_wrap: set[tuple[int, Style]] = set()
        # per style (by identity: styles are immutable and shared by many cells)
        self._wrapped: dict[int, tuple[Style, Style]] = {}
        self._per: dict[int, tuple[Style, float]] = {}
        self._lines: dict[tuple[str, float, float], int] = {}

    def wrapped(self, style: Style) -> Style:
        """`style` wrapped, top-aligned unless it says otherwise (one new Style per style)."""
        known = self._wrapped.get(id(style))
        if known is None:
            known = (style, style.but(wrap=True, valign=style.valign or "top"))
            self._wrapped[id(style)] = known
        return known[1]

    def per_width(self, style: Style) -> float:
        """`_chars_per_width(style)`, looked up once per style."""
        known = self._per.get(id(style))
        if known is None:
            known = (style, _chars_per_width(style))
            self._per[id(style)] = known
        return known[1]

    def lines(self, text: str, width: float, style: Style) -> int:
        """`text_lines`, computed once per text, width and font."""
        key = (text, width, self.per_width(style))
        count = self._lines.get(key)
        if count is None:
            count = self._lines[key] = text_lines(text, width, style)
        return count

    def width(self, col: int) -> float:
        return self.sheet.column_widths.get(col, DEFAULT_WIDTH)

    def span_width(self, first: int, last: int) -> float:
        return sum(self.width(c) for c in range(first, last + 1))

    def rows(self) -> dict[int, list[int]]:
        by_row: dict[int, list[int]] = {}
        for (row, col), cell in self.sheet.cells.items():
            if cell.value is not None:
                by_row.setdefault(row, []).append(col)
        return by_row

    def wrap_notes(self) -> None:
        """A text ending its row that overflows its column, or a lone banner, is merged to the
        table's last column and wrapped there."""
        sheet = self.sheet
        for row, cols in sorted(self.rows().items()):
            col = max(cols)
            cell = sheet.cells[(row, col)]
            if not isinstance(cell.value, str) or (row, col) in self.merged:
                continue
            last = self.note_col if col < self.note_col else self.last_col
            if any((row, c) in sheet.cells for c in range(col + 1, last + 1)):
                self._extend_banner(row, cols)
                continue  # styled cells already span the row
            lone = len(cols) == 1
            # the wrap flag does not change the characters per line: the style as it is
            overflows = self.lines(cell.value, self.width(col), cell.style) > 1
            if not overflows and not (lone and cell.style.fill):
                continue
            if col < last:
                box = (row, col, row, last)
                sheet.merges.append(box)
                for c in range(col, last + 1):
                    self.merged[(row, c)] = box
            if overflows and col < last:
                sheet.cells[(row, col)] = Cell(cell.value, self.wrapped(cell.style))
            elif overflows:
                self.to_wrap.add((col, cell.style))
        self._wrap_columns()

    def _wrap_columns(self) -> None:
        """Wrap every cell of a column sharing a style one of them needed wrapped (formats stay
        whole blocks, which live Excel writes in few calls)."""
        sheet = self.sheet
        if not self.to_wrap:
            return
        cols = {col for col, _ in self.to_wrap}
        for (row, col), cell in list(sheet.cells.items()):
            if col in cols and (col, cell.style) in self.to_wrap and (row, col) not in self.merged:
                sheet.cells[(row, col)] = Cell(cell.value, self.wrapped(cell.style))
        self.to_wrap.clear()

    def _extend_banner(self, row: int, cols: list[int]) -> None:
        """A section title whose fill stops before the table's last column: fill to the end."""
        sheet = self.sheet
        if cols != [1] or not sheet.cells[(row, 1)].style.fill:
            return
        fill = sheet.cells[(row, 1)].style.fill
        last = max(c for (r, c) in sheet.cells if r == row)
        if all(
            sheet.cells[(row, c)].style.fill == fill
            for c in range(1, last + 1)
            if (row, c) in sheet.cells
        ):
            style = sheet.cells[(row, last)].style
            for c in range(last + 1, self.last_col + 1):
                sheet.cells[(row, c)] = Cell(None, style)

    def fit_widths(self) -> None:
        """Widen each column to its longest shown value and its headers' longest word."""
        sheet = self.sheet
        needed: dict[int, float] = {}
        rightmost: dict[int, int] = {}  # row -> last column holding a value
        for (row, col), cell in sheet.cells.items():
            if cell.value is not None and col > rightmost.get(row, 0):
                rightmost[row] = col
        longest: dict[str, int] = {}  # text -> its longest word
        merged = self.merged
        # plain numbers: the longest shown is the largest or the most negative of a column's
        # numbers of one style (fixed decimals: the text grows with the magnitude)
        extremes: dict[tuple[int, int], list] = {}  # (col, style id) -> [style, low, high]
        for (row, col), cell in sheet.cells.items():
            value = cell.value
            if value is None or (merged and (row, col) in merged):
                continue
            style = cell.style
            kind = type(value)
            if (kind is float or kind is int) and math.isfinite(value):
                known = extremes.get((col, id(style)))
                if known is None:
                    extremes[(col, id(style))] = [style, value, value]
                    needed.setdefault(col, 0.0)  # the columns widened in the cells' order
                elif value < known[1]:
                    known[1] = value
                elif value > known[2]:
                    known[2] = value
                continue
            per = self.per_width(style)
            if isinstance(cell.value, str):
                if style.wrap:
                    word = longest.get(cell.value)
                    if word is None:
                        words = _WORD.findall(cell.value) or [""]
                        word = longest[cell.value] = max(len(w) for w in words)
                    want = word / per + 1.5
                elif rightmost[row] <= col:
                    continue  # nothing to its right: free to overflow, it widens nothing
                else:  # widened a little, else wrapped: one long name must not widen a table
                    cap = min(max(self.width(col) * TEXT_GROWTH, MIN_TEXT_WIDTH), MAX_WIDTH)
                    want = min(len(cell.value) / per + 1.5, cap)
                    if len(cell.value) / per + 1.5 > max(cap, self.width(col)):
                        self.to_wrap.add((col, style))
            else:
                text = shown_text(cell.value, style.number_format)
                want = len(text) * (1.1 if style.bold else 1.0) + 2.0 + style.indent
            needed[col] = max(needed.get(col, 0.0), want)
        for (col, _), (style, low, high) in extremes.items():
            text = max(
                shown_text(low, style.number_format), shown_text(high, style.number_format), key=len
            )
            want = len(text) * (1.1 if style.bold else 1.0) + 2.0 + style.indent
            needed[col] = max(needed.get(col, 0.0), want)
        self._wrap_columns()
        for col, want in needed.items():
            if want > self.width(col):
                sheet.column_widths[col] = round(min(want, MAX_WIDTH), 1)

    def fit_heights(self) -> None:
        """Give each row holding wrapped or large text the height its lines take."""
        sheet = self.sheet
        wanted: dict[int, float] = {}
        merged = self.merged
        for (row, col), cell in sheet.cells.items():
            if cell.value is None:
                continue
            box = merged.get((row, col)) if merged else None
            if box is not None and (box[0] != row or box[1] != col or box[2] != row):
                continue  # inside a merge, or a merge over several rows
            style = cell.style
            if not style.wrap and not style.size:
                continue  # one line of the default height
            lines = 1
            if style.wrap and isinstance(cell.value, str):
                first, last = (box[1], box[3]) if box else (col, col)
                lines = self.lines(cell.value, self.span_width(first, last), style)
            height = lines * _line_height(style) + (3.0 if lines > 1 else 0.0)
            if height > DEFAULT_HEIGHT:
                wanted[row] = max(wanted.get(row, 0.0), height)
        for row, height in wanted.items():
            current = sheet.row_heights.get(row, 0.0)
            if height > current:
                sheet.row_heights[row] = round(min(height, MAX_HEIGHT), 1)

    def page(self) -> None:
        sheet = self.sheet
        wide = self.span_width(1, self.last_col) * POINTS_PER_CHAR > PORTRAIT_WIDTH_PT
        sheet.landscape = sheet.landscape or wide
        sheet.fit_width = True
        if sheet.print_titles is None and sheet.freeze and sheet.freeze[0] > 1:
            header = sheet.freeze[0] - 1
            sheet.print_titles = (header, header)
        if sheet.footer is None:
            sheet.footer = ("", sheet.name, FOOTER_PAGE)


def old_finished(layout: SheetLayout, heights: bool = True, notes: bool = True) -> SheetLayout:
    """A copy of `layout` fitted for the screen and the printer (see the module docstring).

    `heights=False` leaves the rows without a stored height to the application (live Excel
    fits such rows to their wrapped text itself; LibreOffice does not, hence the default);
    `notes=False` leaves long notes unmerged (each merge is one more call to live Excel)."""
    # Cells, styles and charts are immutable: copying the containers is enough (a deepcopy of
    # every cell took a third of the write of a large workbook).
    sheet = copy(layout)
    sheet.cells = dict(layout.cells)
    sheet.column_widths = dict(layout.column_widths)
    sheet.row_heights = dict(layout.row_heights)
    sheet.merges = list(layout.merges)
    sheet.charts = list(layout.charts)
    sheet.links = dict(layout.links)
    fitter = _OldFitter(sheet)
    if notes:
        fitter.wrap_notes()
    fitter.fit_widths()
    if heights:
        fitter.fit_heights()
    fitter.page()
    return sheet


# --- comparison ---------------------------------------------------------------------------------


def _snapshot(layout: SheetLayout) -> dict[str, object]:
    """Every field, dicts as lists of items (their order counts too)."""
    out = {}
    for field in dataclasses.fields(layout):
        value = getattr(layout, field.name)
        out[field.name] = list(value.items()) if isinstance(value, dict) else value
    return out


def _same_fitting(layout: SheetLayout) -> None:
    before = _snapshot(layout)
    for heights in (True, False):
        for notes in (True, False):
            new = finished(layout, heights=heights, notes=notes)
            old = old_finished(layout, heights=heights, notes=notes)
            assert _snapshot(new) == _snapshot(old)
    assert _snapshot(layout) == before  # the layout given is left as it was


@pytest.fixture(scope="module")
def sample_layouts() -> list[SheetLayout]:
    from treso_xl.refresh import compute, read
    from treso_xl.workbooks import sample_path

    return compute(read(sample_path())).layouts


def test_the_sample_tabs_are_fitted_as_before(sample_layouts) -> None:
    assert len(sample_layouts) >= 9
    for layout in sample_layouts:
        _same_fitting(layout)


_STYLES = [
    Style(),
    Style(bold=True),
    Style(size=14, bold=True),
    Style(size=9, italic=True),
    Style(wrap=True),
    Style(wrap=True, valign="center", fill="1F4E78", bold=True),
    Style(fill="DDEBF7", bold=True),
    Style(fill="FFC7CE"),
    Style(number_format=EURO),
    Style(number_format=EURO, bold=True, indent=2),
    Style(number_format=PERCENT),
    Style(number_format="dd/mm/yyyy"),
    Style(number_format="mmm yyyy"),
    Style(number_format='0 "j"'),
    Style(indent=1),
]
_WORDS = st.sampled_from(
    ["a", "mot", "facture", "Relance", "x" * 30, "y" * 75, "", " ", "\n", "€", "1 234,56"]
)
_TEXTS = st.lists(_WORDS, max_size=14).map(" ".join) | st.lists(_WORDS, max_size=4).map("".join)
_VALUES = st.one_of(
    st.none(),
    _TEXTS,
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from([0.0, -0.0, 1, -1, 0, 10**6, -1234567.891, 99999.5, 12.345]),
    st.integers(-(10**7), 10**7),
    st.booleans(),
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31)),
)


@st.composite
def layouts(draw: st.DrawFn) -> SheetLayout:
    # styles: shared objects, and equal styles as distinct objects (grouped apart, wrapped alike)
    pool = [*_STYLES, *(copy(s) for s in draw(st.lists(st.sampled_from(_STYLES), max_size=3)))]
    sheet = SheetLayout("Essai")
    rows, cols = draw(st.integers(1, 9)), draw(st.integers(1, 7))
    coords = st.tuples(st.integers(1, rows), st.integers(1, cols))
    cells = draw(st.lists(st.tuples(coords, _VALUES, st.sampled_from(pool)), max_size=40))
    for (row, col), value, style in cells:  # any order, rewrites included
        sheet.cells[(row, col)] = Cell(value, style)
    if draw(st.booleans()):  # whole columns of one style, as the big tabs have
        col, style = draw(st.integers(1, cols)), draw(st.sampled_from(pool))
        for row in range(1, rows + 1):
            sheet.cells[(row, col)] = Cell(draw(_VALUES), style)
    for col in draw(st.lists(st.integers(1, cols + 1), max_size=3)):
        sheet.column_widths[col] = draw(st.sampled_from([3.0, 8.43, 12.0, 20.0, 70.0]))
    for row in draw(st.lists(st.integers(1, rows), max_size=2)):
        sheet.row_heights[row] = draw(st.sampled_from([10.0, 30.0]))
    for _ in range(draw(st.integers(0, 2))):
        r1, c1 = draw(coords)
        r2, c2 = draw(st.integers(r1, rows)), draw(st.integers(c1, cols))
        sheet.merges.append((r1, c1, r2, c2))
    if draw(st.booleans()):
        anchor = draw(st.sampled_from(["A10", "C2", "E1", "H3"]))
        sheet.charts.append(Chart("line", "Courbe", anchor, (1, 1, 1, 2), ()))
    sheet.freeze = draw(st.sampled_from([None, (2, 1), (6, 2)]))
    return sheet


@settings(max_examples=400, deadline=None)
@given(layouts())
def test_any_layout_is_fitted_as_before(layout: SheetLayout) -> None:
    _same_fitting(layout)


def test_a_big_table_is_fitted_as_before() -> None:
    """Thousands of rows of one table (the case the grouping is for), merged notes included."""
    sheet = SheetLayout("Grand")
    sheet.put(1, 1, "Un titre assez long pour déborder de sa colonne " * 3, _STYLES[2])
    sheet.put(3, 1, "Section", _STYLES[6])
    sheet.put(3, 4, None, _STYLES[6])
    money, wrap, plain = _STYLES[8], _STYLES[4], _STYLES[0]
    for row in range(5, 3000):
        sheet.put(row, 1, f"F{row:05d}", plain)
        sheet.put(row, 2, ("client " * (row % 7)).strip(), wrap)
        sheet.put(row, 3, dt.date(2026, 1, 1 + row % 28), _STYLES[11])
        sheet.put(row, 4, (row - 1500) * 12.5 if row % 11 else math.nan, money)
        sheet.put(row, 5, row % 90, _STYLES[13])
        note = f"Ligne {row} : une note assez longue pour passer à la ligne suivante"
        sheet.put(row, 6, note if row % 3 else "court", plain)
        if row % 97 == 0:
            sheet.put(row, 7, "erreur de taux", _STYLES[7])
    sheet.merges.append((2, 1, 2, 3))
    sheet.put(2, 1, "Fusionné " * 20, wrap)
    _same_fitting(sheet)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.sampled_from([1.0, 2.0, 3.0, 8.43, 12.0, 70.0]), st.sampled_from(_STYLES))
def test_one_line_exactly_when_the_joined_words_fit(text: str, width: float, style: Style) -> None:
    from treso_xl.layout.page import _Fitter

    per_line = _Fitter(SheetLayout("T")).per_line(width, style)
    fits = "\n" not in text and (len(text) <= per_line or len(" ".join(text.split())) <= per_line)
    assert fits == (text_lines(text, width, style) == 1)


# --- text_lines and the shown numbers as they were ----------------------------------------------


def old_text_lines(text: str, width: float, style: Style) -> int:
    per_line = max(1.0, (width - 1.0) * _chars_per_width(style))
    text = str(text)
    if len(text) <= per_line and "\n" not in text:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        count, used = 1, 0.0
        for word in _WORD.findall(paragraph):
            size = len(word)
            if used and used + 1 + size > per_line:
                count += 1
                used = 0.0
            used = (used + 1 + size) if used else float(size)
            while used > per_line:
                count += 1
                used -= per_line
        lines += count
    return lines


def _old_group(text: str) -> str:
    head, _, tail = text.partition(".")
    sign = "-" if head.startswith("-") else ""
    digits = head.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + " ".join(groups) + ("," + tail if tail else "")


def old_shown_number(number: float, number_format: str | None) -> str:
    if not math.isfinite(number):
        return ""
    fmt = number_format or "General"
    if "%" in fmt:
        return f"{number * 100:.1f} %"
    decimals = 2 if "0.00" in fmt else 0
    text = _old_group(f"{number:.{decimals}f}") if "#,##0" in fmt else f"{number:.{decimals}f}"
    if "€" in fmt:
        text += " €"
    elif '"j"' in fmt:
        text += " j"
    return text


_FORMATS = st.sampled_from([None, EURO, PERCENT, '#,##0 "€";[Red]-#,##0 "€"', '0 "j"', "0"])


@settings(max_examples=500, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**12), 10**12), _FORMATS)
def test_numbers_are_shown_as_before(number, number_format) -> None:
    from treso_xl.layout.page import _shown_number

    assert _shown_number(float(number), number_format) == old_shown_number(
        float(number), number_format
    )


@settings(max_examples=500, deadline=None)
@given(
    _TEXTS | st.text(max_size=300),
    st.sampled_from([0.5, 1.0, 2.0, 3.0, 8.43, 12.0, 26.0, 70.0, 75.0]),
    st.sampled_from(_STYLES),
)
def test_text_lines_as_before(text: str, width: float, style: Style) -> None:
    assert text_lines(text, width, style) == old_text_lines(text, width, style)


def test_many_merged_cells_are_fitted_as_before() -> None:
    """Merged cells with a value that do not end their row, many of them (found by position)."""
    sheet = SheetLayout("Fusions")
    wrap, plain, money = _STYLES[4], _STYLES[0], _STYLES[8]
    for row in range(1, 60):
        sheet.put(row, 1, f"Libellé fusionné numéro {row} " * (row % 4), wrap)
        sheet.put(row, 3, row * 10.5, money)
        sheet.put(row, 4, "fin de ligne assez longue pour déborder " * (row % 3), plain)
        if row % 2:
            sheet.merges.append((row, 1, row, 2))
        if row % 5 == 0:
            sheet.merges.append((row, 3, row + 1, 3))  # over two rows
    _same_fitting(sheet)
    few = SheetLayout("Quelques fusions")
    for row in range(1, 12):
        few.put(row, 1, "Texte " * row, wrap)
        few.put(row, 2, float(row), money)
        if row < 4:
            few.merges.append((row, 1, row, 1))
    _same_fitting(few)
