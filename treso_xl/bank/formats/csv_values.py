"""Reading a bank file's text, amounts and dates as French banks write them, exactly."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from treso_xl.bank.statement import StatementError

_SPACES = " \u00a0\u202f\u2009\u2007"
CURRENCY = re.compile(r"(?i)\s*(?:€|eur(?:os?)?\b|euros?\b)\s*")
_SIMPLE_AMOUNT = re.compile(r"-?\d+(?:,\d{1,2})?")
_SPACED_AMOUNT = re.compile(r"(-?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:,(\d{1,2}))?")
_DOT_AMOUNT = re.compile(r"-?\d+(?:\.\d{1,2})?")
_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?\S*)?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\S*)?")
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
# Œ, œ, Ÿ in ISO-8859-15 are ¼, ½, ¾ in Windows-1252: beside a letter they are the ligatures.
_LATIN9_LIGATURE = re.compile(rb"[A-Za-z][\xbc-\xbe]|[\xbc-\xbe][A-Za-z]")


def parse_amount(text: str, decimal: str | None = None) -> Decimal:
    """A French (or English) written amount -> Decimal, exactly; ValueError when unreadable.

    Accepts a sign (+, -, U+2212, a trailing minus, parentheses), a currency sign (€, EUR),
    thousands separators (space, U+00A0, U+202F, dot or comma when `decimal` is the other one)
    in groups of three. `decimal` None: the last of "," / "." is the decimal separator when both
    appear; a lone "," is decimal; a lone "." is decimal unless followed by exactly three digits
    (ambiguous: ValueError).
    """
    value = text.strip()
    if decimal != ".":
        if _SIMPLE_AMOUNT.fullmatch(value):
            return Decimal(value.replace(",", "."))
        match = _SPACED_AMOUNT.fullmatch(value)
        if match:
            sign, whole, fraction = match.groups()
            digits = re.sub(f"[{_SPACES}]", "", whole)
            return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")
    elif _DOT_AMOUNT.fullmatch(value):
        return Decimal(value)
    value = CURRENCY.sub("", value).strip()
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    value = value.replace("\u2212", "-")
    if value.endswith("-"):
        negative, value = not negative, value[:-1].strip()
    if value[:1] in "+-" and value:
        negative = negative != (value[0] == "-")
        value = value[1:].strip()
    if not value or not value[0].isdigit() or not value[-1].isdigit():
        raise ValueError(text)
    spaced = any(char in value for char in _SPACES)
    if spaced:
        value = re.sub(f"[{_SPACES}]", " ", value)
    if decimal is None:
        if "," in value and "." in value:
            decimal = "," if value.rfind(",") > value.rfind(".") else "."
        elif value.count(",") == 1:
            decimal = ","
        elif value.count(".") == 1:
            whole, _, fraction = value.partition(".")
            if len(fraction) == 3 and not spaced and len(whole.replace(" ", "")) <= 3:
                raise ValueError(text)  # 1.234: a thousand or one and a quarter?
            decimal = "."
        else:
            decimal = ","
    thousands = "." if decimal == "," else ","
    whole, sep, fraction = value.rpartition(decimal) if decimal in value else (value, "", "")
    if sep and not fraction.isdigit():
        raise ValueError(text)
    groups = re.split(f"[ {re.escape(thousands)}]", whole)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])
    ):
        raise ValueError(text)
    digits = "".join(groups)
    if not digits.isdigit():
        raise ValueError(text)
    number = Decimal(f"{digits}.{fraction}" if sep else digits)
    return -number if negative else number


def parse_date(text: str, pattern: str | None = None) -> dt.date:
    """dd/mm/yyyy, dd/mm/yy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd (a time after is ignored).

    With `pattern` (strptime, from the user's mapping) only that; ValueError when unreadable.
    """
    value = text.strip()
    if pattern is None and len(value) == 10 and value[2] == "/" == value[5]:
        day, month, year = value[:2], value[3:5], value[6:]
        if day.isdigit() and month.isdigit() and year.isdigit():
            return dt.date(int(year), int(month), int(day))
    if pattern is not None:
        head = value.split("T")[0] if "T" in value and "%" in pattern else value
        if " " not in pattern:
            head = head.split(" ")[0]
        return dt.datetime.strptime(head, pattern).date()
    match = _DMY.fullmatch(value)
    if match:
        day, _, month, year = match.groups()
        number = int(year)
        if len(year) == 2:
            number += 2000 if number < 70 else 1900
        return dt.date(number, int(month), int(day))
    match = _YMD.fullmatch(value) or _YMD_SLASH.fullmatch(value)
    if match:
        year, month, day = match.groups()
        return dt.date(int(year), int(month), int(day))
    raise ValueError(text)


def date_kind(text: str) -> str | None:
    value = text.strip()
    if _DMY.fullmatch(value):
        return "dmy"
    if _YMD.fullmatch(value) or _YMD_SLASH.fullmatch(value):
        return "ymd"
    return None


def looks_dated(text: str) -> bool:
    return date_kind(text) is not None


def is_date(text: str, pattern: str | None) -> bool:
    try:
        parse_date(text, pattern)
    except ValueError:
        return False
    return True


def decode(data: bytes, source: str) -> tuple[str, str]:
    """The file's text and the encoding chosen on evidence (BOM, valid UTF-8, else Windows-1252).

    A file that is not valid UTF-8 is single-byte: Windows-1252 unless it uses bytes undefined
    there (then Latin-1); ISO-8859-15 when, without any 0x80–0x9F byte, 0xA4 (the euro sign
    there) appears or 0xBC–0xBE (Œ œ Ÿ there, ¼ ½ ¾ in Windows-1252) touch a letter.
    """
    if not data.strip():
        raise StatementError(source, "le fichier est vide")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as error:
            raise _encoding_error(source, data, error) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise _encoding_error(source, data, error) from None
    if b"\x00" in data[:4096]:
        raise StatementError(source, "ce fichier n'est pas un relevé CSV (contenu binaire)")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    high_controls = re.search(rb"[\x80-\x9f]", data) is not None
    if not high_controls and (0xA4 in data or _LATIN9_LIGATURE.search(data)):
        return data.decode("iso-8859-15"), "ISO-8859-15"
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _encoding_error(source: str, data: bytes, error: UnicodeDecodeError) -> StatementError:
    line = data[: error.start].count(b"\n") + 1
    return StatementError(
        source, "le fichier annonce l'encodage UTF-8 mais contient des caractères invalides", line
    )



def french_amount(value: Decimal) -> str:
    """Decimal("-1234.5") -> "-1\u202f234,50" (for messages)."""
    text = f"{value:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",")

