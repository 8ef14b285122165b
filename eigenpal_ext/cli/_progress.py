"""The ``--wait`` progress line: a spinner, the execution, its status and the elapsed time, redrawn in place on a
terminal; one plain line per status change in a log."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TextIO

from eigenpal_ext.cli._render import format_elapsed, printable

# Braille frames read as a smooth spinner; terminals whose encoding cannot show them get the ASCII set.
UNICODE_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
ASCII_SPINNER = "|/-\\"
CLEAR_TO_END_OF_LINE = "\x1b[K"
TICK_SECONDS = 0.1


def supports_unicode(stream: TextIO) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        UNICODE_SPINNER.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def terminal_columns(stream: TextIO) -> int:
    """The terminal's width, or 0 when unknown (a fresh pseudo-terminal reports 0 columns)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


class Progress:
    """Shows where a waited-for execution is, on ``stream`` (stderr).

    ``live=True`` (stderr is a terminal): one line, redrawn in place with ``\\r`` and clear-to-end-of-line,
    holding a spinner, the execution id, its status and the elapsed time; ``tick()`` redraws it (a
    background thread calls it about ten times a second while the ``with`` block runs), and leaving the
    block draws it a last time without the spinner and ends it with a newline.

    ``live=False`` (a pipe, a CI log): one plain line per status change, ``exec_123 running (1.2s)``, and
    nothing else, so logs stay readable and greppable.

    ``status()`` is called from the waiting thread (the SDK's ``on_status``) and ``tick()`` from the
    ticker thread; a lock keeps their writes whole.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        live: bool,
        subject: str,
        clock: Callable[[], float] = time.monotonic,
        spinner: str | None = None,
        columns: int | None = None,
        ticker: bool = True,
    ) -> None:
        self._stream = stream
        self.live = live
        self._subject = subject
        self._clock = clock
        self._started = clock()
        self._spinner = spinner or (UNICODE_SPINNER if supports_unicode(stream) else ASCII_SPINNER)
        self._columns = terminal_columns(stream) if columns is None else columns
        self._frame = 0
        self._status: str | None = None
        self._lock = threading.Lock()
        self._drawn = False
        self._closed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._use_ticker = ticker and live

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    def status(self, execution_id: str, status: str) -> None:
        """Record the execution's status (called once per change; repeats are ignored)."""
        with self._lock:
            if self._closed or (status == self._status and execution_id == self._subject):
                return
            self._subject, self._status = execution_id, status
            if self.live:
                self._draw(spin=True)
            else:
                self._write(f"{printable(execution_id)} {printable(status)} ({format_elapsed(self.elapsed)})\n")

    def tick(self) -> None:
        """Advance the spinner and redraw the elapsed time (live mode only)."""
        with self._lock:
            if self.live and not self._closed:
                self._frame += 1
                self._draw(spin=True)

    def close(self) -> None:
        """Stop the ticker; in live mode draw the final state and end the line. Safe to call twice."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)
        # A timeout, not a plain acquire: a Ctrl-C that landed inside a locked write must not hang the exit.
        locked = self._lock.acquire(timeout=1.0)
        try:
            if self._closed:
                return
            self._closed = True
            if self.live and self._drawn:
                self._draw(spin=False)
                self._write("\n")
        finally:
            if locked:
                self._lock.release()

    def __enter__(self) -> Self:
        if self._use_ticker:
            self._draw_locked()
            self._thread = threading.Thread(target=self._run_ticker, name="eigenpal-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def line(self, *, spin: bool) -> str:
        """The live line's text (without the ``\\r`` and clear sequence), cut to the terminal's width."""
        parts = [self._spinner[self._frame % len(self._spinner)]] if spin else []
        parts.append(self.describe())
        text = " ".join(parts)
        # A line wider than the terminal wraps, and "\r" then redraws only its last row.
        return text[: self._columns - 1] if self._columns > 1 else text

    def describe(self) -> str:
        """What the line says after the spinner: the execution, its status and the elapsed time."""
        parts = [printable(self._subject)]
        if self._status is not None:
            parts.append(printable(self._status))
        parts.append(format_elapsed(self.elapsed))
        return " ".join(parts)

    def _run_ticker(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            self.tick()

    def _draw_locked(self) -> None:
        with self._lock:
            self._draw(spin=True)

    def _draw(self, *, spin: bool) -> None:
        self._drawn = True
        self._write(f"\r{self.line(spin=spin)}{CLEAR_TO_END_OF_LINE}")

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            # A closed or broken stderr must not turn a finished wait into a crash; the result still goes out.
            pass
