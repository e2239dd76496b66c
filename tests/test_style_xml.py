"""The styles records built without openpyxl are the elements openpyxl's objects serialize to."""

from __future__ import annotations

import itertools

from lxml import etree
from openpyxl.styles import Border, Side
from openpyxl.xml.functions import tostring

from treso_xl.layout.model import EURO, Style
from treso_xl.render.package import _canon
from treso_xl.render.style_xml import MAIN, Record, canon, element, merged_border, records
from treso_xl.render.xlsx_layout import _THIN, _StyleCache


def _tree(el: etree._Element) -> tuple:
    """What the styles merger compares and copies: tag, attributes in order, text, children."""
    return (el.tag, list(el.attrib.items()), el.text, [_tree(child) for child in el])


def _openpyxl(record: object) -> tuple | None:
    if record is None:
        return None
    xml = tostring(record.to_tree()).decode()
    return _tree(etree.fromstring(f'<x xmlns="{MAIN}">{xml}</x>')[0])


def _mine(record: Record | None) -> tuple | None:
    if record is None:
        return None
    built = element(record)
    assert canon(record) == _canon(built)  # what the styles merger compares
    return _tree(built)


def _styles() -> list[Style]:
    found = [Style(), Style(number_format=EURO)]
    for bold, italic, wrap, top, bottom in itertools.product((False, True), repeat=5):
        found.append(
            Style(bold=bold, italic=italic, wrap=wrap, border_top=top, border_bottom=bottom)
        )
    for size, color, fill in itertools.product(
        (None, 8, 9.5, 14.0), (None, "1f4e78"), (None, "#FFF2CC")
    ):
        found.append(Style(size=size, font_color=color, fill=fill))
    for align, valign, indent in itertools.product(
        (None, "left", "center", "right"), (None, "top", "center", "bottom"), (0, 1, 3)
    ):
        found.append(Style(align=align, valign=valign, indent=indent))
    return found


def test_records_of_many_styles_same_elements() -> None:
    theirs = _StyleCache()
    styles = _styles()
    assert len(styles) > 90
    for style in styles:
        for a, b in zip(theirs.get(style), records(style)[0], strict=True):
            assert _mine(b) == _openpyxl(a), style


def test_merged_cell_borders_same_elements() -> None:
    for top, bottom in itertools.product((False, True), repeat=2):
        border = Border(
            left=Side(),
            right=Side(),
            top=_THIN if top else Side(),
            bottom=_THIN if bottom else Side(),
            diagonal=Side(),
        )
        assert _mine(merged_border(top, bottom)) == _openpyxl(border)
