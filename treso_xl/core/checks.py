"""The Contrôles engine: everything in the typed data that is wrong, doubtful or costs cash."""

from __future__ import annotations

import datetime as dt
import difflib
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.core.dtypes.cast import maybe_box_native  # what to_dict boxes values with

from treso_xl import contract
from treso_xl.contract import normalize_label
from treso_xl.core.calendar import month_end
from treso_xl.core.invoices import invoice_key, invoice_positions
from treso_xl.core.penalties import legal_minimum_rate
from treso_xl.core.records import Ledger
from treso_xl.core.terms import LEGAL_MAX_DAYS, LEGAL_MAX_EOM_DAYS, parse_terms
from treso_xl.french import day, euros, percent, quote
from treso_xl.identifiers import is_valid_siren, is_valid_siret

Gravite = Literal["erreur", "avertissement", "conseil"]

ERREUR: Gravite = "erreur"
AVERTISSEMENT: Gravite = "avertissement"
CONSEIL: Gravite = "conseil"
GRAVITES: tuple[Gravite, ...] = (ERREUR, AVERTISSEMENT, CONSEIL)

FEUILLE_ENCAISSEMENTS = contract.ENCAISSEMENTS.name
FEUILLE_DECAISSEMENTS = contract.DECAISSEMENTS.name
FEUILLE_FACTURES = contract.FACTURES.name

# Sheets in the order of the workbook: findings are listed in this order within a gravité.
_SHEET_ORDER = (contract.PARAMETRES_SHEET, *(sheet.name for sheet in contract.DATA_SHEETS))

NBSP = "\u00a0"
_CENT = 0.005  # amounts closer than half a cent are equal
_MAX_LISTED = 5  # a gap of more missing numbers is shown as a range

# Wordings that say nothing of what was sold (compared after _fold).
_VAGUE = re.compile(
    r"(?:prestations?(?: (?:de|des|du) services?)?|services?|divers|travaux|honoraires?"
    r"|factures?|prestations? diverses?)"
)


@dataclass(frozen=True, init=False)
class Finding:
    """One line of the Contrôles tab.

    `ligne` is the row number as Excel shows it, None for a remark about a whole sheet. `code` is
    a short stable identifier of the check (for tests and for filtering), never shown.
    """

    gravite: Gravite
    feuille: str
    ligne: int | None
    constat: str
    conseil: str
    code: str

    def __init__(
        self,
        gravite: Gravite,
        feuille: str,
        ligne: int | None,
        constat: str,
        conseil: str,
        code: str,
    ) -> None:
        # the dataclass's own __init__, without a frozen __setattr__ call per field (a large
        # workbook makes tens of thousands of findings)
        fields = self.__dict__
        fields["gravite"] = gravite
        fields["feuille"] = feuille
        fields["ligne"] = ligne
        fields["constat"] = constat
        fields["conseil"] = conseil
        fields["code"] = code


def run_checks(ledger: Ledger, positions: pd.DataFrame | None = None) -> list[Finding]:
    """Every check on the ledger, sorted by gravité (erreur first), then sheet, then row.

    `positions` is `invoice_positions(ledger.factures, ledger.encaissements)`, computed when not
    given. Sheets come in workbook order (Encaissements, Décaissements, Factures, …); a remark
    about a whole sheet (no row) comes before its rows.
    """
    factures, encaissements = ledger.factures, ledger.encaissements
    if positions is None:
        positions = invoice_positions(factures, encaissements)
    reference = ledger.params.date_reference
    # Computed once and shared: the folded invoice numbers of both sheets, the typed numbers.
    keys = invoice_key(factures["facture"])
    receipt_keys = invoice_key(encaissements["facture"])
    numbers = _texts(factures["facture"])
    findings: list[Finding] = []
    findings += _invoice_numbers(factures, keys, numbers)
    findings += _client_identity(factures)
    findings += _vague_wordings(factures, numbers)
    findings += _payment_terms(factures, positions, numbers)
    findings += _payments(factures, encaissements, positions, receipt_keys, numbers)
    findings += _payment_links(factures, numbers)
    broken = _broken_promises(factures, positions, reference, numbers)
    findings += broken
    promised_rows = {f.ligne for f in broken}
    findings += _statuses(
        encaissements.loc[~encaissements["ligne"].isin(promised_rows)],
        FEUILLE_ENCAISSEMENTS,
        reference,
    )
    findings += _undated_payments(factures, positions, ledger.params.date_solde, numbers)
    findings += _statuses(ledger.decaissements, FEUILLE_DECAISSEMENTS, reference)
    findings += _linked_receipts(factures, encaissements, positions, keys, receipt_keys, numbers)
    findings += _penalty_rate_floor(ledger.params.taux_penalites, reference)
    return sort_findings(findings)


def _penalty_rate_floor(rate: float | None, reference: dt.date) -> list[Finding]:
    """A typed `Taux de pénalités` below 3 × the legal interest rate (C. com. L441-10)."""
    floor = legal_minimum_rate(reference)
    if rate is None or floor is None or rate >= floor.rate - 1e-9:
        return []
    name = quote("Taux de pénalités")
    doubt = (
        " (taux de l'intérêt légal non confirmé pour ce semestre : le dernier connu est repris)"
        if floor.uncertain
        else ""
    )
    return [
        Finding(
            AVERTISSEMENT,
            contract.PARAMETRES_SHEET,
            None,
            f"{name} de {percent(rate)} inférieur au minimum légal entre professionnels : "
            f"{percent(floor.rate)}, soit {floor.multiple} fois le taux de l'intérêt légal de "
            f"{percent(floor.legal_rate)} en vigueur depuis le {day(floor.since)}{doubt}.",
            "Le Code de commerce (article L441-10) ne permet pas de fixer un taux de pénalités "
            "de retard inférieur à trois fois le taux de l'intérêt légal. Indiquez au moins "
            f"{percent(floor.rate)} dans Paramètres et dans "
            "vos conditions générales de vente, ou laissez la case vide pour le taux par "
            "défaut (taux BCE + 10 points).",
            "taux_penalites_sous_minimum",
        )
    ]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Gravité (erreur, avertissement, conseil), then sheet in workbook order, then row."""

    sheets: dict[str, int] = {}
    for position, name in enumerate(_SHEET_ORDER):
        sheets.setdefault(name, position)
    gravites = {gravite: position for position, gravite in enumerate(GRAVITES)}

    def order(kind: tuple[str, str]) -> tuple[int, int, str]:
        gravite, feuille = kind
        return gravites[gravite], sheets.get(feuille, len(_SHEET_ORDER)), feuille

    # the findings of one gravité and sheet, in their order, then each such group sorted by
    # row (stable): the order of one sort by (gravité, sheet, row), a key built per group
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        kind = (finding.gravite, finding.feuille)
        members = groups.get(kind)
        if members is None:
            groups[kind] = [finding]
        else:
            members.append(finding)
    out: list[Finding] = []
    for kind in sorted(groups, key=order):
        members = groups[kind]
        if any(finding.ligne is None for finding in members):
            members.sort(key=_row_or_sheet)
        else:
            members.sort(key=_LIGNE)
        out += members
    return out


_LIGNE = operator.attrgetter("ligne")


def _row_or_sheet(finding: Finding) -> int:
    """The finding's row, -1 for a remark about the whole sheet (listed before its rows)."""
    return -1 if finding.ligne is None else finding.ligne


