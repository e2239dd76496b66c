"""Render `SheetLayout`s into an open workbook through xlwings: values in bulk, formats by blocks.

The same layouts as the file renderer (`treso_xl/render/xlsx_layout.py`), written with the
members of xlwings that both desktop engines (Windows and macOS) implement:

- each tab's values in one `Range.value` write; every text is written with a leading apostrophe,
  which Excel keeps out of the value, so that "=SUM(A1)", "-5", "01/02" or "VRAI" stay texts;
- each format (fill, font, number format, alignments, wrap, top and bottom borders) on the
  fewest rectangles of cells sharing its value;
- on Windows, all the rectangles of one format through a single range of several areas
  ("A1:C1,A5:C5"), and formats of different kinds through the same range where each may go;
  on macOS, whose engine cannot address several areas, one range per rectangle;
- column widths and row heights by size, merged cells, native charts.

A tab the tool wrote before (it carries the marker of `treso_xl/tab_identity.py`) is cleared and
rewritten in place, so that the user's formulas that point into it keep working; a new tab is added
after the last sheet, with its marker; a user's sheet bearing a tab's name stops the write before
anything is touched. What xlwings' desktop engines do not
offer (frozen panes, indents, tab colours) is left out; the page set-up goes through Excel's
PageSetup object on Windows only (`_page_setup`); conditional formats are not
needed: every highlight of the layouts is computed by the engine and written as a plain format.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from treso_xl.cells import ILLEGAL_CHARACTERS_RE
from treso_xl.cells import column_letter as column_letters
from treso_xl.layout.model import DATE, PLAIN, Chart, SheetLayout, Style
from treso_xl.layout.page import finished
from treso_xl.tab_identity import (
    MARKER,
    SheetConflictError,
    is_marker,
    marker_formula,
    marker_text,
    quote_sheet,
    sheet_key,
)

DATETIME = "dd/mm/yyyy hh:mm"
MAX_TEXT = 32767
BORDER_COLOR = "#808080"
POINTS_PER_CM = 72 / 2.54
MAX_ADDRESS = 255  # the longest address Excel's Worksheet.Range accepts

Box = tuple[int, int, int, int]  # first row, first column, last row, last column

# Style attributes written to Excel, in the order they are applied.
FORMAT_ATTRIBUTES = (
    "number_format",
    "fill",
    "font_color",
    "bold",
    "italic",
    "size",
    "align",
    "valign",
    "wrap",
    "border_top",
    "border_bottom",
)
FONT_ATTRIBUTES = ("bold", "italic", "size", "font_color")
# Kinds of format writes, in the order they are applied ("font" sets the four above at once).
KINDS = ("number_format", "fill", "font", "align", "valign", "wrap", "border_top", "border_bottom")
BORDER_KINDS = ("border_top", "border_bottom")
# Style attributes the desktop engines cannot write (see the module docstring).
SKIPPED_ATTRIBUTES = ("indent",)


# --- values ------------------------------------------------------------------------------------


def excel_value(value: object) -> object:
    """A layout value as written through `Range.value`: texts protected, NaN and NaT empty."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]
        return "'" + text if text else None
    if isinstance(value, dt.datetime):
        if value != value:  # pandas.NaT
            return None
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    raise TypeError(f"unsupported cell value {value!r}")


LINK_TIP = "Cliquez pour y aller"
MAX_LINKS = 10


def link_text(value: object, place: str) -> str:
    """The text a link cell shows: its value, or the place it leads to."""
    if value is None or value == "":
        return place
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_TEXT]


def value_grid(layout: SheetLayout) -> list[list[object]]:
    """The layout's values from A1 to its last cell, as written to Excel."""
    width = layout.max_col  # computed from the cells: once, not per row
    grid: list[list[object]] = [[None] * width for _ in range(layout.max_row)]
    for (row, col), cell in layout.cells.items():
        grid[row - 1][col - 1] = excel_value(cell.value)
    return grid


def effective_style(value: object, style: Style) -> Style:
    """The style a cell gets: dates without a number format are shown as dates."""
    if style.number_format or not isinstance(value, dt.date):
        return style
    if isinstance(value, dt.datetime):
        return style.but(number_format=DATETIME) if value == value else style
    return style.but(number_format=DATE)


# --- rectangles --------------------------------------------------------------------------------


