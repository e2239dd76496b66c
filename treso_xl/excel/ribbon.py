"""The macros behind the ribbon buttons: each takes an xlwings Book and never raises.

`actualiser`, `verifier`, `relances`, `envoyer_au_comptable` and `importer_releve` run the same
engine as the command line on the workbook open in Excel (read through
`treso_xl.excel.read_xlwings`, written through `treso_xl.excel.render_xlwings`). Whatever happens,
the user gets a French message box (`book.app.alert`), and data problems or failures are written
into the Contrôles tab; no Python traceback ever reaches Excel. `run(name)` is what the add-in's VBA
calls (through the small modules of `treso_xl.excel.ruban`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from treso_xl.errors import TresoError
from treso_xl.french import quote
from treso_xl.progress import StatusBar, phase, reporting

if TYPE_CHECKING:  # the engine (pandas, openpyxl) is imported by the macro that runs it
    from treso_xl.core.checks import Finding
    from treso_xl.reading.problems import Problem

TITLE = "Trésorerie"
NBSP = "\u00a0"
SAISIE_CONSEIL = "Corrigez la cellule indiquée, puis cliquez à nouveau sur le bouton."
INTERNAL_CONSEIL = (
    "Relancez l'opération ; si l'erreur revient, lancez « treso-xl check » sur le classeur "
    "enregistré et signalez-nous le problème avec ce message."
)
DRAFTS_FOLDER = "Relances"

T = TypeVar("T")


# --- messages and Contrôles ----------------------------------------------------------------------


def _alert(book: Any, message: str, critical: bool = False) -> None:
    """A French message box; if even that fails, the message goes where xlwings shows it."""
    try:
        book.app.alert(message, title=TITLE, mode="critical" if critical else "info")
    except Exception:  # no window to show it in: xlwings shows stderr in a message box
        print(message, file=sys.stderr)


def _tab_controles() -> str:
    from treso_xl.contract import TAB_CONTROLES

    return TAB_CONTROLES


def _problem_finding(problem: Problem) -> Finding:
    from treso_xl.core.checks import ERREUR, Finding

    if problem.setting is not None:
        where = f"Paramètre {quote(problem.setting)}{NBSP}: "
    elif problem.column is not None:
        where = f"Colonne {quote(problem.column)}{NBSP}: "
    else:
        where = ""
    message = problem.message
    if not where:
        message = message[:1].upper() + message[1:]
    return Finding(
        ERREUR, problem.sheet or "Classeur", problem.row, where + message, SAISIE_CONSEIL, "saisie"
    )


def problem_findings(problems: list[Problem]) -> list[Finding]:
    """The reader's problems as lines of the Contrôles tab (all of gravité « erreur »)."""
    return [_problem_finding(problem) for problem in problems]


def _write_controles(book: Any, findings: list[Finding], on: dt.date) -> bool:
    """Rewrite the Contrôles tab with `findings`; False (and nothing raised) when it fails,
    e.g. when a sheet of the user bears its name (`write_layouts` then touches nothing)."""
    from treso_xl.excel.render_xlwings import write_layouts
    from treso_xl.layout.controles import controles_layout

    try:
        with _quiet(book.app):
            write_layouts(book, [controles_layout(findings, on)])
        return True
    except Exception:
        return False


def _internal_finding(action: str, error: BaseException) -> Finding:
    from treso_xl.core.checks import ERREUR, Finding

    detail = str(error).strip() or type(error).__name__
    return Finding(
        ERREUR,
        "treso-xl",
        None,
        f"Erreur interne pendant « {action} » ({type(error).__name__}{NBSP}: {detail}). "
        "Les onglets générés peuvent être incomplets.",
        INTERNAL_CONSEIL,
        "erreur_interne",
    )


@contextmanager
def _quiet(app: Any) -> Iterator[None]:
    """Screen updates and automatic calculation off while the tabs are written, then restored."""
    updating = calculation = None
    try:
        updating = app.screen_updating
        app.screen_updating = False
        calculation = app.calculation
        if calculation != "manual":
            app.calculation = "manual"
    except Exception:  # a setting Excel refuses is not worth failing the refresh for
        pass
    try:
        yield
    finally:
        try:
            if calculation is not None and calculation != "manual":
                app.calculation = calculation
            if updating is not None:
                app.screen_updating = updating
        except Exception:
            pass


