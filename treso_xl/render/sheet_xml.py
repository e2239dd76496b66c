"""Generated tabs written as worksheet XML straight into the user's package, row by row."""

# The layouts are not turned into openpyxl cells: each tab's XML is streamed into its zip entry
# (inline strings, no shared-strings part), its style indices allocated directly among the user's
# cellXfs (one font/fill/border/numFmt/xf per distinct Style, found or appended once), and the
# merge of treso_xl/render/package.py does the rest (part names, markers, replaced tabs).
# openpyxl is not even imported (see excel_xml, style_xml and chart_xml): a refresh's cold start
# saves its ~0.1 s of imports.
# The records, values and sheet properties are those the openpyxl renderer
# (treso_xl/render/xlsx_layout.py) gives, merged cells included: a merged area keeps only its
# top-left cell, the others keep the top-left cell's borders on the area's edges.

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import IO

from lxml import etree

from treso_xl.gc_pause import paused_gc
from treso_xl.layout.model import DATE, Cell, SheetLayout, Style
from treso_xl.layout.page import finished
from treso_xl.render.chart_xml import chart_xml, drawing_xml
from treso_xl.render.excel_xml import (
    DATETIME,
    ILLEGAL_CHARACTERS_RE,
    MAX_TEXT,
    argb,
    column_letter,
    to_excel,
)
from treso_xl.render.package import (
    CT_CHART,
    MAIN,
    GeneratedSource,
    GenRel,
    PartData,
    _StyleMerger,
    merge_source,
)
from treso_xl.render.style_xml import Record, append_to, canon, merged_border, records

CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_DRAWING = DOC_REL + "/drawing"
RT_CHART = DOC_REL + "/chart"
_FLUSH = 2000  # cells between two writes into the zip entry
_WINDOWS_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
_MARCH_1900 = dt.date(1900, 3, 1)
# openpyxl's control characters, plus what XML 1.0 forbids besides (lone surrogates, U+FFFE/F),
# which made lxml refuse the whole tab
_ILLEGAL = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class _MergedBorder:
    """A covered cell of a merged area: only the borders it takes from the top-left cell."""

    top: bool
    bottom: bool


def _num(value: float) -> str:
    return f"{value:.16g}"


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _attr(text: str) -> str:
    return (
        _escape(_ILLEGAL.sub("", text))
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )


class _Xfs:
    """The user's cellXfs index of each distinct (Style, number format), allocated once."""

    def __init__(self, merger: _StyleMerger) -> None:
        self.merger = merger
        self._by_key: dict[tuple[object, str | None], int] = {}
        # by the identity of the style object (shared by many cells; styles are immutable and
        # stay alive in the layouts being written), to skip hashing a Style per cell
        self.by_id: dict[tuple[int, str | None], int] = {}
        self._alive: list[object] = []

    def get(self, style: object, number_format: str | None) -> int:
        fast = (id(style), number_format)
        found = self.by_id.get(fast)
        if found is not None:
            return found
        key = (style, number_format)
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = self._allocate(style, number_format)
        self.by_id[fast] = found
        self._alive.append(style)  # its id is never reused while this cache lives
        return found

    def _record(self, section: str, tag: str, record: Record, form: tuple | None = None) -> int:
        """The user's index of `record` in `section`, appended when missing."""
        if form is None:
            form = canon(record)
        return self.merger.record_canon(
            section, tag, form, lambda parent: append_to(parent, record)
        )

    def _allocate(self, style: object, number_format: str | None) -> int:
        if style is None:
            return 0
        if isinstance(style, _MergedBorder):
            # openpyxl's MergedCell: the workbook's default font, fill and format
            border = self._record("borders", "border", merged_border(style.top, style.bottom))
            attrib = (
                ("numFmtId", "0"),
                ("fontId", "0"),
                ("fillId", "0"),
                ("borderId", str(border)),
                ("pivotButton", "0"),
                ("quotePrefix", "0"),
                ("xfId", "0"),
            )
            return self._record("cellXfs", "xf", ("xf", attrib, ()))
        assert isinstance(style, Style)
        (font, fill, alignment, border), forms = records(style)
        attrib = [
            ("numFmtId", str(self.merger.numfmt_code(number_format))),
            ("fontId", str(self._record("fonts", "font", font, forms[0]))),
            ("fillId", "0" if fill is None else str(self._record("fills", "fill", fill, forms[1]))),
            (
                "borderId",
                "0" if border is None else str(self._record("borders", "border", border, forms[3])),
            ),
        ]
        if alignment is not None:
            attrib.append(("applyAlignment", "1"))
        attrib += [("pivotButton", "0"), ("quotePrefix", "0"), ("xfId", "0")]
        xf = ("xf", tuple(attrib), () if alignment is None else (alignment,))
        return self._record("cellXfs", "xf", xf)


def _excel_date(value: dt.date) -> float | int:
    if value >= _MARCH_1900:
        return value.toordinal() - _WINDOWS_EPOCH_ORDINAL
    return to_excel(value)


def _text_body(value: str) -> str:
    """The <is> element of an inline text, "" for an empty one."""
    # a printable text holds no control character nor surrogate: no search (a C loop instead)
    if not value.isprintable() and _ILLEGAL.search(value):
        text = _ILLEGAL.sub("", value)
    else:
        text = value
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if not text:
        return ""
    # str.strip() removes what isspace() finds: only the ends need looking at
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f"<is><t{space}>{_escape(text)}</t></is>"


def _cell_tail(
    value: object, style: object, number_format: str | None, xfs: _Xfs, ref: object
) -> str:
    """What follows `<c r="A1"` in the <c> element of a value ("" when nothing is written);
    `ref` only names the cell in an error."""
    body = ""
    kind = ""
    cls = value.__class__
    if cls is float:  # the common types first, by their exact class
        if math.isfinite(value):
            body = f"<v>{value:.16g}</v>"
    elif cls is str:
        kind = ' t="inlineStr"'
        body = _text_body(value)
    elif cls is dt.date:
        number_format = number_format or DATE
        body = f"<v>{_num(_excel_date(value))}</v>"
    elif cls is int:
        body = f"<v>{value:.16g}</v>"
    elif value is None:
        pass
    elif isinstance(value, str):
        kind = ' t="inlineStr"'
        body = _text_body(value)
    elif isinstance(value, bool):
        kind = ' t="b"'
        body = "<v>1</v>" if value else "<v>0</v>"
    elif isinstance(value, dt.datetime):
        if value == value:  # not pandas.NaT
            number_format = number_format or DATETIME
            body = f"<v>{_num(to_excel(value.replace(tzinfo=None)))}</v>"
    elif isinstance(value, dt.date):
        number_format = number_format or DATE
        body = f"<v>{_num(_excel_date(value))}</v>"
    elif isinstance(value, numbers.Integral):
        body = f"<v>{_num(int(value))}</v>"
    elif isinstance(value, numbers.Real):
        if math.isfinite(value):
            body = f"<v>{_num(float(value))}</v>"
    else:
        raise TypeError(f"unsupported cell value {value!r} at {ref}")
    s = xfs.get(style, number_format)
    if not body and not s and not kind:
        return ""
    style_attr = f' s="{s}"' if s else ""
    if body:
        return f"{style_attr}{kind}>{body}</c>"
    return f"{style_attr}{kind}/>"


def _style_attr(style: object, number_format: str | None, xfs: _Xfs) -> str:
    s = xfs.get(style, number_format)
    return f' s="{s}"' if s else ""


@dataclass
class _Rows:
    """The <c> elements of a sheet by row in column order, each row's as one text with its
    number of cells, and the sheet's extent."""

    cells: dict[int, tuple[str, int]]
    dimension: str


