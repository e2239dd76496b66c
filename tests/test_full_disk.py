"""A full disk at each step of a refresh, on a real small tmpfs: the workbook and backup survive."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from treso_xl.workbooks import sample_path

PAGE = 4096
DATE = "20/11/2026"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for the test (root only; skipped where mounting is not allowed)."""
    point = tmp_path / "disque"
    point.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("mount is not available here")
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=30)


def refresh(book: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treso_xl", "refresh", str(book), "--date-reference", DATE],
        capture_output=True,
        text=True,
        timeout=300,
    )


def free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def leave_free(folder: Path, wanted: int) -> None:
    """Fill the disk with a file until `wanted` bytes (rounded to pages) are left."""
    filler = folder / "remplissage"
    size = free_bytes(folder) - wanted
    assert size > 0
    with open(filler, "wb") as handle:
        handle.write(b"\0" * size)
    assert abs(free_bytes(folder) - wanted) <= 2 * PAGE


def valid(path: Path) -> bool:
    try:
        CalamineWorkbook.from_path(str(path)).close()
    except Exception:
        return False
    return True


def pages(size: int) -> int:
    return -(-size // PAGE) * PAGE


@pytest.fixture
def versions(tmp_path: Path) -> tuple[bytes, bytes]:
    """The sample once refreshed (the current version) and refreshed again (the new one)."""
    book = tmp_path / "calcul" / "classeur.xlsx"
    book.parent.mkdir()
    shutil.copyfile(sample_path(), book)
    assert refresh(book).returncode == 0
    current = book.read_bytes()
    assert refresh(book).returncode == 0
    return current, book.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(
    "step",
    ["new version", "backup copy"],
)
def test_full_disk_changes_nothing_and_says_so(
    small_disk: Path, versions: tuple[bytes, bytes], step: str
) -> None:
    current, new = versions
    book = small_disk / "classeur.xlsx"
    backup = small_disk / "classeur.bak.xlsx"
    book.write_bytes(current)
    old_backup = sample_path().read_bytes()  # an older, smaller version
    assert len(old_backup) < len(current) - 4 * PAGE
    backup.write_bytes(old_backup)
    # Room for half the new version; or for the new version, and then less than the growth of
    # the backup (the old code rewrote the backup in place: it failed halfway, truncated).
    if step == "new version":
        room = len(new) // 2
    else:
        room = pages(len(new)) + (len(current) - len(old_backup)) // 2
    leave_free(small_disk, room)
    result = refresh(book)
    assert book.read_bytes() == current
    assert backup.read_bytes() == old_backup and valid(backup)
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr.replace("\u00a0", " ")
    assert "(disque plein)" in message
    assert "Rien n'a été modifié" in message
    assert "Traceback" not in message
    if step == "backup copy":
        assert "copie de sauvegarde « classeur.bak.xlsx »" in message
        assert "la sauvegarde précédente sont intacts" in message
    assert sorted(p.name for p in small_disk.iterdir()) == [
        "classeur.bak.xlsx",
        "classeur.xlsx",
        "remplissage",
    ]


@pytest.mark.slow
def test_disk_with_just_enough_room_gets_the_new_version(
    small_disk: Path, versions: tuple[bytes, bytes]
) -> None:
    current, new = versions
    book = small_disk / "classeur.xlsx"
    book.write_bytes(current)
    (small_disk / "classeur.bak.xlsx").write_bytes(b"ancienne sauvegarde")
    leave_free(small_disk, pages(len(new)) + pages(len(current)) + 2 * PAGE)
    result = refresh(book)
    assert result.returncode == 0, result.stdout + result.stderr
    assert book.read_bytes() == new
    assert (small_disk / "classeur.bak.xlsx").read_bytes() == current
