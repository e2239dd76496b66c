"""The xlwings renderer's pieces: protected texts, rectangles, format plan, chart sources."""

from __future__ import annotations

import datetime as dt
import math

import xlwings_standin as standin
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.excel.render_xlwings import (
    FORMAT_ATTRIBUTES,
    MAX_ADDRESS,
    SKIPPED_ATTRIBUTES,
    addresses,
    excel_value,
    format_groups,
    rectangles,
    runs,
    series_block,
    shared_ranges,
    shows,
    style_attributes,
    write_layouts,
)
from treso_xl.layout.model import EURO, Chart, Series, SheetLayout, Style

cells_strategy = st.sets(st.tuples(st.integers(1, 12), st.integers(1, 8)), max_size=60)


def _covered(boxes: list[tuple[int, int, int, int]]) -> set[tuple[int, int]]:
    return {
        (r, c) for r1, c1, r2, c2 in boxes for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    }


@settings(max_examples=200, deadline=None)
@given(cells=cells_strategy, free=cells_strategy)
def test_rectangles_cover_the_cells_and_only_free_ones_besides(cells, free) -> None:
    boxes = rectangles(cells, free)
    covered = _covered(boxes)
    assert cells <= covered
    assert covered <= cells | free
    assert len(boxes) <= len(rectangles(cells))  # free cells never make it worse


def test_rectangles_merge_rows_and_columns() -> None:
    block = {(r, c) for r in range(2, 10) for c in range(1, 5)}
    assert rectangles(block) == [(2, 1, 9, 4)]
    column = {(r, 3) for r in range(1, 30)}
    assert rectangles(column) == [(1, 3, 29, 3)]
    # two cells apart in a row join through a free cell between them
    assert rectangles({(1, 1), (1, 3)}, {(1, 2)}) == [(1, 1, 1, 3)]


def test_texts_are_protected_from_excels_typing() -> None:
    assert excel_value("=SUM(A1)") == "'=SUM(A1)"
    assert excel_value("+33 6 12 34 56 78") == "'+33 6 12 34 56 78"
    assert excel_value("Total") == "'Total"
    assert excel_value("") is None
    assert excel_value("a\x00b") == "'ab"
    assert excel_value(float("nan")) is None and excel_value(math.inf) is None
    assert excel_value(True) is True
    assert excel_value(dt.date(2026, 1, 31)) == dt.date(2026, 1, 31)
    assert excel_value(3) == 3


def test_every_style_attribute_is_written_or_declared_skipped() -> None:
    assert set(style_attributes()) == set(FORMAT_ATTRIBUTES) | set(SKIPPED_ATTRIBUTES)


def test_format_groups_leave_invisible_formats_free() -> None:
    layout = SheetLayout("T")
    money = Style(number_format=EURO)
    for row in range(1, 6):
        layout.put(row, 1, f"ligne {row}", money)  # a number format on a text shows nothing
        layout.put(row, 2, row * 10.0, money)
    assert [(g.kind, g.boxes) for g in format_groups(layout)] == [
        ("number_format", ((1, 2, 5, 2),))
    ]


def test_a_date_without_format_is_shown_as_a_date() -> None:
    layout = SheetLayout("T")
    layout.put(1, 1, dt.date(2026, 1, 31))
    (group,) = format_groups(layout)
    assert (group.kind, group.value) == ("number_format", "dd/mm/yyyy")
    assert group.boxes == ((1, 1, 1, 1),)


def test_runs_of_equal_sizes() -> None:
    assert runs({1: 10.0, 2: 10.0, 3: 12.0, 5: 12.0}) == [(1, 2, 10.0), (3, 3, 12.0), (5, 5, 12.0)]


def _chart(*areas: tuple[int, int, int, int]) -> Chart:
    return Chart(
        kind="bar",
        title="T",
        anchor="H2",
        categories=(2, 1, 5, 1),
        series=tuple(Series(f"s{i}", area) for i, area in enumerate(areas)),
    )


def test_series_side_by_side_make_one_source() -> None:
    assert series_block(_chart((2, 2, 5, 2), (2, 3, 5, 3))) == ((2, 2, 5, 3), "columns")
    assert series_block(_chart((2, 2, 2, 9), (3, 2, 3, 9))) == ((2, 2, 3, 9), "rows")
    assert series_block(_chart((2, 2, 5, 2), (2, 4, 5, 4))) is None  # a gap
    assert series_block(_chart((2, 3, 5, 3), (2, 2, 5, 2))) is None  # out of order


