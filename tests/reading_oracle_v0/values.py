# Snapshot of treso_xl/reading/values.py before the column-wise reader: the oracle of its tests.
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
import re
from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat

import numpy as np
import pandas as pd

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
_AMOUNT_RE = re.compile(
    rf"(?i)^{_SIGN.format('s1')}\s*(?:€|eur)?\s*{_SIGN.format('s2')}\s*{_NUMBER_BODY}"
    r"\s*(?:€|eur|euros?)?$"
)
_PLAIN_NUMBER_RE = re.compile(rf"^{_SIGN.format('s1')}\s*{_SIGN.format('s2')}{_NUMBER_BODY}$")
_DATE_RE = re.compile(
    r"^(?:(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})"
    r"|(?P<Y>\d{4})-(?P<M>\d{1,2})-(?P<D>\d{1,2}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_EMAIL_RE = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]{2,}$")
_URL_RE = re.compile(r"(?i)^(?:https?://|www\.)[^\s<>\"]+\.[^\s<>\"]+$")
_PERCENT_RE = re.compile(r"\s*%$")
# "1.234": a dot then exactly three digits, the only separator: 1,234 or 1 234? (contract)
_AMBIGUOUS_RE = re.compile(
    r"(?i)^[-+\u2212]?\s*(?:€|eur)?\s*[-+\u2212]?\s*(?P<head>[1-9]\d{0,2})\.(?P<tail>\d{3})"
    r"\s*(?:€|eur|euros?|%)?$"
)

Parsed = tuple[pd.Series, pd.Series]


class Cells:
    """Raw cells sorted by type once: a type code per cell and the stripped texts.

    Text made only of spaces and NaN numbers are coded EMPTY. Parsers accept a Cells instead of
    a raw Series so that a table computes the codes once per column.
    """

    def __init__(self, raw: pd.Series) -> None:
        self.raw = raw
        self.codes: np.ndarray = _type_codes(raw)
        values = raw.to_numpy(dtype=object)
        if raw.dtype == object and (self.codes == TEXT).all():  # only str cells, none missing
            positions, texts = np.arange(len(values)), values
        else:
            self.codes[pd.isna(values)] = EMPTY  # None, NaN, NaT, pd.NA
            positions = np.flatnonzero(self.codes == TEXT)
            texts = values[positions]
        stripped = _stripped(texts)  # "" (python-calamine's empty cell) stays ""
        blank = stripped == ""
        self.codes[positions[blank]] = EMPTY
        self._text_positions: np.ndarray = positions[~blank]
        self._texts: np.ndarray = stripped[~blank]

    def select(self, keep: np.ndarray) -> Cells:
        """The cells where `keep` (a boolean array) is true, without classifying them again."""
        chosen = object.__new__(Cells)
        chosen.raw = self.raw[keep]
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
        index = self.raw.index[self._text_positions]
        return pd.Series(self._texts, index=index, dtype=object)

    def numbers(self) -> pd.Series:
        return self.subset(NUMBER).astype("float64")

    @property
    def blank(self) -> pd.Series:
        return pd.Series(self.codes == EMPTY, index=self.raw.index)


def _stripped(texts: np.ndarray) -> np.ndarray:
    """Each text stripped, in one C-level pass (`str.strip` mapped over the list: twice as fast
    as a comprehension, and faster than stripping each distinct text of a factorized column)."""
    out = np.empty(len(texts), dtype=object)
    out[:] = list(map(str.strip, texts.tolist()))
    return out


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


