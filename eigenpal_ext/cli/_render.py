"""What the ``eigenpal`` command prints: tables, key/value blocks, JSON, and the one line an error prints.

Everything here is a pure function of its arguments (the ``--wait`` progress line is ``_progress``'s).
Results go to stdout and progress and errors to stderr; which function is used when is decided in
``_commands``.

An error line is written from the error's data, never by reading its message back: an argument error names
the flag the user typed (``ArgumentValueError.argument`` ``from_date`` → ``--from``, ``CLI_NAMES``), and a run
whose id never arrived ends with the ``eigenpal executions list`` (or ``eigenpal runs list``) command that finds
it, from the error's ``workflow_id`` (or ``target``) and ``created_after``/``created_before`` (``lookup_command``).

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
import shlex
from collections.abc import Iterable, Sequence
from typing import Any

from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionStep,
    ExecutionSummary,
    Run,
    RunCancelResult,
    RunEvent,
    Workflow,
    WorkflowVersion,
)
from eigenpal_api.types import Unset

from eigenpal_ext._errors import (
    ArgumentTypeError,
    ArgumentValueError,
    EigenpalError,
    EigenpalWaitTimeoutError,
    utc_text,
)
from eigenpal_ext._jsonable import to_jsonable
from eigenpal_ext._results import ExecutionResult, RunResult
from eigenpal_ext.cli._exits import UsageError

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


# --- the runs API -----------------------------------------------------------------------------------------


def _run_status(run: Run) -> object:
    return None if run.execution is None else run.execution.status


def _run_target(run: Run) -> str:
    """``extract-invoice@1.0.0``: the run's workflow (or agent) as the answer names it, with its version."""
    source = run.source
    if source is None:
        return ""
    name = source.slug or source.name or source.id or ""
    return f"{name}@{source.version}" if name and source.version else name


def _run_times(run: Run) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    timing = run.timing
    return (None, None) if timing is None else (timing.created_at, timing.completed_at)


def runs_table(runs: Iterable[Run]) -> str:
    """``runs list``: one row a run."""
    rows = []
    for run in runs:
        created, completed = _run_times(run)
        rows.append((run.id, _run_target(run), _run_status(run), format_time(created), _duration(created, completed)))
    return format_table(("ID", "TARGET", "STATUS", "CREATED", "DURATION"), rows)


def run_block(run: Run) -> str:
    """``runs get``: the run's fields, its output as JSON, and its input when expanded."""
    created, completed = _run_times(run)
    block = format_fields(
        [
            ("run", run.id),
            ("target", _run_target(run)),
            ("status", _run_status(run)),
            ("finished", "yes" if run.finished is True else "no" if run.finished is False else ""),
            ("created", format_time(created)),
            ("completed", format_time(completed)),
            ("duration", _duration(created, completed)),
            ("error", run.error),
        ]
    )
    if run.output is not None:
        block = f"{block}\noutput:\n{to_json(run.output)}"
    if run.input_ is not None:
        block = f"{block}\ninput:\n{to_json(run.input_)}"
    return block


def run_result_block(result: RunResult) -> str:
    """A finished wait on a run: run id, status, times, error, and the output as JSON."""
    block = format_fields(
        [
            ("run", result.run_id),
            ("status", result.status),
            ("created", format_time(result.created_at)),
            ("completed", format_time(result.completed_at)),
            ("duration", _duration(result.created_at, result.completed_at)),
            ("error", result.error),
        ]
    )
    return block if result.output is None else f"{block}\noutput:\n{to_json(result.output)}"


def run_cancel_line(outcome: RunCancelResult) -> str:
    """``exec_123: requested (was running)``: the cancel's state and the status the run had."""
    cancellation = outcome.cancellation
    state = None if cancellation is None else cancellation.state
    was = None if cancellation is None else cancellation.was_status
    return f"{printable(outcome.id)}: {printable(state) or 'sent'} (was {printable(was) or 'unknown'})"


def _field(item: Any, *keys: str) -> Any:
    """The first of ``keys`` a step (a JSON object as the server sent it) has; None otherwise."""
    if not isinstance(item, dict):
        return None
    return next((item[key] for key in keys if item.get(key) is not None), None)


def run_steps_table(steps: Sequence[Any]) -> str:
    """``runs steps``: one row a step; steps in a shape other than JSON objects are shown as the JSON sent."""
    if not all(isinstance(step, dict) for step in steps):
        return to_json(list(steps))
    return format_table(
        ("STEP", "STATUS", "STARTED", "COMPLETED", "ERROR"),
        ((_field(step, "stepId", "id", "name"), _field(step, "status"), _field(step, "startedAt"),
          _field(step, "completedAt"), _field(step, "error")) for step in steps),
    )  # fmt: skip


