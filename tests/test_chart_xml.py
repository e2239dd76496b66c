"""The chart and drawing parts written without openpyxl are the bytes openpyxl wrote for them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.xml.functions import tostring

from treso_xl.layout.model import EURO_ROUND, PERCENT, Chart, Series, SheetLayout
from treso_xl.refresh import compute, read
from treso_xl.render.chart_xml import chart_xml, drawing_xml
from treso_xl.render.sheet_xml import write_layouts
from treso_xl.render.xlsx_layout import build_chart

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbook_templates" / "exemple_graphiste.xlsx"
TODAY = dt.date(2026, 6, 15)
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


class _Sheet:
    """What openpyxl's chart references need of a worksheet."""

    def __init__(self, title: str) -> None:
        self.title = title


def _openpyxl_chart(spec: Chart, sheet: str) -> bytes:
    return DECLARATION + tostring(build_chart(_Sheet(sheet), spec)._write())


def _openpyxl_drawing(charts: list[Chart]) -> bytes:
    drawing = SpreadsheetDrawing()
    for i, spec in enumerate(charts, start=1):
        chart = build_chart(_Sheet("x"), spec)
        chart.anchor = spec.anchor
        chart._id = i
        drawing.charts.append(chart)
    return DECLARATION + tostring(drawing._write())


@pytest.fixture(scope="module")
def sample_charts() -> list[Chart]:
    report = compute(read(SAMPLE, today=TODAY))
    charts = [chart for layout in report.layouts for chart in layout.charts]
    assert len(charts) >= 3
    return charts


def test_sample_charts_same_bytes(sample_charts: list[Chart]) -> None:
    kinds = set()
    for spec in sample_charts:
        kinds.add((spec.kind, spec.horizontal))
        for sheet in ("Tableau de bord", "tableau DE bord"):
            assert chart_xml(spec, sheet) == _openpyxl_chart(spec, sheet)
    assert {("line", False), ("bar", False), ("stacked_bar", True)} <= kinds
    assert drawing_xml(sample_charts) == _openpyxl_drawing(sample_charts)


def test_what_matters_in_a_sample_chart(sample_charts: list[Chart]) -> None:
    """Series ranges, chart type, axes and format, read back from the written part."""
    spec = next(c for c in sample_charts if c.kind == "stacked_bar")
    root = etree.fromstring(chart_xml(spec, "Tableau de bord"))
    bar = root.find(f"{C}chart/{C}plotArea/{C}barChart")
    assert bar.find(f"{C}barDir").get("val") == "bar"
    assert bar.find(f"{C}grouping").get("val") == "stacked"
    assert bar.find(f"{C}overlap").get("val") == "100"
    refs = [f.text for f in bar.iter(f"{C}f")]
    assert len(refs) == 2 * len(spec.series)
    assert all(ref.startswith("'Tableau de bord'!$") for ref in refs)
    assert [a.get("val") for a in bar.findall(f"{C}axId")] == ["10", "100"]
    fmt = root.find(f"{C}chart/{C}plotArea/{C}valAx/{C}numFmt")
    assert fmt.get("formatCode") == spec.number_format
    assert fmt.get("sourceLinked") == "0"


VARIANTS = [
    Chart("line", "Un titre", "B3", (2, 1, 13, 1), (Series("Solde", (2, 2, 13, 2)),)),
    Chart(
        "line",
        "Deux lignes\net « guillemets » & <signes>",
        "aa10",
        (5, 1, 5, 1),
        (Series("A", (5, 2, 5, 2), "#1f4e78"), Series("B & C", (5, 3, 9, 4), "FF5B9BD5")),
        width_cm=12.3,
        height_cm=5.55,
        y_title="Euros\nTTC",
        number_format=EURO_ROUND,
    ),
    Chart(
        "bar",
        "Barres",
        "H2",
        (2, 1, 9, 1),
        (Series("x", (2, 2, 9, 2)), Series("y", (2, 3, 9, 3), "70AD47")),
        number_format='0.0 "%"',
    ),
    Chart(
        "bar",
        "Horizontales",
        "C40",
        (40, 1, 49, 1),
        (Series("", (40, 2, 49, 2), "ed7d31"),),
        horizontal=True,
        y_title="J",
    ),
    Chart(
        "stacked_bar",
        "",
        "A1",
        (2, 27, 9, 27),
        (Series("1-30 j", (2, 28, 9, 28)), Series("> 90 j", (2, 703, 9, 703), "7030A0")),
        number_format=PERCENT,
    ),
]


@pytest.mark.parametrize("spec", VARIANTS, ids=lambda c: f"{c.kind}-{c.anchor}")
@pytest.mark.parametrize("sheet", ["Tableau de bord", "L'onglet d'Anne", "A&B <1>", "X"])
def test_chart_variants_same_bytes(spec: Chart, sheet: str) -> None:
    assert chart_xml(spec, sheet) == _openpyxl_chart(spec, sheet)


def test_drawing_of_variants_same_bytes() -> None:
    assert drawing_xml(VARIANTS) == _openpyxl_drawing(VARIANTS)
    assert drawing_xml(VARIANTS[:1]) == _openpyxl_drawing(VARIANTS[:1])


def test_unknown_chart_kind_refused() -> None:
    with pytest.raises(ValueError):
        chart_xml(Chart("pie", "t", "A1", (1, 1, 2, 1), ()), "x")


def test_refreshed_package_relates_the_charts() -> None:
    """Drawing, chart parts, relationships and content types of a tab with two charts."""
    layout = SheetLayout("Graphiques")
    for row in range(1, 6):
        layout.put(row, 1, f"m{row}")
        layout.put(row, 2, float(row))
    layout.charts = [VARIANTS[0], VARIANTS[2]]
    out = write_layouts(SAMPLE.read_bytes(), [layout])
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        names = archive.namelist()
        types = archive.read("[Content_Types].xml").decode()
        drawing = "xl/drawings/treso_graphiques.xml"
        charts = ["xl/charts/treso_graphiques_1.xml", "xl/charts/treso_graphiques_2.xml"]
        assert drawing in names and all(c in names for c in charts)
        assert f'PartName="/{drawing}"' in types
        assert all(f'PartName="/{c}"' in types for c in charts)
        rels = archive.read("xl/drawings/_rels/treso_graphiques.xml.rels").decode()
        assert 'Target="../charts/treso_graphiques_1.xml"' in rels
        assert 'Target="../charts/treso_graphiques_2.xml"' in rels
        sheet_rels = archive.read("xl/worksheets/_rels/treso_graphiques.xml.rels").decode()
        assert 'Target="../drawings/treso_graphiques.xml"' in sheet_rels
        assert b"'Graphiques'!$B$2:$B$13" in archive.read(charts[0])
