"""CSV bank statements: encoding, separator, header lines, French amounts and dates, layouts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from treso_xl.bank.csv_mapping import MAPPING_SHEET, CsvMapping, column_letter
from treso_xl.bank.formats.csv_dialects import (
    GENERIC,
    BankDialect,
    Columns,
    detect,
    looks_like_header,
    normalize_header,
)
from treso_xl.bank.formats.csv_preamble import Preamble, read_preamble, stated_balance
from treso_xl.bank.formats.csv_values import (
    CURRENCY,
    decode,
    french_amount,
    is_date,
    looks_dated,
    parse_amount,
    parse_date,
)
from treso_xl.bank.statement import Balance, BankLine, Statement, StatementError
from treso_xl.french import count as french_count
from treso_xl.french import quote

SEPARATORS = (";", "\t", ",", "|")
SAMPLE_LINES = 300  # physical lines looked at to find the separator and the header
MAX_SHOWN = 60

_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}[.,]\d{3}")
_STATUS_SKIPPED = {
    "pending", "declined", "reversed", "canceled", "cancelled", "processing", "failed",
    "en attente", "en cours", "refuse", "refusee", "annule", "annulee", "rejete", "rejetee",
}
_TRAILER_WORDS = ("total", "totaux", "solde", "nombre d operations", "nb operations")
_FORMULA_TEXT = re.compile(r'^="(.*)"$', re.S)
_SEP_HINT = re.compile(r'"?sep=([;,\t|])"?\r?\n')


# ---------------------------------------------------------------------------------------------
# Bytes to rows


@dataclass
class _Row:
    line: int  # physical line (1-based) where the record starts
    cells: list[str]

    def blank(self) -> bool:
        return not any(self.cells)  # cells are stripped


def _clean(cell: str) -> str:
    """The cell stripped; Excel's ="00123" text formula unwrapped."""
    text = cell.strip()
    if text[:2] != '="':
        return text
    match = _FORMULA_TEXT.match(text)
    return match.group(1).strip() if match else text


def _rows(text: str, separator: str, limit: int | None = None) -> Iterator[_Row]:
    stream: io.StringIO | Iterator[str]
    if limit is None:
        stream = io.StringIO(text, newline="")
    else:
        stream = _head(text, limit)
    reader = csv.reader(stream, delimiter=separator, quotechar='"', strict=False)
    previous = 0
    for cells in reader:
        yield _Row(previous + 1, [_clean(c) for c in cells])
        previous = reader.line_num


def _head(text: str, limit: int) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline="")):
        if number >= limit:
            return
        yield line


def _width(cells: list[str]) -> int:
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


def _header_index(rows: list[_Row]) -> int | None:
    for index, row in enumerate(rows):
        if not row.cells or row.cells[0][:1].isdigit() or len(row.cells) < 2:
            continue  # a data row or a one-cell line
        if looks_like_header([normalize_header(c) for c in row.cells]):
            return index
    return None


def _choose_separator(text: str, source: str) -> str:
    """The separator under which a header row appears and most rows below share its width."""
    best: tuple[int, ...] | None = None
    chosen = None
    for rank, separator in enumerate(SEPARATORS):
        rows = list(_rows(text, separator, SAMPLE_LINES))
        header = _header_index(rows)
        if header is not None:
            width = _width(rows[header].cells)
            fitting = sum(
                1 for row in rows[header + 1:] if 2 <= _width(row.cells) <= width
            )
            score = (1, fitting, -rank)
        else:
            # No header: the separator that cuts out a date cell in most rows.
            dated = sum(
                1 for row in rows if len(row.cells) >= 2 and any(map(looks_dated, row.cells))
            )
            score = (0, dated, -rank)
        if best is None or score > best:
            best, chosen = score, separator
    assert chosen is not None
    return chosen


# ---------------------------------------------------------------------------------------------
# The table


