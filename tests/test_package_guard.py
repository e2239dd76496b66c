"""Hostile packages: zip bombs, a huge string, parts lying about their size, a DTD. The command
line stops them with a French message (exit 2) quickly and with bounded memory, before
python-calamine, lxml or zipfile inflate them; the write path refuses them too."""

from __future__ import annotations

import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from workbook_factory import good_sheets, write_workbook

from treso_xl.reading.package_guard import (
    MAX_PART_BYTES,
    PackageError,
    inspect_package,
)
from treso_xl.render.package import read_tab_names

MIB = 1024 * 1024
NBSP = "\u00a0"


def deflated(head: bytes, body: bytes, repeat: int, tail: bytes) -> Iterator[bytes]:
    """Raw deflate of head + body * repeat + tail, produced without holding the inflated text.

    After a full flush deflate starts afresh, so the compressed form of `body` is computed once
    and repeated: gigabytes of text cost a few megabytes and milliseconds.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    yield packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(body) + packer.flush(zlib.Z_FULL_FLUSH)
    for _ in range(repeat):
        yield block
    yield packer.compress(tail) + packer.flush(zlib.Z_FINISH)


def repack(
    source: Path, target: Path, name: str, chunks: Iterator[bytes], declared: int, crc: int = 0
) -> Path:
    """`source` with part `name` replaced by the deflated `chunks`, written by hand so that the
    sizes in the headers are `declared` whatever the data inflates to."""
    entries: list[tuple[str, bytes | None, int, int, int]] = []
    with zipfile.ZipFile(source) as zin:
        for info in zin.infolist():
            if info.filename == name:
                continue
            data = zin.read(info)
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = packer.compress(data) + packer.flush()
            entries.append((info.filename, packed, zlib.crc32(data), len(packed), len(data)))
    entries.append((name, None, crc, 0, declared))
    directory = b""
    with target.open("wb") as out:
        for filename, packed, checksum, size, usize in entries:
            offset = out.tell()
            encoded = filename.encode()
            out.write(b"\0" * (30 + len(encoded)))
            if packed is None:
                size = 0
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
            else:
                out.write(packed)
            end = out.tell()
            fields = (20, 0, 8, 0, 0x21, checksum, size, usize, len(encoded), 0)
            out.seek(offset)
            out.write(b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields) + encoded)
            out.seek(end)
            directory += b"PK\x01\x02" + struct.pack(
                "<HHHHHHIIIHHHHHII",
                *(20, 20, 0, 8, 0, 0x21, checksum, size, usize, len(encoded)),
                *(0, 0, 0, 0, 0, offset),
            )
            directory += encoded
        start = out.tell()
        out.write(directory)
        count = len(entries)
        end_record = (b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0)
        out.write(struct.pack("<4sHHHHIIH", *end_record))
    return target


def workbook(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "source.xlsx", good_sheets())


SST_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>'
)
SST_TAIL = b"</t></si></sst>"


def run_cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run the command line; its exit, its output, the seconds and the child's peak RSS (MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "treso_xl", *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_memory,
    )
    elapsed = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result, elapsed, max(peak, before) / 1024


def _limit_memory() -> None:
    # A hard cap on the child's data segment: a bomb that got through would die, not swap.
    limit = 1536 * MIB
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def assert_refused(result: subprocess.CompletedProcess[str], elapsed: float, peak: float) -> str:
    message = (result.stdout + result.stderr).replace(NBSP, " ")
    assert result.returncode == 2, message[-2000:]
    assert "Traceback" not in message and "panicked" not in message
    assert "rien n'a été modifié" in message
    assert elapsed < 60
    assert peak < 700, peak
    return message


def test_shared_strings_bomb_is_refused(tmp_path: Path) -> None:
    # 3.5 GiB of shared strings declared as such, in a file of a few megabytes.
    body = b"A" * MIB
    chunks = deflated(SST_HEAD, body, 3584, SST_TAIL)
    declared = len(SST_HEAD) + 3584 * MIB + len(SST_TAIL)
    path = repack(
        workbook(tmp_path), tmp_path / "bomb.xlsx", "xl/sharedStrings.xml", chunks, declared
    )
    assert path.stat().st_size < 8 * MIB
    result, elapsed, peak = run_cli("check", str(path))
    message = assert_refused(result, elapsed, peak)
    part = "« xl/sharedStrings.xml »"
    assert f"Le classeur « bomb.xlsx » dépasse 128 Mio pour sa partie {part}" in message
    assert "peut-être endommagé ou malveillant" in message


def test_part_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    # The same 3.5 GiB declared as 2 KiB: a parser trusting the header is fooled, not the guard.
    chunks = deflated(SST_HEAD, b"A" * MIB, 3584, SST_TAIL)
    path = repack(workbook(tmp_path), tmp_path / "liar.xlsx", "xl/sharedStrings.xml", chunks, 2048)
    result, elapsed, peak = run_cli("refresh", str(path))
    message = assert_refused(result, elapsed, peak)
    assert "dépasse la taille annoncée de sa partie « xl/sharedStrings.xml »" in message


def test_one_huge_string_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    # One string of 1 GiB in a file of about 1 MiB, its size declared honestly (under the
    # 4 GiB of a plain zip): refused on the ratio long before the 128 MiB part cap.
    chunks = deflated(SST_HEAD, b"A" * MIB, 1024, SST_TAIL)
    declared = len(SST_HEAD) + 1024 * MIB + len(SST_TAIL)
    path = repack(
        workbook(tmp_path), tmp_path / "string.xlsx", "xl/sharedStrings.xml", chunks, declared
    )
    assert path.stat().st_size < 2 * MIB
    with pytest.raises(PackageError) as caught:
        inspect_package(path, scan=lambda title: True)
    message = str(caught.value).replace(NBSP, " ")
    assert "dépasse 128 Mio pour sa partie « xl/sharedStrings.xml »" in message


def test_ratio_is_checked_while_inflating(tmp_path: Path) -> None:
    # 100 MiB (under the part cap) declared as such, at a ratio of about 1 000: refused once
    # 16 MiB came out, without inflating the rest.
    chunks = deflated(SST_HEAD, b"A" * MIB, 100, SST_TAIL)
    declared = len(SST_HEAD) + 100 * MIB + len(SST_TAIL)
    assert declared < MAX_PART_BYTES
    path = repack(
        workbook(tmp_path), tmp_path / "ratio.xlsx", "xl/sharedStrings.xml", chunks, declared
    )
    result, elapsed, peak = run_cli("check", str(path))
    message = assert_refused(result, elapsed, peak)
    assert "dépasse un taux de compression de 100 pour 1" in message


def test_parts_parsed_whole_by_lxml_have_a_lower_cap(tmp_path: Path) -> None:
    # lxml's tree of an element-dense part takes ~20 times its XML: styles.xml is capped at 32 MiB.
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    head = (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>'
    )
    repeat = 40 * MIB // (len(xf) * 1024)
    chunks = deflated(head, xf * 1024, repeat, b"</cellXfs></styleSheet>")
    declared = len(head) + repeat * len(xf) * 1024 + len(b"</cellXfs></styleSheet>")
    path = repack(workbook(tmp_path), tmp_path / "styles.xlsx", "xl/styles.xml", chunks, declared)
    with pytest.raises(PackageError) as caught:
        read_tab_names(path.read_bytes())
    message = str(caught.value).replace(NBSP, " ")
    assert "dépasse 32 Mio pour sa partie « xl/styles.xml »" in message


def test_a_picture_of_one_colour_is_no_bomb(tmp_path: Path) -> None:
    # 40 MiB of one colour inflate at a ratio of ~1 000, but no parser reads pictures: only
    # the size caps apply to them.
    chunks = deflated(b"BM", b"\xff" * MIB, 40, b"")
    path = repack(
        workbook(tmp_path), tmp_path / "pic.xlsx", "xl/media/image1.bmp", chunks, 2 + 40 * MIB
    )
    assert inspect_package(path).sheet_cells == {}


def test_a_part_with_a_dtd_is_refused(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t>'
        b"</si></sst>"
    )
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks = iter([packer.compress(laughs) + packer.flush()])
    path = repack(
        workbook(tmp_path),
        tmp_path / "dtd.xlsx",
        "xl/sharedStrings.xml",
        chunks,
        len(laughs),
        zlib.crc32(laughs),
    )
    with pytest.raises(PackageError) as caught:
        inspect_package(path)
    assert "déclare une DTD" in str(caught.value)


def test_write_path_refuses_a_bomb_before_parsing_it(tmp_path: Path) -> None:
    chunks = deflated(SST_HEAD, b"A" * MIB, 3584, SST_TAIL)
    path = repack(workbook(tmp_path), tmp_path / "w.xlsx", "xl/sharedStrings.xml", chunks, 2048)
    with pytest.raises(PackageError) as caught:
        read_tab_names(path.read_bytes())
    assert "rien n'a été modifié" in str(caught.value)


def test_an_ordinary_workbook_passes_and_an_xls_is_not_checked(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    assert inspect_package(path, scan=lambda title: title == "Factures").sheet_cells == {}
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert inspect_package(xls).sheet_cells == {}