def test_a_chart_that_cannot_be_drawn_is_reported() -> None:
    layout = SheetLayout("T")
    layout.put_row(1, 1, ["Mois", "A", "B", "C"])
    layout.charts.append(_chart((2, 2, 5, 2), (2, 4, 5, 4)))
    book = standin.new_book({"Données": [[1]]})
    assert write_layouts(book, [layout]) == ["T : graphique « T » (séries non contiguës)"]


def test_only_the_tools_tabs_are_rewritten_and_new_ones_go_last() -> None:
    # "previsionnel " is the user's (another name for Excel); the marked "BFR" is the tool's
    book = standin.new_book({"Paramètres": [[1]], "previsionnel ": [["vieux"]], "Notes": [[2]]})
    old = book.sheets.add("BFR", after=book.sheets["Notes"])
    old.names.add("BFR!_treso_xl_onglet", '="BFR"')
    old.range("A1").value = "ancien"
    book.sheets["Paramètres"].activate()
    first, second = SheetLayout("Prévisionnel"), SheetLayout("BFR")
    first.put(1, 1, "neuf")
    second.put(1, 1, "besoin")
    write_layouts(book, [first, second])
    assert book.sheet_names == ["Paramètres", "previsionnel ", "Notes", "BFR", "Prévisionnel"]
    assert standin.sheet_data(book, "previsionnel ").grid() == [["vieux"]]
    assert standin.sheet_data(book, "Prévisionnel").grid() == [["neuf"]]
    assert standin.sheet_data(book, "BFR").grid() == [["besoin"]]
    assert standin.sheet_data(book, "Prévisionnel").names == {"_treso_xl_onglet": '="Prévisionnel"'}
    assert book.sheets.active.name == "Paramètres"  # the user's sheet stays in front


def test_what_excel_would_not_show_anyway() -> None:
    assert not shows("align", "left", "texte")  # "General" already aligns texts left
    assert shows("align", "left", 12.5)
    assert not shows("align", "right", dt.date(2026, 1, 31))
    assert shows("align", "center", "texte")
    assert not shows("wrap", True, 1234.5)  # numbers never wrap
    assert shows("wrap", True, "un long texte")
    assert not shows("number_format", EURO, "texte")
    assert not shows("font", (("bold", True),), None)
    assert shows("font", (("size", 14),), None)  # a size makes the row taller
    assert shows("fill", "FFC7CE", None)


def _parsed(address: str) -> set[tuple[int, int]]:
    return _covered([standin._parse_address(part) for part in address.split(",")])


@settings(max_examples=100, deadline=None)
@given(boxes=st.lists(st.tuples(st.integers(1, 2000), st.integers(1, 60)), max_size=120))
def test_addresses_cover_the_rectangles_in_excels_length_limit(boxes) -> None:
    rects = [(r, c, r + c % 3, c + r % 2) for r, c in boxes]
    several = addresses(rects, several=True)
    assert all(len(address) <= MAX_ADDRESS for address in several)
    assert set().union(*map(_parsed, several)) == _covered(rects)
    one_each = addresses(rects, several=False)
    assert len(one_each) == len(rects) and all("," not in a for a in one_each)
    assert len(several) <= len(one_each)


def test_formats_share_a_range_only_where_each_may_go() -> None:
    from treso_xl.refresh import compute, read
    from treso_xl.workbooks import sample_path

    for layout in compute(read(sample_path())).layouts:
        groups = [g for g in format_groups(layout) if not g.kind.startswith("border")]
        gathered = shared_ranges(groups)
        assert sorted(map(id, groups)) == sorted(id(g) for _, members in gathered for g in members)
        for boxes, members in gathered:
            covered = _covered(list(boxes))
            assert len(addresses(boxes, several=True)) == 1
            kinds = [g.kind for g in members]
            assert len(kinds) == len(set(kinds)), (layout.name, kinds)  # one value per kind
            for group in members:
                assert group.cells <= covered <= group.allowed, (layout.name, group.kind)
        assert len(gathered) < len(groups)  # some sharing happens on every tab
