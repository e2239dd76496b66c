"""kill -9 at random points of refreshes of a large workbook: the file and its backup survive."""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_refresh

DATES = ("15/06/2026", "20/06/2026")  # each gives its own version of the generated tabs
RUNS = 50
SEED = 20261207


def _png(width: int, height: int, rng: random.Random) -> bytes:
    """A valid PNG of random pixels that does not compress: a photo's weight in the file."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return len(body).to_bytes(4, "big") + kind + body + crc.to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 0))
        + chunk(b"IEND", b"")
    )


def large_workbook(path: Path) -> Path:
    """2 000 flow rows and a 16 MB photo on a user sheet; no Date de référence, so that the
    two dates of DATES give two different refreshed versions."""
    import xlsxwriter

    books = bench_refresh.generate_books(2_000, seed=7)
    books.parametres[:] = [row for row in books.parametres if row[0] != "Date de référence"]
    image = path.with_name("photo.png")
    image.write_bytes(_png(2048, 2700, random.Random(SEED)))
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": bench_refresh.DATE_FORMAT})
    sheets = (
        ("Paramètres", ("Paramètre", "Valeur"), books.parametres[1:]),
        ("Encaissements", bench_refresh.ENCAISSEMENT_HEADERS, books.encaissements),
        ("Décaissements", bench_refresh.DECAISSEMENT_HEADERS, books.decaissements),
        ("Factures", bench_refresh.FACTURE_HEADERS, books.factures),
    )
    for title, headers, rows in sheets:
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, headers)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write(r, c, value)
    book.add_worksheet("Photos").insert_image("B2", str(image))
    book.close()
    image.unlink()
    return path


def refresh(book: Path, date: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "treso_xl", "refresh", str(book), "--date-reference", date],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_valid_workbook(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None, path
    book = CalamineWorkbook.from_path(str(path))
    try:
        assert "Factures" in book.sheet_names
        assert len(book.get_sheet_by_name("Factures").to_python()) > 500
    finally:
        book.close()


def timed_run(book: Path, date: str) -> tuple[float, float, float]:
    """Run one refresh to its end; return when its temporary files were first and last seen and
    when it ended (seconds after the start)."""
    start = time.monotonic()
    child = refresh(book, date)
    seen: list[float] = []
    while child.poll() is None:
        if temps(book.parent):
            seen.append(time.monotonic() - start)
        time.sleep(0.001)
    end = time.monotonic() - start
    assert child.returncode == 0, child.stderr.read().decode() if child.stderr else ""
    assert seen, "the refresh wrote no temporary file"
    return seen[0], seen[-1], end


@pytest.mark.slow
def test_kill_9_never_leaves_a_broken_workbook_or_backup(tmp_path: Path) -> None:
    book = large_workbook(tmp_path / "classeur.xlsx")
    backup = tmp_path / "classeur.bak.xlsx"
    original = digest(book)
    timed_run(book, DATES[0])  # the first refresh also settles the styles: a version of its own
    first = digest(book)
    timed_run(book, DATES[1])
    version_b = digest(book)
    write_at, written_at, end = timed_run(book, DATES[0])
    version_a = digest(book)
    assert len({original, first, version_a, version_b}) == 4
    assert digest(backup) == version_b
    versions = {version_a: "A", version_b: "B"}

    rng = random.Random(SEED)
    outcomes: dict[str, int] = {"avant l'écriture": 0, "pendant l'écriture": 0, "après": 0}
    for i in range(RUNS):
        before = digest(book)
        earlier = set(temps(tmp_path))
        child = refresh(book, DATES[i % 2])
        if i % 3 == 0:  # anywhere in the run
            time.sleep(rng.uniform(0, end))
        else:  # while it writes: from its first temporary file on
            delay = rng.uniform(0, (written_at - write_at) * 1.3)
            while child.poll() is None and not set(temps(tmp_path)) - earlier:
                time.sleep(0.001)
            time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert_valid_workbook(book)
        assert_valid_workbook(backup)
        assert digest(book) in versions, f"run {i}: the workbook is neither version"
        assert digest(backup) in versions
        left = set(temps(tmp_path))
        own = left - earlier
        if own or digest(book) != before:  # it reached the writing step, which sweeps first
            assert left == own, f"run {i}: temporary files of earlier runs survived: {left}"
            outcomes["pendant l'écriture" if own else "après"] += 1
        else:
            outcomes["avant l'écriture"] += 1
    print(
        f"\n{RUNS} kill -9 runs, refresh {end:.2f} s, writing from {write_at:.2f} s to "
        f"{written_at:.2f} s: {outcomes}"
    )
    assert outcomes["pendant l'écriture"] >= 5, outcomes  # the writing step was really hit

    final = refresh(book, DATES[RUNS % 2])
    assert final.wait() == 0
    assert temps(tmp_path) == []
    assert digest(book) == (version_a, version_b)[RUNS % 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classeur.bak.xlsx", "classeur.xlsx"]
