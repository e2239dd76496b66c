"""Zip limits checked before any parser opens a workbook, and the scan for Excel error cells.

A workbook is a zip of XML parts. A hostile or damaged one can declare small sizes and inflate to
gigabytes (a "zip bomb"), which makes python-calamine abort the process or swallow the memory.
`inspect_package` inflates every part itself, streaming, with caps on each part, on the whole and
on the compression ratio, and never trusts the sizes the zip declares. While the worksheets go
through, it looks for the cells python-calamine reads as empty although they are not: Excel
errors (`t="e"`) and formulas saved without a computed value. Errors are rare, so each inflated
chunk is only searched for a few literal byte markers; a cell is parsed only where one is found.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from treso_xl.cells import column_index as column_index_from_string
from treso_xl.errors import FileError
from treso_xl.french import quote
from treso_xl.reading.cell_errors import NO_VALUE, ExcelError, error_from_code

MIB = 1024 * 1024
MAX_FILE_BYTES = 256 * MIB  # the .xlsx file itself
MAX_ENTRIES = 10_000  # parts in the zip
MAX_PART_BYTES = 128 * MIB  # one part, inflated (the 100 000-row benchmark's largest: 26 MiB)
# Parts the write path parses whole with lxml, whose tree takes up to ~20 times the XML: styles,
# calculation chain, workbook, content types, relationships (a few MiB in the heaviest books).
MAX_TREE_PART_BYTES = 32 * MIB
MAX_TOTAL_BYTES = 384 * MIB  # every part, inflated (that benchmark: 45 MiB)
MAX_RATIO = 100  # inflated / compressed of an XML part past RATIO_FLOOR (XML: ~10)
RATIO_FLOOR = 16 * MIB
CHUNK = 256 * 1024  # compressed bytes read at a time
OUT_CHUNK = 1 * MIB  # inflated bytes produced at a time

_LOCAL_HEADER = struct.Struct("<4s22xHH")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")  # no OOXML part has a DTD; entities are a bomb vector
_ROOT_RE = re.compile(rb"<[A-Za-z_]")  # the start of the root element

Cells = dict[tuple[int, int], ExcelError]  # (Excel row, column number from 1) -> marker


class PackageError(FileError):
    """The file is not a workbook the tool will open: too large once inflated, or damaged."""


@dataclass
class PackageScan:
    """What the guard learnt: the suspicious cells of each worksheet, by sheet name."""

    sheet_cells: dict[str, Cells] = field(default_factory=dict)

    def cells(self, title: str) -> Cells:
        """Error cells and formulas without value of sheet `title` (empty when none)."""
        return self.sheet_cells.get(title, {})


def _workbook(name: str | None) -> str:
    return f"Le classeur {quote(name)}" if name else "Le classeur"


def _too_large(name: str | None, what: str) -> PackageError:
    return PackageError(
        f"{_workbook(name)} dépasse {what} ; il est peut-être endommagé ou malveillant ; "
        "rien n'a été modifié."
    )


def _damaged(name: str | None, why: str) -> PackageError:
    return PackageError(
        f"{_workbook(name)} est endommagé ({why}) ; ouvrez-le dans Excel et enregistrez-le "
        "à nouveau ; rien n'a été modifié."
    )


def is_zip(head: bytes) -> bool:
    """True for the first bytes of a zip (an .xlsx); an .xls or another file is not checked."""
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06")


# Digests of the last packages that passed: the write path does not inflate again the file the
# read path has just checked (a changed file has another digest and is checked again).
_PASSED: dict[bytes, None] = {}
_PASSED_KEPT = 4


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def inspect_package(
    source: Path | bytes,
    name: str | None = None,
    scan: Callable[[str], bool] | None = None,
) -> PackageScan:
    """Check the zip package `source` (a path or the file's bytes) against every limit.

    Raises PackageError (a FileError) naming the file (`name`, by default the file's) when a
    limit is passed or the zip is damaged. `scan` chooses, by sheet name, the worksheets searched
    for error cells and formulas without value (None: none). A file that is not a zip is not
    checked here (an .xls is read by python-calamine, which copes with it).
    """
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        shown = name
    else:
        path = Path(source)
        shown = name or path.name
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _too_large(shown, f"{MAX_FILE_BYTES // MIB} Mio")
            data = path.read_bytes()
        except OSError:
            return PackageScan()  # the reader that follows says why the file cannot be read
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(shown, f"{MAX_FILE_BYTES // MIB} Mio")
    if not is_zip(data[:4]):
        return PackageScan()
    digest = _digest(data)
    if scan is None and digest in _PASSED:
        return PackageScan()
    result = _Inspector(io.BytesIO(data), shown, scan).run()
    _PASSED[digest] = None
    while len(_PASSED) > _PASSED_KEPT:
        del _PASSED[next(iter(_PASSED))]
    return result


class _Inspector:
    """One pass over the parts of a package."""

    def __init__(
        self, handle: BinaryIO, name: str | None, wanted: Callable[[str], bool] | None
    ) -> None:
        self.handle = handle
        self.name = name
        self.wanted = wanted  # the sheets whose cells are scanned, by name (None: no scan)
        self.total = 0
        self.kept: dict[str, bytes] = {}  # small parts needed to name the worksheets
        self.found: dict[str, Cells] = {}  # worksheet part -> cells
        self.unlocated: list[str] = []  # worksheet parts needing a full parse

    def run(self) -> PackageScan:
        try:
            archive = zipfile.ZipFile(self.handle)
            infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            return PackageScan()  # not a readable zip: python-calamine's own message follows
        if len(infos) > MAX_ENTRIES:
            raise _too_large(self.name, f"{MAX_ENTRIES} parties")
        for info in infos:
            if info.file_size > _part_limit(info.filename):
                raise _too_large(self.name, _limit_text(info.filename))
        if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
            raise _too_large(self.name, f"{MAX_TOTAL_BYTES // MIB} Mio une fois décompressé")
        done: set[int] = set()
        for index, info in enumerate(infos):  # first the small parts that name the worksheets
            if _names_sheets(info):
                self._part(info, scan=False)
                done.add(index)
        scanned: dict[str, str] = {}  # worksheet part -> sheet name
        if self.wanted is not None:
            try:
                pairs = self._sheet_parts()
            except etree.XMLSyntaxError:
                pairs = []  # python-calamine will say the workbook is damaged
            scanned = {part: title for title, part in pairs if self.wanted(title)}
        for index, info in enumerate(infos):
            if index not in done:
                self._part(info, scan=info.filename in scanned)
        for part in self.unlocated:  # inflated a second time: not counted twice in the total
            counted, self.total = self.total, 0
            self.found[part] = _parse_cells(b"".join(self._inflate(_info(infos, part))))
            self.total = counted
        return PackageScan({scanned[part]: cells for part, cells in self.found.items() if cells})

    # -- inflating

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The inflated bytes of `info`, chunk by chunk, each limit checked as they come."""
        handle = self.handle
        handle.seek(info.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise _damaged(self.name, f"partie {quote(info.filename)} introuvable")
        name_length, extra_length = _LOCAL_HEADER.unpack(header)[1:]
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        left = info.compress_size
        if info.compress_type == zipfile.ZIP_STORED:
            inflater = None
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-15)
        else:
            raise _damaged(self.name, f"partie {quote(info.filename)} compressée autrement")
        produced = consumed = 0
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            consumed += len(data)
            while data:
                if inflater is None:
                    out, data = data, b""
                else:
                    try:
                        out = inflater.decompress(data, OUT_CHUNK)
                    except zlib.error as exc:
                        why = f"partie {quote(info.filename)} illisible"
                        raise _damaged(self.name, why) from exc
                    data = inflater.unconsumed_tail
                if not out:
                    break
                produced += len(out)
                self._count(info, len(out), produced, consumed)
                yield out
            if inflater is not None and inflater.eof:
                break
        if produced != info.file_size:
            raise _damaged(
                self.name,
                f"la partie {quote(info.filename)} ne fait pas la taille annoncée",
            )

    def _count(self, info: zipfile.ZipInfo, size: int, produced: int, consumed: int) -> None:
        self.total += size
        if produced > info.file_size:
            raise _too_large(self.name, f"la taille annoncée de sa partie {quote(info.filename)}")
        if produced > _part_limit(info.filename):
            raise _too_large(self.name, _limit_text(info.filename))
        if self.total > MAX_TOTAL_BYTES:
            raise _too_large(self.name, f"{MAX_TOTAL_BYTES // MIB} Mio une fois décompressé")
        if (
            produced > RATIO_FLOOR
            and produced > MAX_RATIO * max(consumed, 1)
            and _parsed_xml(info.filename)  # a picture of one colour may compress that well
        ):
            raise _too_large(self.name, f"un taux de compression de {MAX_RATIO} pour 1")

    # -- each part

    def _part(self, info: zipfile.ZipInfo, scan: bool) -> None:
        name = info.filename
        is_xml = _parsed_xml(name)
        keep = _names_sheets(info)
        scanner = _SheetScanner() if scan else None
        kept: list[bytes] = []
        prolog = b"" if is_xml else None  # the bytes before the root element, while unseen
        for chunk in self._inflate(info):
            if prolog is not None:  # a DTD can only come before the root element
                prolog += chunk
                root = _ROOT_RE.search(prolog)
                if any(m in prolog[: root.start() if root else None] for m in _FORBIDDEN):
                    raise _damaged(self.name, f"la partie {quote(name)} déclare une DTD")
                if root is None and len(prolog) > OUT_CHUNK:
                    raise _damaged(self.name, f"la partie {quote(name)} n'a pas d'élément racine")
                prolog = None if root else prolog
            if keep:
                kept.append(chunk)
            if scanner is not None:
                scanner.feed(chunk)
        if keep:
            self.kept[name] = b"".join(kept)
        if scanner is not None:
            scanner.close()
            if scanner.unlocated:
                self.unlocated.append(name)
            elif scanner.cells:
                self.found[name] = scanner.cells

    # -- sheet names

    def _sheet_parts(self) -> list[tuple[str, str]]:
        workbook = _workbook_part(self.kept)
        if workbook is None:
            return []
        root = etree.fromstring(self.kept[workbook], _SAFE)
        folder = workbook.rsplit("/", 1)[0] + "/" if "/" in workbook else ""
        rels_name = f"{folder}_rels/{workbook.rsplit('/', 1)[-1]}.rels"
        targets: dict[str, str] = {}
        if rels_name in self.kept:
            for rel in etree.fromstring(self.kept[rels_name], _SAFE):
                if isinstance(rel.tag, str):
                    targets[rel.get("Id", "")] = _resolve(folder, rel.get("Target", ""))
        pairs = []
        for sheet in root.iter():
            if not isinstance(sheet.tag, str) or etree.QName(sheet).localname != "sheet":
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                pairs.append((sheet.get("name", ""), targets[rid]))
        return pairs


_SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def _info(infos: list[zipfile.ZipInfo], name: str) -> zipfile.ZipInfo:
    return next(info for info in infos if info.filename == name)


def _parsed_xml(name: str) -> bool:
    """A part python-calamine or the writer parses as XML (not an add-in's customXml item)."""
    lower = name.lower()
    return (
        lower.endswith(".rels")
        or lower == "[content_types].xml"
        or (lower.startswith("xl/") and lower.endswith(".xml"))
    )


def _part_limit(name: str) -> int:
    lower = name.lower()
    tree = lower.endswith((".rels", "styles.xml", "calcchain.xml", "workbook.xml", "].xml"))
    return MAX_TREE_PART_BYTES if tree else MAX_PART_BYTES


def _limit_text(name: str) -> str:
    return f"{_part_limit(name) // MIB} Mio pour sa partie {quote(name)}"


def _names_sheets(info: zipfile.ZipInfo) -> bool:
    """A small part read before the others: relationships and the workbook part."""
    lower = info.filename.lower()
    return lower.endswith((".rels", "workbook.xml")) and info.file_size <= 4 * MIB


def _workbook_part(kept: dict[str, bytes]) -> str | None:
    """The workbook part, from the package relationships (xl/workbook.xml as a rule)."""
    root_rels = kept.get("_rels/.rels")
    if root_rels is not None:
        for rel in etree.fromstring(root_rels, _SAFE):
            if isinstance(rel.tag, str) and rel.get("Type", "").endswith("/officeDocument"):
                target = _resolve("", rel.get("Target", ""))
                if target in kept:
                    return target
    return "xl/workbook.xml" if "xl/workbook.xml" in kept else None


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (folder + target).split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


# --- error cells in a worksheet ----------------------------------------------------------------

# A cell: its start tag (attributes) and its content. Cell content never holds "<c" or "</c>".
_CELL_RE = re.compile(rb"<(?:[\w.-]+:)?c(\s[^>]*)?>(.*?)</(?:[\w.-]+:)?c\s*>", re.S)
_ATTR_RE = re.compile(rb"""\s([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_IS_RE = re.compile(rb"<(?:[\w.-]+:)?is[\s/>]")
_HAS_F_RE = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_V_RE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?(?:/>|>(.*?)</(?:[\w.-]+:)?v\s*>)", re.S)
_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_ERROR_RE = re.compile(rb"""\st\s*=\s*["']e["']""")
# Literal markers of a suspicious cell in the compact XML every spreadsheet program writes: an
# error type, a formula directly followed by the cell end, an empty value.
_ERROR_MARK = re.compile(re.escape(b't="e"'))
_FORMULA_MARK = re.compile(rb"<f[ >/]")
_NO_VALUE_MARKS = tuple(
    re.compile(re.escape(m)) for m in (b"f></c>", b"/></c>", b"<v></v>", b"<v/>")
)


class _SheetScanner:
    """Finds error cells and formulas without value in a worksheet fed chunk by chunk.

    Compact XML without namespace prefix (what Excel, LibreOffice and the Python writers
    produce) is searched chunk by chunk for literal markers, without copying: a cell is parsed
    only around a marker, from the previous and the current chunk. Other spellings (a prefix,
    indented XML, single-quoted attributes) are kept whole and searched with regular expressions.
    """

    def __init__(self) -> None:
        self.cells: Cells = {}
        self.unlocated = False  # a suspicious cell without a reference: parse the whole part
        self._head = b""  # the first bytes, until <sheetData is seen
        self._generic: bool | None = None
        self._close = b"</c>"
        self._kept: list[bytes] = []  # generic spelling: the whole part
        self._prev = b""
        self._prev_at = 0  # offset of _prev in the part
        self._waiting: list[int] = []  # offsets of markers whose cell end is still to come

    def feed(self, chunk: bytes) -> None:
        if self._generic is None:
            self._head += chunk
            self._decide()
        if self._generic:
            self._kept.append(chunk)
            return
        at = self._prev_at + len(self._prev)  # offset of this chunk in the part
        if self._generic is None:  # no cell before <sheetData
            self._prev, self._prev_at = chunk, at
            return
        hits = set(self._waiting)
        hits.update(at + offset for offset in _find_markers(chunk))
        joint = self._prev[-7:] + chunk[:7]  # a marker across the two chunks
        hits.update(at - len(self._prev[-7:]) + offset for offset in _find_markers(joint))
        if hits:
            window = self._prev + chunk
            self._waiting = [
                hit for hit in sorted(hits) if not self._locate(window, hit - self._prev_at)
            ]
        self._prev, self._prev_at = chunk, at

    def close(self) -> None:
        if self._generic:
            self._search_generic(b"".join(self._kept))
            self._kept = []
        elif self._waiting:
            self.unlocated = True  # a marker whose cell never ends: let the full parse decide

    def _decide(self) -> None:
        head = self._head
        start = head.find(b"sheetData")
        if start < 0:
            if len(head) > 4 * MIB:
                self._generic = True
            return
        tag = head.rfind(b"<", 0, start)
        prefix = head[tag + 1 : start] if tag >= 0 else b""
        self._close = b"</" + prefix + b"c>"
        odd = _indented(head, start) or b"='" in head
        self._generic = bool(prefix) or odd
        self._head = b""
        if self._generic:
            self._kept = [head]

    def _locate(self, window: bytes, hit: int) -> bool:
        """Check the cell around `hit`; False when its end is not in `window` yet."""
        if hit < 0:
            self.unlocated = True
            return True
        begin = max(window.rfind(b"<c ", 0, hit + 1), window.rfind(b"<c>", 0, hit + 1))
        if begin < 0:
            self.unlocated = self.unlocated or self._prev_at > 0
            return True
        if window.find(self._close, hit) < 0:
            return False
        match = _CELL_RE.match(window, begin)
        if match is not None and match.end() > hit:
            self._check(match)
        return True

    def _search_generic(self, data: bytes) -> None:
        if _ERROR_RE.search(data) or _HAS_F_RE.search(data):
            for match in _CELL_RE.finditer(data):
                self._check(match)

    def _check(self, match: re.Match[bytes]) -> None:
        attrs = {
            key.split(b":")[-1]: (dq if dq else sq)
            for key, dq, sq in _ATTR_RE.findall(match.group(1) or b"")
        }
        marker = _marker(attrs.get(b"t", b"n"), match.group(2))
        if marker is None:
            return
        ref = _REF_RE.match(attrs.get(b"r", b"").decode("ascii", "replace"))
        if ref is None:
            self.unlocated = True
            return
        self.cells[(int(ref.group(2)), column_index_from_string(ref.group(1).upper()))] = marker


def _indented(head: bytes, start: int) -> bool:
    """True when white space follows the <sheetData> or the first <row> tag (indented XML)."""
    for at in (start, head.find(b"row", start)):
        end = head.find(b">", at) if at >= 0 else -1
        if end >= 0 and head[end + 1 : end + 2].isspace():
            return True
    return False


def _find_markers(data: bytes) -> list[int]:
    """Offsets of the markers of a suspicious cell in compact XML (rare: usually none).

    A compiled literal pattern searches faster than bytes.find for these needles.
    """
    found = [match.start() for match in _ERROR_MARK.finditer(data)]
    if len(data) < 16 or _FORMULA_MARK.search(data):
        for marker in _NO_VALUE_MARKS:
            found.extend(match.start() for match in marker.finditer(data))
    return found


def _marker(kind: bytes, body: bytes) -> ExcelError | None:
    """The marker of a cell of type `kind` and content `body`, None for an ordinary cell."""
    value = _V_RE.search(body)
    text = (value.group(1) or b"") if value is not None else None
    if kind == b"e":
        code = (text or b"").decode("utf-8", "replace").strip()
        return error_from_code(code) if code else NO_VALUE
    if _HAS_F_RE.search(body) is None:
        return None
    if text is None:
        return None if _IS_RE.search(body) else NO_VALUE  # an inline string is a value
    if not text.strip() and kind != b"str":
        return NO_VALUE  # an empty <v/> only stands for a value when it is a text ("")
    return None


def _parse_cells(data: bytes) -> Cells:
    """Every error cell and formula without value of a worksheet, by a full parse.

    Used only for worksheets whose suspicious cells have no reference (rows and cells then
    follow each other from A1, as the format allows).
    """
    cells: Cells = {}
    row = column = 0
    events = etree.iterparse(
        io.BytesIO(data), events=("start", "end"), resolve_entities=False, huge_tree=True
    )
    try:
        for event, element in events:
            local = etree.QName(element).localname
            if event == "start":
                if local == "row":
                    number = element.get("r", "")
                    row = int(number) if number.isdigit() else row + 1
                    column = 0
                continue
            if local == "row":
                element.clear()
            if local != "c":
                continue
            ref = _REF_RE.match(element.get("r", ""))
            if ref is not None:
                row, column = int(ref.group(2)), column_index_from_string(ref.group(1).upper())
            else:
                column += 1
            kind = element.get("t", "n").encode()
            body = etree.tostring(element).split(b">", 1)[-1]
            marker = _marker(kind, body)
            if marker is not None:
                cells[(row, column)] = marker
    except etree.XMLSyntaxError:
        pass  # python-calamine says the sheet is unreadable
    return cells