def _rows(cells: dict[tuple[int, int], Cell], heights: dict[int, float], xfs: _Xfs) -> _Rows:
    """Every cell's XML, by row in column order, its style allocated now (in the order of the
    cells, as they come: the styles part is written before the sheets)."""
    plain: dict[int, str] = {}  # id(style) -> its s attribute for a text or a number
    dated: dict[int, str] = {}  # id(style) -> its s attribute for a date
    texts: dict[str, str] = {}  # a text -> its <is> element (many cells repeat a text)
    serials: dict[dt.date, str] = {}
    starts = _CellStarts()
    isfinite = math.isfinite
    # A run is the cells of one row met one after the other (cells come row by row). A run in
    # column order of a row not met before is kept as it is; the others (rare) are put
    # together with the row's earlier cells and sorted by column.
    runs: dict[int, tuple[list[int], list[str]]] = {}  # row -> its columns and elements
    odd: set[int] = set()  # rows to sort
    current = None  # the row of the run
    srow = ""
    last_col = 0
    run_cols: list[int] = []
    run: list[str] = []
    put_col = run_cols.append
    put = run.append
    for (row, col), cell in cells.items():
        if row != current:
            current = row
            srow = str(row)
            found = runs.get(row)
            if found is None:
                run_cols = []
                run = []
                runs[row] = (run_cols, run)
                last_col = 0
            else:
                run_cols, run = found
                last_col = run_cols[-1]
            put_col = run_cols.append
            put = run.append
        if col < last_col:
            odd.add(row)
        last_col = col
        put_col(col)
        value = cell.value
        style = cell.style
        kind = value.__class__
        if kind is str or kind is float or kind is int:  # the common cases, inlined
            head = plain.get(id(style))
            if head is None:
                fmt = style.number_format if style.__class__ is Style else None
                head = plain[id(style)] = _style_attr(style, fmt, xfs)
            if kind is str:
                body = texts.get(value)
                if body is None:
                    body = texts[value] = _text_body(value)
                if body:
                    put(f'{starts[col]}{srow}"{head} t="inlineStr">{body}</c>')
                else:  # as openpyxl writes an empty text
                    put(f'{starts[col]}{srow}"{head} t="inlineStr"/>')
            elif kind is int or isfinite(value):
                put(f'{starts[col]}{srow}"{head}><v>{value:.16g}</v></c>')
            elif head:  # Excel has no NaN nor infinity: an empty styled cell
                put(f'{starts[col]}{srow}"{head}/>')
            else:
                put("")
        elif kind is dt.date:
            head = dated.get(id(style))
            if head is None:
                fmt = style.number_format if style.__class__ is Style else None
                head = dated[id(style)] = _style_attr(style, fmt or DATE, xfs)
            serial = serials.get(value)
            if serial is None:
                serial = serials[value] = _num(_excel_date(value))
            put(f'{starts[col]}{srow}"{head}><v>{serial}</v></c>')
        elif value is None:  # a styled empty cell (thousands in a tab of reminders)
            head = plain.get(id(style))
            if head is None:
                fmt = style.number_format if style.__class__ is Style else None
                head = plain[id(style)] = _style_attr(style, fmt, xfs)
            put(f'{starts[col]}{srow}"{head}/>' if head else "")
        else:
            fmt = style.number_format if style.__class__ is Style else None
            tail = _cell_tail(value, style, fmt, xfs, (row, col))
            put(f'{starts[col]}{srow}"{tail}' if tail else "")
    for row in odd:
        pairs = sorted(zip(*runs[row], strict=True), key=_first)  # columns differ in a row
        runs[row] = ([col for col, _ in pairs], [xml for _, xml in pairs])
    dimension = "A1:A1"
    if runs:
        first_col = last_col = 0
        for found_cols, _ in runs.values():
            if not first_col or found_cols[0] < first_col:
                first_col = found_cols[0]
            if found_cols[-1] > last_col:
                last_col = found_cols[-1]
        dimension = f"{column_letter(first_col)}{min(runs)}:{column_letter(last_col)}{max(runs)}"
    by_row = {row: ("".join(xmls), len(xmls)) for row, (_, xmls) in runs.items()}
    for row in heights:
        by_row.setdefault(row, ("", 0))
    return _Rows({row: by_row[row] for row in sorted(by_row)}, dimension)


def _first(pair: tuple[int, str]) -> int:
    return pair[0]


def _prepared(
    layout: SheetLayout,
) -> tuple[dict[tuple[int, int], Cell], dict[tuple[int, int], str]]:
    """The cells and links written, as openpyxl leaves them once links and merges are set."""
    cells = layout.cells
    if layout.merges or any(
        (cell := cells.get(key)) is None or cell.value is None for key in layout.links
    ):  # changed below: a copy (a tab of thousands of rows mostly has neither)
        cells = dict(cells)
    links = dict(layout.links)
    for row, col in layout.links:  # a link gives an empty cell its place as its text
        cell = cells.get((row, col))
        if cell is None:
            cells[(row, col)] = Cell(layout.links[(row, col)], None)  # type: ignore[arg-type]
        elif cell.value is None:
            cells[(row, col)] = Cell(layout.links[(row, col)], cell.style)
    for first_row, first_col, last_row, last_col in layout.merges:
        start = cells.get((first_row, first_col))
        end = cells.get((last_row, last_col))
        start_style = start.style if start is not None else None
        top = isinstance(start_style, Style) and start_style.border_top
        bottom = isinstance(start_style, Style) and start_style.border_bottom
        end_style = end.style if end is not None else None
        if (last_row, last_col) != (first_row, first_col) and isinstance(end_style, Style):
            if end_style.border_bottom and not bottom:
                bottom = True
                if isinstance(start_style, Style):
                    cells[(first_row, first_col)] = Cell(
                        start.value if start else None, start_style.but(border_bottom=True)
                    )
                else:
                    cells[(first_row, first_col)] = Cell(
                        start.value if start else None, Style(border_bottom=True)
                    )
        if (first_row, first_col) not in cells:
            cells[(first_row, first_col)] = Cell(None, None)  # type: ignore[arg-type]
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                if (row, col) == (first_row, first_col):
                    continue
                links.pop((row, col), None)
                edge_top = top and row == first_row
                edge_bottom = bottom and row == last_row
                if edge_top or edge_bottom:
                    cells[(row, col)] = Cell(None, _MergedBorder(edge_top, edge_bottom))  # type: ignore[arg-type]
                else:
                    cells.pop((row, col), None)
    return cells, links


