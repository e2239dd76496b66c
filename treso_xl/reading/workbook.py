"""Read the user's workbook (Paramètres and the input sheets) into a validated Ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook, PasswordError

from treso_xl.cells import column_letter as get_column_letter
from treso_xl.contract import (
    BANQUE,
    DATA_SHEETS,
    DECAISSEMENTS,
    ENCAISSEMENTS,
    FACTURES,
    FOURNISSEURS,
    HORIZON_MAX,
    HORIZON_MIN,
    OUI_NON,
    PARAMETRES_SHEET,
    PROJETS,
    SETTINGS,
    STOCK,
    Column,
    Kind,
    Setting,
    Sheet,
    normalize_label,
)
from treso_xl.core.records import Ledger, Params
from treso_xl.identifiers import (
    IdentifierError,
    InvalidChecksum,
    InvalidLength,
    format_iban,
    validate_iban,
    validate_siren,
)
from treso_xl.reading.cell_errors import ExcelError
from treso_xl.reading.package_guard import PackageScan, inspect_package
from treso_xl.reading.problems import (
    InputError,
    Problem,
    UnreadableWorkbookError,
    format_value,
    quote,
)
from treso_xl.reading.tables import (
    Grid,
    Table,
    ambiguous_sheet,
    empty_frame,
    grid_from_rows,
    header_clashes,
    match_headers,
    missing_column,
    read_table,
    sheet_candidates,
)
from treso_xl.reading.values import Cells, explain, parse, parse_array, plain

# Ledger attribute of each input sheet.
LEDGER_FIELDS: dict[str, str] = {
    ENCAISSEMENTS.name: "encaissements",
    DECAISSEMENTS.name: "decaissements",
    FACTURES.name: "factures",
    FOURNISSEURS.name: "fournisseurs",
    STOCK.name: "stock",
    PROJETS.name: "projets",
}

# The two columns of Paramètres, as contract columns so that headers match the same way.
PARAM_NAME = Column("Paramètre", "name", Kind.TEXT, required=True)
PARAM_VALUE = Column("Valeur", "value", Kind.TEXT, required=True)


def read_ledger(path: Path, today: dt.date | None = None) -> Ledger:
    """Read and validate every contract sheet of the workbook at `path`.

    Raises InputError listing every problem of the workbook (all sheets) when anything is wrong;
    nothing else escapes for bad input. `today` stands in for an empty `Date de référence`.
    """
    book = open_workbook(Path(path))
    try:
        return _read(list(book.sheet_names), lambda title: _sheet_cells(book, title), today)
    finally:
        book.close()


def read_ledger_from_grids(
    grids: Mapping[str, Sequence[Sequence[object]]], today: dt.date | None = None
) -> Ledger:
    """Validate sheets given as grids of raw cell values, exactly as `read_ledger` does.

    `grids` maps each sheet name, in workbook order, to its rows of cells starting at cell A1
    (None or "" for an empty cell), e.g. as read from a running Excel. Sheets the contract does not
    name may be left out. Raises InputError like `read_ledger`.
    """
    return _read(list(grids), lambda title: Grid.from_rows(grids[title]), today)


class Workbook:
    """A workbook open in python-calamine, with the error cells the package guard found.

    Offers what the readers use of a CalamineWorkbook (`sheet_names`, `get_sheet_by_name`,
    `close`); `sheet_grid` puts the error markers into the grids.
    """

    def __init__(self, book: CalamineWorkbook, scan: PackageScan) -> None:
        self.book = book
        self.scan = scan

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def get_sheet_by_name(self, title: str) -> Any:
        return self.book.get_sheet_by_name(title)

    def close(self) -> None:
        self.book.close()


_INPUT_KEYS = frozenset(
    normalize_label(name) for name in (PARAMETRES_SHEET, *LEDGER_FIELDS, BANQUE.name)
)


def _maybe_input(title: str) -> bool:
    """A sheet whose cells the guard scans: any name an input sheet could have (a superset)."""
    return normalize_label(title) in _INPUT_KEYS


def open_workbook(path: Path) -> Workbook:
    """Open the file with python-calamine, or raise InputError with a French explanation.

    The package is checked first (sizes once inflated, compression ratio: `inspect_package`,
    which raises a FileError before python-calamine sees a hostile file) and its input sheets
    searched for Excel errors and formulas without value, which python-calamine reads as empty.
    """
    shown = quote(path.name)
    if not path.is_file():
        raise UnreadableWorkbookError(_file_problem(path, f"le fichier {shown} est introuvable."))
    scan = inspect_package(path, scan=_maybe_input)
    try:
        return Workbook(CalamineWorkbook.from_path(str(path)), scan)
    except PasswordError:
        message = (
            f"le classeur {shown} est protégé par un mot de passe ; "
            f"enregistrez-en une copie sans mot de passe."
        )
    except PermissionError:
        message = f"le fichier {shown} ne peut pas être lu (accès refusé)."
    except Exception:  # any failure of the parser on a file we do not control
        message = (
            f"le fichier {shown} n'est pas un classeur Excel lisible ; "
            f"enregistrez-le au format « Classeur Excel (*.xlsx) »."
        )
    raise UnreadableWorkbookError(_file_problem(path, message))


def _file_problem(path: Path, message: str) -> Problem:
    return Problem(None, None, None, str(path), message)


def sheet_grid(book: Workbook | CalamineWorkbook, title: str) -> pd.DataFrame:
    """The cells of one sheet, indexed by Excel row number, error cells as ExcelError markers.

    pandas' `read_excel(engine="calamine")` keeps row positions too (it asks python-calamine
    for `skip_empty_area=False` and does not skip blank lines), but it runs every cell through a
    Python conversion and a TextParser, which doubles the time on large sheets and, unless told
    otherwise, turns texts such as "NA" or "None" into NaN. Reading the sheet directly with
    python-calamine from cell A1 gives the exact Excel row numbers at half the cost.
    python-calamine reads an Excel error or a formula without value as "" (or not at all): the
    cells the package guard found are put back as markers.
    """
    try:
        rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except Exception:
        if isinstance(book, Workbook):
            _unread_errors(title, book.scan.cells(title))
        raise
    grid = grid_from_rows(rows)
    if isinstance(book, Workbook):
        grid = with_markers(grid, book.scan.cells(title))
    return grid


def _sheet_cells(book: Workbook, title: str) -> Grid:
    """The cells of one sheet as a Grid, error cells as ExcelError markers (see `sheet_grid`)."""
    try:
        rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except Exception:
        _unread_errors(title, book.scan.cells(title))
        raise
    return _grid_with_markers(Grid.from_rows(rows), book.scan.cells(title))


def _grid_with_markers(grid: Grid, cells: Mapping[tuple[int, int], ExcelError]) -> Grid:
    """`grid` (Excel rows from 1) with each (Excel row, column number) of `cells` holding its
    marker, the grid grown with empty cells to reach them."""
    if not cells:
        return grid
    height, width = grid.cells.shape
    rows = max(height, max(row for row, _ in cells))
    columns = max(width, max(column for _, column in cells))
    values = grid.cells
    if rows > height or columns > width:
        values = np.empty((rows, columns), dtype=object)  # None everywhere
        values[:height, :width] = grid.cells
    for (row, column), marker in cells.items():
        values[row - 1, column - 1] = marker
    return Grid(values, np.arange(1, rows + 1, dtype=np.int64))


# The error codes python-calamine reads; any other makes it refuse the whole sheet.
_CALAMINE_ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))


def _unread_errors(title: str, cells: Mapping[tuple[int, int], ExcelError]) -> None:
    """Raise InputError naming the error cells python-calamine could not read, if any."""
    odd = sorted((row, column, marker) for (row, column), marker in cells.items() if marker.code)
    problems = [
        Problem(
            title,
            row,
            None,
            marker,
            f"la cellule {get_column_letter(column)}{row} contient l'erreur Excel "
            f"{marker.shown}, que treso-xl ne peut pas lire ; corrigez la formule ou saisissez "
            "la valeur.",
        )
        for row, column, marker in odd
        if marker.code not in _CALAMINE_ERRORS
    ]
    if problems:
        raise InputError(problems)


def with_markers(grid: pd.DataFrame, cells: Mapping[tuple[int, int], ExcelError]) -> pd.DataFrame:
    """`grid` with each (Excel row, column number) of `cells` holding its marker."""
    if not cells:
        return grid
    rows = max(len(grid), max(row for row, _ in cells))
    columns = max(grid.shape[1], max(column for _, column in cells))
    if rows > len(grid) or columns > grid.shape[1]:
        grid = grid.reindex(index=pd.RangeIndex(1, rows + 1), columns=range(columns))
        grid = grid.astype(object).where(grid.notna(), None)
    for (row, column), marker in cells.items():
        grid.iat[row - 1, column - 1] = marker
    return grid


def _read(names: list[str], load: Callable[[str], Grid], today: dt.date | None) -> Ledger:
    problems: list[Problem] = []

    params: Params | None = None
    title = _input_sheet(names, PARAMETRES_SHEET, problems)
    if title is None:
        problems.append(_missing_sheet(PARAMETRES_SHEET))
    else:
        grid = _grid_or_problem(load, title, problems)
        if grid is not None:
            params, found = read_params(grid, title, today)
            problems.extend(found)

    frames: dict[str, pd.DataFrame] = {}
    missing: list[str] = []
    for sheet in DATA_SHEETS:
        frames[LEDGER_FIELDS[sheet.name]] = empty_frame(sheet)
        title = _input_sheet(names, sheet.name, problems)
        if title is None:
            if sheet.optional:
                missing.append(sheet.name)
            else:
                problems.append(_missing_sheet(sheet.name))
            continue
        grid = _grid_or_problem(load, title, problems)
        if grid is None:
            continue
        table = read_table(sheet, grid, title)
        found = table.problems + _cross_checks(sheet, table)
        found.sort(key=lambda problem: problem.row or 0)
        problems.extend(found)
        frames[LEDGER_FIELDS[sheet.name]] = table.frame

    # Banque: optional and created by the import, so its absence is not listed in `missing`
    title = _input_sheet(names, BANQUE.name, problems)
    grid = None if title is None else _grid_or_problem(load, title, problems)
    if grid is not None:
        table = read_table(BANQUE, grid, title)
        problems.extend(table.problems)
        frames["banque"] = table.frame

    if problems or params is None:
        raise InputError(problems)
    return Ledger(params=params, missing_sheets=tuple(missing), **frames)


def _input_sheet(names: list[str], wanted: str, problems: list[Problem]) -> str | None:
    """The sheet to read for `wanted`; with two candidates, a problem naming both is added."""
    candidates = sheet_candidates(names, wanted)
    if len(candidates) > 1:
        problems.append(ambiguous_sheet(wanted, candidates))
    return candidates[0] if candidates else None


def _missing_sheet(name: str) -> Problem:
    return Problem(
        name,
        None,
        None,
        None,
        "cette feuille obligatoire est introuvable dans le classeur ; ajoutez-la "
        "(reprenez-la du modèle).",
    )


def _grid_or_problem(
    load: Callable[[str], Grid], title: str, problems: list[Problem]
) -> Grid | None:
    try:
        return load(title)
    except InputError as error:  # error cells python-calamine cannot read, named one by one
        problems.extend(error.problems)
        return None
    except Exception:  # a damaged sheet: say which one rather than fail
        problems.append(
            Problem(
                title,
                None,
                None,
                None,
                "la feuille est illisible ; ouvrez le classeur dans Excel et enregistrez-le "
                "à nouveau.",
            )
        )
        return None


# --- Paramètres -------------------------------------------------------------------------------


def read_params(
    grid: pd.DataFrame | Grid, title: str, today: dt.date | None = None
) -> tuple[Params | None, list[Problem]]:
    """Validate the Paramètres sheet (columns Paramètre | Valeur); Params is None on problems."""
    problems: list[Problem] = []
    cells: dict[str, tuple[int, object]] = {}  # setting field -> (Excel row, raw value)
    if not isinstance(grid, Grid):
        grid = Grid.from_frame(grid)
    top = grid.header_position()
    if top is not None:
        header_at = int(grid.numbers[top])
        headers = list(enumerate(grid.cells[top].tolist()))
        found = match_headers(headers, (PARAM_NAME, PARAM_VALUE))
        for col in (PARAM_NAME, PARAM_VALUE):
            if col.field not in found:
                problems.append(missing_column(title, header_at, col.name))
        problems.extend(header_clashes(title, header_at, headers, (PARAM_NAME, PARAM_VALUE)))
        if problems:  # without both columns, every setting would be reported missing
            return None, problems
        name_col, value_col = found[PARAM_NAME.field][0], found[PARAM_VALUE.field][0]
        body = grid.cells[top + 1 :]
        cells = _setting_cells(
            grid.numbers[top + 1 :], body[:, name_col], body[:, value_col], title, problems
        )

    values: dict[str, object] = {}
    parsed = _parse_settings(cells)
    for setting in SETTINGS:
        row, raw = cells.get(setting.field, (None, None))
        value, problem = _setting_value(setting, row, raw, title, parsed.get(setting.field))
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            values[setting.field] = value
    if problems:
        problems.sort(key=lambda problem: problem.row or 0)
        return None, problems

    for name in ("versement_liberatoire", "acre", "tva"):
        values[name] = values.get(name, "Non") == OUI_NON[0]
    values.setdefault("date_reference", today or dt.date.today())
    return Params(**values), []


def _setting_cells(
    rows: np.ndarray,
    names: np.ndarray,
    raws: np.ndarray,
    title: str,
    problems: list[Problem],
) -> dict[str, tuple[int, object]]:
    """Rows of Paramètres naming a known setting; unknown names are the user's and ignored."""
    by_key = {setting.key: setting for setting in SETTINGS}
    cells: dict[str, tuple[int, object]] = {}
    for row, name, raw in zip(rows.tolist(), names.tolist(), raws.tolist(), strict=True):
        setting = by_key.get(_key(name))
        if setting is None:
            continue
        if setting.field in cells:
            first_row = cells[setting.field][0]
            problems.append(
                Problem(
                    title,
                    int(row),
                    None,
                    name,
                    f"le paramètre est déjà donné ligne {first_row} ; gardez une seule ligne.",
                    setting=setting.name,
                )
            )
            continue
        cells[setting.field] = (int(row), raw)
    return cells


