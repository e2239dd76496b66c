"""Long jobs say what they do: phases on standard error, or in Excel's status bar."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import xlwings_standin as standin

from treso_xl.excel import ribbon
from treso_xl.progress import StatusBar, TerminalProgress, phase, reporting
from treso_xl.refresh import refresh_file
from treso_xl.workbooks import sample_path

PHASES = [
    "Lecture du classeur",
    "Calcul du plan de trésorerie",
    "Relances et contrôles",
    "Mise en page des onglets",
    "Écriture du classeur",
]


def test_phase_without_a_reporter_does_nothing() -> None:
    phase("Lecture du classeur")  # nobody listens: no error, no output


def test_a_failing_reporter_never_fails_the_job() -> None:
    def broken(label: str) -> None:
        raise OSError("écran débranché")

    with reporting(broken):
        phase("Calculs")


def test_refresh_tells_each_phase(tmp_path: Path) -> None:
    seen: list[str] = []
    with reporting(seen.append):
        refresh_file(sample_path(), tmp_path / "out.xlsx")
    assert [label for label in seen if label in PHASES] == PHASES
    phase("après")  # the reporter is gone once the block is left
    assert "après" not in seen


def test_terminal_stays_silent_for_a_short_job() -> None:
    stream = io.StringIO()
    with TerminalProgress(stream, delay=5.0, tty=False) as shown, reporting(shown):
        phase("Lecture du classeur")
        phase("Écriture du classeur")
    assert stream.getvalue() == ""


def test_terminal_lines_after_the_delay_in_a_log() -> None:
    stream = io.StringIO()
    with TerminalProgress(stream, delay=0.2, tty=False) as shown, reporting(shown):
        phase("Lecture du classeur")
        time.sleep(0.5)  # the ticker shows the phase under way once the delay is over
        phase("Écriture du classeur")
    lines = stream.getvalue().splitlines()
    assert lines == [
        "treso-xl\u00a0: Lecture du classeur…",
        "treso-xl\u00a0: Écriture du classeur…",
    ]


def test_terminal_line_rewritten_then_erased_on_a_tty() -> None:
    stream = io.StringIO()
    with TerminalProgress(stream, delay=0.0, tty=True) as shown, reporting(shown):
        phase("Calculs")
        shown.counter(3, 10)
    text = stream.getvalue()
    line = "treso-xl\u00a0: Calculs… 3/10 (0\u00a0s)"
    assert "\r" + line in text
    assert text.endswith("\r" + " " * len(line) + "\r") and "\n" not in text


def _cli(args: list[str], delay: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TRESO_XL_PROGRESS_DELAY=delay)
    command = [sys.executable, "-m", "treso_xl", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_cli_progress_on_stderr_never_on_stdout(tmp_path: Path) -> None:
    quiet = _cli(["refresh", str(sample_path()), "-o", "a.xlsx"], "60", tmp_path)
    told = _cli(["refresh", str(sample_path()), "-o", "b.xlsx"], "0", tmp_path)
    assert quiet.returncode == told.returncode == 0, told.stderr
    assert quiet.stderr == ""
    assert told.stdout == quiet.stdout.replace("a.xlsx", "b.xlsx")
    shown = told.stderr.splitlines()
    assert shown[0] == "treso-xl\u00a0: Lecture du classeur…"
    assert "treso-xl\u00a0: Écriture du classeur…" in shown


def test_excel_status_bar_shows_phases_then_is_given_back() -> None:
    book = standin.open_book(sample_path())
    assert ribbon.actualiser(book) is not None
    bars = standin.status_bars(book)
    assert bars[0] == "treso-xl\u00a0: Lecture du classeur…"
    assert "treso-xl\u00a0: Écriture des onglets dans Excel…" in bars
    assert bars[-1] is False and book.app.status_bar is False


def test_status_bar_given_back_when_the_macro_fails(tmp_path: Path) -> None:
    book = standin.new_book({"Paramètres": [["Paramètre", "Valeur"]]})
    ribbon.verifier(book)
    bars = standin.status_bars(book)
    assert bars and bars[-1] is False
    assert standin.alerts(book)  # the failure was said in a message box


def test_status_bar_survives_an_excel_that_refuses_it() -> None:
    class Refusing:
        @property
        def status_bar(self) -> str:
            raise RuntimeError("busy")

        @status_bar.setter
        def status_bar(self, value: object) -> None:
            raise RuntimeError("busy")

    with StatusBar(Refusing()) as status, reporting(status):
        phase("Lecture du classeur")


def test_no_lines_in_a_pipe_unless_asked(monkeypatch, capsys) -> None:
    """A slow machine alone never adds lines to a captured stderr (scripts, CliRunner)."""
    import math

    from treso_xl.progress import DELAY_VARIABLE, on_terminal

    monkeypatch.delenv(DELAY_VARIABLE, raising=False)
    with on_terminal() as shown:
        phase("Lecture du classeur")
        shown.counter(1, 2)
    assert shown.delay == math.inf
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(DELAY_VARIABLE, "0")
    with on_terminal():
        phase("Lecture du classeur")
    assert capsys.readouterr().err == "treso-xl\u00a0: Lecture du classeur…\n"
