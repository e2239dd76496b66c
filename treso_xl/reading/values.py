"""Vectorized parsers from raw cell values (as python-calamine gives them) to typed pandas Series.

Every parser takes a Series of raw cells (float/int, str, date/datetime, bool, time, None/NaN,
"" for an empty cell) and returns `(values, bad)`: the parsed Series, on the same index, and a
boolean mask of the cells that are not acceptable. Empty cells are never bad here (whether a cell
is required is the table's business); they parse to the kind's empty value. A bad cell keeps its
parsed value when it was understood but is out of range (a negative amount), so that `explain`
can say why; otherwise it is empty (NaN, NaT, <NA>, "").

Real numbers and real Excel dates take numpy/pandas fast paths; only text cells go through
regular expressions, and closed lists are matched once per distinct spelling.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from treso_xl.contract import Kind, normalize_label
from treso_xl.reading.cell_errors import ExcelError
from treso_xl.reading.problems import format_value, quote

# Cell type codes. ERROR: an Excel error or a formula without value (an ExcelError marker).
EMPTY, NUMBER, BOOL, TEXT, DATE, TIME, OTHER, ERROR = range(8)

_TYPE_CODES: dict[type, int] = {
    type(None): EMPTY,
    type(pd.NaT): EMPTY,
    type(pd.NA): EMPTY,
    float: NUMBER,
    int: NUMBER,
    np.float64: NUMBER,
    np.float32: NUMBER,
    np.int64: NUMBER,
    np.int32: NUMBER,
    Decimal: NUMBER,  # Excel's Currency type, as pywin32 gives it (currency-formatted cells)
    bool: BOOL,
    np.bool_: BOOL,
    str: TEXT,
    dt.date: DATE,
    dt.datetime: DATE,
    pd.Timestamp: DATE,
    np.datetime64: DATE,
    dt.time: TIME,
    ExcelError: ERROR,
}

DATE_MIN_YEAR, DATE_MAX_YEAR = 1900, 2199  # a year outside is a typing mistake
MAX_ABS_NUMBER = 1e15  # beyond, a "number" is a pasted identifier or garbage, not euros

_SPACES = "[ \u00a0\u202f\u2009]"  # space, no-break space, narrow no-break space, thin space
_NUMBER_BODY = (
    r"(?:(?P<a>\d+)(?:[.,](?P<af>\d+))?"  # 1234 / 1234,5 / 1234.5
    rf"|(?P<b>\d{{1,3}}(?:{_SPACES}\d{{3}})+)(?:[.,](?P<bf>\d+))?"  # 1 234,50
    r"|(?P<c>\d{1,3}(?:\.\d{3})+)(?:,(?P<cf>\d+))?"  # 1.234,50
    r"|(?P<d>\d{1,3}(?:,\d{3})+)(?:\.(?P<df>\d+))?)"  # 1,234.50
)
_SIGN = "(?P<{}>[-+\u2212]?)"


class _Lazy:
    """A regular expression compiled on its first use: compiling them all at import would cost
    ~3 ms of every start, while most workbooks have no text in a number or date column."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    @property
    def re(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled


_AMOUNT_RE = _Lazy(
    rf"(?i)^{_SIGN.format('s1')}\s*(?:€|eur)?\s*{_SIGN.format('s2')}\s*{_NUMBER_BODY}"
    r"\s*(?:€|eur|euros?)?$"
)
_PLAIN_NUMBER_RE = _Lazy(rf"^{_SIGN.format('s1')}\s*{_SIGN.format('s2')}{_NUMBER_BODY}$")
_DATE_RE = _Lazy(
    r"^(?:(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})"
    r"|(?P<Y>\d{4})-(?P<M>\d{1,2})-(?P<D>\d{1,2}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_EMAIL_RE = _Lazy(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]{2,}$")
_URL_RE = _Lazy(r"(?i)^(?:https?://|www\.)[^\s<>\"]+\.[^\s<>\"]+$")
_PERCENT_RE = _Lazy(r"\s*%$")
# "1.234": a dot then exactly three digits, the only separator: 1,234 or 1 234? (contract)
_AMBIGUOUS_RE = _Lazy(
    r"(?i)^[-+\u2212]?\s*(?:€|eur)?\s*[-+\u2212]?\s*(?P<head>[1-9]\d{0,2})\.(?P<tail>\d{3})"
    r"\s*(?:€|eur|euros?|%)?$"
)

Parsed = tuple[pd.Series, pd.Series]


class Cells:
    """Raw cells sorted by type once: a type code per cell and the stripped texts.

    Text made only of spaces and NaN numbers are coded EMPTY. Parsers accept a Cells instead of
    a raw Series so that a table computes the codes once per column. A Cells is built from a
    Series, or from a column of a sheet's cell array (then indexed by position from 0, and no
    Series is made unless a parser asks for `raw`).
    """

    def __init__(self, raw: pd.Series | np.ndarray) -> None:
        if isinstance(raw, pd.Series):
            self._raw: pd.Series | None = raw
            self._index: pd.Index | None = raw.index
            values = raw.to_numpy(dtype=object)
        else:
            self._raw = None
            self._index = None
            values = np.ascontiguousarray(raw, dtype=object)  # a sheet column: a strided view
        self.values: np.ndarray = values  # the raw cells, an object array
        self.codes: np.ndarray = _type_codes(values)
        positions = np.flatnonzero(self.codes == TEXT)
        texts = values if len(positions) == len(values) else values[positions]
        listed = texts.tolist()
        stripped = list(map(str.strip, listed))  # "" (an empty cell) stays ""
        if all(stripped):  # no blank text: nothing to take out
            self._text_positions: np.ndarray = positions
            # str.strip gives back the very text when it has nothing to strip
            self._texts: np.ndarray = texts if stripped == listed else _objects(stripped)
        else:
            blank = np.fromiter(map(operator.not_, stripped), bool, len(stripped))
            self.codes[positions[blank]] = EMPTY
            self._text_positions = positions[~blank]
            self._texts = _objects(stripped)[~blank]

    @property
    def raw(self) -> pd.Series:
        """The raw cells as a Series (on their index)."""
        if self._raw is None:
            self._raw = pd.Series(self.values, index=self.index, dtype=object, copy=False)
        return self._raw

    @property
    def index(self) -> pd.Index:
        if self._index is None:
            self._index = pd.RangeIndex(len(self.values))
        return self._index

    def select(self, keep: np.ndarray) -> Cells:
        """The cells where `keep` (a boolean array) is true, without classifying them again."""
        if keep.all():
            return self
        chosen = object.__new__(Cells)
        chosen.values = self.values[keep]
        chosen._raw = None
        chosen._index = None if self._index is None else self._index[keep]
        chosen.codes = self.codes[keep]
        new_positions = np.cumsum(keep) - 1
        kept = keep[self._text_positions]
        chosen._text_positions = new_positions[self._text_positions[kept]]
        chosen._texts = self._texts[kept]
        return chosen

    def mask(self, code: int) -> np.ndarray:
        return self.codes == code

    def has(self, code: int) -> bool:
        return bool((self.codes == code).any())

    def subset(self, code: int) -> pd.Series:
        return self.raw[self.codes == code]

    def texts(self) -> pd.Series:
        """Stripped text cells (non-empty), on their original index."""
        index = self.index[self._text_positions]
        return pd.Series(self._texts, index=index, dtype=object)

    def numbers(self) -> pd.Series:
        return self.subset(NUMBER).astype("float64")

    @property
    def blank(self) -> pd.Series:
        return pd.Series(self.codes == EMPTY, index=self.index)


_NONE = np.zeros(0, dtype=np.intp)


def _objects(items: list[object]) -> np.ndarray:
    """A list as a 1-D object array, in one C-level pass (no per-item sequence probing)."""
    return np.fromiter(items, dtype=object, count=len(items))


_UNIFORM_CODES = {
    "string": TEXT,
    "floating": NUMBER,
    "integer": NUMBER,
    "mixed-integer-float": NUMBER,
    "decimal": NUMBER,
    "date": DATE,
    "datetime": DATE,
    "datetime64": DATE,
    "boolean": BOOL,
}
# Types whose cells may be missing (None, NaN, NaT, pd.NA: coded EMPTY, as pandas' isna finds
# them); cells of any other type never are.
_MAYBE_MISSING = frozenset(
    (type(None), type(pd.NaT), type(pd.NA), float, np.float64, np.float32, np.float16, Decimal,
     np.datetime64, np.timedelta64)
)  # fmt: skip
_SUSPECT = 8  # a provisional code: a float, Decimal or numpy date, NaN or NaT perhaps
_PROVISIONAL_CODES = {
    **_TYPE_CODES,
    float: _SUSPECT,
    np.float64: _SUSPECT,
    np.float32: _SUSPECT,
    Decimal: _SUSPECT,
    np.datetime64: _SUSPECT,
}


def _type_codes(values: np.ndarray) -> np.ndarray:
    """The type code of each cell, missing cells (None, NaN, NaT, pd.NA) coded EMPTY and texts
    TEXT, blank ones included (`Cells` makes those EMPTY). A column of one type is recognized in
    a single C pass, and so is one of a type and empty texts (python-calamine's empty cell);
    otherwise each cell's type is looked up, and only floats, decimals, numpy dates and unknown
    types are checked for NaN or NaT."""
    codes = _uniform_codes(values)
    if codes is not None:
        return codes
    try:
        empty = np.asarray(values == "", dtype=bool)
    except (TypeError, ValueError):  # a cell that cannot be compared with a text (pd.NA)
        empty = None
    if empty is not None and empty.any():
        filled = _uniform_codes(values[~empty])
        if filled is not None:
            codes = np.full(len(values), EMPTY, dtype=np.int8)
            codes[~empty] = filled
            return codes
    codes = np.fromiter(
        map(_PROVISIONAL_CODES.get, map(type, values.tolist()), repeat(-1)),
        np.int8,
        len(values),
    )
    # floats, decimals, numpy dates and types not in the table (subclasses, numpy scalars)
    suspect = np.flatnonzero((codes == _SUSPECT) | (codes < 0))
    if len(suspect):
        chosen = values[suspect]
        codes[suspect] = np.fromiter(map(_slow_code, chosen.tolist()), np.int8, len(suspect))
        codes[suspect[pd.isna(chosen)]] = EMPTY
    return codes


def _uniform_codes(values: np.ndarray) -> np.ndarray | None:
    """The codes of a column whose cells are all of one kind (missing ones EMPTY), else None."""
    kind = infer_dtype(values, skipna=False)
    uniform = _UNIFORM_CODES.get(kind)
    if uniform is None:
        return None
    codes = np.full(len(values), uniform, dtype=np.int8)
    if kind == "string":
        return codes
    if kind == "floating":  # float objects only: NaN is the one missing value
        codes[np.isnan(values.astype("float64"))] = EMPTY
        return codes
    if kind in ("date", "boolean", "integer") and not (
        set(map(type, values.tolist())) & _MAYBE_MISSING
    ):
        return codes
    codes[pd.isna(values)] = EMPTY
    return codes


def _cells(raw: pd.Series | Cells) -> Cells:
    return raw if isinstance(raw, Cells) else Cells(raw)


def _slow_code(value: object) -> int:
    """Type code of a value whose exact type is not in the table (numpy scalars, subclasses)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return EMPTY
    if isinstance(value, bool | np.bool_):
        return BOOL
    if isinstance(value, int | float | np.integer | np.floating | Decimal):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, dt.date | np.datetime64):
        return DATE
    if isinstance(value, dt.time):
        return TIME
    if isinstance(value, ExcelError):
        return ERROR
    return OTHER


def blank_mask(raw: pd.Series | Cells) -> pd.Series:
    """True where a cell is empty: None, NaN, NaT or text made only of spaces."""
    return _cells(raw).blank


def _bad(cells: Cells, ok: np.ndarray) -> np.ndarray:
    return (cells.codes != EMPTY) & ~ok


def _bad_mask(cells: Cells, ok: np.ndarray) -> pd.Series:
    return pd.Series(_bad(cells, ok), index=cells.index)


def _parsed(cells: Cells, values: object, bad: np.ndarray) -> Parsed:
    """Values and bad flags as two Series on the cells' index."""
    index = cells.index
    return pd.Series(values, index=index), pd.Series(bad, index=index)


# --- numbers ---------------------------------------------------------------------------------


def ambiguous(value: object) -> re.Match[str] | None:
    """The match when `value` is a text such as "1.234" (1,234 or 1 234?), else None."""
    if not isinstance(value, str):
        return None
    return _AMBIGUOUS_RE.re.match(value.strip())


def _number_texts(texts: pd.Series, pattern: re.Pattern[str]) -> pd.Series:
    """Parse French or English formatted numbers; NaN where the text is not a number.

    A text such as "1.234" (a dot followed by exactly three digits, no other separator) is
    ambiguous and not a number.
    """
    if texts.empty:
        return pd.Series(np.nan, index=texts.index, dtype="float64")
    parts = texts.str.extract(pattern)
    whole = parts["a"].fillna(parts["b"]).fillna(parts["c"]).fillna(parts["d"])
    fraction = parts["af"].fillna(parts["bf"]).fillna(parts["cf"]).fillna(parts["df"]).fillna("0")
    understood = whole.notna() & ~(parts["s1"].fillna("").ne("") & parts["s2"].fillna("").ne(""))
    digits = whole.where(understood, "0").str.replace(r"\D", "", regex=True)
    values = (digits + "." + fraction.where(understood, "0")).astype("float64")
    negative = parts["s1"].isin(["-", "\u2212"]) | parts["s2"].isin(["-", "\u2212"])
    values = values.where(~negative, -values)
    unclear = texts.str.match(_AMBIGUOUS_RE.re).to_numpy(dtype=bool)
    values = values.where(understood & (values.abs() < MAX_ABS_NUMBER) & ~unclear)
    return values


def _number_array(cells: Cells, pattern: re.Pattern[str]) -> np.ndarray:
    """Every cell as a float: real numbers as they are, texts parsed; NaN otherwise."""
    out = np.full(len(cells.codes), np.nan)
    number = cells.mask(NUMBER)
    if number.any():
        numbers = cells.values[number].astype("float64")
        out[number] = np.where(np.abs(numbers) < MAX_ABS_NUMBER, numbers, np.nan)
    if len(cells._text_positions):
        out[cells._text_positions] = _number_texts(cells.texts(), pattern).to_numpy()
    return out


def _numbers(cells: Cells, pattern: re.Pattern[str]) -> pd.Series:
    return pd.Series(_number_array(cells, pattern), index=cells.index)


def _amounts(cells: Cells, positive: bool, signed: bool) -> tuple[np.ndarray, np.ndarray]:
    numbers = _number_array(cells, _AMOUNT_RE.re)
    understood = ~np.isnan(numbers)
    if positive:
        in_range = numbers > 0
    elif signed:
        in_range = understood
    else:
        in_range = numbers >= 0
    return numbers, _bad(cells, understood & in_range)


def parse_amounts(
    raw: pd.Series | Cells, *, positive: bool = False, signed: bool = False
) -> Parsed:
    """Euro amounts: numbers or texts such as "1 234,50 €", "1234.5", "1.234,50", "€ 45".

    `positive`: must be > 0; otherwise >= 0 unless `signed`. Booleans and dates are bad.
    """
    cells = _cells(raw)
    return _parsed(cells, *_amounts(cells, positive, signed))


def _integers(cells: Cells, signed: bool) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray]:
    numbers = _number_array(cells, _PLAIN_NUMBER_RE.re)
    whole = ~np.isnan(numbers) & (numbers == np.floor(numbers))
    values = pd.array(np.where(whole, numbers, np.nan), dtype="Int64")
    in_range = whole if signed else whole & (numbers >= 0)
    return values, _bad(cells, in_range)


