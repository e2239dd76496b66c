"""What a long job is doing: phases told to a reporter (terminal line, Excel's status bar).

The engine calls `phase("Lecture du classeur")` at each step; whoever runs it installs a
reporter with `reporting(...)` for the duration (a context variable: nothing to pass around,
nothing shown when nobody listens). Reporters never raise: progress is never worth failing for.
"""

from __future__ import annotations

import contextvars
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

Reporter = Callable[[str], None]
DELAY = 2.0  # seconds before a terminal shows anything: short jobs stay silent
DELAY_VARIABLE = "TRESO_XL_PROGRESS_DELAY"  # another delay in seconds (0: from the start)
_current: contextvars.ContextVar[Reporter | None] = contextvars.ContextVar(
    "treso_xl_progress", default=None
)


def phase(label: str) -> None:
    """Tell the current reporter, if any, that the job now does `label` (French, no ellipsis)."""
    reporter = _current.get()
    if reporter is not None:
        try:
            reporter(label)
        except Exception:  # a status line that fails must not fail the job
            pass


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Send the phases of the code run inside to `reporter` (None: to nobody)."""
    token = _current.set(reporter)
    try:
        yield
    finally:
        _current.reset(token)


class TerminalProgress:
    """Phases on standard error, never on standard output (which scripts may read).

    Nothing is shown during the first `delay` seconds. After that, on a terminal, one line
    « treso-xl : Calculs… (3 s) » is rewritten in place every second and erased at the end; in a
    file or a pipe (when asked for, see `on_terminal`), each phase from then on is one line.
    `counter(done, total)` adds « 12/300 » to the line (used by batch).
    """

    def __init__(
        self, stream: TextIO | None = None, delay: float = DELAY, tty: bool | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.tty = _is_tty(self.stream) if tty is None else tty
        self.start = time.monotonic()
        self.label = ""
        self.count = ""
        self.shown = False  # something was written (a line to erase on a terminal)
        self._printed = ""  # the last plain line printed, not to repeat it
        self._printed_label = ""
        self._width = 0  # the longest line written on the terminal, to blank it out
        self._printed_at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, label: str) -> None:
        with self._lock:
            if label != self.label:
                self.count = ""  # a count belongs to its phase
            self.label = label
            self._show()

    def counter(self, done: int, total: int) -> None:
        """The count of items done so far, shown beside the phase."""
        with self._lock:
            self.count = f"{done}/{total}"
            self._show()

    def __enter__(self) -> TerminalProgress:
        self.start = time.monotonic()
        if math.isfinite(self.delay):  # an infinite delay: never shown, no ticking thread
            self._thread = threading.Thread(
                target=self._tick, daemon=True, name="treso-xl progress"
            )
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self.tty and self.shown:
                self._write("\r" + " " * self._width + "\r")

    def _tick(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            with self._lock:
                self._show()
            if self._stop.wait(1.0):
                return

    def _show(self) -> None:
        elapsed = time.monotonic() - self.start
        if elapsed < self.delay or not self.label:
            return
        text = f"treso-xl\u00a0: {self.label}…" + (f" {self.count}" if self.count else "")
        if self.tty:
            line = f"{text} ({int(elapsed)}\u00a0s)"
            # spaces rather than an ANSI erase: the Windows console may not understand escapes
            self._write("\r" + line.ljust(self._width))
            self._width = max(self._width, len(line))
        else:  # a log: a line per phase, a changing count at most every 5 seconds
            now = time.monotonic()
            if self.label == self._printed_label and now - self._printed_at < 5.0:
                return
            if text == self._printed:
                return
            self._write(text + "\n")
            self._printed, self._printed_label, self._printed_at = text, self.label, now
        self.shown = True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except Exception:
            pass


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except Exception:
        return False


class StatusBar:
    """Phases in Excel's status bar (`app.status_bar` in xlwings), given back to Excel at the end.

    At most one write per phase: each is a call to Excel, cheap but not free.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.written = False

    def __call__(self, label: str) -> None:
        try:
            self.app.status_bar = f"treso-xl\u00a0: {label}…"
            self.written = True
        except Exception:
            pass

    def __enter__(self) -> StatusBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.written:
            try:
                self.app.status_bar = False  # Excel shows its own messages again
            except Exception:
                pass


def terminal_delay() -> float:
    """DELAY, or the number of seconds given by the TRESO_XL_PROGRESS_DELAY variable."""
    try:
        return max(0.0, float(os.environ.get(DELAY_VARIABLE, DELAY)))
    except ValueError:
        return DELAY


@contextmanager
def on_terminal(delay: float | None = None) -> Iterator[TerminalProgress]:
    """The phases of the code run inside shown on standard error (see TerminalProgress) when it
    is a terminal. When it is a file or a pipe, nothing is shown unless TRESO_XL_PROGRESS_DELAY
    (or `delay`) asks for phase lines there too: a script reading our stderr, or a test, never
    gets lines that a slow machine alone would add."""
    stream = sys.stderr
    asked = delay is not None or os.environ.get(DELAY_VARIABLE) is not None
    if not _is_tty(stream) and not asked:
        with TerminalProgress(stream, delay=math.inf, tty=False) as silent, reporting(None):
            yield silent
        return
    wait = terminal_delay() if delay is None else delay
    with TerminalProgress(stream, delay=wait) as shown, reporting(shown):
        yield shown
