"""Build the accountant's export: a new .xlsx of values, registers and a cover sheet."""

# The export is a new workbook written by openpyxl from values; the user's file is only read
# (python-calamine for the input sheets' cells, the validated ledger for everything else) and
# never written. What goes in:
#
# - `Sommaire`, the cover sheet;
# - `Livre des recettes` and, for a sales activity, `Registre des achats`;
# - the generated tabs, from the same layouts as a refresh (charts included);
# - `Paramètres` rebuilt from the validated settings only (the user's other rows, where a
#   password or a login might sit, never travel), then the contract's data sheets as values.
#
# Sheets the contract does not know (the user's own, the template's Mode d'emploi) are left out
# and named on the cover sheet. No formula (a text starting with "=" stays text), no macro, no
# external link, no defined name. Document dates and zip entry dates come from the reference
# date, so the same workbook exported twice gives the same bytes.

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.writer.excel import ExcelWriter

from treso_xl import __version__
from treso_xl.contract import EXPORTED_SHEETS, PARAMETRES_SHEET
from treso_xl.core.checks import ERREUR
from treso_xl.core.dashboard import balance_on
from treso_xl.core.money import cents
from treso_xl.errors import DataError, FileError
from treso_xl.layout.model import SheetLayout
from treso_xl.layout.page import set_footers
from treso_xl.reading.tables import find_sheet
from treso_xl.reading.workbook import open_workbook, sheet_grid
from treso_xl.refresh import Report, compute, read
from treso_xl.render.package import generated_tab_names
from treso_xl.render.safe_write import check_writable, write_atomically
from treso_xl.render.xlsx_layout import add_layouts

from .layouts import (
    GENERATED_DESCRIPTIONS,
    INPUT_DESCRIPTIONS,
    TAB_ACHATS,
    TAB_RECETTES,
    TAB_SOMMAIRE,
    ExportSummary,
    achats_layout,
    cover_layout,
    input_sheet_layout,
    parametres_layout,
    recettes_layout,
)
from .naming import export_filename
from .registers import (
    Period,
    livre_des_recettes,
    purchase_register_required,
    register_total,
    registre_des_achats,
    resolve_period,
)

XLSX = ".xlsx"
OTHER_TAB = "Onglet calculé par treso-xl (son titre et sa note le décrivent)."
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class MissingSirenError(DataError):
    """The export needs the company's SIREN (contract: required for export)."""


@dataclass(frozen=True)
class InputSheets:
    """The contract's data sheets found in the user's workbook, as raw grids, and the names of
    the sheets that are left out of the export."""

    grids: dict[str, pd.DataFrame]  # contract sheet name -> cells (index: Excel row numbers)
    omitted: tuple[str, ...]


@dataclass(frozen=True)
class Export:
    """A built export, not yet written."""

    data: bytes
    filename: str
    summary: ExportSummary
    tabs: tuple[str, ...]
    omitted: tuple[str, ...]


@dataclass(frozen=True)
class ExportResult:
    """An export written to disk."""

    path: Path
    report: Report
    export: Export

    @property
    def summary(self) -> ExportSummary:
        return self.export.summary


def read_input_sheets(path: Path) -> InputSheets:
    """Cells of the contract's data sheets (values only: a formula gives its cached result),
    and the names of the user's other sheets. The generated tabs (the tool's own, by their
    marker) are neither: the export lays them out afresh; a user's sheet named like one of them
    is one of the user's sheets, left out and named."""
    book = open_workbook(Path(path))
    try:
        names = list(book.sheet_names)
        grids: dict[str, pd.DataFrame] = {}
        known = _generated_tabs(Path(path))
        known.add(find_sheet(names, PARAMETRES_SHEET) or PARAMETRES_SHEET)
        for sheet in EXPORTED_SHEETS:
            title = find_sheet(names, sheet.name)
            if title is None:
                continue
            known.add(title)
            grids[sheet.name] = sheet_grid(book, title)
        omitted = tuple(name for name in names if name not in known)
    finally:
        book.close()
    return InputSheets(grids, omitted)


def _generated_tabs(path: Path) -> set[str]:
    """The sheets of the workbook that are the tool's generated tabs (the same rule as a
    refresh: they carry their marker); none when the file is not a package (.xls)."""
    try:
        return set(generated_tab_names(path.read_bytes()))
    except (OSError, FileError):
        return set()


def export_summary(
    report: Report, period: Period, receipts: float, purchases: float | None
) -> ExportSummary:
    """The figures quoted on the cover sheet and in the e-mail."""
    params = report.ledger.params
    overdue = report.plan.overdue
    return ExportSummary(
        entreprise=params.entreprise,
        siren=params.siren,
        activite=params.activite,
        date_reference=params.date_reference,
        period=period,
        balance=balance_on(report.plan, params.date_reference),
        overdue_total=cents(float(overdue["reste_du"].sum())) if len(overdue) else 0.0,
        overdue_count=len(overdue),
        receipts_total=receipts,
        purchases_total=purchases,
        errors=sum(1 for finding in report.findings if finding.gravite == ERREUR),
    )