GROUP_LINES = 5  # different problems of one check in one sheet shown one per line; more: one line
GROUP_EXAMPLES = 3  # problems quoted on such a line, the others counted
EXAMPLE_CHARS = 240  # a quoted problem longer than this is cut
ROW_PIECES = 40  # rows or ranges of rows listed for a warning or an advice; an error lists all


@dataclass(frozen=True)
class FindingGroup:
    """One line of Contrôles: identical findings on several rows of one sheet, or every finding
    of one check in one sheet when it found more than GROUP_LINES different problems there (the
    first GROUP_EXAMPLES quoted, the others counted, every row listed)."""

    finding: Finding  # the first of them (its row is the first row)
    lignes: tuple[int, ...]  # every row, ascending
    exemples: tuple[Finding, ...] = ()  # the problems quoted when several differ, else ()
    autres: int = 0  # different problems not quoted
    conseils: tuple[str, ...] = ()  # the different advice of the problems quoted, when they differ

    @property
    def several(self) -> bool:
        """True for the line of a whole check (different problems), False for one problem."""
        return bool(self.exemples)

    @property
    def wording(self) -> str:
        """The finding (or the problems quoted and how many others) without the rows."""
        if not self.several:
            return self.finding.constat
        problems = len(self.exemples) + self.autres
        rows = len(self.lignes)
        head = f"{_thousands(problems)} constats de ce type"
        if rows > problems:
            head = f"{_thousands(rows)} lignes de ce type ({_thousands(problems)} constats)"
        lines = [f"{head}, dont :", *(f"– {_shortened(f.constat)}" for f in self.exemples)]
        if self.autres:
            lines.append(f"… et {_thousands(self.autres)} autre{'s' if self.autres > 1 else ''}.")
        return "\n".join(lines)

    def rows_text(self, max_pieces: int | None = None) -> str:
        """« Lignes 12 à 40, 57 et 90 à 95 », at most `max_pieces` rows or ranges (the others
        counted), "" without rows."""
        return compact_rows(self.lignes, max_pieces)

    @property
    def constat(self) -> str:
        """The line's wording with its rows (all of them for an error, else the first
        ROW_PIECES rows or ranges)."""
        limit = None if self.finding.gravite == ERREUR else ROW_PIECES
        if not self.several:
            if len(self.lignes) <= 1:
                return self.finding.constat
            return f"{self.finding.constat} ({self.rows_text(limit)}.)"
        rows = self.rows_text(limit)
        return f"{self.wording}\n{rows}." if rows else self.wording

    @property
    def conseil(self) -> str:
        """The advice: the finding's, or each different advice of the problems quoted."""
        return "\n".join(self.conseils) if self.conseils else self.finding.conseil


def _shortened(text: str) -> str:
    """A quoted finding cut at EXAMPLE_CHARS characters (its own list of rows, say)."""
    if len(text) <= EXAMPLE_CHARS:
        return text
    return text[: EXAMPLE_CHARS - 1].rstrip(" ,;:(") + "…"


def _thousands(count: int) -> str:
    """1234 as « 1 234 » (narrow no-break space, as French amounts)."""
    return f"{count:,}".replace(",", "\u202f")


def compact_rows(rows: tuple[int, ...] | list[int], max_pieces: int | None = None) -> str:
    """Rows in French with runs of three or more as ranges: « Ligne 7 », « Lignes 3 et 5 »,
    « Lignes 12 à 40, 57 et 90 à 95 »; beyond `max_pieces` rows or ranges, « … et 1 234 autres
    lignes »; "" without rows."""
    rows = sorted(set(rows))
    if not rows:
        return ""
    if len(rows) == 1:
        return f"Ligne {rows[0]}"
    pieces = _row_pieces(rows, max_pieces)
    if max_pieces is not None and len(pieces) > max_pieces:
        shown = pieces[:max_pieces]
        listed = sum(_piece_size(p) for p in shown)
        rest = len(rows) - listed
        plural = "s" if rest > 1 else ""
        return f"Lignes {', '.join(shown)}… et {_thousands(rest)} autre{plural} ligne{plural}"
    if len(pieces) == 1:
        return f"Lignes {pieces[0]}"
    return f"Lignes {', '.join(pieces[:-1])} et {pieces[-1]}"


def _row_pieces(rows: list[int], max_pieces: int | None = None) -> list[str]:
    """Sorted distinct rows as pieces: a run of three or more « 12 à 40 », else each row.
    With `max_pieces`, stops once there are more than that many (the others are only counted)."""
    pieces: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        if previous - start >= 2:
            pieces.append(f"{start} à {previous}")
        else:
            pieces.extend(str(r) for r in range(start, previous + 1))
        if max_pieces is not None and len(pieces) > max_pieces >= 0:
            break
        if row is not None:
            start = previous = row
    return pieces


def _piece_size(piece: str) -> int:
    if " à " in piece:
        first, last = piece.split(" à ")
        return int(last) - int(first) + 1
    return 1


_last_groups: tuple[list[Finding], list[FindingGroup]] | None = None


def group_findings(findings: list[Finding]) -> list[FindingGroup]:
    """The lines of Contrôles, in the order of their first finding: identical findings (same
    gravité, sheet, check, wording and advice) on several rows are one line; a check that finds
    more than GROUP_LINES different problems in one sheet (at one gravité) is one line.

    The last answer is kept (the tab's summary and its lines ask it of the same findings):
    asked again of the very same findings, in the same order, it comes back as a new list."""
    global _last_groups
    last = _last_groups
    if (
        last is not None
        and len(last[0]) == len(findings)
        and all(map(operator.is_, last[0], findings))
    ):
        return list(last[1])
    groups = _group_findings(findings)
    _last_groups = (list(findings), groups)
    return list(groups)


def _group_findings(findings: list[Finding]) -> list[FindingGroup]:
    problems: dict[tuple[object, ...], list[Finding]] = {}
    for finding in findings:
        key: tuple[object, ...] = (
            (finding.gravite, finding.feuille, finding.code, finding.constat, finding.conseil)
            if finding.ligne is not None
            else (id(finding),)
        )
        problems.setdefault(key, []).append(finding)
    kinds: dict[tuple[str, str, str], list[list[Finding]]] = {}
    for members in problems.values():
        first = members[0]
        kinds.setdefault((first.gravite, first.feuille, first.code), []).append(members)
    out: list[FindingGroup] = []
    for members in problems.values():
        first = members[0]
        kind = kinds[(first.gravite, first.feuille, first.code)]
        if len(kind) <= GROUP_LINES:
            out.append(FindingGroup(first, _rows_of(members)))
        elif kind[0] is members:  # the whole check, at its first problem
            quoted = [group[0] for group in kind[:GROUP_EXAMPLES]]
            every = [f for group in kind for f in group]
            advice = tuple(dict.fromkeys(f.conseil for f in quoted))
            same_advice = all(f.conseil == first.conseil for f in every)
            out.append(
                FindingGroup(
                    first,
                    _rows_of(every),
                    exemples=tuple(quoted),
                    autres=len(kind) - len(quoted),
                    conseils=() if same_advice else advice,
                )
            )
    return out


