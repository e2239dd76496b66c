"""The styles-part records (font, fill, alignment, border) of a layout `Style`, as openpyxl
writes them for the renderer of treso_xl/render/xlsx_layout.py, built without openpyxl."""

# Same elements, children and attribute order as `to_tree()` of the openpyxl objects that
# xlsx_layout._StyleCache makes, so that the records appended to the user's styles part keep
# their bytes (tests/test_style_xml.py compares both for many styles). A record is a plain
# tuple (tag, attributes in order, children): its canonical form, the one the styles merger
# compares (package._canon), costs no XML element, and an element is built only for a record
# the user's styles part lacks.

from __future__ import annotations

from lxml import etree

from treso_xl.layout.model import Style
from treso_xl.render.excel_xml import argb

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FONT_NAME = "Calibri"  # body font of every generated cell: "minor" follows the user's theme
FONT_SIZE = 11.0
GREY = "FF808080"  # the thin borders' colour

# (local tag, attributes in order, children)
Record = tuple[str, tuple[tuple[str, str], ...], tuple["Record", ...]]
Records = tuple[Record, Record | None, Record | None, Record | None]


def _side(tag: str, thin: bool) -> Record:
    if thin:
        return (tag, (("style", "thin"),), (("color", (("rgb", GREY),), ()),))
    return (tag, (), ())


def font(style: Style) -> Record:
    children: list[Record] = [("name", (("val", FONT_NAME),), ()), ("family", (("val", "2"),), ())]
    if style.bold:
        children.append(("b", (("val", "1"),), ()))
    if style.italic:
        children.append(("i", (("val", "1"),), ()))
    if style.font_color:
        children.append(("color", (("rgb", argb(style.font_color)),), ()))
    children.append(("sz", (("val", f"{style.size or FONT_SIZE:.16g}"),), ()))
    children.append(("scheme", (("val", "minor"),), ()))
    return ("font", (), tuple(children))


def fill(style: Style) -> Record | None:
    if not style.fill:
        return None
    color = (("rgb", argb(style.fill)),)
    pattern = (
        "patternFill",
        (("patternType", "solid"),),
        (("fgColor", color, ()), ("bgColor", color, ())),
    )
    return ("fill", (), (pattern,))


def alignment(style: Style) -> Record | None:
    if not (style.align or style.valign or style.wrap or style.indent):
        return None
    attrib: list[tuple[str, str]] = []
    if style.align:
        attrib.append(("horizontal", style.align))
    if style.valign:
        attrib.append(("vertical", style.valign))
    if style.wrap:
        attrib.append(("wrapText", "1"))
    if style.indent:
        attrib.append(("indent", f"{style.indent:.16g}"))
    return ("alignment", tuple(attrib), ())


def border(style: Style) -> Record | None:
    if not (style.border_bottom or style.border_top):
        return None
    return ("border", (), (_side("top", style.border_top), _side("bottom", style.border_bottom)))


def merged_border(top: bool, bottom: bool) -> Record:
    """The border of a covered cell of a merged area (openpyxl's MergedCell: every side set)."""
    sides = (
        _side("left", False),
        _side("right", False),
        _side("top", top),
        _side("bottom", bottom),
        _side("diagonal", False),
    )
    return ("border", (), sides)


def canon(record: Record) -> tuple:
    """The canonical form the styles merger compares (package._canon of its element)."""
    tag, attrib, children = record
    return (f"{{{MAIN}}}{tag}", tuple(sorted(attrib)), "", tuple(canon(c) for c in children))


def append_to(parent: etree._Element, record: Record) -> etree._Element:
    """Build `record` as the last child of `parent` (prefixes as in scope there)."""
    tag, attrib, children = record
    el = etree.SubElement(parent, f"{{{MAIN}}}{tag}", dict(attrib))
    for child in children:
        append_to(el, child)
    return el


def element(record: Record) -> etree._Element:
    """`record` as a standalone element."""
    tag, attrib, children = record
    el = etree.Element(f"{{{MAIN}}}{tag}", dict(attrib))
    for child in children:
        append_to(el, child)
    return el


# Records and canonical forms of each distinct Style, kept for the process (they are plain
# immutable tuples): a process refreshing many workbooks builds them once.
_RECORDS: dict[Style, tuple[Records, tuple]] = {}


def records(style: Style) -> tuple[Records, tuple]:
    """The (font, fill, alignment, border) records of `style`, and their canonical forms."""
    hit = _RECORDS.get(style)
    if hit is None:
        found = (font(style), fill(style), alignment(style), border(style))
        forms = tuple(None if record is None else canon(record) for record in found)
        hit = _RECORDS[style] = (found, forms)
    return hit