def _key(value: object) -> str:
    return normalize_label(format_value(value))


def _parse_settings(cells: Mapping[str, tuple[int, object]]) -> dict[str, tuple[object, bool]]:
    """Every setting's cell parsed, as the parsed element and its bad flag: the settings parsed
    alike (same kind and options) in one call, since a call costs far more than a cell."""
    groups: list[tuple[tuple[object, ...], list[Setting]]] = []
    for setting in SETTINGS:
        key = (setting.kind, setting.signed, setting.choices, setting.default)
        for known, members in groups:
            if known == key:
                members.append(setting)
                break
        else:
            groups.append((key, [setting]))
    parsed: dict[str, tuple[object, bool]] = {}
    for _, members in groups:
        lead = members[0]
        raws = np.empty(len(members), dtype=object)
        raws[:] = [cells.get(setting.field, (None, None))[1] for setting in members]
        values, bad = parse_array(
            lead.kind,
            Cells(raws),
            signed=lead.signed,
            choices=lead.choices,
            default=lead.default,
        )
        elements = pd.Series(values) if not isinstance(values, np.ndarray) else values
        for position, setting in enumerate(members):
            element = _element(elements, position)
            parsed[setting.field] = (element, bool(bad[position]))
    return parsed


def _element(values: pd.Series | np.ndarray, position: int) -> object:
    """The element at `position` as a parsed Series gives it (`Series.iloc`)."""
    if isinstance(values, pd.Series):
        return values.iloc[position]
    value = values[position]
    if isinstance(value, np.datetime64):  # a Series of datetime64 gives Timestamps
        return pd.Timestamp(value)
    return value