def _rows_of(members: list[Finding]) -> tuple[int, ...]:
    return tuple(sorted({f.ligne for f in members if f.ligne is not None}))


def count_by_gravite(findings: list[Finding]) -> dict[Gravite, int]:
    """How many findings of each gravité, every gravité present (possibly 0)."""
    counts: dict[Gravite, int] = dict.fromkeys(GRAVITES, 0)
    for finding in findings:
        counts[finding.gravite] += 1
    return counts


# --- French rendering ------------------------------------------------------------------------


def _date(value: Any) -> str:
    return day(pd.Timestamp(value))


def _rows_text(rows: list[int]) -> str:
    """Rows in French: "ligne 3", "lignes 3 et 5", "lignes 3, 5 et 9"."""
    rows = sorted(set(rows))
    if len(rows) == 1:
        return f"ligne {rows[0]}"
    head = ", ".join(str(r) for r in rows[:-1])
    return f"lignes {head} et {rows[-1]}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count <= 1 else (plural or word + 's')}"


def _fold(text: object) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    s = normalize_label(text)
    s = re.sub(r"[^\w]+", " ", s)
    return " ".join(s.split())


def _is_set(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _text(value: object) -> str:
    return "" if not _is_set(value) else str(value).strip()


# --- Whole columns ---------------------------------------------------------------------------
#
# Every check computes over whole columns which rows may be flagged (a mask, never narrower than
# the row-by-row test it stands for), then builds its findings from those few rows alone.


class _Distinct:
    """The distinct values of a column, missing values included, and which one each row holds.

    What depends on the value alone is computed once per distinct value, then spread to the rows.
    """

    def __init__(self, values: pd.Series | np.ndarray) -> None:
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            self.codes, uniques = pd.factorize(values, use_na_sentinel=False)
            self.values: list[Any] = np.asarray(uniques, dtype=object).tolist()
        else:  # not only texts: 1, 1.0 and True would count as one value, each row stands alone
            self.codes = np.arange(len(values))
            self.values = np.asarray(values, dtype=object).tolist()

    def of(self, func: Callable[[Any], Any]) -> np.ndarray:
        """`func` of every row's value (an object array)."""
        count = len(self.values)
        return np.fromiter(map(func, self.values), dtype=object, count=count)[self.codes]

    def test(self, func: Callable[[Any], bool]) -> np.ndarray:
        """`func` of every row's value, as booleans."""
        return self.of(func).astype(bool)

    def group(self, func: Callable[[Any], Any]) -> np.ndarray:
        """A number per row, the same for the rows whose values give equal `func` results."""
        codes, _ = pd.factorize(pd.Series([func(v) for v in self.values], dtype=object))
        return codes[self.codes]


def _texts(values: pd.Series | np.ndarray) -> np.ndarray:
    """`_text` of every value, computed once per distinct value."""
    return _Distinct(values).of(_text_of)


def _text_of(value: object) -> str:
    """`_text`, quicker for a str."""
    return value.strip() if type(value) is str else _text(value)


def _array(mask: pd.Series) -> np.ndarray:
    return mask.to_numpy(dtype=bool)


def _first_occurrences(values: np.ndarray) -> np.ndarray:
    """True at the first occurrence of each distinct value."""
    return ~pd.Series(values).duplicated().to_numpy()


def _aligned(positions: pd.DataFrame, column: str, factures: pd.DataFrame) -> np.ndarray:
    """positions[column] row for row with `factures` (the values `positions.at` gives)."""
    values = positions[column]
    if not values.index.equals(factures.index):
        values = values.reindex(factures.index)
    return values.to_numpy()


def _selected(
    frame: pd.DataFrame, mask: np.ndarray, fields: list[str], *columns: np.ndarray
) -> Iterator[tuple[Any, ...]]:
    """(index, record, value of each of `columns`) of the rows where `mask` holds, in order.

    The records hold `fields` as `frame.to_dict("records")` gives them, for these rows only.
    """
    values = [_column_values(frame[field], mask) for field in fields]
    records = [dict(zip(fields, row, strict=True)) for row in zip(*values, strict=True)]
    yield from zip(frame.index[mask], records, *(c[mask] for c in columns), strict=True)


def _column_values(column: pd.Series, mask: np.ndarray) -> list[Any]:
    """The values of `column` where `mask` holds, as `to_dict("records")` gives them: numbers
    as Python scalars, dates as Timestamps, the values of object and extension columns boxed
    by pandas' own `maybe_box_native` (NA as None)."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return column.to_numpy()[mask].tolist()
    if isinstance(dtype, np.dtype) and dtype.kind != "O":  # datetime64, timedelta64
        return list(column.array[mask])
    return [maybe_box_native(value) for value in column.array[mask]]


# --- Factures: numbering ---------------------------------------------------------------------

_NUMBER = re.compile(r"(.*?)(\d+)(\D*)")
_INT64_DIGITS = 18  # longer runs of digits are compared as Python integers


def _invoice_numbers(factures: pd.DataFrame, keys: pd.Series, numbers: np.ndarray) -> list[Finding]:
    findings: list[Finding] = []
    lignes = factures["ligne"].to_numpy()
    named = numbers != ""
    for ligne in lignes[~named]:
        findings.append(
            Finding(
                ERREUR,
                FEUILLE_FACTURES,
                int(ligne),
                "Facture sans numéro.",
                "Chaque facture doit porter un numéro unique, pris dans une série continue "
                "et chronologique : saisissez le numéro figurant sur la facture.",
                "facture_sans_numero",
            )
        )

    shared = _array((keys != "") & keys.duplicated(keep=False))
    key_values = keys.to_numpy(dtype=object)
    rows_by_key: dict[str, list[int]] = {}
    for key, ligne in zip(key_values[shared], lignes[shared], strict=True):
        rows_by_key.setdefault(key, []).append(int(ligne))
    doubled = shared & named
    for number, key, ligne in zip(
        numbers[doubled], key_values[doubled], lignes[doubled], strict=True
    ):
        others = [r for r in rows_by_key[key] if r != ligne]
        if others:
            findings.append(
                Finding(
                    ERREUR,
                    FEUILLE_FACTURES,
                    int(ligne),
                    f"Le numéro de facture {quote(number)} est aussi utilisé {_rows_text(others)}.",
                    "Un numéro de facture est unique : s'il s'agit d'une saisie en double, "
                    "supprimez l'une des lignes ; sinon corrigez le numéro d'après la facture "
                    "émise. Tant que le doublon reste, seule la première ligne reçoit les "
                    "encaissements liés.",
                    "facture_doublon",
                )
            )

    # Series of numbers: the numbers of one (prefix, suffix), folded
    rows = np.flatnonzero(named)
    matched, prefixes, runs, suffixes = _split_numbers(numbers[rows])
    rows, prefixes, runs, suffixes = (
        rows[matched],
        prefixes[matched],
        runs[matched],
        suffixes[matched],
    )
    if len(rows):
        prefix_codes = _Distinct(prefixes).group(normalize_label)
        suffix_codes = _Distinct(suffixes).group(normalize_label)
        series, _ = pd.factorize(prefix_codes * (suffix_codes.max() + 1) + suffix_codes)
        by_series = np.argsort(series, kind="stable")
        bounds = np.flatnonzero(np.diff(series[by_series])) + 1
        dates = factures["date"].to_numpy(dtype="datetime64[ns]")
        for members in np.split(by_series, bounds):
            findings += _series_findings(
                rows[members],
                prefixes[members],
                runs[members],
                suffixes[members],
                lignes,
                dates,
                numbers,
            )
    return findings


_SHORT = 64  # longer numbers are split one by one


def _split_numbers(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_NUMBER.fullmatch` of each number: whether it matches, and its three groups.

    The suffix is what follows the last digit, the digits the run ending there, the prefix the
    rest. Short printable ASCII numbers (nearly always all of them) are split by numpy over the
    whole array, the others by the regular expression.
    """
    count = len(numbers)
    lengths = np.fromiter(map(len, numbers), dtype=np.int64, count=count)
    short = np.flatnonzero(lengths <= _SHORT)
    text = numbers[short].astype(str)
    chars = _code_points(text)
    position = np.arange(chars.shape[1])
    inside = position < lengths[short][:, None]
    # printable ASCII: every character from " " to "~" (a NUL, lost by numpy, fails too)
    simple = np.where(inside, (chars >= 32) & (chars < 127), True).all(axis=1)
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    end = np.where(digit, position + 1, 0).max(axis=1, initial=0)  # after the last digit
    start = np.where(~digit & (position < end[:, None]), position + 1, 0).max(axis=1, initial=0)
    prefix = np.strings.slice(text, 0, start)
    run = np.strings.slice(text, start, end)
    suffix = np.strings.slice(text, end, None)
    if len(short) == count and simple.all():
        return end > 0, prefix, run, suffix

    matched = np.zeros(count, dtype=bool)
    groups = [np.full(count, "", dtype=object) for _ in range(3)]
    found = simple & (end > 0)
    where = short[found]
    matched[where] = True
    for group, values in zip(groups, (prefix, run, suffix), strict=True):
        group[where] = values[found].tolist()
    plain = np.zeros(count, dtype=bool)
    plain[short[simple]] = True
    for i in np.flatnonzero(~plain):
        match = _NUMBER.fullmatch(numbers[i])
        if match:
            matched[i] = True
            for group, value in zip(groups, match.groups(), strict=True):
                group[i] = value
    return matched, groups[0], groups[1], groups[2]


def _code_points(text: np.ndarray) -> np.ndarray:
    """The characters of a numpy str array as code points, one row per string (0 after its end)."""
    width = text.dtype.itemsize // 4
    return text.view(np.uint32).reshape(len(text), width) if width else np.zeros((len(text), 0))


def _digit_values(digits: np.ndarray) -> np.ndarray:
    """int() of each string of digits of a numpy str array, as int64 (at most 18 digits)."""
    chars = _code_points(digits).astype(np.int64)
    if ((chars >= ord("0")) & (chars <= ord("9")) | (chars == 0)).all():
        values = np.zeros(len(digits), dtype=np.int64)
        lengths = np.strings.str_len(digits)
        for position in range(chars.shape[1]):
            inside = position < lengths
            values[inside] = values[inside] * 10 + chars[inside, position] - ord("0")
        return values
    return digits.astype(np.int64)  # other decimal digits ("١٢")


def _series_name(prefix: str, suffix: str) -> str:
    if not prefix and not suffix:
        return "sans préfixe"
    if not suffix:
        return prefix
    return f"{prefix}…{suffix}"


def _series_findings(
    rows: np.ndarray,
    prefixes: np.ndarray,
    runs: np.ndarray,
    suffixes: np.ndarray,
    lignes: np.ndarray,
    dates: np.ndarray,
    numbers: np.ndarray,
) -> list[Finding]:
    """Gaps and dates out of order in one series: its numbers' rows and groups, in row order."""
    findings: list[Finding] = []
    digits = runs.astype(str)
    widths = np.strings.str_len(digits)
    big = widths.max() > _INT64_DIGITS
    values = np.array([int(d) for d in runs], dtype=object) if big else _digit_values(digits)
    # sorted by (value, ligne); the first row of each value stands for it
    order = np.argsort(lignes[rows], kind="stable")
    order = order[np.argsort(values[order], kind="stable")]
    first = np.ones(len(order), dtype=bool)
    first[1:] = values[order][1:] != values[order][:-1]
    ordered = order[first]

    padded = widths[ordered][(widths[ordered] > 1) & np.strings.startswith(digits[ordered], "0")]
    width = int(padded.min()) if len(padded) else 0
    name = _series_name(prefixes[ordered[0]], suffixes[ordered[0]])

    def shown(value: int) -> str:
        return str(value).zfill(width)

    ordered_values = values[ordered]
    gaps = (ordered_values[1:] - ordered_values[:-1] - 1 > 0).astype(bool)
    ordered_dates = dates[rows[ordered]]
    dated = ~np.isnat(ordered_dates)
    earlier = dated[1:] & dated[:-1] & (ordered_dates[1:] < ordered_dates[:-1])
    for k in np.flatnonzero(gaps | earlier):
        previous_row, current_row = rows[ordered[k]], rows[ordered[k + 1]]
        previous_value, current_value = int(ordered_values[k]), int(ordered_values[k + 1])
        previous_ligne, current_ligne = int(lignes[previous_row]), int(lignes[current_row])
        previous_number, current_number = numbers[previous_row], numbers[current_row]
        if gaps[k]:
            missing = current_value - previous_value - 1
            if missing <= _MAX_LISTED:
                listed = ", ".join(shown(v) for v in range(previous_value + 1, current_value))
            else:
                listed = (
                    f"{shown(previous_value + 1)} à {shown(current_value - 1)} ({missing} numéros)"
                )
            label = "Numéros absents" if missing > 1 else "Numéro absent"
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    current_ligne,
                    f"{label} dans la série {name} : {listed} (entre {quote(previous_number)}, "
                    f"ligne {previous_ligne}, et {quote(current_number)}, "
                    f"ligne {current_ligne}).",
                    "La numérotation des factures doit être continue et chronologique : si ces "
                    "numéros ont été émis, saisissez les factures correspondantes ; une facture "
                    "annulée garde son numéro et s'annule par un avoir, elle ne se supprime pas.",
                    "numeros_absents",
                )
            )
        if earlier[k]:
            current_date, previous_date = ordered_dates[k + 1], ordered_dates[k]
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    current_ligne,
                    f"La facture {quote(current_number)} est datée du {_date(current_date)}, "
                    f"avant la facture précédente {quote(previous_number)} "
                    f"({_date(previous_date)}, ligne {previous_ligne}).",
                    "Les numéros de facture doivent suivre l'ordre chronologique : vérifiez la "
                    "date des deux factures ; une facture n'est jamais antidatée.",
                    "numero_non_chronologique",
                )
            )
    return findings


