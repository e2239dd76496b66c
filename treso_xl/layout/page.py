"""Screen and print fitting of a `SheetLayout`: notes wrapped, widths and heights, page set-up.

Both renderers call `finished` on each layout: long notes are wrapped in a merged area of the
table's width, columns are widened to show their French-formatted values and their headers'
words, rows holding wrapped text get an explicit height (LibreOffice does not grow a row that has
none), and the print set-up is decided (A4, landscape when wider than a portrait page, one page
wide, header rows repeated, footer).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from copy import copy

from treso_xl.cells import column_index as column_index_from_string
from treso_xl.cells import coordinate as coordinate_from_string
from treso_xl.layout.model import PLAIN, Cell, SheetLayout, Style

DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters of '0'
DEFAULT_HEIGHT = 15.0  # points, a row of Calibri 11
MAX_HEIGHT = 409.0  # Excel's largest row height
MAX_WIDTH = 60.0  # a column is never widened beyond this: its text wraps instead
BASE_SIZE = 11.0
TEXT_GROWTH = 1.6  # a column of unwrapped text grows at most this much (then its text wraps)
MIN_TEXT_WIDTH = 18.0  # ... or up to this width
PORTRAIT_WIDTH_PT = 530.0  # printable width of an A4 portrait page with the default margins
POINTS_PER_CHAR = 5.6  # one character of column width, in points (Calibri 11)
FOOTER_PAGE = "Page &P / &N"

_WORD = re.compile(r"\S+")


def _chars_per_width(style: Style) -> float:
    """Characters of ordinary French text that fit in one unit of column width."""
    size = style.size or BASE_SIZE
    factor = 1.1 * BASE_SIZE / size
    return factor * (0.9 if style.bold else 1.0)


def _line_height(style: Style) -> float:
    return DEFAULT_HEIGHT * (style.size or BASE_SIZE) / BASE_SIZE


def text_lines(text: str, width: float, style: Style = PLAIN) -> int:
    """Lines `text` takes once wrapped in `width` (column-width units), word by word."""
    per_line = max(1.0, (width - 1.0) * _chars_per_width(style))
    text = str(text)
    if len(text) <= per_line and "\n" not in text:
        return 1  # its words and the spaces between them fit in one line
    lines = 0
    for paragraph in text.split("\n"):
        count, used = 1, 0.0
        for word in _WORD.findall(paragraph):
            size = len(word)
            if used and used + 1 + size > per_line:
                count += 1
                used = 0.0
            used = (used + 1 + size) if used else float(size)
            while used > per_line:  # a word longer than the line is cut
                count += 1
                used -= per_line
        lines += count
    return lines


def _group(text: str) -> str:
    """Thousands grouped by a space, as the French settings print them."""
    head, _, tail = text.partition(".")
    sign = "-" if head.startswith("-") else ""
    digits = head.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + " ".join(groups) + ("," + tail if tail else "")


def shown_text(value: object, number_format: str | None) -> str:
    """About what a cell shows with French settings (for widths only)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if kind is float or kind is int:
        return _shown_number(float(value), number_format)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, dt.datetime):
        return "00/00/0000 00:00"
    if isinstance(value, dt.date):
        fmt = number_format or "dd/mm/yyyy"
        return "sept. 2026" if "mmm" in fmt else "00/00/0000"
    if isinstance(value, numbers.Real):
        return _shown_number(float(value), number_format)
    return str(value)


def _shown_number(number: float, number_format: str | None) -> str:
    if not math.isfinite(number):
        return ""
    fmt = number_format or "General"
    if "%" in fmt:
        return f"{number * 100:.1f} %"
    decimals = 2 if "0.00" in fmt else 0
    text = _group(f"{number:.{decimals}f}") if "#,##0" in fmt else f"{number:.{decimals}f}"
    if "€" in fmt:
        text += " €"
    elif '"j"' in fmt:
        text += " j"
    return text


class _Fitter:
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


def finished(layout: SheetLayout, heights: bool = True, notes: bool = True) -> SheetLayout:
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
    fitter = _Fitter(sheet)
    if notes:
        fitter.wrap_notes()
    fitter.fit_widths()
    if heights:
        fitter.fit_heights()
    fitter.page()
    return sheet


def footer_parts(entreprise: str, tab: str, refreshed: dt.date) -> tuple[str, str, str]:
    """Footer of a printed tab: company, tab and refresh date, page n/N."""
    clean = entreprise.replace("&", "&&")
    return (clean, f"{tab.replace('&', '&&')} — actualisé le {refreshed:%d/%m/%Y}", FOOTER_PAGE)


def set_footers(layouts: list[SheetLayout], entreprise: str, refreshed: dt.date) -> None:
    """Give every layout the footer naming the company, its tab and the refresh date."""
    for layout in layouts:
        layout.footer = footer_parts(entreprise, layout.name, refreshed)