def _setting_value(
    setting: Setting,
    row: int | None,
    raw: object,
    title: str,
    parsed: tuple[object, bool] | None = None,
) -> tuple[object, Problem | None]:
    """The typed value of one setting (None when empty), or the problem with it."""

    def problem(message: str, value: object = raw) -> tuple[object, Problem]:
        return None, Problem(title, row, "Valeur", value, message, setting=setting.name)

    if parsed is None:
        values, bad = parse(
            setting.kind,
            pd.Series([raw], dtype=object),
            signed=setting.signed,
            choices=setting.choices,
            default=setting.default,
        )
        parsed = (values.iloc[0], bool(bad.iloc[0]))
    element, wrong = parsed
    if wrong:
        return problem(explain(setting.kind, raw, element, choices=setting.choices))
    value = plain(element)
    if value in (None, ""):
        if setting.required:
            if row is None:
                return problem(
                    f"ce paramètre obligatoire est absent ; ajoutez une ligne "
                    f"{quote(setting.name)} avec sa valeur."
                )
            return problem("ce paramètre est obligatoire ; la valeur est vide.")
        return setting.default, None

    shown = quote(format_value(raw))
    if setting.field == "horizon" and not HORIZON_MIN <= int(value) <= HORIZON_MAX:
        return problem(
            f"{shown} : l'horizon doit être compris entre {HORIZON_MIN} et {HORIZON_MAX} mois."
        )
    if setting.field == "siren":
        try:
            return validate_siren(str(value)), None
        except InvalidLength:
            return problem(f"{shown} n'est pas un SIREN valide : il doit compter 9 chiffres.")
        except InvalidChecksum:
            return problem(
                f"{shown} n'est pas un SIREN valide : la clé de contrôle ne correspond pas ; "
                f"vérifiez les chiffres."
            )
        except IdentifierError:
            return problem(f"{shown} n'est pas un SIREN valide : 9 chiffres attendus.")
    if setting.field == "iban":
        try:
            return format_iban(validate_iban(str(value))), None
        except IdentifierError:
            return problem(
                f"{shown} n'est pas un IBAN valide ; vérifiez-le sur votre RIB "
                f"(exemple : FR76 3000 6000 0112 3456 7890 189)."
            )
    return value, None


# --- checks across the columns of a row -------------------------------------------------------


def _cross_checks(sheet: Sheet, table: Table) -> list[Problem]:
    """Rules that involve two columns of the same row.

    A Montant payé without Date de paiement is no error: it was received on or before the opening
    balance (contract), and Contrôles asks for the date.
    """
    frame = table.frame
    problems: list[Problem] = []
    if sheet is DECAISSEMENTS:
        late = frame["fin"].notna() & frame["date"].notna() & (frame["fin"] < frame["date"])
        for row, start, end in frame.loc[late, ["ligne", "date", "fin"]].itertuples(index=False):
            problems.append(
                Problem(
                    table.title,
                    int(row),
                    table.header("Fin"),
                    end,
                    f"{quote(format_value(end))} : la fin de la récurrence est antérieure à la "
                    f"date du premier décaissement ({format_value(start)}) ; corrigez l'une des "
                    f"deux dates.",
                )
            )
    return problems