def _row_major(cells: set[tuple[int, int]]) -> list[Box]:
    rows: dict[int, list[int]] = {}
    for row, col in cells:
        rows.setdefault(row, []).append(col)
    runs_: list[tuple[int, int, int]] = []
    for row in sorted(rows):
        cols = sorted(rows[row])
        start = prev = cols[0]
        for col in cols[1:]:
            if col != prev + 1:
                runs_.append((row, start, prev))
                start = col
            prev = col
        runs_.append((row, start, prev))
    boxes: list[Box] = []
    open_: dict[tuple[int, int], list[int]] = {}  # column span -> [first row, last row]
    for row, first, last in runs_:
        span = (first, last)
        rows_ = open_.get(span)
        if rows_ is not None and rows_[1] == row - 1:
            rows_[1] = row
            continue
        if rows_ is not None:
            boxes.append((rows_[0], first, rows_[1], last))
        open_[span] = [row, row]
    boxes += [(r1, first, r2, last) for (first, last), (r1, r2) in open_.items()]
    return sorted(boxes)


def _grown(needed: set[tuple[int, int]], allowed: set[tuple[int, int]]) -> list[Box]:
    """Greedy cover of `needed` by rectangles inside `allowed`, which may overlap."""
    left = set(needed)
    boxes: list[Box] = []
    while left:
        row, col = min(left)
        best: tuple[int, Box] | None = None
        for steps in (("right", "down"), ("down", "right")):
            r1, c1, r2, c2 = row, col, row, col
            for step in steps:
                if step == "right":
                    while all((r, c2 + 1) in allowed for r in range(r1, r2 + 1)):
                        c2 += 1
                else:
                    while all((r2 + 1, c) in allowed for c in range(c1, c2 + 1)):
                        r2 += 1
            covered = sum(1 for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in left)
            if best is None or covered > best[0]:
                best = (covered, (r1, c1, r2, c2))
        assert best is not None
        box = best[1]
        boxes.append(box)
        left -= {(r, c) for r in range(box[0], box[2] + 1) for c in range(box[1], box[3] + 1)}
    return sorted(boxes)


def rectangles(cells: Iterable[tuple[int, int]], free: Iterable[tuple[int, int]] = ()) -> list[Box]:
    """Cover `cells` with few rectangles; cells of `free` may be covered too (they look the same).

    Tries runs merged by rows, by columns, and rectangles grown through the free cells, and keeps
    the fewest.
    """
    cells = set(cells)
    if not cells:
        return []
    candidates = [
        _row_major(cells),
        sorted((r1, c1, r2, c2) for c1, r1, c2, r2 in _row_major({(c, r) for r, c in cells})),
    ]
    free = set(free) - cells
    if free:
        candidates.append(_grown(cells, cells | free))
    return min(candidates, key=len)


def _visible(value: object) -> bool:
    return value is not None and value != ""


def _numeric(value: object) -> bool:
    return isinstance(value, numbers.Real | dt.date) and not isinstance(value, bool)


def general_alignment(value: object) -> str:
    """How Excel aligns a value left in "General": numbers and dates right, booleans centred."""
    if isinstance(value, bool):
        return "center"
    return "right" if _numeric(value) else "left"


def shows(kind: str, attribute: Any, value: object) -> bool:
    """Whether format `kind` set to `attribute` can be seen on a cell holding `value`."""
    if kind == "number_format":
        return _numeric(value)
    if kind in ("fill", "border_top", "border_bottom"):
        return True
    if kind == "font" and any(name == "size" for name, _ in attribute):
        return True  # a size changes the row's height, even on an empty cell
    if not _visible(value):
        return False
    if kind == "align":
        return attribute != general_alignment(value)
    if kind == "wrap":
        return isinstance(value, str)  # Excel never wraps numbers, dates or booleans
    return True


@dataclass(frozen=True)
class FormatGroup:
    """One format and every cell of a tab that takes it.

    `cells` are where it is wanted and seen; `allowed` adds the cells where it cannot be seen and
    no other value of the same kind is wanted, so it may be written there too; `boxes` cover
    `cells` with few rectangles inside `allowed`.
    """

    kind: str
    value: Any
    cells: frozenset[tuple[int, int]]
    allowed: frozenset[tuple[int, int]]
    boxes: tuple[Box, ...]


