"""A VBA project (vbaProject.bin) read from and written as source text: MS-OVBA in MS-CFB.

Writing: the PROJECT stream, `VBA/dir` (the template's project information and references, the
modules listed anew), `VBA/_VBA_PROJECT` with version 0xFFFF and no performance cache (Office then
compiles the modules from their source on load, MS-OVBA 2.3.4.1) and one stream per module holding
its compressed source only (MODULEOFFSET 0). Reading: the modules' sources of an existing project
(xlwings' template), through olefile. Compression (2.4.1), the PROJECT stream's data encryption
(2.4.3) and the compound file (MS-CFB version 3) are written here, from the specifications.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import olefile

CODEPAGE = "cp1252"
STANDARD, CLASS, DOCUMENT = "module", "class", "document"

# --- compression (MS-OVBA 2.4.1) ----------------------------------------------------------------

_CHUNK = 4096


def _copy_token_help(position: int) -> tuple[int, int]:
    """(length mask, offset shift) of a copy token at `position` in its decompressed chunk: the
    offset takes the high max(4, ceil(log2(position))) bits, the length the others."""
    bit_count = max((position - 1).bit_length(), 4)
    return 0xFFFF >> bit_count, 16 - bit_count


def decompress(data: bytes) -> bytes:
    """The bytes of a CompressedContainer."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:  # raw chunk
            out += data[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                mask, shift = _copy_token_help(len(out) - start)
                length = (token & mask) + 3
                offset = (token >> shift) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer of `data` (greedy longest match, as the specification's sketch).

    An incompressible chunk is stored raw, padded to 4096 bytes as the specification does: only
    a last chunk of random bytes would decompress longer; VBA source is text and compresses.
    """
    out = bytearray(b"\x01")
    for chunk_start in range(0, len(data), _CHUNK):
        chunk = data[chunk_start : chunk_start + _CHUNK]
        body = _compress_chunk(chunk)
        if len(body) > _CHUNK:  # incompressible: a raw chunk of exactly 4096 bytes
            out += struct.pack("<H", 0x3000 | (_CHUNK + 2 - 3)) + chunk.ljust(_CHUNK, b"\0")
        else:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    pos = 0
    positions: dict[bytes, list[int]] = {}
    while pos < len(chunk):
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(chunk):
                break
            mask, shift = _copy_token_help(pos)
            max_length = mask + 3
            best_length, best_offset = 0, 0
            for candidate in reversed(positions.get(chunk[pos : pos + 3], [])):
                length = 0
                limit = min(max_length, len(chunk) - pos)
                while length < limit and chunk[candidate + length] == chunk[pos + length]:
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, pos - candidate
                    if length == limit:
                        break
            step = 1
            if best_length >= 3:
                token = ((best_offset - 1) << shift) | (best_length - 3)
                body += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_length
            else:
                body.append(chunk[pos])
            for i in range(pos, pos + step):
                positions.setdefault(chunk[i : i + 3], []).append(i)
            pos += step
        body[flag_at] = flags
    return bytes(body)


# --- the PROJECT stream's data encryption (MS-OVBA 2.4.3) ---------------------------------------


def encrypt(project_id: str, data: bytes, seed: int = 0x37) -> str:
    """`data` encrypted as the PROJECT stream's CMG, DPB and GC values (hexadecimal)."""
    key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ 2
    key_enc = seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    plain1, enc1, enc2 = key, key_enc, version_enc
    for _ in range((seed & 6) // 2):  # ignored bytes
        byte = (0 ^ (enc2 + plain1)) & 0xFF
        out.append(byte)
        enc2, enc1, plain1 = enc1, byte, 0
    for value in struct.pack("<I", len(data)) + data:
        byte = (value ^ (enc2 + plain1)) & 0xFF
        out.append(byte)
        enc2, enc1, plain1 = enc1, byte, value
    return out.hex().upper()


def decrypt(project_id: str, text: str) -> bytes:
    """The data of a CMG, DPB or GC value; checks the key against the project's ID."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unknown encryption version")
    key = seed ^ key_enc
    if key != sum(project_id.encode("ascii")) & 0xFF:
        raise ValueError("project key does not match the project ID")
    plain1, enc1, enc2 = key, key_enc, version_enc
    pos = 3
    plain = bytearray()
    for _ in range((seed & 6) // 2):
        byte = raw[pos] ^ ((enc2 + plain1) & 0xFF)
        enc2, enc1, plain1 = enc1, raw[pos], byte
        pos += 1
    for value in raw[pos:]:
        byte = value ^ ((enc2 + plain1) & 0xFF)
        plain.append(byte)
        enc2, enc1, plain1 = enc1, value, byte
    length = struct.unpack_from("<I", plain)[0]
    return bytes(plain[4 : 4 + length])


# --- the dir stream (MS-OVBA 2.3.4.2) -----------------------------------------------------------


def records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(id, bytes of the whole record) of a decompressed dir stream."""
    pos = 0
    while pos + 6 <= len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        if record_id == 0x0009:  # PROJECTVERSION: its size field says 4, it holds 6 bytes
            size = 6
        yield record_id, data[pos : pos + 6 + size]
        pos += 6 + size


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, kind (standard, class or document) and source text."""

    name: str
    kind: str
    source: str


def read_project(data: bytes) -> tuple[bytes, list[Module]]:
    """(the dir stream's information and references records, the modules) of a vbaProject.bin."""
    ole = olefile.OleFileIO(data)
    try:
        dir_stream = decompress(ole.openstream("VBA/dir").read())
        head = bytearray()
        modules: list[Module] = []
        name = stream = ""
        offset, kind = 0, STANDARD
        in_modules = False
        for record_id, record in records(dir_stream):
            body = record[6:]
            if record_id == 0x000F:
                in_modules = True
            if not in_modules:
                head += record
            elif record_id == 0x0019:
                name = body.decode(CODEPAGE)
            elif record_id == 0x001A:
                stream = body.decode(CODEPAGE)
            elif record_id == 0x0031:
                offset = struct.unpack("<I", body)[0]
            elif record_id == 0x0021:
                kind = STANDARD
            elif record_id == 0x0022:
                kind = CLASS
            elif record_id == 0x002B:
                code = ole.openstream(f"VBA/{stream}").read()[offset:]
                modules.append(Module(name, kind, decompress(code).decode(CODEPAGE)))
                kind = STANDARD
        documents = _documents(ole.openstream("PROJECT").read().decode(CODEPAGE))
        modules = [
            Module(m.name, DOCUMENT, m.source) if m.name in documents else m for m in modules
        ]
        return bytes(head), modules
    finally:
        ole.close()


def _documents(project: str) -> set[str]:
    return {
        line.split("=", 1)[1].split("/")[0]
        for line in project.splitlines()
        if line.startswith("Document=")
    }


def crlf(source: str) -> str:
    """A module's source with the CR LF line ends the VBA editor writes."""
    return source.replace("\r\n", "\n").replace("\n", "\r\n")


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _text_records(name_id: int, unicode_id: int, text: str) -> bytes:
    return _record(name_id, text.encode(CODEPAGE)) + _record(unicode_id, text.encode("utf-16-le"))


def dir_stream(head: bytes, project_name: str, modules: Sequence[Module]) -> bytes:
    """The dir stream: `head` (information and references) with its PROJECTNAME replaced, then
    the modules."""
    out = bytearray()
    for record_id, record in records(head):
        if record_id == 0x0004:
            record = _record(0x0004, project_name.encode(CODEPAGE))
        out += record
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))
    for module in modules:
        out += _record(0x0019, module.name.encode(CODEPAGE))
        out += _record(0x0047, module.name.encode("utf-16-le"))
        out += _text_records(0x001A, 0x0032, module.name)
        out += _text_records(0x001C, 0x0048, "")
        out += _record(0x0031, struct.pack("<I", 0))
        out += _record(0x001E, struct.pack("<I", 0))
        out += _record(0x002C, struct.pack("<H", 0xFFFF))
        out += _record(0x0021 if module.kind == STANDARD else 0x0022, b"")
        out += _record(0x002B, b"")
    out += _record(0x0010, b"")
    return bytes(out)


def project_stream(project_id: str, project_name: str, modules: Sequence[Module]) -> bytes:
    """The PROJECT stream: the modules, the name, no protection, no password, visible."""
    kinds = {DOCUMENT: "Document={}/&H00000000", CLASS: "Class={}", STANDARD: "Module={}"}
    lines = [f'ID="{project_id}"']
    lines += [kinds[m.kind].format(m.name) for m in modules]
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(project_id, bytes(4))}"',  # not protected
        f'DPB="{encrypt(project_id, bytes(1))}"',  # no password
        f'GC="{encrypt(project_id, bytes([0xFF]))}"',  # visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(CODEPAGE)


def vba_project(
    project_id: str, project_name: str, head: bytes, modules: Sequence[Module]
) -> bytes:
    """The bytes of a vbaProject.bin holding `modules` as source text."""
    names = [m.name.upper() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError("two modules with the same name")
    streams = {
        "PROJECT": project_stream(project_id, project_name, modules),
        "VBA/_VBA_PROJECT": bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00]),
        "VBA/dir": compress(dir_stream(head, project_name, modules)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(crlf(module.source).encode(CODEPAGE))
    return compound_file(streams)


# --- the compound file (MS-CFB, version 3: 512-byte sectors) ------------------------------------

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[_Entry] | None = None
    start: int = END
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM


def _key(entry: _Entry) -> tuple[int, str]:
    return len(entry.name), entry.name.upper()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` ("STORAGE/NAME" paths, one level of storages)."""
    root = _Entry("Root Entry", 5, children=[])
    storages: dict[str, _Entry] = {}
    for path, data in streams.items():
        parent = root
        *folders, name = path.split("/")
        for folder in folders:
            if folder not in storages:
                storages[folder] = _Entry(folder, 1, children=[])
                parent.children.append(storages[folder])  # type: ignore[union-attr]
            parent = storages[folder]
        parent.children.append(_Entry(name, 2, data=data))  # type: ignore[union-attr]
    entries: list[_Entry] = []

    def number(entry: _Entry) -> None:
        entries.append(entry)
        for child in entry.children or []:
            number(child)

    number(root)
    index = {id(e): i for i, e in enumerate(entries)}

    def tree(children: list[_Entry]) -> int:  # a balanced binary search tree, all black
        if not children:
            return NOSTREAM
        middle = len(children) // 2
        node = children[middle]
        node.left, node.right = tree(children[:middle]), tree(children[middle + 1 :])
        return index[id(node)]

    for entry in entries:
        if entry.children is not None:
            entry.child = tree(sorted(entry.children, key=_key))

    # mini stream: the streams under the cutoff, in 64-byte mini sectors
    mini_stream = bytearray()
    mini_fat: list[int] = []
    for entry in entries:
        if entry.kind == 2 and 0 < len(entry.data) < CUTOFF:
            entry.start = len(mini_fat)
            count = -(-len(entry.data) // MINI)
            mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + [END]
            mini_stream += entry.data.ljust(count * MINI, b"\0")
    root.data = bytes(mini_stream)

    # sector layout: directory, mini FAT, mini stream, big streams, then the FAT
    sectors: list[bytes] = []
    fat: list[int] = []

    def chain(data: bytes) -> int:
        if not data:
            return END
        start = len(sectors)
        count = -(-len(data) // SECTOR)
        for i in range(count):
            sectors.append(data[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\0"))
        fat.extend([start + i + 1 for i in range(count - 1)] + [END])
        return start

    directory_size = -(-len(entries) // 4) * SECTOR
    directory_start = chain(bytes(directory_size))  # filled in below
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat) if mini_fat else b""
    mini_fat_bytes = mini_fat_bytes.ljust(-(-len(mini_fat_bytes) // SECTOR) * SECTOR, b"\xff")
    mini_fat_start = chain(mini_fat_bytes)
    root.start = chain(root.data)
    for entry in entries:
        if entry.kind == 2 and len(entry.data) >= CUTOFF:
            entry.start = chain(entry.data)
    # the FAT covers itself
    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    if fat_count > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_start = len(sectors)
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * (SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for i in range(fat_count):
        sectors.append(fat_bytes[i * SECTOR : (i + 1) * SECTOR])

    directory = bytearray()
    for entry in entries:
        directory += _directory_entry(entry)
    while len(directory) < directory_size:
        directory += _directory_entry(None)
    for i in range(directory_size // SECTOR):
        sectors[directory_start + i] = bytes(directory[i * SECTOR : (i + 1) * SECTOR])

    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = b"".join(
        [
            bytes.fromhex("D0CF11E0A1B11AE1"),
            bytes(16),
            struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6),
            bytes(6),
            struct.pack("<IIIII", 0, fat_count, directory_start, 0, CUTOFF),
            struct.pack("<II", mini_fat_start if mini_fat else END, len(mini_fat_bytes) // SECTOR),
            struct.pack("<II", END, 0),
            struct.pack("<109I", *difat),
        ]
    )
    return header + b"".join(sectors)


def _directory_entry(entry: _Entry | None) -> bytes:
    if entry is None:
        return (
            bytes(64)
            + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", 0, 0)
        )
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"name too long for a compound file: {entry.name}")
    size = len(entry.data) if entry.kind != 1 else 0
    start = entry.start if size else (0 if entry.kind == 1 else END)
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name) + 2, entry.kind, 1)
        + struct.pack("<III", entry.left, entry.right, entry.child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )
