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
from bisect import bisect_left
from copy import copy
from itertools import compress
from operator import attrgetter, itemgetter

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
_WRAPPED: dict[Style, Style] = {}  # style -> the same wrapped, across layouts (bounded)
_WRAPPED_MAX = 1024


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
        if len(paragraph) <= per_line:
            lines += 1  # its words and the spaces between them fit in one line
            continue
        count, used = 1, 0.0
        for size in map(len, paragraph.split()):  # the words (as _WORD finds them)
            if used and used + 1 + size > per_line:
                count += 1
                used = 0.0
            used = (used + 1 + size) if used else float(size)
            while used > per_line:  # a word longer than the line is cut
                count += 1
                used -= per_line
        lines += count
    return lines


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
    if "#,##0" in fmt:  # thousands grouped by a space, as _group does
        text = f"{number:,.{decimals}f}".replace(",", " ").replace(".", ",")
    else:
        text = f"{number:.{decimals}f}"
    if "€" in fmt:
        text += " €"
    elif '"j"' in fmt:
        text += " j"
    return text


class _Group:
    """The cells of one column sharing one style object: the unit the fitting works on."""

    __slots__ = ("col", "indexes", "style", "values")

    def __init__(self, col: int, style: Style) -> None:
        self.col = col
        self.style = style
        self.indexes: list[int] = []  # positions of the cells in the layout's cells (dict order)
        self.values: list = []  # their values (never None in a group of values)


