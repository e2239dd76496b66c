"""The VBA project writer (treso_xl.excel.ovba) checked against independent readers: oletools'
decompression, olefile's compound-file reader, the template's own encrypted values, LibreOffice."""

from __future__ import annotations

import os
import random
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest
from libreoffice import convert
from lxml import etree

from treso_xl.excel import addin_build, ovba

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names deprecated since 3.0
    warnings.simplefilter("ignore")
    from oletools.olevba import decompress_stream


def _template_project() -> bytes:
    with zipfile.ZipFile(addin_build.template_path()) as z:
        return z.read("xl/vbaProject.bin")


@pytest.mark.parametrize("size", [0, 1, 100, 4095, 4096, 4097, 9000, 20000])
def test_oletools_decompresses_what_is_compressed(size: int) -> None:
    rng = random.Random(size)
    text = bytes(rng.choice(b"Dim x As String\r\n  ") for _ in range(size))
    # incompressible: raw chunks, which hold exactly 4096 bytes (a shorter last one would be
    # padded, as the specification does; VBA source is text and always compresses)
    noise = os.urandom(size - size % 4096)
    for data in (text, noise):
        packed = ovba.compress(data)
        assert bytes(decompress_stream(bytearray(packed))) == data
        assert ovba.decompress(packed) == data
    if size >= 4096:
        assert len(ovba.compress(text)) < size  # it does compress


def test_the_templates_protection_values_decrypt_to_an_open_project() -> None:
    # the encryption of MS-OVBA 2.4.3 checked on values Office wrote: no protection, no
    # password, visible; and what this module writes decrypts back
    ole = olefile.OleFileIO(_template_project())
    project = ole.openstream("PROJECT").read().decode("cp1252")
    ole.close()
    values = dict(line.split("=", 1) for line in project.splitlines() if "=" in line)
    project_id = values["ID"].strip('"')
    assert ovba.decrypt(project_id, values["CMG"].strip('"')) == bytes(4)
    assert ovba.decrypt(project_id, values["DPB"].strip('"')) == b"\x00"
    assert ovba.decrypt(project_id, values["GC"].strip('"')) == b"\xff"
    for seed in (0x00, 0x37, 0xFE):
        text = ovba.encrypt(project_id, b"\x01\x02\x03", seed)
        assert ovba.decrypt(project_id, text) == b"\x01\x02\x03"


def test_olefile_reads_every_stream_back() -> None:
    streams = {
        "PROJECT": b"ID=1\r\n",
        "VBA/small": b"x" * 63,
        "VBA/edge": bytes(range(256)) * 16,  # 4096 bytes: a regular stream
        "VBA/large": os.urandom(70_000),  # more than one FAT sector's reach
        **{f"VBA/m{i}": os.urandom(100 + i) for i in range(20)},
    }
    ole = olefile.OleFileIO(ovba.compound_file(streams))
    try:
        assert sorted("/".join(p) for p in ole.listdir()) == sorted(streams)
        for path, data in streams.items():
            assert ole.openstream(path).read() == data, path
    finally:
        ole.close()


def test_the_project_lists_its_modules_for_both_readers() -> None:
    head, modules = addin_build.project_modules(_template_project())
    ole = olefile.OleFileIO(
        ovba.vba_project("{00000000-0000-0000-0000-000000000001}", "P", head, modules)
    )
    try:
        assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")
        project = ole.openstream("PROJECT").read().decode("cp1252")
    finally:
        ole.close()
    assert 'Name="P"' in project
    assert "Module=TresoRuban" in project and "Document=ThisWorkbook/&H00000000" in project
    assert "Class=Dictionary" in project and "RibbonMyAddin" not in project


@pytest.mark.slow
def test_libreoffice_reads_every_module(tmp_path: Path) -> None:
    import xlsxwriter

    addin = addin_build.build_addins(tmp_path / "addin", "", "")[0]
    with zipfile.ZipFile(addin) as z:
        (tmp_path / "vbaProject.bin").write_bytes(z.read("xl/vbaProject.bin"))
    carrier = tmp_path / "porteur.xlsm"  # an .xlsm carrying the add-in's very project
    workbook = xlsxwriter.Workbook(str(carrier))
    workbook.set_vba_name("ThisWorkbook")
    sheet = workbook.add_worksheet()
    sheet.set_vba_name("Sheet2")
    sheet.write("A1", "treso-xl")
    workbook.add_vba_project(str(tmp_path / "vbaProject.bin"))
    workbook.close()
    (ods,) = convert(carrier, "ods", tmp_path / "ods")
    _, modules = addin_build.project_modules(_template_project())
    with zipfile.ZipFile(ods) as z:
        library = f"Basic/{addin_build.VBA_PROJECT_NAME}/"
        found = {n[len(library) : -4] for n in z.namelist() if n.startswith(library)}
        assert found >= {m.name for m in modules}
        for module in modules:
            text = etree.fromstring(z.read(f"{library}{module.name}.xml")).text or ""
            # LibreOffice keeps the code, drops the Attribute lines (VB_Name…) and adds its own
            added = ("Rem Attribute ", "Option VBASupport ", "Option ClassModule")
            got = [line for line in text.split("\n") if line and not line.startswith(added)]
            code = [
                line
                for line in module.source.split("\r\n")
                if line and not line.startswith("Attribute ")
            ]
            assert got == code, module.name
