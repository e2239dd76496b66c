"""The script exits without the interpreter's teardown, its output whole and its exit code kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from treso_xl.workbooks import sample_path

# atexit handlers run during the interpreter's teardown: this one says whether it happened.
RUN = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('TEARDOWN\\n'))\n"
    "sys.argv = ['treso-xl', *sys.argv[1:]]\n"
    "from treso_xl.cli.main import run\n"
    "run()\n"
)


def _run(args: list[str], stdout) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RUN, *args], stdout=stdout, stderr=subprocess.PIPE, text=True
    )


def test_refresh_output_to_a_file_is_whole_and_the_teardown_skipped(tmp_path: Path):
    """Redirected to a file, stdout is block-buffered: the last lines still get there."""
    log = tmp_path / "sortie.txt"
    with log.open("w", encoding="utf-8") as handle:
        done = _run(["demo", "--sortie", str(tmp_path / "demo.xlsx")], handle)
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.rstrip().endswith("Ouvrez-le dans Excel ou LibreOffice : onglet « Prévisionnel ».")
    assert "TEARDOWN" not in done.stderr
    assert (tmp_path / "demo.xlsx").stat().st_size > 0


def test_exit_codes_and_messages_are_kept(tmp_path: Path):
    usage = _run(["refresh", str(tmp_path / "absent.xlsx")], subprocess.PIPE)
    assert usage.returncode == 2 and "absent.xlsx" in usage.stderr
    assert "TEARDOWN" not in usage.stderr
    book = tmp_path / "c.xlsx"
    book.write_bytes(sample_path().read_bytes())
    check = _run(["check", str(book)], subprocess.PIPE)
    assert check.returncode == 1 and "Erreur" in check.stdout  # the sample has one error


def test_main_called_by_a_program_still_raises_system_exit(monkeypatch):
    from treso_xl.cli import main as main_module

    monkeypatch.setattr(sys, "argv", ["treso-xl", "--version"])
    try:
        main_module.main()
    except SystemExit as stop:
        assert stop.code in (0, None)
    else:
        raise AssertionError("main() must end with SystemExit")