class _Fitter:
    """Fits one layout. The cells are walked once and gathered by column and style object;
    widths, heights and wraps are then decided per group and per distinct text, with the same
    results as deciding cell by cell in the cells' order (tests/test_layout_speed_page.py)."""

    def __init__(
        self, layout: SheetLayout, original: dict[tuple[int, int], Cell] | None = None
    ) -> None:
        self.sheet = layout
        # the cells as they were before any fitting (the groups' styles): `layout.cells` is changed
        self.original = dict(layout.cells) if original is None else original
        self.merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for box in layout.merges:
            for r in range(box[0], box[2] + 1):
                for c in range(box[1], box[3] + 1):
                    self.merged[(r, c)] = box
        self.keys = list(layout.cells)
        groups: dict[tuple[int, int], _Group] = {}  # (col, style id) -> the cells with a value
        empties: dict[tuple[int, int], _Group] = {}  # same for the cells without a value
        adders: dict[tuple[int, int], tuple] = {}
        get = adders.get
        rightmost: dict[int, int] = {}  # row -> last column holding a value
        rightmost_at: dict[int, int] = {}  # row -> position of that last cell
        filled = 0
        i = -1
        run_row, run_col, run_at = None, 0, 0  # the row of the last cells walked, its last cell
        for (row, col), cell in layout.cells.items():
            i += 1
            value = cell.value
            if value is None:
                style = cell.style
                if style.fill and col > filled:
                    filled = col
                group = empties.get((col, id(style)))
                if group is None:
                    group = empties[(col, id(style))] = _Group(col, style)
                group.indexes.append(i)
                continue
            gkey = (col, id(cell.style))
            add = get(gkey)
            if add is None:
                group = groups[gkey] = _Group(col, cell.style)
                add = adders[gkey] = (group.indexes.append, group.values.append)
            add[0](i)
            add[1](value)
            if row == run_row:  # cells are mostly written row after row
                if col > run_col:
                    run_col, run_at = col, i
            else:
                if run_row is not None and rightmost.get(run_row, 0) < run_col:
                    rightmost[run_row] = run_col
                    rightmost_at[run_row] = run_at
                run_row, run_col, run_at = row, col, i
        if run_row is not None and rightmost.get(run_row, 0) < run_col:
            rightmost[run_row] = run_col
            rightmost_at[run_row] = run_at
        self.rightmost_at = rightmost_at
        self.groups = groups
        self.empties = empties
        self.rightmost = rightmost
        self.last_col = max(filled, max(rightmost.values(), default=1))
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
        self._row_last: dict[int, int] | None = None  # row -> last column holding any cell
        self._unmerged = False
        self.merged_index: dict[tuple[int, int], int] = {}  # merged cell with a value -> position

    def wrapped(self, style: Style) -> Style:
        """`style` wrapped, top-aligned unless it says otherwise (one Style per equal styles)."""
        known = self._wrapped.get(id(style))
        if known is None:
            done = _WRAPPED.get(style)  # by value: the same styles come back tab after tab
            if done is None:
                if len(_WRAPPED) >= _WRAPPED_MAX:
                    _WRAPPED.clear()
                done = _WRAPPED[style] = style.but(wrap=True, valign=style.valign or "top")
            known = (style, done)
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
        per = self.per_width(style)
        if len(text) <= (width - 1.0) * per and "\n" not in text:
            return 1  # text_lines' first test (a line holds at least one character)
        key = (text, width, per)
        count = self._lines.get(key)
        if count is None:
            count = self._lines[key] = text_lines(text, width, style)
        return count

    def per_line(self, width: float, style: Style) -> float:
        """Characters per line of `text_lines` (a text of one paragraph stays on one line when
        its words joined by single spaces fit in it: the wrapping never breaks a line then)."""
        return max(1.0, (width - 1.0) * self.per_width(style))

    def width(self, col: int) -> float:
        return self.sheet.column_widths.get(col, DEFAULT_WIDTH)

    def span_width(self, first: int, last: int) -> float:
        return sum(self.width(c) for c in range(first, last + 1))

    def _alone(self, row: int, col: int) -> bool:
        """Whether the cell at (row, col), the last holding a value in its row, is its only one."""
        cells = self.original
        for c in range(1, col):
            cell = cells.get((row, c))
            if cell is not None and cell.value is not None:
                return False
        return True

    def wrap_notes(self) -> None:
        """A text ending its row that overflows its column, or a lone banner, is merged to the
        table's last column and wrapped there."""
        sheet = self.sheet
        cells = sheet.cells
        merged = self.merged
        note_col, last_col = self.note_col, self.last_col
        rightmost = self.rightmost
        limits: dict[tuple[int, int], float] = {}  # (col, style id) -> characters per line
        for row in sorted(rightmost):
            col = rightmost[row]
            cell = cells[(row, col)]
            value = cell.value
            if not isinstance(value, str) or (row, col) in merged:
                continue
            last = note_col if col < note_col else last_col
            if col < last and any((row, c) in cells for c in range(col + 1, last + 1)):
                if col == 1:  # alone, being the first
                    self._extend_banner(row)
                continue  # styled cells already span the row
            style = cell.style
            # the wrap flag does not change the characters per line: the style as it is
            limit = limits.get((col, id(style)))
            if limit is None:
                limit = limits[(col, id(style))] = self.per_line(self.width(col), style)
            if "\n" in value:
                overflows = True  # two paragraphs at least
            else:
                overflows = len(value) > limit and len(" ".join(value.split())) > limit
            if not overflows and not (style.fill and self._alone(row, col)):
                continue
            if col < last:
                box = (row, col, row, last)
                sheet.merges.append(box)
                for c in range(col, last + 1):
                    merged[(row, c)] = box
            if overflows and col < last:
                cells[(row, col)] = Cell(value, self.wrapped(style))
            elif overflows:
                self.to_wrap.add((col, style))
        self._wrap_columns()

    def _wrap_columns(self) -> None:
        """Wrap every cell of a column sharing a style one of them needed wrapped (formats stay
        whole blocks, which live Excel writes in few calls)."""
        if not self.to_wrap:
            return
        to_wrap = self.to_wrap
        cols = {col for col, _ in to_wrap}
        cells = self.sheet.cells
        merged = self.merged
        keys = self.keys
        for groups in (self.groups, self.empties):
            for group in groups.values():
                if group.col not in cols or (group.col, group.style) not in to_wrap:
                    continue
                style = self.wrapped(group.style)
                values = group.values or [None] * len(group.indexes)
                for i, value in zip(group.indexes, values, strict=True):
                    key = keys[i]
                    if not (merged and key in merged):
                        cells[key] = Cell(value, style)
                group.style = style
        self.to_wrap.clear()

    def _extend_banner(self, row: int) -> None:
        """A section title whose fill stops before the table's last column: fill to the end."""
        sheet = self.sheet
        cells = sheet.cells
        fill = cells[(row, 1)].style.fill
        if not fill:
            return
        if self._row_last is None:  # rows are handled in order: later rows are not extended yet
            self._row_last = dict(sorted(cells))
        last = self._row_last[row]
        if all(cells[(row, c)].style.fill == fill for c in range(1, last + 1) if (row, c) in cells):
            style = cells[(row, last)].style
            for c in range(last + 1, self.last_col + 1):
                cells[(row, c)] = Cell(None, style)
                self.keys.append((row, c))
                group = self.empties.get((c, id(style)))
                if group is None:
                    group = self.empties[(c, id(style))] = _Group(c, style)
                group.indexes.append(len(self.keys) - 1)

    def _unmerge_groups(self) -> None:
        """Leave the merged cells out of the groups (merges are final once notes are wrapped)."""
        if self._unmerged:
            return
        self._unmerged = True
        original = self.original
        rightmost, rightmost_at = self.rightmost, self.rightmost_at
        drops: dict[int, tuple[_Group, set[int]]] = {}  # group id -> positions of merged cells
        others = []  # merged cells with a value, not the last of their row: few
        for key in self.merged:
            cell = original.get(key)
            if cell is None or cell.value is None:
                continue
            group = self.groups[(key[1], id(cell.style))]
            if rightmost.get(key[0]) == key[1]:  # a note wrapped by wrap_notes, for one
                self._drop(drops, group, key, rightmost_at[key[0]])
            else:
                others.append((key, group))
        if len(others) > 16:
            keys = self.keys
            where = dict(zip(keys, range(len(keys)), strict=True))
            for key, group in others:
                self._drop(drops, group, key, where[key])
        else:
            for key, group in others:
                j = _pick(self.keys, group.indexes).index(key)
                self._drop(drops, group, key, group.indexes[j])
        for group, dropped in drops.values():
            if len(dropped) < 8:
                for i in dropped:
                    j = bisect_left(group.indexes, i)
                    del group.indexes[j]
                    del group.values[j]
            else:
                kept = [
                    (i, v)
                    for i, v in zip(group.indexes, group.values, strict=True)
                    if i not in dropped
                ]
                group.indexes = [i for i, _ in kept]
                group.values = [v for _, v in kept]

    def _drop(self, drops: dict, group: _Group, key: tuple[int, int], i: int) -> None:
        self.merged_index[key] = i
        known = drops.get(id(group))
        if known is None:
            known = drops[id(group)] = (group, set())
        known[1].add(i)

    def fit_widths(self) -> None:
        """Widen each column to its longest shown value and its headers' longest word."""
        sheet = self.sheet
        self._unmerge_groups()
        rightmost = self.rightmost
        keys = self.keys
        wants: list[tuple[int, int, float]] = []  # (first cell's position, column, width)
        longest: dict[str, int] = {}  # text -> its longest word
        for group in self.groups.values():
            values = group.values
            if not values:
                continue
            col, style = group.col, group.style
            kinds = set(map(type, values))
            if kinds <= _NUMBER_TYPES and _all_finite(values):
                # plain numbers: the longest shown is the largest or the most negative of a
                # column's numbers of one style (fixed decimals: the text grows with the magnitude)
                wants.append((group.indexes[0], col, _number_want(min(values), max(values), style)))
                continue
            if len(kinds) == 1 and kinds <= _FIXED_TYPES:  # shown at the same length
                text = shown_text(values[0], style.number_format)
                want = len(text) * (1.1 if style.bold else 1.0) + 2.0 + style.indent
                wants.append((group.indexes[0], col, want))
                continue
            per = self.per_width(style)
            if kinds == _STR and style.wrap:
                word = 0
                for text in set(values):
                    size = longest.get(text)
                    if size is None:
                        size = longest[text] = max(map(len, text.split()), default=0)
                    if size > word:
                        word = size
                wants.append((group.indexes[0], col, word / per + 1.5))
                continue
            if kinds == _STR:
                lasts = list(map(rightmost.__getitem__, map(_first, _pick(keys, group.indexes))))
                if min(lasts) > col:  # every text has cells on its right
                    size = max(map(len, values))
                    wants.append((group.indexes[0], col, self._text_want(col, style, per, size)))
                    continue
                # the texts with cells on their right (the others overflow freely)
                first = next(compress(group.indexes, map(col.__lt__, lasts)), -1)
                if first >= 0:
                    size = max(map(len, compress(values, map(col.__lt__, lasts))))
                    wants.append((first, col, self._text_want(col, style, per, size)))
                continue
            self._mixed_widths(group, per, wants, longest)
        needed: dict[int, float] = {}
        for _, col, want in sorted(wants, key=_first):
            needed[col] = max(needed.get(col, 0.0), want)
        self._wrap_columns()
        for col, want in needed.items():
            if want > self.width(col):
                sheet.column_widths[col] = round(min(want, MAX_WIDTH), 1)

    def _text_want(self, col: int, style: Style, per: float, size: int) -> float:
        """Width wanted by an unwrapped text of `size` characters with cells on its right:
        widened a little, else wrapped (one long name must not widen a table)."""
        width = self.width(col)
        cap = min(max(width * TEXT_GROWTH, MIN_TEXT_WIDTH), MAX_WIDTH)
        if size / per + 1.5 > max(cap, width):
            self.to_wrap.add((col, style))
        return min(size / per + 1.5, cap)

    def _mixed_widths(
        self, group: _Group, per: float, wants: list[tuple[int, int, float]], longest: dict
    ) -> None:
        """`fit_widths` for a group of values of several kinds, cell by cell."""
        col, style = group.col, group.style
        rightmost, keys = self.rightmost, self.keys
        low = high = None
        first_number = -1
        for i, value in zip(group.indexes, group.values, strict=True):
            kind = type(value)
            if (kind is float or kind is int) and math.isfinite(value):
                if first_number < 0:
                    first_number, low, high = i, value, value
                elif value < low:
                    low = value
                elif value > high:
                    high = value
                continue
            if isinstance(value, str):
                if style.wrap:
                    word = longest.get(value)
                    if word is None:
                        word = longest[value] = max(map(len, value.split()), default=0)
                    want = word / per + 1.5
                elif rightmost[keys[i][0]] <= col:
                    continue  # nothing to its right: free to overflow, it widens nothing
                else:
                    want = self._text_want(col, style, per, len(value))
            else:
                text = shown_text(value, style.number_format)
                want = len(text) * (1.1 if style.bold else 1.0) + 2.0 + style.indent
            wants.append((i, col, want))
        if first_number >= 0:
            wants.append((first_number, col, _number_want(low, high, style)))

    def fit_heights(self) -> None:
        """Give each row holding wrapped or large text the height its lines take."""
        sheet = self.sheet
        self._unmerge_groups()
        keys = self.keys
        heights: list[tuple[int, int, float]] = []  # (cell's position, row, height)
        for group in self.groups.values():
            style = group.style
            if (not style.wrap and not style.size) or not group.values:
                continue  # one line of the default height
            if not style.wrap:
                height = _line_height(style)
                if height > DEFAULT_HEIGHT:
                    heights.extend((i, keys[i][0], height) for i in group.indexes)
                continue
            width = self.width(group.col)
            values = group.values
            if set(map(type, values)) == _STR:  # the height of each distinct text
                known = {text: self._height(text, width, style) for text in set(values)}
                if max(known.values()) > DEFAULT_HEIGHT:
                    rows = map(_first, _pick(keys, group.indexes))
                    heights += [
                        (i, row, height)
                        for i, row, height in zip(
                            group.indexes, rows, map(known.get, values), strict=True
                        )
                        if height > DEFAULT_HEIGHT
                    ]
                continue
            known = {}
            for i, value in zip(group.indexes, values, strict=True):
                height = known.get(value) if type(value) is str else None
                if height is None:
                    height = self._height(value, width, style)
                    if type(value) is str:
                        known[value] = height
                if height > DEFAULT_HEIGHT:
                    heights.append((i, keys[i][0], height))
        if self.merged:
            cells = sheet.cells
            for key, i in self.merged_index.items():
                row, col = key
                box = self.merged[key]
                if box[0] != row or box[1] != col or box[2] != row:
                    continue  # inside a merge, or a merge over several rows
                cell = cells[key]
                style = cell.style
                if not style.wrap and not style.size:
                    continue
                height = self._height(cell.value, self.span_width(box[1], box[3]), style)
                if height > DEFAULT_HEIGHT:
                    heights.append((i, row, height))
        heights.sort()  # in the cells' order (positions are distinct)
        wanted: dict[int, float] = {}
        get = wanted.get
        for _, row, height in heights:
            if get(row, 0.0) < height:
                wanted[row] = height
        for row, height in wanted.items():
            current = sheet.row_heights.get(row, 0.0)
            if height > current:
                sheet.row_heights[row] = round(min(height, MAX_HEIGHT), 1)

    def _height(self, value: object, width: float, style: Style) -> float:
        """Height of a cell of `style` holding `value` in `width`."""
        lines = 1
        if style.wrap and isinstance(value, str):
            lines = self.lines(value, width, style)
        return lines * _line_height(style) + (3.0 if lines > 1 else 0.0)

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


_NUMBER_TYPES = frozenset((float, int))
_STR = {str}
# dates, times and booleans: shown at one length per type and format (see shown_text)
_FIXED_TYPES = frozenset((dt.date, dt.datetime, bool))
_first = itemgetter(0)
_col = attrgetter("col")


def _pick(items: list, indexes: list[int]) -> tuple:
    """The items at these positions."""
    if len(indexes) == 1:
        return (items[indexes[0]],)
    return itemgetter(*indexes)(items) if indexes else ()


def _all_finite(numbers: list) -> bool:
    """Whether every one of these floats and ints is finite (False when unsure)."""
    try:
        return math.isfinite(sum(numbers))  # a NaN or an infinity makes the sum not finite
    except OverflowError:  # an int too large for a float
        return False


def _number_want(low: float, high: float, style: Style) -> float:
    """Width wanted by numbers of one style from `low` to `high`."""
    text = max(shown_text(low, style.number_format), shown_text(high, style.number_format), key=len)
    return len(text) * (1.1 if style.bold else 1.0) + 2.0 + style.indent


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
    fitter = _Fitter(sheet, layout.cells)
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