# --- Factures: client identity ---------------------------------------------------------------


def _client_identity(factures: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    pro = _array(factures["type_client"] == "Professionnel")
    lignes = factures["ligne"].to_numpy()[pro]
    column = _Distinct(factures["client"])
    clients = column.of(_text_of)[pro]
    keys = column.group(lambda value: normalize_label(_text_of(value)))[pro]  # a client's number
    column = _Distinct(factures["siren_client"])
    sirens = column.of(_text_of)[pro]
    valid = column.test(lambda value: _valid_siren(_text_of(value)))[pro]
    emails = _texts(factures["email_client"])[pro]
    siren_given = sirens != ""
    email_given = emails != ""

    names = _first_by_key(keys, clients, np.ones(len(keys), dtype=bool))
    invalid = siren_given & ~valid
    for client, siren, ligne in zip(
        clients[invalid], sirens[invalid], lignes[invalid], strict=True
    ):
        findings.append(_invalid_siren(client, siren, int(ligne)))
    known_siren = _first_by_key(keys, sirens, valid)
    known_email = _first_by_key(keys, emails, email_given)
    missing_siren = _rows_by_key(keys, lignes, ~siren_given)
    missing_email = _rows_by_key(keys, lignes, ~email_given)

    for key, rows in missing_siren.items():
        client = quote(names[key]) if names[key] else "sans nom"
        hint = (
            f" Il figure déjà sur une autre facture de ce client : {known_siren[key]}."
            if key in known_siren
            else ""
        )
        findings.append(
            Finding(
                CONSEIL,
                FEUILLE_FACTURES,
                min(rows),
                f"SIREN client vide pour le client professionnel {client} ({_rows_text(rows)}).",
                "Le SIREN du client sera une mention obligatoire des factures à partir du "
                "1er septembre 2027 (facturation électronique) ; il permet aussi de vérifier le "
                "client sur annuaire-entreprises.data.gouv.fr avant de lui faire crédit." + hint,
                "siren_client_manquant",
            )
        )
    for key, rows in missing_email.items():
        client = quote(names[key]) if names[key] else "sans nom"
        hint = (
            f" Une autre facture de ce client en porte une : {known_email[key]}."
            if key in known_email
            else ""
        )
        findings.append(
            Finding(
                CONSEIL,
                FEUILLE_FACTURES,
                min(rows),
                f"Email client vide pour le client professionnel {client} ({_rows_text(rows)}).",
                "Sans adresse e-mail, les relances ne peuvent pas être envoyées dès l'échéance "
                "dépassée : demandez l'adresse du service comptable du client." + hint,
                "email_client_manquant",
            )
        )
    return findings


def _valid_siren(siren: str) -> bool:
    return bool(siren) and is_valid_siren(siren)


def _first_by_key(keys: np.ndarray, values: np.ndarray, mask: np.ndarray) -> dict[Any, str]:
    """key -> the first of `values` where `mask` holds."""
    chosen = keys[mask]
    first = _first_occurrences(chosen)
    return dict(zip(chosen[first].tolist(), values[mask][first], strict=True))


def _rows_by_key(keys: np.ndarray, lignes: np.ndarray, mask: np.ndarray) -> dict[Any, list[int]]:
    """key -> the row numbers where `mask` holds, keys in order of first appearance."""
    rows: dict[Any, list[int]] = {}
    for key, ligne in zip(keys[mask], lignes[mask], strict=True):
        rows.setdefault(key, []).append(int(ligne))
    return rows


def _invalid_siren(client: str, siren: str, ligne: int) -> Finding:
    digits = re.sub(r"[\s.]", "", siren)
    if digits.isdigit() and len(digits) == 14 and is_valid_siret(digits):
        advice = (
            f"C'est un numéro SIRET (14 chiffres) : le SIREN en est les 9 premiers chiffres, "
            f"{digits[:9]}."
        )
    elif digits.isdigit() and len(digits) != 9:
        advice = (
            f"Un SIREN compte 9 chiffres ({len(digits)} saisis) : recopiez-le depuis un "
            "document du client ou annuaire-entreprises.data.gouv.fr."
        )
    else:
        advice = (
            "La clé de contrôle du numéro ne correspond pas (chiffre mal recopié ?) : "
            "vérifiez-le sur annuaire-entreprises.data.gouv.fr."
        )
    shown = quote(client) if client else "sans nom"
    return Finding(
        AVERTISSEMENT,
        FEUILLE_FACTURES,
        ligne,
        f"SIREN client {quote(siren)} invalide pour le client {shown}.",
        advice,
        "siren_client_invalide",
    )


# --- Factures: wording -----------------------------------------------------------------------


def _vague_wordings(factures: pd.DataFrame, numbers: np.ndarray) -> list[Finding]:
    findings: list[Finding] = []
    advice = (
        "Décrivez précisément ce qui a été vendu (nature, quantité, prix unitaire, période) : "
        "c'est une mention obligatoire, et une facture claire est payée plus vite."
    )
    column = _Distinct(factures["libelle"])
    libelles = column.of(_text_of)
    flagged = column.test(lambda value: _empty_or_vague(_text_of(value)))
    for libelle, ligne, typed in zip(
        libelles[flagged], factures["ligne"].to_numpy()[flagged], numbers[flagged], strict=True
    ):
        ligne = int(ligne)
        number = quote(typed)
        if not libelle:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Libellé vide pour la facture {number}.",
                    advice,
                    "libelle_vide",
                )
            )
        elif _VAGUE.fullmatch(_fold(libelle)):
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Libellé trop vague pour la facture {number} : {quote(libelle)}.",
                    advice,
                    "libelle_vague",
                )
            )
    return findings


