"""Install, remove and list the add-in in Excel's startup folder, through xlwings' own logic.

`xlwings addin install -f FILE` copies a file into Excel's XLSTART folder (Windows) or startup
folder (macOS, where it also installs the AppleScript that RunPython needs) and opens it in the
running Excel; `xlwings.cli._addin_install`, `_addin_remove` and `get_addin_dir` are called here the
same way, their English output kept aside and replaced by French. What was installed is checked
afterwards (the file in place and identical to the one built, the interpreter it names present),
and so is the import of the worksheet functions (xlwings' VBA shows its own box and swallows a
failure). An Excel started here is quit. Windows and macOS only: Excel does not run on Linux.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treso_xl.errors import FileError
from treso_xl.excel.addin_build import (
    ADDIN_FILE,
    INTERPRETER_MAC,
    INTERPRETER_WIN,
    LEGACY_FILES,
    UDF_MODULE,
    build_addins,
    read_settings,
)

SUPPORTED_PLATFORMS = ("win32", "darwin")
UDF_IMPORT_MACRO = "ImportPythonUDFsToAddin"  # in the xlwings VBA module of every add-in
UDF_VBA_MODULE = "xlwings_udfs"  # the module that xlwings' import writes into the add-in
UDF_NAMES = ("TRESO_ECHEANCE", "TRESO_PLAN")  # a first and a last function: all were written

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
    """The add-in of treso-xl and whether it is in Excel's startup folder."""
    check_platform()
    folder = addin_folder(global_location)
    return [AddinState(ADDIN_FILE, folder / ADDIN_FILE, (folder / ADDIN_FILE).is_file())]


def check_installed(state: AddinState, built: bytes, platform: str | None = None) -> None:
    """Raise AddinInstallError unless the add-in is in place, as built, with a usable Python."""
    if not state.installed:
        raise AddinInstallError(
            f"Le complément n'a pas été copié dans {state.path.parent}. Si Excel est ouvert, "
            "quittez-le et relancez « treso-xl addin install »."
        )
    if state.path.read_bytes() != built:
        raise AddinInstallError(
            f"Le fichier {state.path} n'est pas celui qui vient d'être construit (Excel l'a "
            "peut-être gardé ouvert) : quittez Excel et relancez « treso-xl addin install »."
        )
    key = INTERPRETER_MAC if (platform or sys.platform) == "darwin" else INTERPRETER_WIN
    interpreter = read_settings(state.path).get(key)
    if not isinstance(interpreter, str) or not Path(interpreter).is_file():
        raise AddinInstallError(
            f"Le Python réglé dans le complément ({interpreter or 'aucun'}) est introuvable : "
            "relancez « treso-xl addin install » depuis le Python où treso-xl est installé."
        )


def mac_interpreter(executable: str, home: Path | None = None) -> str:
    """The Interpreter_Mac setting for `executable`.

    xlwings' AppleScript (0.37.8) puts the interpreter unquoted at the head of a shell command:
    a path with a space or another character the shell reads ("/Users/Léa Martin/…") breaks it.
    Such a path is reached through a small shell script, `~/.tresoxl/python`, that runs it.
    """
    if shlex.quote(executable) == executable:
        return executable
    folder = (home or Path.home()) / ".tresoxl"
    if shlex.quote(str(folder)) != str(folder):
        raise AddinInstallError(
            f"Le chemin de Python ({executable}) et votre dossier personnel contiennent des "
            "espaces ou des caractères spéciaux, que le lancement de Python par xlwings ne "
            "supporte pas sur Mac : créez l'environnement Python dans un dossier sans espace."
        )
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / "python"
    wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(executable)} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return str(wrapper)


