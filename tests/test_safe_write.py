"""write_atomically on real files: order of the steps, failures, leftover temporary files."""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from treso_xl.render import safe_write
from treso_xl.render.safe_write import WorkbookWriteError, write_atomically


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Writes past `limit` bytes in one file fail with EFBIG (a real error of the filesystem
    layer, as a full disk gives ENOSPC at the same point)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_failed_backup_copy_keeps_the_previous_backup_whole(tmp_path: Path) -> None:
    """The old code truncated NAME.bak.xlsx in place, then failed, and said nothing changed."""
    book = tmp_path / "classeur.xlsx"
    current = os.urandom(300_000)
    good_backup = os.urandom(100_000)
    book.write_bytes(current)
    (tmp_path / "classeur.bak.xlsx").write_bytes(good_backup)
    with file_size_limit(200_000), pytest.raises(WorkbookWriteError) as info:
        write_atomically(book, os.urandom(100_000))
    assert (tmp_path / "classeur.bak.xlsx").read_bytes() == good_backup
    assert book.read_bytes() == current
    assert names(tmp_path) == ["classeur.bak.xlsx", "classeur.xlsx"]
    message = str(info.value)
    assert "sauvegarde\u00a0»" not in message
    assert "classeur.bak.xlsx" in message and "Rien n'a été modifié" in message
    assert "sauvegarde précédente sont intacts" in message


def test_new_version_and_backup_are_complete_before_any_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"ancien")
    (tmp_path / "classeur.bak.xlsx").write_bytes(b"plus ancien")
    seen: list[tuple[str, str, list[str], bytes]] = []
    real_replace = os.replace

    def spy(src: str | Path, dst: str | Path) -> None:
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        contents = sorted(p.read_bytes() for p in temps)
        seen.append((Path(src).name, Path(dst).name, [p.name for p in temps], b"|".join(contents)))
        real_replace(src, dst)

    monkeypatch.setattr(safe_write.os, "replace", spy)
    saved = write_atomically(book, b"nouveau")
    assert saved == tmp_path / "classeur.bak.xlsx"
    # First the backup, from a complete temporary copy, while the new version waits complete.
    assert [dst for _, dst, _, _ in seen] == ["classeur.bak.xlsx", "classeur.xlsx"]
    assert seen[0][3] == b"ancien|nouveau"
    assert all(".treso-" in name and f"-{os.getpid()}-" in name for name in seen[0][2])
    assert book.read_bytes() == b"nouveau" and saved.read_bytes() == b"ancien"
    assert names(tmp_path) == ["classeur.bak.xlsx", "classeur.xlsx"]


def test_failed_final_rename_says_the_backup_was_updated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"ancien")
    (tmp_path / "classeur.bak.xlsx").write_bytes(b"plus ancien")
    real_replace = os.replace

    def failing(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == book:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(safe_write.os, "replace", failing)
    with pytest.raises(WorkbookWriteError) as info:
        write_atomically(book, b"nouveau")
    message = str(info.value)
    assert "La sauvegarde «\u00a0classeur.bak.xlsx\u00a0» a été mise à jour" in message
    assert "le classeur n'a pas été modifié" in message
    assert "rien n'a été modifié" not in message.lower()
    assert book.read_bytes() == b"ancien"
    assert (tmp_path / "classeur.bak.xlsx").read_bytes() == b"ancien"
    assert names(tmp_path) == ["classeur.bak.xlsx", "classeur.xlsx"]


def test_backup_that_cannot_be_replaced_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"ancien")
    (tmp_path / "classeur.bak.xlsx").write_bytes(b"plus ancien")
    real_replace = os.replace

    def locked_backup(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "classeur.bak.xlsx":
            raise PermissionError(errno.EACCES, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(safe_write.os, "replace", locked_backup)
    with pytest.raises(WorkbookWriteError, match="Rien n'a été modifié") as info:
        write_atomically(book, b"nouveau")
    assert "ouverte dans une autre application" in str(info.value)
    assert book.read_bytes() == b"ancien"
    assert (tmp_path / "classeur.bak.xlsx").read_bytes() == b"plus ancien"
    assert names(tmp_path) == ["classeur.bak.xlsx", "classeur.xlsx"]


def test_symbolic_link_is_kept_and_its_target_updated(tmp_path: Path) -> None:
    real_folder = tmp_path / "Documents"
    real_folder.mkdir()
    target = real_folder / "compta.xlsx"
    target.write_bytes(b"ancien")
    link = tmp_path / "raccourci.xlsx"
    link.symlink_to(target)
    saved = write_atomically(link, b"nouveau")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"nouveau"
    assert saved == real_folder / "compta.bak.xlsx" and saved.read_bytes() == b"ancien"
    assert names(tmp_path) == ["Documents", "raccourci.xlsx"]
    assert names(real_folder) == ["compta.bak.xlsx", "compta.xlsx"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_dead_runs_go_on_the_next_write(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"ancien")
    ours = safe_write.temp_name(book)
    dead = ours.with_name(ours.name.replace(f"-{os.getpid()}-", f"-{_dead_pid()}-"))
    dead.write_bytes(b"x" * 1000)
    other_book = tmp_path / ".autre.xlsx.treso-" / "x"  # not a temp name: a folder is left alone
    other_book.parent.mkdir()
    legacy = tmp_path / ".classeur.k3j_9x2a.tmp"  # an older version's mkstemp name
    legacy.write_bytes(b"y")
    hour_ago = time.time() - 2 * 3600
    os.utime(legacy, (hour_ago, hour_ago))
    write_atomically(book, b"nouveau")
    assert not dead.exists() and not legacy.exists()
    assert names(tmp_path) == [".autre.xlsx.treso-", "classeur.bak.xlsx", "classeur.xlsx"]


def test_leftovers_of_a_run_still_going_are_kept(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        ours = safe_write.temp_name(book)
        alive = ours.with_name(ours.name.replace(f"-{os.getpid()}-", f"-{sleeper.pid}-"))
        alive.write_bytes(b"en cours")
        other_host = tmp_path / ".classeur.xlsx.treso-000000-12-abcd.tmp"
        other_host.write_bytes(b"autre poste")
        recent_legacy = tmp_path / ".classeur.abcdefgh.tmp"
        recent_legacy.write_bytes(b"y")
        book.write_bytes(b"x")
        assert safe_write.remove_leftovers(tmp_path) == []
        assert alive.exists() and other_host.exists() and recent_legacy.exists()
        old = time.time() - 2 * 3600
        os.utime(other_host, (old, old))
        assert safe_write.remove_leftovers(tmp_path) == [other_host]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_new_file_failure_says_nothing_was_written(tmp_path: Path) -> None:
    out = tmp_path / "export.xlsx"
    with file_size_limit(1000), pytest.raises(WorkbookWriteError) as info:
        write_atomically(out, os.urandom(5000), backup=False)
    assert "rien n'a été écrit" in str(info.value).lower()
    assert "fichier trop gros" in str(info.value)
    assert names(tmp_path) == []


def test_temp_names_carry_the_host_name_hashed_as_before():
    """The host tag (which temp files are this computer's) does not change with the way it
    is read: older temp files of this computer are still recognised."""
    import hashlib
    import socket

    from treso_xl.render.safe_write import _host_tag

    assert _host_tag() == hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