def build_export(
    report: Report,
    inputs: InputSheets,
    period: Period | None = None,
    source_name: str = "",
) -> Export:
    """The export of `report` as .xlsx bytes (see the module's notes for what it holds)."""
    params = report.ledger.params
    if not params.siren:
        raise MissingSirenError(
            "Le SIREN de l'entreprise est obligatoire pour l'export au comptable : indiquez-le "
            "dans la feuille « Paramètres » (ligne « SIREN », 9 chiffres) ; rien n'a été écrit."
        )
    period = period or resolve_period(params.date_reference)
    recettes = livre_des_recettes(report.ledger, period)
    registers: list[SheetLayout] = [recettes_layout(recettes, period, params)]
    purchases: float | None = None
    if purchase_register_required(params.activite):
        achats = registre_des_achats(report.ledger, period)
        purchases = register_total(achats)
        registers.append(achats_layout(achats, period, params))
    summary = export_summary(report, period, register_total(recettes), purchases)

    inputs_layouts = [parametres_layout(params)]
    for sheet in EXPORTED_SHEETS:
        grid = inputs.grids.get(sheet.name)
        if grid is not None:
            inputs_layouts.append(input_sheet_layout(sheet, grid))

    body = [*registers, *report.layouts, *inputs_layouts]
    descriptions = {
        TAB_RECETTES: f"Livre des recettes {period.label} : date, client, nature, montant, "
        "mode de règlement, référence de la facture ; total par mois.",
        TAB_ACHATS: f"Registre des achats {period.label} (activité de vente) : date, "
        "fournisseur, nature, montant, mode de règlement, pièce ; total par mois.",
        **GENERATED_DESCRIPTIONS,
        **INPUT_DESCRIPTIONS,
    }
    tabs = [(TAB_SOMMAIRE, "Ce sommaire.")]
    tabs += [(layout.name, descriptions.get(layout.name, OTHER_TAB)) for layout in body]
    cover = cover_layout(summary, tabs, inputs.omitted, source_name)
    layouts = [cover, *body]
    set_footers(layouts, params.entreprise, dt.date.today())

    wb = Workbook()
    wb.remove(wb.active)
    add_layouts(wb, layouts)
    wb.active = 0
    _set_properties(wb, summary)
    data = _save(wb, params.date_reference)
    return Export(
        data=data,
        filename=export_filename(params.entreprise, period.end),
        summary=summary,
        tabs=tuple(layout.name for layout in layouts),
        omitted=inputs.omitted,
    )


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _set_properties(wb: Workbook, summary: ExportSummary) -> None:
    when = dt.datetime.combine(summary.date_reference, dt.time(0, 0))
    props = wb.properties
    company = _text(summary.entreprise)
    props.creator = company
    props.lastModifiedBy = company
    props.title = _text(f"Trésorerie {summary.entreprise} — {summary.period.label}")
    props.subject = _text(f"Période {summary.period.label}")
    props.description = _text(
        f"Export pour le comptable : livre des recettes {summary.period.label}, plan de "
        f"trésorerie et onglets de saisie (valeurs seules). SIREN {summary.siren}. "
        f"Préparé avec treso-xl {__version__}."
    )
    props.keywords = f"trésorerie; livre des recettes; {summary.period.end:%Y-%m}"
    props.category = "Comptabilité"
    props.language = "fr-FR"
    props.created = when
    props.modified = when


def _save(wb: Workbook, date_reference: dt.date) -> bytes:
    """The workbook's bytes, every zip entry dated from the reference date (reproducible)."""
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    stamp = max(
        (date_reference.year, date_reference.month, date_reference.day, 0, 0, 0), _ZIP_EPOCH
    )
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def default_output(source: Path, filename: str) -> Path:
    """Where the export goes when no output is given: next to the workbook."""
    return Path(source).with_name(filename)


def _target(source: Path, output: Path | None, filename: str) -> Path:
    if output is None:
        target = default_output(source, filename)
    elif Path(output).is_dir():
        target = Path(output) / filename
    else:
        target = Path(output)
    if target.suffix.lower() != XLSX:
        raise FileError(
            f"Le fichier d'export « {target.name} » doit finir par .xlsx (il ne contient pas de "
            "macro) ; rien n'a été écrit."
        )
    if target.resolve() == Path(source).resolve():
        raise FileError(
            f"L'export ne peut pas remplacer le classeur « {Path(source).name} » lui-même : "
            "choisissez un autre nom de sortie ; rien n'a été écrit."
        )
    return target


def write_export(export: Export, source: Path, output: Path | None = None) -> Path:
    """Write a built export next to `source` (or to `output`, a file or a folder); return the
    file. An existing file of that name is replaced in one step, the workbook never touched."""
    target = _target(source, output, export.filename)
    check_writable(target, action="l'export")
    write_atomically(target, export.data, backup=False)
    return target


def export_workbook(
    source: Path,
    output: Path | None = None,
    *,
    today: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ExportResult:
    """Read `source`, compute every tab and write the accountant's export.

    `today` stands in for an empty `Date de référence`; `start` and `end` bound the registers
    (default: 1 January of the reference year to the reference date; see `resolve_period`).
    Raises DataError (data to correct, e.g. no SIREN), FileError (file problems) and
    `PeriodError` (a ValueError: bad period); nothing is written then.
    """
    source = Path(source)
    report = compute(read(source, today))
    period = resolve_period(report.ledger.params.date_reference, start, end)
    inputs = read_input_sheets(source)
    export = build_export(report, inputs, period, source.name)
    path = write_export(export, source, output)
    return ExportResult(path=path, report=report, export=export)


__all__ = [
    "TAB_ACHATS",
    "TAB_RECETTES",
    "TAB_SOMMAIRE",
    "Export",
    "ExportResult",
    "ExportSummary",
    "InputSheets",
    "MissingSirenError",
    "build_export",
    "export_summary",
    "export_workbook",
    "read_input_sheets",
    "write_export",
]
