"""The streamed worksheet XML gives the generated tabs the openpyxl renderer gave, cell by cell."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from treso_xl.layout.model import DATE, EURO, Chart, Series, SheetLayout, Style
from treso_xl.refresh import compute, read
from treso_xl.render.package import merge_generated
from treso_xl.render.sheet_xml import write_layouts
from treso_xl.render.xlsx_layout import render_layouts

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbook_templates" / "exemple_graphiste.xlsx"
BENCH = ROOT / "benchmarks" / "bench_refresh.py"
TODAY = dt.date(2026, 6, 15)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# CT_Worksheet's child sequence (ECMA-376 part 1, 18.3.1.99), the elements this writer uses
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
]  # fmt: skip


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_refresh", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _both(user: bytes, layouts: list[SheetLayout]) -> tuple[bytes, bytes]:
    names = [layout.name for layout in layouts]
    old = merge_generated(user, render_layouts(layouts), names)
    new = write_layouts(user, layouts)
    return old, new


def _color(color: object) -> object:
    return None if color is None else (color.type, color.rgb, color.theme)


def _look(cell: object) -> tuple:
    font, fill, border, align = cell.font, cell.fill, cell.border, cell.alignment
    return (
        cell.value,
        cell.data_type,
        cell.number_format,
        (font.b, font.i, font.sz, font.name, _color(font.color)),
        (fill.fill_type, _color(fill.fgColor)),
        tuple((side.style, _color(side.color)) for side in (border.top, border.bottom)),
        (align.horizontal, align.vertical, align.wrap_text, align.indent),
        None if cell.hyperlink is None else cell.hyperlink.location,
    )


def _assert_same_tabs(old: bytes, new: bytes, names: list[str]) -> int:
    """Compare the generated tabs of both workbooks; return the number of cells compared."""
    a = openpyxl.load_workbook(io.BytesIO(old))
    b = openpyxl.load_workbook(io.BytesIO(new))
    assert a.sheetnames == b.sheetnames
    assert a.active.title == b.active.title
    compared = 0
    for name in names:
        wa, wb = a[name], b[name]
        cells_a = {
            c.coordinate: _look(c)
            for row in wa.iter_rows()
            for c in row
            if c.has_style or c.value is not None
        }
        cells_b = {
            c.coordinate: _look(c)
            for row in wb.iter_rows()
            for c in row
            if c.has_style or c.value is not None
        }
        assert cells_b == cells_a, name
        compared += len(cells_a)
        assert sorted(map(str, wb.merged_cells.ranges)) == sorted(map(str, wa.merged_cells.ranges))
        widths = {k: d.width for k, d in wa.column_dimensions.items() if d.customWidth}
        assert {k: d.width for k, d in wb.column_dimensions.items() if d.customWidth} == widths
        heights = {k: d.height for k, d in wa.row_dimensions.items() if d.height}
        assert {k: d.height for k, d in wb.row_dimensions.items() if d.height} == heights
        assert wb.freeze_panes == wa.freeze_panes, name
        assert wb.print_title_rows == wa.print_title_rows, name
        assert wb.page_setup.orientation == wa.page_setup.orientation
        assert wb.page_setup.paperSize == wa.page_setup.paperSize
        assert wb.page_setup.fitToWidth == wa.page_setup.fitToWidth
        assert (
            wb.sheet_properties.pageSetUpPr.fitToPage == wa.sheet_properties.pageSetUpPr.fitToPage
        )
        assert str(wb.oddFooter) == str(wa.oddFooter)
        assert _color(wb.sheet_properties.tabColor) == _color(wa.sheet_properties.tabColor)
        assert len(wb._charts) == len(wa._charts), name
        assert wb.views.sheetView[0].tabSelected == wa.views.sheetView[0].tabSelected
    return compared


def _sheet_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            n: archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/treso_") and n.endswith(".xml")
        }


def _assert_order(data: bytes) -> None:
    for name, xml in _sheet_parts(data).items():
        tags = [etree.QName(el).localname for el in etree.fromstring(xml)]
        ranks = [WORKSHEET_ORDER.index(tag) for tag in tags]
        assert ranks == sorted(ranks) and len(set(tags)) == len(tags), (name, tags)


@pytest.fixture(scope="module")
def sample_layouts() -> list[SheetLayout]:
    return compute(read(SAMPLE, TODAY)).layouts


def test_sample_tabs_identical(sample_layouts: list[SheetLayout]) -> None:
    user = SAMPLE.read_bytes()
    old, new = _both(user, sample_layouts)
    compared = _assert_same_tabs(old, new, [layout.name for layout in sample_layouts])
    assert compared > 500
    _assert_order(new)


def test_sample_styles_records_identical(sample_layouts: list[SheetLayout]) -> None:
    """The same fonts, fills, borders, formats and xfs reach the user's styles part."""
    user = SAMPLE.read_bytes()
    old, new = _both(user, sample_layouts)

    def records(data: bytes) -> dict[str, set[bytes]]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = etree.fromstring(archive.read("xl/styles.xml"))
        found = {}
        for section in root:
            local = etree.QName(section).localname
            found[local] = {etree.tostring(el, method="c14n") for el in section}
            if "count" in section.attrib:
                assert int(section.get("count")) == len(section), local
        return found

    assert records(new) == records(old)


