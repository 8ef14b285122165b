"""What the ``eigenpal`` command prints: tables, key/value blocks, JSON, and the ``--wait`` progress line.

Everything here is a pure function of its arguments, except ``Progress``, which writes to the stream it
is given and reads the clock it is given (both injected, so it is tested without a terminal or sleeping).
Results go to stdout and progress to stderr; that split, and which function is used when, is decided in
``cli.py``.

Text coming from the server (names, error messages, results) is printed through ``printable`` in tables
and key/value blocks: a control character in it could otherwise move the cursor, recolour the user's
terminal or reorder what it shows. JSON output goes through ``terminal_safe_json``: ``json.dumps`` escapes
only C0 controls, so every other character a terminal acts on (DEL, C1 controls such as CSI ``\\x9b``, OSC
``\\x9d`` and NEL ``\\x85``, bidi overrides U+202A-U+202E and U+2066-U+2069, and the rest of what
``str.isprintable`` refuses) becomes a ``\\uXXXX`` escape: the JSON still decodes to the same strings.

JSON output is plain data from ``_jsonable``: timestamps end in ``Z``, like the text output's.
"""

from __future__ import annotations

import datetime
import enum
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, Self, TextIO

from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionStep,
    ExecutionSummary,
    Workflow,
    WorkflowVersion,
)
from eigenpal_api.types import Unset

from eigenpal_ext._jsonable import to_jsonable
from eigenpal_ext._results import ExecutionResult

# Braille frames read as a smooth spinner; terminals whose encoding cannot show them get the ASCII set.
UNICODE_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
ASCII_SPINNER = "|/-\\"
CLEAR_TO_END_OF_LINE = "\x1b[K"
TICK_SECONDS = 0.1


# --------------------------------------------------------------------------------------------------------
# JSON


