"""Merging generated tabs into a user's workbook keeps every byte of the user's parts."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from helpers_xlsx import (
    CT,
    MAIN,
    PKG_REL,
    REL,
    USER_FORMULAS,
    entry_names,
    generated_layouts,
    minimal_package,
    parts,
    sheet_targets,
    tiny_png,
    user_workbook,
    xml,
)
from lxml import etree
from python_calamine import CalamineWorkbook

from treso_xl.layout.model import EURO, SheetLayout, Style
from treso_xl.render.package import WorkbookFormatError, merge_generated, read_tab_names, slug
from treso_xl.render.xlsx_layout import render_layouts

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")

TABS = ["BFR", "Tableau de bord"]
WORKBOOK_LEVEL = {
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "xl/styles.xml",
}
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def _refresh(user: bytes, **options: bool) -> bytes:
    """One refresh: render the generated tabs anew and merge them."""
    return merge_generated(user, render_layouts(generated_layouts()), TABS, **options)


def _c14n(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


def _calamine(data: bytes, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()


@pytest.fixture(scope="module")
def user() -> bytes:
    return user_workbook()


@pytest.fixture(scope="module")
def refreshed(user: bytes) -> tuple[bytes, bytes]:
    first = _refresh(user)
    return first, _refresh(first)


# ---------------------------------------------------------------------------------------------
# (a) the user's parts


def test_user_parts_are_byte_identical_and_in_order(
    user: bytes, refreshed: tuple[bytes, bytes]
) -> None:
    original = parts(user)
    # the user's workbook really holds what openpyxl would lose
    names = set(original)
    assert {"xl/sharedStrings.xml", "xl/media/image1.png", "xl/charts/chart1.xml"} <= names
    data_sheet = original["xl/worksheets/sheet1.xml"]
    assert b"<f>A2*B2</f><v>30</v>" in data_sheet
    assert b"x14:sparklineGroup" in data_sheet and b"x14:dataBar" in data_sheet
    assert b"<dataValidation " in data_sheet

    for merged in refreshed:
        out = parts(merged)
        for name, data in original.items():
            if name not in WORKBOOK_LEVEL:
                assert out[name] == data, name
        kept = [n for n in entry_names(merged) if n in original]
        assert kept == entry_names(user)
        with zipfile.ZipFile(io.BytesIO(user)) as src, zipfile.ZipFile(io.BytesIO(merged)) as dst:
            for info in src.infolist():
                assert dst.getinfo(info.filename).date_time == info.date_time


# ---------------------------------------------------------------------------------------------
# (b) workbook-level parts differ only by the generated tabs' entries


def _without(root: etree._Element, predicate) -> etree._Element:
    for el in list(root.iter()):
        if isinstance(el.tag, str) and predicate(el):
            el.getparent().remove(el)
    return root


def test_workbook_level_parts_only_gain_the_generated_entries(user: bytes) -> None:
    merged = _refresh(user, full_calc_on_load=False)
    before, after = parts(user), parts(merged)
    new_parts = [n for n in after if n not in before]
    assert all(re.search(r"/treso_[a-z0-9_]+\.xml(\.rels)?$", n) for n in new_parts), new_parts

    workbook = _without(
        xml(after["xl/workbook.xml"]),
        lambda el: (el.tag == f"{{{MAIN}}}sheet" and el.get("name") in TABS)
        or (el.tag == f"{{{MAIN}}}definedName" and el.get("name") == "_treso_xl_onglet")
        # the header rows each generated tab repeats on printed pages
        or (el.tag == f"{{{MAIN}}}definedName" and el.get("name") == "_xlnm.Print_Titles"),
    )
    workbook = _without(  # a list of names made only for the markers
        workbook, lambda el: el.tag == f"{{{MAIN}}}definedNames" and not len(el)
    )
    assert _c14n(workbook) == _c14n(xml(before["xl/workbook.xml"]))

    rels = _without(
        xml(after["xl/_rels/workbook.xml.rels"]), lambda el: "treso_" in el.get("Target", "")
    )
    assert _c14n(rels) == _c14n(xml(before["xl/_rels/workbook.xml.rels"]))

    types = _without(
        xml(after["[Content_Types].xml"]), lambda el: "/treso_" in el.get("PartName", "")
    )
    assert _c14n(types) == _c14n(xml(before["[Content_Types].xml"]))
    overrides = {el.get("PartName") for el in xml(after["[Content_Types].xml"])}
    assert {"/" + n for n in new_parts if not n.endswith(".rels")} <= overrides

    old_styles, new_styles = xml(before["xl/styles.xml"]), xml(after["xl/styles.xml"])
    assert [s.tag for s in old_styles] == [s.tag for s in new_styles]
    grew = set()
    for old, new in zip(old_styles, new_styles, strict=True):
        old_attrs = {k: v for k, v in old.attrib.items() if k != "count"}
        assert old_attrs == {k: v for k, v in new.attrib.items() if k != "count"}
        assert [_c14n(c) for c in new[: len(old)]] == [_c14n(c) for c in old]
        if "count" in new.attrib:
            assert int(new.get("count")) == len(new)
        if len(new) > len(old):
            grew.add(etree.QName(new).localname)
    assert {"numFmts", "fonts", "fills", "borders", "cellXfs"} <= grew


def test_full_calc_on_load_is_the_only_other_workbook_change() -> None:
    user = minimal_package()  # no calcPr at all (XlsxWriter writes fullCalcOnLoad itself)
    with_calc = xml(parts(_refresh(user))["xl/workbook.xml"])
    without = xml(parts(_refresh(user, full_calc_on_load=False))["xl/workbook.xml"])
    assert without.find(f"{{{MAIN}}}calcPr") is None
    calc = with_calc.find(f"{{{MAIN}}}calcPr")
    assert calc.attrib == {"fullCalcOnLoad": "1"}
    # right after definedNames, as the schema orders it
    assert calc.getprevious().tag == f"{{{MAIN}}}definedNames"
    with_calc.remove(calc)
    assert _c14n(with_calc) == _c14n(without)


# ---------------------------------------------------------------------------------------------
# (c) idempotence


def test_second_refresh_is_byte_identical(refreshed: tuple[bytes, bytes]) -> None:
    first, second = refreshed
    assert parts(first)["xl/styles.xml"] == parts(second)["xl/styles.xml"]
    assert entry_names(first) == entry_names(second)
    assert first == second
    assert _refresh(second) == first


# ---------------------------------------------------------------------------------------------
# (d) cached formula values, (e) the generated tabs as openpyxl sees them


def test_formula_values_survive(user: bytes, refreshed: tuple[bytes, bytes]) -> None:
    expected = _calamine(user, "Données")
    assert [expected[int(ref[1:]) - 1][2] for ref in USER_FORMULAS] == [30, 80, 110]
    for merged in refreshed:
        assert _calamine(merged, "Données") == expected
        assert _calamine(merged, "BFR")[1] == ["Créances clients", 1234.5]


def test_openpyxl_sees_generated_tabs_with_values_and_styles(
    refreshed: tuple[bytes, bytes],
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(refreshed[0]))
    assert wb.sheetnames == ["Données", "Notes", *TABS]
    bfr = wb["BFR"]
    head = bfr["A1"]
    assert head.value == "Poste" and head.font.b
    assert head.fill.fgColor.rgb == "FFDDEBF7" and head.border.bottom.style == "thin"
    assert bfr["B2"].value == 1234.5 and bfr["B2"].number_format == EURO
    assert bfr["A3"].value == "=pas une formule" and bfr["A3"].data_type == "s"
    assert bfr["B3"].font.color.rgb == "FFC00000"
    assert bfr.freeze_panes == "A2"
    assert bfr.column_dimensions["A"].width == 24
    assert bfr.sheet_properties.tabColor.rgb == "FF1F4E78"
    board = wb["Tableau de bord"]
    assert board["A1"].font.sz == 14 and board["A3"].number_format == "mmm yyyy"
    assert len(board._charts) == 1
    # the user's own cells keep their look
    data = wb["Données"]
    assert data["A1"].font.b and data["A1"].number_format == "0.000"
    assert data["A1"].fill.fgColor.rgb == "FFFFFF00"
    # no generated sheet is tab-selected beside the user's active one
    tree = parts(refreshed[0])
    for name in ("xl/worksheets/treso_bfr.xml", "xl/worksheets/treso_tableau_de_bord.xml"):
        assert b"tabSelected" not in tree[name]
        assert b'<c r="A1" s="' in tree[name] and b't="s"' not in tree[name]


def test_generated_charts_get_their_own_parts(refreshed: tuple[bytes, bytes]) -> None:
    p = parts(refreshed[0])
    rels = xml(p["xl/worksheets/_rels/treso_tableau_de_bord.xml.rels"])
    assert [r.get("Target") for r in rels] == ["../drawings/treso_tableau_de_bord.xml"]
    drawing_rels = xml(p["xl/drawings/_rels/treso_tableau_de_bord.xml.rels"])
    assert [r.get("Target") for r in drawing_rels] == ["../charts/treso_tableau_de_bord_1.xml"]
    chart = xml(p["xl/charts/treso_tableau_de_bord_1.xml"])
    assert [f.text for f in chart.iter(f"{{{CHART}}}f")][-1] == "'Tableau de bord'!$B$3:$B$6"
    # the user's own chart is still the only other chart
    assert sorted(n for n in p if n.startswith("xl/charts/")) == [
        "xl/charts/chart1.xml",
        "xl/charts/treso_tableau_de_bord_1.xml",
    ]


# ---------------------------------------------------------------------------------------------
# (f) replacing a tab that exists


def _sheet_entries(data: bytes) -> list[tuple[str, str, str]]:
    wb = xml(parts(data)["xl/workbook.xml"])
    return [
        (s.get("name"), s.get("sheetId"), s.get(f"{{{REL}}}id"))
        for s in wb.iter(f"{{{MAIN}}}sheet")
    ]


def test_existing_tab_is_replaced_in_place() -> None:
    user = user_workbook(with_bfr=True)
    before = parts(user)
    assert _sheet_entries(user) == [
        ("Données", "1", "rId1"),
        ("bfr", "2", "rId2"),
        ("Notes", "3", "rId3"),
    ]
    merged = _refresh(user)
    entries = _sheet_entries(merged)
    assert entries[:3] == [("Données", "1", "rId1"), ("bfr", "2", "rId2"), ("Notes", "3", "rId3")]
    assert [e[0] for e in entries] == ["Données", "bfr", "Notes", "Tableau de bord"]
    assert entries[3][1] == "4"

    after = parts(merged)
    # the stale tab's parts are gone, with their content types
    for gone in (
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/_rels/sheet2.xml.rels",
        "xl/drawings/drawing2.xml",
        "xl/drawings/_rels/drawing2.xml.rels",
        "xl/media/image2.png",
    ):
        assert gone in before and gone not in after, gone
    types = after["[Content_Types].xml"].decode()
    assert "/xl/worksheets/sheet2.xml" not in types and "/xl/drawings/drawing2.xml" not in types
    # the user's sheets and the defined names are untouched
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml", "xl/media/image1.png"):
        assert after[name] == before[name]
    names_before = xml(before["xl/workbook.xml"]).find(f"{{{MAIN}}}definedNames")
    names_after = xml(after["xl/workbook.xml"]).find(f"{{{MAIN}}}definedNames")
    added = [el for el in names_after if el.get("localSheetId") == "3"]  # the new tab's marker
    assert [(el.get("name"), el.text) for el in added] == [
        ("_treso_xl_onglet", '"Tableau de bord"')
    ]
    names_after.remove(added[0])
    for el in list(names_after):  # the header rows a generated tab repeats on printed pages
        if el.get("name") == "_xlnm.Print_Titles":
            names_after.remove(el)
    assert _c14n(names_after) == _c14n(names_before)
    assert 'localSheetId="2"' in _c14n(names_after).decode()

    assert sheet_targets(merged)["bfr"] == "xl/worksheets/treso_bfr.xml"
    assert _calamine(merged, "bfr")[0] == ["Poste", "Montant"]
    assert _refresh(merged) == merged


def test_replaced_active_tab_stays_selected() -> None:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.add_worksheet("Saisie").write("A1", 1)
    wb.add_worksheet("BFR").activate()
    wb.define_name("BFR!_treso_xl_onglet", '="BFR"')  # a tab the tool wrote
    wb.close()
    merged = _refresh(buffer.getvalue())
    p = parts(merged)
    assert b'tabSelected="1"' in p["xl/worksheets/treso_bfr.xml"]
    assert b"tabSelected" not in p["xl/worksheets/treso_tableau_de_bord.xml"]


def test_tab_renamed_by_the_user_keeps_its_parts() -> None:
    first = _refresh(user_workbook())
    p = parts(first)
    # the user renames "BFR" to "BFR mars" to keep it
    renamed = p["xl/workbook.xml"].replace(b'name="BFR"', b'name="BFR mars"')
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(first)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            data = renamed if info.filename == "xl/workbook.xml" else src.read(info)
            dst.writestr(info, data)
    second = _refresh(buffer.getvalue())
    assert read_tab_names(second) == ["Données", "Notes", "BFR mars", "Tableau de bord", "BFR"]
    targets = sheet_targets(second)
    assert targets["BFR mars"] == "xl/worksheets/treso_bfr.xml"
    assert targets["BFR"] == "xl/worksheets/treso_bfr2.xml"
    assert parts(second)["xl/worksheets/treso_bfr.xml"] == p["xl/worksheets/treso_bfr.xml"]


def test_tab_matched_without_case_keeps_the_user_name_and_charts_follow() -> None:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.add_worksheet("Saisie")
    wb.add_worksheet("tableau de bord")
    wb.define_name("'tableau de bord'!_treso_xl_onglet", '="tableau de bord"')  # the tool's
    wb.close()
    merged = _refresh(buffer.getvalue())
    assert read_tab_names(merged) == ["Saisie", "tableau de bord", "BFR"]
    chart = xml(parts(merged)["xl/charts/treso_tableau_de_bord_1.xml"])
    formulas = [f.text for f in chart.iter(f"{{{CHART}}}f")]
    assert formulas and all(f.startswith("'tableau de bord'!") for f in formulas)


# ---------------------------------------------------------------------------------------------
# (g) macro-enabled workbooks


def test_xlsm_keeps_its_vba_project() -> None:
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.add_worksheet("Saisie").write("A1", "macro")
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.close()
    user = buffer.getvalue()
    merged = _refresh(user)
    before, after = parts(user), parts(merged)
    assert after["xl/vbaProject.bin"] == vba == before["xl/vbaProject.bin"]
    types = xml(after["[Content_Types].xml"])
    defaults = {
        el.get("Extension"): el.get("ContentType") for el in types if "Extension" in el.attrib
    }
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    overrides = {
        el.get("PartName"): el.get("ContentType") for el in types if "PartName" in el.attrib
    }
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    rels = [r.get("Target") for r in xml(after["xl/_rels/workbook.xml.rels"])]
    assert "vbaProject.bin" in rels
    assert _refresh(merged) == merged


# ---------------------------------------------------------------------------------------------
# packages written by other tools


def test_prefixed_namespace_and_absolute_targets() -> None:
    user = minimal_package(prefixed=True, absolute=True)
    merged = _refresh(user)
    before, after = parts(user), parts(merged)
    assert after["xl/worksheets/sheet1.xml"] == before["xl/worksheets/sheet1.xml"]
    styles = after["xl/styles.xml"]
    # records appended with the file's own prefix, no default-namespace redeclaration
    assert f'xmlns="{MAIN}"'.encode() not in styles
    root = xml(styles)
    assert root.prefix == "x"
    for section in root:
        if "count" in section.attrib:
            assert int(section.get("count")) == len(section)
    assert root.find(f"{{{MAIN}}}numFmts")[0].get("formatCode") == "0.0000"
    workbook = after["xl/workbook.xml"]
    assert b'<x:sheet name="BFR" sheetId="2" r:id="rId4"/>' in workbook
    assert b'localSheetId="0"' in workbook
    rels = xml(after["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    assert targets["rId1"] == "/xl/worksheets/sheet1.xml"
    assert targets["rId4"] == "worksheets/treso_bfr.xml"

    wb = openpyxl.load_workbook(io.BytesIO(merged))
    assert wb.sheetnames == ["Saisie", *TABS]
    assert wb["Saisie"]["A1"].number_format == "0.0000"
    assert wb["BFR"]["A1"].font.b and wb["BFR"]["B2"].number_format == EURO
    assert _calamine(merged, "Saisie")[1] == [2, 6]
    assert _refresh(merged) == merged


def test_workbook_without_styles_part_gets_one() -> None:
    user = minimal_package(prefixed=False, absolute=False, with_styles=False)
    assert "xl/styles.xml" not in parts(user)
    merged = _refresh(user)
    after = parts(merged)
    assert "xl/styles.xml" in after
    rel_types = [r.get("Type") for r in xml(after["xl/_rels/workbook.xml.rels"])]
    assert f"{REL}/styles" in rel_types
    assert b'PartName="/xl/styles.xml"' in after["[Content_Types].xml"]
    wb = openpyxl.load_workbook(io.BytesIO(merged))
    assert wb["BFR"]["A1"].font.b and wb["BFR"]["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert _refresh(merged) == merged


def test_calc_chain_loses_the_replaced_sheet_entries() -> None:
    chain = [("B2", "1"), ("B2", "5"), ("A3", None), ("A2", "1"), ("A3", None)]
    merged = _refresh(minimal_package(bfr_sheet=True, calc_chain=chain))
    entries = [(c.get("r"), c.get("i")) for c in xml(parts(merged)["xl/calcChain.xml"])]
    assert entries == [("B2", "1"), ("A2", "1"), ("A3", None)]
    assert _sheet_entries(merged)[1] == ("BFR", "5", "rId2")


def test_calc_chain_emptied_is_removed() -> None:
    merged = _refresh(minimal_package(bfr_sheet=True, calc_chain=[("B2", "5"), ("B3", None)]))
    after = parts(merged)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert _refresh(merged) == merged


def test_generated_shared_strings_become_inline_strings(user: bytes) -> None:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = wb.add_worksheet("Relances")
    sheet.write_string("A1", "  Texte de relance  ")
    sheet.write_string("A2", "=pas une formule")
    bold = wb.add_format({"bold": True})
    sheet.write_rich_string("A3", "Montant ", bold, "dû")
    sheet.insert_image("C5", "logo.png", {"image_data": io.BytesIO(tiny_png(4, 4))})
    wb.close()
    generated = buffer.getvalue()
    assert "xl/sharedStrings.xml" in parts(generated)
    merged = merge_generated(user, generated, ["Relances"])
    after = parts(merged)
    assert after["xl/sharedStrings.xml"] == parts(user)["xl/sharedStrings.xml"]
    sheet_xml = xml(after["xl/worksheets/treso_relances.xml"])
    cells = list(sheet_xml.iter(f"{{{MAIN}}}c"))
    assert {c.get("t") for c in cells} == {"inlineStr"}
    spaces = {
        t.get("{http://www.w3.org/XML/1998/namespace}space") for t in sheet_xml.iter(f"{{{MAIN}}}t")
    }
    assert spaces == {"preserve"}
    assert _calamine(merged, "Relances") == [
        ["  Texte de relance  "],
        ["=pas une formule"],
        ["Montant dû"],
    ]
    assert (
        openpyxl.load_workbook(io.BytesIO(merged))["Relances"]["A1"].value == "  Texte de relance  "
    )
    # the generated image travels with its sheet, byte for byte, under a name of ours
    assert after["xl/media/treso_relances_1.png"] == tiny_png(4, 4)
    assert after["xl/media/image1.png"] == parts(user)["xl/media/image1.png"]
    drawing_rels = xml(after["xl/drawings/_rels/treso_relances.xml.rels"])
    assert [r.get("Target") for r in drawing_rels] == ["../media/treso_relances_1.png"]
    overrides = xml(after["[Content_Types].xml"])
    assert {
        (el.get("PartName"), el.get("ContentType")) for el in overrides if el.get("PartName")
    } >= {("/xl/media/treso_relances_1.png", "image/png")}


def test_nothing_to_merge_returns_the_input(user: bytes) -> None:
    generated = render_layouts(generated_layouts())
    assert merge_generated(user, generated, ["URSSAF"]) == user
    merged = merge_generated(user, generated, ["URSSAF", "bfr"])
    assert read_tab_names(merged) == ["Données", "Notes", "BFR"]


def test_style_records_are_reused_not_duplicated(user: bytes) -> None:
    many = SheetLayout("Contrôles")
    style = Style(bold=True, fill="DDEBF7", number_format=EURO)
    for row in range(1, 40):
        many.put(row, 1, float(row), style)
    once = parts(merge_generated(user, render_layouts([many]), ["Contrôles"]))
    base = xml(parts(user)["xl/styles.xml"])
    grown = xml(once["xl/styles.xml"])
    cell_xfs = f"{{{MAIN}}}cellXfs"
    assert len(grown.find(cell_xfs)) == len(base.find(cell_xfs)) + 1


def test_bad_packages_are_refused_in_french() -> None:
    generated = render_layouts(generated_layouts())
    with pytest.raises(WorkbookFormatError, match="protégé par un mot de passe"):
        merge_generated(b"\xd0\xcf\x11\xe0 pas un zip", generated, TABS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types xmlns="{CT}"/>')
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PKG_REL}"/>')
        archive.writestr("xl/workbook.bin", b"\x00")
    with pytest.raises(WorkbookFormatError, match=r"\.xlsb"):
        merge_generated(buffer.getvalue(), generated, TABS)


def test_slugs() -> None:
    assert slug("Balance âgée") == "balance_agee"
    assert slug("Tableau de bord") == "tableau_de_bord"
    assert slug("Contrôles") == "controles"
    assert slug("???") == "onglet"


def test_png_helper_is_a_png() -> None:
    assert tiny_png().startswith(b"\x89PNG\r\n\x1a\n")


# ---------------------------------------------------------------------------------------------
# LibreOffice


@pytest.mark.slow
def test_libreoffice_opens_the_merged_workbook(tmp_path: Path) -> None:
    from libreoffice import convert, sheets_as_csv

    merged = _refresh(_refresh(user_workbook(with_bfr=True)))
    source = tmp_path / "classeur.xlsx"
    source.write_bytes(merged)
    (pdf,) = convert(source, "pdf", tmp_path / "pdf")
    assert pdf.suffix == ".pdf" and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")

    sheets = sheets_as_csv(source, tmp_path / "csv")
    assert sheets["bfr"][:2] == [["Poste", "Montant"], ["Créances clients", "1234.5"]]
    assert sheets["Données"][3][2] == "110"
    assert sheets["Tableau de bord"][2][1] == "1000"
    assert os.path.getsize(source) == len(merged)