class _Letters(dict):
    def __missing__(self, col: int) -> str:
        letter = self[col] = column_letter(col)
        return letter


class _CellStarts(dict):
    def __missing__(self, col: int) -> str:
        start = self[col] = '<c r="' + column_letter(col)
        return start


def _sheet_view(layout: SheetLayout, selected: bool) -> str:
    head = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if selected else "") + ">"
    freeze = layout.freeze
    if not freeze or freeze == (1, 1):
        return head + '<selection activeCell="A1" sqref="A1"/></sheetView>'
    row, col = freeze
    top_left = f"{column_letter(col)}{row}"
    split = ""
    if col > 1:
        split += f' xSplit="{col - 1}"'
    if row > 1:
        split += f' ySplit="{row - 1}"'
    if row > 1 and col > 1:
        active = "bottomRight"
        selections = (
            '<selection pane="topRight"/><selection pane="bottomLeft"/>'
            '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>'
        )
    else:
        active = "bottomLeft" if row > 1 else "topRight"
        selections = f'<selection pane="{active}" activeCell="A1" sqref="A1"/>'
    pane = f'<pane{split} topLeftCell="{top_left}" activePane="{active}" state="frozen"/>'
    return head + pane + selections + "</sheetView>"


def _footer(layout: SheetLayout) -> str:
    if not layout.footer:
        return ""
    text = "".join(
        f"&{key}&8 {part}" for key, part in zip("LCR", layout.footer, strict=True) if part
    )
    if not text:
        return ""
    return f"<headerFooter><oddFooter>{_escape(_ILLEGAL.sub('', text))}</oddFooter></headerFooter>"


def write_sheet(
    stream: IO[bytes],
    layout: SheetLayout,
    rows: _Rows,
    links: dict,
    selected: bool,
    drawing: str | None,
) -> None:
    """Stream the worksheet XML of a finished layout into `stream`."""

    def put(text: str) -> None:
        stream.write(text.encode("utf-8", "replace"))

    letters = _Letters()
    props = []
    if layout.tab_color:
        props.append(f'<tabColor rgb="{argb(layout.tab_color)}"/>')
    props.append('<outlinePr summaryBelow="1" summaryRight="1"/>')
    if layout.fit_width:
        props.append('<pageSetUpPr fitToPage="1"/>')
    head = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',
        f'<worksheet xmlns="{MAIN}" xmlns:r="{DOC_REL}">',
        "<sheetPr>" + "".join(props) + "</sheetPr>",
        f'<dimension ref="{rows.dimension}"/>',
        "<sheetViews>" + _sheet_view(layout, selected) + "</sheetViews>",
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>',
    ]
    if layout.column_widths:
        head.append("<cols>")
        for col, width in sorted(layout.column_widths.items()):
            head.append(f'<col min="{col}" max="{col}" width="{_num(width)}" customWidth="1"/>')
        head.append("</cols>")
    head.append("<sheetData>")
    put("".join(head))

    heights = layout.row_heights
    out: list[str] = []
    append = out.append
    count = 0
    for row, row_cells in rows.cells.items():
        height = heights.get(row)
        if height is None:
            append(f'<row r="{row}">')
        else:
            append(f'<row r="{row}" ht="{_num(height)}" customHeight="1">')
        xml, cell_count = row_cells
        append(xml)
        append("</row>")
        count += cell_count + 1
        if count >= _FLUSH:
            put("".join(out))
            out.clear()
            count = 0
    out.append("</sheetData>")
    if layout.merges:
        out.append(f'<mergeCells count="{len(layout.merges)}">')
        for first_row, first_col, last_row, last_col in layout.merges:
            out.append(
                f'<mergeCell ref="{letters[first_col]}{first_row}:{letters[last_col]}{last_row}"/>'
            )
        out.append("</mergeCells>")
    if links:
        out.append("<hyperlinks>")
        for (row, col), place in sorted(links.items()):
            out.append(f'<hyperlink ref="{letters[col]}{row}" location="{_attr(place)}"/>')
        out.append("</hyperlinks>")
    out.append(
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
    )
    orientation = "landscape" if layout.landscape else "portrait"
    fit = ' fitToHeight="0" fitToWidth="1"' if layout.fit_width else ""
    out.append(f'<pageSetup orientation="{orientation}" paperSize="9"{fit}/>')
    out.append(_footer(layout))
    if drawing:
        out.append(f'<drawing r:id="{drawing}"/>')
    out.append("</worksheet>")
    put("".join(out))


