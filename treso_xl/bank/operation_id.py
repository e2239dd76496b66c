"""A stable id per bank operation, so that importing a statement twice adds nothing."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from treso_xl.bank.statement import BankLine

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")
_FR_IBAN = re.compile(r"^(?:FR|MC)\d{2}(\d{5})(\d{5})([0-9A-Z]{11})(\d{2})$")
_RIB = re.compile(r"^(\d{5})(\d{5})([0-9A-Z]{11})(\d{2})?$")
HASH_MARK = "#"  # a hash id is `<account>:#<16 hex digits>`, a bank id `<account>:<bank id>`


@lru_cache(maxsize=1024)
def account_key(account: str) -> str:
    """The account as every format can give it: a French IBAN or RIB gives its 11-character
    account number ("FR76 3000 4000 0100 0123 4567 890" and "30004 00001 00012345678 90" give
    "00012345678"); any other text, its letters and digits in upper case."""
    text = _NON_ALNUM.sub("", account or "").upper()
    match = _FR_IBAN.match(text) or _RIB.match(text)
    if match:
        return match.group(3)
    return text


_NON_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65_536)
def fold_label(label: str) -> str:
    """A label compared without case, accents, punctuation or spacing differences."""
    text = label or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _amount_text(amount: Decimal) -> str:
    return format(Decimal(amount).quantize(Decimal("0.01")), "f")


def hash_id(account: str, line: BankLine, rank: int) -> str:
    """The id of a line the bank gave no id for: a hash of account, date, amount, folded label
    and rank among the identical lines of the statement (1 for the first)."""
    key = account_key(account)
    data = "|".join(
        (key, line.date.isoformat(), _amount_text(line.amount), fold_label(line.label), str(rank))
    )
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]
    return f"{key}:{HASH_MARK}{digest}" if key else f"{HASH_MARK}{digest}"


def bank_id(account: str, bank_ref: str) -> str:
    """The id of a line the bank gave its own id for, prefixed by the account."""
    key = account_key(account)
    ref = " ".join(bank_ref.split())
    return f"{key}:{ref}" if key else ref


def operation_ids(account: str, lines: Iterable[BankLine]) -> list[str]:
    """The id of each line of one statement, in order: the bank's id when given, else a hash.

    Two lines of the statement identical in date, amount and folded label are told apart by
    their rank; two statements covering the same days rank them alike, so an overlap adds
    nothing. A bank id repeated inside a statement (a bank reusing a reference) is made unique
    by its rank too.
    """
    ids: list[str] = []
    ranks: dict[tuple, int] = {}
    for line in lines:
        if line.bank_ref.strip():
            base = bank_id(account, line.bank_ref)
            rank = ranks[("ref", base)] = ranks.get(("ref", base), 0) + 1
            ids.append(base if rank == 1 else f"{base}/{rank}")
            continue
        same = (line.date, _amount_text(line.amount), fold_label(line.label))
        rank = ranks[same] = ranks.get(same, 0) + 1
        ids.append(hash_id(account, line, rank))
    return ids
