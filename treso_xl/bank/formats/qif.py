"""QIF (Quicken Interchange Format) bank and card accounts, with per-file date order detection.

An own parser rather than quiffen: quiffen strips commas from amounts (a French « 12,50 » would
read 1250), takes the day/month order as one argument instead of deciding it from the file, and
reads only from a path; QIF is a line format simple enough to read directly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from treso_xl.bank.formats.common import collapse, decode_text, join_unique
from treso_xl.bank.statement import Balance, BankLine, Statement, StatementError
from treso_xl.french import quote

FORMAT = "QIF"

_CASH_TYPES = {"bank", "ccard", "cash", "oth a", "oth l"}
_DATE = re.compile(r"^\s*(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*([/.\-']\s*)(\d{2,4})\s*$")
_OPENING_PAYEES = {"opening balance", "solde initial", "solde d'ouverture", "solde de départ"}


def looks_like_qif(head: bytes) -> bool:
    """True when the file starts with a QIF header (!Type:, !Account, !Option)."""
    text = head[:1024].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \r\n\t")
    return text[:6].lower() in ("!type:", "!accou", "!optio", "!clear")


@dataclass
class _Record:
    """One transaction's raw fields (letter -> first value) and its first line."""

    line: int
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Section:
    """A !Type: section of cash-like records."""

    kind: str
    account_name: str
    line: int
    records: list[_Record] = field(default_factory=list)


def parse_qif(data: bytes, source: str) -> list[Statement]:
    """One Statement per bank / card / cash section of a QIF file, in file order."""
    sections, skipped_kinds = _sections(decode_text(data), source)
    if not sections:
        if skipped_kinds:
            kinds = ", ".join(sorted(skipped_kinds))
            raise StatementError(
                source,
                f"ce fichier QIF ne contient aucun compte bancaire ou de carte "
                f"(sections trouvées\u00a0: {kinds}).",
            )
        raise StatementError(source, "aucune section !Type:Bank ou !Type:CCard dans ce QIF.")
    records = [r for s in sections for r in s.records]
    day_first, guessed = _date_order(records, source)
    decimal_mark = _decimal_mark(records)
    statements = []
    for section in sections:
        statements.append(
            _statement(section, source, day_first, guessed, decimal_mark)
        )
    return statements


def _sections(text: str, source: str) -> tuple[list[_Section], set[str]]:
    """The cash-like sections with their records; the names of the other sections seen."""
    sections: list[_Section] = []
    skipped: set[str] = set()
    current: _Section | None = None
    in_account_block = False
    account_name = ""
    record: _Record | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip("\r\n\ufeff")
        if not line.strip():
            continue
        if line.startswith("!"):
            header = line[1:].strip()
            lowered = header.lower()
            record = None
            if lowered.startswith("type:"):
                kind = lowered[5:].strip()
                in_account_block = False
                if kind in _CASH_TYPES:
                    current = _Section(kind, account_name, number)
                    sections.append(current)
                else:
                    current = None
                    skipped.add(header[5:].strip())
            elif lowered == "account":
                in_account_block, current, account_name = True, None, ""
            else:  # !Option:AutoSwitch, !Clear:AutoSwitch…
                in_account_block = False
            continue
        if in_account_block:
            if line.startswith("N"):
                account_name = line[1:].strip()
            elif line.startswith("^"):
                in_account_block = False
            continue
        if current is None:
            continue
        if line.startswith("^"):
            if record is not None:
                current.records.append(record)
            record = None
            continue
        if record is None:
            record = _Record(number)
        letter, value = line[0], line[1:].strip()
        if letter in "SE$%":  # split lines: the record's own T is the amount booked
            continue
        record.fields.setdefault(letter, value)
    if record is not None and current is not None and record.fields:
        current.records.append(record)  # last record without its final ^
    return sections, skipped


def _date_parts(text: str) -> tuple[int, int, str, int] | None:
    """(first, second, separator before the year, year) of a QIF date, None if unreadable."""
    match = _DATE.match(text)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), match.group(3).strip(), int(match.group(4))