def format_groups(layout: SheetLayout) -> list[FormatGroup]:
    """Every format of a tab with the cells it goes on, in the order they are written.

    A format that cannot be seen on a cell (see `shows`: a number format on a text, a font or an
    alignment on an empty cell, "left" on a text, wrapping on a number) is not needed there, and
    such a cell may be covered by a rectangle carrying any value of that format, so that
    rectangles grow through it. Fills and borders show everywhere.
    """
    cells = {
        key: (cell.value, effective_style(cell.value, cell.style))
        for key, cell in layout.cells.items()
    }
    rows, cols = layout.max_row, layout.max_col  # computed from the cells: once
    block = [(r, c) for r in range(1, rows + 1) for c in range(1, cols + 1)]
    wanted: dict[tuple[str, Any], set[tuple[int, int]]] = {}
    needs: dict[str, set[tuple[int, int]]] = {kind: set() for kind in KINDS}
    for key, (value, style) in cells.items():
        for kind, attribute in _attributes(style):
            if shows(kind, attribute, value):
                wanted.setdefault((kind, attribute), set()).add(key)
                needs[kind].add(key)

    groups: list[FormatGroup] = []
    for (kind, attribute), found in sorted(wanted.items(), key=lambda item: _order(item[0])):
        free = [
            key
            for key in block
            if key not in needs[kind] and not shows(kind, attribute, cells.get(key, (None,))[0])
        ]
        boxes = tuple(rectangles(found, free))
        groups.append(
            FormatGroup(kind, attribute, frozenset(found), frozenset(found).union(free), boxes)
        )
    return groups


def _attributes(style: Style) -> list[tuple[str, Any]]:
    """The non-default formats of a style: ("font", settings) or (attribute, value)."""
    out: list[tuple[str, Any]] = []
    font = tuple(
        (name, getattr(style, name))
        for name in FONT_ATTRIBUTES
        if getattr(style, name) != getattr(PLAIN, name)
    )
    if font:
        out.append(("font", font))
    for name in FORMAT_ATTRIBUTES:
        if name not in FONT_ATTRIBUTES and getattr(style, name) != getattr(PLAIN, name):
            out.append((name, getattr(style, name)))
    return out


def _order(key: tuple[str, object]) -> tuple[int, str]:
    kind = key[0]
    return (KINDS.index(kind), repr(key[1]))


def runs(sizes: dict[int, float]) -> list[tuple[int, int, float]]:
    """Consecutive indices with the same size: (first, last, size)."""
    out: list[tuple[int, int, float]] = []
    for index in sorted(sizes):
        size = sizes[index]
        if out and out[-1][1] == index - 1 and out[-1][2] == size:
            out[-1] = (out[-1][0], index, size)
        else:
            out.append((index, index, size))
    return out


# --- writing -----------------------------------------------------------------------------------


def _hex(color: str) -> str:
    text = color.strip().lstrip("#").upper()
    if len(text) == 8:  # AARRGGBB
        text = text[2:]
    if len(text) != 6:
        raise ValueError(f"invalid colour {color!r}: expected RRGGBB")
    return "#" + text


def engine_platform() -> str:
    """The platform whose xlwings engine drives Excel: "darwin" is macOS, anything else Windows."""
    return sys.platform


def several_areas() -> bool:
    """Whether one range may hold several areas ("A1:B2,D4").

    The Windows engine hands the address to `Worksheet.Range`, which takes unions; the macOS
    engine (`_xlmac.Sheet.range`) splits it at its colons and keeps the first cell only.
    """
    return engine_platform() != "darwin"


def cell_address(box: Box) -> str:
    """ "B3" or "B3:D7"."""
    r1, c1, r2, c2 = box
    first = f"{column_letters(c1)}{r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{column_letters(c2)}{r2}"


def address_chunks(boxes: Sequence[Box], several: bool) -> list[tuple[str, list[Box]]]:
    """The addresses covering `boxes`, with their rectangles: one per rectangle, or unions of at
    most 255 characters."""
    chunks: list[tuple[str, list[Box]]] = []
    for box in boxes:
        part = cell_address(box)
        if several and chunks and len(chunks[-1][0]) + 1 + len(part) <= MAX_ADDRESS:
            address, members = chunks[-1]
            chunks[-1] = (f"{address},{part}", [*members, box])
        else:
            chunks.append((part, [box]))
    return chunks


def addresses(boxes: Sequence[Box], several: bool) -> list[str]:
    """The addresses covering `boxes` (see `address_chunks`)."""
    return [address for address, _ in address_chunks(boxes, several)]


def _cells_of(boxes: Iterable[Box]) -> frozenset[tuple[int, int]]:
    return frozenset(
        (r, c) for r1, c1, r2, c2 in boxes for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    )