def install(global_location: bool = False, functions: bool = False) -> list[AddinState]:
    """Build the add-in for this Python, install it with xlwings' logic and check the result."""
    from xlwings import cli

    check_platform()
    folder = addin_folder(global_location)
    for legacy in LEGACY_FILES:  # the five add-ins of earlier versions
        if (folder / legacy).is_file():
            _quietly(cli._addin_remove, legacy, global_location)
    mac = mac_interpreter(sys.executable) if sys.platform == "darwin" else None
    with tempfile.TemporaryDirectory(prefix="treso-xl-") as tmp:
        (path,) = build_addins(Path(tmp), interpreter_mac=mac)
        built = path.read_bytes()
        _, said = _quietly(cli._addin_install, str(path), global_location)
    states = status(global_location)
    try:
        check_installed(states[0], built)
    except AddinInstallError as error:
        raise AddinInstallError(f"{error} Détail (xlwings) : {said or '(rien)'}") from error
    if functions:
        import_functions(states[0].path)
    return states


def remove(global_location: bool = False) -> list[AddinState]:
    """Close and delete the add-in (and those of earlier versions) from Excel's startup folder."""
    from xlwings import cli

    check_platform()
    folder = addin_folder(global_location)
    for name in (ADDIN_FILE, *LEGACY_FILES):
        if (folder / name).is_file():
            _quietly(cli._addin_remove, name, global_location)
    states = status(global_location)
    left = [folder / n for n in (ADDIN_FILE, *LEGACY_FILES) if (folder / n).is_file()]
    if left:
        raise AddinInstallError(
            "Suppression incomplète : quittez Excel, puis relancez « treso-xl addin remove », ou "
            f"supprimez à la main : {', '.join(str(p) for p in left)}."
        )
    return states


def functions_registered(book: Any) -> bool | None:
    """Whether the add-in open as `book` holds the VBA of the worksheet functions; None when
    Excel refuses access to the VBA project (the trust setting is off)."""
    try:
        components = book.api.VBProject.VBComponents
        names = [components.Item(i).Name for i in range(1, components.Count + 1)]
    except Exception:
        return None
    if UDF_VBA_MODULE not in names:
        return False
    try:
        module = components.Item(UDF_VBA_MODULE).CodeModule
        code = module.Lines(1, module.CountOfLines) if module.CountOfLines else ""
    except Exception:
        return None
    return all(name in code for name in UDF_NAMES)


TRUST_ADVICE = (
    "Dans Excel : Fichier > Options > Centre de gestion de la confidentialité > Paramètres > "
    "Paramètres des macros, cochez « Accès approuvé au modèle d'objet du projet VBA », puis "
    "relancez « treso-xl addin install --fonctions »."
)


def import_functions(addin: Path) -> None:
    """Windows: generate the VBA of the worksheet functions inside the installed add-in.

    Runs the add-in's own `ImportPythonUDFsToAddin` (xlwings' « Import Functions » for add-ins,
    which reads `UDF Modules` from the settings sheet) in Excel, saves the add-in, then checks
    that the functions are there: xlwings' VBA reports a failure in its own box and returns as if
    all went well. Excel must trust access to the VBA project object model. An Excel started
    here is quit.
    """
    if not sys.platform.startswith("win"):
        raise AddinInstallError(
            "Les fonctions de feuille de calcul (TRESO_…) ne fonctionnent que sous Windows."
        )
    import xlwings as xw

    started = None
    try:
        if xw.apps.count:
            app = xw.apps.active
        else:
            app = started = xw.App(visible=False, add_book=False)
        try:  # xlwings' install opened it already
            book = app.books[addin.name]
        except KeyError:
            book = app.books.open(str(addin))
        book.macro(UDF_IMPORT_MACRO)()
        book.save()
        registered = functions_registered(book)
    except Exception as error:
        raise AddinInstallError(
            f"Import des fonctions {UDF_MODULE} impossible ({error}). {TRUST_ADVICE}"
        ) from error
    finally:
        if started is not None:
            with contextlib.suppress(Exception):
                started.quit()
    if registered is None:
        raise AddinInstallError(
            f"Excel refuse l'accès au projet VBA du complément : les fonctions TRESO_… ne sont "
            f"pas importées. {TRUST_ADVICE}"
        )
    if not registered:
        raise AddinInstallError(
            f"Les fonctions TRESO_… ne sont pas dans le complément après l'import (xlwings a pu "
            f"afficher la raison dans Excel). Vérifiez que « {UDF_MODULE} » s'importe dans ce "
            f"Python (« treso-xl addin diagnostic »). {TRUST_ADVICE}"
        )
