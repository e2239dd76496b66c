"""The styles-part records (font, fill, alignment, border) of a layout `Style`, as openpyxl
writes them for the renderer of treso_xl/render/xlsx_layout.py, built without openpyxl."""

# Same elements, children and attribute order as `to_tree()` of the openpyxl objects that
# xlsx_layout._StyleCache makes, so that the records appended to the user's styles part keep
# their bytes (tests/test_style_xml.py compares both for many styles).

from __future__ import annotations

from lxml import etree

from treso_xl.layout.model import Style
from treso_xl.render.excel_xml import argb

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FONT_NAME = "Calibri"  # body font of every generated cell: "minor" follows the user's theme
FONT_SIZE = 11.0
GREY = "FF808080"  # the thin borders' colour

Records = tuple[etree._Element, etree._Element | None, etree._Element | None, etree._Element | None]


def _el(tag: str, **attrib: str) -> etree._Element:
    return etree.Element(f"{{{MAIN}}}{tag}", attrib)


def _sub(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{MAIN}}}{tag}", attrib)


def _side(parent: etree._Element, tag: str, thin: bool) -> None:
    side = _sub(parent, tag, style="thin") if thin else _sub(parent, tag)
    if thin:
        _sub(side, "color", rgb=GREY)


def font(style: Style) -> etree._Element:
    el = _el("font")
    _sub(el, "name", val=FONT_NAME)
    _sub(el, "family", val="2")
    if style.bold:
        _sub(el, "b", val="1")
    if style.italic:
        _sub(el, "i", val="1")
    if style.font_color:
        _sub(el, "color", rgb=argb(style.font_color))
    _sub(el, "sz", val=f"{style.size or FONT_SIZE:.16g}")
    _sub(el, "scheme", val="minor")
    return el


def fill(style: Style) -> etree._Element | None:
    if not style.fill:
        return None
    color = argb(style.fill)
    el = _el("fill")
    pattern = _sub(el, "patternFill", patternType="solid")
    _sub(pattern, "fgColor", rgb=color)
    _sub(pattern, "bgColor", rgb=color)
    return el


def alignment(style: Style) -> etree._Element | None:
    if not (style.align or style.valign or style.wrap or style.indent):
        return None
    el = _el("alignment")
    if style.align:
        el.set("horizontal", style.align)
    if style.valign:
        el.set("vertical", style.valign)
    if style.wrap:
        el.set("wrapText", "1")
    if style.indent:
        el.set("indent", f"{style.indent:.16g}")
    return el


def border(style: Style) -> etree._Element | None:
    if not (style.border_bottom or style.border_top):
        return None
    el = _el("border")
    _side(el, "top", style.border_top)
    _side(el, "bottom", style.border_bottom)
    return el


def merged_border(top: bool, bottom: bool) -> etree._Element:
    """The border of a covered cell of a merged area (openpyxl's MergedCell: every side set)."""
    el = _el("border")
    _side(el, "left", False)
    _side(el, "right", False)
    _side(el, "top", top)
    _side(el, "bottom", bottom)
    _side(el, "diagonal", False)
    return el


class StyleRecords:
    """The records of each distinct `Style`, built once."""

    def __init__(self) -> None:
        self._cache: dict[Style, Records] = {}

    def get(self, style: Style) -> Records:
        hit = self._cache.get(style)
        if hit is None:
            hit = self._cache[style] = (font(style), fill(style), alignment(style), border(style))
        return hit
