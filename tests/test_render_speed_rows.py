"""sheet_xml._rows (each row's elements joined as its cells come) against the code it replaced,
kept here as it was: the same elements per row, in the same order, the same extent and styles."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.layout.model import DATE, EURO, Cell, Style
from treso_xl.render.excel_xml import MAX_TEXT, column_letter
from treso_xl.render.sheet_xml import (
    _ILLEGAL,
    _cell_tail,
    _CellStarts,
    _escape,
    _excel_date,
    _MergedBorder,
    _num,
    _rows,
    _style_attr,
    _text_body,
)

# --- _rows as it was, the reference ------------------------------------------------------------


def _old_rows(cells, heights, xfs):
    plain = {}
    dated = {}
    texts = {}
    serials = {}
    starts = _CellStarts()
    isfinite = math.isfinite
    by_row = {}
    unsorted = set()
    current = found = None
    srow = ""
    last_col = 0
    for (row, col), cell in cells.items():
        if row != current:
            current = row
            srow = str(row)
            found = by_row.get(row)
            if found is None:
                found = by_row[row] = []
                last_col = 0
            else:
                last_col = found[-1][0]
        if col < last_col:
            unsorted.add(row)
        last_col = col
        value = cell.value
        style = cell.style
        kind = value.__class__
        if kind is str or kind is float or kind is int:
            head = plain.get(id(style))
            if head is None:
                fmt = style.number_format if style.__class__ is Style else None
                head = plain[id(style)] = _style_attr(style, fmt, xfs)
            if kind is str:
                body = texts.get(value)
                if body is None:
                    body = texts[value] = _text_body(value)
                if body:
                    xml = f'{starts[col]}{srow}"{head} t="inlineStr">{body}</c>'
                else:
                    xml = f'{starts[col]}{srow}"{head} t="inlineStr"/>'
            elif kind is int or isfinite(value):
                xml = f'{starts[col]}{srow}"{head}><v>{value:.16g}</v></c>'
            elif head:
                xml = f'{starts[col]}{srow}"{head}/>'
            else:
                xml = ""
        elif kind is dt.date:
            head = dated.get(id(style))
            if head is None:
                fmt = style.number_format if style.__class__ is Style else None
                head = dated[id(style)] = _style_attr(style, fmt or DATE, xfs)
            serial = serials.get(value)
            if serial is None:
                serial = serials[value] = _num(_excel_date(value))
            xml = f'{starts[col]}{srow}"{head}><v>{serial}</v></c>'
        else:
            fmt = style.number_format if style.__class__ is Style else None
            tail = _cell_tail(value, style, fmt, xfs, (row, col))
            xml = f'{starts[col]}{srow}"{tail}' if tail else ""
        found.append((col, xml))
    for row in unsorted:
        by_row[row].sort()
    dimension = "A1:A1"
    if by_row:
        first_col = last_col = 0
        for found in by_row.values():
            if not first_col or found[0][0] < first_col:
                first_col = found[0][0]
            if found[-1][0] > last_col:
                last_col = found[-1][0]
        dimension = (
            f"{column_letter(first_col)}{min(by_row)}:{column_letter(last_col)}{max(by_row)}"
        )
    for row in heights:
        by_row.setdefault(row, [])
    return {row: by_row[row] for row in sorted(by_row)}, dimension


def _old_text_body(value: str) -> str:
    text = _ILLEGAL.sub("", value) if _ILLEGAL.search(value) else value
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{_escape(text)}</t></is>"


TEXTS = st.one_of(
    st.text(),
    st.text(
        alphabet=st.sampled_from(
            [
                "a",
                " ",
                "\u00a0",
                "\u202f",
                "\t",
                "\n",
                "\r",
                "\x01",
                "\x0b",
                "\x1f",
                "\x85",
                "\u2028",
                "\ud800",
                "\udfff",
                "\ufffe",
                "\uffff",
                "&",
                "<",
                "é",
                "\x7f",
                "\x0c",
            ]
        )
    ),
    st.sampled_from(["x" * (MAX_TEXT + 5), " " + "y" * MAX_TEXT, "\x01" * 3, "z" * MAX_TEXT + " "]),
)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_text_body_as_the_old_code(text: str) -> None:
    assert _text_body(text) == _old_text_body(text)


# --- a cellXfs stand-in recording the order styles are asked in -------------------------------


class _Xfs:
    """Indices given in the order styles are first asked for, as sheet_xml._Xfs allocates."""

    def __init__(self) -> None:
        self.asked: list[tuple[object, str | None]] = []
        self.index: dict[tuple[object, str | None], int] = {}

    def get(self, style: object, number_format: str | None) -> int:
        self.asked.append((style, number_format))
        return self.index.setdefault((style, number_format), len(self.index))


STYLES = [
    None,
    Style(),
    Style(bold=True),
    Style(number_format=EURO),
    Style(number_format=DATE, fill="FFEEDD"),
    _MergedBorder(True, False),
]
VALUES = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["", " a ", "x&y<z>", "\r\n", "ab\x01c", "\ud800"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.dates(min_value=dt.date(1899, 12, 31), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
CELLS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),
        st.integers(min_value=1, max_value=30),
        VALUES,
        st.sampled_from(range(len(STYLES))),
    ),
    max_size=60,
)


def _check(cells: dict[tuple[int, int], Cell], heights: dict[int, float]) -> None:
    old_xfs, new_xfs = _Xfs(), _Xfs()
    old_rows, old_dimension = _old_rows(cells, heights, old_xfs)
    new = _rows(cells, heights, new_xfs)
    assert new.dimension == old_dimension
    assert list(new.cells) == list(old_rows)
    for row, pairs in old_rows.items():
        assert new.cells[row] == ("".join(xml for _, xml in pairs), len(pairs)), row
    # the styles allocated in the same order (_Xfs.get allocates at a style's first call)
    assert list(dict.fromkeys(new_xfs.asked)) == list(dict.fromkeys(old_xfs.asked))


@settings(max_examples=300, deadline=None)
@given(CELLS, st.dictionaries(st.integers(1, 10), st.floats(5, 90), max_size=3), st.booleans())
def test_rows_as_the_old_code(entries, heights, by_row) -> None:
    """Rows written in several runs, columns out of order, every kind of value and style."""
    if by_row:  # mostly row by row, as the layouts put them
        entries = sorted(entries, key=lambda e: e[0])
    cells = {(row, col): Cell(value, STYLES[style]) for row, col, value, style in entries}
    _check(cells, heights)


def test_rows_met_again_and_out_of_order() -> None:
    money = Style(number_format=EURO)
    cells = {
        (2, 3): Cell("c", money),
        (2, 1): Cell(1.5, money),
        (5, 2): Cell(dt.date(2024, 5, 1), Style()),
        (2, 2): Cell(math.nan, None),  # type: ignore[arg-type]
        (5, 1): Cell("", Style(bold=True)),
        (7, 4): Cell(True, None),  # type: ignore[arg-type]
        (2, 9): Cell(7, money),
        (7, 1): Cell(None, _MergedBorder(False, True)),  # type: ignore[arg-type]
    }
    _check(cells, {1: 20.0, 5: 30.0})
    _check({}, {})
    _check({}, {3: 12.0})