def _type_codes(raw: pd.Series) -> np.ndarray:
    """The type code of each cell; a column of one type is recognized in a single C pass, and so
    is a column of one type and empty cells (None, NaN or "", as python-calamine gives them),
    which are coded EMPTY or TEXT (`Cells` makes every one of them EMPTY)."""
    uniform = _UNIFORM_CODES.get(pd.api.types.infer_dtype(raw, skipna=False))
    if uniform is not None:
        return np.full(len(raw), uniform, dtype=np.int8)
    values = raw.to_numpy(dtype=object)
    missing = pd.isna(values)
    empty_text = np.zeros(len(values), dtype=bool)
    empty_text[~missing] = values[~missing] == ""  # (pd.NA == "" is no boolean)
    filled = ~(missing | empty_text)
    uniform = _UNIFORM_CODES.get(pd.api.types.infer_dtype(values[filled], skipna=False))
    if uniform is not None:
        codes = np.full(len(raw), uniform, dtype=np.int8)
        codes[missing] = EMPTY
        codes[empty_text] = TEXT
        return codes
    codes = raw.map(type).map(_TYPE_CODES)
    unknown = codes.isna().to_numpy()
    if unknown.any():
        codes[unknown] = [_slow_code(v) for v in raw[unknown]]
    return codes.to_numpy(dtype=np.int8, na_value=OTHER)


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


def _bad_mask(cells: Cells, ok: np.ndarray) -> pd.Series:
    return pd.Series((cells.codes != EMPTY) & ~ok, index=cells.raw.index)


# --- numbers ---------------------------------------------------------------------------------


def ambiguous(value: object) -> re.Match[str] | None:
    """The match when `value` is a text such as "1.234" (1,234 or 1 234?), else None."""
    if not isinstance(value, str):
        return None
    return _AMBIGUOUS_RE.match(value.strip())


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
    unclear = texts.str.match(_AMBIGUOUS_RE).to_numpy(dtype=bool)
    values = values.where(understood & (values.abs() < MAX_ABS_NUMBER) & ~unclear)
    return values


def _numbers(cells: Cells, pattern: re.Pattern[str]) -> pd.Series:
    """Every cell as a float: real numbers as they are, texts parsed; NaN otherwise."""
    out = np.full(len(cells.codes), np.nan)  # one Series built at the end
    if cells.has(NUMBER):
        numbers = cells.raw.to_numpy(dtype=object)[cells.mask(NUMBER)].astype("float64")
        out[cells.mask(NUMBER)] = np.where(np.abs(numbers) < MAX_ABS_NUMBER, numbers, np.nan)
    if cells.has(TEXT):
        out[cells.mask(TEXT)] = _number_texts(cells.texts(), pattern).to_numpy()
    return pd.Series(out, index=cells.raw.index)


def parse_amounts(
    raw: pd.Series | Cells, *, positive: bool = False, signed: bool = False
) -> Parsed:
    """Euro amounts: numbers or texts such as "1 234,50 €", "1234.5", "1.234,50", "€ 45".

    `positive`: must be > 0; otherwise >= 0 unless `signed`. Booleans and dates are bad.
    """
    cells = _cells(raw)
    values = _numbers(cells, _AMOUNT_RE)
    numbers = values.to_numpy()
    understood = ~np.isnan(numbers)
    if positive:
        in_range = numbers > 0
    elif signed:
        in_range = understood
    else:
        in_range = numbers >= 0
    return values, _bad_mask(cells, understood & in_range)


def parse_integers(raw: pd.Series | Cells, *, signed: bool = False) -> Parsed:
    """Whole numbers (12, 12.0, "12") as nullable Int64; >= 0 unless `signed`."""
    cells = _cells(raw)
    numbers = _numbers(cells, _PLAIN_NUMBER_RE)
    whole = (numbers.notna() & (numbers == np.floor(numbers))).to_numpy()
    values = numbers.where(whole).astype("Int64")
    in_range = whole if signed else whole & numbers.ge(0).to_numpy()
    return values, _bad_mask(cells, in_range)


def parse_rates(raw: pd.Series | Cells) -> Parsed:
    """Yearly rates as fractions: 0.1215, 12.15 (over 1 means percent), "12,15 %", "12.15%"."""
    cells = _cells(raw)
    values = pd.Series(np.nan, index=cells.raw.index, dtype="float64")
    percent = np.zeros(len(values), dtype=bool)  # typed with a % sign
    if cells.has(NUMBER):
        values[cells.mask(NUMBER)] = cells.numbers().to_numpy()
    if cells.has(TEXT):
        texts = cells.texts()
        percent[cells.mask(TEXT)] = texts.str.contains(_PERCENT_RE).to_numpy()
        numbers = _number_texts(texts.str.replace(_PERCENT_RE, "", regex=True), _PLAIN_NUMBER_RE)
        values[cells.mask(TEXT)] = numbers.to_numpy()
    values = values.where(~(percent | (values.abs() > 1)), values / 100)
    ok = (values.notna() & values.ge(0) & values.le(1)).to_numpy()
    return values, _bad_mask(cells, ok)


