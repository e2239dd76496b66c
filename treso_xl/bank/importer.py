"""Import bank statements into the workbook's Banque sheet: parse, check, dedupe, append."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from treso_xl.bank.banque_sheet import BanqueRow, BanqueState, banque_state, rows_spec
from treso_xl.bank.categories import (
    DEFAULT_RULES,
    RULES,
    RULES_SHEET,
    Rule,
    categorize,
    default_rules,
    read_rules,
)
from treso_xl.bank.operation_id import account_key, operation_ids
from treso_xl.bank.sheet_rows import TEXT, SheetRows
from treso_xl.bank.statement import BankLine, Statement, StatementError
from treso_xl.contract import BANQUE, PARAMETRES_SHEET
from treso_xl.errors import DataError, FileError, TresoError
from treso_xl.french import count, euros, quote
from treso_xl.reading.problems import InputError, Problem
from treso_xl.reading.tables import ambiguous_sheet, sheet_candidates

MAPPING_SHEET_NAME = "Format relevé"  # helper B's csv_mapping.MAPPING_SHEET, when it is there
NBSP = "\u00a0"


class StatementFilesError(FileError):
    """One or more statement files cannot be imported; the message lists every one."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class AccountMismatchError(DataError):
    """A statement is of another account than the workbook's IBAN (data to check: exit 1)."""


@dataclass
class FileResult:
    """What one statement file brought."""

    source: str
    formats: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    read: int = 0
    added: int = 0
    already: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    closing: tuple[dt.date, Decimal] | None = None
    notes: list[str] = field(default_factory=list)
    twins: list[int] = field(default_factory=list)  # Banque rows with a line's day and amount

    def line(self) -> str:
        """A French summary line for this file."""
        fmt = ", ".join(dict.fromkeys(self.formats)) or "?"
        noun = "opération lue" if self.read == 1 else "opérations lues"
        text = f"{self.source} ({fmt}){NBSP}: {self.read} {noun}, {self.added} ajoutée"
        text += "s" if self.added > 1 else ""
        if self.already:
            text += f", {self.already} déjà présente" + ("s" if self.already > 1 else "")
        if self.first and self.last:
            text += f", du {self.first:%d/%m/%Y} au {self.last:%d/%m/%Y}"
        if self.closing:
            day, amount = self.closing
            text += f", solde au {day:%d/%m/%Y}{NBSP}: {euros(float(amount))}"
        return text + "."


@dataclass
class ImportResult:
    """What an import did."""

    files: list[FileResult]
    rows: list[BanqueRow]
    created: list[str] = field(default_factory=list)  # sheets created
    written: Path | None = None
    backup: Path | None = None
    first_row: int = 0  # Excel row of the first line added

    @property
    def added(self) -> int:
        return len(self.rows)

    @property
    def already(self) -> int:
        return sum(f.already for f in self.files)

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    def lines(self) -> list[str]:
        """The French summary: one line per file, then the total and what was written."""
        out = [f.line() for f in self.files]
        for f in self.files:
            out += [f"{f.source}{NBSP}: {note}" for note in f.notes]
        if self.rows:
            noun = "opération ajoutée" if self.added == 1 else "opérations ajoutées"
            sheet = quote(BANQUE.name)
            last = self.first_row + self.added - 1
            rows = (
                f"ligne {self.first_row}"
                if self.added == 1
                else f"lignes {self.first_row} à {last}"
            )
            out.append(f"{self.added} {noun} à la feuille {sheet}, {rows}.")
        else:
            out.append(
                "Aucune nouvelle opération : toutes étaient déjà dans la feuille "
                f"{quote(BANQUE.name)}."
                if self.read
                else "Aucune opération dans ces relevés."
            )
        for name in self.created:
            out.append(f"Feuille {quote(name)} créée.")
        return out


# --- reading what the workbook holds ------------------------------------------------------------


