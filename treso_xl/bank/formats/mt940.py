"""MT940 (SWIFT customer statement) read with the mt-940 package, one Statement per :20: block."""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
from decimal import Decimal

from treso_xl.bank.formats.common import collapse, decode_text, is_iban, line_numbers
from treso_xl.bank.formats.rib import rib_to_iban
from treso_xl.bank.statement import Balance, BankLine, Statement, StatementError
from treso_xl.french import quote

FORMAT = "MT940"

_BLOCK_START = re.compile(r"^:20:", re.MULTILINE)
_LINE_61 = re.compile(r"^:61:", re.MULTILINE)
_CLOSING_TAG = re.compile(r"^:62[FM]:", re.MULTILINE)
_TRAILING_86 = re.compile(r"^:86:.*?(?=^:\d{2}[A-Z]?:|\Z)", re.MULTILINE | re.DOTALL)
_SUBFIELD = re.compile(r"\?(\d{2})")
_CURRENCY_SUFFIX = re.compile(r"^(.*?)([A-Z]{3})$")


def looks_like_mt940(head: bytes) -> bool:
    """True when the first bytes hold MT940 statement tags (:20: then :25: or :60F:)."""
    text = head[:8192].decode("latin-1")
    return bool(re.search(r"(^|[\r\n{:])\s*:20:", text)) and bool(
        re.search(r"^:(25|60[FM]|61):", text, re.MULTILINE)
    )