def test_second_write_gives_the_same_bytes(sample_layouts: list[SheetLayout]) -> None:
    once = write_layouts(SAMPLE.read_bytes(), sample_layouts)
    assert write_layouts(once, sample_layouts) == once


def test_tricky_values_and_merges() -> None:
    layout = SheetLayout("Essai", column_widths={1: 20.5}, row_heights={2: 30, 9: 12})
    layout.freeze = (3, 2)
    layout.put(1, 1, 'Titre & <x> "q"', Style(bold=True, fill="DDEEFF", border_bottom=True))
    layout.put(1, 3, "caché par la fusion", Style(fill="FF0000"))
    layout.merges.append((1, 1, 2, 4))
    layout.put(2, 4, None, Style(border_bottom=True))
    layout.put(3, 1, "=SUM(A1)")
    layout.put(3, 2, " espace devant\r\net\tcontrôle\x01\x1f")
    layout.put(3, 3, "")
    layout.put(3, 4, "x" * 40000)
    layout.put(4, 1, 0.1 + 0.2, Style(number_format=EURO))
    layout.put(4, 2, 12345678901234567)
    layout.put(4, 3, float("nan"))
    layout.put(4, 4, float("inf"), Style(fill="00FF00"))
    layout.put(5, 1, dt.date(1900, 1, 15))
    layout.put(5, 2, dt.date(2026, 12, 31), Style(number_format="mmm yyyy"))
    layout.put(5, 3, dt.datetime(2026, 1, 2, 3, 4, 5, 678000))
    layout.put(5, 4, True)
    layout.put(6, 1, False, Style(number_format="0"))
    layout.put(6, 2, DATE, Style(italic=True, size=9, indent=2, valign="top", wrap=True))
    layout.links[(7, 1)] = "'Essai'!A1"
    layout.put(7, 2, None, Style(font_color="C00000"))
    layout.links[(7, 2)] = "'Essai'!B4"
    layout.put(7, 3, "lien", Style(font_color="C00000"))
    layout.links[(7, 3)] = "'Essai'!C5"
    layout.links[(1, 2)] = "'Essai'!A1"  # covered by the merge: dropped
    layout.charts.append(
        Chart("line", "T", "F2", (4, 1, 5, 1), (Series("s", (4, 2, 5, 2), "FF0000"),), y_title="y")
    )
    other = SheetLayout("Autre d'été")
    other.put(1, 1, 1)
    other.print_titles = (1, 1)
    other.charts.append(
        Chart("stacked_bar", "B", "C3", (1, 1, 1, 1), (Series("s", (1, 1, 1, 1)),), horizontal=True)
    )
    user = SAMPLE.read_bytes()
    old, new = _both(user, [layout, other])
    _assert_same_tabs(old, new, ["Essai", "Autre d'été"])
    _assert_order(new)
    ws = openpyxl.load_workbook(io.BytesIO(new))["Essai"]
    assert ws["A3"].value == "=SUM(A1)" and ws["A3"].data_type == "s"
    assert ws["B3"].value == " espace devant\r\net\tcontrôle"
    assert ws["C1"].value is None  # covered by the merge
    assert len(ws["D3"].value) == 32767


