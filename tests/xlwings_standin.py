"""In-memory stand-in for xlwings' App, Book, Sheet and Range, counting the calls made on it.

Excel cannot run on Linux, so the macros are exercised against these classes. They mirror the
members of the real `xlwings.main` classes that the macros use (same names, same signatures, same
settable properties: `tests/test_excel_standin_contract.py` checks it against xlwings itself) and
values go through xlwings' own conversion pipeline (`xlwings.conversion.read` / `write`), with an
engine whose cleaning rules copy those of the Windows engine (`xlwings/_xlwindows.py`):

- writing: `None`, NaN and NaT become empty cells, numpy numbers become floats, dates datetimes;
- reading: empty cells become `None`, dates `datetime.datetime`, every number a float, except
  on Windows a number in a cell formatted as currency: COM gives it as the VBA Currency type,
  which pywin32 turns into `decimal.Decimal` and xlwings passes on (the macOS engine gives floats).

The sheet itself behaves like Excel where it matters to a renderer: a text written as a value is
typed into the cell, so that "=A1" becomes a formula, "-5" or "12,5" a number and "31/01/2026" a
date, unless it starts with an apostrophe (which Excel keeps out of the value). A range of several
areas ("A1:B2,D4") is accepted as the Windows engine does, and refused when the book emulates the
macOS engine (`platform="darwin"`), which cannot address one. Every call that would reach Excel
(a property read or write, a method call) is counted per member in `call_counts(book)`;
pure-Python members (`options`, `impl`, `api`, `rows`, `engine`) are not.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter
from xlwings import conversion
from xlwings.base_classes import _UNSET
from xlwings.main import Engine

from treso_xl.reading.cell_errors import com_code, error_from_code

try:  # optional like in xlwings
    import numpy as np
    import pandas as pd
except ImportError:  # pragma: no cover
    np = None  # type: ignore[assignment]
    pd = None  # type: ignore[assignment]

MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
MAX_ADDRESS = 255  # the longest address Excel's Worksheet.Range accepts
GENERAL = "General"
DEFAULT_COLUMN_WIDTH = 8.43
DEFAULT_ROW_HEIGHT = 15.0

# Members that never reach Excel in the real engines: not counted.
UNCOUNTED = frozenset({"options", "impl", "api", "rows", "columns", "engine"})
# Dunder members that are part of the public surface (compared by the contract test).
PUBLIC_DUNDERS = ("__getitem__", "__call__", "__iter__", "__len__", "__contains__")


# --- counting --------------------------------------------------------------------------------


@dataclass
class _Log:
    """What happened on one stand-in book: calls per member, alerts shown.

    `calls` counts every call; `internal` the part of them made by xlwings' own code (its
    conversion pipeline asks for the range's sheet, book and app, resizes the range, reads or
    writes `raw_value`) or by the stand-in itself, as opposed to the code using xlwings.
    """

    calls: Counter[str] = field(default_factory=Counter)
    internal: Counter[str] = field(default_factory=Counter)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    status_bars: list[str | bool] = field(default_factory=list)


def _counter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        log = self._log
        log.calls[name] += 1
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == __name__ or caller.split(".")[0] == "xlwings":
            log.internal[name] += 1
        return fn(self, *args, **kwargs)

    return counted


def _counted(cls: type) -> type:
    """Count every public member of `cls` (property reads and writes, method calls)."""
    for name, member in list(vars(cls).items()):
        if (name.startswith("_") and name not in PUBLIC_DUNDERS) or name in UNCOUNTED:
            continue
        key = f"{cls.__name__}.{name}"
        if isinstance(member, property):
            fget = _counter(key, member.fget) if member.fget else None
            fset = _counter(key + "=", member.fset) if member.fset else None
            setattr(cls, name, property(fget, fset, doc=member.__doc__))
        elif callable(member):
            setattr(cls, name, _counter(key, member))
    return cls


def call_counts(book: Book) -> Counter[str]:
    """Calls made on `book` and everything reached from it, per `Class.member` (`=` for a write)."""
    return book._log.calls


def internal_counts(book: Book) -> Counter[str]:
    """The part of `call_counts` made by xlwings' own code (conversion) or the stand-in."""
    return book._log.internal


def alerts(book: Book) -> list[dict[str, Any]]:
    """The message boxes shown through `book.app.alert`, in order."""
    return book._log.alerts


def status_bars(book: Book) -> list[str | bool]:
    """Every value written to `book.app.status_bar`, in order (False gives it back to Excel)."""
    return book._log.status_bars


# --- cell values as Excel stores them ----------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (a text starting with "=" typed into it)."""

    text: str


_NUMBER_RE = re.compile(
    r"^[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?(?:[eE][+-]?\d+)?\s*%?$"
)
_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$|^(\d{4})-(\d{1,2})-(\d{1,2})$")
_BOOLEANS = {"vrai": True, "true": True, "faux": False, "false": False}


def typed(value: Any) -> Any:
    """What Excel stores when `value` is written into a cell through `Range.Value`."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"Excel cannot store {value!r}")
        return number
    if isinstance(value, str):
        return _typed_text(value)
    raise TypeError(f"Excel cannot store a {type(value).__name__}: {value!r}")


def _typed_text(text: str) -> Any:
    if text.startswith("'"):
        return text[1:] or None
    stripped = text.strip()
    if _NUMBER_RE.match(stripped):
        body = re.sub(r"[ \u00a0\u202f%]", "", stripped).replace(",", ".")
        number = float(body)
        return number / 100 if stripped.endswith("%") else number
    if stripped.lower() in _BOOLEANS:
        return _BOOLEANS[stripped.lower()]
    match = _DATE_RE.match(stripped)
    if match:
        d, m, y, y2, m2, d2 = match.groups()
        try:
            if y:
                return dt.datetime(int(y), int(m), int(d))
            return dt.datetime(int(y2), int(m2), int(d2))
        except ValueError:
            return text
    if text[:1] in ("=", "+", "-", "@"):
        return Formula(text)
    return text


# The error cells the Windows engine knows (xlwings/_xlwindows.py `cell_errors`): COM gives an
# error cell as this int; xlwings turns it into None, or into the string with err_to_str=True.
# The newer errors (#SPILL!, #CALC!, ...) are not in its table and come through as ints.
CELL_ERRORS = {
    -2146826281: "#DIV/0!",
    -2146826246: "#N/A",
    -2146826259: "#NAME?",
    -2146826288: "#NULL!",
    -2146826252: "#NUM!",
    -2146826265: "#REF!",
    -2146826273: "#VALUE!",
}


_CURRENCY_RE = re.compile(r"[€$£¥]|\[\$[^\]-]")


def is_currency_format(number_format: str | None) -> bool:
    """Whether Excel reads a number under this format as Currency: a currency sign in it."""
    return bool(number_format) and _CURRENCY_RE.search(number_format or "") is not None


def _currency(value: float) -> Decimal:
    """A number as pywin32 gives a VBA Currency (a 64-bit count of ten-thousandths)."""
    return Decimal(round(value * 10_000)) / Decimal(10_000)


class _EngineImpl:
    """The engine behind the stand-in: the Windows engine's cleaning rules, without pywin32."""

    name = "standin"
    type = "desktop"

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any) -> Any:
        if isinstance(x, dt.date | dt.datetime):
            if pd is not None and x is pd.NaT:
                return ""
            if pd is not None and isinstance(x, pd.Timestamp):
                return x.to_pydatetime().replace(tzinfo=None)
            return x
        if np is not None and isinstance(x, np.datetime64):
            return pd.Timestamp(x).to_pydatetime() if not np.isnat(x) else ""
        if pd is not None and pd.api.types.is_scalar(x) and pd.isna(x):
            return ""
        if np is not None and isinstance(x, np.number):
            return float(x)
        if x is None:
            return ""
        return x

    @staticmethod
    def clean_value_data(
        data: list[list[Any]],
        datetime_builder: Any,
        empty_as: Any,
        number_builder: Any,
        err_to_str: bool,
    ) -> list[list[Any]]:
        def clean(value: Any) -> Any:
            if value in ("", None):
                return empty_as
            if isinstance(value, dt.date | dt.datetime):
                moment = (
                    value
                    if isinstance(value, dt.datetime)
                    else dt.datetime(value.year, value.month, value.day)
                )
                return datetime_builder(
                    month=moment.month,
                    day=moment.day,
                    year=moment.year,
                    hour=moment.hour,
                    minute=moment.minute,
                    second=moment.second,
                    microsecond=moment.microsecond,
                    tzinfo=None,
                )
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            if isinstance(value, Formula):
                return value.text
            if isinstance(value, int) and not isinstance(value, bool) and value in CELL_ERRORS:
                return CELL_ERRORS[value] if err_to_str else None  # other codes stay ints
            return value

        return [[clean(c) for c in row] for row in data]


