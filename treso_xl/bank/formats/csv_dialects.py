"""Column layouts of French banks' CSV exports, recognised from the header row (see SOURCES.md)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_header(text: str) -> str:
    """« Date de l'opération » -> "date de l operation": lower case, no accents nor punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", bare.lower()).strip()


# Each role lists the normalized header names that may hold it, in order of preference.
ROLES = (
    "date",
    "value_date",
    "label",
    "amount",
    "debit",
    "credit",
    "reference",
    "balance",
    "counterparty",
    "currency",
    "status",
    "account",
)


@dataclass(frozen=True)
class BankDialect:
    """One bank's CSV export: how to recognise it and which column holds what.

    `signature`: normalized header names that must all be present for the layout to be this bank's.
    Each role gives candidate header names, the first present wins; `label` takes every present
    one (joined, a label contained in another dropped). `decimal` is the bank's decimal separator
    for amounts, used when a column's own values do not tell.
    """

    key: str
    name: str
    signature: frozenset[str]
    date: tuple[str, ...]
    label: tuple[str, ...]
    amount: tuple[str, ...] = ()
    debit: tuple[str, ...] = ()
    credit: tuple[str, ...] = ()
    value_date: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    balance: tuple[str, ...] = ()
    counterparty: tuple[str, ...] = ()
    currency: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    account: tuple[str, ...] = ()
    decimal: str | None = None
    preamble: str = "generic"  # how to read the lines above the header: generic, bnp, sg


def _sig(*names: str) -> frozenset[str]:
    return frozenset(names)


DIALECTS: tuple[BankDialect, ...] = (
    BankDialect(
        key="qonto",
        name="Qonto",
        signature=_sig("transaction id", "total amount incl vat", "counterparty name"),
        date=(
            "settlement date local",
            "settlement date utc",
            "operation date local",
            "operation date utc",
        ),
        value_date=("operation date local", "operation date utc"),
        label=("counterparty name", "reference"),
        amount=("total amount incl vat",),
        reference=("transaction id",),
        counterparty=("counterparty name",),
        currency=("currency",),
        status=("status",),
        decimal=".",
    ),
    BankDialect(
        key="qonto-fr",
        name="Qonto",
        signature=_sig("montant total ttc", "statut"),
        date=(
            "date de reglement local",
            "date de reglement utc",
            "date de la valeur local",
            "date de la valeur utc",
            "date de l operation local",
            "date de l operation utc",
        ),
        label=("nom de la contrepartie", "reference"),
        amount=("montant total ttc",),
        reference=("identifiant de transaction", "id de transaction"),
        balance=("solde",),
        counterparty=("nom de la contrepartie",),
        currency=("devise",),
        status=("statut",),
        decimal=",",
    ),
    BankDialect(
        key="shine",
        name="Shine",
        signature=_sig(
            "transaction id", "date d operation", "debit", "credit", "libelle",
            "nom de la contrepartie",
        ),
        date=("date d operation",),
        value_date=("date de la valeur",),
        label=("libelle",),
        debit=("debit",),
        credit=("credit",),
        reference=("transaction id",),
        counterparty=("nom de la contrepartie",),
        decimal=",",
    ),
    BankDialect(
        key="bnp",
        name="BNP Paribas",
        signature=_sig("date operation", "libelle operation", "montant operation en euro"),
        date=("date operation",),
        label=("libelle operation", "libelle court"),
        amount=("montant operation en euro",),
        decimal=",",
        preamble="bnp",
    ),
    BankDialect(
        key="sg",
        name="Société Générale",
        signature=_sig(
            "date de l operation", "libelle", "detail de l ecriture", "montant de l operation"
        ),
        date=("date de l operation",),
        label=("detail de l ecriture", "libelle"),
        amount=("montant de l operation",),
        currency=("devise",),
        decimal=",",
        preamble="sg",
    ),
    BankDialect(
        key="ca",
        name="Crédit Agricole",
        signature=_sig("date", "libelle", "debit euros", "credit euros"),
        date=("date",),
        value_date=("date valeur", "date de valeur"),
        label=("libelle",),
        debit=("debit euros",),
        credit=("credit euros",),
        decimal=",",
    ),
    BankDialect(
        key="lbp",
        name="La Banque Postale",
        signature=_sig("date", "libelle", "montant euros"),
        date=("date",),
        label=("libelle",),
        amount=("montant euros",),
        decimal=",",
    ),
    BankDialect(
        key="bourso",
        name="BoursoBank",
        signature=_sig("dateop", "dateval", "label", "amount"),
        date=("dateop",),
        value_date=("dateval",),
        label=("label",),
        amount=("amount",),
        counterparty=("supplierfound",),
        account=("accountnum",),
        decimal=",",
    ),
    BankDialect(
        key="cm",
        name="Crédit Mutuel / CIC",
        signature=_sig("date", "date de valeur", "debit", "credit", "libelle", "solde"),
        date=("date",),
        value_date=("date de valeur",),
        label=("libelle",),
        debit=("debit",),
        credit=("credit",),
        balance=("solde",),
        decimal=",",
    ),
    BankDialect(
        key="cm-montant",
        name="Crédit Mutuel / CIC",
        signature=_sig("date", "date de valeur", "montant", "libelle", "solde"),
        date=("date",),
        value_date=("date de valeur",),
        label=("libelle",),
        amount=("montant",),
        balance=("solde",),
        decimal=",",
    ),
)