def run_events_table(events: Iterable[RunEvent]) -> str:
    """``runs events``: the run's timeline, one row an event, oldest first."""
    return format_table(
        ("TIME", "EVENT", "STATUS", "MESSAGE"),
        ((format_time(event.timestamp), event.type_, event.status, event.message) for event in events),
    )


def cancel_line(outcome: ExecutionCancellation) -> str:
    """``exec_123: cancellation-requested (was running)``."""
    return f"{printable(outcome.execution_id)}: {printable(outcome.status)} (was {printable(outcome.was_status)})"


def more_hint(shown: int, offset: int, total: int, noun: str) -> str | None:
    """The stderr note under a page that is not the whole list, or None when nothing was left out."""
    if offset + shown >= total:
        return None
    return f"{shown} of {total} {noun} shown (from offset {offset}); --all lists them all"


# --------------------------------------------------------------------------------------------------------
# Errors


# The client's argument names as the command line spells them: an argument error (``ArgumentValueError``,
# ``ArgumentTypeError``) names its argument as data, and the line names the flag the user typed instead.
CLI_NAMES = {
    "workflow_id": "WORKFLOW",
    "execution_id": "EXECUTION_ID",
    "run_id": "RUN_ID",
    "target": "TARGET",
    "created_after": "--from",
    "created_before": "--to",
    "expand": "--expand",
    "cursor": "--cursor",
    "metadata": "--metadata",
    "source": "--source",
    "trigger": "--trigger",
    "from_date": "--from",
    "to_date": "--to",
    "example_id": "--example-id",
    "page_size": "--limit",
    "limit": "--limit",
    "offset": "--offset",
    "status": "--status",
    "version": "--workflow-version",
    "search": "--search",
    "name": "--name",
    "kind": "--kind",
    "poll_interval_seconds": "--poll-interval",
    "timeout_seconds": "--timeout",
    "request_timeout_seconds": "--request-timeout",
    "api_key": "--api-key",
    "proxy": "--proxy",
    "base_url": "--base-url",
}


def lookup_command(error: EigenpalError) -> str | None:
    """The command that lists the execution (or run) a failed start may have created, from the error's fields
    (the workflow or target, and the window it was created in), or None when there is nothing to look for."""
    if error.execution_id is not None or not error.execution_may_exist:
        return None
    if error.workflow_id is not None:
        command = f"eigenpal executions list {shell_word(error.workflow_id)}"
    elif error.target is not None:  # the runs list filters by automation id, not by target: the window finds it
        command = "eigenpal runs list"
    else:
        return None
    if error.created_after is not None and error.created_before is not None:
        return f"{command} --from {utc_text(error.created_after)} --to {utc_text(error.created_before)}"
    return f"{command} --from 'now()-10m'"


def shell_word(value: object) -> str:
    """``value`` as one shell word in a command the user may paste (``printable``, then ``shlex.quote``): an id
    such as ``exec_1;touch${IFS}/tmp/owned`` stays one argument instead of running a second command."""
    return shlex.quote(printable(value))


def error_line(error: BaseException, *, hint: str | None = None) -> str:
    """The one line an error prints: ``error: HTTP 404: ... (execution exec_1, request id req_1)``."""
    if isinstance(error, EigenpalError):
        text = error.message
        ids = []
        # The SDK's messages often name the execution already; naming it twice reads as two executions.
        if error.execution_id and error.execution_id not in text:
            ids.append(f"execution {error.execution_id}")
        if isinstance(error, EigenpalWaitTimeoutError) and error.last_status and "last status" not in text:
            ids.append(f"last status {error.last_status}")
        if error.request_id:
            ids.append(f"request id {error.request_id}")
        if ids:
            text = f"{text} ({', '.join(ids)})"
        lookup = lookup_command(error)
        if lookup is not None:  # last on the line, so that it pastes as one command
            text = f"{text}; its id never arrived: find it with: {lookup}"
    elif isinstance(error, UsageError | OSError):
        text = str(error)  # written for the command line already (or by the OS, about a path)
    elif isinstance(error, ArgumentValueError | ArgumentTypeError):
        # The client's check of an argument: named as the flag it came from (``from_date`` → ``--from``).
        text = f"{CLI_NAMES.get(error.argument, error.argument)} {error.reason}"
    elif isinstance(error, ValueError | TypeError):
        text = str(error)
    else:
        text = f"unexpected {type(error).__name__}: {error} (run with --debug for the traceback)"
    if hint:
        text = f"{text}; {hint}"
    return f"error: {printable(text)}"
