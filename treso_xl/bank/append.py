"""Append rows to input sheets of an .xlsx (creating the sheet if absent), every other part kept."""

# Only these parts change: the worksheet appended to (its new rows, dimension), the table part of
# an Excel table on it (its range grows), styles.xml (new records appended at the end of their
# sections, existing indices untouched) and, for a new sheet, workbook.xml, its relationships
# and [Content_Types].xml. Every other entry is copied with its compressed bytes as they are.
# Cells are written as numbers (dates as serial numbers) or inline strings, never formulas.

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from lxml import etree

from treso_xl.bank.sheet_rows import (
    AMOUNT,
    DATE,
    DATE_FORMAT,
    HEADER,
    TEXT,
    SheetRows,
    Value,
    clean_text,
    excel_serial,
)
from treso_xl.cells import column_letter
from treso_xl.french import quote
from treso_xl.render.package import (
    CONTENT_TYPES,
    CT_NS,
    CT_WORKSHEET,
    DOC_REL,
    MAIN,
    NEW_ENTRY_DATE,
    PKG_REL,
    RT_STYLES,
    RT_WORKSHEET,
    WorkbookFormatError,
    _c14n,
    _copy_info,
    _copy_raw,
    _elements,
    _Package,
    _parse,
    _q,
    _relative,
    _rels_part,
    _serialize,
    _sheets,
    _StyleMerger,
    _workbook,
)
from treso_xl.tab_identity import sheet_key

RT_TABLE = DOC_REL + "/table"

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")

_STYLES = (
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2">'
    f'<numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00;[Red]\\-#,##0.00"/>'
    "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF1F3864"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color rgb="FF8EA9DB"/></bottom>'
    "<diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()
_STYLE_INDEX = {HEADER: 1, DATE: 2, AMOUNT: 3, TEXT: 4}


def _number_text(value: Decimal | int | float) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0E0") else text
    return repr(float(value)) if isinstance(value, float) else str(value)


def _cell_xml(ref: str, value: Value, style: int | None) -> str:
    """The XML of one cell ("" for an empty value): a number, a date serial or inline text."""
    if value is None or (isinstance(value, str) and value == ""):
        return ""
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, str):
        text = escape(clean_text(value))
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{s}><v>{excel_serial(value)}</v></c>'
    return f'<c r="{ref}"{s}><v>{_number_text(value)}</v></c>'


