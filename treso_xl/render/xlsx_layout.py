"""Render `SheetLayout`s into a fresh in-memory .xlsx with openpyxl (values, styles, charts)."""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
from collections.abc import Sequence
from copy import copy

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart import Series as ChartSeries
from openpyxl.chart.data_source import NumFmt
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from treso_xl.layout.model import DATE, Chart, SheetLayout, Style
from treso_xl.layout.page import finished
from treso_xl.render.chart_xml import LINE_WIDTH_EMU
from treso_xl.render.excel_xml import DATETIME, MAX_TEXT
from treso_xl.render.excel_xml import argb as _argb

__all__ = ["DATETIME", "MAX_TEXT", "add_layouts", "build_chart", "render_layouts"]

# Body font of every generated cell: "minor" follows the theme of the user's workbook.
_FONT_NAME = "Calibri"
_FONT_SIZE = 11.0
_THIN = Side(style="thin", color="FF808080")


class _StyleCache:
    """Turns each distinct `Style` into openpyxl objects once."""

    def __init__(self) -> None:
        # style indices of the workbook being written, per (Style, number format)
        self.arrays: dict[tuple[Style, str | None], object] = {}
        self._cache: dict[
            Style, tuple[Font, PatternFill | None, Alignment | None, Border | None]
        ] = {}

    def get(self, style: Style) -> tuple[Font, PatternFill | None, Alignment | None, Border | None]:
        hit = self._cache.get(style)
        if hit is not None:
            return hit
        font = Font(
            name=_FONT_NAME,
            size=style.size or _FONT_SIZE,
            family=2,
            scheme="minor",
            bold=style.bold or None,
            italic=style.italic or None,
            color=_argb(style.font_color) if style.font_color else None,
        )
        fill = (
            PatternFill(fill_type="solid", fgColor=_argb(style.fill), bgColor=_argb(style.fill))
            if style.fill
            else None
        )
        alignment = None
        if style.align or style.valign or style.wrap or style.indent:
            alignment = Alignment(
                horizontal=style.align,
                vertical=style.valign,
                wrap_text=style.wrap or None,
                indent=style.indent,
            )
        border = None
        if style.border_bottom or style.border_top:
            border = Border(
                top=_THIN if style.border_top else Side(),
                bottom=_THIN if style.border_bottom else Side(),
            )
        hit = (font, fill, alignment, border)
        self._cache[style] = hit
        return hit