@dataclass
class WorkbookInputs:
    """What the import needs from the workbook."""

    iban: str = ""
    banque: BanqueState = field(default_factory=BanqueState)
    rules: list[Rule] | None = None  # None: no rules sheet (the defaults are used and written)
    mapping: Any = None  # helper B's CsvMapping from « Format relevé », None when absent
    has_mapping_sheet: bool = False


def _single(names: list[str], wanted: str) -> str | None:
    found = sheet_candidates(names, wanted)
    if len(found) > 1:
        raise InputError([ambiguous_sheet(wanted, found)])
    return found[0] if found else None


def read_inputs(names: list[str], load: Callable[[str], pd.DataFrame]) -> WorkbookInputs:
    """Paramètres' IBAN, the Banque sheet, the rules and the CSV layout, from sheet grids
    (`load(title)`: the grid of a sheet indexed by Excel row). InputError on bad input."""
    from treso_xl.reading.workbook import read_params

    raw_load = load

    def load(title: str) -> pd.DataFrame:  # a damaged sheet is named, never a traceback
        try:
            return raw_load(title)
        except TresoError:
            raise
        except Exception as error:
            raise InputError(
                [
                    Problem(
                        title,
                        None,
                        None,
                        None,
                        "la feuille est illisible ; ouvrez le classeur dans Excel et "
                        "enregistrez-le à nouveau.",
                    )
                ]
            ) from error

    inputs = WorkbookInputs()
    title = _single(names, PARAMETRES_SHEET)
    if title is not None:
        params, problems = read_params(load(title), title)
        if problems:
            raise InputError(problems)
        inputs.iban = (params.iban or "") if params is not None else ""
    title = _single(names, BANQUE.name)
    inputs.banque = banque_state(title, load(title) if title is not None else None)
    title = _single(names, RULES_SHEET)
    if title is not None:
        inputs.rules = read_rules(load(title), title)
    title = _single(names, MAPPING_SHEET_NAME)
    if title is not None:
        inputs.has_mapping_sheet = True
        inputs.mapping = _read_mapping(load(title), title)
    return inputs


def _read_mapping(grid: pd.DataFrame, title: str) -> Any:
    """Helper B's CsvMapping from the sheet's rows (None when that module is not there)."""
    try:
        from treso_xl.bank.csv_mapping import mapping_from_rows
    except ImportError:
        return None
    rows = grid.astype(object).where(grid.notna(), None).values.tolist()
    return mapping_from_rows(rows, title)


# --- statements ----------------------------------------------------------------------------------


def _csv_hint(path: Path, message: str, has_mapping_sheet: bool) -> str:
    """How to describe an unknown CSV layout, when the workbook has no « Format relevé »."""
    if has_mapping_sheet:
        return ""
    if MAPPING_SHEET_NAME in message:
        return (
            f"\nPour ajouter la feuille {quote(MAPPING_SHEET_NAME)} au classeur{NBSP}: "
            "treso-xl importer CLASSEUR --creer-format"
        )
    if path.suffix.lower() not in (".csv", ".txt"):
        return ""
    return (
        f"\nSi ce relevé CSV vient d'une banque que treso-xl ne reconnaît pas, décrivez ses "
        f"colonnes dans la feuille {quote(MAPPING_SHEET_NAME)}{NBSP}: « treso-xl importer "
        "CLASSEUR --creer-format » la crée, puis relancez l'import."
    )


def parse_statements(
    paths: Sequence[Path], mapping: Any = None, has_mapping_sheet: bool = False
) -> list[Statement]:
    """Every statement of every file; StatementFilesError listing all the files' problems."""
    from treso_xl.bank.detect import read_statement_file

    statements: list[Statement] = []
    errors: list[str] = []
    for path in paths:
        path = Path(path)
        try:
            statements.extend(read_statement_file(path, csv_mapping=mapping))
        except StatementError as error:
            message = str(error)
            errors.append(message + _csv_hint(path, message, has_mapping_sheet))
        except TresoError as error:
            errors.append(f"Relevé {path.name}{NBSP}: {error}")
        except OSError as error:
            errors.append(
                f"Relevé {path.name}{NBSP}: le fichier ne peut pas être lu "
                f"({error.strerror or error})."
            )
    if errors:
        raise StatementFilesError([*errors, "Le classeur n'a pas été modifié."])
    return statements