def parse_mt940(data: bytes, source: str) -> list[Statement]:
    """Every statement (from one :20: to the next) of an MT940 file, in file order."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    starts = [m.start() for m in _BLOCK_START.finditer(text)]
    if not starts:
        raise StatementError(source, "aucun relevé MT940 (balise :20:) dans ce fichier.")
    statements = []
    for index, (start, first_line) in enumerate(zip(starts, line_numbers(text, starts),
                                                    strict=True)):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        chunk = text[start:end]
        statements.append(_statement(chunk, source, first_line))
    return statements


def _statement(chunk: str, source: str, first_line: int) -> Statement:
    """One :20: … block as a Statement."""
    import mt940

    # a SWIFT envelope's closing "-}" may follow the last tag
    chunk = re.sub(r"\n-\}?\s*(\{[^\n]*)?$", "\n", chunk.rstrip()) + "\n"
    # an :86: after the closing balance is about the statement: not the last line's label
    closing = _CLOSING_TAG.search(chunk)
    if closing:
        chunk = chunk[: closing.start()] + _TRAILING_86.sub("", chunk[closing.start():])
    # the raw :86: text is kept: _details joins its ?20..?29 subfields itself
    transactions = mt940.models.Transactions(processors={"post_transaction_details": []})
    library_log = logging.getLogger("mt940")
    level = library_log.level
    library_log.setLevel(logging.CRITICAL + 1)  # its children inherit: no log noise on errors
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            transactions.parse(chunk)
    except Exception as error:  # mt-940 raises assorted errors on malformed tags
        raise _library_error(error, chunk, source, first_line) from None
    finally:
        library_log.setLevel(level)
    data = transactions.data
    lines_61 = line_numbers(chunk, [m.start() for m in _LINE_61.finditer(chunk)], first_line)
    lines: list[BankLine] = []
    for rank, transaction in enumerate(transactions):
        line = lines_61[rank] if rank < len(lines_61) else first_line
        lines.append(_line(transaction.data, source, line))
    opening = _balance(data.get("final_opening_balance") or data.get(
        "intermediate_opening_balance"))
    closing = _balance(data.get("final_closing_balance") or data.get(
        "intermediate_closing_balance"))
    currency = ""
    for key in ("final_opening_balance", "final_closing_balance",
                "intermediate_opening_balance", "intermediate_closing_balance"):
        balance = data.get(key)
        if balance is not None and getattr(balance.amount, "currency", None):
            currency = balance.amount.currency
            break
    if not lines and opening is None and closing is None:
        raise StatementError(
            source, "relevé MT940 sans opération (:61:) ni solde (:60F:, :62F:).", first_line)
    return Statement(
        source=source,
        format=FORMAT,
        account=_account(str(data.get("account_identification") or "")),
        currency=(currency or "EUR").upper(),
        lines=tuple(lines),
        opening=opening,
        closing=closing,
    )


def _library_error(error: Exception, chunk: str, source: str, first_line: int) -> StatementError:
    """A French error naming the line mt-940 could not read, when its message quotes it."""
    detail = str(error)
    quoted = re.search(r"from '(.+?)'", detail, re.DOTALL)
    line, excerpt = first_line, ""
    if quoted:
        excerpt = quoted.group(1).replace("\\\\n", "\n").replace("\\n", "\n")
        start = chunk.find(excerpt.split("\n")[0][:20])
        if start >= 0:
            line = first_line + chunk.count("\n", 0, start)
        return StatementError(
            source, f"ligne MT940 illisible\u00a0: {quote(collapse(excerpt)[:80])}.", line)
    return StatementError(
        source, f"relevé MT940 illisible ({collapse(detail)[:200]}).", line)


def _balance(balance) -> Balance | None:
    """An mt-940 Balance as ours."""
    if balance is None or balance.date is None:
        return None
    return Balance(date=_as_date(balance.date), amount=Decimal(balance.amount.amount))


def _as_date(value) -> dt.date:
    return dt.date(value.year, value.month, value.day)


def _account(raw: str) -> str:
    """:25: as an IBAN when it is one (maybe followed by its currency) or a French RIB."""
    text = raw.strip()
    compact = re.sub(r"\s+", "", text).upper()
    if is_iban(compact):
        return compact
    suffix = _CURRENCY_SUFFIX.match(compact)
    if suffix and is_iban(suffix.group(1)):
        return suffix.group(1)
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", text) if p]
    if len(parts) in (3, 4) and len(parts[0]) == 5 and len(parts[1]) == 5:
        rebuilt = rib_to_iban(parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else None)
        if rebuilt:
            return rebuilt
    return text


def _details(text: str) -> tuple[str, str]:
    """The label and counterparty of an :86: text; ?20..?29 (and ?60..?63) subfields joined."""
    if not text:
        return "", ""
    flat = text.replace("\n", "")
    if not _SUBFIELD.search(flat):
        return collapse(text), ""
    fields: dict[str, list[str]] = {}
    pieces = _SUBFIELD.split(flat)
    for code, value in zip(pieces[1::2], pieces[2::2], strict=False):
        fields.setdefault(code, []).append(value)
    purpose = "".join(
        "".join(fields.get(f"{n:02d}", [])) for n in [*range(20, 30), *range(60, 64)]
    )
    name = collapse("".join(fields.get("32", [])) + "".join(fields.get("33", [])))
    posting = collapse("".join(fields.get("00", []))) or collapse(pieces[0])
    return collapse(purpose, name) or posting or collapse(flat), name


def _line(data: dict, source: str, line: int) -> BankLine:
    """One :61: (+ :86:) transaction as a BankLine."""
    amount = data.get("amount")
    value = data.get("date")
    if amount is None or value is None:
        raise StatementError(source, "ligne :61: sans montant ou sans date.", line)
    booked = data.get("entry_date") or value
    label, counterparty = _details(str(data.get("transaction_details") or ""))
    if not label:
        label = collapse(str(data.get("extra_details") or ""),
                         str(data.get("customer_reference") or "")) or "Opération sans libellé"
    ref = str(data.get("bank_reference") or "").strip()
    return BankLine(
        date=_as_date(booked),
        label=label,
        amount=Decimal(amount.amount),
        bank_ref=ref,
        value_date=_as_date(value),
        counterparty=counterparty,
        source_line=line,
    )