class _Ranges:
    """The xlwings ranges of one sheet by address, each fetched once however many formats it gets.

    With several areas per range, a format may reuse a range already fetched for another one when
    that range holds all its cells and only cells it may cover: what counts is then the number
    of distinct ranges, not of rectangles.
    """

    def __init__(self, sheet: Any, several: bool) -> None:
        self.sheet = sheet
        self.several = several
        self.fetched: dict[str, Any] = {}
        self.cells: list[tuple[frozenset[tuple[int, int]], Any]] = []  # cells of each range

    def covering(self, boxes: Sequence[Box]) -> list[Any]:
        out = []
        for address, members in address_chunks(boxes, self.several):
            rng = self.fetched.get(address)
            if rng is None:
                rng = self.fetched[address] = self.sheet.range(address)
                self.cells.append((_cells_of(members), rng))
            out.append(rng)
        return out

    def for_group(self, group: FormatGroup) -> list[Any]:
        """Ranges for one format: one already fetched if it fits (see the class), else new ones."""
        for cells, rng in self.cells:
            if group.cells <= cells <= group.allowed:
                return [rng]
        return self.covering(group.boxes)

    def for_sizes(self, spans: Sequence[tuple[int, int]], axis: int) -> list[Any]:
        """Ranges spanning exactly these columns (axis 1) or rows (axis 0), whatever their rows
        (or columns): a width applies to whole columns, a height to whole rows."""
        wanted = {i for first, last in spans for i in range(first, last + 1)}
        for cells, rng in self.cells:
            if {cell[axis] for cell in cells} == wanted:
                return [rng]
        if axis == 1:
            return self.covering([(1, first, 1, last) for first, last in spans])
        return self.covering([(first, 1, last, 1) for first, last in spans])


FONT_KEYWORDS = {"bold": "bold", "italic": "italic", "size": "size", "font_color": "color"}


