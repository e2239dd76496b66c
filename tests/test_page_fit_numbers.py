"""Column widths fitted to numbers: the longest shown of each column and style wins."""

from __future__ import annotations

import math

from treso_xl.layout.model import EURO, PERCENT, SheetLayout, Style
from treso_xl.layout.page import finished, shown_text


def _want(value: float, style: Style) -> float:
    return len(shown_text(value, style.number_format)) + 2.0 + style.indent


def test_the_most_negative_or_the_largest_number_sets_the_width():
    money, indented = Style(number_format=EURO), Style(number_format=EURO, indent=3)
    sheet = SheetLayout("T")
    values = [5.0, -1_234_567.89, 99_999.5, math.nan, 12.0]
    for row, value in enumerate(values, start=1):
        sheet.put(row, 1, value, money)
    sheet.put(6, 1, 100_000.0, indented)
    sheet.put(1, 2, 0.5, Style(number_format=PERCENT))
    sheet.put(2, 2, 12.345, Style(number_format=PERCENT))
    sheet.put(3, 2, math.inf, Style(number_format=PERCENT))
    done = finished(sheet)
    assert done.column_widths[1] == round(_want(-1_234_567.89, money), 1)
    assert done.column_widths[2] == round(_want(12.345, Style(number_format=PERCENT)), 1)
    sheet.put(7, 1, 123_456_789.0, indented)  # now the indented style's largest is longer
    assert finished(sheet).column_widths[1] == round(_want(123_456_789.0, indented), 1)


def test_text_lines_at_the_edge_of_one_line():
    from treso_xl.layout.page import text_lines

    per_line = (12.0 - 1.0) * 1.1  # 12.1 characters of a width of 12
    assert text_lines("abcde fghijk", 12.0) == 1  # 12 characters
    assert text_lines("abcde fghijkl", 12.0) == 2  # 13: the second word goes down
    assert text_lines("a" * 12 + "\nb", 12.0) == 2
    assert text_lines("a" * 25, 12.0) == 3  # one long word is cut
    assert per_line > 12