def _guarded(book: Any, action: str, work: Callable[[], T], today: dt.date | None) -> T | None:
    """Run `work`, its phases shown in Excel's status bar; turn every failure into a French
    message box and a Contrôles line."""
    on = today or dt.date.today()
    try:
        app = book.app
    except Exception:  # no application to show a status in: the work runs all the same
        app = None
    try:
        with StatusBar(app) as status, reporting(status):
            return work()
    except _input_error() as error:
        findings = problem_findings(error.problems)
        written = _write_controles(book, findings, on)
        count = len(findings)
        noun = "problème" if count == 1 else "problèmes"
        where = (
            f"l'onglet {quote(_tab_controles())} les détaille, ligne par ligne"
            if written
            else "le premier est :\n" + (str(error.problems[0]) if error.problems else "")
        )
        _alert(
            book,
            f"{action}{NBSP}: {count} {noun} dans vos données ; {where}. Corrigez-les, puis "
            "cliquez à nouveau sur le bouton. Les autres onglets générés n'ont pas été modifiés.",
            critical=True,
        )
    except _sheet_conflict() as error:  # a user's sheet named like a tab: nothing written
        _alert(book, f"{action}{NBSP}: {error}", critical=True)
    except TresoError as error:
        from treso_xl.core.checks import ERREUR, Finding

        finding = Finding(ERREUR, "Classeur", None, str(error), SAISIE_CONSEIL, "erreur")
        _write_controles(book, [finding], on)
        _alert(book, f"{action}{NBSP}: {error}", critical=True)
    except Exception as error:  # a bug of ours: said in French, never as a traceback
        written = _write_controles(book, [_internal_finding(action, error)], on)
        where = f" (voir l'onglet {quote(_tab_controles())})" if written else ""
        _alert(
            book,
            f"{action}{NBSP}: erreur interne de treso-xl ({type(error).__name__}{NBSP}: "
            f"{error}){where}. Relancez l'opération ; si l'erreur revient, signalez-nous le "
            "problème.",
            critical=True,
        )
    return None


def _input_error() -> type[Exception]:
    from treso_xl.reading.problems import InputError

    return InputError


def _sheet_conflict() -> type[Exception]:
    from treso_xl.tab_identity import SheetConflictError

    return SheetConflictError


# --- the macros ----------------------------------------------------------------------------------


def _read(book: Any, today: dt.date | None) -> Any:
    """The workbook's ledger, read in Excel."""
    from treso_xl.excel.read_xlwings import read_ledger_from_book

    phase("Lecture du classeur")
    return read_ledger_from_book(book, today)


def _months_below(report: Any) -> str:
    plan = report.plan
    flagged = [m.strftime("%m/%Y") for m in plan.months if plan.below[m]]
    if flagged:
        return "Mois sous le seuil d'alerte : " + ", ".join(flagged) + "."
    return "Aucun mois sous le seuil d'alerte."


def actualiser(book: Any, today: dt.date | None = None) -> Any:
    """Full refresh: read, compute and rewrite every generated tab. Returns the Report or None."""
    from treso_xl.excel.render_xlwings import write_layouts
    from treso_xl.layout.controles import summary_text
    from treso_xl.refresh import compute

    def work() -> Any:
        report = compute(_read(book, today), _generated_sheets(book))
        phase("Écriture des onglets dans Excel")
        with _quiet(book.app):
            left_out = write_layouts(book, report.layouts)
        counts = summary_text(report.findings)
        lines = [
            f"Classeur actualisé : {len(report.layouts)} onglets "
            f"({', '.join(layout.name for layout in report.layouts)}).",
            _months_below(report),
            f"Contrôles : {counts}.",
        ]
        if left_out:
            lines.append("Non dessiné dans Excel : " + " ; ".join(left_out) + ".")
        _alert(book, "\n".join(lines))
        return report

    return _guarded(book, "Actualiser", work, today)


def verifier(book: Any, today: dt.date | None = None) -> list[Finding] | None:
    """Checks only: validate the data and rewrite the Contrôles tab, nothing else."""
    from treso_xl.core.checks import ERREUR, count_by_gravite
    from treso_xl.excel.render_xlwings import write_layouts
    from treso_xl.layout.controles import controles_layout, summary_text
    from treso_xl.refresh import compute

    def work() -> list[Finding]:
        ledger = _read(book, today)
        report = compute(ledger)
        phase("Écriture de l'onglet Contrôles")
        with _quiet(book.app):
            write_layouts(book, [controles_layout(report.findings, ledger.params.date_reference)])
        errors = count_by_gravite(report.findings)[ERREUR]
        summary = summary_text(report.findings)
        if errors:
            message = f"Vérification terminée : {summary}. Voir l'onglet {quote(_tab_controles())}."
        else:
            message = (
                f"Aucune erreur dans vos données ({summary}). Le détail est dans l'onglet "
                f"{quote(_tab_controles())}."
            )
        _alert(book, message)
        return report.findings

    return _guarded(book, "Vérifier", work, today)