def check_accounts(statements: Sequence[Statement], iban: str) -> None:
    """AccountMismatchError naming each statement of another account than the workbook's, or in
    another currency than the euro."""
    foreign = [
        f"Le relevé {quote(s.source)} est en {s.currency} : treso-xl ne compte qu'en euros ; "
        "importez seulement les relevés de vos comptes en euros."
        for s in statements
        if s.currency and s.currency.upper() != "EUR"
    ]
    if foreign:
        raise AccountMismatchError("\n".join([*foreign, "Le classeur n'a pas été modifié."]))
    if not iban:
        return
    wanted = account_key(iban)
    wrong = [
        f"Le relevé {quote(s.source)} est celui du compte {s.account}, et non du compte du "
        f"classeur (IBAN {iban} de la feuille {quote(PARAMETRES_SHEET)})."
        for s in statements
        if s.account and account_key(s.account) != wanted
    ]
    if wrong:
        raise AccountMismatchError(
            "\n".join(
                [
                    *wrong,
                    "Importez les relevés de ce compte dans son propre classeur, ou corrigez "
                    f"l'IBAN de la feuille {quote(PARAMETRES_SHEET)}. Le classeur n'a pas été "
                    "modifié.",
                ]
            )
        )


def chronological(lines: Sequence[BankLine]) -> list[int]:
    """Indices of `lines` from oldest to newest (a newest-first file is read backwards; lines
    of one day keep the file's order)."""
    order = list(range(len(lines)))
    if len(lines) > 1 and lines[0].date > lines[-1].date:
        order.reverse()
    return sorted(order, key=lambda i: lines[i].date)


def running_balances(statement: Statement, order: Sequence[int]) -> dict[int, Decimal]:
    """The balance after each line (index -> amount) when the statement lets it be known: the
    file's own per-line balance, else from the closing balance backwards, else from the opening
    balance forwards."""
    lines = statement.lines
    result: dict[int, Decimal] = {}
    if statement.closing is not None:
        balance = Decimal(statement.closing.amount)
        for i in reversed(order):
            if lines[i].date > statement.closing.date:
                continue
            result[i] = balance
            balance -= lines[i].amount
    elif statement.opening is not None:
        balance = Decimal(statement.opening.amount)
        for i in order:
            balance += lines[i].amount
            result[i] = balance
    for i, line in enumerate(lines):
        if line.balance_after is not None:
            result[i] = Decimal(line.balance_after)
    return result


