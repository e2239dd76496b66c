"""Refresh every workbook of a folder in a process pool and sum them up in one workbook."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future

OK = "Actualisé"
DATA = "Données à corriger"
FAILED = "Échec"
INTERNAL = "Erreur interne"
SUMMARY_NAME = "Synthèse treso-xl.xlsx"
SUFFIXES = (".xlsx", ".xlsm")
SHEET = "Synthèse"
HEADERS = (
    "Fichier",
    "Statut",
    "Solde aujourd'hui",
    "Mois le plus bas",
    "Solde au plus bas",
    "Retards clients",
    "Erreurs",
    "Message",
)


@dataclass(frozen=True)
class Outcome:
    """One workbook of the batch: its figures when refreshed, else why not."""

    fichier: str
    statut: str
    solde_aujourdhui: float | None = None
    mois_plus_bas: dt.date | None = None
    solde_plus_bas: float | None = None
    retards_clients: float | None = None
    erreurs: int | None = None
    message: str = ""
    ecrit: str = ""  # the file written (in place or in the output folder)

    @property
    def refreshed(self) -> bool:
        return self.statut == OK


def workbooks(folder: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """The client workbooks of `folder`, by name: .xlsx and .xlsm files, without the tool's
    backups (NAME.bak.xlsx), Excel's lock files (~$NAME), hidden files and `exclude`."""
    left_out = {path.resolve() for path in exclude}
    found = []
    for path in folder.iterdir():
        name = path.name
        if path.suffix.lower() not in SUFFIXES or name.startswith(("~$", ".")):
            continue
        if Path(path.stem).suffix.lower() == ".bak" or not path.is_file():
            continue
        if path.resolve() in left_out:
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.name.lower())


def _warm() -> None:
    """Import the engine once per worker, before the first workbook; then keep the garbage
    collector off the imported modules' objects and let it run less often (pandas makes many
    short-lived objects, few cycles): about 8 % less time per sample workbook."""
    import gc

    import treso_xl.refresh  # noqa: F401

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def refresh_one(source: str, output: str | None, today: dt.date | None) -> Outcome:
    """Refresh one workbook (in a worker): its figures, or the French reason it failed.

    Never raises, so that one workbook cannot stop the others.
    """
    from treso_xl.errors import DataError, FileError, describe
    from treso_xl.french import quote

    name = Path(source).name
    try:
        from treso_xl.contract import TAB_CONTROLES
        from treso_xl.core.checks import ERREUR
        from treso_xl.progress import reporting
        from treso_xl.refresh import refresh_file

        with reporting(None):  # a forked worker inherits the terminal's reporter: keep quiet
            report, written = refresh_file(Path(source), Path(output) if output else None, today)
        figures = report.figures
        errors = sum(1 for finding in report.findings if finding.gravite == ERREUR)
        return Outcome(
            name,
            OK,
            solde_aujourdhui=figures.balance_today,
            mois_plus_bas=figures.lowest_month,
            solde_plus_bas=figures.lowest_balance,
            retards_clients=figures.overdue_total,
            erreurs=errors,
            message=(
                f"{errors} erreur{'s' if errors > 1 else ''} dans l'onglet {quote(TAB_CONTROLES)}."
                if errors
                else ""
            ),
            ecrit=str(written),
        )
    except DataError as error:
        problems = getattr(error, "problems", None)
        count = len(problems) if problems else 1
        return Outcome(name, DATA, erreurs=count, message=_first_lines(describe(error)))
    except FileError as error:
        return Outcome(name, FAILED, message=_first_lines(describe(error)))
    except Exception as error:  # a bug of ours: said, and the next workbook goes on
        return Outcome(
            name,
            INTERNAL,
            message=f"Erreur interne de treso-xl ({type(error).__name__} : {error}).",
        )


def _first_lines(text: str, count: int = 3) -> str:
    lines = text.splitlines()
    shown = "\n".join(lines[:count])
    if len(lines) > count:
        rest = len(lines) - count
        shown += f"\n… et {rest} autre{'s' if rest > 1 else ''}."
    return shown


def _crashed(source: Path) -> Outcome:
    return Outcome(
        source.name,
        INTERNAL,
        message="Le processus qui actualisait ce classeur s'est arrêté brutalement (mémoire "
        "épuisée ou arrêt forcé) ; le classeur n'a pas été modifié.",
    )


def run_batch(
    sources: list[Path],
    output_folder: Path | None = None,
    jobs: int | None = None,
    today: dt.date | None = None,
    done: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Refresh `sources` in `jobs` worker processes (default: one per core); the outcomes in
    the order of `sources`. `done(count, total)` is told after each workbook.

    In place by default (each keeping its NAME.bak.xlsx); into `output_folder` under the same
    name when given. A workbook that fails is an outcome, never an exception; a worker that
    dies (out of memory, killed) costs only its own workbook, run again alone to tell which.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    total = len(sources)
    results: dict[Path, Outcome] = {}

    def target(source: Path) -> str | None:
        return str(output_folder / source.name) if output_folder is not None else None

    def record(source: Path, outcome: Outcome) -> None:
        results[source] = outcome
        if done is not None:
            done(len(results), total)

    pending = list(sources)
    while pending:
        lost = _pool_round(pending, min(jobs, len(pending)), target, today, record)
        if len(lost) == len(pending) and len(lost) > 0:
            # every workbook of the round was lost with the pool: try each one alone
            for source in lost:
                again = _pool_round([source], 1, target, today, record)
                if again:
                    record(source, _crashed(source))
            break
        pending = lost
    return [results[source] for source in sources]


def _pool_round(
    sources: list[Path],
    jobs: int,
    target: Callable[[Path], str | None],
    today: dt.date | None,
    record: Callable[[Path, Outcome], None],
) -> list[Path]:
    """One pool over `sources`; the sources whose worker died before answering."""
    from concurrent.futures import ProcessPoolExecutor, as_completed  # not for --help
    from concurrent.futures.process import BrokenProcessPool

    lost: list[Path] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_warm) as pool:
        futures: dict[Future[Outcome], Path] = {
            pool.submit(refresh_one, str(source), target(source), today): source
            for source in sources
        }
        for future in as_completed(futures):
            source = futures[future]
            try:
                record(source, future.result())
            except BrokenProcessPool:
                lost.append(source)
    return lost


def summary_workbook(outcomes: list[Outcome], on: dt.date) -> bytes:
    """The summary as .xlsx bytes: one row per client workbook, filterable, amounts in euros."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    euro = '#,##0.00\\ "€";[Red]\\-#,##0.00\\ "€"'
    for outcome in outcomes:
        sheet.append(
            [
                outcome.fichier,
                outcome.statut,
                outcome.solde_aujourdhui,
                outcome.mois_plus_bas,
                outcome.solde_plus_bas,
                outcome.retards_clients,
                outcome.erreurs,
                outcome.message,
            ]
        )
        row = sheet.max_row
        for column in (3, 5, 6):
            sheet.cell(row, column).number_format = euro
        sheet.cell(row, 4).number_format = "mm/yyyy"
        sheet.cell(row, 8).alignment = Alignment(wrap_text=True, vertical="top")
    widths = (34, 20, 18, 16, 18, 16, 9, 80)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(1, sheet.max_row)}"
    sheet.oddFooter.left.text = f"treso-xl — synthèse du {on.strftime('%d/%m/%Y')}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_dict(outcome: Outcome) -> dict[str, object]:
    """An outcome as plain data (for tests and logs)."""
    return asdict(outcome)
