"""Refuse to write a workbook that is open or read-only; write atomically with a backup."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import time
from pathlib import Path

from treso_xl.errors import FileError, TresoError
from treso_xl.french import quote

__all__ = [
    "FileError",
    "TresoError",
    "WorkbookBusyError",
    "WorkbookWriteError",
    "backup_path",
    "check_writable",
    "real_path",
    "remove_leftovers",
    "temp_name",
    "write_atomically",
]

# A temporary file of this tool: `.<target name>.treso-<host>-<pid>-<random>.tmp`, next to the
# target (a rename is only atomic within one folder). The host and pid say whose it is, so that
# the next run removes a dead run's leftovers without touching those of a run still going.
_TEMP_RE = re.compile(r"^\..+\.treso-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-z]+\.tmp$")
# Left by versions before the pid was in the name (tempfile.mkstemp: `.<stem>.<8 chars>.tmp`).
_LEGACY_RE = re.compile(r"^\.(?P<stem>.+)\.[a-z0-9_]{8}\.tmp$")
# A leftover whose writer cannot be checked (Windows, another computer sharing the folder, an
# older version) is removed once older than this: no write of this tool lasts an hour.
STALE_SECONDS = 3600.0

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

# French reasons for the errors a write meets; strerror is English on most systems.
_REASONS = {
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EFBIG: "fichier trop gros pour ce disque",
    errno.EROFS: "disque en lecture seule",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EIO: "erreur de lecture ou d'écriture du disque",
    errno.ENAMETOOLONG: "nom de fichier trop long",
}


class WorkbookBusyError(FileError):
    """The workbook cannot be written now: open in Excel or LibreOffice, or read-only."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class WorkbookWriteError(FileError):
    """Writing the new version failed; the message says what was and was not changed."""


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


def real_path(path: Path) -> Path:
    """`path` with its symbolic links followed: the file a write must replace (the link stays)."""
    path = Path(path)
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))


def open_lock(path: Path) -> tuple[str, Path] | None:
    """("Excel" or "LibreOffice", lock file) when `path` (or the file its link names) is open."""
    path = Path(path)
    for candidate in dict.fromkeys([path, real_path(path)]):
        for lock in excel_lock_files(candidate):
            if lock.exists():
                return "Excel", lock
        lo_lock = libreoffice_lock_file(candidate)
        if lo_lock.exists():
            return "LibreOffice", lo_lock
    return None


