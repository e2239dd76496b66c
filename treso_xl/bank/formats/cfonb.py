"""CFONB 120: the French banks' fixed-width statement (records 01, 04, 05, 07)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from treso_xl.bank.formats.common import collapse, decode_text
from treso_xl.bank.formats.rib import rib_to_iban
from treso_xl.bank.statement import Balance, BankLine, Statement, StatementError
from treso_xl.french import quote

FORMAT = "CFONB 120"
WIDTH = 120

_RECORD_START = re.compile(r"^(01|04|05|07)\d{5}")
# last character of an amount: its last digit and the sign
_SIGNS = {"{": ("0", 1), "}": ("0", -1)}
_SIGNS |= {chr(ord("A") + i): (str(i + 1), 1) for i in range(9)}
_SIGNS |= {chr(ord("J") + i): (str(i + 1), -1) for i in range(9)}


def looks_like_cfonb(head: bytes) -> bool:
    """True when the file starts with a CFONB 120 old-balance record."""
    text = head[:WIDTH * 2].decode("latin-1")
    if text[:2] != "01" or not _RECORD_START.match(text):
        return False
    # a whole record (maybe trimmed of its trailing spaces), or records with no line breaks
    first = re.split(r"\r\n|\n|\r", text, maxsplit=1)[0][:WIDTH]
    return 104 <= len(first.rstrip()) and (len(first) == WIDTH or first != text)


def records(text: str) -> list[tuple[int, str]]:
    """The 120-character records with their 1-based record number.

    Lines of 120 characters (CRLF or LF), or one run with no line breaks cut every 120.
    """
    stripped = text.strip("\r\n\x1a")
    if "\n" not in stripped and "\r" not in stripped:
        return [(i // WIDTH + 1, stripped[i:i + WIDTH]) for i in range(0, len(stripped), WIDTH)]
    out = []
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", stripped), start=1):
        if raw.strip() == "":
            continue
        out.append((number, raw))
    return out


@dataclass
class _Open:
    """A statement being read: account, balances and lines so far."""

    bank: str
    branch: str
    account: str
    currency: str
    opening: Balance | None
    lines: list[dict] = field(default_factory=list)


def parse_cfonb(data: bytes, source: str) -> list[Statement]:
    """Every statement (01 … 07 run) of a CFONB 120 file, in file order."""
    text = decode_text(data)
    statements: list[Statement] = []
    current: _Open | None = None
    for number, record in records(text):
        record = record.rstrip("\r")
        if len(record) > WIDTH and not record[WIDTH:].strip():
            record = record[:WIDTH]  # padded with spaces past the 120th character
        if len(record) != WIDTH:
            # trailing spaces are often trimmed by the software that exported the file
            if len(record) < WIDTH and _RECORD_START.match(record):
                record = record.ljust(WIDTH)
            else:
                raise StatementError(
                    source,
                    f"enregistrement de {len(record)} caractères au lieu de {WIDTH}"
                    "\u00a0: ce n'est pas un relevé CFONB 120 valide.",
                    number,
                )
        code = record[:2]
        if code == "01":
            if current is not None:
                raise StatementError(
                    source, "nouveau relevé (code 01) avant la fin du précédent (code 07).",
                    number)
            current = _Open(
                bank=record[2:7], branch=record[11:16], account=record[21:32].strip(),
                currency=record[16:19].strip() or "EUR",
                opening=Balance(_date(record[34:40], source, number),
                                _amount(record, source, number)),
            )
        elif code == "04":
            current = _require(current, source, number, code)
            value_text = record[42:48]
            current.lines.append({
                "date": _date(record[34:40], source, number),
                "value_date": _date(value_text, source, number) if value_text.strip(" 0")
                else None,
                "label": record[48:79],
                "amount": _amount(record, source, number),
                "operation": record[32:34],
                "line": number,
            })
        elif code == "05":
            current = _require(current, source, number, code)
            if not current.lines:
                raise StatementError(
                    source, "complément de libellé (code 05) sans opération (code 04) avant lui.",
                    number)
            current.lines[-1]["label"] += " " + record[48:118]
        elif code == "07":
            current = _require(current, source, number, code)
            closing = Balance(_date(record[34:40], source, number),
                              _amount(record, source, number))
            statements.append(_statement(current, closing, source))
            current = None
        else:
            raise StatementError(
                source,
                f"code d'enregistrement {quote(code)} inconnu (01, 04, 05 ou 07 attendu).",
                number,
            )
    if current is not None:
        raise StatementError(
            source,
            "le relevé n'a pas de nouveau solde (enregistrement 07)\u00a0: le fichier semble "
            "tronqué.",
        )
    if not statements:
        raise StatementError(source, "aucun relevé CFONB 120 dans ce fichier.")
    return statements


def _require(current: _Open | None, source: str, number: int, code: str) -> _Open:
    if current is None:
        raise StatementError(
            source, f"enregistrement {code} hors d'un relevé (pas d'ancien solde 01 avant lui).",
            number)
    return current


def _date(text: str, source: str, number: int) -> dt.date:
    """DDMMYY, years 00-79 read as 20xx, 80-99 as 19xx."""
    try:
        day, month, year = int(text[0:2]), int(text[2:4]), int(text[4:6])
        return dt.date(2000 + year if year < 80 else 1900 + year, month, day)
    except ValueError:
        raise StatementError(
            source, f"date {quote(text)} illisible (JJMMAA attendu).", number
        ) from None


def _amount(record: str, source: str, number: int) -> Decimal:
    """Amount field (91-104) with its sign-bearing last character, scaled by field 20."""
    raw = record[90:104]
    decimals_text = record[19]
    digits, last = raw[:-1], raw[-1:]
    if not digits.isdigit() or last not in _SIGNS or not decimals_text.isdigit():
        raise StatementError(source, f"montant {quote(raw)} illisible.", number)
    digit, sign = _SIGNS[last]
    return sign * Decimal(int(digits + digit)).scaleb(-int(decimals_text))


def _statement(current: _Open, closing: Balance, source: str) -> Statement:
    """A finished 01…07 run as a Statement."""
    iban = rib_to_iban(current.bank, current.branch, current.account)
    notes: list[str] = []
    if iban:
        notes.append(
            f"IBAN {iban} reconstitué à partir du RIB (banque {current.bank}, guichet "
            f"{current.branch}, compte {current.account})."
        )
    lines = tuple(
        BankLine(
            date=item["date"],
            label=collapse(item["label"]),
            amount=item["amount"],
            value_date=item["value_date"],
            source_line=item["line"],
        )
        for item in current.lines
    )
    return Statement(
        source=source,
        format=FORMAT,
        account=iban or f"{current.bank}{current.branch}{current.account}",
        currency=current.currency,
        lines=lines,
        opening=current.opening,
        closing=closing,
        notes=tuple(notes),
    )
