"""What every statement parser returns: the bank's lines and balances, format-independent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from treso_xl.errors import FileError


@dataclass(frozen=True)
class BankLine:
    """One operation of a statement, as the bank gives it.

    `amount` is signed: a credit (money in) is positive, a debit negative, in euros.
    `bank_ref`: the bank's own stable id of the operation (OFX FITID, CAMT AcctSvcrRef / NtryRef,
    MT940 bank reference, CSV "Référence" column…), "" when the format or the bank gives none.
    `source_line`: 1-based line (or record) of the file where the operation starts, for messages.
    `balance_after`: the balance after this operation when the file states it (CSV balance
    column), else None.
    """

    date: dt.date  # booking date (date d'opération / de comptabilisation)
    label: str  # libellé, whitespace collapsed, the bank's own text otherwise untouched
    amount: Decimal
    bank_ref: str = ""
    value_date: dt.date | None = None  # date de valeur, when given
    counterparty: str = ""  # payee / payer name when the format carries it apart from the label
    source_line: int = 0
    balance_after: Decimal | None = None


@dataclass(frozen=True)
class Balance:
    """A balance the statement states: the amount at the end of `date` (signed, euros)."""

    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    """One account's operations from one file (a file may hold several statements).

    `account`: the account id as the file gives it, IBAN when known (spaces removed, upper case),
    else the bank's account number; "" when the format carries none (QIF, most CSV).
    """

    source: str  # the file name as the user gave it, for messages
    format: str  # "OFX", "CAMT.053", "QIF", "MT940", "CFONB 120", "CSV <bank>"
    account: str
    currency: str = "EUR"
    lines: tuple[BankLine, ...] = ()
    opening: Balance | None = None
    closing: Balance | None = None
    notes: tuple[str, ...] = field(default=())  # French remarks for the user (skipped lines…)


class StatementError(FileError):
    """A statement file cannot be read: the French message names the file, line and problem."""

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        where = f"ligne {line} du fichier" if line else "fichier"
        super().__init__(f"Relevé {source}, {where}\u00a0: {problem}")