def check_writable(path: Path, action: str = "l'actualisation") -> None:
    """Raise `WorkbookBusyError` unless `path` can be replaced now.

    `path` may not exist yet (a new output file): its folder must then exist and be writable.
    A symbolic link is checked for the file it names, which is the one written. `action` is
    what the message asks to run again once the file is closed.
    """
    path = Path(path)
    name = path.name
    real = real_path(path)
    folder = real.parent if str(real.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbookBusyError(
            f"Le dossier « {folder} » n'existe pas ; rien n'a été modifié.", path
        )
    found = open_lock(path)
    if found is not None:
        app, lock = found
        raise WorkbookBusyError(
            f"Le classeur « {name} » est ouvert dans {app} (fichier de verrou {lock.name}). "
            f"Fermez-le puis relancez {action} ; rien n'a été modifié. "
            f"Si {app} est déjà fermé, supprimez ce fichier de verrou.",
            path,
        )
    if real.exists():
        if real.is_dir():
            raise WorkbookBusyError(
                f"« {name} » est un dossier, pas un classeur ; rien n'a été modifié.", path
            )
        if not os.access(real, os.W_OK):
            raise WorkbookBusyError(
                f"Le classeur « {name} » est en lecture seule ; rien n'a été modifié.", path
            )
    if not os.access(folder, os.W_OK):
        raise WorkbookBusyError(
            f"Le dossier « {folder} » est en lecture seule : impossible d'y enregistrer le "
            f"classeur « {name} » ; rien n'a été modifié.",
            path,
        )
    if os.name == "nt" and real.exists():
        try:
            with open(real, "ab"):
                pass
        except OSError as exc:
            raise WorkbookBusyError(
                f"Le classeur « {name} » est ouvert dans une autre application. "
                f"Fermez-le puis relancez {action} ; rien n'a été modifié.",
                path,
            ) from exc


def backup_path(path: Path) -> Path:
    """`classeur.xlsx` -> `classeur.bak.xlsx`; `x.xlsm` -> `x.bak.xlsm`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def _host_tag() -> str:
    """This computer's name, hashed (os.uname's node name is gethostname() on POSIX, without
    importing socket: 2 ms of a cold start)."""
    if hasattr(os, "uname"):
        host = os.uname().nodename
    else:  # Windows
        import socket

        host = socket.gethostname()
    return hashlib.sha1(host.encode("utf-8", "replace")).hexdigest()[:6]


def temp_name(target: Path) -> Path:
    """A new temporary name next to `target`, carrying this computer and process."""
    token = secrets.token_hex(4)
    return target.with_name(f".{target.name}.treso-{_host_tag()}-{os.getpid()}-{token}.tmp")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


def _is_leftover(entry: os.DirEntry[str], now: float, names: set[str]) -> bool:
    match = _TEMP_RE.match(entry.name)
    try:
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    if match is not None:
        pid = int(match["pid"])
        if pid == os.getpid():
            return False
        if os.name != "nt" and match["host"] == _host_tag():
            return not _pid_alive(pid)  # os.kill(pid, 0) would end the process on Windows
        return age > STALE_SECONDS
    legacy = _LEGACY_RE.match(entry.name)
    if legacy is None or age <= STALE_SECONDS:
        return False
    return any(legacy["stem"] + suffix in names for suffix in (*_WORKBOOK_SUFFIXES, ".eml"))


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files that runs of this tool killed in `folder` left; return them.

    A file of a run still going (its process alive on this computer, or recent when that cannot
    be checked) is kept.
    """
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith(".tmp")]
        names = set(os.listdir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.is_file(follow_symlinks=False) or not _is_leftover(entry, now, names):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def _new_mode(existing: Path | None) -> int:
    if existing is not None:
        with contextlib.suppress(OSError):
            return stat.S_IMODE(os.stat(existing).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _create(target: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    tmp = temp_name(target)
    return tmp, os.open(tmp, flags, 0o600)


def _write_temp(target: Path, data: bytes, mode: int) -> Path:
    """`data` in a new temporary file next to `target`, flushed to the disk."""
    tmp, fd = _create(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def _copy_temp(source: Path, target: Path) -> Path:
    """A complete copy of `source` in a new temporary file next to `target`, flushed to disk,
    with the permissions and dates of `source`."""
    tmp, fd = _create(target)
    try:
        with open(source, "rb") as reader, os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(reader, handle, 1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            shutil.copystat(source, tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def _noun(path: Path) -> str:
    return "le classeur" if path.suffix.lower() in _WORKBOOK_SUFFIXES else "le fichier"


def write_atomically(path: Path, data: bytes, backup: bool = True) -> Path | None:
    """Replace `path` with `data`; return the backup of the old version, if made.

    Steps, each complete on disk before the next: the new bytes go to a temporary file of the
    same folder (written, fsynced); with `backup` and an existing `path`, a copy of the current
    version goes to a second temporary file (written, fsynced) which then replaces
    `NAME.bak.xlsx`; last, the new file replaces `path`. Each rename is followed by an fsync of
    the folder. A crash at any point leaves `path` either as it was or new, and the backup either
    the previous one or a complete copy of the current version. A symbolic link is kept: the file
    it names is replaced. Leftover temporary files of killed runs in that folder are removed
    first. A failure removes this run's temporary files and says what was changed.
    """
    path = Path(path)
    real = real_path(path)
    folder = real.parent if str(real.parent) else Path(".")
    remove_leftovers(folder)
    existed = real.exists()
    saved = backup_path(real) if backup and existed else None
    noun = _noun(path)
    shown = quote(path.name)
    nothing = "rien n'a été modifié" if existed else "rien n'a été écrit"
    temps: list[Path] = []
    step = "new"
    try:
        temps.append(_write_temp(real, data, _new_mode(real if existed else None)))
        if saved is not None:
            step = "backup"
            temps.append(_copy_temp(real, saved))
            step = "backup-rename"
            os.replace(temps[-1], saved)
            temps.pop()
            _fsync_folder(folder)
        step = "rename"
        os.replace(temps[0], real)
        temps.clear()
        _fsync_folder(folder)
    except OSError as exc:
        _remove(temps)
        raise _failure(exc, step, path, noun, shown, saved, nothing) from exc
    except BaseException:
        _remove(temps)
        raise
    return saved


def _remove(temps: list[Path]) -> None:
    for tmp in temps:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _failure(
    exc: OSError,
    step: str,
    path: Path,
    noun: str,
    shown: str,
    saved: Path | None,
    nothing: str,
) -> FileError:
    reason = _reason(exc)
    if step in ("backup", "backup-rename"):
        assert saved is not None
        bak = quote(saved.name)
        if step == "backup-rename" and isinstance(exc, PermissionError):
            return WorkbookWriteError(
                f"Impossible de remplacer la sauvegarde {bak} : elle est ouverte dans une autre "
                f"application ou protégée en écriture ; fermez-la. Rien n'a été modifié : "
                f"{noun} {shown} et la sauvegarde précédente sont intacts."
            )
        return WorkbookWriteError(
            f"Impossible de créer la copie de sauvegarde {bak} ({reason}). Rien n'a été "
            f"modifié : {noun} {shown} et la sauvegarde précédente sont intacts."
        )
    if saved is not None and step == "rename":
        done = (
            f"La sauvegarde {quote(saved.name)} a été mise à jour (copie de la version actuelle), "
            f"{noun} n'a pas été modifié."
        )
    else:
        done = nothing[0].upper() + nothing[1:] + "."
    if isinstance(exc, PermissionError):
        return WorkbookBusyError(
            f"Impossible d'enregistrer {noun} {shown} : il est ouvert dans une autre "
            f"application ou protégé en écriture. Fermez-le puis relancez. {done}",
            path,
        )
    return WorkbookWriteError(f"Impossible d'enregistrer {noun} {shown} ({reason}). {done}")