def _empty_or_vague(libelle: str) -> bool:
    return not libelle or _VAGUE.fullmatch(_fold(libelle)) is not None


# --- Factures: payment terms -----------------------------------------------------------------


def _latest_legal_due(invoice_date: dt.date) -> dt.date:
    """The latest due date allowed between professionals under any accepted reading."""
    return max(
        invoice_date + dt.timedelta(days=LEGAL_MAX_DAYS),
        month_end(invoice_date + dt.timedelta(days=LEGAL_MAX_EOM_DAYS)),
        month_end(invoice_date) + dt.timedelta(days=LEGAL_MAX_EOM_DAYS),
    )


def _payment_terms(
    factures: pd.DataFrame, positions: pd.DataFrame, numbers: np.ndarray
) -> list[Finding]:
    findings: list[Finding] = []
    column = _Distinct(factures["conditions"])
    wordings = column.of(_text_of)
    if "termes" in positions:
        all_terms = _aligned(positions, "termes", factures)
    else:
        all_terms = column.of(lambda value: parse_terms(_text_of(value)))
    # the terms objects are shared between invoices: read each distinct object once
    ids = np.fromiter(map(id, all_terms.tolist()), dtype=np.uint64, count=len(all_terms))
    _, first, codes = np.unique(ids, return_index=True, return_inverse=True)
    distinct = all_terms[first]
    empty = np.array([t.empty for t in distinct], dtype=bool)[codes]
    known = np.array([t.known for t in distinct], dtype=bool)[codes]
    beyond = np.array([t.beyond_legal_maximum for t in distinct], dtype=bool)[codes]
    typed = _array(factures["echeance"].notna())
    pro = _array(factures["type_client"] == "Professionnel")
    # a due date beyond the legal maximum is at least LEGAL_MAX_DAYS after the invoice date
    late = _array(
        factures["echeance"].dt.normalize()
        > factures["date"].dt.normalize() + pd.Timedelta(days=LEGAL_MAX_DAYS)
    )
    unset = empty & ~typed
    for ligne, typed_number in zip(
        factures["ligne"].to_numpy()[unset], numbers[unset], strict=True
    ):
        findings.append(
            Finding(
                AVERTISSEMENT,
                FEUILLE_FACTURES,
                int(ligne),
                f"Conditions de paiement vides pour la facture {quote(typed_number)} : le délai "
                "légal par défaut de 30 jours après la date de facture est utilisé.",
                "Indiquez les conditions de paiement sur chaque facture (par exemple "
                f"{quote('À réception')} ou {quote('30 jours')}) : un délai écrit est "
                "un délai tenu, et c'est une mention obligatoire.",
                "conditions_vides",
            )
        )
    flagged = (
        (~empty & ~known)
        | (~empty & known & beyond)
        | (~empty & known & ~beyond & pro & typed & late)
    )
    for _, row, typed_number, wording, terms in _selected(
        factures,
        flagged,
        ["ligne", "echeance", "type_client", "date"],
        numbers,
        wordings,
        all_terms,
    ):
        ligne = int(row["ligne"])
        number = quote(typed_number)
        typed_due = _is_set(row["echeance"])
        pro = row["type_client"] == "Professionnel"
        if not terms.known:
            used = (
                f"l'échéance saisie ({_date(row['echeance'])}) est utilisée"
                if typed_due
                else "le délai de 30 jours après la date de facture est utilisé"
            )
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Conditions de paiement non reconnues pour la facture {number} : "
                    f"{quote(wording)} ; {used}.",
                    f"Employez une formule usuelle : {quote('À réception')}, "
                    f"{quote('30 jours')}, {quote('45 jours fin de mois')}, "
                    f"{quote('60 jours')} ; le client sait alors sans ambiguïté "
                    "quand payer.",
                    "conditions_inconnues",
                )
            )
            continue
        if terms.beyond_legal_maximum:
            if pro:
                findings.append(
                    Finding(
                        ERREUR,
                        FEUILLE_FACTURES,
                        ligne,
                        f"Conditions de paiement {quote(wording)} au-delà du délai légal pour "
                        f"la facture {number} à un professionnel.",
                        "Entre professionnels, le délai de paiement ne peut dépasser 60 jours "
                        "après la date de facture, ou 45 jours fin de mois (Code de commerce, "
                        "art. L441-10) : ramenez-le à 30 jours, votre trésorerie y gagne.",
                        "conditions_hors_delai_legal",
                    )
                )
            else:
                findings.append(
                    Finding(
                        CONSEIL,
                        FEUILLE_FACTURES,
                        ligne,
                        f"Conditions de paiement {quote(wording)} très longues pour la "
                        f"facture {number} à un particulier.",
                        "Un délai long retarde votre encaissement : demandez plutôt un paiement "
                        "à réception, ou un acompte à la commande.",
                        "conditions_hors_delai_legal",
                    )
                )
            continue
        if pro and typed_due and _is_set(row["date"]):
            invoice_date = pd.Timestamp(row["date"]).date()
            due = pd.Timestamp(row["echeance"]).date()
            latest = _latest_legal_due(invoice_date)
            if due > latest:
                findings.append(
                    Finding(
                        AVERTISSEMENT,
                        FEUILLE_FACTURES,
                        ligne,
                        f"Échéance {_date(due)} de la facture {number} à "
                        f"{(due - invoice_date).days} jours de la date de facture "
                        f"({_date(invoice_date)}), au-delà du délai légal entre professionnels "
                        f"(au plus tard le {_date(latest)}).",
                        "Entre professionnels, le délai de paiement ne peut dépasser 60 jours "
                        "après la date de facture, ou 45 jours fin de mois (Code de commerce, "
                        "art. L441-10) : vérifiez l'échéance ; s'il s'agit d'un report accordé "
                        "après coup, gardez-en une trace écrite.",
                        "echeance_hors_delai_legal",
                    )
                )
    return findings


