"""The lines French banks put above a CSV table: account number or IBAN, a stated balance."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from treso_xl.bank.formats.csv_dialects import BankDialect, normalize_header
from treso_xl.bank.formats.csv_values import date_kind, parse_amount, parse_date
from treso_xl.bank.statement import Balance

_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[0-9A-Z]{4}){2,7}(?: ?[0-9A-Z]{1,4})?)\b")
_ACCOUNT_WORDS = {"compte", "numero", "n", "no", "account", "iban", "cchq", "rib"}
_ACCOUNT_TOKEN = re.compile(r"^(?=(?:\D*\d){5})[0-9A-Z]{5,34}$")
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\b")
_AMOUNT_IN_TEXT = re.compile(
    r"[+\-\u2212]?\s?\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d{1,2})?(?!\d)"
    r"|[+\-\u2212]?\s?\d+(?:[,.]\d{1,2})?(?!\d)"
)


@dataclass
class Preamble:
    """What the lines above the table say: account, a balance on a date, operations count."""

    account: str = ""
    balance: Balance | None = None
    operations: int | None = None


def _valid_iban(text: str) -> bool:
    from stdnum import iban

    return iban.is_valid(text)


def _find_iban(text: str) -> str:
    for match in _IBAN.finditer(text.upper()):
        candidate = match.group(1).replace(" ", "")
        if _valid_iban(candidate):
            return candidate
    return ""


def stated_balance(text: str, fallback_date: dt.date | None) -> Balance | None:
    lowered = normalize_header(text)
    if "solde" not in lowered:
        return None
    position = text.lower().find("solde")
    tail = text[position:] if position >= 0 else text
    day = None
    date_match = _DATE_IN_TEXT.search(tail)
    if date_match:
        try:
            day = parse_date(date_match.group(1))
        except ValueError:
            day = None
        tail = tail[: date_match.start()] + " " + tail[date_match.end():]
    amounts = [m.group(0) for m in _AMOUNT_IN_TEXT.finditer(tail)]
    if not amounts:
        return None
    try:
        amount = parse_amount(re.sub(r"^([+\-\u2212])\s", r"\1", amounts[-1]))
    except ValueError:
        return None
    day = day or fallback_date
    return Balance(day, amount) if day is not None else None


def read_preamble(cells_of_lines: list[list[str]], dialect: BankDialect) -> Preamble:
    result = Preamble()
    """Account and stated balance from the non-blank lines above the table."""
    lines = [cells for cells in cells_of_lines if any(cells)]
    if dialect.preamble == "bnp" and lines:
        _bnp_preamble(lines[0], result)
    elif dialect.preamble == "sg" and lines:
        _sg_preamble(lines[0], result)
    texts = [" ; ".join(c for c in cells if c) for cells in lines]
    if not result.account:
        for text in texts:
            found = _find_iban(text)
            if found:
                result.account = found
                break
    if not result.account:
        for cells, text in zip(lines, texts, strict=True):
            if not set(normalize_header(text).split()) & _ACCOUNT_WORDS:
                continue
            tokens = re.split(r"[\s;:]+", " ".join(cells))
            numbers = [t for t in tokens if _ACCOUNT_TOKEN.match(t.upper())]
            if numbers:
                result.account = numbers[0].upper()
                break
    if result.balance is None:
        stated_date = None
        for cells in lines:
            if cells and normalize_header(cells[0]) == "date" and len(cells) > 1:
                try:
                    stated_date = parse_date(cells[1])
                except ValueError:
                    stated_date = None
        for text in texts:
            balance = stated_balance(text, stated_date)
            if balance is not None:
                result.balance = balance
                break
    return result


def _bnp_preamble(cells: list[str], result: Preamble) -> None:
    """« Compte de chèques;Libellé du compte;numéro;date;;solde »."""
    filled = [c for c in cells if c]
    day = None
    for cell in filled:
        if date_kind(cell):
            try:
                day = parse_date(cell)
            except ValueError:
                day = None
    for cell in filled[:-1]:
        if "," in cell or date_kind(cell):
            continue
        if _ACCOUNT_TOKEN.match(cell.replace(" ", "").upper()):
            result.account = cell.replace(" ", "").upper()
            break
    if day is not None and filled:
        try:
            result.balance = Balance(day, parse_amount(filled[-1], ","))
        except ValueError:
            pass


def _sg_preamble(cells: list[str], result: Preamble) -> None:
    """« ="compte";début;fin;nombre d'opérations;date;solde EUR » (balance with a dot)."""
    if cells and _ACCOUNT_TOKEN.match(cells[0].replace(" ", "").upper()):
        result.account = cells[0].replace(" ", "").upper()
    if len(cells) >= 6:
        day = None
        for cell in (cells[2], cells[4]):
            try:
                day = parse_date(cell)
                break
            except ValueError:
                continue
        try:
            amount = parse_amount(cells[5])
        except ValueError:
            amount = None
        if day is not None and amount is not None:
            result.balance = Balance(day, amount)
        if cells[3].strip().isdigit():
            result.operations = int(cells[3])