def _date_order(records: list[_Record], source: str) -> tuple[bool, bool]:
    """(day first, guessed): day/month order decided from the whole file."""
    day_first_seen = month_first_seen = None
    for record in records:
        parts = _date_parts(record.fields.get("D", ""))
        if parts is None or parts[0] > 31:  # year first: no order to decide
            continue
        first, second = parts[0], parts[1]
        if first > 12 and day_first_seen is None:
            day_first_seen = record.line
        if second > 12 and month_first_seen is None:
            month_first_seen = record.line
    if day_first_seen and month_first_seen:
        raise StatementError(
            source,
            f"dates incohérentes\u00a0: la ligne {day_first_seen} est écrite jour/mois et la "
            f"ligne {month_first_seen} mois/jour.",
            month_first_seen,
        )
    if day_first_seen:
        return True, False
    if month_first_seen:
        return False, False
    return True, True


def _decimal_mark(records: list[_Record]) -> str:
    """"." or "," as the file's decimal mark, "" when its amounts do not tell."""
    point = comma = False
    for record in records:
        amount = (record.fields.get("T") or record.fields.get("U") or "").replace(" ", "")
        if re.search(r"\.\d{1,2}$", amount):
            point = True
        if re.search(r",\d{1,2}$", amount):
            comma = True
    if point and not comma:
        return "."
    if comma and not point:
        return ","
    return ""


def _amount(text: str, mark: str, source: str, line: int) -> Decimal:
    raw = re.sub(r"[\s\u00a0\u202f€$]", "", text)
    if mark == ".":
        raw = raw.replace(",", "")
    elif mark == ",":
        raw = raw.replace(".", "").replace(",", ".")
    elif "," in raw and "." in raw:
        raw = raw.replace(",", "") if raw.rfind(".") > raw.rfind(",") else raw.replace(
            ".", "").replace(",", ".")
    else:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise StatementError(source, f"montant {quote(text)} illisible.", line) from None
    return value


def _date(text: str, day_first: bool, source: str, line: int) -> dt.date:
    parts = _date_parts(text)
    if parts is None:
        raise StatementError(source, f"date {quote(text)} illisible.", line)
    first, second, separator, year = parts
    try:
        if first > 31:  # 2026-01-05
            return dt.date(first, second, year)
        if year < 100:
            year += 2000 if separator == "'" or year < 80 else 1900
        day, month = (first, second) if day_first else (second, first)
        return dt.date(year, month, day)
    except ValueError:
        raise StatementError(source, f"date {quote(text)} impossible.", line) from None


def _statement(
    section: _Section, source: str, day_first: bool, guessed: bool, mark: str
) -> Statement:
    """A section's records as a Statement (an « Opening Balance » record becomes its opening)."""
    lines: list[BankLine] = []
    opening = None
    notes: list[str] = []
    for rank, record in enumerate(section.records):
        fields = record.fields
        if "D" not in fields:
            raise StatementError(source, "opération sans date (ligne D absente).", record.line)
        amount_text = fields.get("T") or fields.get("U")
        if not amount_text:
            raise StatementError(source, "opération sans montant (ligne T absente).", record.line)
        when = _date(fields["D"], day_first, source, record.line)
        amount = _amount(amount_text, mark, source, record.line)
        payee = collapse(fields.get("P"))
        if rank == 0 and payee.lower() in _OPENING_PAYEES and fields.get("L", "").startswith("["):
            opening = Balance(date=when - dt.timedelta(days=1), amount=amount)
            notes.append(f"Solde initial du QIF ({payee}) lu comme solde d'ouverture.")
            continue
        number = collapse(fields.get("N"))
        label = join_unique(payee, fields.get("M")) or "Opération sans libellé"
        if number:
            label = f"{label} n° {number}"
        lines.append(BankLine(
            date=when, label=label, amount=amount, counterparty=payee, source_line=record.line,
        ))
    if guessed and lines:
        notes.append(
            "Ordre jour/mois des dates deviné (jour d'abord, usage français)\u00a0: aucune "
            "date du fichier ne permettait de trancher."
        )
    if section.account_name:
        notes.append(f"Compte nommé {quote(section.account_name)} dans le fichier QIF.")
    if section.kind == "ccard":
        notes.append("Relevé de carte de crédit (QIF).")
    return Statement(
        source=source,
        format=FORMAT,
        account="",
        lines=tuple(lines),
        opening=opening,
        notes=tuple(notes),
    )