# --- Factures: payments ----------------------------------------------------------------------


def _payments(
    factures: pd.DataFrame,
    encaissements: pd.DataFrame,
    positions: pd.DataFrame,
    receipt_keys: pd.Series,
    numbers: np.ndarray,
) -> list[Finding]:
    findings: list[Finding] = []
    amounts = factures["montant"].to_numpy(dtype=float)
    paid_on_set = _array(factures["date_paiement"].notna())
    early = _array(factures["date_paiement"] < factures["date"])  # False where either is empty
    over_typed = _array(factures["montant_paye"] > factures["montant"] + _CENT)
    paid_all = _aligned(positions, "paye", factures) if "paye" in positions else 0.0
    with np.errstate(invalid="ignore"):
        over_linked = ~paid_on_set & (np.asarray(paid_all, dtype=float) > amounts + _CENT)
    flagged = early | over_typed | over_linked
    # Réalisé receipts by invoice key, for the invoices they may have overpaid
    realized = _array(encaissements["statut"] == "Réalisé")
    wanted = {normalize_label(number) for number in numbers[over_linked]}
    receipt_rows = _rows_by_key(
        receipt_keys.to_numpy(dtype=object),
        encaissements["ligne"].to_numpy(),
        realized & _array(receipt_keys.isin(wanted)),
    )
    for index, row, number in _selected(
        factures, flagged, ["ligne", "montant", "date_paiement", "date", "montant_paye"], numbers
    ):
        ligne = int(row["ligne"])
        amount = row["montant"]
        paid_on = row["date_paiement"]
        if _is_set(paid_on) and _is_set(row["date"]) and paid_on < row["date"]:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Date de paiement {_date(paid_on)} antérieure à la date de la facture "
                    f"{quote(number)} ({_date(row['date'])}).",
                    "Vérifiez les deux dates. Un paiement reçu avant la facture est un acompte : "
                    "il appelle une facture d'acompte datée du jour du paiement.",
                    "paiement_avant_facture",
                )
            )
        if not _is_set(amount):
            continue
        typed_paid = row["montant_paye"]
        if _is_set(typed_paid) and typed_paid > amount + _CENT:
            findings.append(
                Finding(
                    ERREUR,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Montant payé {euros(typed_paid)} supérieur au montant de la facture "
                    f"{quote(number)} ({euros(amount)}) : trop-perçu de "
                    f"{euros(typed_paid - amount)}.",
                    "Vérifiez le montant saisi ; si le client a vraiment trop payé, remboursez-le "
                    "ou émettez un avoir du trop-perçu.",
                    "trop_percu",
                )
            )
            continue
        paid = positions.at[index, "paye"] if "paye" in positions else 0.0
        if not _is_set(paid_on) and paid > amount + _CENT:
            rows = receipt_rows.get(normalize_label(number), [])
            findings.append(
                Finding(
                    ERREUR,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Les encaissements liés à la facture {quote(number)} (Encaissements, "
                    f"{_rows_text(list(rows))}) totalisent {euros(paid)}, plus que son montant "
                    f"({euros(amount)}) : trop-perçu de {euros(paid - amount)}.",
                    "Vérifiez les montants et les numéros de facture des encaissements (un "
                    "paiement saisi deux fois ?) ; si le client a vraiment trop payé, "
                    "remboursez-le ou émettez un avoir.",
                    "trop_percu",
                )
            )
    return findings


_LINK = re.compile(r"(?i)https?://\S+")


def _bad_link(link: str) -> bool:
    return bool(link) and not _LINK.fullmatch(link)


def _payment_links(factures: pd.DataFrame, numbers: np.ndarray) -> list[Finding]:
    findings: list[Finding] = []
    column = _Distinct(factures["lien_paiement"])
    links = column.of(_text_of)
    flagged = column.test(lambda value: _bad_link(_text_of(value)))
    for link, ligne, number in zip(
        links[flagged], factures["ligne"].to_numpy()[flagged], numbers[flagged], strict=True
    ):
        findings.append(
            Finding(
                AVERTISSEMENT,
                FEUILLE_FACTURES,
                int(ligne),
                f"Lien de paiement {quote(link)} invalide pour la facture "
                f"{quote(number)} : il ne commence pas par https://.",
                "Copiez le lien complet fourni par votre banque ou votre solution de "
                "paiement (https://…) : un lien cliquable dans la relance fait payer plus "
                "vite.",
                "lien_paiement_invalide",
            )
        )
    return findings


# --- Encaissements and Décaissements ---------------------------------------------------------


def _statuses(frame: pd.DataFrame, feuille: str, reference: dt.date) -> list[Finding]:
    today = pd.Timestamp(reference)
    recurring = "recurrence" in frame
    days, statuses = frame["date"], frame["statut"]
    set_ = days.notna()
    future = _array(set_ & (statuses == "Réalisé") & (days > today))
    past = _array(set_ & (statuses == "Prévu") & (days < today))
    flagged = future | past
    if not flagged.any():
        return []
    if recurring:  # the first date of a series may be past: the series goes on
        series = np.fromiter(
            (r not in ("Aucune", "", None) for r in frame["recurrence"].to_numpy()[past]),
            dtype=bool,
            count=int(past.sum()),
        )
        past = past.copy()
        past[np.flatnonzero(past)[series]] = False
        flagged = future | past
    # each date written once, each label quoted once, the wording's two ends built once per
    # date: a sheet may flag thousands of rows
    when_codes, written = _dates_written(days, flagged)
    reference_shown = _date(reference)
    after = [f" daté du {w}, après la date de référence ({reference_shown})." for w in written]
    before = [f" daté du {w}, avant la date de référence ({reference_shown})." for w in written]
    labels = _Distinct(frame["libelle"].to_numpy(dtype=object)[flagged]).of(_quoted_text)
    lignes = frame["ligne"].to_numpy()[flagged]
    lignes = lignes.tolist() if lignes.dtype.kind in "iu" else [int(v) for v in lignes]
    return [
        Finding(AVERTISSEMENT, feuille, ligne, _REALISE_FUTUR + label + after[when],
                _REALISE_FUTUR_ADVICE, "realise_futur")
        if is_future
        else Finding(AVERTISSEMENT, feuille, ligne, _PREVU_PASSE + label + before[when],
                     _PREVU_PASSE_ADVICE, "prevu_passe")
        for is_future, ligne, label, when in zip(
            future[flagged].tolist(), lignes, labels.tolist(), when_codes.tolist(), strict=True
        )
    ]  # fmt: skip


def _dates_written(days: pd.Series, mask: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Which distinct date each row of `days` where `mask` holds (no NaT) has, and each
    distinct date as `_date` writes it (dd/mm/yyyy)."""
    if isinstance(days.dtype, np.dtype) and days.dtype.kind == "M":
        codes, whens = pd.factorize(days.to_numpy()[mask])
        iso = np.datetime_as_string(whens.astype("datetime64[D]")).tolist()
        if all(len(text) == 10 and text[0] in "123456789" for text in iso):  # years 1000-9999
            return codes, [f"{text[8:10]}/{text[5:7]}/{text[:4]}" for text in iso]
    codes, whens = pd.factorize(days[mask])
    return codes, [_date(when) for when in whens]


def _quoted_text(value: object) -> str:
    """A label as a finding quotes it."""
    return quote(_text(value))


_REALISE = quote("Réalisé")
_PREVU = quote("Prévu")
_REALISE_FUTUR = f"{_REALISE} en date future : "
_PREVU_PASSE = f"{_PREVU} en date passée : "
_REALISE_FUTUR_ADVICE = (
    "Un mouvement réalisé a déjà eu lieu : corrigez la date, ou passez le "
    f"statut à {_PREVU} s'il reste à venir."
)
_PREVU_PASSE_ADVICE = (
    "Mettez la ligne à jour : a-t-elle été payée ? Si oui, passez le statut à "
    f"{_REALISE} avec la date réelle ; sinon reportez la date au jour attendu."
)


def _linked_receipts(
    factures: pd.DataFrame,
    encaissements: pd.DataFrame,
    positions: pd.DataFrame,
    keys: pd.Series,
    receipt_keys: pd.Series,
    numbers: np.ndarray,
) -> list[Finding]:
    findings: list[Finding] = []
    # the first invoice of each number (its row in the frame), found from the receipts' numbers
    key_values = keys.to_numpy(dtype=object)
    first = (key_values != "") & _first_occurrences(key_values)
    invoice_rows = np.flatnonzero(first)
    invoice_keys = pd.Index(key_values[first], dtype=object)
    found = invoice_keys.get_indexer(receipt_keys.to_numpy(dtype=object))  # -1: no such invoice

    typed = _texts(encaissements["facture"])
    named = typed != ""
    amounts = encaissements["montant"].to_numpy(dtype=float)
    priced = named & (found >= 0) & ~np.isnan(amounts)
    # the receipts whose amount may differ from what their invoice says
    rows = invoice_rows[found[priced]]
    amount = amounts[priced]
    planned = _array(encaissements["statut"] == "Prévu")[priced]
    if "reste_du" in positions:
        rest = np.asarray(_aligned(positions, "reste_du", factures), dtype=float)[rows]
    else:
        rest = np.zeros(len(rows))
    recorded = factures["montant_paye"].fillna(factures["montant"]).to_numpy(dtype=float)[rows]
    paid_in_factures = _array(factures["date_paiement"].notna())[rows]
    with np.errstate(invalid="ignore"):
        differs = np.where(
            planned,
            np.abs(amount - rest) > _CENT,
            paid_in_factures & (np.abs(amount - recorded) > _CENT),
        )
    flagged = named & (found < 0)
    flagged[np.flatnonzero(priced)[differs]] = True

    candidates: list[str] = invoice_keys.tolist()
    closest: dict[str, list[str]] = {}
    for _, row, number, match in _selected(
        encaissements, flagged, ["ligne", "montant", "statut"], typed, found
    ):
        ligne = int(row["ligne"])
        if match < 0:
            key = normalize_label(number)
            if key not in closest:
                closest[key] = difflib.get_close_matches(key, candidates, n=1, cutoff=0.8)
            hint = ""
            if closest[key]:
                near = invoice_rows[invoice_keys.get_loc(closest[key][0])]
                hint = f"Vouliez-vous dire {quote(numbers[near])} ? "
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_ENCAISSEMENTS,
                    ligne,
                    f"N° facture {quote(number)} introuvable dans Factures : la ligne est "
                    "comptée comme un encaissement ordinaire.",
                    hint + "Corrigez le numéro, ou saisissez la facture dans Factures ; sinon le "
                    "paiement risque d'être compté deux fois (ici et dans Factures).",
                    "facture_inconnue",
                )
            )
            continue
        index = factures.index[invoice_rows[match]]
        spelled = numbers[invoice_rows[match]]
        invoice = factures.loc[index]
        amount = row["montant"]
        if not _is_set(amount):
            continue
        if row["statut"] == "Prévu":
            rest = float(positions.at[index, "reste_du"]) if "reste_du" in positions else 0.0
            if abs(amount - rest) > _CENT:
                state = "déjà soldée" if rest <= _CENT else f"dont le reste dû est {euros(rest)}"
                if rest <= _CENT:
                    advice = (
                        "La facture est payée : cette promesse n'est pas comptée dans le plan ; "
                        "supprimez la ligne."
                    )
                elif amount > rest:
                    advice = (
                        f"Le plan n'attend à cette date que le reste dû ({euros(rest)}) : "
                        "corrigez le montant."
                    )
                else:
                    advice = (
                        f"Promesse partielle : le plan attend {euros(amount)} à cette date et "
                        f"le reste ({euros(rest - amount)}) selon la facture ; corrigez le "
                        "montant si le client paie tout."
                    )
                findings.append(
                    Finding(
                        CONSEIL,
                        FEUILLE_ENCAISSEMENTS,
                        ligne,
                        f"Montant prévu {euros(amount)} pour la facture {quote(spelled)}, {state}.",
                        advice,
                        "encaissement_montant_different",
                    )
                )
        elif _is_set(invoice["date_paiement"]):
            recorded = invoice["montant_paye"]
            recorded = recorded if _is_set(recorded) else invoice["montant"]
            if _is_set(recorded) and abs(amount - recorded) > _CENT:
                findings.append(
                    Finding(
                        CONSEIL,
                        FEUILLE_ENCAISSEMENTS,
                        ligne,
                        f"Encaissement de {euros(amount)} pour la facture "
                        f"{quote(spelled)}, alors que Factures (ligne "
                        f"{int(invoice['ligne'])}) indique un paiement de {euros(recorded)} "
                        f"le {_date(invoice['date_paiement'])}.",
                        "Seul le paiement saisi dans Factures est compté : harmonisez les deux "
                        "montants, ou videz la date de paiement dans Factures pour que les "
                        "encaissements liés fassent foi.",
                        "encaissement_montant_different",
                    )
                )
    return findings


def _broken_promises(
    factures: pd.DataFrame, positions: pd.DataFrame, reference: dt.date, numbers: np.ndarray
) -> list[Finding]:
    """Promises to pay (`Prévu` Encaissements naming an invoice) whose date passed unpaid."""
    if "promesses" not in positions:
        return []
    findings: list[Finding] = []
    today = pd.Timestamp(reference)
    promised = positions["promesses"].to_numpy(dtype=object).astype(bool)
    due = promised & ~(positions["reste_du"].to_numpy(dtype="float64") <= _CENT)
    if not due.any():
        return []
    spelled = dict(zip(factures.index, numbers, strict=True))
    for index, promises, rest, client in zip(
        positions.index[due],
        positions["promesses"].to_numpy(dtype=object)[due],
        positions["reste_du"].to_numpy()[due],
        positions["client"].to_numpy(dtype=object)[due],
        strict=True,
    ):
        for when, amount, ligne in promises:
            if when >= today:
                continue
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_ENCAISSEMENTS,
                    int(ligne),
                    f"Promesse de paiement non tenue : {_text(client)} devait payer "
                    f"{euros(amount)} le {_date(when)} pour la facture "
                    f"{quote(spelled[index])}, qui reste due ({euros(rest)}).",
                    f"Relancez le client (onglet {quote('Relances')}) ; s'il a payé, passez la "
                    f"ligne en {quote('Réalisé')} à la date réelle, sinon reportez-la à la date "
                    "qu'il vous donne. Le plan ne compte plus sur cette promesse.",
                    "promesse_non_tenue",
                )
            )
    return findings


def _undated_payments(
    factures: pd.DataFrame, positions: pd.DataFrame, date_solde: dt.date, numbers: np.ndarray
) -> list[Finding]:
    """A Montant payé without Date de paiement: counted as received on or before the opening
    balance; ask for the date."""
    undated = _array(factures["montant_paye"].gt(0) & factures["date_paiement"].isna())
    findings: list[Finding] = []
    for index, row, number in _selected(factures, undated, ["ligne", "montant_paye"], numbers):
        rest = float(positions.at[index, "reste_du"]) if "reste_du" in positions else 0.0
        left = f" ; le reste dû ({euros(rest)}) reste attendu" if rest > _CENT else ""
        findings.append(
            Finding(
                AVERTISSEMENT,
                FEUILLE_FACTURES,
                int(row["ligne"]),
                f"Montant payé {euros(row['montant_paye'])} sans date de paiement pour la "
                f"facture {quote(number)} : compté comme reçu au plus tard le "
                f"{_date(date_solde)}, donc déjà dans le solde initial{left}.",
                f"Indiquez la date du paiement dans {quote('Date de paiement')} : le livre des "
                "recettes et les cotisations URSSAF en dépendent.",
                "paiement_sans_date",
            )
        )
    return findings