def _clean_text(value: str) -> str:
    """Text Excel accepts: no control characters, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]


def _write_cell(
    ws: Worksheet, row: int, col: int, value: object, style: Style, styles: _StyleCache
) -> None:
    cell = ws.cell(row=row, column=col)
    number_format = style.number_format
    if value is None:
        pass
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, str):
        cell.value = _clean_text(value)
        # "=SUM(A1)", "+33 6…", "-5", "@x" stay text: never a formula.
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        if value != value:  # pandas.NaT
            pass
        else:
            cell.value = value.replace(tzinfo=None)
            number_format = number_format or DATETIME
    elif isinstance(value, dt.date):
        cell.value = value
        number_format = number_format or DATE
    elif isinstance(value, numbers.Integral):
        cell.value = int(value)
    elif isinstance(value, numbers.Real):
        if math.isfinite(value):
            cell.value = float(value)
        # else: Excel has no NaN nor infinity, the cell stays empty
    else:
        raise TypeError(f"unsupported cell value {value!r} at row {row}, column {col}")

    key = (style, number_format)
    known = styles.arrays.get(key)
    if known is not None:  # the workbook already holds this style: reuse its indices
        cell._style = copy(known)
        return
    font, fill, alignment, border = styles.get(style)
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format:
        cell.number_format = number_format
    styles.arrays[key] = copy(cell._style)


def _reference(ws: object, area: tuple[int, int, int, int]) -> Reference:
    first_row, first_col, last_row, last_col = area
    return Reference(ws, min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row)


def _add_chart(ws: Worksheet, spec: Chart) -> None:
    ws.add_chart(build_chart(ws, spec), spec.anchor)


def build_chart(ws: object, spec: Chart) -> LineChart | BarChart:
    """The openpyxl chart of `spec`; `ws` only needs the `title` its formulas name."""
    chart: LineChart | BarChart
    if spec.kind == "line":
        chart = LineChart()
    elif spec.kind in ("bar", "stacked_bar"):
        chart = BarChart()
        chart.type = "bar" if spec.horizontal else "col"
        if spec.kind == "stacked_bar":
            chart.grouping = "stacked"
            chart.overlap = 100
        else:
            chart.grouping = "clustered"
    else:
        raise ValueError(f"unknown chart kind {spec.kind!r}")

    for item in spec.series:
        series = ChartSeries(_reference(ws, item.values), title=item.title)
        if item.color:
            color = _argb(item.color)[2:]
            if spec.kind == "line":
                series.graphicalProperties.line.solidFill = color
                series.graphicalProperties.line.width = LINE_WIDTH_EMU
                series.smooth = False
            else:
                series.graphicalProperties.solidFill = color
                series.graphicalProperties.line.solidFill = color
        chart.series.append(series)
    chart.set_categories(_reference(ws, spec.categories))

    chart.title = spec.title
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    if spec.number_format:
        chart.y_axis.numFmt = NumFmt(formatCode=spec.number_format, sourceLinked=False)
    # openpyxl >= 3.1 leaves the axes hidden in Excel unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = spec.width_cm
    chart.height = spec.height_cm
    return chart


def _page_setup(ws: Worksheet, layout: SheetLayout) -> None:
    """A4, orientation, one page wide, repeated header rows, footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    if layout.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if layout.print_titles:
        first, last = layout.print_titles
        ws.print_title_rows = f"{first}:{last}"
    if layout.footer:
        left, center, right = layout.footer
        ws.oddFooter.left.text = left or None
        ws.oddFooter.center.text = center or None
        ws.oddFooter.right.text = right or None
        for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right):
            part.size = 8


def _render_sheet(ws: Worksheet, layout: SheetLayout, styles: _StyleCache) -> None:
    layout = finished(layout)
    for (row, col), cell in sorted(layout.cells.items()):
        _write_cell(ws, row, col, cell.value, cell.style, styles)
    for (row, col), place in sorted(layout.links.items()):  # within the workbook: no relation
        ws.cell(row=row, column=col).hyperlink = Hyperlink(ref="", location=place)
    for col, width in sorted(layout.column_widths.items()):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, height in sorted(layout.row_heights.items()):
        ws.row_dimensions[row].height = height
    for first_row, first_col, last_row, last_col in layout.merges:
        ws.merge_cells(
            start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col
        )
    if layout.freeze and layout.freeze != (1, 1):
        row, col = layout.freeze
        ws.freeze_panes = ws.cell(row=row, column=col).coordinate
    if layout.tab_color:
        ws.sheet_properties.tabColor = _argb(layout.tab_color)
    _page_setup(ws, layout)
    for chart in layout.charts:
        _add_chart(ws, chart)


def add_layouts(wb: Workbook, layouts: Sequence[SheetLayout]) -> list[Worksheet]:
    """Append one sheet per layout to `wb`, in this order; return the sheets created."""
    styles = _StyleCache()
    sheets = []
    for layout in layouts:
        ws = wb.create_sheet(title=layout.name)
        _render_sheet(ws, layout, styles)
        sheets.append(ws)
    return sheets


def render_layouts(layouts: Sequence[SheetLayout]) -> bytes:
    """A new .xlsx holding exactly these tabs, in this order, as bytes."""
    if not layouts:
        raise ValueError("no layout to render")
    wb = Workbook()
    wb.remove(wb.active)
    add_layouts(wb, layouts)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