# --- dates -----------------------------------------------------------------------------------


def _date_texts(texts: pd.Series) -> pd.Series:
    """dd/mm/yyyy (or - .) and yyyy-mm-dd texts to datetime64; NaT when impossible."""
    if texts.empty:
        return pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]")
    parts = texts.str.extract(_DATE_RE)
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


def parse_dates(raw: pd.Series | Cells) -> Parsed:
    """Real Excel dates, or texts dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd.

    The time of day is dropped. A bare number is bad (a date cell formatted as a number).
    """
    cells = _cells(raw)
    out = np.full(len(cells.codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    if cells.has(DATE):
        out[cells.mask(DATE)] = _plain_dates(cells.raw.to_numpy(dtype=object)[cells.mask(DATE)])
    if cells.has(TEXT):
        out[cells.mask(TEXT)] = _date_texts(cells.texts()).to_numpy()
    values = pd.Series(out, index=cells.raw.index)
    return values, _bad_mask(cells, ~np.isnat(out))


_FEW_DATES = 500  # up to this many date cells, numpy converts them faster than pandas
_FIRST_DAY = np.datetime64(f"{DATE_MIN_YEAR}-01-01", "D")
_PAST_LAST_DAY = np.datetime64(f"{DATE_MAX_YEAR + 1}-01-01", "D")


def _plain_dates(dates: np.ndarray) -> np.ndarray:
    """Date cells as datetime64[ns] days (time of day dropped), NaT outside the plausible years.

    A few plain `date` and naive `datetime` cells (python-calamine's) are converted by numpy,
    without pandas' fixed cost per call; many, or any other (Timestamp, numpy date, time zone,
    subclass), by pandas, faster per cell."""
    listed = dates.tolist() if len(dates) <= _FEW_DATES else []
    kinds = set(map(type, listed))
    zones = set(map(getattr, listed, repeat("tzinfo"), repeat(None)))
    if listed and kinds <= {dt.date, dt.datetime} and zones <= {None}:
        days = np.array(listed, dtype="datetime64[D]")
        plausible = (days >= _FIRST_DAY) & (days < _PAST_LAST_DAY)
        return np.where(plausible, days, np.datetime64("NaT", "D")).astype("datetime64[ns]")
    parsed = pd.to_datetime(pd.Series(dates, dtype=object), errors="coerce")
    parsed = parsed.where(parsed.dt.year.between(DATE_MIN_YEAR, DATE_MAX_YEAR))
    return parsed.dt.floor("D").astype("datetime64[ns]").to_numpy()


# --- closed lists and texts -------------------------------------------------------------------


def parse_choices(raw: pd.Series | Cells, choices: Sequence[str], default: object = None) -> Parsed:
    """One of `choices`, matched like headers (case, accents, spaces); empty gives `default`.

    A boolean cell (VRAI/FAUX) counts as Oui/Non when the list is Oui/Non.
    """
    cells = _cells(raw)
    canonical = {normalize_label(choice): choice for choice in choices}
    empty_value = "" if default is None else str(default)
    values = pd.Series(empty_value, index=cells.raw.index, dtype=object)
    ok = cells.mask(EMPTY).copy()
    if cells.has(TEXT):
        texts = cells._texts.tolist()
        distinct = list(set(texts))  # each spelling matched once
        found = [canonical.get(normalize_label(text)) for text in distinct]  # None: no choice
        index = {text: position for position, text in enumerate(distinct)}
        codes = np.fromiter(map(index.__getitem__, texts), np.intp, len(texts))
        shown = np.empty(len(found), dtype=object)
        shown[:] = ["" if choice is None else choice for choice in found]
        values[cells.mask(TEXT)] = shown[codes]
        ok[cells.mask(TEXT)] = np.array([choice is not None for choice in found], bool)[codes]
    if cells.has(BOOL) and {"oui", "non"} <= canonical.keys():
        flags = cells.subset(BOOL).astype(bool)
        values[cells.mask(BOOL)] = np.where(flags, canonical["oui"], canonical["non"])
        ok[cells.mask(BOOL)] = True
    values = values.where(ok, "")
    return values.astype("str"), _bad_mask(cells, ok)


def parse_texts(raw: pd.Series | Cells) -> Parsed:
    """Any cell as text: stripped; numbers without ".0"; dates dd/mm/yyyy.

    Only an Excel error (or a formula without value) is bad.
    """
    cells = _cells(raw)
    values = np.full(len(cells.codes), "", dtype=object)  # one Series built at the end
    if cells.has(TEXT):
        values[cells.mask(TEXT)] = cells._texts
    if cells.has(NUMBER):
        numbers = cells.numbers()
        whole = (numbers == np.floor(numbers)) & (numbers.abs() < MAX_ABS_NUMBER)
        shown = numbers.where(whole, 0).astype("int64").astype(str)
        if not whole.all():
            shown[~whole] = [format_value(v) for v in numbers[~whole]]
        values[cells.mask(NUMBER)] = shown.to_numpy()
    rest = ~np.isin(cells.codes, (EMPTY, TEXT, NUMBER, ERROR))
    if rest.any():
        values[rest] = [format_value(v) for v in cells.raw[rest]]
    index = cells.raw.index
    errors = pd.Series(cells.codes == ERROR, index=index)
    return pd.Series(values, index=index).astype("str"), errors


def _pattern_texts(
    raw: pd.Series | Cells, pattern: re.Pattern[str]
) -> tuple[Cells, pd.Series, np.ndarray]:
    cells = _cells(raw)
    values = pd.Series("", index=cells.raw.index, dtype=object)
    ok = cells.mask(EMPTY).copy()
    if cells.has(TEXT):
        texts = cells._texts.tolist()
        matched = {text: pattern.search(text) is not None for text in set(texts)}  # once each
        values[cells.mask(TEXT)] = cells._texts
        ok[cells.mask(TEXT)] = np.fromiter(map(matched.__getitem__, texts), bool, len(texts))
    return cells, values, ok


def parse_emails(raw: pd.Series | Cells) -> Parsed:
    """E-mail addresses (a sanity check: something@domain.tld, no spaces)."""
    cells, values, ok = _pattern_texts(raw, _EMAIL_RE)
    return values.where(ok, "").astype("str"), _bad_mask(cells, ok)


def parse_urls(raw: pd.Series | Cells) -> Parsed:
    """Links starting with http://, https:// or www. (then given https://)."""
    cells, values, ok = _pattern_texts(raw, _URL_RE)
    if cells.has(TEXT):
        texts = cells._texts.tolist()
        www = {text: text.lower().startswith("www.") for text in set(texts)}
        linked = ["https://" + text if www[text] else text for text in texts]
        values[cells.mask(TEXT)] = np.array(linked, dtype=object)
    return values.where(ok, "").astype("str"), _bad_mask(cells, ok)


# --- by kind ---------------------------------------------------------------------------------


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
    if kind is Kind.AMOUNT:
        values, bad = parse_amounts(cells, positive=positive, signed=signed)
    elif kind is Kind.DATE:
        values, bad = parse_dates(cells)
    elif kind is Kind.CHOICE:
        values, bad = parse_choices(cells, choices, default)
    elif kind is Kind.INTEGER:
        values, bad = parse_integers(cells, signed=signed)
    elif kind is Kind.RATE:
        values, bad = parse_rates(cells)
    elif kind is Kind.EMAIL:
        values, bad = parse_emails(cells)
    elif kind is Kind.URL:
        values, bad = parse_urls(cells)
    else:
        values, bad = parse_texts(cells)
    if cells.has(ERROR):
        bad = bad | pd.Series(cells.mask(ERROR), index=bad.index)
    return values, bad


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
    value = values.iloc[0]
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
]
