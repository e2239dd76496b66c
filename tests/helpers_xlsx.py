"""Builders and zip/XML readers shared by the renderer and package-fidelity tests."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from pathlib import Path

import xlsxwriter
from lxml import etree

from treso_xl.layout.model import EURO, Cell, Chart, Series, SheetLayout, Style

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

# Formulas of the user's data sheet with the cached values XlsxWriter writes for them.
USER_FORMULAS = {"C2": ("=A2*B2", 30), "C3": ("=A3*B3", 80), "C4": ("=SUM(C2:C3)", 110)}


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG, built by hand."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def user_workbook(with_bfr: bool = False) -> bytes:
    """A user's workbook full of things openpyxl would lose.

    Sheets: "Données" (formulas with cached values, image, chart, sparkline, data bar, data
    validation, shared strings), optionally a stale "bfr" tab (one the tool wrote under that name:
    it carries the marker), then "Notes". A defined name is local to "Notes" (localSheetId = its
    position).
    """
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = wb.add_format({"bold": True, "bg_color": "#FFFF00", "num_format": "0.000"})
    data = wb.add_worksheet("Données")
    data.write_row("A1", ["Quantité", "Prix", "Total", "Libellé"], bold)
    data.write_row("A2", [3, 10])
    data.write_row("A3", [4, 20])
    for ref, (formula, value) in USER_FORMULAS.items():
        data.write_formula(ref, formula, None, value)
    data.write_string("D2", "partagé")
    data.write_string("D3", "partagé")
    data.insert_image("F2", "pixel.png", {"image_data": io.BytesIO(tiny_png())})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "='Données'!$C$2:$C$3", "name": "Total"})
    data.insert_chart("F10", chart)
    data.add_sparkline("E2", {"range": "'Données'!A2:B2"})
    data.conditional_format("C2:C4", {"type": "data_bar", "bar_solid": True})
    data.data_validation("A2:A10", {"validate": "integer", "criteria": ">", "value": 0})
    if with_bfr:
        stale = wb.add_worksheet("bfr")
        stale.write_string("A1", "ancienne version")
        stale.insert_image("C3", "old.png", {"image_data": io.BytesIO(tiny_png(3, 3))})
        wb.define_name("bfr!_treso_xl_onglet", '="bfr"')
    notes = wb.add_worksheet("Notes")
    notes.write_string("A1", "partagé")
    wb.define_name("Notes!Taux", "=Notes!$A$1")
    wb.define_name("Global", "='Données'!$A$2:$A$3")
    wb.close()
    return buffer.getvalue()


def generated_layouts() -> list[SheetLayout]:
    """Two generated tabs, one with a chart and styles."""
    bfr = SheetLayout("BFR", column_widths={1: 24, 2: 14}, freeze=(2, 1), tab_color="1F4E78")
    bfr.put_row(1, 1, ["Poste", "Montant"], Style(bold=True, fill="DDEBF7", border_bottom=True))
    bfr.put(2, 1, "Créances clients")
    bfr.put(2, 2, 1234.5, Style(number_format=EURO))
    bfr.put(3, 1, "=pas une formule")
    bfr.put(3, 2, -20.0, Style(number_format=EURO, font_color="C00000"))
    board = SheetLayout("Tableau de bord")
    board.put(1, 1, "Tableau de bord", Style(bold=True, size=14))
    months = [dt.date(2024, m, 1) for m in range(1, 5)]
    for i, month in enumerate(months):
        board.cells[(3 + i, 1)] = Cell(month, Style(number_format="mmm yyyy"))
        board.cells[(3 + i, 2)] = Cell(1000.0 * (i + 1), Style(number_format=EURO))
    board.charts.append(
        Chart(
            kind="line",
            title="Solde",
            anchor="D3",
            categories=(3, 1, 6, 1),
            series=(Series("Solde", (3, 2, 6, 2), "2E75B6"),),
        )
    )
    return [bfr, board]


def parts(xlsx: bytes) -> dict[str, bytes]:
    """Entry name -> decompressed bytes."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def entry_names(xlsx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return archive.namelist()


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def sheet_targets(xlsx: bytes) -> dict[str, str]:
    """Sheet name -> part name (relative to the package root)."""
    p = parts(xlsx)
    wb = xml(p["xl/workbook.xml"])
    rels = {el.get("Id"): el.get("Target") for el in xml(p["xl/_rels/workbook.xml.rels"])}
    result = {}
    for sheet in wb.iter(f"{{{MAIN}}}sheet"):
        target = rels[sheet.get(f"{{{REL}}}id")]
        result[sheet.get("name")] = (
            target.lstrip("/") if target.startswith("/") else ("xl/" + target)
        )
    return result


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def minimal_package(
    *,
    prefixed: bool = True,
    absolute: bool = True,
    with_styles: bool = True,
    bfr_sheet: bool = False,
    calc_chain: list[tuple[str, str | None]] | None = None,
) -> bytes:
    """A hand-written package like some non-Excel tools write it.

    `prefixed`: the SpreadsheetML namespace bound to `x:` instead of being the default one;
    `absolute`: relationship targets written as absolute part names ("/xl/...");
    `bfr_sheet`: a second sheet "BFR" (sheetId 5) with a formula, marked as the tool's tab;
    `calc_chain`: entries (cell, sheetId or None for "same as previous") of xl/calcChain.xml.
    """
    x = "x:" if prefixed else ""
    xmlns = f'xmlns:x="{MAIN}"' if prefixed else f'xmlns="{MAIN}"'
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

    def target(path: str) -> str:
        return "/xl/" + path if absolute else path

    def sheet_xml(formula: str, cached: str) -> str:
        s = ' s="1"' if with_styles else ""
        return (
            f'{decl}<{x}worksheet {xmlns} xmlns:r="{REL}"><{x}sheetData>'
            f'<{x}row r="1"><{x}c r="A1" t="inlineStr"{s}><{x}is><{x}t>Saisie</{x}t></{x}is></{x}c>'
            f"</{x}row>"
            f'<{x}row r="2"><{x}c r="A2"><{x}v>2</{x}v></{x}c><{x}c r="B2"><{x}f>{formula}</{x}f>'
            f"<{x}v>{cached}</{x}v></{x}c></{x}row>"
            f"</{x}sheetData></{x}worksheet>"
        )

    sheets = [("Saisie", 1, "rId1", "worksheets/sheet1.xml")]
    if bfr_sheet:
        sheets.append(("BFR", 5, "rId2", "worksheets/sheet2.xml"))
    files: dict[str, str] = {}
    overrides = [
        (
            "/xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
    ]
    rels = []
    for _name, _id, rid, path in sheets:
        overrides.append(
            (
                "/xl/" + path,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
            )
        )
        rels.append((rid, "worksheet", target(path)))
    files["xl/worksheets/sheet1.xml"] = sheet_xml("A2*3", "6")
    if bfr_sheet:
        files["xl/worksheets/sheet2.xml"] = sheet_xml("A2*4", "8")
    if with_styles:
        files["xl/styles.xml"] = (
            f"{decl}<{x}styleSheet {xmlns}>"
            f'<{x}numFmts count="1"><{x}numFmt numFmtId="164" formatCode="0.0000"/></{x}numFmts>'
            f'<{x}fonts count="1"><{x}font><{x}sz val="10"/><{x}name val="Arial"/></{x}font>'
            f"</{x}fonts>"
            f'<{x}fills count="2"><{x}fill><{x}patternFill patternType="none"/></{x}fill>'
            f'<{x}fill><{x}patternFill patternType="gray125"/></{x}fill></{x}fills>'
            f'<{x}borders count="1"><{x}border/></{x}borders>'
            f'<{x}cellStyleXfs count="1"><{x}xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f"</{x}cellStyleXfs>"
            f'<{x}cellXfs count="2">'
            f'<{x}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            f'<{x}xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
            f'applyNumberFormat="1"/></{x}cellXfs>'
            f'<{x}cellStyles count="1"><{x}cellStyle name="Normal" xfId="0" builtinId="0"/>'
            f"</{x}cellStyles></{x}styleSheet>"
        )
        overrides.append(
            (
                "/xl/styles.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
            )
        )
        rels.append(("rId3", "styles", target("styles.xml")))
    if calc_chain is not None:
        entries = "".join(
            f'<c r="{cell}"/>' if sheet is None else f'<c r="{cell}" i="{sheet}"/>'
            for cell, sheet in calc_chain
        )
        files["xl/calcChain.xml"] = f'{decl}<calcChain xmlns="{MAIN}">{entries}</calcChain>'
        overrides.append(
            (
                "/xl/calcChain.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml",
            )
        )
        rels.append(("rId4", "calcChain", target("calcChain.xml")))
    sheet_entries = "".join(
        f'<{x}sheet name="{name}" sheetId="{sid}" r:id="{rid}"/>' for name, sid, rid, _ in sheets
    )
    marker = (  # the BFR tab is one the tool wrote
        f'<{x}definedName name="_treso_xl_onglet" localSheetId="1" hidden="1">&quot;BFR&quot;'
        f"</{x}definedName>"
        if bfr_sheet
        else ""
    )
    files["xl/workbook.xml"] = (
        f'{decl}<{x}workbook {xmlns} xmlns:r="{REL}">'
        f"<{x}bookViews><{x}workbookView/></{x}bookViews>"
        f"<{x}sheets>{sheet_entries}</{x}sheets>"
        f'<{x}definedNames><{x}definedName name="Local" localSheetId="0">Saisie!$A$2'
        f"</{x}definedName>{marker}</{x}definedNames></{x}workbook>"
    )
    files["xl/_rels/workbook.xml.rels"] = (
        f'{decl}<Relationships xmlns="{PKG_REL}">'
        + "".join(
            f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{t}"/>' for rid, kind, t in rels
        )
        + "</Relationships>"
    )
    files["_rels/.rels"] = (
        f'{decl}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="{"/" if absolute else ""}xl/workbook.xml"/>'
        "</Relationships>"
    )
    files["[Content_Types].xml"] = (
        f'{decl}<Types xmlns="{CT}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in overrides)
        + "</Types>"
    )
    order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    order += [name for name in files if name not in order]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            archive.writestr(name, files[name])
    return buffer.getvalue()