def relances(book: Any, today: dt.date | None = None, folder: Path | None = None) -> Any:
    """Write one .eml draft per reminder due; returns (files written, reminders not written)."""
    from treso_xl.mail.drafts import write_drafts
    from treso_xl.refresh import compute

    def work() -> Any:
        report = compute(_read(book, today))
        on = report.ledger.params.date_reference
        if not report.reminders:
            _alert(book, "Aucune relance à faire à la date de référence.")
            return [], []
        target = folder or drafts_folder(book, on)
        drafts = write_drafts(report.reminders, target)  # same rules and lines as the CLI
        lines = [drafts.summary()]
        if drafts.written:
            lines.append("Ouvrez-les avec votre messagerie, relisez-les et envoyez-les.")
        if drafts.kept:
            lines.append(
                "Les brouillons déjà présents sont conservés tels quels ; supprimez-les du "
                "dossier pour les réécrire."
            )
        lines += [draft.line() for draft in drafts.not_written]
        _alert(book, "\n".join(lines), critical=bool(drafts.failed or drafts.refused))
        return drafts.written, [draft.reminder for draft in drafts.not_written]

    return _guarded(book, "Relances", work, today)


def _module(name: str) -> Any:
    """The module `name`, None when it is not installed (a later issue brings it)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None


def _later(book: Any, feature: str) -> None:
    """A button of an older add-in whose feature this version does not hold: say so, and how to
    get the add-in of this version (no promise of a date)."""
    _alert(
        book,
        f"{feature} n'est pas disponible dans cette version de treso-xl ; ce bouton vient d'un "
        "ancien complément : lancez « treso-xl addin install » pour installer le complément à "
        "jour. Rien n'a été modifié.",
    )


def output_folder(book: Any) -> Path:
    """Where files made from the workbook go: its folder, else Documents/treso-xl."""
    try:
        fullname = str(book.fullname)
    except Exception:
        fullname = ""
    parent = Path(fullname).parent if fullname and "://" not in fullname else None
    if parent is not None and parent != Path() and parent.is_dir():
        return parent
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / "treso-xl"


def drafts_folder(book: Any, on: dt.date) -> Path:
    """Where the reminder drafts go: « Relances AAAA-MM-JJ » in `output_folder(book)`."""
    return output_folder(book) / f"{DRAFTS_FOLDER} {on.isoformat()}"


def _export_inputs(
    names: list[str], grids: dict[str, list[list[Any]]], generated: set[str] = frozenset()
) -> Any:
    """The export's input sheets from the grids read in Excel, as `read_input_sheets` gives
    them from a file: the contract's data sheets, and the names of the user's other sheets
    (neither an input sheet nor one of `generated`, the tool's own tabs)."""
    from treso_xl.contract import EXPORTED_SHEETS, PARAMETRES_SHEET
    from treso_xl.export.workbook import InputSheets
    from treso_xl.reading.tables import find_sheet, grid_from_rows

    frames = {}
    known = set(generated)
    known.add(find_sheet(names, PARAMETRES_SHEET) or PARAMETRES_SHEET)
    for sheet in EXPORTED_SHEETS:
        title = find_sheet(names, sheet.name)
        if title is not None and title in grids:
            known.add(title)
            frames[sheet.name] = grid_from_rows(grids[title])
    omitted = tuple(name for name in names if name not in known)
    return InputSheets(frames, omitted)


def _generated_sheets(book: Any) -> set[str]:
    """The sheets of `book` that are the tool's generated tabs (they carry their marker)."""
    from treso_xl.contract import TOOL_TABS
    from treso_xl.excel.render_xlwings import tab_markers
    from treso_xl.tab_identity import sheet_key

    keys = {sheet_key(tab) for tab in TOOL_TABS}
    sheets = book.sheets
    return {
        name
        for name in book.sheet_names
        if sheet_key(name) in keys and name in tab_markers(sheets[name])
    }


def _send_export(book: Any, today: dt.date | None, folder: Path | None) -> Path:
    """Issue [5/7] from Excel: the accountant's export of the open workbook, sent by the
    configured SMTP server or, without one, written as an .eml draft next to it."""
    from treso_xl.excel.read_xlwings import read_grids
    from treso_xl.export.registers import resolve_period
    from treso_xl.export.workbook import build_export, write_export
    from treso_xl.mail.config import load_settings
    from treso_xl.mail.send import accountant_message, send_message, write_eml_draft
    from treso_xl.reading.workbook import read_ledger_from_grids
    from treso_xl.refresh import compute

    names = list(book.sheet_names)
    grids = read_grids(book)
    report = compute(read_ledger_from_grids(grids, today))
    params = report.ledger.params
    recipient = params.email_comptable
    if not recipient:
        raise TresoError(
            "« Email du comptable » est vide dans la feuille « Paramètres » : indiquez "
            "l'adresse de votre comptable ; rien n'a été écrit ni envoyé."
        )
    inputs = _export_inputs(names, grids, _generated_sheets(book))
    export = build_export(report, inputs, resolve_period(params.date_reference), str(book.name))
    target = folder or output_folder(book)
    target.mkdir(parents=True, exist_ok=True)
    path = write_export(export, target / str(book.name), target)
    attachment = path.read_bytes()
    settings = load_settings()
    if settings is not None:
        message = accountant_message(
            export.summary, recipient, attachment, path.name, settings.from_address
        )
        note = send_message(message, settings)
        said = f"Export envoyé à {recipient} par {settings.described}." + (
            f"\n{note}" if note else ""
        )
    else:
        eml = write_eml_draft(
            accountant_message(export.summary, recipient, attachment, path.name),
            path.with_suffix(".eml"),
        )
        said = (
            f"Aucun serveur d'envoi n'est réglé : brouillon d'e-mail écrit dans {quote(eml)}. "
            f"Ouvrez-le dans votre messagerie, vérifiez-le et envoyez-le à {recipient} ; "
            "l'export y est joint."
        )
    lines = [said, f"Export conservé : {quote(path)}."]
    errors = export.summary.errors
    if errors:
        lines.append(
            f"Attention : {errors} erreur{'s' if errors > 1 else ''} dans les données, voir "
            f"l'onglet {quote(_tab_controles())}."
        )
    _alert(book, "\n".join(lines))
    return path


def envoyer_au_comptable(
    book: Any, today: dt.date | None = None, folder: Path | None = None
) -> Any:
    """« Envoyer au comptable »: the accountant's export of issue [5/7] (`treso_xl.export`),
    sent or drafted; a message says the feature is coming when that module is absent."""

    def work() -> Any:
        module = _module("treso_xl.export")
        if module is None:
            return _later(book, "L'envoi au comptable")
        hook = getattr(module, "run_from_excel", None)
        return hook(book) if callable(hook) else _send_export(book, today, folder)

    return _guarded(book, "Envoyer au comptable", work, today)


def importer_releve(book: Any, files: Any = None) -> Any:
    """« Importer un relevé »: the statements chosen in Excel's file dialog (the add-in's VBA
    hands their paths hex-encoded, see `treso_xl.bank.live.decode_paths`) appended to the Banque
    sheet of the open workbook with the command line's checks, dedupe and categories; the result
    said in a message box. The button of an older add-in (no files) says how to update."""

    def work() -> Any:
        from treso_xl.bank.banque_sheet import BanqueSheetError
        from treso_xl.bank.importer import AccountMismatchError, StatementFilesError
        from treso_xl.bank.live import decode_paths, import_into_book

        paths = decode_paths(files) if isinstance(files, str) else [Path(p) for p in files or ()]
        if not paths:
            _alert(
                book,
                "Ce bouton vient d'un ancien complément, qui ne demande pas les relevés à "
                f"importer{NBSP}: lancez {quote('treso-xl addin install')} pour installer le "
                f"complément à jour, ou importez-les avec la commande "
                f"{quote('treso-xl importer CLASSEUR RELEVE')}. Rien n'a été modifié.",
            )
            return None
        try:
            result = import_into_book(book, paths)
        except (StatementFilesError, AccountMismatchError, BanqueSheetError) as error:
            _alert(book, f"Importer un relevé{NBSP}: {error}", critical=True)
            return None
        lines = result.lines()
        if result.rows:
            lines.append(
                f"Enregistrez le classeur, puis cliquez sur {quote('Actualiser')} pour mettre "
                "le plan à jour."
            )
        _alert(book, "\n".join(lines))
        return result

    return _guarded(book, "Importer un relevé", work, None)


MACROS: dict[str, Callable[..., Any]] = {
    "actualiser": actualiser,
    "verifier": verifier,
    "relances": relances,
    "envoyer_au_comptable": envoyer_au_comptable,
    "importer_releve": importer_releve,
}


def run(name: str, *args: str) -> None:
    """Entry point of the add-ins' VBA: run macro `name` on the workbook that called it (with
    `args`, e.g. the files chosen for « Importer un relevé »).

    Nothing may reach Excel's error box but a French sentence: warnings are silenced (on macOS
    anything written to stderr is shown as an error) and a failure to find the calling workbook
    is told in French, with a non-zero exit so that Windows shows it too.
    """
    warnings.simplefilter("ignore")
    macro = MACROS.get(name)
    try:
        import xlwings as xw

        book = xw.Book.caller()
    except Exception as error:
        print(
            f"treso-xl n'a pas trouvé le classeur qui a lancé « {name} » ({error}). Cliquez "
            "dans le classeur à actualiser, puis à nouveau sur le bouton.",
            file=sys.stderr,
        )
        sys.exit(1)
    if macro is None:
        _alert(book, f"Bouton inconnu : « {name} ». Réinstallez le complément treso-xl.", True)
        return
    macro(book, *args)