class _Tab:
    def __init__(self, layout: SheetLayout, index: int, first_chart: int) -> None:
        self.layout = finished(layout)
        self.name = layout.name
        self.part = f"xl/worksheets/sheet{index}.xml"
        charts = self.layout.charts
        self.drawing = f"xl/drawings/drawing{index}.xml" if charts else None
        self.charts = [f"xl/charts/chart{first_chart + i}.xml" for i in range(len(charts))]


class LayoutSource(GeneratedSource):
    """Generated tabs described by layouts, each written as XML when the package is written."""

    def __init__(self, layouts: Sequence[SheetLayout]) -> None:
        self._tabs: list[_Tab] = []
        first_chart = 1
        for index, layout in enumerate(layouts, start=1):
            tab = _Tab(layout, index, first_chart)
            first_chart += len(tab.charts)
            self._tabs.append(tab)
        self._by_part = {}
        for tab in self._tabs:
            self._by_part[tab.part] = tab
            if tab.drawing:
                self._by_part[tab.drawing] = tab
            for chart in tab.charts:
                self._by_part[chart] = tab
        self._xfs: _Xfs | None = None

    def tabs(self) -> list[tuple[str, str | None]]:
        return [(tab.name, tab.part) for tab in self._tabs]

    def print_titles(self, name: str) -> str | None:
        tab = next((t for t in self._tabs if t.name == name), None)
        if tab is None or not tab.layout.print_titles:
            return None
        first, last = tab.layout.print_titles
        return "'" + name.replace("'", "''") + f"'!${first}:${last}"

    def closure(self, part: str) -> list[str]:
        tab = self._by_part[part]
        return [tab.part, *([tab.drawing] if tab.drawing else []), *tab.charts]

    def style_merger(self, user_styles: etree._Element) -> _StyleMerger:
        merger = _StyleMerger(user_styles, None)
        self._xfs = _Xfs(merger)
        return merger

    def content_type(self, part: str) -> str | None:
        tab = self._by_part[part]
        if part == tab.part:
            return None
        return CT_DRAWING if part == tab.drawing else CT_CHART

    def sheet(self, part: str, merger: _StyleMerger, selected: bool) -> PartData:
        tab = self._by_part[part]
        xfs = self._xfs
        assert xfs is not None and xfs.merger is merger
        cells, links = _prepared(tab.layout)
        rows = _rows(cells, tab.layout.row_heights, xfs)  # styles.xml is written first
        drawing = "rId1" if tab.drawing else None

        def write(stream: IO[bytes]) -> None:
            write_sheet(stream, tab.layout, rows, links, selected, drawing)

        return write

    def data(self, part: str, gen_name: str, sheet_name: str) -> bytes:
        tab = self._by_part[part]
        if part == tab.drawing:
            return drawing_xml(tab.layout.charts)
        return chart_xml(tab.layout.charts[tab.charts.index(part)], sheet_name)

    def rels(self, part: str) -> list[GenRel] | None:
        tab = self._by_part[part]
        if part == tab.part:
            if not tab.drawing:
                return None
            return [GenRel("rId1", RT_DRAWING, "/" + tab.drawing, False, tab.drawing)]
        if part == tab.drawing:
            return [
                GenRel(f"rId{i}", RT_CHART, "/" + chart, False, chart)
                for i, chart in enumerate(tab.charts, start=1)
            ]
        return None


@paused_gc()
def write_layouts(
    user_xlsx: bytes,
    layouts: Sequence[SheetLayout],
    *,
    full_calc_on_load: bool = True,
    replace: Collection[str] = (),
) -> bytes:
    """The user's workbook with the tabs of `layouts` put in (or replaced), as bytes.

    Same result as `merge_generated(user_xlsx, render_layouts(layouts), names)` without an
    openpyxl workbook in between."""
    return merge_source(
        user_xlsx,
        LayoutSource(layouts),
        [layout.name for layout in layouts],
        full_calc_on_load=full_calc_on_load,
        replace=replace,
    )