def plan_rows(
    statements: Sequence[Statement],
    existing: set[str],
    rules: list[Rule],
    iban: str = "",
    day_amounts: dict[tuple[dt.date, int], list[int]] | None = None,
) -> tuple[list[BanqueRow], list[FileResult]]:
    """The new Banque rows (oldest first) and a result per file; lines whose id is in
    `existing` or earlier in the batch are counted as already present. A new line on the same
    day for the same amount as a line already in Banque (`day_amounts`: their Excel rows) under
    another id is added and said in its file's notes: the same statement downloaded in another
    format has other ids, and two identical card payments in one day are real."""
    from stdnum import iban as stdnum_iban

    seen = set(existing)
    rows: list[BanqueRow] = []
    results: dict[str, FileResult] = {}
    workbook_account = stdnum_iban.compact(iban) if iban else ""
    for statement in statements:
        result = results.setdefault(statement.source, FileResult(statement.source))
        result.formats.append(statement.format)
        account = statement.account or workbook_account
        ids = operation_ids(account, statement.lines)
        # lines imported while neither the file nor Paramètres named the account have ids
        # without it: an IBAN typed since then must not make them new
        bare = operation_ids("", statement.lines) if account else ids
        order = chronological(statement.lines)
        balances = running_balances(statement, order)
        result.read += len(statement.lines)
        result.notes.extend(statement.notes)
        for i in order:
            line = statement.lines[i]
            result.first = min(result.first or line.date, line.date)
            result.last = max(result.last or line.date, line.date)
            if ids[i] in seen or bare[i] in existing:
                result.already += 1
                continue
            seen.add(ids[i])
            result.added += 1
            twins = (day_amounts or {}).get((line.date, round(Decimal(line.amount) * 100)), [])
            if twins:
                result.twins.extend(twins)
            label = line.label
            if line.counterparty and line.counterparty.casefold() not in label.casefold():
                label = f"{label} {line.counterparty}".strip()
            rows.append(
                BanqueRow(
                    date=line.date,
                    label=label,
                    amount=Decimal(line.amount),
                    ref=ids[i],
                    account=account,
                    category=categorize(rules, label, Decimal(line.amount)),
                    balance=balances.get(i),
                )
            )
        closing = statement.closing
        if closing is not None:
            if result.closing is None or closing.date >= result.closing[0]:
                result.closing = (closing.date, Decimal(closing.amount))
        elif balances and order:
            last = max(balances, key=lambda i: (statement.lines[i].date, order.index(i)))
            day = statement.lines[last].date
            if result.closing is None or day >= result.closing[0]:
                result.closing = (day, balances[last])
    for result in results.values():
        if result.twins:
            result.notes.append(_twins_note(result.twins))
    rows.sort(key=lambda row: row.date)  # stable: each file's order within a day
    return rows, list(results.values())


def rules_spec() -> SheetRows:
    """The « Règles bancaires » sheet a first import creates, with the default rules."""
    return SheetRows(
        RULES_SHEET,
        [1, 2, 3],
        [TEXT, TEXT, TEXT],
        [list(rule) for rule in DEFAULT_RULES],
        create=True,
        header=[c.name for c in RULES.columns],
        widths=[c.width for c in RULES.columns],
        choices={2: RULES.columns[1].choices},
    )


def mapping_spec() -> SheetRows:
    """The « Format relevé » sheet, from helper B's template rows."""
    from treso_xl.bank.csv_mapping import MAPPING_SHEET, MAPPING_TEMPLATE_ROWS

    rows = [list(row) for row in MAPPING_TEMPLATE_ROWS]
    width = max((len(row) for row in rows), default=1)
    rows = [row + [None] * (width - len(row)) for row in rows]
    header, body = rows[0], rows[1:]
    return SheetRows(
        MAPPING_SHEET,
        list(range(1, width + 1)),
        [TEXT] * width,
        [["" if v is None else v for v in row] for row in body],
        create=True,
        header=["" if v is None else str(v) for v in header],
        widths=[28.0] + [40.0] * (width - 1),
    )


# --- the file ------------------------------------------------------------------------------------


def _workbook_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileError(
            f"Impossible de lire le classeur {quote(path.name)} ({exc.strerror or exc}) ; "
            "rien n'a été modifié."
        ) from exc


def _target(workbook: Path, output: Path | None) -> Path:
    from treso_xl.render.files import CONVERTIBLE, PROTECTED, XLSX, check_target, workbook_format

    target, kind = check_target(workbook, output)
    if kind == PROTECTED or kind in CONVERTIBLE or kind != XLSX:
        raise FileError(
            f"Le classeur {quote(workbook.name)} n'est pas au format .xlsx ou .xlsm : "
            "enregistrez-le au format « Classeur Excel (*.xlsx) » puis relancez l'import ; "
            "rien n'a été modifié."
        )
    if workbook_format(workbook) != XLSX:  # pragma: no cover - check_target covers it
        raise FileError(f"Le classeur {quote(workbook.name)} n'est pas un .xlsx.")
    return target


def _open_inputs(workbook: Path) -> tuple[WorkbookInputs, list[str]]:
    from treso_xl.reading.workbook import open_workbook, sheet_grid

    book = open_workbook(workbook)
    try:
        names = list(book.sheet_names)
        return read_inputs(names, lambda title: sheet_grid(book, title)), names
    finally:
        book.close()


