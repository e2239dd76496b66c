"""DrawingML of the native charts of a generated tab (drawing and chart parts), no openpyxl."""

# The bytes openpyxl 3.1 writes for the charts that xlsx_layout.build_chart makes (line, bar,
# stacked bar; series titles, colours, references; title, axis title, number format; one-cell
# anchors), so that a refresh need not import openpyxl; tests/test_chart_xml.py compares both.

from __future__ import annotations

from collections.abc import Sequence

from treso_xl.layout.model import Chart
from treso_xl.render.excel_xml import ILLEGAL_CHARACTERS_RE, argb, column_letter

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
LINE_WIDTH_EMU = 28575  # 2.25 pt
EMU_PER_CM = 360000
_A = f' xmlns:a="{A_NS}"'
_DASH = '<a:prstDash val="solid"/>'
# axis ids and the parts of both axes that never change
_CAT_AX = (
    '<catAx><axId val="10"/><scaling><orientation val="minMax"/></scaling><delete val="0"/>'
    '<axPos val="l"/><majorTickMark val="none"/><minorTickMark val="none"/>'
    '<crossAx val="100"/><lblOffset val="100"/></catAx>'
)
_VAL_AX_HEAD = (
    '<valAx><axId val="100"/><scaling><orientation val="minMax"/></scaling><delete val="0"/>'
    '<axPos val="l"/><majorGridlines/>'
)
_VAL_AX_TAIL = '<majorTickMark val="none"/><minorTickMark val="none"/><crossAx val="10"/></valAx>'


def _text(text: str) -> str:
    """Element text escaped as lxml escapes it."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attr(text: str) -> str:
    """Attribute value escaped as lxml escapes it."""
    return _text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _title(text: str) -> str:
    """A chart or axis title: one paragraph per line, as openpyxl's title_maker."""
    paragraphs = "".join(
        f"<a:p{_A}><a:pPr><a:defRPr/></a:pPr><a:r><a:t>{_text(line)}</a:t></a:r></a:p>"
        for line in text.split("\n")
    )
    return f"<title><tx><rich><a:bodyPr{_A}/>{paragraphs}</rich></tx></title>"


def _reference(sheet: str, area: tuple[int, int, int, int]) -> str:
    """A range formula of `sheet`, quoted as openpyxl's Reference writes it."""
    first_row, first_col, last_row, last_col = area
    quoted = "'" + sheet.replace("'", "''") + "'"
    start = f"${column_letter(first_col)}${first_row}"
    if (first_row, first_col) == (last_row, last_col):
        return _text(f"{quoted}!{start}")
    return _text(f"{quoted}!{start}:${column_letter(last_col)}${last_row}")


def chart_xml(spec: Chart, sheet: str) -> bytes:
    """The chart part of `spec`, its ranges on sheet `sheet`."""
    line = spec.kind == "line"
    if not line and spec.kind not in ("bar", "stacked_bar"):
        raise ValueError(f"unknown chart kind {spec.kind!r}")
    categories = _reference(sheet, spec.categories)
    out = [
        DECLARATION,
        f'<chartSpace xmlns="{CHART_NS}"><chart>',
        _title(spec.title),
        "<plotArea>",
    ]
    if line:
        out.append('<lineChart><grouping val="standard"/>')
    else:
        direction = "bar" if spec.horizontal else "col"
        grouping = "stacked" if spec.kind == "stacked_bar" else "clustered"
        out.append(f'<barChart><barDir val="{direction}"/><grouping val="{grouping}"/>')
    for i, series in enumerate(spec.series):
        out.append(f'<ser><idx val="{i}"/><order val="{i}"/><tx><v>{_text(series.title)}</v></tx>')
        color = argb(series.color)[2:] if series.color else None
        rgb = f'<a:srgbClr val="{color}"/>'
        if line:
            width, fill = (f' w="{LINE_WIDTH_EMU}"', f"<a:solidFill>{rgb}</a:solidFill>")
            if not color:
                width = fill = ""
            out.append(f"<spPr><a:ln{_A}{width}>{fill}{_DASH}</a:ln></spPr>")
            out.append(
                f'<marker><symbol val="none"/><spPr><a:ln{_A}>{_DASH}</a:ln></spPr></marker>'
            )
        elif color:
            out.append(
                f"<spPr><a:solidFill{_A}>{rgb}</a:solidFill>"
                f"<a:ln{_A}><a:solidFill>{rgb}</a:solidFill>{_DASH}</a:ln></spPr>"
            )
        else:
            out.append(f"<spPr><a:ln{_A}>{_DASH}</a:ln></spPr>")
        out.append(f"<cat><numRef><f>{categories}</f></numRef></cat>")
        out.append(f"<val><numRef><f>{_reference(sheet, series.values)}</f></numRef></val>")
        if line and color:
            out.append('<smooth val="0"/>')
        out.append("</ser>")
    if line:
        out.append('<axId val="10"/><axId val="100"/></lineChart>')
    else:
        out.append('<gapWidth val="150"/>')
        if spec.kind == "stacked_bar":
            out.append('<overlap val="100"/>')
        out.append('<axId val="10"/><axId val="100"/></barChart>')
    out.append(_CAT_AX)
    out.append(_VAL_AX_HEAD)
    if spec.y_title:
        out.append(_title(spec.y_title))
    if spec.number_format:
        out.append(f'<numFmt formatCode="{_attr(spec.number_format)}" sourceLinked="0"/>')
    out.append(_VAL_AX_TAIL)
    out.append(
        '</plotArea><legend><legendPos val="b"/></legend><plotVisOnly val="1"/>'
        '<dispBlanksAs val="gap"/></chart></chartSpace>'
    )
    return "".join(out).encode()


def _anchor_cell(anchor: str) -> tuple[int, int]:
    """0-based (row, column) of a cell reference such as "H2"."""
    text = anchor.upper()
    letters = text.rstrip("0123456789")
    digits = text[len(letters) :]
    if not letters.isalpha() or not letters.isascii() or not digits:
        raise ValueError(f"invalid anchor cell {anchor!r}")
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return int(digits) - 1, col - 1


def drawing_xml(charts: Sequence[Chart]) -> bytes:
    """The drawing part placing `charts`, the n-th chart related as rId<n>."""
    out = [DECLARATION, f'<wsDr xmlns="{DRAWING_NS}">']
    for i, spec in enumerate(charts, start=1):
        row, col = _anchor_cell(spec.anchor)
        cx = int(spec.width_cm * EMU_PER_CM)
        cy = int(spec.height_cm * EMU_PER_CM)
        out.append(
            f"<oneCellAnchor><from><col>{col}</col><colOff>0</colOff><row>{row}</row>"
            f'<rowOff>0</rowOff></from><ext cx="{cx}" cy="{cy}"/><graphicFrame>'
            f'<nvGraphicFramePr><cNvPr id="{i}" name="Chart {i}"/><cNvGraphicFramePr/>'
            f'</nvGraphicFramePr><xfrm/><a:graphic{_A}><a:graphicData uri="{CHART_NS}">'
            f'<c:chart xmlns:c="{CHART_NS}" xmlns:r="{REL_NS}" r:id="rId{i}"/>'
            "</a:graphicData></a:graphic></graphicFrame><clientData/></oneCellAnchor>"
        )
    out.append("</wsDr>")
    return "".join(out).encode()