def _font_settings(value: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for name, attribute in value:
        if name == "font_color":
            attribute = _hex(attribute)
        elif name == "size":
            attribute = float(attribute)
        settings[FONT_KEYWORDS[name]] = attribute
    return settings


def _apply(rng: Any, kind: str, value: Any) -> None:
    """Write one format on one range (borders apart: see `_border`)."""
    if kind == "number_format":
        rng.number_format = value
    elif kind == "fill":
        rng.color = _hex(value)
    elif kind == "font":
        rng.font.set(**_font_settings(value))
    elif kind == "align":
        rng.horizontal_alignment = value
    elif kind == "valign":
        rng.vertical_alignment = value
    elif kind == "wrap":
        rng.wrap_text = True
    else:  # pragma: no cover - KINDS lists the kinds above
        raise ValueError(kind)


def _border(rng: Any, kind: str, box: Box) -> None:
    """A thin grey line above (or under) every row of one rectangle."""
    edge = "edge_top" if kind == "border_top" else "edge_bottom"
    sides = [edge, "inside_horizontal"] if box[2] > box[0] else edge
    rng.borders.set(sides, line_style="continuous", weight="thin", color=BORDER_COLOR)


def size_groups(sizes: dict[int, float]) -> dict[float, list[tuple[int, int]]]:
    """Runs of columns (or rows) gathered by size: size -> [(first, last), ...]."""
    out: dict[float, list[tuple[int, int]]] = {}
    for first, last, size in runs(sizes):
        out.setdefault(size, []).append((first, last))
    return out


CHART_TYPES = {
    ("line", False): "line",
    ("line", True): "line",
    ("bar", False): "column_clustered",
    ("bar", True): "bar_clustered",
    ("stacked_bar", False): "column_stacked",
    ("stacked_bar", True): "bar_stacked",
}


def series_block(spec: Chart) -> tuple[Box, str] | None:
    """The one range holding every series of `spec` side by side, and how to read it.

    xlwings can create a chart from one source range but cannot add a series from elsewhere: the
    series must be adjacent columns (or rows) of the same extent, in order. None otherwise.
    """
    areas = [item.values for item in spec.series]
    if not areas:
        return None
    first = areas[0]
    if all(a[1] == a[3] for a in areas) and all(
        (a[0], a[2]) == (first[0], first[2]) and a[1] == first[1] + i for i, a in enumerate(areas)
    ):
        return (first[0], first[1], first[2], areas[-1][3]), "columns"
    if all(a[0] == a[2] for a in areas) and all(
        (a[1], a[3]) == (first[1], first[3]) and a[0] == first[0] + i for i, a in enumerate(areas)
    ):
        return (first[0], first[1], areas[-1][2], first[3]), "rows"
    return None


def _add_chart(sheet: Any, spec: Chart) -> bool:
    found = series_block(spec)
    if found is None:
        return False
    (r1, c1, r2, c2), plot_by = found
    chart = sheet.charts.add(
        width=spec.width_cm * POINTS_PER_CM,
        height=spec.height_cm * POINTS_PER_CM,
        chart_type=CHART_TYPES[(spec.kind, spec.horizontal)],
        source=sheet.range((r1, c1), (r2, c2)),
        plot_by=plot_by,
        anchor=sheet.range(spec.anchor),
    )
    k1, l1, k2, l2 = spec.categories
    chart.set_x_axis_values(sheet.range((k1, l1), (k2, l2)))
    chart.title = spec.title
    if spec.number_format or spec.y_title:
        axis = chart.value_axis
        if spec.number_format:
            axis.number_format = spec.number_format
        if spec.y_title:
            axis.title = spec.y_title
    chart.legend.position = "bottom"
    for series, item in zip(chart.series, spec.series, strict=False):
        series.name = item.title
        if item.color:
            if spec.kind == "line":
                series.line_color = _hex(item.color)
            else:
                series.fill_color = _hex(item.color)
    return True


@dataclass
class _Cluster:
    cells: frozenset[tuple[int, int]]
    allowed: frozenset[tuple[int, int]]
    boxes: tuple[Box, ...]
    groups: list[FormatGroup]


def shared_ranges(groups: Sequence[FormatGroup]) -> list[tuple[tuple[Box, ...], list[FormatGroup]]]:
    """Formats gathered so that each gathering is written through one range of several areas.

    Formats of different kinds can share a range when each one's cells lie where the other may
    be written (a number format on the numbers and wrapping on the texts of the same columns),
    as long as the union still fits in one address. Returns (rectangles, formats) pairs.
    """
    clusters: list[_Cluster] = []
    for group in groups:
        for cluster in clusters:
            if not (group.cells <= cluster.allowed and cluster.cells <= group.allowed):
                continue
            cells = cluster.cells | group.cells
            allowed = cluster.allowed & group.allowed
            boxes = tuple(rectangles(cells, allowed - cells))
            if len(addresses(boxes, True)) == 1:
                cluster.cells, cluster.allowed, cluster.boxes = cells, allowed, boxes
                cluster.groups.append(group)
                break
        else:
            clusters.append(_Cluster(group.cells, group.allowed, group.boxes, [group]))
    return [(cluster.boxes, cluster.groups) for cluster in clusters]


def render_sheet(sheet: Any, layout: SheetLayout, several: bool | None = None) -> list[str]:
    """Write `layout` into an empty (or just cleared) xlwings sheet; return what was left out.

    Each format goes on every rectangle that takes it at once, through one range of several
    areas when the engine allows it (`several_areas`), else one range per rectangle.
    """
    # Excel fits rows of wrapped text itself; merged notes would cost one call each
    layout = finished(layout, heights=False, notes=False)
    ranges = _Ranges(sheet, several_areas() if several is None else several)
    left_out: list[str] = []
    if layout.cells:
        (block,) = ranges.covering([(1, 1, layout.max_row, layout.max_col)])
        block.value = value_grid(layout)
    # "#" + place: within the workbook. Each link is one more call to live Excel: the first
    # MAX_LINKS are made (the latest invoices' letters); every linked cell names its place.
    for (row, col), place in sorted(layout.links.items())[:MAX_LINKS]:
        (rng,) = ranges.covering([(row, col, row, col)])
        rng.add_hyperlink(f"#{place}", link_text(layout.value(row, col), place), LINK_TIP)
    groups = format_groups(layout)
    cell_formats = [group for group in groups if group.kind not in BORDER_KINDS]
    if ranges.several:
        for boxes, members in shared_ranges(cell_formats):
            for rng in ranges.covering(boxes):
                for group in members:
                    _apply(rng, group.kind, group.value)
    else:
        for group in cell_formats:
            for rng in ranges.for_group(group):
                _apply(rng, group.kind, group.value)
    for group in groups:
        if group.kind in BORDER_KINDS:  # edges of each rectangle, one rectangle at a time
            for box in group.boxes:
                (rng,) = ranges.covering([box])
                _border(rng, group.kind, box)
    for width, spans in size_groups(layout.column_widths).items():
        for rng in ranges.for_sizes(spans, axis=1):
            rng.column_width = width
    for height, spans in size_groups(layout.row_heights).items():
        for rng in ranges.for_sizes(spans, axis=0):
            rng.row_height = height
    for box in layout.merges:
        (rng,) = ranges.covering([box])
        rng.merge()
    for spec in layout.charts:
        if not _add_chart(sheet, spec):
            left_out.append(f"graphique « {spec.title} » (séries non contiguës)")
    _page_setup(sheet, layout)
    return left_out


# Excel's PageSetup constants (XlPaperSize, XlPageOrientation)
XL_PAPER_A4 = 9
XL_PORTRAIT = 1
XL_LANDSCAPE = 2


def _page_setup(sheet: Any, layout: SheetLayout) -> None:
    """A4, orientation, one page wide, repeated rows, footer: through Excel's own PageSetup,
    on Windows only (its COM object); elsewhere, or if Excel refuses, the tab keeps its set-up."""
    if sys.platform != "win32":
        return
    try:
        setup = sheet.api.PageSetup
        setup.PaperSize = XL_PAPER_A4
        setup.Orientation = XL_LANDSCAPE if layout.landscape else XL_PORTRAIT
        if layout.fit_width:
            setup.Zoom = False
            setup.FitToPagesWide = 1
            setup.FitToPagesTall = False
        if layout.print_titles:
            first, last = layout.print_titles
            setup.PrintTitleRows = f"${first}:${last}"
        if layout.footer:
            setup.LeftFooter, setup.CenterFooter, setup.RightFooter = layout.footer
    except Exception:
        return


def clear_sheet(sheet: Any) -> None:
    """Empty a generated tab before it is rewritten: values, formats, merges, charts, heights."""
    used = sheet.used_range
    sheet.clear()
    used.rows.autofit()
    for chart in list(sheet.charts):
        chart.delete()


def tab_markers(sheet: Any) -> list[str | None]:
    """The tab names held by the markers of `sheet` (see treso_xl/tab_identity.py)."""
    return [marker_text(name.refers_to) for name in sheet.names if is_marker(name.name)]


def mark_tab(sheet: Any, name: str) -> None:
    """Record on `sheet` that the tool wrote it under `name`: a sheet-scoped name holding it."""
    sheet.names.add(f"{quote_sheet(name)}!{MARKER}", "=" + marker_formula(name))


def existing_tabs(book: Any, tab_names: Sequence[str]) -> dict[str, str | None]:
    """For each tab to write, the sheet of the tool it rewrites (None: a new tab).

    Raises SheetConflictError, before anything is written, when a sheet that is not the tool's
    bears the name of a tab to write (names compared as Excel does: without case).
    """
    names = list(book.sheet_names)
    sheets = book.sheets
    found: dict[str, str | None] = {}
    conflicts: list[tuple[str, str]] = []
    for tab in tab_names:
        key = sheet_key(tab)
        found.setdefault(tab, None)
        for name in names:
            if sheet_key(name) != key:
                continue
            if found[tab] is None and name in tab_markers(sheets[name]):
                found[tab] = name
            else:
                conflicts.append((name, tab))
    if conflicts:
        raise SheetConflictError(conflicts)
    return found


def write_layouts(book: Any, layouts: Sequence[SheetLayout]) -> list[str]:
    """Write every layout into `book` (an xlwings Book); return what could not be drawn.

    The tool's tabs are cleared and rewritten in place; new ones are added after the last sheet,
    with their marker. A user's sheet bearing a tab's name stops everything before any write
    (SheetConflictError). The sheet that was active stays active.
    """
    existing = existing_tabs(book, [layout.name for layout in layouts])
    several = several_areas()
    sheets = book.sheets
    active = sheets.active
    count = len(book.sheet_names)
    left_out: list[str] = []
    last = None  # the last sheet, once known
    for layout in layouts:
        name = existing[layout.name]
        if name is None:
            sheet = sheets.add(layout.name, after=last or sheets[count - 1])
            mark_tab(sheet, layout.name)
            existing[layout.name] = layout.name
            last = sheet
        else:
            sheet = sheets[name]
            clear_sheet(sheet)
        left_out += [f"{layout.name} : {item}" for item in render_sheet(sheet, layout, several)]
    active.activate()
    return left_out


def style_attributes() -> tuple[str, ...]:
    """Every attribute of `Style`, for the tests: each is either written or listed as skipped."""
    return tuple(f.name for f in fields(Style))