def test_empty_layout_and_new_styles_part(tmp_path: Path) -> None:
    """A user's workbook without styles part gets one; an empty tab is still a valid sheet."""
    book = openpyxl.Workbook()
    book.active["A1"] = 1
    plain = io.BytesIO()
    book.save(plain)
    buffer = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            if info.filename == "xl/styles.xml":
                continue
            data = src.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                root = etree.fromstring(data)
                for rel in list(root):
                    if rel.get("Type", "").endswith("/styles"):
                        root.remove(rel)
                data = etree.tostring(root)
            out.writestr(info, data)
    user = buffer.getvalue()
    layouts = [SheetLayout("Vide"), SheetLayout("Plein")]
    layouts[1].put(1, 1, "a", Style(bold=True))
    old, new = _both(user, layouts)
    _assert_same_tabs(old, new, ["Vide", "Plein"])


def test_large_workbook_tabs_identical(tmp_path: Path) -> None:
    bench = _bench_module()
    source = bench.generate_workbook(10_000, tmp_path)
    layouts = compute(read(source)).layouts
    user = source.read_bytes()
    old, new = _both(user, layouts)
    compared = _assert_same_tabs(old, new, [layout.name for layout in layouts])
    assert compared > 5_000
    _assert_order(new)


def test_characters_xml_forbids_are_dropped() -> None:
    """U+FFFE and lone surrogates made the openpyxl renderer fail; they are dropped now."""
    layout = SheetLayout("Essai")
    layout.put(1, 1, "a\ufffeb\ud800c\uffffd\x00e 😀")
    layout.links[(1, 1)] = "'Essai'!A2\ufffe"
    layout.footer = ("x\ufffe", "", "")
    new = write_layouts(SAMPLE.read_bytes(), [layout])
    for xml in _sheet_parts(new).values():
        etree.fromstring(xml)  # well-formed XML 1.0
    ws = openpyxl.load_workbook(io.BytesIO(new))["Essai"]
    assert ws["A1"].value == "abcde 😀"
    assert ws["A1"].hyperlink.location == "'Essai'!A2"


def test_equal_values_of_one_style_written_each_as_itself() -> None:
    """Values that compare equal but are written differently (0.0 and -0.0, 1 and True, one
    instant at two UTC offsets) each keep their own XML when they share a style."""
    import numpy as np

    style = Style(number_format=EURO)
    paris = dt.timezone(dt.timedelta(hours=1))
    layout = SheetLayout("Égaux")
    values = [
        0.0,
        -0.0,
        0.0,
        1,
        True,
        1.0,
        dt.datetime(2026, 1, 1, 12, tzinfo=paris),
        dt.datetime(2026, 1, 1, 11, tzinfo=dt.UTC),
        np.float64(-0.0),
        np.int64(7),
        "7",
    ]
    for col, value in enumerate(values, start=1):
        layout.put(1, col, value, style)
        layout.put(2, col, value)
    old, new = _both(SAMPLE.read_bytes(), [layout])
    _assert_same_tabs(old, new, ["Égaux"])
    root = etree.fromstring(_sheet_parts(new)["xl/worksheets/treso_egaux.xml"])
    for row in (1, 2):
        cells = root.findall(f"{{{MAIN}}}sheetData/{{{MAIN}}}row[@r='{row}']/{{{MAIN}}}c")
        written = [(c.get("t"), c.findtext(f"{{{MAIN}}}v")) for c in cells]
        assert written[:6] == [
            (None, "0"),
            (None, "-0"),
            (None, "0"),
            (None, "1"),
            ("b", "1"),
            (None, "1"),
        ]
        assert written[6][1] != written[7][1]  # 12:00 and 11:00, offsets dropped
        assert written[8:10] == [(None, "-0"), (None, "7")]
        assert written[10][0] == "inlineStr"
