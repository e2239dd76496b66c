"""Cell-address helpers give openpyxl's results without importing openpyxl."""

from __future__ import annotations

import subprocess
import sys

import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as OPENPYXL_ILLEGAL
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from treso_xl.cells import ILLEGAL_CHARACTERS_RE, column_index, column_letter, coordinate


def test_every_column_as_openpyxl() -> None:
    for index in range(1, 18_279):
        letters = get_column_letter(index)
        assert column_letter(index) == letters
        assert column_index(letters) == index == column_index_from_string(letters)
    assert column_index("ab") == column_index_from_string("ab") == 28


@pytest.mark.parametrize("bad", [0, -1, 18_279])
def test_column_letter_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        column_letter(bad)


@pytest.mark.parametrize("bad", ["", "ABCD", "A1", "É", "1"])
def test_column_index_refuses_non_columns(bad: str) -> None:
    with pytest.raises(ValueError):
        column_index(bad)


@pytest.mark.parametrize("reference", ["A1", "H3", "$B$5", "xfd1048576", "AA10"])
def test_coordinate_as_openpyxl(reference: str) -> None:
    assert coordinate(reference) == coordinate_from_string(reference)


@pytest.mark.parametrize("bad", ["A0", "1A", "A", "A1:B2", ""])
def test_coordinate_refuses_non_cells(bad: str) -> None:
    with pytest.raises(ValueError):
        coordinate(bad)


def test_illegal_characters_as_openpyxl() -> None:
    text = "".join(chr(code) for code in range(0, 128)) + "é€"
    assert ILLEGAL_CHARACTERS_RE.sub("", text) == OPENPYXL_ILLEGAL.sub("", text)


def test_the_excel_path_does_not_import_openpyxl() -> None:
    code = (
        "import sys\n"
        "import treso_xl.excel.ribbon, treso_xl.excel.read_xlwings, treso_xl.excel.render_xlwings\n"
        "import treso_xl.refresh, treso_xl.reading.workbook\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'holidays'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_and_ribbon_import_no_engine() -> None:
    """`treso-xl --help` and the ribbon module load neither pandas nor openpyxl (issue 16)."""
    code = (
        "import sys\n"
        "import treso_xl.cli.main, treso_xl.excel.ribbon\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pandas', 'numpy', 'openpyxl', 'holidays', 'python_calamine', 'lxml'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
