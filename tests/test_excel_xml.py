"""The small SpreadsheetML helpers give what openpyxl gives: letters, serial dates, formats."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as OPENPYXL_ILLEGAL
from openpyxl.styles.numbers import BUILTIN_FORMATS as OPENPYXL_FORMATS
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE as OPENPYXL_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel as openpyxl_to_excel

from treso_xl.render.excel_xml import (
    BUILTIN_FORMATS,
    BUILTIN_FORMATS_REVERSE,
    ILLEGAL_CHARACTERS_RE,
    argb,
    column_letter,
    to_excel,
)


def test_every_column_letter() -> None:
    for col in range(1, 18279):
        assert column_letter(col) == get_column_letter(col)
    for bad in (0, -1, 18279):
        with pytest.raises(ValueError):
            column_letter(bad)


def test_builtin_formats_and_illegal_characters() -> None:
    assert BUILTIN_FORMATS == OPENPYXL_FORMATS
    assert BUILTIN_FORMATS_REVERSE == OPENPYXL_REVERSE
    assert ILLEGAL_CHARACTERS_RE.pattern == OPENPYXL_ILLEGAL.pattern
    every = "".join(chr(i) for i in range(0x20))
    assert ILLEGAL_CHARACTERS_RE.sub("", every) == "\t\n\r"


DAYS = [
    dt.date(1899, 12, 30),
    dt.date(1899, 12, 31),
    dt.date(1900, 1, 1),
    dt.date(1900, 2, 28),
    dt.date(1900, 3, 1),
    dt.date(1970, 1, 1),
    dt.date(2026, 6, 15),
    dt.date(9999, 12, 31),
    dt.date(1, 1, 1),
]
MOMENTS = [
    dt.datetime(1900, 1, 1, 12, 0),
    dt.datetime(1900, 2, 28, 23, 59, 59, 999999),
    dt.datetime(1900, 3, 1, 0, 0, 1),
    dt.datetime(2026, 6, 15, 9, 30, 15, 250000),
    dt.datetime(1899, 12, 29, 6, 0),
    pd.Timestamp("2026-06-15 17:45:03.123456789"),
]


@pytest.mark.parametrize("value", DAYS + MOMENTS, ids=str)
def test_serial_dates_as_openpyxl(value: dt.date) -> None:
    mine, theirs = to_excel(value), openpyxl_to_excel(value)
    assert mine == theirs
    assert f"{mine:.16g}" == f"{theirs:.16g}"


def test_argb() -> None:
    assert argb("1f4e78") == "FF1F4E78"
    assert argb(" #abcdef ") == "FFABCDEF"
    assert argb("80FFFFFF") == "80FFFFFF"
    with pytest.raises(ValueError):
        argb("12345")
