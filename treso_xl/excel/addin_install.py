"""Install, remove and list the add-ins in Excel's startup folder, through xlwings' own logic.

`xlwings addin install -f FILE` copies a file into Excel's XLSTART folder (Windows) or startup
folder (macOS, where it also installs the AppleScript that RunPython needs) and opens it in the
running Excel; `xlwings.cli._addin_install`, `_addin_remove` and `get_addin_dir` are called here the
same way, their English output kept aside and replaced by French. Windows and macOS only: Excel
does not run on Linux.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treso_xl.errors import FileError
from treso_xl.excel.addin_build import BUTTONS, UDF_MODULE, build_addins

SUPPORTED_PLATFORMS = ("win32", "darwin")
UDF_IMPORT_MACRO = "ImportPythonUDFsToAddin"  # in the xlwings VBA module of every add-in

LINUX_MESSAGE = (
    "Excel ne fonctionne pas sous Linux : l'installation dans Excel se fait sous Windows ou "
    "macOS. Ici, « treso-xl addin build DOSSIER » construit les compléments (.xlam) ; "
    "copiez-les sur le poste Windows ou Mac, ou lancez « treso-xl addin install » depuis ce poste."
)


class AddinInstallError(FileError):
    """The add-ins cannot be installed, removed or listed (French message)."""


@dataclass(frozen=True)
class AddinState:
    """Where one add-in lives in Excel's startup folder and whether it is there."""

    file_name: str
    path: Path
    installed: bool


def check_platform(platform: str | None = None) -> None:
    """Raise AddinInstallError with a French explanation outside Windows and macOS."""
    if (platform or sys.platform) not in SUPPORTED_PLATFORMS:
        raise AddinInstallError(LINUX_MESSAGE)


def _quietly(function: Callable[..., Any], *args: Any) -> tuple[Any, str]:
    """Call one of xlwings' command-line helpers, keeping its English output for the details."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            result = function(*args)
        except SystemExit as error:  # xlwings' helpers exit on some errors
            raise AddinInstallError(
                f"xlwings a refusé l'opération : {error.code or out.getvalue().strip()}"
            ) from error
    return result, out.getvalue().strip()


def addin_folder(global_location: bool = False) -> Path:
    """Excel's startup folder (XLSTART), as xlwings finds it (it may start Excel to ask)."""
    from xlwings import cli

    try:
        folder, _ = _quietly(cli.get_addin_dir, global_location)
    except AddinInstallError:
        raise
    except Exception as error:  # xlwings could not start or reach Excel
        raise AddinInstallError(
            "Impossible de trouver le dossier de démarrage d'Excel : Excel est-il installé et "
            f"peut-il démarrer ? (détail : {error})"
        ) from error
    return Path(folder)


def status(global_location: bool = False) -> list[AddinState]:
    """Each add-in of treso-xl and whether it is in Excel's startup folder."""
    check_platform()
    folder = addin_folder(global_location)
    return [
        AddinState(b.file_name, folder / b.file_name, (folder / b.file_name).is_file())
        for b in BUTTONS
    ]


def install(global_location: bool = False, functions: bool = False) -> list[AddinState]:
    """Build the add-ins for this Python and install them with xlwings' logic."""
    from xlwings import cli

    check_platform()
    details = []
    with tempfile.TemporaryDirectory(prefix="treso-xl-") as tmp:
        for path in build_addins(Path(tmp)):
            _, said = _quietly(cli._addin_install, str(path), global_location)
            details.append(said)
    states = status(global_location)
    missing = [s for s in states if not s.installed]
    if missing:
        names = ", ".join(s.file_name for s in missing)
        raise AddinInstallError(
            f"Installation incomplète ({names}). Si Excel est ouvert, quittez-le et relancez "
            f"« treso-xl addin install ». Détail (xlwings) : {' / '.join(filter(None, details))}"
        )
    if functions:
        import_functions(states[0].path)
    return states


def remove(global_location: bool = False) -> list[AddinState]:
    """Close and delete the add-ins from Excel's startup folder with xlwings' logic."""
    from xlwings import cli

    check_platform()
    details = []
    for button in BUTTONS:
        _, said = _quietly(cli._addin_remove, button.file_name, global_location)
        details.append(said)
    states = status(global_location)
    left = [s for s in states if s.installed]
    if left:
        raise AddinInstallError(
            "Suppression incomplète : quittez Excel, puis relancez « treso-xl addin remove », ou "
            f"supprimez à la main : {', '.join(str(s.path) for s in left)}."
        )
    return states


def import_functions(addin: Path) -> None:
    """Windows: generate the VBA of the worksheet functions inside the installed add-in.

    Runs the add-in's own `ImportPythonUDFsToAddin` (xlwings' « Import Functions » for add-ins,
    which reads `UDF Modules` from the settings sheet) in the running Excel, then saves the add-in.
    Excel must trust access to the VBA project object model.
    """
    if not sys.platform.startswith("win"):
        raise AddinInstallError(
            "Les fonctions de feuille de calcul (TRESO_…) ne fonctionnent que sous Windows."
        )
    import xlwings as xw

    try:
        app = xw.apps.active if xw.apps.count else xw.App(visible=False)
        try:  # xlwings' install opened it already
            book = app.books[addin.name]
        except KeyError:
            book = app.books.open(str(addin))
        book.macro(UDF_IMPORT_MACRO)()
        book.save()
    except Exception as error:
        raise AddinInstallError(
            f"Import des fonctions {UDF_MODULE} impossible ({error}). Dans Excel : Fichier > "
            "Options > Centre de gestion de la confidentialité > Paramètres > Paramètres des "
            "macros, cochez « Accès approuvé au modèle d'objet du projet VBA », puis relancez "
            "« treso-xl addin install --fonctions »."
        ) from error