def _twins_note(rows: list[int]) -> str:
    from treso_xl.core.checks import compact_rows

    where = compact_rows(sorted(set(rows)), max_pieces=10).lower()
    return (
        f"{count(len(rows), 'opération ajoutée a', 'opérations ajoutées ont')} la date et le "
        f"montant d'une ligne déjà dans {quote(BANQUE.name)} sous une autre référence "
        f"({where}){NBSP}: si c'est le même relevé téléchargé dans un autre format, mettez "
        f"{quote('Ignoré')} dans la colonne Statut du rapprochement des lignes en double."
    )


def import_files(
    workbook: Path, statements: Sequence[Path], output: Path | None = None
) -> ImportResult:
    """Import the statement files into `workbook` (or a copy at `output`).

    Everything is read and checked before anything is written: any problem (a file that cannot
    be read, another account, a bad rule) raises with the French message, the workbook
    unchanged. Writes only when lines are added (atomically, the previous version kept as
    NAME.bak.xlsx).
    """
    from treso_xl.render.safe_write import check_writable

    workbook = Path(workbook)
    target = _target(workbook, output)
    check_writable(target, action="l'import")
    inputs, _ = _open_inputs(workbook)
    parsed = parse_statements(statements, inputs.mapping, inputs.has_mapping_sheet)
    return _apply(workbook, target, inputs, parsed)


def import_statements(
    workbook: Path, statements: Sequence[Statement], output: Path | None = None
) -> ImportResult:
    """Import statements already parsed into `workbook` (or a copy at `output`), as
    `import_files` does with files."""
    from treso_xl.render.safe_write import check_writable

    workbook = Path(workbook)
    target = _target(workbook, output)
    check_writable(target, action="l'import")
    inputs, _ = _open_inputs(workbook)
    return _apply(workbook, target, inputs, list(statements))


def plan_import(inputs: WorkbookInputs, parsed: list[Statement]) -> ImportResult:
    """The lines to add, with the statements' accounts checked against Paramètres' IBAN and
    categories from the workbook's rules (the defaults when it has none); nothing written."""
    check_accounts(parsed, inputs.iban)
    rules = inputs.rules if inputs.rules is not None else default_rules()
    rows, files = plan_rows(
        parsed, inputs.banque.refs, rules, inputs.iban, inputs.banque.day_amounts
    )
    return ImportResult(files, rows)


def _apply(
    workbook: Path, target: Path, inputs: WorkbookInputs, parsed: list[Statement]
) -> ImportResult:
    from treso_xl.bank.append import append_rows
    from treso_xl.render.safe_write import write_atomically

    result = plan_import(inputs, parsed)
    if not result.rows:
        return result
    spec = rows_spec(inputs.banque, result.rows)
    writes = [spec]
    if inputs.banque.create:
        result.created.append(BANQUE.name)
    if inputs.rules is None:
        writes.append(rules_spec())
        result.created.append(RULES_SHEET)
    data = append_rows(_workbook_bytes(workbook), writes)
    result.first_row = spec.first_row
    in_place = target.resolve() == workbook.resolve()
    result.backup = write_atomically(target, data, backup=in_place or target.exists())
    result.written = target
    return result


def create_mapping_sheet(workbook: Path) -> Path | None:
    """Add the « Format relevé » sheet (helper B's template) to `workbook`; None when it is
    already there (nothing written), else the backup made."""
    from treso_xl.bank.append import append_rows
    from treso_xl.render.safe_write import check_writable, write_atomically

    workbook = Path(workbook)
    _target(workbook, None)
    check_writable(workbook, action="la commande")
    data = _workbook_bytes(workbook)
    from treso_xl.render.package import read_tab_names

    if sheet_candidates(read_tab_names(data), MAPPING_SHEET_NAME):
        return None
    return write_atomically(workbook, append_rows(data, [mapping_spec()]))