# The generic detector: names any bank may give each column (normalized), most specific first.
GENERIC = BankDialect(
    key="generic",
    name="",
    signature=frozenset(),
    date=(
        "date",
        "date operation",
        "date d operation",
        "date de l operation",
        "date de comptabilisation",
        "date comptable",
        "date de transaction",
        "date transaction",
        "date op",
        "dateop",
        "booking date",
        "transaction date",
        "date de reglement",
        "jour",
    ),
    value_date=(
        "date de valeur", "date valeur", "dateval", "value date", "date de la valeur", "valeur"
    ),
    label=(
        "libelle",
        "libelle operation",
        "libelle de l operation",
        "libelle complet",
        "libelle simplifie",
        "intitule",
        "description",
        "label",
        "detail",
        "detail de l operation",
        "detail de l ecriture",
        "nature de l operation",
        "nature",
        "operation",
        "motif",
    ),
    amount=(
        "montant",
        "montant eur",
        "montant euro",
        "montant euros",
        "montant en euros",
        "montant en eur",
        "montant operation",
        "montant de l operation",
        "montant operation en euro",
        "amount",
        "somme",
    ),
    debit=(
        "debit",
        "debit eur",
        "debit euro",
        "debit euros",
        "debit en euros",
        "montant debit",
        "debits",
        "sortie",
        "sorties",
    ),
    credit=(
        "credit",
        "credit eur",
        "credit euro",
        "credit euros",
        "credit en euros",
        "montant credit",
        "credits",
        "entree",
        "entrees",
    ),
    reference=(
        "reference",
        "ref",
        "reference banque",
        "reference de l operation",
        "numero d operation",
        "n operation",
        "transaction id",
        "identifiant de transaction",
        "id",
    ),
    balance=("solde", "solde eur", "solde euros", "solde apres operation", "balance"),
    counterparty=("tiers", "beneficiaire", "contrepartie", "nom de la contrepartie"),
    currency=("devise", "currency", "monnaie"),
    account=("numero de compte", "n de compte", "compte", "iban du compte"),
)


@dataclass(frozen=True)
class Columns:
    """Resolved column positions (0-based) of one file's table."""

    date: int
    labels: tuple[int, ...]
    amount: int | None = None
    debit: int | None = None
    credit: int | None = None
    value_date: int | None = None
    reference: int | None = None
    balance: int | None = None
    counterparty: int | None = None
    currency: int | None = None
    status: int | None = None
    account: int | None = None


def resolve(dialect: BankDialect, headers: list[str]) -> Columns | None:
    """The dialect's columns in this header row (normalized names), None if one is missing."""
    position: dict[str, int] = {}
    for index, name in enumerate(headers):
        position.setdefault(name, index)

    def first(names: tuple[str, ...], taken: set[int]) -> int | None:
        for name in names:
            index = position.get(name)
            if index is not None and index not in taken:
                return index
        return None

    taken: set[int] = set()
    date = first(dialect.date, taken)
    if date is None:
        return None
    taken.add(date)
    labels = tuple(
        dict.fromkeys(position[n] for n in dialect.label if n in position and position[n] != date)
    )
    if dialect.key == "generic":
        labels = labels[:1]
    taken.update(labels)
    amount = first(dialect.amount, taken)
    debit = credit = None
    if amount is None:
        debit = first(dialect.debit, taken)
        credit = first(dialect.credit, taken | ({debit} if debit is not None else set()))
        if debit is None or credit is None:
            return None
    if not labels:
        return None
    found = {date, *labels, amount, debit, credit} - {None}
    extra: dict[str, int | None] = {}
    for role in ("value_date", "reference", "balance", "currency", "status", "account"):
        index = first(getattr(dialect, role), found)  # type: ignore[arg-type]
        extra[role] = index
        if index is not None:
            found.add(index)
    # The counterparty may be a label column too (Qonto's « Counterparty name »).
    extra["counterparty"] = first(dialect.counterparty, found - set(labels))
    return Columns(date=date, labels=labels, amount=amount, debit=debit, credit=credit, **extra)


def detect(headers: list[str]) -> tuple[BankDialect, Columns] | None:
    """The built-in bank whose signature this header row carries, else the generic reading.

    Two banks matching equally (same signature size, different readings) is ambiguous: the
    generic detector decides. None when no Date, Libellé and Montant/Débit/Crédit are found.
    """
    present = set(headers)
    matches = [d for d in DIALECTS if d.signature <= present]
    if matches:
        best = max(len(d.signature) for d in matches)
        top = [d for d in matches if len(d.signature) == best]
        resolved = [(d, resolve(d, headers)) for d in top]
        resolved = [(d, c) for d, c in resolved if c is not None]
        if len({c for _, c in resolved}) == 1 and len({d.name for d, _ in resolved}) == 1:
            return resolved[0]  # type: ignore[return-value]
    columns = resolve(GENERIC, headers)
    return (GENERIC, columns) if columns is not None else None


def looks_like_header(headers: list[str]) -> bool:
    """True when a row names a date column and an amount (or debit/credit) column."""
    names = set(headers)
    if any(d.signature <= names for d in DIALECTS):
        return True
    has_date = any(n in names for n in GENERIC.date)
    has_money = any(n in names for n in GENERIC.amount + GENERIC.debit + GENERIC.credit)
    return has_date and has_money