def parse_integers(raw: pd.Series | Cells, *, signed: bool = False) -> Parsed:
    """Whole numbers (12, 12.0, "12") as nullable Int64; >= 0 unless `signed`."""
    cells = _cells(raw)
    return _parsed(cells, *_integers(cells, signed))


def _rates(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    values = np.full(len(cells.codes), np.nan)
    percent = np.zeros(len(values), dtype=bool)  # typed with a % sign
    number = cells.mask(NUMBER)
    if number.any():
        values[number] = cells.values[number].astype("float64")
    positions = cells._text_positions
    if len(positions):
        texts = cells.texts()
        percent[positions] = texts.str.contains(_PERCENT_RE.re).to_numpy(dtype=bool)
        numbers = _number_texts(
            texts.str.replace(_PERCENT_RE.re, "", regex=True), _PLAIN_NUMBER_RE.re
        )
        values[positions] = numbers.to_numpy()
    with np.errstate(invalid="ignore"):
        values = np.where(percent | (np.abs(values) > 1), values / 100, values)
        ok = ~np.isnan(values) & (values >= 0) & (values <= 1)
    return values, _bad(cells, ok)


def parse_rates(raw: pd.Series | Cells) -> Parsed:
    """Yearly rates as fractions: 0.1215, 12.15 (over 1 means percent), "12,15 %", "12.15%"."""
    cells = _cells(raw)
    return _parsed(cells, *_rates(cells))


# --- dates -----------------------------------------------------------------------------------


def _date_texts(texts: pd.Series) -> pd.Series:
    """dd/mm/yyyy (or - .) and yyyy-mm-dd texts to datetime64; NaT when impossible."""
    if texts.empty:
        return pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]")
    parts = texts.str.extract(_DATE_RE.re)
    frame = pd.DataFrame(
        {
            "year": parts["y"].fillna(parts["Y"]).astype("float64"),
            "month": parts["m"].fillna(parts["M"]).astype("float64"),
            "day": parts["d"].fillna(parts["D"]).astype("float64"),
        }
    )
    plausible = frame["year"].between(DATE_MIN_YEAR, DATE_MAX_YEAR)
    frame = frame.where(plausible)
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")


