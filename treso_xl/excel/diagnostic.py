"""What support needs to know about an installation: Python, xlwings, treso-xl, the add-in.

Shown by the ribbon's « Diagnostic » button (in a message box) and by `treso-xl addin
diagnostic` (on the terminal), in French.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import sys
import warnings
from pathlib import Path
from typing import Any

from treso_xl.excel.addin_build import ADDIN_FILE, UDF_MODULE, read_settings

SETTING_KEYS = ("Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "UDF Modules")


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "non installé"


def _udfs_import() -> str:
    try:
        importlib.import_module(UDF_MODULE)
    except Exception as error:  # what support needs is the reason, whatever it is
        return f"échec ({type(error).__name__} : {error})"
    return "oui"


def lines(addin: Path | None = None, registered: bool | None = None) -> list[str]:
    """The diagnostic, one French line per fact; `addin` is the add-in file whose settings to
    show, `registered` whether Excel holds the functions' VBA (None: unknown)."""
    import xlwings

    out = [
        f"Système : {platform.system()} {platform.release()} ({sys.platform})",
        f"Python : {platform.python_version()} — {sys.executable}",
        f"xlwings : {xlwings.__version__} — {Path(xlwings.__file__).parent}",
        f"treso-xl : {_version('treso-xl')} — {Path(__file__).resolve().parents[1]}",
        f"Module des fonctions ({UDF_MODULE}) importable : {_udfs_import()}",
    ]
    if addin is None:
        out.append("Complément : introuvable.")
    else:
        out.append(f"Complément : {addin}")
        try:
            settings = read_settings(addin)
        except Exception as error:
            out.append(f"Réglages du complément illisibles ({error}).")
        else:
            for key in SETTING_KEYS:
                value = settings.get(key)
                out.append(f"  {key} : {value if value not in (None, '') else '(vide)'}")
    said = {True: "oui", False: "non", None: "inconnu (accès au projet VBA refusé ou sans objet)"}
    out.append(f"Fonctions TRESO_… enregistrées dans Excel : {said[registered]}")
    return out


def _addin_of(book: Any) -> tuple[Path | None, bool | None]:
    """The add-in's file and whether its functions are registered, from the running Excel."""
    from treso_xl.excel.addin_install import functions_registered

    try:
        addin = book.app.books[ADDIN_FILE]
    except Exception:
        return None, None
    return Path(addin.fullname), functions_registered(addin)


def main() -> None:
    """The ribbon's « Diagnostic »: the lines in a message box of the calling workbook."""
    warnings.simplefilter("ignore")
    import xlwings as xw

    book = xw.Book.caller()
    addin, registered = _addin_of(book)
    book.app.alert("\n".join(lines(addin, registered)), title="Trésorerie : diagnostic")