def _shown(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return quote(text)


def _column_from_spec(spec: str, headers: list[str], raw_headers: list[str] | None) -> int | None:
    wanted = normalize_header(spec)
    if raw_headers is not None and wanted:
        for index, name in enumerate(headers):
            if name == wanted:
                return index
    letters = spec.strip().upper()
    if letters.startswith("COLONNE "):
        letters = letters[8:].strip()
    if re.fullmatch(r"[A-Z]{1,3}", letters):
        number = 0
        for char in letters:
            number = number * 26 + ord(char) - 64
        return number - 1
    return None


def _mapping_columns(
    mapping: CsvMapping, headers: list[str], has_header: bool, source: str
) -> Columns:
    raw = headers if has_header else None
    missing: list[str] = []

    def find(spec: str | None, what: str) -> int | None:
        if spec is None:
            return None
        index = _column_from_spec(spec, headers, raw)
        if index is None:
            missing.append(f"{what} {quote(spec)}")
        return index

    date = find(mapping.date, "date")
    labels = tuple(i for i in (find(s, "libellé") for s in mapping.label) if i is not None)
    amount = find(mapping.amount, "montant")
    debit = find(mapping.debit, "débit")
    credit = find(mapping.credit, "crédit")
    reference = find(mapping.reference, "référence")
    balance = find(mapping.balance, "solde")
    if missing or date is None:
        raise StatementError(
            source,
            f"colonne introuvable ({', '.join(missing)}) : la feuille {quote(MAPPING_SHEET)} "
            "doit donner le titre exact d'une colonne du fichier ou sa lettre (A, B, C…)",
        )
    return Columns(date=date, labels=labels, amount=amount, debit=debit, credit=credit,
                   reference=reference, balance=balance)


def _unknown_layout(source: str, line: int | None) -> StatementError:
    return StatementError(
        source,
        "disposition de colonnes inconnue : aucune ligne d'en-tête ne nomme une colonne Date, "
        "une colonne Libellé et une colonne Montant (ou Débit et Crédit). Décrivez les colonnes "
        f"de ce relevé dans la feuille {quote(MAPPING_SHEET)} du classeur : « Colonne date », "
        "« Colonne libellé », « Colonne montant » ou « Colonne débit » et « Colonne crédit », "
        "chacune par le titre de la colonne ou sa lettre (A, B, C…)",
        line,
    )


def _decimal_of(values: list[str], default: str | None) -> str | None:
    """The decimal separator a column's values show (None: no evidence, use default)."""
    comma = dot = 0
    for value in values:
        text = value.strip().rstrip("-").strip()
        text = CURRENCY.sub("", text).strip()
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                comma += 1
            else:
                dot += 1
        elif text.count(",") == 1:
            if len(text.rpartition(",")[2]) != 3:
                comma += 1
        elif text.count(".") == 1 and len(text.rpartition(".")[2]) != 3:
            dot += 1
    if comma > dot:
        return ","
    if dot > comma:
        return "."
    return default


@dataclass
class _Table:
    dialect: BankDialect
    columns: Columns
    header_row: _Row | None
    header_names: list[str]
    date_pattern: str | None
    decimals: dict[int, str | None]
    usual_width: int = 0


def _label(cells: list[str], indexes: tuple[int, ...]) -> str:
    parts: list[str] = []
    for index in indexes:
        if index < len(cells):
            text = " ".join(cells[index].split())
            if text:
                parts.append(text)
    kept = [p for p in parts if not any(p != o and p in o for o in parts)]
    return " ".join(dict.fromkeys(kept))


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


class _Parser:
    """Reads one file's table, row by row, into bank lines (the per-file state lives here)."""

    def __init__(self, source: str, table: _Table, text: str = "") -> None:
        self.text = text
        self._physical: list[str] | None = None
        self.source = source
        self.table = table
        self.columns = table.columns
        self.width = _width(table.header_row.cells) if table.header_row is not None else None
        if self.width is None and table.usual_width:
            self.width = table.usual_width  # no header: the width most rows have
        self.loose_width = self.width if self.width is not None else 10**6
        self.needed = max(
            i for i in (table.columns.date, *table.columns.labels, table.columns.amount)
            if i is not None
        )

    def raw(self, row: _Row) -> str:
        """The row's text as written in the file (its first physical line), for messages."""
        if self._physical is None:
            self._physical = io.StringIO(self.text, newline="").readlines()
        if 0 < row.line <= len(self._physical):
            return _shown(self._physical[row.line - 1].rstrip("\r\n"))
        return _shown(";".join(row.cells))

    def header_name(self, index: int | None) -> str:
        names = self.table.header_row.cells if self.table.header_row is not None else []
        if index is not None and index < len(names) and names[index]:
            return names[index]
        return f"colonne {column_letter((index or 0) + 1)}"

    def amount(self, row: _Row, index: int | None, required: bool) -> Decimal | None:
        text = _cell(row.cells, index)
        if not text.strip():
            if required:
                raise StatementError(
                    self.source,
                    f"montant manquant dans la colonne {quote(self.header_name(index))}",
                    row.line,
                )
            return None
        try:
            return parse_amount(text, self.table.decimals.get(index))  # type: ignore[arg-type]
        except (ValueError, InvalidOperation):
            if _AMBIGUOUS.fullmatch(text.strip()):
                raise StatementError(
                    self.source,
                    f"montant ambigu {_shown(text)} dans la colonne "
                    f"{quote(self.header_name(index))}\u00a0: mille, ou un virgule quelque "
                    f"chose\u00a0? Indiquez le {quote('Séparateur décimal')} dans la feuille "
                    f"{quote(MAPPING_SHEET)}",
                    row.line,
                ) from None
            raise StatementError(
                self.source,
                f"montant illisible {_shown(text)} dans la colonne "
                f"{quote(self.header_name(index))}",
                row.line,
            ) from None

    def date(self, row: _Row, index: int) -> dt.date:
        text = _cell(row.cells, index)
        try:
            return parse_date(text, self.table.date_pattern)
        except ValueError:
            expected = "JJ/MM/AAAA" if self.table.date_pattern is None else "le format indiqué"
            raise StatementError(
                self.source,
                f"date illisible {_shown(text)} dans la colonne {quote(self.header_name(index))}"
                f" (attendu : {expected})",
                row.line,
            ) from None

    def line(self, row: _Row, day: dt.date) -> BankLine:
        """The bank line of a table row whose date reads as `day`."""
        cols = self.columns
        cells = row.cells
        needed = self.needed
        width = len(cells)
        if width > self.loose_width or width <= needed:
            width = _width(cells)
        if (self.width is not None and width > self.width) or len(cells) <= needed:
            expected = self.width if self.width is not None else needed + 1
            raise StatementError(
                self.source,
                f"la ligne a {width} colonnes au lieu de {expected} : "
                f"{self.raw(row)}",
                row.line,
            )
        if cols.amount is not None:
            amount = self.amount(row, cols.amount, required=True)
            assert amount is not None
        else:
            debit = self.amount(row, cols.debit, required=False)
            credit = self.amount(row, cols.credit, required=False)
            if debit and credit:
                raise StatementError(
                    self.source,
                    f"débit {_shown(_cell(cells, cols.debit))} et crédit "
                    f"{_shown(_cell(cells, cols.credit))} remplis sur la même ligne",
                    row.line,
                )
            if debit is None and credit is None:
                raise StatementError(
                    self.source,
                    f"ni débit ni crédit (colonnes {quote(self.header_name(cols.debit))} et "
                    f"{quote(self.header_name(cols.credit))} vides)",
                    row.line,
                )
            amount = -abs(debit) if debit else (credit if credit is not None else -abs(debit or 0))
        value_date = None
        if cols.value_date is not None and _cell(cells, cols.value_date).strip():
            value_date = self.date(row, cols.value_date)
        balance = None
        if cols.balance is not None:
            balance = self.amount(row, cols.balance, required=False)
        labels = cols.labels
        return BankLine(
            date=day,
            label=" ".join(cells[labels[0]].split()) if len(labels) == 1 else _label(cells, labels),
            amount=amount,
            bank_ref=" ".join(_cell(cells, cols.reference).split()) if cols.reference else "",
            value_date=value_date,
            counterparty=(
                " ".join(_cell(cells, cols.counterparty).split()) if cols.counterparty else ""
            ),
            source_line=row.line,
            balance_after=balance,
        )


# ---------------------------------------------------------------------------------------------
# Entry point


def parse_csv(data: bytes, source: str, mapping: CsvMapping | None = None) -> list[Statement]:
    """The statements of a bank's CSV export (one per account column value, usually one).

    The layout is recognised from the header row: a built-in bank's export is read as that
    bank's; any other file with `mapping` as the user described it, else by the generic column
    names. Any unreadable line raises StatementError naming the file, its physical line (1-based)
    and the value, in French.
    """
    text, _encoding = decode(data, source)
    hint = _SEP_HINT.match(text)  # « sep=; », Excel's separator line
    separator = hint.group(1) if hint else _choose_separator(text, source)
    rows = list(_rows(text, separator))
    found = _find_table(rows, source, builtin_only=mapping is not None)
    if found is None:
        assert mapping is not None
        if mapping.separator is not None and mapping.separator != separator:
            rows = list(_rows(text, mapping.separator))
        found = _mapping_table(rows, source, mapping)
    else:
        mapping = None
    table, start = found
    above = [r.cells for r in rows[:start]]
    preamble = read_preamble(above, table.dialect) if above else Preamble()
    return _build(rows, start, table, preamble, source, mapping, text)


def _find_table(
    rows: list[_Row], source: str, builtin_only: bool = False
) -> tuple[_Table, int] | None:
    """The table's layout and the index of its header row.

    `builtin_only`: None unless a built-in bank's header is found (the user's mapping applies).
    """
    limit = min(len(rows), SAMPLE_LINES)
    for index in range(limit):
        cells = rows[index].cells
        if len(cells) < 2 or cells[0][:1].isdigit():
            continue
        names = [normalize_header(c) for c in cells]
        if not looks_like_header(names):
            continue
        detected = detect(names)
        if detected is None:
            continue
        dialect, columns = detected
        if builtin_only and dialect is GENERIC:
            continue
        return _make_table(rows, index, dialect, columns, None, None), index
    if builtin_only:
        return None
    first = next((r.line for r in rows if not r.blank()), None)
    raise _unknown_layout(source, first)


def _mapping_table(rows: list[_Row], source: str, mapping: CsvMapping) -> tuple[_Table, int]:
    """The table as the user's mapping describes it (header row found by its titles, if any)."""
    candidates = [i for i, r in enumerate(rows) if r.line > mapping.skip_lines and not r.blank()]
    if not candidates:
        raise StatementError(source, "aucune ligne après les lignes à ignorer")
    first = candidates[0]
    specs = [mapping.date, *mapping.label, mapping.amount, mapping.debit, mapping.credit,
             mapping.reference, mapping.balance]
    named = [s for s in specs if s is not None]
    names = [normalize_header(c) for c in rows[first].cells]
    letters_only = all(_column_from_spec(s, [], None) is not None for s in named)
    by_title = not letters_only
    if letters_only and all(normalize_header(s) in names for s in named):
        # Short titles such as « ID » or « CB »: titles when the first row is not an operation.
        by_letter = _mapping_columns(mapping, names, False, source)
        by_title = not is_date(_cell(rows[first].cells, by_letter.date), mapping.date_format)
    # The header row, when the mapping names columns by their titles: the first row naming them.
    if by_title:
        for index in candidates[:SAMPLE_LINES]:
            names = [normalize_header(c) for c in rows[index].cells]
            if all(
                normalize_header(s) in names or _column_from_spec(s, [], None) is not None
                for s in named
            ) and any(normalize_header(s) in names for s in named):
                columns = _mapping_columns(mapping, names, True, source)
                return _make_table(rows, index, GENERIC, columns, mapping, rows[index]), index
        wanted = ", ".join(quote(s) for s in named if _column_from_spec(s, [], None) is None)
        raise StatementError(
            source,
            f"colonnes {wanted} introuvables dans le fichier : la feuille {quote(MAPPING_SHEET)}"
            " doit donner le titre exact de chaque colonne ou sa lettre (A, B, C…)",
            rows[first].line,
        )
    # Columns by letter: the first row is a header unless its date cell reads as a date.
    columns = _mapping_columns(mapping, names, False, source)
    first_date = _cell(rows[first].cells, columns.date)
    if is_date(first_date, mapping.date_format):
        table = _make_table(rows, first - 1, GENERIC, columns, mapping, None)
        return table, first  # no header: data starts at `first`
    return _make_table(rows, first, GENERIC, columns, mapping, rows[first]), first


def _make_table(
    rows: list[_Row],
    header: int,
    dialect: BankDialect,
    columns: Columns,
    mapping: CsvMapping | None,
    header_row: _Row | None,
) -> _Table:
    header_row = header_row if header_row is not None or mapping is not None else rows[header]
    body = rows[header + 1: header + 1 + 2000]
    decimals: dict[int, str | None] = {}
    for index in (columns.amount, columns.debit, columns.credit, columns.balance):
        if index is None:
            continue
        if mapping is not None and mapping.decimal is not None:
            decimals[index] = mapping.decimal
            continue
        values = [_cell(r.cells, index) for r in body if _cell(r.cells, index)]
        default = dialect.decimal if index != columns.balance else None
        decimals[index] = _decimal_of(values, default)
    pattern = mapping.date_format if mapping is not None else None
    names = [normalize_header(c) for c in header_row.cells] if header_row is not None else []
    usual = 0
    if header_row is None:
        counts: dict[int, int] = {}
        for row in body:
            if not row.blank():
                counts[len(row.cells)] = counts.get(len(row.cells), 0) + 1
        usual = max(counts, key=lambda w: (counts[w], w)) if counts else 0
    return _Table(dialect, columns, header_row, names, pattern, decimals, usual)


def _is_trailer(cells: list[str]) -> bool:
    """A total or balance line: its first filled cell says « Total », « Solde »…"""
    first = next((c for c in cells if c.strip()), "")
    text = f" {normalize_header(first)} "
    return any(f" {word}" in text for word in _TRAILER_WORDS)


def _build(
    rows: list[_Row],
    start: int,
    table: _Table,
    preamble: Preamble,
    source: str,
    mapping: CsvMapping | None,
    text: str,
) -> list[Statement]:
    parser = _Parser(source, table, text)
    columns = table.columns
    body_start = start + 1 if table.header_row is not None else start
    lines: list[BankLine] = []
    accounts: list[str] = []
    currencies: list[str] = []
    notes: list[str] = []
    trailers: list[_Row] = []  # non-operation rows after the table ended
    stated: list[Balance] = []
    totals: list[_Row] = []
    skipped_status: dict[str, int] = {}
    blank_after_data = False
    new_section = False
    statuses: dict[str, bool] = {}
    for row in rows[body_start:]:
        if row.blank():
            if lines:
                blank_after_data = True
            continue
        cells = row.cells
        if new_section:
            trailers.append(row)
            continue
        if columns.status is not None:
            shown = _cell(cells, columns.status).strip()
            skipped = statuses.get(shown)
            if skipped is None:
                skipped = statuses[shown] = normalize_header(shown) in _STATUS_SKIPPED
            if skipped:
                skipped_status[shown] = skipped_status.get(shown, 0) + 1
                continue
        date_text = _cell(cells, columns.date)
        try:
            day = parse_date(date_text, table.date_pattern)
        except ValueError:
            day = None
        if day is None:
            if table.header_names and [normalize_header(c) for c in cells] == table.header_names:
                if blank_after_data:
                    new_section = True
                    trailers.append(row)
                continue  # the header repeated (page break)
            if _is_trailer(cells):
                totals.append(row)
                continue
            if blank_after_data:
                trailers.append(row)
                continue
            width = _width(cells)
            if parser.width is not None and width != parser.width and width > 1:
                raise StatementError(
                    source,
                    f"la ligne a {width} colonnes au lieu de {parser.width} : "
                    f"{parser.raw(row)}",
                    row.line,
                )
            if not date_text.strip():
                raise StatementError(
                    source,
                    f"date manquante dans la colonne {quote(parser.header_name(columns.date))} : "
                    f"{parser.raw(row)}",
                    row.line,
                )
            parser.date(row, columns.date)  # raises the French message
        if trailers:
            first = trailers[0]
            raise StatementError(
                source,
                f"ligne inattendue au milieu des opérations : {parser.raw(first)}",
                first.line,
            )
        line = parser.line(row, day)
        lines.append(line)
        accounts.append(" ".join(_cell(cells, columns.account).split()).upper())
        if columns.currency is not None:
            currencies.append(_cell(cells, columns.currency).strip().upper())
    if not lines:
        raise StatementError(source, "aucune opération trouvée sous la ligne d'en-tête")

    for status, number in skipped_status.items():
        notes.append(
            french_count(number, "opération ignorée", "opérations ignorées")
            + f"\u00a0: statut {quote(status)} dans le relevé"
        )
    for row in totals:
        _check_total(row, table, parser, lines, source, stated, notes)
    if trailers:
        notes.append(
            f"lignes {trailers[0].line} à {trailers[-1].line} ignorées après le tableau "
            f"(à partir de {parser.raw(trailers[0])})"
        )
    if preamble.operations is not None and preamble.operations != len(lines):
        notes.append(
            f"l'en-tête annonce {preamble.operations} opérations, le fichier en contient "
            f"{len(lines)}"
        )
    currency = _currency(currencies, lines, source)
    name = "CSV" if table.dialect is GENERIC else f"CSV {table.dialect.name}"
    if mapping is not None and table.dialect is GENERIC:
        name = f"CSV ({MAPPING_SHEET})"
    groups: dict[str, list[BankLine]] = {}
    for account, line in zip(accounts, lines, strict=True):
        groups.setdefault(account or preamble.account, []).append(line)
    balances = [*([preamble.balance] if preamble.balance else []), *stated]
    statements = []
    for account, group in groups.items():
        opening, closing, more = _balances(group, balances if len(groups) == 1 else [])
        statements.append(
            Statement(
                source=source,
                format=name,
                account=_account_id(account),
                currency=currency,
                lines=tuple(group),
                opening=opening,
                closing=closing,
                notes=tuple(notes + more),
            )
        )
    return statements


def _account_id(text: str) -> str:
    compact = text.replace(" ", "").upper()
    return compact


def _currency(currencies: list[str], lines: list[BankLine], source: str) -> str:
    found = [c for c in currencies if c]
    if not found:
        return "EUR"
    first = found[0]
    for code, line in zip(currencies, lines, strict=True):
        if code and code != first:
            raise StatementError(
                source,
                f"devise {quote(code)} différente de celle des lignes précédentes "
                f"({quote(first)}) : un relevé doit être dans une seule devise",
                line.source_line,
            )
    return "EUR" if first in ("EUROS", "EURO", "€") else first


def _check_total(
    row: _Row,
    table: _Table,
    parser: _Parser,
    lines: list[BankLine],
    source: str,
    stated: list[Balance],
    notes: list[str],
) -> None:
    """A total or balance line: a stated balance is kept, a wrong total is an error."""
    cells = row.cells
    text = " ".join(cells)
    normalized = normalize_header(text)
    columns = table.columns
    if "solde" in normalized and "total" not in normalized:
        balance = stated_balance(" ; ".join(c for c in cells if c), None)
        if balance is not None:
            stated.append(balance)
            return
        notes.append(f"ligne {row.line} ignorée : {parser.raw(row)}")
        return
    checks = []
    if columns.amount is not None:
        checks.append((columns.amount, sum((x.amount for x in lines), Decimal(0)), False))
    else:
        debits = sum((-x.amount for x in lines if x.amount < 0), Decimal(0))
        credits = sum((x.amount for x in lines if x.amount > 0), Decimal(0))
        checks.extend([(columns.debit, debits, True), (columns.credit, credits, True)])
    checked = False
    for index, expected, absolute in checks:
        value = _cell(cells, index)
        if not value.strip():
            continue
        try:
            total = parse_amount(value, table.decimals.get(index))  # type: ignore[arg-type]
        except ValueError:
            continue
        checked = True
        if absolute:
            total = abs(total)
        if total != expected:
            raise StatementError(
                source,
                f"le total du fichier {_shown(value)} (colonne "
                f"{quote(parser.header_name(index))}) ne correspond pas à la somme des "
                f"opérations lues ({french_amount(expected)}) : le fichier est peut-être incomplet",
                row.line,
            )
    if checked:
        notes.append(f"ligne {row.line} (total) vérifiée et ignorée")
    else:
        notes.append(f"ligne {row.line} ignorée\u00a0: {parser.raw(row)}")


def _chained(lines: list[BankLine]) -> bool:
    """Each line's balance is the previous one's plus its amount."""
    return all(
        lines[i].balance_after == lines[i - 1].balance_after + lines[i].amount  # type: ignore[operator]
        for i in range(1, len(lines))
    )


def _balances(
    lines: list[BankLine], stated: list[Balance]
) -> tuple[Balance | None, Balance | None, list[str]]:
    """Opening and closing balances from the balance column and the balances the file states."""
    notes: list[str] = []
    opening = closing = None
    first_day = min(x.date for x in lines)
    last_day = max(x.date for x in lines)
    with_balance = [x for x in lines if x.balance_after is not None]
    if with_balance and len(with_balance) == len(lines):
        ordered = None
        for candidate in (list(lines), list(reversed(lines))):
            if candidate[0].date <= candidate[-1].date and _chained(candidate):
                ordered = candidate
                break
        if ordered is not None:
            start = ordered[0]
            opening = Balance(
                start.date - dt.timedelta(days=1),
                start.balance_after - start.amount,  # type: ignore[operator]
            )
            closing = Balance(ordered[-1].date, ordered[-1].balance_after)  # type: ignore[arg-type]
        else:
            notes.append("la colonne des soldes ne suit pas les montants : soldes non repris")
    for balance in stated:
        if balance.date >= last_day:
            if closing is None or balance.date > closing.date:
                closing = balance
            elif closing.date == balance.date and closing.amount != balance.amount:
                notes.append(
                    f"solde indiqué {french_amount(balance.amount)} au "
                    f"{balance.date:%d/%m/%Y} différent du solde calculé "
                    f"{french_amount(closing.amount)}"
                )
        elif balance.date < first_day:
            if opening is None:
                opening = balance
        else:
            notes.append(
                f"solde du {balance.date:%d/%m/%Y} indiqué au milieu de la période du relevé : "
                "non repris"
            )
    return opening, closing, notes


__all__ = ["decode", "french_amount", "parse_amount", "parse_csv", "parse_date"]