def _dates(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    out = np.full(len(cells.codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    date = cells.mask(DATE)
    if date.any():
        out[date] = _plain_dates(cells.values[date])
    if len(cells._text_positions):
        out[cells._text_positions] = _date_texts(cells.texts()).to_numpy()
    return out, _bad(cells, ~np.isnat(out))


def parse_dates(raw: pd.Series | Cells) -> Parsed:
    """Real Excel dates, or texts dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd.

    The time of day is dropped. A bare number is bad (a date cell formatted as a number).
    """
    cells = _cells(raw)
    return _parsed(cells, *_dates(cells))


_FEW_DATES = 500  # (formerly: up to this many plain dates, numpy converted them, not pandas)
_FIRST_DAY = np.datetime64(f"{DATE_MIN_YEAR}-01-01", "D")
_PAST_LAST_DAY = np.datetime64(f"{DATE_MAX_YEAR + 1}-01-01", "D")
_EPOCH = dt.date(1970, 1, 1).toordinal()
_FIRST_ORDINAL = dt.date(DATE_MIN_YEAR, 1, 1).toordinal()
_PAST_LAST_ORDINAL = dt.date(DATE_MAX_YEAR + 1, 1, 1).toordinal()


def _plain_dates(dates: np.ndarray) -> np.ndarray:
    """Date cells as datetime64[ns] days (time of day dropped), NaT outside the plausible years.

    Plain `date` and naive `datetime` cells (python-calamine's) become days through their
    ordinals, without pandas; a few others of known kinds go through numpy, many (Timestamp,
    numpy date, time zone, subclass) through pandas, faster per cell."""
    listed = dates.tolist()
    kinds = set(map(type, listed))
    if kinds <= {dt.date, dt.datetime} and (
        dt.datetime not in kinds
        or set(map(getattr, listed, repeat("tzinfo"), repeat(None))) <= {None}
    ):
        ordinals = np.fromiter(map(dt.date.toordinal, listed), np.int64, len(listed))
        plausible = (ordinals >= _FIRST_ORDINAL) & (ordinals < _PAST_LAST_ORDINAL)
        days = (ordinals - _EPOCH).astype("datetime64[D]")
        return np.where(plausible, days, np.datetime64("NaT", "D")).astype("datetime64[ns]")
    parsed = pd.to_datetime(pd.Series(dates, dtype=object), errors="coerce")
    parsed = parsed.where(parsed.dt.year.between(DATE_MIN_YEAR, DATE_MAX_YEAR))
    return parsed.dt.floor("D").astype("datetime64[ns]").to_numpy()


# --- closed lists and texts -------------------------------------------------------------------


def _strings(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """An object array of str as the frames' text dtype ("str")."""
    return pd.array(values, dtype="str")


def _choices(
    cells: Cells, choices: Sequence[str], default: object
) -> tuple[np.ndarray, np.ndarray]:
    canonical = {normalize_label(choice): choice for choice in choices}
    empty_value = "" if default is None else str(default)
    ok = cells.mask(EMPTY)
    positions = cells._text_positions
    if len(positions):
        # each distinct text matched once, then spread back by its code (a C-level take)
        codes, distinct = pd.factorize(cells._texts)
        found = [canonical.get(normalize_label(text)) for text in distinct.tolist()]
        shown = _objects([choice or "" for choice in found])[codes]
        if len(positions) == len(ok):  # only texts
            values = shown
        else:
            values = np.full(len(cells.codes), empty_value, dtype=object)
            values[positions] = shown
        if None in found:
            known = np.fromiter((choice is not None for choice in found), bool, len(found))
            ok[positions] = known[codes]
        else:
            ok[positions] = True
    else:
        values = np.full(len(cells.codes), empty_value, dtype=object)
    boolean = cells.mask(BOOL)
    if {"oui", "non"} <= canonical.keys() and boolean.any():
        flags = cells.values[boolean].astype(bool)
        values[boolean] = np.where(flags, canonical["oui"], canonical["non"]).astype(object)
        ok[boolean] = True
    if not ok.all():
        values[~ok] = ""
    return values, _bad(cells, ok)


def parse_choices(raw: pd.Series | Cells, choices: Sequence[str], default: object = None) -> Parsed:
    """One of `choices`, matched like headers (case, accents, spaces); empty gives `default`.

    A boolean cell (VRAI/FAUX) counts as Oui/Non when the list is Oui/Non.
    """
    cells = _cells(raw)
    values, bad = _choices(cells, choices, default)
    return _parsed(cells, _strings(values), bad)


def _texts(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    if len(cells._text_positions) == len(cells.codes):  # only texts
        return cells._texts, np.zeros(len(cells.codes), dtype=bool)
    values = np.full(len(cells.codes), "", dtype=object)
    if len(cells._text_positions):
        values[cells._text_positions] = cells._texts
    number = cells.mask(NUMBER)
    if number.any():
        numbers = cells.values[number].astype("float64")
        whole = (numbers == np.floor(numbers)) & (np.abs(numbers) < MAX_ABS_NUMBER)
        shown = list(map(str, np.where(whole, numbers, 0).astype("int64").tolist()))
        if not whole.all():
            for position in np.flatnonzero(~whole).tolist():
                shown[position] = format_value(float(numbers[position]))
        values[number] = _objects(shown)
    rest = ~np.isin(cells.codes, (EMPTY, TEXT, NUMBER, ERROR))
    if rest.any():
        values[rest] = _objects([format_value(v) for v in cells.values[rest].tolist()])
    return values, cells.codes == ERROR


def parse_texts(raw: pd.Series | Cells) -> Parsed:
    """Any cell as text: stripped; numbers without ".0"; dates dd/mm/yyyy.

    Only an Excel error (or a formula without value) is bad.
    """
    cells = _cells(raw)
    values, bad = _texts(cells)
    return _parsed(cells, _strings(values), bad)


def _factorized(cells: Cells) -> tuple[np.ndarray, list[str]]:
    """The code of each text cell in its distinct texts, and those texts (first seen first)."""
    codes, distinct = pd.factorize(cells._texts)
    return codes, distinct.tolist()


def _pattern_texts(
    cells: Cells, pattern: re.Pattern[str], factorized: tuple[np.ndarray, list[str]]
) -> tuple[np.ndarray, np.ndarray]:
    values = np.full(len(cells.codes), "", dtype=object)
    ok = cells.mask(EMPTY)
    positions = cells._text_positions
    if len(positions):
        codes, distinct = factorized
        matched = np.fromiter(  # each distinct text searched once
            (pattern.search(text) is not None for text in distinct), bool, len(distinct)
        )
        values[positions] = cells._texts
        ok[positions] = matched[codes]
    return values, ok


def _emails(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    factorized = _factorized(cells) if len(cells._text_positions) else (_NONE, [])
    values, ok = _pattern_texts(cells, _EMAIL_RE.re, factorized)
    values[~ok] = ""
    return values, _bad(cells, ok)


def _urls(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    factorized = _factorized(cells) if len(cells._text_positions) else (_NONE, [])
    values, ok = _pattern_texts(cells, _URL_RE.re, factorized)
    if len(cells._text_positions):
        codes, distinct = factorized
        linked = [
            "https://" + text if text.lower().startswith("www.") else text for text in distinct
        ]
        values[cells._text_positions] = _objects(linked)[codes]
    values[~ok] = ""
    return values, _bad(cells, ok)


def parse_emails(raw: pd.Series | Cells) -> Parsed:
    """E-mail addresses (a sanity check: something@domain.tld, no spaces)."""
    cells = _cells(raw)
    values, bad = _emails(cells)
    return _parsed(cells, _strings(values), bad)


def parse_urls(raw: pd.Series | Cells) -> Parsed:
    """Links starting with http://, https:// or www. (then given https://)."""
    cells = _cells(raw)
    values, bad = _urls(cells)
    return _parsed(cells, _strings(values), bad)


# --- by kind ---------------------------------------------------------------------------------


def parse_array(
    kind: Kind,
    cells: Cells,
    *,
    positive: bool = False,
    signed: bool = False,
    choices: Sequence[str] = (),
    default: object = None,
) -> tuple[np.ndarray | pd.api.extensions.ExtensionArray, np.ndarray]:
    """`parse` without Series: the parsed values as an array of the frames' dtype for the kind,
    and the bad cells as a boolean array (the reader's column-wise path)."""
    values: np.ndarray | pd.api.extensions.ExtensionArray
    if kind is Kind.AMOUNT:
        values, bad = _amounts(cells, positive, signed)
    elif kind is Kind.DATE:
        values, bad = _dates(cells)
    elif kind is Kind.CHOICE:
        texts, bad = _choices(cells, choices, default)
        values = _strings(texts)
    elif kind is Kind.INTEGER:
        values, bad = _integers(cells, signed)
    elif kind is Kind.RATE:
        values, bad = _rates(cells)
    elif kind is Kind.EMAIL:
        texts, bad = _emails(cells)
        values = _strings(texts)
    elif kind is Kind.URL:
        texts, bad = _urls(cells)
        values = _strings(texts)
    else:
        texts, bad = _texts(cells)
        values = _strings(texts)
    error = cells.mask(ERROR)
    if error.any():
        bad = bad | error
    return values, bad


def parse(
    kind: Kind,
    raw: pd.Series | Cells,
    *,
    positive: bool = False,
    signed: bool = False,
    choices: Sequence[str] = (),
    default: object = None,
) -> Parsed:
    """Dispatch on the column kind. An Excel error cell is bad whatever the kind."""
    cells = _cells(raw)
    values, bad = parse_array(
        kind, cells, positive=positive, signed=signed, choices=choices, default=default
    )
    return _parsed(cells, values, bad)


def explain(
    kind: Kind,
    value: object,
    parsed: object,
    *,
    positive: bool = False,
    choices: Sequence[str] = (),
    sheet: str | None = None,
    column: str | None = None,
) -> str:
    """The French sentence for a bad cell of this kind, quoting the value as typed.

    `parsed` is what the parser returned for the cell: the number of an amount or a rate that
    was understood but is out of range, empty otherwise. `sheet` and `column` (contract names)
    tailor the advice for a negative amount.
    """
    if isinstance(value, ExcelError):
        return value.message()
    if isinstance(value, Decimal):
        value = float(value)
    shown = quote(format_value(value))
    unclear = ambiguous(value) if kind in (Kind.AMOUNT, Kind.INTEGER, Kind.RATE) else None
    if unclear is not None:
        return _ambiguous_message(shown, unclear, euros=kind is Kind.AMOUNT)
    if kind is Kind.AMOUNT:
        number = float("nan") if parsed is None or pd.isna(parsed) else float(parsed)
        if pd.isna(number):
            return f"{shown} n'est pas un montant (exemple : 1 234,50)."
        if number < 0:
            return f"{shown} : {_negative_advice(format_value(-number), sheet, column)}"
        if positive and number == 0:
            return f"{shown} : le montant doit être supérieur à zéro."
        return f"{shown} n'est pas un montant valide."
    if kind is Kind.DATE:
        if isinstance(value, int | float | np.integer | np.floating | Decimal) and not isinstance(
            value, bool | np.bool_
        ):
            return (
                f"{shown} n'est pas une date ; saisissez une date (exemple : 31/01/2026) "
                f"ou formatez la cellule en date."
            )
        return f"{shown} n'est pas une date valide (exemple : 31/01/2026)."
    if kind is Kind.CHOICE:
        listed = ", ".join(choices)
        return f"{shown} ne fait pas partie des valeurs possibles : {listed}."
    if kind is Kind.INTEGER:
        if parsed is None or pd.isna(parsed):
            return f"{shown} n'est pas un nombre entier."
        return f"{shown} : le nombre doit être positif ou nul."
    if kind is Kind.RATE:
        if parsed is None or pd.isna(parsed):
            return f"{shown} n'est pas un taux (exemple : 12,15 %)."
        return f"{shown} : le taux doit être compris entre 0 % et 100 %."
    if kind is Kind.EMAIL:
        return f"{shown} n'est pas une adresse e-mail valide (exemple : nom@domaine.fr)."
    if kind is Kind.URL:
        return f"{shown} n'est pas un lien valide ; il doit commencer par https://."
    return f"{shown} n'est pas une valeur valide."


def _ambiguous_message(shown: str, match: re.Match[str], euros: bool) -> str:
    head, tail = match.group("head"), match.group("tail")
    unit = "\u00a0€" if euros else ""
    return (
        f"{shown} est ambigu : {head},{tail}{unit} ou {head}\u00a0{tail}{unit} ? "
        f"Écrivez {head}{tail} ou {head},{tail}."
    )


def _negative_advice(amount: str, sheet: str | None, column: str | None) -> str:
    """What a negative amount most likely means on this sheet, and where it belongs."""
    key = normalize_label(sheet or "")
    receipts, payments = quote("Encaissements"), quote("Décaissements")
    if key == "decaissements":
        return (
            f"le montant doit être positif. Un remboursement reçu (d'un fournisseur, par "
            f"exemple) est un encaissement : saisissez-le dans la feuille {receipts}, montant "
            f"{amount} ; une dépense se saisit ici sans signe moins ({amount})."
        )
    if key == "encaissements":
        return (
            f"le montant doit être positif. Une somme que vous payez ou remboursez est un "
            f"décaissement : saisissez-la dans la feuille {payments}, montant {amount} ; une "
            f"recette se saisit ici sans signe moins ({amount})."
        )
    if key == "factures" and normalize_label(column or "") == "montant paye":
        return (
            "le montant payé doit être positif ou nul. Une somme remboursée au client est un "
            f"décaissement : saisissez-la dans la feuille {payments}, montant {amount}."
        )
    if key == "factures":
        return (
            "le montant d'une facture doit être positif. Un avoir ne se saisit pas en négatif : "
            "diminuez le montant de la facture qu'il corrige ; une somme remboursée au client "
            f"est un décaissement (feuille {payments}, montant {amount})."
        )
    if key == "fournisseurs":
        return (
            "le montant d'une facture fournisseur doit être positif. Un avoir ne se saisit pas "
            "en négatif : diminuez le montant de la facture qu'il corrige ; un remboursement "
            f"reçu du fournisseur est un encaissement (feuille {receipts}, montant {amount})."
        )
    return f"le montant doit être positif ; saisissez {amount} sans signe moins."


def first(values: pd.Series) -> object:
    """The only element of a one-cell parse, as a plain Python value (None when empty)."""
    return plain(values.iloc[0])


def plain(value: object) -> object:
    """An element of a parsed Series (`values.iloc[i]`) as a plain Python value (None when
    empty)."""
    if value is pd.NaT or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


__all__ = [
    "Cells",
    "ambiguous",
    "blank_mask",
    "explain",
    "first",
    "parse",
    "parse_amounts",
    "parse_choices",
    "parse_dates",
    "parse_emails",
    "parse_integers",
    "parse_rates",
    "parse_texts",
    "parse_urls",
    "plain",
]