def to_json(value: Any) -> str:
    """Indented JSON (as ``python -m json.tool`` would print it), for stdout. Models become their ``to_dict()``,
    with ``Z`` timestamps (see ``_jsonable``); characters a terminal would act on are escaped
    (``terminal_safe_json``)."""
    return terminal_safe_json(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def terminal_safe_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every non-printable character as ``\\uXXXX``.

    Outside strings such JSON holds only ASCII punctuation, digits, spaces and the newlines of its
    indentation, so every other non-printable character is inside a string, where the escape decodes to it.
    """
    if text.replace("\n", "").isprintable():
        return text
    return "".join(char if char == "\n" or char.isprintable() else _json_escape(char) for char in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: a UTF-16 surrogate pair, as JSON spells it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def result_to_dict(result: ExecutionResult) -> dict[str, Any]:
    """A finished wait: ``ExecutionResult.to_dict()`` (API key names, ``Z`` timestamps, unknown fields kept)."""
    return result.to_dict()


def models_to_list(models: Iterable[Any]) -> list[Any]:
    return [to_jsonable(model) for model in models]


def stopped_to_dict(
    outcome: str,
    execution_id: str | None,
    status: object,
    *,
    message: str,
    cancel: object = None,
) -> dict[str, Any]:
    """The one JSON object ``--json`` prints when a wait stops early (``outcome``: timeout or interrupted).

    ``executionId`` and ``status`` (the last status seen) are None when they never arrived; ``cancel`` is the
    cancel request's answer when the execution was cancelled on the way out.
    """
    data: dict[str, Any] = to_jsonable(
        {"executionId": execution_id, "status": status, "outcome": outcome, "message": message, "cancel": cancel}
    )
    return data


# --------------------------------------------------------------------------------------------------------
# Text


def printable(value: object) -> str:
    """``value`` as one line of harmless text: whitespace becomes spaces, every other character ``str.isprintable``
    refuses (C0 and C1 controls, DEL, bidi overrides, line separators) an escape such as ``\\x9b`` or ``\\u202e``."""
    if value is None or isinstance(value, Unset):
        return ""
    text = value.value if isinstance(value, enum.Enum) else value
    out = []
    for char in str(text):
        if char in "\t\n\r":
            out.append(" ")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def format_time(moment: datetime.datetime | None | Unset) -> str:
    """A timestamp for tables: UTC, to the second (``2026-11-27T03:40:01Z``)."""
    if moment is None or isinstance(moment, Unset):
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def format_elapsed(seconds: float) -> str:
    """``1.2s`` under a minute, ``3m05s`` under an hour, then ``2h03m``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def _duration(start: datetime.datetime | None | Unset, end: datetime.datetime | None | Unset) -> str:
    if not isinstance(start, datetime.datetime) or not isinstance(end, datetime.datetime):
        return ""
    return format_elapsed((end - start).total_seconds())


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Left-aligned columns two spaces apart, with a header row; no trailing spaces."""
    cells = [[printable(cell) for cell in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = [headers, *cells]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
                     for line in lines)  # fmt: skip


def format_fields(fields: Sequence[tuple[str, object]]) -> str:
    """``key:  value`` lines with the values aligned; empty values are left out."""
    shown = [(key, printable(value)) for key, value in fields]
    shown = [(key, value) for key, value in shown if value]
    width = max((len(key) for key, _ in shown), default=0) + 1
    return "\n".join(f"{key + ':':<{width}}  {value}" for key, value in shown)


def _with_result(block: str, result: Any) -> str:
    """Append the result, pretty-printed as JSON, under a ``result:`` label (nothing when there is none)."""
    if result is None or isinstance(result, Unset):
        return block
    return f"{block}\nresult:\n{to_json(result)}"


def executions_table(executions: Iterable[ExecutionSummary]) -> str:
    return format_table(
        ("ID", "STATUS", "CREATED", "DURATION"),
        ((item.id, item.status, format_time(item.created_at), _duration(item.created_at, item.completed_at))
         for item in executions),
    )  # fmt: skip


def workflows_table(workflows: Iterable[Workflow]) -> str:
    return format_table(
        ("ID", "NAME", "VERSION", "UPDATED"),
        ((item.id, item.name, item.version, format_time(item.updated_at)) for item in workflows),
    )


def versions_table(versions: Iterable[WorkflowVersion]) -> str:
    return format_table(
        ("ID", "VERSION", "CURRENT", "CREATED"),
        ((item.id, item.version, "yes" if item.is_current is True else "", format_time(item.created_at))
         for item in versions),
    )  # fmt: skip


def steps_table(steps: Iterable[ExecutionStep]) -> str:
    return format_table(
        ("STEP", "STATUS", "STARTED", "DURATION", "ERROR"),
        ((step.step_id, step.status, format_time(step.started_at), _duration(step.started_at, step.completed_at),
          step.error) for step in steps),
    )  # fmt: skip


def workflow_block(workflow: Workflow) -> str:
    return format_fields(
        [
            ("id", workflow.id),
            ("name", workflow.name),
            ("version", workflow.version),
            ("created", format_time(workflow.created_at)),
            ("updated", format_time(workflow.updated_at)),
        ]
    )


def execution_block(execution: Execution) -> str:
    """``executions get``: the status fields, the result as JSON, and with ``--steps`` a table of steps."""
    block = format_fields(
        [
            ("execution", execution.execution_id),
            ("status", execution.status),
            ("created", format_time(execution.created_at)),
            ("completed", format_time(execution.completed_at)),
            ("duration", _duration(execution.created_at, execution.completed_at)),
            ("error", execution.error),
        ]
    )
    block = _with_result(block, execution.result)
    steps = execution.steps
    if isinstance(steps, list) and all(isinstance(step, ExecutionStep) for step in steps):
        block = f"{block}\nsteps:\n{steps_table(steps)}"
    elif steps is not None:  # a per-step payload in another shape: shown as the JSON the server sent
        block = f"{block}\nsteps:\n{to_json(steps)}"
    return block


def result_block(result: ExecutionResult) -> str:
    """A finished wait: execution id, status, times, error, and the result as JSON."""
    block = format_fields(
        [
            ("execution", result.execution_id),
            ("status", result.status),
            ("created", format_time(result.created_at)),
            ("completed", format_time(result.completed_at)),
            ("duration", _duration(result.created_at, result.completed_at)),
            ("error", result.error),
        ]
    )
    return _with_result(block, result.result)


def cancel_line(outcome: ExecutionCancellation) -> str:
    """``exec_123: cancellation-requested (was running)``."""
    return f"{printable(outcome.execution_id)}: {printable(outcome.status)} (was {printable(outcome.was_status)})"


def more_hint(shown: int, offset: int, total: int, noun: str) -> str | None:
    """The stderr note under a page that is not the whole list, or None when nothing was left out."""
    if offset + shown >= total:
        return None
    return f"{shown} of {total} {noun} shown (from offset {offset}); --all lists them all"


# --------------------------------------------------------------------------------------------------------
# Progress


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
        parts.append(printable(self._subject))
        if self._status is not None:
            parts.append(printable(self._status))
        parts.append(format_elapsed(self.elapsed))
        text = " ".join(parts)
        # A line wider than the terminal wraps, and "\r" then redraws only its last row.
        return text[: self._columns - 1] if self._columns > 1 else text

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