def _rows(
    first: int,
    columns: Sequence[int],
    styles: Sequence[int | None],
    rows: Sequence[Sequence[Value]],
) -> list[etree._Element]:
    """<row> elements for `rows` from Excel row `first`, built as text and parsed at once."""
    letters = [column_letter(column) for column in columns]
    parts = [f'<sheetData xmlns="{MAIN}">']
    for offset, values in enumerate(rows):
        number = first + offset
        cells = "".join(
            _cell_xml(f"{letter}{number}", value, style)
            for letter, style, value in zip(letters, styles, values, strict=True)
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append("</sheetData>")
    return list(_parse("".join(parts).encode("utf-8"), "sheetData"))


def _row_number(row: etree._Element) -> int:
    value = row.get("r", "")
    return int(value) if value.isdigit() else 0


def _has_value(cell: etree._Element) -> bool:
    for child in cell:
        if isinstance(child.tag, str) and etree.QName(child).localname in ("v", "is", "f"):
            if child.text or len(child):
                return True
    return False


def last_used_row(sheet: etree._Element) -> int:
    """The last row of a worksheet holding a value or a formula, 0 when there is none."""
    data = sheet.find(_q(MAIN, "sheetData"))
    if data is None:
        return 0
    row_tag = _q(MAIN, "row")
    rows = [row for row in data.iterchildren(row_tag)]
    if all(_row_number(row) for row in rows):  # as every writer does: from the end
        for row in sorted(rows, key=_row_number, reverse=True):
            if any(_has_value(c) for c in row.iterchildren(_q(MAIN, "c"))):
                return _row_number(row)
        return 0
    last = previous = 0
    for row in rows:
        number = _row_number(row) or previous + 1
        previous = number
        if number > last and any(_has_value(c) for c in row.iterchildren(_q(MAIN, "c"))):
            last = number
    return last


def _column_of(ref: str) -> int:
    letters = "".join(ch for ch in ref if ch.isalpha())
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


class _Sheet:
    """One worksheet being appended to."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        data = root.find(_q(MAIN, "sheetData"))
        if data is None:
            data = etree.Element(_q(MAIN, "sheetData"))
            anchor = None
            for tag in ("cols", "sheetFormatPr", "sheetViews", "dimension", "sheetPr"):
                anchor = root.find(_q(MAIN, tag))
                if anchor is not None:
                    break
            if anchor is None:
                root.insert(0, data)
            else:
                anchor.addnext(data)
        self.data = data
        self.last = last_used_row(root)

    def write(self, first: int, rows: list[etree._Element]) -> None:
        """Put the <row> elements `rows` (numbered from Excel row `first`), merging their cells
        into the empty rows (formatted, without values) already there."""
        existing: dict[int, etree._Element] = {}
        previous = 0
        for row in _elements(self.data, "row"):
            number = _row_number(row) or previous + 1
            previous = number
            if number >= first:
                existing.setdefault(number, row)
        if not existing:  # the usual case: nothing below the last used row
            self.data.extend(rows)
            return
        for new in rows:
            number = _row_number(new)
            row = existing.get(number)
            if row is None:
                existing[number] = new
                continue
            row.set("r", str(number))
            if "spans" in row.attrib:
                del row.attrib["spans"]
            cells = _elements(new, "c")
            written = {_column_of(c.get("r", "")) for c in cells}
            for old in _elements(row, "c"):
                if _column_of(old.get("r", "")) in written:
                    row.remove(old)
            row.extend(cells)
            ordered = sorted(_elements(row, "c"), key=lambda c: _column_of(c.get("r", "")))
            for cell in ordered:
                row.remove(cell)
            row.extend(ordered)
        tail = [row for _, row in sorted(existing.items())]
        for row in tail:
            if row.getparent() is self.data:
                self.data.remove(row)
        self.data.extend(tail)

    def set_dimension(self, last_row: int, last_column: int) -> None:
        """Make the sheet's dimension cover A1 to (last_row, last_column) too."""
        dimension = self.root.find(_q(MAIN, "dimension"))
        if dimension is None or not last_row:
            return
        match = _REF.match(dimension.get("ref", ""))
        if match is not None:
            column = match.group(3) or match.group(1)
            last_column = max(last_column, _column_of(column))
            last_row = max(last_row, int(match.group(4) or match.group(2)))
        dimension.set("ref", f"A1:{column_letter(max(last_column, 1))}{last_row}")


def _new_sheet(spec: SheetRows, styles: dict[str, int | None]) -> etree._Element:
    root = etree.Element(_q(MAIN, "worksheet"), nsmap={None: MAIN, "r": DOC_REL})
    etree.SubElement(root, _q(MAIN, "dimension"), ref="A1")
    views = etree.SubElement(root, _q(MAIN, "sheetViews"))
    view = etree.SubElement(views, _q(MAIN, "sheetView"), workbookViewId="0")
    etree.SubElement(
        view,
        _q(MAIN, "pane"),
        ySplit="1",
        topLeftCell="A2",
        activePane="bottomLeft",
        state="frozen",
    )
    etree.SubElement(view, _q(MAIN, "selection"), pane="bottomLeft", activeCell="A2", sqref="A2")
    etree.SubElement(root, _q(MAIN, "sheetFormatPr"), defaultRowHeight="15")
    if spec.widths:
        cols = etree.SubElement(root, _q(MAIN, "cols"))
        for column, width in zip(spec.columns, spec.widths, strict=False):
            attrib = {"min": str(column), "max": str(column), "width": f"{width:g}"}
            attrib["customWidth"] = "1"
            style = styles.get(_column_format(spec, column))
            if style is not None:
                attrib["style"] = str(style)
            etree.SubElement(cols, _q(MAIN, "col"), attrib)
    etree.SubElement(root, _q(MAIN, "sheetData"))
    return root


def _column_format(spec: SheetRows, column: int) -> str:
    for col, fmt in zip(spec.columns, spec.formats, strict=False):
        if col == column:
            return fmt
    return TEXT


def _finish_new_sheet(root: etree._Element, spec: SheetRows) -> None:
    """Drop-down lists, then page margins, in the schema's order after sheetData."""
    if spec.choices:
        validations = etree.SubElement(
            root, _q(MAIN, "dataValidations"), count=str(len(spec.choices))
        )
        for column, values in spec.choices.items():
            letter = column_letter(column)
            listed = ",".join(values)
            dv = etree.SubElement(
                validations,
                _q(MAIN, "dataValidation"),
                type="list",
                allowBlank="1",
                showErrorMessage="1",
                sqref=f"{letter}2:{letter}1048576",
            )
            etree.SubElement(dv, _q(MAIN, "formula1")).text = f'"{listed}"'
    etree.SubElement(
        root,
        _q(MAIN, "pageMargins"),
        left="0.7",
        right="0.7",
        top="0.75",
        bottom="0.75",
        header="0.3",
        footer="0.3",
    )


def _grow_tables(pkg: _Package, part: str, first: int, last: int, changed: dict) -> None:
    """Extend each Excel table of the sheet that ends just above the new rows to cover them."""
    for rel, target in pkg.targets(part):
        if rel.type != RT_TABLE:
            continue
        root = pkg.xml(target)
        match = _REF.match(root.get("ref", ""))
        if match is None or match.group(3) is None:
            continue
        if int(root.get("totalsRowCount", "0") or 0) or root.get("totalsRowShown") == "1":
            continue
        c1, r1, c2, r2 = match.group(1), int(match.group(2)), match.group(3), int(match.group(4))
        if not (r1 < first <= r2 + 1 and r2 < last):
            continue  # the table ends above the last used row, or already covers the new rows
        new_ref = f"{c1}{r1}:{c2}{last}"
        root.set("ref", new_ref)
        auto = root.find(_q(MAIN, "autoFilter"))
        if auto is not None:
            auto.set("ref", new_ref)
        changed[target] = root


def append_rows(xlsx: bytes, writes: Sequence[SheetRows]) -> bytes:
    """The workbook `xlsx` with each `SheetRows` written; other parts copied byte for byte.

    Raises WorkbookFormatError when the package cannot be updated (nothing is written).
    Each spec's `first_row` is set to the Excel row of its first data row.
    """
    pkg = _Package(xlsx)
    wb_part, wb = _workbook(pkg)
    entries = _sheets(pkg, wb_part, wb)
    ct_name = pkg.find(CONTENT_TYPES)
    wb_rels_name = pkg.find(_rels_part(wb_part))
    if ct_name is None or wb_rels_name is None:
        raise WorkbookFormatError(
            "Le classeur est endommagé (parties du classeur manquantes) ; rien n'a été modifié."
        )
    types = pkg.xml(ct_name)
    wb_rels = pkg.xml(wb_rels_name)
    canon = {name: _c14n(pkg.xml(name)) for name in (wb_part, ct_name, wb_rels_name)}

    styles_part = next((t for rel, t in pkg.targets(wb_part) if rel.type == RT_STYLES), None)
    merger = None
    styles: dict[str, int | None] = {key: None for key in _STYLE_INDEX}
    if styles_part is not None:
        merger = _StyleMerger(pkg.xml(styles_part), _parse(_STYLES, "styles.xml"))

    def style(fmt: str) -> int | None:
        if merger is None:
            return None
        if styles[fmt] is None:
            styles[fmt] = merger.xf(_STYLE_INDEX[fmt])
        return styles[fmt]

    modified: dict[str, etree._Element] = {}
    added: dict[str, bytes] = {}
    taken = {name.lower() for name in pkg.data}
    sheets_el = wb.find(_q(MAIN, "sheets"))
    next_sheet_id = max([0, *(e.sheet_id for e in entries)]) + 1

    for spec in writes:
        if not spec.rows and not spec.create:
            continue
        if spec.create:
            taken_by = [e.name for e in entries if sheet_key(e.name) == sheet_key(spec.name)]
            if taken_by:
                raise WorkbookFormatError(
                    f"Une feuille {quote(taken_by[0])} existe déjà dans le classeur ; "
                    "renommez-la puis relancez. Rien n'a été modifié."
                )
            root = _new_sheet(spec, {fmt: style(fmt) for fmt in (*spec.formats, HEADER)})
            sheet = _Sheet(root)
            header = _rows(1, spec.columns, [style(HEADER)] * len(spec.columns), [spec.header])
            start = 2
            part = None
        else:
            entry = next((e for e in entries if sheet_key(e.name) == sheet_key(spec.name)), None)
            if entry is None or entry.part is None:
                raise WorkbookFormatError(
                    f"La feuille « {spec.name} » est introuvable dans le classeur ; rien n'a été "
                    "modifié."
                )
            part = entry.part
            root = pkg.xml(part)
            if root.tag != _q(MAIN, "worksheet"):
                raise WorkbookFormatError(
                    f"La feuille {quote(entry.name)} n'est pas une feuille de calcul (feuille "
                    "de graphique ou de macros) : renommez-la, pour que l'import crée sa "
                    "propre feuille, puis relancez. Rien n'a été modifié."
                )
            sheet = _Sheet(root)
            start = sheet.last + 1
            header = []
        spec.first_row = start + spec.header_rows
        styles_of = [style(fmt) for fmt in spec.formats]
        rows = header + _rows(start, spec.columns, styles_of, spec.rows)
        sheet.write(start - len(header), rows)
        last = start + len(spec.rows) - 1
        sheet.set_dimension(max(last, start - 1), max(spec.columns))
        if spec.create:
            _finish_new_sheet(root, spec)
            folder = posixpath.join(posixpath.dirname(wb_part), "worksheets")
            k = 1
            while posixpath.join(folder, f"sheet{k}.xml").lower() in taken:
                k += 1
            name = posixpath.join(folder, f"sheet{k}.xml")
            taken.add(name.lower())
            added[name] = _serialize(root)
            rid = _next_rid(wb_rels)
            etree.SubElement(
                wb_rels,
                _q(PKG_REL, "Relationship"),
                Id=rid,
                Type=RT_WORKSHEET,
                Target=_relative(wb_part, name),
            )
            etree.SubElement(
                types, _q(CT_NS, "Override"), PartName="/" + name, ContentType=CT_WORKSHEET
            )
            if sheets_el is None:
                raise WorkbookFormatError(
                    "Le classeur est endommagé (liste des feuilles absente) ; rien n'a été modifié."
                )
            etree.SubElement(
                sheets_el,
                _q(MAIN, "sheet"),
                {"name": spec.name, "sheetId": str(next_sheet_id), _q(DOC_REL, "id"): rid},
            )
            next_sheet_id += 1
        else:
            assert part is not None
            modified[part] = root
            _grow_tables(pkg, part, start, last, modified)

    if merger is not None and merger.changed and styles_part is not None:
        modified[styles_part] = merger.user
    for name in (wb_part, ct_name, wb_rels_name):
        if _c14n(pkg.xml(name)) != canon[name]:
            modified[name] = pkg.xml(name)
    if not modified and not added:
        return xlsx

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in pkg.infos:
            if info.filename in modified:
                out.writestr(_copy_info(info), _serialize(modified[info.filename]))
            else:
                _copy_raw(out, pkg.raw, info)
        for name, data in added.items():
            info = zipfile.ZipInfo(name, NEW_ENTRY_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            out.writestr(info, data)
        out.comment = pkg.comment
    return buffer.getvalue()


def _next_rid(rels: etree._Element) -> str:
    numbers = [0]
    for el in _elements(rels, "Relationship"):
        match = re.fullmatch(r"rId(\d+)", el.get("Id", ""))
        if match:
            numbers.append(int(match.group(1)))
    return f"rId{max(numbers) + 1}"