ENGINE = Engine(impl=_EngineImpl())


# --- addresses ---------------------------------------------------------------------------------


def column_letters(column: int) -> str:
    """1 -> "A", 28 -> "AB"."""
    return get_column_letter(column)


def _column_number(letters: str) -> int:
    return column_index_from_string(letters.upper())


_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLUMNS_RE = re.compile(r"^\$?([A-Za-z]{1,3}):\$?([A-Za-z]{1,3})$")
_ROWS_RE = re.compile(r"^\$?(\d+):\$?(\d+)$")

Box = tuple[int, int, int, int]  # first row, first column, last row, last column


def _parse_address(address: str) -> Box:
    address = address.split("!")[-1].strip()
    match = _COLUMNS_RE.match(address)
    if match:
        return 1, _column_number(match[1]), MAX_ROWS, _column_number(match[2])
    match = _ROWS_RE.match(address)
    if match:
        return int(match[1]), 1, int(match[2]), MAX_COLUMNS
    corners = address.split(":")
    if len(corners) > 2:
        raise ValueError(f"invalid address {address!r}")
    cells = []
    for corner in corners:
        match = _CELL_RE.match(corner)
        if not match:
            raise ValueError(f"invalid address {address!r}")
        cells.append((int(match[2]), _column_number(match[1])))
    (r1, c1), (r2, c2) = cells[0], cells[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _address(box: Box, row_absolute: bool = True, column_absolute: bool = True) -> str:
    r1, c1, r2, c2 = box
    rd = "$" if row_absolute else ""
    cd = "$" if column_absolute else ""
    first = f"{cd}{column_letters(c1)}{rd}{r1}"
    if (r1, c1) == (r2, c2):
        return first
    return f"{first}:{cd}{column_letters(c2)}{rd}{r2}"


# --- the data behind the objects -----------------------------------------------------------------


@dataclass
class ChartData:
    """A chart as the stand-in remembers it."""

    chart_type: str | None
    anchor: Box | None
    left: float
    top: float
    width: float
    height: float
    style: int | None
    name: str
    title: str | None = None
    source: Box | None = None
    plot_by: str | None = None
    categories: Box | None = None
    series: list[dict[str, Any]] = field(default_factory=list)
    axes: dict[str, dict[str, Any]] = field(default_factory=lambda: {"category": {}, "value": {}})
    legend: dict[str, Any] = field(default_factory=lambda: {"visible": True, "position": None})


@dataclass
class SheetData:
    """One worksheet: values, formats, sizes, merges, charts."""

    name: str
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    formats: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    borders: set[tuple[str, int, int]] = field(default_factory=set)  # ("h", row, col) edges
    column_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    merges: list[Box] = field(default_factory=list)
    charts: list[ChartData] = field(default_factory=list)
    visible: bool = True
    used: Box | None = None  # extent of cells formatted without a value (Excel's used range)
    names: dict[str, str] = field(default_factory=dict)  # sheet-scoped names -> refers_to
    hyperlinks: dict[tuple[int, int], str] = field(default_factory=dict)  # cell -> address

    def used_box(self) -> Box:
        keys = set(self.cells) | set(self.formats)
        boxes = [(r, c, r, c) for r, c in keys]
        if self.used is not None:
            boxes.append(self.used)
        if not boxes:
            return 1, 1, 1, 1
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def grid(self) -> list[list[Any]]:
        """Values from A1 to the last used cell (None for empty cells)."""
        if not self.cells:
            return []
        last_row = max(r for r, _ in self.cells)
        last_col = max(c for _, c in self.cells)
        return [
            [self.cells.get((r, c)) for c in range(1, last_col + 1)] for r in range(1, last_row + 1)
        ]


@dataclass
class BookData:
    """A whole workbook."""

    name: str
    fullname: str
    sheets: list[SheetData]
    active: int = 0
    log: _Log = field(default_factory=_Log)
    screen_updating: bool = True
    calculation: str = "automatic"
    status_bar: str | bool = False
    display_alerts: bool = True
    chart_count: int = 0
    platform: str = "win32"  # the engine emulated: "win32" (Windows) or "darwin" (macOS)


# --- the xlwings-like classes ------------------------------------------------------------------


def _color(value: Any) -> str | None:
    """An xlwings colour (RGB tuple, '#RRGGBB', Excel integer) as 'RRGGBB'."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.lstrip("#")
        if not re.fullmatch(r"[0-9A-Fa-f]{6}", text):
            raise ValueError(f"invalid colour {value!r}")
        return text.upper()
    if isinstance(value, tuple | list) and len(value) == 3:
        return "".join(f"{int(v):02X}" for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        red, green, blue = value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF
        return f"{red:02X}{green:02X}{blue:02X}"
    raise ValueError(f"invalid colour {value!r}")


def _rgb(value: str | None) -> tuple[int, int, int] | None:
    if value is None:
        return None
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class _RangeImpl:
    """What xlwings' conversion code reads from `Range.impl`."""

    max_cells_per_read = None
    max_cells_per_write = None

    def __init__(self, rng: Range) -> None:
        self._range = rng
        self.options: dict[str, Any] | None = None  # assigned by xlwings.main.Range, as in xlwings

    @property
    def raw_value(self) -> Any:
        if self.options is not None:
            _mac_err_to_str(self._range, self.options)
        return self._range.raw_value

    @property
    def string_value(self) -> _AppleScriptProperty:
        """The macOS engine's `api`: the texts the cells show (`string value` in AppleScript)."""
        if self._range._book_data.platform != "darwin":
            raise AttributeError("string_value: an AppleScript property (macOS engine only)")
        return _AppleScriptProperty(self._range)

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        self._range.raw_value = data


class _AppleScriptProperty:
    """`Range.api.string_value` on macOS: `get()` is one Apple event, counted as such."""

    def __init__(self, rng: Range) -> None:
        self._range = rng

    def get(self) -> Any:
        self._range._log.calls["Range.api.string_value"] += 1
        r1, c1, r2, c2 = self._range._box
        cells = self._range._sheet_data.cells
        texts = [[_shown(cells.get((r, c))) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        return texts[0][0] if (r1, c1) == (r2, c2) else texts


# How a French Excel shows an error cell (the macOS engine reads the texts shown).
_FRENCH_ERRORS = {
    "#DIV/0!": "#DIV/0!",
    "#N/A": "#N/A",
    "#NAME?": "#NOM?",
    "#NULL!": "#NUL!",
    "#NUM!": "#NOMBRE!",
    "#REF!": "#REF!",
    "#VALUE!": "#VALEUR!",
}


def _shown(value: Any) -> str:
    """The text a French Excel shows for a stored value (errors by their French names)."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and value in CELL_ERRORS:
        return _FRENCH_ERRORS[CELL_ERRORS[value]]
    if isinstance(value, Formula):
        return value.text
    return str(value)


def _mac_err_to_str(rng: Range, options: Mapping[str, Any]) -> None:
    """xlwings 0.37.8's macOS `raw_value` with err_to_str fails on any range of several cells:
    its `ensure_2d` returns None for a 2-D list, then iterates it."""
    r1, c1, r2, c2 = rng._box
    if rng._book_data.platform == "darwin" and options.get("err_to_str") and (r1, c1) != (r2, c2):
        raise TypeError("'NoneType' object is not iterable")


@_counted
class App:
    """Stand-in for `xlwings.App`."""

    def __init__(self, data: BookData) -> None:
        self._data = data
        self._log = data.log

    @property
    def engine(self) -> Engine:
        return ENGINE

    @property
    def screen_updating(self) -> bool:
        return self._data.screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._data.screen_updating = bool(value)

    @property
    def calculation(self) -> str:
        return self._data.calculation

    @calculation.setter
    def calculation(self, value: str) -> None:
        if value not in ("automatic", "manual", "semiautomatic"):
            raise ValueError(f"invalid calculation {value!r}")
        self._data.calculation = value

    @property
    def status_bar(self) -> str | bool:
        return self._data.status_bar

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._data.status_bar = value
        self._log.status_bars.append(value)

    @property
    def display_alerts(self) -> bool:
        return self._data.display_alerts

    @display_alerts.setter
    def display_alerts(self, value: bool) -> None:
        self._data.display_alerts = bool(value)

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str | None:
        if buttons not in ("ok", "ok_cancel", "yes_no", "yes_no_cancel"):
            raise ValueError(f"invalid buttons {buttons!r}")
        if mode not in (None, "info", "critical"):
            raise ValueError(f"invalid mode {mode!r}")
        self._log.alerts.append(
            {"prompt": prompt, "title": title, "buttons": buttons, "mode": mode}
        )
        return "ok" if buttons.startswith("ok") else "yes"


@_counted
class Book:
    """Stand-in for `xlwings.Book`."""

    def __init__(self, data: BookData) -> None:
        self._data = data
        self._log = data.log

    @property
    def name(self) -> str:
        return self._data.name

    @property
    def fullname(self) -> str:
        return self._data.fullname

    @property
    def app(self) -> App:
        return App(self._data)

    @property
    def sheets(self) -> Sheets:
        return Sheets(self._data)

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self._data.sheets]

    def save(self, path: str | Path | None = None, password: str | None = None) -> None:
        """Write the book's values and sheet-scoped names to an .xlsx (parts named as Excel
        names them: sheet1.xml, sheet2.xml…), for the tests of what a file saved by Excel holds.
        Formats and charts are not written."""
        if password is not None:
            raise ValueError("the stand-in does not protect files")
        target = Path(path) if path is not None else Path(self._data.fullname)
        _save_values(self._data, target)


@_counted
class Sheets:
    """Stand-in for `xlwings.main.Sheets`."""

    def __init__(self, data: BookData) -> None:
        self._data = data
        self._log = data.log

    def _sheet(self, data: SheetData) -> Sheet:
        return Sheet(self._data, data)

    @property
    def active(self) -> Sheet:
        return self._sheet(self._data.sheets[self._data.active])

    @property
    def count(self) -> int:
        return len(self._data.sheets)

    def __len__(self) -> int:
        return len(self._data.sheets)

    def __iter__(self) -> Iterator[Sheet]:
        for data in list(self._data.sheets):
            yield self._sheet(data)

    def __contains__(self, key: str) -> bool:
        return any(sheet.name.lower() == str(key).lower() for sheet in self._data.sheets)

    def _lookup(self, name_or_index: int | str) -> Sheet:
        if isinstance(name_or_index, int):
            return self._sheet(self._data.sheets[name_or_index - 1])
        for data in self._data.sheets:
            if data.name.lower() == str(name_or_index).lower():
                return self._sheet(data)
        raise KeyError(name_or_index)

    def __call__(self, name_or_index: int | str | Sheet) -> Sheet:
        if isinstance(name_or_index, Sheet):
            return name_or_index
        return self._lookup(name_or_index)

    def __getitem__(self, key: int | str) -> Sheet:
        if isinstance(key, int):
            length = len(self._data.sheets)
            if key >= length or key < -length:
                raise IndexError(f"Index {key} out of range ({length} elements)")
            return self._sheet(self._data.sheets[key % length])
        return self._lookup(key)

    def add(
        self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None
    ) -> Sheet:
        sheets = self._data.sheets
        if name is not None and name.lower() in (s.name.lower() for s in sheets):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        if name is None:
            number = len(sheets) + 1
            while f"Feuil{number}".lower() in (s.name.lower() for s in sheets):
                number += 1
            name = f"Feuil{number}"
        _check_sheet_name(name)
        data = SheetData(name)
        if after is not None:
            position = sheets.index(after._sheet_data) + 1
        elif before is not None:
            position = sheets.index(before._sheet_data)
        else:
            position = self._data.active  # Excel inserts before the active sheet
        sheets.insert(position, data)
        self._data.active = position
        return self._sheet(data)


def _check_sheet_name(name: str) -> None:
    if not name or len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
        raise ValueError(f"invalid sheet name {name!r}")
    if name.startswith("'") or name.endswith("'"):
        raise ValueError(f"invalid sheet name {name!r}")


@_counted
class Sheet:
    """Stand-in for `xlwings.Sheet`."""

    def __init__(self, book: BookData, data: SheetData) -> None:
        self._book_data = book
        self._sheet_data = data
        self._log = book.log

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sheet) and other._sheet_data is self._sheet_data

    def __hash__(self) -> int:
        return id(self._sheet_data)

    @property
    def name(self) -> str:
        return self._sheet_data.name

    @name.setter
    def name(self, value: str) -> None:
        _check_sheet_name(value)
        self._sheet_data.name = value

    @property
    def book(self) -> Book:
        return Book(self._book_data)

    @property
    def index(self) -> int:
        return self._book_data.sheets.index(self._sheet_data) + 1

    @property
    def visible(self) -> bool:
        return self._sheet_data.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self._sheet_data.visible = bool(value)

    def _range(self, box: Box) -> Range:
        return Range(self._book_data, self._sheet_data, box)

    def _areas(self, address: str) -> Range:
        """A range of several areas ("A1:B2,D4"): the Windows engine hands the address to
        `Worksheet.Range`, which takes up to 255 characters; the macOS engine keeps the first
        cell only (`_xlmac.Sheet.range` splits the address at its colons), so it is refused."""
        if self._book_data.platform == "darwin":
            raise ValueError(f"the macOS engine cannot address several areas: {address!r}")
        if len(address) > MAX_ADDRESS:
            raise ValueError(f"address longer than {MAX_ADDRESS} characters: {address!r}")
        areas = tuple(_parse_address(part) for part in address.split(","))
        return Range(self._book_data, self._sheet_data, areas[0], areas=areas)

    def range(
        self,
        cell1: str | tuple[int, int] | Range,
        cell2: str | tuple[int, int] | Range | None = None,
    ) -> Range:
        if cell2 is None and isinstance(cell1, str) and "," in cell1:
            return self._areas(cell1)
        first = _box_of(cell1)
        if cell2 is None:
            return self._range(first)
        second = _box_of(cell2)
        return self._range(
            (
                min(first[0], second[0]),
                min(first[1], second[1]),
                max(first[2], second[2]),
                max(first[3], second[3]),
            )
        )

    def __getitem__(self, item: str | tuple[int, int]) -> Range:
        return self.range(item)

    @property
    def cells(self) -> Range:
        return self._range((1, 1, MAX_ROWS, MAX_COLUMNS))

    @property
    def used_range(self) -> Range:
        return self._range(self._sheet_data.used_box())

    @property
    def charts(self) -> Charts:
        return Charts(self._book_data, self._sheet_data)

    @property
    def names(self) -> Names:
        return Names(self._book_data, self._sheet_data)

    def activate(self) -> None:
        self._book_data.active = self._book_data.sheets.index(self._sheet_data)

    def clear(self) -> None:
        data = self._sheet_data
        data.cells.clear()
        data.formats.clear()
        data.hyperlinks.clear()
        data.borders.clear()
        data.merges.clear()
        data.used = None

    def clear_contents(self) -> None:
        self._sheet_data.cells.clear()

    def delete(self) -> None:
        sheets = self._book_data.sheets
        if len(sheets) == 1:
            raise ValueError("a workbook must keep at least one visible sheet")
        sheets.remove(self._sheet_data)
        self._book_data.active = min(self._book_data.active, len(sheets) - 1)


_NAME_RE = re.compile(r"[^\W\d][\w.\\]*")
_PLAIN_SHEET_RE = re.compile(r"[^\W\d]\w*")


def _scoped(sheet: str, local: str) -> str:
    """A sheet-scoped name as Excel's `Name.Name` shows it: "Relances!x", "'Tableau de bord'!x"."""
    prefix = sheet if _PLAIN_SHEET_RE.fullmatch(sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{prefix}!{local}"


def _split_scoped(name: str) -> tuple[str | None, str]:
    """("Sheet", "local") for "Sheet!local" or "'Sheet'!local", (None, "local") for "local"."""
    if "!" not in name:
        return None, name
    prefix, local = name.rsplit("!", 1)
    if prefix.startswith("'") and prefix.endswith("'") and len(prefix) >= 2:
        prefix = prefix[1:-1].replace("''", "'")
    return prefix, local


@_counted
class Names:
    """Stand-in for `xlwings.main.Names`, as `Sheet.names` gives it: the sheet-scoped names.

    As in Excel, a name given to `add` with a sheet prefix ("'Relances'!x") is scoped to that
    sheet, the names travel with their sheet when it is renamed and go when it is deleted, and
    `Name.name` shows the sheet's current name as prefix.
    """

    def __init__(self, book: BookData, sheet: SheetData) -> None:
        self._book_data = book
        self._sheet_data = sheet
        self._log = book.log

    def _name(self, local: str) -> Name:
        return Name(self._book_data, self._sheet_data, local)

    def _local(self, name: str) -> str | None:
        sheet, local = _split_scoped(name)
        if sheet is not None and sheet.lower() != self._sheet_data.name.lower():
            return None
        for key in self._sheet_data.names:
            if key.lower() == local.lower():
                return key
        return None

    def __call__(self, name_or_index: int | str) -> Name:
        if isinstance(name_or_index, int):
            if name_or_index < 1:
                raise IndexError("Name indices start at 1")
            return self._name(list(self._sheet_data.names)[name_or_index - 1])
        local = self._local(name_or_index)
        if local is None:
            raise KeyError(name_or_index)
        return self._name(local)

    def contains(self, name_or_index: int | str) -> bool:
        if isinstance(name_or_index, int):
            return 1 <= name_or_index <= len(self._sheet_data.names)
        return self._local(name_or_index) is not None

    def __len__(self) -> int:
        return len(self._sheet_data.names)

    @property
    def count(self) -> int:
        return len(self._sheet_data.names)

    def add(self, name: str, refers_to: str) -> Name:
        sheet_name, local = _split_scoped(name)
        target = self._sheet_data
        if sheet_name is not None:
            found = [s for s in self._book_data.sheets if s.name.lower() == sheet_name.lower()]
            if not found:
                raise ValueError(f"no sheet named {sheet_name!r} for the name {name!r}")
            target = found[0]
        if not _NAME_RE.fullmatch(local) or len(local) > 255:
            raise ValueError(f"invalid name {local!r}")
        if not isinstance(refers_to, str) or not refers_to.startswith("="):
            raise ValueError(f"refers_to must be a formula starting with '=': {refers_to!r}")
        for key in list(target.names):  # Excel redefines a name that exists
            if key.lower() == local.lower():
                del target.names[key]
        target.names[local] = refers_to
        return Name(self._book_data, target, local)

    def __getitem__(self, item: int | str) -> Name:
        if isinstance(item, int):
            return self._name(list(self._sheet_data.names)[item])
        return self(item)

    def __contains__(self, item: int | str) -> bool:
        if isinstance(item, int):
            return 0 <= item < len(self._sheet_data.names)
        return self.contains(item)

    def __iter__(self) -> Iterator[Name]:
        for local in list(self._sheet_data.names):
            yield self._name(local)


@_counted
class Name:
    """Stand-in for `xlwings.main.Name`: a sheet-scoped name."""

    def __init__(self, book: BookData, sheet: SheetData, local: str) -> None:
        self._book_data = book
        self._sheet_data = sheet
        self._local = local
        self._log = book.log

    def delete(self) -> None:
        self._sheet_data.names.pop(self._local, None)

    @property
    def name(self) -> str:
        return _scoped(self._sheet_data.name, self._local)

    @name.setter
    def name(self, value: str) -> None:
        _, local = _split_scoped(value)
        if not _NAME_RE.fullmatch(local):
            raise ValueError(f"invalid name {local!r}")
        names = self._sheet_data.names
        self._sheet_data.names = {
            (local if key == self._local else key): v for key, v in names.items()
        }
        self._local = local

    @property
    def refers_to(self) -> str:
        return self._sheet_data.names[self._local]

    @refers_to.setter
    def refers_to(self, value: str) -> None:
        if not value.startswith("="):
            raise ValueError(f"refers_to must be a formula starting with '=': {value!r}")
        self._sheet_data.names[self._local] = value


def _box_of(cell: Any) -> Box:
    if isinstance(cell, Range):
        return cell._box
    if isinstance(cell, str):
        return _parse_address(cell)
    if isinstance(cell, tuple):
        if len(cell) == 2:
            row, col = cell
            return row, col, row, col
        if len(cell) == 4:  # (row, column, rows, columns), as xlwings' slicing asks
            row, col, rows, cols = cell
            return row, col, row + max(rows, 1) - 1, col + max(cols, 1) - 1
    raise ValueError(f"invalid cell {cell!r}")


@_counted
class Range:
    """Stand-in for `xlwings.Range`."""

    def __init__(
        self,
        book: BookData,
        sheet: SheetData,
        box: Box,
        options: Mapping[str, Any] | None = None,
        areas: tuple[Box, ...] = (),
    ) -> None:
        for r1, c1, r2, c2 in areas or (box,):
            if not (1 <= r1 <= r2 <= MAX_ROWS and 1 <= c1 <= c2 <= MAX_COLUMNS):
                raise ValueError(f"invalid range {box}")
        self._book_data = book
        self._sheet_data = sheet
        self._box = box  # the first area: what Excel reads values, sizes and shapes from
        self._areas = areas or (box,)  # every area: what formats are written on
        self._options = dict(options or {})
        self._log = book.log

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Range)
            and other._sheet_data is self._sheet_data
            and other._box == self._box
        )

    def __hash__(self) -> int:
        return hash((id(self._sheet_data), self._box))

    def _cells(self) -> Iterator[tuple[int, int]]:
        seen: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in self._areas:
            for row in range(r1, r2 + 1):
                for col in range(c1, c2 + 1):
                    if (row, col) not in seen:
                        seen.add((row, col))
                        yield row, col

    def _single(self, what: str) -> None:
        """Refuse what the stand-in does not model on several areas."""
        if len(self._areas) > 1:
            raise ValueError(f"{what} on several areas is not supported: {self.address}")

    def _same(self, box: Box) -> Range:
        return Range(self._book_data, self._sheet_data, box, self._options)

    # -- pure Python, never counted
    @property
    def impl(self) -> _RangeImpl:
        return _RangeImpl(self)

    @property
    def api(self) -> _RangeImpl:
        return _RangeImpl(self)

    def options(self, convert: Any = None, **options: Any) -> Range:
        options["convert"] = convert
        return Range(self._book_data, self._sheet_data, self._box, options, self._areas)

    @property
    def rows(self) -> RangeRows:
        return RangeRows(self)

    # -- geometry
    @property
    def sheet(self) -> Sheet:
        return Sheet(self._book_data, self._sheet_data)

    @property
    def row(self) -> int:
        return self._box[0]

    @property
    def column(self) -> int:
        return self._box[1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self._box
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def count(self) -> int:
        rows, cols = self._box[2] - self._box[0] + 1, self._box[3] - self._box[1] + 1
        return rows * cols

    def __len__(self) -> int:
        rows, cols = self._box[2] - self._box[0] + 1, self._box[3] - self._box[1] + 1
        return rows * cols

    @property
    def address(self) -> str:
        return ",".join(_address(area) for area in self._areas)

    def get_address(
        self,
        row_absolute: bool = True,
        column_absolute: bool = True,
        include_sheetname: bool = False,
        external: bool = False,
    ) -> str:
        address = ",".join(_address(a, row_absolute, column_absolute) for a in self._areas)
        if external:
            return f"[{self._book_data.name}]{self._sheet_data.name}!{address}"
        if include_sheetname:
            return f"{self._sheet_data.name}!{address}"
        return address

    def __call__(self, *args: int) -> Range:
        r1, c1, _, _ = self._box
        if len(args) == 2:
            row, col = args
            return self._same((r1 + row - 1, c1 + col - 1, r1 + row - 1, c1 + col - 1))
        if len(args) == 1:
            rows, cols = self._box[2] - r1 + 1, self._box[3] - c1 + 1
            index = args[0] - 1
            row, col = divmod(index, cols)
            if row >= rows:
                raise IndexError(args[0])
            return self._same((r1 + row, c1 + col, r1 + row, c1 + col))
        raise ValueError("one or two indices expected")

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> Range:
        r1, c1, r2, c2 = self._box
        rows = row_size if row_size is not None else r2 - r1 + 1
        cols = column_size if column_size is not None else c2 - c1 + 1
        if rows <= 0 or cols <= 0:
            raise AssertionError("sizes must be positive")
        return self._same((r1, c1, r1 + rows - 1, c1 + cols - 1))

    def offset(self, row_offset: int = 0, column_offset: int = 0) -> Range:
        r1, c1, r2, c2 = self._box
        dr, dc = row_offset, column_offset
        return self._same((r1 + dr, c1 + dc, r2 + dr, c2 + dc))

    @property
    def last_cell(self) -> Range:
        _, _, r2, c2 = self._box
        return self._same((r2, c2, r2, c2))

    def __getitem__(self, key: tuple[int | slice, int | slice] | int | slice) -> Range:
        rows, cols = self._box[2] - self._box[0] + 1, self._box[3] - self._box[1] + 1
        if isinstance(key, tuple):
            row, col = key
            row1, row2 = _span(row, rows)
            col1, col2 = _span(col, cols)
            r1, c1 = self._box[0], self._box[1]
            return self._same((r1 + row1, c1 + col1, r1 + row2, c1 + col2))
        if isinstance(key, slice):
            return self[key, :] if rows > 1 else self[:, key]
        if isinstance(key, int):
            return self(key + 1 if key >= 0 else rows * cols + key + 1)
        raise TypeError(f"Cell indices must be integers or slices, not {type(key).__name__}")

    # -- values
    @property
    def raw_value(self) -> Any:
        _mac_err_to_str(self, self._options)
        r1, c1, r2, c2 = self._box
        cells = self._sheet_data.cells
        get = cells.get
        if self._book_data.platform == "win32":
            formats = self._sheet_data.formats

            def get(key: tuple[int, int]) -> Any:
                value = cells.get(key)
                if type(value) is float and is_currency_format(
                    formats.get(key, {}).get("number_format")
                ):
                    return _currency(value)
                return value

        if (r1, c1) == (r2, c2):
            return get((r1, c1))
        return [[get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        self._single("writing values")
        r1, c1, r2, c2 = self._box
        if not isinstance(data, list | tuple):
            data = [[data] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
        elif data and not isinstance(data[0], list | tuple):
            data = [data]
        if len(data) != r2 - r1 + 1 or any(len(row) != c2 - c1 + 1 for row in data):
            raise ValueError(f"{len(data)} rows of values for the range {self.address}")
        cells = self._sheet_data.cells
        for i, row in enumerate(data):
            for j, value in enumerate(row):
                stored = typed(value)
                if stored is None:
                    cells.pop((r1 + i, c1 + j), None)
                else:
                    cells[(r1 + i, c1 + j)] = stored

    @property
    def value(self) -> Any:
        return conversion.read(self, None, self._options)

    @value.setter
    def value(self, data: Any) -> None:
        conversion.write(data, self, self._options)

    def clear(self) -> None:
        for key in self._cells():
            self._sheet_data.cells.pop(key, None)
            self._sheet_data.formats.pop(key, None)
            self._sheet_data.hyperlinks.pop(key, None)

    def add_hyperlink(
        self, address: str, text_to_display: str | None = None, screen_tip: str | None = None
    ) -> None:
        # Excel's Hyperlinks.Add on each cell: the link, and the text shown in the cell
        for key in self._cells():
            self._sheet_data.hyperlinks[key] = address
            self._sheet_data.cells[key] = address if text_to_display is None else text_to_display

    def clear_contents(self) -> None:
        for key in self._cells():
            self._sheet_data.cells.pop(key, None)

    # -- formats
    def _set_format(self, name: str, value: Any) -> None:
        formats = self._sheet_data.formats
        for key in self._cells():
            if value is None:
                formats.get(key, {}).pop(name, None)
            else:
                formats.setdefault(key, {})[name] = value

    def _format(self, name: str, default: Any = None) -> Any:
        values = {self._sheet_data.formats.get(key, {}).get(name, default) for key in self._cells()}
        return values.pop() if len(values) == 1 else None

    @property
    def color(self) -> tuple[int, int, int] | None:
        return _rgb(self._format("fill"))

    @color.setter
    def color(self, color_or_rgb: tuple[int, int, int] | int | str | None) -> None:
        self._set_format("fill", _color(color_or_rgb))

    @property
    def number_format(self) -> str:
        return self._format("number_format", GENERAL)

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._set_format("number_format", None if value == GENERAL else str(value))

    @property
    def horizontal_alignment(self) -> str | None:
        return self._format("align", "general")

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        allowed = ("general", "left", "center", "right", "fill", "justify")
        if value not in (*allowed, "center_across_selection", "distributed"):
            raise ValueError(f"invalid horizontal alignment {value!r}")
        self._set_format("align", None if value == "general" else value)

    @property
    def vertical_alignment(self) -> str | None:
        return self._format("valign", "bottom")

    @vertical_alignment.setter
    def vertical_alignment(self, value: str) -> None:
        if value not in ("top", "center", "bottom", "justify", "distributed"):
            raise ValueError(f"invalid vertical alignment {value!r}")
        self._set_format("valign", None if value == "bottom" else value)

    @property
    def wrap_text(self) -> bool | None:
        return self._format("wrap", False)

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._set_format("wrap", True if value else None)

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def borders(self) -> Borders:
        return Borders(self)

    @property
    def column_width(self) -> float | None:
        widths = {
            self._sheet_data.column_widths.get(c, DEFAULT_COLUMN_WIDTH)
            for c in range(self._box[1], self._box[3] + 1)
        }
        return widths.pop() if len(widths) == 1 else None

    @column_width.setter
    def column_width(self, value: float) -> None:
        if not 0 <= value <= 255:
            raise ValueError("column_width must be between 0 and 255")
        for _, c1, _, c2 in self._areas:
            for col in range(c1, c2 + 1):
                self._sheet_data.column_widths[col] = float(value)

    @property
    def row_height(self) -> float | None:
        heights = {
            self._sheet_data.row_heights.get(r, DEFAULT_ROW_HEIGHT)
            for r in range(self._box[0], self._box[2] + 1)
        }
        return heights.pop() if len(heights) == 1 else None

    @row_height.setter
    def row_height(self, value: float) -> None:
        if not 0 <= value <= 409.5:
            raise ValueError("row_height must be between 0 and 409.5")
        for r1, _, r2, _ in self._areas:
            for row in range(r1, r2 + 1):
                self._sheet_data.row_heights[row] = float(value)

    def merge(self, across: bool = False) -> None:
        self._single("merging")
        r1, c1, r2, c2 = self._box
        if across:
            for row in range(r1, r2 + 1):
                self._sheet_data.merges.append((row, c1, row, c2))
        else:
            self._sheet_data.merges.append(self._box)

    @property
    def merge_cells(self) -> bool:
        return self._box in self._sheet_data.merges

    def autofit(self) -> None:
        _autofit_rows(self)


def _span(index: int | slice, length: int) -> tuple[int, int]:
    if isinstance(index, slice):
        first, stop, step = index.indices(length)
        if step != 1:
            raise ValueError("Slice steps not supported.")
        return first, max(first, stop - 1)
    if index < 0:
        index += length
    if not 0 <= index < length:
        raise IndexError(index)
    return index, index


def _autofit_rows(rng: Range) -> None:
    """Rows fitted to their content: the stand-in forgets their custom heights."""
    for row in range(rng._box[0], min(rng._box[2], MAX_ROWS) + 1):
        rng._sheet_data.row_heights.pop(row, None)
        if row > 10_000 and not rng._sheet_data.row_heights:
            break


@_counted
class RangeRows:
    """Stand-in for `xlwings.main.RangeRows`."""

    def __init__(self, rng: Range) -> None:
        self._rng = rng
        self._log = rng._log

    def __len__(self) -> int:
        return self._rng._box[2] - self._rng._box[0] + 1

    def autofit(self) -> None:
        _autofit_rows(self._rng)


@_counted
class Font:
    """Stand-in for `xlwings.main.Font`."""

    def __init__(self, rng: Range) -> None:
        self._rng = rng
        self._log = rng._log

    @property
    def bold(self) -> bool | None:
        return self._rng._format("bold", False)

    @bold.setter
    def bold(self, value: bool) -> None:
        self._rng._set_format("bold", True if value else None)

    @property
    def italic(self) -> bool | None:
        return self._rng._format("italic", False)

    @italic.setter
    def italic(self, value: bool) -> None:
        self._rng._set_format("italic", True if value else None)

    @property
    def size(self) -> float | None:
        return self._rng._format("size", 11.0)

    @size.setter
    def size(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"invalid size {value!r}")
        self._rng._set_format("size", float(value))

    @property
    def color(self) -> tuple[int, int, int] | None:
        return _rgb(self._rng._format("font_color", "000000"))

    @color.setter
    def color(self, value: tuple[int, int, int] | str) -> None:
        self._rng._set_format("font_color", _color(value))

    @property
    def name(self) -> str | None:
        return self._rng._format("font_name", "Calibri")

    @name.setter
    def name(self, value: str) -> None:
        self._rng._set_format("font_name", value)

    def set(
        self,
        *,
        bold: bool = _UNSET,
        italic: bool = _UNSET,
        size: float = _UNSET,
        color: tuple[int, int, int] | str | int = _UNSET,
        name: str = _UNSET,
    ) -> None:
        if bold is not _UNSET and not isinstance(bold, bool):
            raise ValueError(f"Invalid bold {bold!r}. Must be True or False.")
        if italic is not _UNSET and not isinstance(italic, bool):
            raise ValueError(f"Invalid italic {italic!r}. Must be True or False.")
        if size is not _UNSET and (
            isinstance(size, bool) or not isinstance(size, int | float) or size <= 0
        ):
            raise ValueError(f"Invalid size {size!r}. Must be a positive finite number.")
        rng = self._rng
        if bold is not _UNSET:
            rng._set_format("bold", True if bold else None)
        if italic is not _UNSET:
            rng._set_format("italic", True if italic else None)
        if size is not _UNSET:
            rng._set_format("size", float(size))
        if color is not _UNSET:
            rng._set_format("font_color", _color(color))
        if name is not _UNSET:
            rng._set_format("font_name", name)


BORDER_SIDES = (
    "diagonal_down",
    "diagonal_up",
    "edge_bottom",
    "edge_left",
    "edge_right",
    "edge_top",
    "inside_horizontal",
    "inside_vertical",
)
_BORDER_GROUPS = {
    "outside": ("edge_top", "edge_bottom", "edge_left", "edge_right"),
    "inside": ("inside_horizontal", "inside_vertical"),
    "all": (
        "edge_top",
        "edge_bottom",
        "edge_left",
        "edge_right",
        "inside_horizontal",
        "inside_vertical",
    ),
    "everything": BORDER_SIDES,
}


@_counted
class Borders:
    """Stand-in for `xlwings.main.Borders` (horizontal lines only are remembered)."""

    def __init__(self, rng: Range) -> None:
        self._rng = rng
        self._log = rng._log

    def set(
        self,
        which: str | list[str] = "all",
        *,
        line_style: str | None = _UNSET,
        weight: str = _UNSET,
        color: tuple[int, int, int] | str | int = _UNSET,
    ) -> None:
        sides = _BORDER_GROUPS.get(which, (which,)) if isinstance(which, str) else tuple(which)
        for side in sides:
            if side not in BORDER_SIDES:
                raise ValueError(f"invalid border side {side!r}")
        if line_style not in (_UNSET, None, "none", "continuous", "dash", "dot", "double"):
            raise ValueError(f"invalid line style {line_style!r}")
        if weight not in (_UNSET, "hairline", "thin", "medium", "thick"):
            raise ValueError(f"invalid weight {weight!r}")
        if color is not _UNSET:
            _color(color)
        if line_style is _UNSET and weight is _UNSET and color is _UNSET:
            return
        remove = line_style in (None, "none")
        self._rng._single("borders")
        r1, c1, r2, c2 = self._rng._box
        edges: list[tuple[str, int, int]] = []
        for side in sides:
            if side == "edge_top":
                edges += [("h", r1 - 1, c) for c in range(c1, c2 + 1)]
            elif side == "edge_bottom":
                edges += [("h", r2, c) for c in range(c1, c2 + 1)]
            elif side == "inside_horizontal":
                edges += [("h", r, c) for r in range(r1, r2) for c in range(c1, c2 + 1)]
        for edge in edges:
            if remove:
                self._rng._sheet_data.borders.discard(edge)
            else:
                self._rng._sheet_data.borders.add(edge)

    def clear(self, which: str | list[str] = "everything") -> None:
        self.set(which, line_style=None)


@_counted
class Charts:
    """Stand-in for `xlwings.main.Charts`."""

    def __init__(self, book: BookData, sheet: SheetData) -> None:
        self._book_data = book
        self._sheet_data = sheet
        self._log = book.log

    def _chart(self, data: ChartData) -> Chart:
        return Chart(self._book_data, self._sheet_data, data)

    def __len__(self) -> int:
        return len(self._sheet_data.charts)

    def __iter__(self) -> Iterator[Chart]:
        for data in list(self._sheet_data.charts):
            yield self._chart(data)

    def __call__(self, name_or_index: int | str) -> Chart:
        charts = self._sheet_data.charts
        if isinstance(name_or_index, int):
            return self._chart(charts[name_or_index - 1])
        for data in charts:
            if data.name == name_or_index:
                return self._chart(data)
        raise KeyError(name_or_index)

    def __getitem__(self, key: int | str) -> Chart:
        if isinstance(key, int):
            return self._chart(self._sheet_data.charts[key])
        return self(key)

    def add(
        self,
        left: float = 0,
        top: float = 0,
        width: float = 355,
        height: float = 211,
        chart_type: str | None = None,
        source: Range | None = None,
        plot_by: str | None = None,
        name: str | None = None,
        anchor: Range | None = None,
        style: int | None = 227,
    ) -> Chart:
        if anchor and (top or left):
            raise ValueError("You must either provide 'anchor' or 'top'/'left', but not both.")
        if plot_by is not None and source is None:
            raise ValueError("'plot_by' requires 'source'.")
        if plot_by not in (None, "rows", "columns"):
            raise ValueError(f"invalid plot_by {plot_by!r}")
        if chart_type is not None and chart_type not in CHART_TYPES:
            raise ValueError(f"invalid chart type {chart_type!r}")
        self._book_data.chart_count += 1
        data = ChartData(
            chart_type=chart_type,
            anchor=anchor._box if anchor is not None else None,
            left=left,
            top=top,
            width=width,
            height=height,
            style=style,
            name=name or f"Graphique {self._book_data.chart_count}",
        )
        self._sheet_data.charts.append(data)
        chart = self._chart(data)
        if source is not None:
            _set_source(data, source._box, plot_by)
        return chart


CHART_TYPES = (
    "line",
    "line_markers",
    "column_clustered",
    "column_stacked",
    "bar_clustered",
    "bar_stacked",
    "area",
    "pie",
)


def _set_source(data: ChartData, box: Box, plot_by: str | None) -> None:
    r1, c1, r2, c2 = box
    data.source, data.plot_by = box, plot_by or ("columns" if r2 - r1 >= c2 - c1 else "rows")
    if data.plot_by == "columns":
        data.series = [{"values": (r1, c, r2, c)} for c in range(c1, c2 + 1)]
    else:
        data.series = [{"values": (r, c1, r, c2)} for r in range(r1, r2 + 1)]


@_counted
class Chart:
    """Stand-in for `xlwings.Chart`."""

    def __init__(self, book: BookData, sheet: SheetData, data: ChartData) -> None:
        self._book_data = book
        self._sheet_data = sheet
        self._chart_data = data
        self._log = book.log

    @property
    def name(self) -> str:
        return self._chart_data.name

    @name.setter
    def name(self, value: str) -> None:
        self._chart_data.name = value

    @property
    def chart_type(self) -> str:
        return self._chart_data.chart_type or "column_clustered"

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        if value not in CHART_TYPES:
            raise ValueError(f"invalid chart type {value!r}")
        self._chart_data.chart_type = value

    @property
    def title(self) -> str | None:
        return self._chart_data.title

    @title.setter
    def title(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"Invalid title {value!r}. Must be a string or None to hide it.")
        self._chart_data.title = value

    @property
    def legend(self) -> ChartLegend:
        return ChartLegend(self)

    @property
    def value_axis(self) -> ChartAxis:
        return ChartAxis(self, "value")

    @property
    def category_axis(self) -> ChartAxis:
        return ChartAxis(self, "category")

    @property
    def series(self) -> ChartSeriesCollection:
        return ChartSeriesCollection(self)

    def set_source_data(self, source: Range, plot_by: str | None = None) -> None:
        _set_source(self._chart_data, source._box, plot_by)

    def set_x_axis_values(self, source: Range) -> None:
        self._chart_data.categories = source._box

    @property
    def width(self) -> float:
        return self._chart_data.width

    @width.setter
    def width(self, value: float) -> None:
        self._chart_data.width = float(value)

    @property
    def height(self) -> float:
        return self._chart_data.height

    @height.setter
    def height(self, value: float) -> None:
        self._chart_data.height = float(value)

    def delete(self) -> None:
        self._sheet_data.charts.remove(self._chart_data)


@_counted
class ChartAxis:
    """Stand-in for `xlwings.main.ChartAxis`."""

    def __init__(self, chart: Chart, which: str) -> None:
        self._axis = chart._chart_data.axes[which]
        self._log = chart._log

    @property
    def title(self) -> str | None:
        return self._axis.get("title")

    @title.setter
    def title(self, value: str | None) -> None:
        self._axis["title"] = value

    @property
    def number_format(self) -> str:
        return self._axis.get("number_format", GENERAL)

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._axis["number_format"] = value

    @property
    def visible(self) -> bool:
        return self._axis.get("visible", True)

    @visible.setter
    def visible(self, value: bool) -> None:
        self._axis["visible"] = bool(value)


@_counted
class ChartLegend:
    """Stand-in for `xlwings.main.ChartLegend`."""

    def __init__(self, chart: Chart) -> None:
        self._legend = chart._chart_data.legend
        self._log = chart._log

    @property
    def visible(self) -> bool:
        return self._legend["visible"]

    @visible.setter
    def visible(self, value: bool) -> None:
        self._legend["visible"] = bool(value)

    @property
    def position(self) -> str | None:
        return self._legend["position"] if self._legend["visible"] else None

    @position.setter
    def position(self, value: str) -> None:
        if value not in ("top", "bottom", "left", "right", "corner"):
            raise ValueError(f"invalid legend position {value!r}")
        self._legend.update(position=value, visible=True)


@_counted
class ChartSeriesCollection:
    """Stand-in for `xlwings.main.ChartSeriesCollection`."""

    def __init__(self, chart: Chart) -> None:
        self._chart = chart
        self._log = chart._log

    def __len__(self) -> int:
        return len(self._chart._chart_data.series)

    def __iter__(self) -> Iterator[ChartSeries]:
        for item in self._chart._chart_data.series:
            yield ChartSeries(self._chart, item)

    def __call__(self, name_or_index: int | str) -> ChartSeries:
        if not isinstance(name_or_index, int):
            raise TypeError("series are looked up by position only")
        return ChartSeries(self._chart, self._chart._chart_data.series[name_or_index - 1])

    def __getitem__(self, key: int | str) -> ChartSeries:
        if not isinstance(key, int):
            raise TypeError("series are looked up by position only")
        return ChartSeries(self._chart, self._chart._chart_data.series[key])


@_counted
class ChartSeries:
    """Stand-in for `xlwings.main.ChartSeries`."""

    def __init__(self, chart: Chart, item: dict[str, Any]) -> None:
        self._item = item
        self._log = chart._log

    @property
    def name(self) -> str:
        return self._item.get("name", "")

    @name.setter
    def name(self, value: str) -> None:
        self._item["name"] = value

    @property
    def line_color(self) -> tuple[int, int, int] | None:
        return _rgb(self._item.get("line_color"))

    @line_color.setter
    def line_color(self, value: tuple[int, int, int] | str | int) -> None:
        self._item["line_color"] = _color(value)

    @property
    def fill_color(self) -> tuple[int, int, int] | None:
        return _rgb(self._item.get("fill_color"))

    @fill_color.setter
    def fill_color(self, value: tuple[int, int, int] | str | int) -> None:
        self._item["fill_color"] = _color(value)


# --- building stand-in books ---------------------------------------------------------------------


def new_book(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    name: str = "Classeur1.xlsx",
    folder: str = "",
    platform: str = "win32",
) -> Book:
    """A book holding `sheets` (name -> rows of values from A1, stored as Excel would).

    `platform` is the engine emulated: "win32" (Windows) or "darwin" (macOS, which cannot
    address several areas at once).
    """
    data = BookData(
        name=name,
        fullname=str(Path(folder) / name) if folder else name,
        sheets=[],
        platform=platform,
    )
    for title, rows in sheets.items():
        sheet = SheetData(title)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                stored = _stored(value)
                if stored is not None:
                    sheet.cells[(i, j)] = stored
        data.sheets.append(sheet)
    if not data.sheets:
        data.sheets.append(SheetData("Feuil1"))
    return Book(data)


def _stored(value: Any) -> Any:
    """A value read from a file as Excel holds it (texts are kept as they are)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dt.time):
        return dt.datetime(1899, 12, 30, value.hour, value.minute, value.second)
    return typed(value)


def open_book(path: Path, platform: str = "win32") -> Book:
    """A stand-in book with the values (cached results for formulas) of the .xlsx at `path`.

    `platform` is the engine emulated, as in `new_book`.
    """
    import openpyxl

    path = Path(path)
    workbook = openpyxl.load_workbook(path, data_only=True)
    data = BookData(name=path.name, fullname=str(path.resolve()), sheets=[], platform=platform)
    for ws in workbook.worksheets:
        sheet = SheetData(ws.title, visible=ws.sheet_state == "visible")
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "e" and isinstance(cell.value, str):  # as COM gives it
                    stored = com_code(error_from_code(cell.value).code or "#VALUE!")
                else:
                    stored = _stored(cell.value)
                if stored is not None:
                    sheet.cells[(cell.row, cell.column)] = stored
                    if is_currency_format(cell.number_format):
                        sheet.formats.setdefault((cell.row, cell.column), {})["number_format"] = (
                            cell.number_format
                        )
        if ws.max_row and ws.max_column:  # styled empty cells widen Excel's used range
            sheet.used = (ws.min_row, ws.min_column, ws.max_row, ws.max_column)
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                sheet.column_widths[_column_number(letter)] = float(dim.width)
        for local, defined in ws.defined_names.items():  # sheet-scoped names
            if defined.attr_text is not None:
                sheet.names[local] = "=" + defined.attr_text
        data.sheets.append(sheet)
    data.active = workbook.index(workbook.active) if workbook.active is not None else 0
    workbook.close()
    return Book(data)


def _save_values(data: BookData, path: Path) -> None:
    """The values (formulas as typed) and sheet-scoped names of a stand-in book, as an .xlsx."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in data.sheets:
        ws = workbook.create_sheet(sheet.name)
        ws.sheet_state = "visible" if sheet.visible else "hidden"
        for (row, column), value in sheet.cells.items():
            cell = ws.cell(row=row, column=column)
            cell.value = value.text if isinstance(value, Formula) else value
            if isinstance(value, str):
                cell.data_type = "s"  # a text, even one starting with "="
        for local, refers_to in sheet.names.items():
            ws.defined_names[local] = DefinedName(local, attr_text=refers_to.removeprefix("="))
    workbook.active = data.active
    workbook.save(path)


def sheet_data(book: Book, name: str) -> SheetData:
    """The data of sheet `name` of a stand-in book, for tests to inspect."""
    for data in book._data.sheets:
        if data.name == name:
            return data
    raise KeyError(name)


def book_data(book: Book) -> BookData:
    """Everything a stand-in book holds."""
    return book._data
