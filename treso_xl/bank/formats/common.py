"""Small helpers the statement parsers share: text decoding, labels, accounts, amounts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from stdnum import iban as stdnum_iban

from treso_xl.bank.statement import StatementError
from treso_xl.french import quote

_SPACES = re.compile(r"\s+")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def decode_text(data: bytes) -> str:
    """The text of a statement file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def collapse(*parts: str | None) -> str:
    """Non-empty parts joined by one space, whitespace runs collapsed."""
    text = " ".join(p for p in parts if p and p.strip())
    return _SPACES.sub(" ", text).strip()


def join_unique(*parts: str | None) -> str:
    """Like `collapse`, dropping a part already contained in what precedes it."""
    kept: list[str] = []
    for part in parts:
        piece = collapse(part)
        if piece and not any(piece in k for k in kept):
            kept.append(piece)
    return " ".join(kept)


def is_iban(text: str) -> bool:
    """True for a valid IBAN written without spaces, upper case."""
    return bool(_IBAN_SHAPE.match(text)) and stdnum_iban.is_valid(text)


def normalise_account(text: str | None) -> str:
    """The account id without spaces, upper case; an IBAN when the text is one."""
    raw = _SPACES.sub("", text or "").upper()
    if _IBAN_SHAPE.match(raw) and stdnum_iban.is_valid(raw):
        return raw
    return (text or "").strip()


def line_at(text: str, offset: int) -> int:
    """1-based line number of a character offset in `text`."""
    return text.count("\n", 0, max(0, offset)) + 1


def line_numbers(text: str, offsets: list[int], first_line: int = 1) -> list[int]:
    """1-based line numbers of increasing character offsets, counted in one pass."""
    numbers: list[int] = []
    line, position = first_line, 0
    for offset in offsets:
        line += text.count("\n", position, offset)
        position = offset
        numbers.append(line)
    return numbers


def decimal_amount(text: str, source: str, line: int | None, what: str = "montant") -> Decimal:
    """A decimal amount written with a point or a comma (and maybe thousands separators)."""
    raw = _SPACES.sub("", text or "").replace("\u00a0", "").replace("\u202f", "")
    if "," in raw and "." in raw:
        # the last separator is the decimal one, the other groups thousands
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif raw.count(",") > 1:
        raw = raw.replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or raw == "":
        raise StatementError(source, f"{what} illisible\u00a0: {quote(text)}", line)
    return value


def ymd_date(text: str, source: str, line: int | None, what: str = "date") -> dt.date:
    """A date written YYYYMMDD (OFX) or YYYY-MM-DD (ISO), time and zone ignored."""
    digits = re.sub(r"[^0-9]", "", (text or "")[:10])
    try:
        return dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except (ValueError, IndexError):
        raise StatementError(source, f"{what} illisible\u00a0: {quote(text)}", line) from None
