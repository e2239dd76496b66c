"""The Banque input sheet: its columns and formats, and what an existing one already holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from treso_xl.bank.sheet_rows import AMOUNT, DATE, TEXT, SheetRows
from treso_xl.contract import BANQUE, Kind, normalize_label
from treso_xl.errors import FileError
from treso_xl.french import quote
from treso_xl.reading.problems import format_value
from treso_xl.reading.tables import header_row, match_headers

# The columns an existing Banque sheet must have for lines to be appended to it.
NEEDED = ("date", "libelle", "montant", "ref_banque")


class BanqueSheetError(FileError):
    """A sheet bears the Banque name but is not a bank sheet the import can append to."""


@dataclass(frozen=True)
class BanqueRow:
    """One line to append to Banque."""

    date: dt.date
    label: str
    amount: Decimal
    ref: str
    account: str
    category: str = ""
    balance: Decimal | None = None

    def value(self, field_name: str) -> object:
        return {
            "date": self.date,
            "libelle": self.label,
            "montant": self.amount,
            "ref_banque": self.ref,
            "compte": self.account,
            "categorie": self.category,
            "solde": self.balance,
        }.get(field_name)


def column_format(kind: Kind) -> str:
    if kind is Kind.DATE:
        return DATE
    if kind is Kind.AMOUNT:
        return AMOUNT
    return TEXT


@dataclass
class BanqueState:
    """What the workbook's Banque sheet holds: its name (None: absent), the column of each
    contract field found in its header row, and the operation ids of its lines."""

    title: str | None = None
    columns: dict[str, int] = field(default_factory=dict)  # field -> 1-based column
    refs: set[str] = field(default_factory=set)
    rows: int = 0  # lines already in the sheet (rows with a Réf. banque or a date)
    # (date, amount in cents) of the lines already there -> their Excel rows: a new line of
    # another id on the same day for the same amount may be the same operation imported from
    # another format of statement (OFX ids, CSV hashes): said, never dropped by guess
    day_amounts: dict[tuple[dt.date, int], list[int]] = field(default_factory=dict)

    @property
    def create(self) -> bool:
        return self.title is None


def _refusal(title: str, found: Sequence[str]) -> BanqueSheetError:
    missing = [c.name for c in BANQUE.columns if c.field in NEEDED and c.field not in found]
    listed = ", ".join(quote(name) for name in missing)
    return BanqueSheetError(
        f"La feuille {quote(title)} porte le nom de la feuille des relevés mais n'en a pas les "
        f"colonnes (il lui manque {listed} en ligne d'en-tête) : l'import ne peut pas y ajouter "
        f"les opérations. Renommez cette feuille, par exemple {quote(title + ' (perso)')}, "
        "pour que l'import crée la sienne, puis relancez. Rien n'a été modifié."
    )


def banque_state(title: str | None, grid: pd.DataFrame | None) -> BanqueState:
    """Read the Banque sheet `title` (its grid indexed by Excel row); BanqueSheetError when the
    sheet has content but not the bank sheet's header (a user's own sheet named « Banque »)."""
    if title is None:
        return BanqueState()
    state = BanqueState(title=title)
    top = header_row(grid) if grid is not None else None
    if top is None:  # an empty sheet: the header is written on its first row
        return state
    if top != 1:
        raise _refusal(title, ())
    found = match_headers(list(grid.loc[top].items()), BANQUE.columns)
    if any(name not in found for name in NEEDED):
        raise _refusal(title, tuple(found))
    state.columns = {name: int(position) + 1 for name, (position, _) in found.items()}
    body = grid.loc[top + 1 :]
    refs = body[found["ref_banque"][0]]
    dates = body[found["date"][0]]
    amounts = body[found["montant"][0]]
    for row, ref, date, amount in zip(
        body.index.tolist(), refs.tolist(), dates.tolist(), amounts.tolist(), strict=True
    ):
        text = format_value(ref) if not isinstance(ref, str) else ref.strip()
        if text:
            state.refs.add(text)
        if text or (date is not None and format_value(date)):
            state.rows += 1
        key = _day_amount(date, amount)
        if key is not None:
            state.day_amounts.setdefault(key, []).append(int(row))
    return state


def _day_amount(date: object, amount: object) -> tuple[dt.date, int] | None:
    """(day, cents) of a line already in Banque, None when either cell is not a plain value."""
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date) or isinstance(amount, bool):
        return None
    if not isinstance(amount, int | float | Decimal):
        return None
    try:
        return date, round(Decimal(str(amount)) * 100)
    except (ArithmeticError, ValueError):
        return None



def rows_spec(state: BanqueState, rows: Sequence[BanqueRow]) -> SheetRows:
    """What to write: every contract column for a new sheet, the found ones for an existing one."""
    if state.create or not state.columns:
        columns = list(range(1, len(BANQUE.columns) + 1))
        fields = [c.field for c in BANQUE.columns]
    else:
        fields = [c.field for c in BANQUE.columns if c.field in state.columns]
        columns = [state.columns[name] for name in fields]
    kinds = {c.field: c.kind for c in BANQUE.columns}
    formats = [column_format(kinds[name]) for name in fields]
    values = [[row.value(name) for name in fields] for row in rows]
    spec = SheetRows(state.title or BANQUE.name, columns, formats, values, create=state.create)
    if state.create or not state.columns:
        spec.header = [c.name for c in BANQUE.columns]
        spec.widths = [c.width for c in BANQUE.columns]
        spec.choices = {
            i + 1: c.choices for i, c in enumerate(BANQUE.columns) if c.kind is Kind.CHOICE
        }
        if not state.create:  # an empty sheet of that name: header written as a first row
            spec.rows = [spec.header, *values]
            spec.header_rows = 1
    return spec


def is_banque_header(text: object) -> bool:
    """Whether a header cell names a contract column of Banque."""
    return any(normalize_label(str(text)) == c.key for c in BANQUE.columns)
