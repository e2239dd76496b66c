"""Excel cell addresses without openpyxl: column letters and numbers, coordinates, bad chars.

Importing any `openpyxl.*` module runs `openpyxl/__init__`, which loads the whole package
(about 0.2 s): the Excel macros and the reader, which need only these helpers, use this module.
Same results as openpyxl's `get_column_letter`, `column_index_from_string`,
`coordinate_from_string` and `ILLEGAL_CHARACTERS_RE` (checked by tests/test_cells.py).
"""

from __future__ import annotations

import re
from functools import cache

MAX_COLUMN = 18_278  # ZZZ, openpyxl's limit (Excel stops at XFD = 16 384)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_COORDINATE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@cache
def column_letter(index: int) -> str:
    """1 -> "A", 28 -> "AB"; ValueError outside 1..18 278."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@cache
def column_index(letters: str) -> int:
    """ "A" -> 1, "ab" -> 28; ValueError for anything but one to three letters."""
    text = letters.upper()
    if not (1 <= len(text) <= 3 and text.isascii() and text.isalpha()):
        raise ValueError(f"{letters!r} is not a valid column name")
    index = 0
    for char in text:
        index = index * 26 + ord(char) - 64
    return index


def coordinate(reference: str) -> tuple[str, int]:
    """ "B5" or "$B$5" -> ("B", 5) (letters kept as typed); ValueError when not a cell."""
    match = _COORDINATE.match(reference)
    if match is None or int(match.group(2)) < 1:
        raise ValueError(f"Invalid cell coordinates ({reference})")
    return match.group(1), int(match.group(2))
