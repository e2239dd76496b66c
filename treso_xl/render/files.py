"""Write generated tabs into a workbook file on disk: check, render, merge, replace atomically."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from treso_xl.errors import FileError
from treso_xl.french import quote
from treso_xl.layout.model import SheetLayout
from treso_xl.render.excel_xml import ILLEGAL_CHARACTERS_RE
from treso_xl.render.safe_write import check_writable, write_atomically
from treso_xl.render.sheet_xml import write_layouts

if TYPE_CHECKING:  # openpyxl is imported by values_copy only
    from openpyxl.cell.cell import Cell

XLSX = "xlsx"  # .xlsx or .xlsm: a package the tabs are merged into, part by part
PROTECTED = "protected"
UNKNOWN = "unknown"
# Formats python-calamine reads but the tool cannot write into: a refreshed copy goes to a new
# .xlsx holding the values of the user's sheets (see values_copy).
CONVERTIBLE = {
    "xls": "Excel 97-2003 (.xls)",
    "xlsb": "Excel binaire (.xlsb)",
    "ods": "OpenDocument (.ods)",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def workbook_format(path: Path) -> str:
    """What the file is, from its content: XLSX, one of CONVERTIBLE, PROTECTED or UNKNOWN."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            if head == _OLE:
                handle.seek(0)
                return PROTECTED if _ENCRYPTED in handle.read(1 << 20) else "xls"
        if not zipfile.is_zipfile(path):
            return UNKNOWN
        with zipfile.ZipFile(path) as archive:
            names = {name.lower() for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return UNKNOWN
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names and "content.xml" in names:
        return "ods"
    return XLSX


def converted_from(source: Path) -> str | None:
    """The label of `source`'s format when a refresh writes a values copy of it, else None."""
    return CONVERTIBLE.get(workbook_format(Path(source)))


def conversion_note(source: Path, target: Path) -> str:
    """What a values copy holds and what it leaves, for the message after the refresh."""
    label = converted_from(source) or ""
    return (
        f"{quote(Path(target).name)} est une copie .xlsx de {quote(Path(source).name)}, au "
        f"format {label} : elle reprend les valeurs de vos feuilles, pas leurs mises en forme, "
        f"formules, graphiques ni macros ; {quote(Path(source).name)} n'a pas été modifié."
    )


def check_target(source: Path, output: Path | None = None) -> tuple[Path, str]:
    """The file a refresh of `source` writes, and `source`'s format; raise a French FileError,
    before anything is computed or written, when that write is impossible."""
    source = Path(source)
    target = Path(output) if output is not None else source
    if not source.is_file():
        raise FileError(f"Le classeur « {source.name} » est introuvable ; rien n'a été modifié.")
    kind = workbook_format(source)
    if kind == PROTECTED:
        raise FileError(
            f"Le classeur {quote(source.name)} est protégé par un mot de passe : enregistrez-en "
            "une copie sans mot de passe (Fichier > Informations > Protéger le classeur) ; "
            "rien n'a été modifié."
        )
    if kind in CONVERTIBLE:
        label = CONVERTIBLE[kind]
        copy = source.with_suffix(".xlsx")
        if copy.exists():
            copy = source.with_name(f"{source.stem} actualisé.xlsx")
        suggestion = quote(copy.name)
        if output is None:
            raise FileError(
                f"Le classeur {quote(source.name)} est au format {label} : treso-xl ne peut pas "
                "y écrire ses onglets. Enregistrez-le au format « Classeur Excel (*.xlsx) » "
                "(Fichier > Enregistrer sous) et actualisez le .xlsx, ou écrivez une copie "
                f"actualisée avec l'option -o, par exemple -o {suggestion} (les valeurs de "
                "vos feuilles, sans leurs mises en forme ni formules). Rien n'a été modifié."
            )
        if target.suffix.lower() != ".xlsx":
            raise FileError(
                f"Le fichier de sortie {quote(target.name)} doit finir par .xlsx : treso-xl "
                f"n'écrit pas le format {label} (par exemple -o {suggestion}) ; rien n'a "
                "été modifié."
            )
        return target, kind
    if target.suffix.lower() != source.suffix.lower():
        raise FileError(
            f"Le fichier de sortie « {target.name} » doit avoir la même extension que le classeur "
            f"« {source.name} » ({source.suffix}) ; rien n'a été modifié."
        )
    return target, kind


def write_tabs(
    source: Path,
    layouts: Sequence[SheetLayout],
    output: Path | None = None,
    replace: Collection[str] = (),
) -> Path:
    """Put the tabs of `layouts` into the workbook `source`; return the file written.

    Writes in place when `output` is None (keeping the previous version as `<name>.bak.xlsx`),
    else to `output` (backed up too if it already exists). A source in a format the tool cannot
    write into (.xls, .xlsb, .ods) is refused in place; with an `output` ending in .xlsx, that
    file gets a copy of the values of its sheets plus the tabs (`source` is only read). Nothing
    is written when the target is open or read-only, when a sheet of the user bears a tab's name
    (unless `replace` names it: see `merge_generated`), or when anything fails on the way.
    """
    source = Path(source)
    target, kind = check_target(source, output)
    check_writable(target)
    if kind in CONVERTIBLE:
        original = values_copy(source)
    else:
        try:
            original = source.read_bytes()
        except OSError as exc:
            raise FileError(
                f"Impossible de lire le classeur « {source.name} » ({exc.strerror or exc}) ; "
                "rien n'a été modifié."
            ) from exc
    if not layouts:
        merged = original
    else:
        merged = write_layouts(original, layouts, replace=replace)
    in_place = target.resolve() == source.resolve()
    write_atomically(target, merged, backup=in_place or target.exists())
    return target


def values_copy(source: Path) -> bytes:
    """A new .xlsx holding the cell values of every worksheet of `source` (read with
    python-calamine), same names, same order, same visibility; no format, formula or chart."""
    import openpyxl
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    from treso_xl.reading.package_guard import inspect_package

    inspect_package(source)
    try:
        book = CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # the read before the refresh opened it: a change on the disk
        raise FileError(
            f"Impossible de relire le classeur {quote(source.name)} ; rien n'a été modifié."
        ) from exc
    out = openpyxl.Workbook()
    out.remove(out.active)
    try:
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = out.create_sheet(meta.name)
            if meta.visible == SheetVisibleEnum.Hidden:
                sheet.sheet_state = "hidden"
            elif meta.visible == SheetVisibleEnum.VeryHidden:
                sheet.sheet_state = "veryHidden"
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None and value != "":
                        _put(sheet.cell(row=r, column=c), value)
    finally:
        book.close()
    if not out.sheetnames:
        out.create_sheet("Feuil1")
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _put(cell: Cell, value: object) -> None:
    """One value into an openpyxl cell: a text stays a text (even "=…"), dates keep a date
    format."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        return
    cell.value = value
    if isinstance(value, dt.datetime):
        has_time = value.time() != dt.time(0, 0)
        cell.number_format = "dd/mm/yyyy hh:mm" if has_time else "dd/mm/yyyy"
    elif isinstance(value, dt.date):
        cell.number_format = "dd/mm/yyyy"
    elif isinstance(value, dt.time):
        cell.number_format = "hh:mm:ss"
