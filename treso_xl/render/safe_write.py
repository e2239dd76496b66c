"""Refuse to write a workbook that is open or read-only; write atomically with a backup."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from treso_xl.errors import FileError, TresoError

__all__ = [
    "FileError",
    "TresoError",
    "WorkbookBusyError",
    "WorkbookWriteError",
    "backup_path",
    "check_writable",
    "write_atomically",
]


class WorkbookBusyError(FileError):
    """The workbook cannot be written now: open in Excel or LibreOffice, or read-only."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class WorkbookWriteError(FileError):
    """Writing the new version failed; the workbook on disk was left as it was."""


def excel_lock_files(path: Path) -> list[Path]:
    """Where Excel puts its owner file for `path` (`~$name`, or `~$` + name minus 2 chars)."""
    name = path.name
    candidates = [path.with_name("~$" + name)]
    if len(name) > 2:
        candidates.append(path.with_name("~$" + name[2:]))
    return candidates


def libreoffice_lock_file(path: Path) -> Path:
    """LibreOffice's lock file for `path`: `.~lock.<name>#`."""
    return path.with_name(f".~lock.{path.name}#")


def check_writable(path: Path) -> None:
    """Raise `WorkbookBusyError` unless `path` can be replaced now.

    `path` may not exist yet (a new output file): its folder must then exist and be writable.
    """
    path = Path(path)
    name = path.name
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbookBusyError(
            f"Le dossier « {folder} » n'existe pas ; rien n'a été modifié.", path
        )
    for lock in excel_lock_files(path):
        if lock.exists():
            raise WorkbookBusyError(
                f"Le classeur « {name} » est ouvert dans Excel (fichier de verrou {lock.name}). "
                "Fermez-le puis relancez l'actualisation ; rien n'a été modifié. "
                "Si Excel est déjà fermé, supprimez ce fichier de verrou.",
                path,
            )
    lo_lock = libreoffice_lock_file(path)
    if lo_lock.exists():
        raise WorkbookBusyError(
            f"Le classeur « {name} » est ouvert dans LibreOffice (fichier de verrou "
            f"{lo_lock.name}). Fermez-le puis relancez l'actualisation ; rien n'a été modifié. "
            "Si LibreOffice est déjà fermé, supprimez ce fichier de verrou.",
            path,
        )
    if path.exists():
        if path.is_dir():
            raise WorkbookBusyError(
                f"« {name} » est un dossier, pas un classeur ; rien n'a été modifié.", path
            )
        if not os.access(path, os.W_OK):
            raise WorkbookBusyError(
                f"Le classeur « {name} » est en lecture seule ; rien n'a été modifié.", path
            )
    if not os.access(folder, os.W_OK):
        raise WorkbookBusyError(
            f"Le dossier « {folder} » est en lecture seule : impossible d'y enregistrer le "
            f"classeur « {name} » ; rien n'a été modifié.",
            path,
        )
    if os.name == "nt" and path.exists():
        try:
            with open(path, "ab"):
                pass
        except OSError as exc:
            raise WorkbookBusyError(
                f"Le classeur « {name} » est ouvert dans une autre application. "
                "Fermez-le puis relancez l'actualisation ; rien n'a été modifié.",
                path,
            ) from exc


def backup_path(path: Path) -> Path:
    """`classeur.xlsx` -> `classeur.bak.xlsx`; `x.xlsm` -> `x.bak.xlsm`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(path: Path, data: bytes, backup: bool = True) -> Path | None:
    """Replace `path` with `data` in one step; return the backup of the old version, if made.

    The bytes go to a temporary file of the same folder, flushed to disk, which then takes the
    place of `path` with `os.replace`. Any failure removes the temporary file and leaves `path`
    as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    existed = path.exists()
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}.", suffix=".tmp")
    tmp = Path(tmp_name)
    saved: Path | None = None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if existed:
            with contextlib.suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o666 & ~umask)
        if backup and existed:
            saved = backup_path(path)
            try:
                shutil.copy2(path, saved)
            except OSError as exc:
                raise WorkbookWriteError(
                    f"Impossible de créer la copie de sauvegarde « {saved.name} » "
                    f"({exc.strerror or exc}) ; fermez-la si elle est ouverte. "
                    "Rien n'a été modifié."
                ) from exc
        os.replace(tmp, path)
    except WorkbookWriteError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    except PermissionError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise WorkbookBusyError(
            f"Impossible d'enregistrer le classeur « {path.name} » : il est ouvert dans une "
            "autre application ou protégé en écriture. Fermez-le puis relancez l'actualisation "
            "; rien n'a été modifié.",
            path,
        ) from exc
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        reason = exc.strerror or str(exc)
        raise WorkbookWriteError(
            f"Impossible d'enregistrer le classeur « {path.name} » ({reason}) ; "
            "rien n'a été modifié."
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(folder)
    return saved
