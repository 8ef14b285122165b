"""The ``eigenpal`` command: EigenPal workflows and executions from a shell (standard library argparse only).

This module owns the command line: the argument parser, turning ``-i key=value`` into workflow inputs,
running each subcommand through ``EigenpalClient``, Ctrl-C handling, and the exit codes. What gets
printed (tables, JSON, the progress line) lives in ``_cli_render``.

    eigenpal workflows list [--search S] [--name N] [--kind workflow|block] [--limit N] [--offset N] [--all]
    eigenpal workflows get WORKFLOW
    eigenpal workflows versions WORKFLOW [--limit N] [--offset N]
    eigenpal run WORKFLOW [-i KEY=VALUE ...] [-i KEY=@FILE ...] [--input-json JSON] [--workflow-version V]
                 [--wait [--timeout S] [--poll-interval S] [--cancel-on-timeout] [--cancel-on-interrupt]]
    eigenpal executions get EXECUTION_ID [--steps]
    eigenpal executions list WORKFLOW [--status S[,S...]] [--from EXPR] [--to EXPR] [--example-id ID]
                 [--limit N] [--offset N] [--all]
    eigenpal executions cancel EXECUTION_ID
    eigenpal executions wait EXECUTION_ID [--timeout S] [--poll-interval S] [--cancel-on-timeout]
                 [--cancel-on-interrupt]

Global options (before or after the subcommand): ``--api-key`` (else ``EIGENPAL_API_KEY``), ``--base-url``
(else ``EIGENPAL_BASE_URL``, else https://studio.eigenpal.com), ``--json``, ``--debug``, ``--request-timeout``.
``eigenpal --version`` is the program's version. The workflow version a run pins is ``--workflow-version``
(it was ``run --version`` before 0.1.0 was released; ``run --version V`` now fails, naming the new flag).

Results go to stdout, progress and errors to stderr. An error is one line, ``error: ...``, with the
execution id and the server's request id when there are any; ``--debug`` adds the traceback. Errors speak
the command line: a bad ``--from`` lists the forms a shell can pass, an argument error of the client names
the flag the user typed (``from_date`` → ``--from``: the error carries its argument as data), and a run whose
id never arrived prints the ``eigenpal executions list`` command that finds it (from the error's fields).
With ``--json``, a wait that times out
or is interrupted still prints one JSON object on stdout: ``executionId``, ``status`` (the last one seen),
``outcome`` (``timeout`` or ``interrupted``), ``message`` and ``cancel``.

Exit codes:

    0    success; for --wait / executions wait: the execution completed
    1    the execution failed (or an unexpected internal error)
    2    usage error: bad arguments, an input file that is missing, not a regular file or changed while
         it was uploaded, no API key
    3    the execution was cancelled
    4    the execution was rejected (a review step said no)
    5    timeout: the wait passed --timeout (the execution id and last status are printed), or a request timed out
    6    API error: the server answered with an error (HTTP status and request id are printed)
    7    connection error: the server could not be reached
    130  interrupted (Ctrl-C); the execution id is printed, and the execution cancelled if asked
    141  stdout was closed early (``eigenpal ... | head``)
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import json
import math
import os
import shlex
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import attrs
from eigenpal_api.models import Execution, ExecutionCancellation

from eigenpal_ext import __version__, _config
from eigenpal_ext._checks import check_int
from eigenpal_ext._cli_render import (
    Progress,
    cancel_line,
    execution_block,
    executions_table,
    models_to_list,
    more_hint,
    printable,
    result_block,
    result_to_dict,
    stopped_to_dict,
    to_json,
    versions_table,
    workflow_block,
    workflows_table,
)
from eigenpal_ext._client import EigenpalClient
from eigenpal_ext._config import MAX_PAGE_SIZE
from eigenpal_ext._errors import (
    ArgumentTypeError,
    ArgumentValueError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalFileChangedError,
    EigenpalTimeoutError,
    EigenpalWaitTimeoutError,
    utc_text,
)
from eigenpal_ext._files import path_problem
from eigenpal_ext._results import ExecutionResult
from eigenpal_ext._settings import given_api_key
from eigenpal_ext.dates import resolve_date

PROG = "eigenpal"


class ExitCode(enum.IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    CANCELLED = 3
    REJECTED = 4
    TIMEOUT = 5
    API_ERROR = 6
    CONNECTION_ERROR = 7
    INTERRUPTED = 130
    BROKEN_PIPE = 141


_STATUS_EXIT_CODES = {
    "completed": ExitCode.OK,
    "failed": ExitCode.FAILED,
    "cancelled": ExitCode.CANCELLED,
    "rejected": ExitCode.REJECTED,
}


class UsageError(Exception):
    """A mistake in the command line that argparse cannot see (a bad ``-i``, a missing file, no API key)."""


# --------------------------------------------------------------------------------------------------------
# Pure decisions: inputs, exit codes, error lines


def parse_input_value(text: str) -> Any:
    """An ``-i`` value: JSON when it parses (``2``, ``true``, ``null``, ``"2"``, ``[1]``, ``{...}``), else the text.

    NaN and Infinity are not JSON, so they stay strings rather than becoming floats the API refuses.
    """

    def refuse(constant: str) -> NoReturn:
        raise ValueError(constant)

    try:
        return json.loads(text, parse_constant=refuse)
    except ValueError:
        return text


def parse_input(assignment: str) -> tuple[str, Any]:
    """One ``-i`` argument: ``key=value`` (see ``parse_input_value``), ``key=@path`` (a file, sent as an
    upload) or ``key=@@text`` (the literal string ``@text``)."""
    key, equals, value = assignment.partition("=")
    key = key.strip()
    if not equals or not key:
        raise UsageError(f"-i {assignment!r}: expected KEY=VALUE or KEY=@FILE")
    if value.startswith("@@"):
        return key, value[1:]
    if value.startswith("@"):
        if not value[1:]:
            raise UsageError(f"-i {key}=@: no file path after '@'")
        return key, regular_file(Path(value[1:]).expanduser(), f"input {key!r}")
    return key, parse_input_value(value)


def regular_file(path: Path, what: str) -> Path:
    """``path`` if it names a regular file (a symlink is followed). A pipe, a FIFO or a device (``/dev/zero``,
    ``/dev/stdin``) is refused before it is opened: it has no size, may never end, and opening a FIFO waits
    for a writer."""
    problem = path_problem(path)
    if problem is None:
        return path
    kind, words = problem
    if kind == "missing":
        raise UsageError(f"{what}: file not found: {path}")
    advice = {"special": "; write the data to a file first", "directory": ", not a file"}.get(kind, "")
    raise UsageError(f"{what}: {path} {words}{advice}")


def parse_input_json(text: str) -> dict[str, Any]:
    """``--input-json``: a JSON object, inline or ``@file.json``."""
    if text.startswith("@"):
        path = regular_file(Path(text[1:]).expanduser(), "--input-json")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--input-json: cannot read {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"--input-json: {path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--input-json is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError(f"--input-json must be a JSON object, got {type(value).__name__}")
    return value


def build_inputs(assignments: Sequence[str], input_json: str | None = None) -> dict[str, Any]:
    """The run's input: ``--input-json`` first, then each ``-i`` (which wins over the JSON for its key)."""
    inputs = parse_input_json(input_json) if input_json is not None else {}
    given: set[str] = set()
    for assignment in assignments:
        key, value = parse_input(assignment)
        if key in given:
            raise UsageError(f"input {key!r} is given twice")
        given.add(key)
        inputs[key] = value
    return inputs


def split_statuses(values: Sequence[str] | None) -> list[str] | None:
    """``--status failed,cancelled --status rejected`` → ``["failed", "cancelled", "rejected"]``."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def exit_code_for_status(status: str) -> ExitCode:
    """The exit code of a finished wait: 0 completed, 1 failed, 3 cancelled, 4 rejected."""
    # A status this client does not know cannot be terminal (the SDK keeps waiting), so this is defensive.
    return _STATUS_EXIT_CODES.get(str(status), ExitCode.FAILED)


# The exit code of each kind of error, most specific first. The SDK raises ValueError/TypeError for a bad
# argument before any request (an unknown status, an unparseable date, a limit out of range, a file input
# that is not a regular file), and FileNotFoundError for a file input that went missing; a file input that
# changed while it was uploaded is the input's problem too (nothing was sent whole).
_ERROR_EXIT_CODES: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], ExitCode], ...] = (
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
    (EigenpalTimeoutError, ExitCode.TIMEOUT),
    (EigenpalConnectionError, ExitCode.CONNECTION_ERROR),
    (EigenpalFileChangedError, ExitCode.USAGE),
    (EigenpalError, ExitCode.API_ERROR),  # EigenpalAPIError and anything the tree grows later
    ((UsageError, ValueError, TypeError, FileNotFoundError, PermissionError), ExitCode.USAGE),
)


def exit_code_for_error(error: BaseException) -> ExitCode:
    """The exit code an error ends the command with (see the table in this module's docstring)."""
    return next((code for kinds, code in _ERROR_EXIT_CODES if isinstance(error, kinds)), ExitCode.FAILED)


# The client's argument names as the command line spells them: an argument error (``ArgumentValueError``,
# ``ArgumentTypeError``) names its argument as data, and the line names the flag the user typed instead.
CLI_NAMES = {
    "workflow_id": "WORKFLOW",
    "execution_id": "EXECUTION_ID",
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
    "base_url": "--base-url",
}


def lookup_command(error: EigenpalError) -> str | None:
    """The command that lists the execution a failed run may have created, from the error's fields (the
    workflow and the window it was created in), or None when there is nothing to look for."""
    if error.execution_id is not None or not error.execution_may_exist or error.workflow_id is None:
        return None
    command = f"eigenpal executions list {shell_word(error.workflow_id)}"
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


# --------------------------------------------------------------------------------------------------------
# The parser


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds above 0, got {text!r}")
    return value


# The date forms a shell can pass (the SDK also takes datetime, date and timedelta objects).
CLI_DATE_FORMS = (
    "ISO-8601 (2026-11-27T10:00:00Z, 2026-11-27) or a relative expression "
    "(now(), now()-7d, now()-1d12h, now()+1h; units s m h d w mo y)"
)


def _date_expression(text: str) -> str:
    """``--from``/``--to``: checked here, so a typo is a usage error in CLI terms; sent as written."""
    try:
        resolve_date(text, argument="date")
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"not a date: {text!r}; use {CLI_DATE_FORMS}") from None
    return text


def _page_size(text: str) -> int:
    return _bounded_int(text, 1, MAX_PAGE_SIZE)


def _offset(text: str) -> int:
    return _bounded_int(text, 0, None)


def _bounded_int(text: str, minimum: int, maximum: int | None) -> int:
    """A whole number in ``minimum..maximum``, checked by the library's own check (argparse names the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    try:
        return check_int(value, "value", minimum=minimum, maximum=maximum)
    except ArgumentValueError as error:
        raise argparse.ArgumentTypeError(error.reason) from None


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The options every (sub)command accepts. On subcommands their defaults are SUPPRESS, so an option
    given before the subcommand is not reset by the subcommand's parser."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--api-key",
        default=default(None),
        metavar="KEY",
        help=f"API key (default: ${_config.API_KEY_ENV}; prefer the variable: arguments show up in `ps`)",
    )
    group.add_argument(
        "--base-url",
        default=default(None),
        metavar="URL",
        help=f"EigenPal instance root (default: ${_config.BASE_URL_ENV}, else {_config.DEFAULT_BASE_URL})",
    )
    group.add_argument("--json", action="store_true", default=default(False), help="print JSON to stdout")
    group.add_argument("--debug", action="store_true", default=default(False), help="print tracebacks on errors")
    group.add_argument(
        "--request-timeout",
        type=_positive_seconds,
        default=default(_config.DEFAULT_TIMEOUT_SECONDS),
        metavar="S",
        help=f"timeout of each HTTP request in seconds (default: {_config.DEFAULT_TIMEOUT_SECONDS:g})",
    )


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=None,
        metavar="S",
        help=f"give up waiting after S seconds, exit 5 (default: {_config.DEFAULT_WAIT_TIMEOUT_SECONDS:g})",
    )
    parser.add_argument(
        "--poll-interval",
        type=_positive_seconds,
        default=None,
        metavar="S",
        help=f"longest delay between polls (default: {_config.DEFAULT_POLL_INTERVAL_SECONDS:g})",
    )
    parser.add_argument("--cancel-on-timeout", action="store_true", help="cancel the execution when the wait times out")
    parser.add_argument(
        "--cancel-on-interrupt",
        action="store_true",
        help="on Ctrl-C cancel the execution without asking (without it: ask when stdin is a terminal)",
    )


def _list_options(parser: argparse.ArgumentParser, noun: str) -> None:
    parser.add_argument(
        "--limit",
        type=_page_size,
        default=50,
        metavar="N",
        help="page size, 1..100 (default: 50): one page without --all, each request with it",
    )
    parser.add_argument("--offset", type=_offset, default=None, metavar="N", help=f"skip the first N {noun}")
    parser.add_argument("--all", action="store_true", help=f"follow the pages to the end: all matching {noun}")


_EPILOG = """\
inputs (-i, repeatable):
  -i language=en            a string (anything that is not valid JSON)
  -i seconds=2              JSON: a number (also true, false, null, "quoted", [arrays], {objects})
  -i 'tags=["a","b"]'       a JSON array
  -i contract_document=@contract.pdf    a file, uploaded (@@text is the literal string @text)

exit codes:
  0 success/completed   1 failed   2 usage error   3 cancelled   4 rejected
  5 timeout   6 API error   7 connection error   130 interrupted
"""


class _ProgramVersionOnly(argparse.Action):
    """``run --version``: the program's version, as ``eigenpal --version``. Given a value (the old spelling of
    ``--workflow-version``), it is a usage error naming the new flag, so an old script fails loudly."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if values is not None:
            parser.error(
                f"--version is the program's version and takes no value; "
                f"pin the workflow version with --workflow-version {values}"
            )
        sys.stdout.write(f"{_program_version()}\n")
        parser.exit()


def _program_version() -> str:
    return f"{PROG} (eigenpal-ext) {__version__}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run EigenPal workflows and inspect their executions.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_program_version(), help="print the program's version")
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(group: Any, name: str, handler: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
        _global_options(sub, suppress=True)
        sub.set_defaults(handler=handler)
        return sub

    workflows = commands.add_parser("workflows", help="list and inspect workflows")
    _global_options(workflows, suppress=True)
    workflow_commands = workflows.add_subparsers(dest="workflows_command", required=True, metavar="COMMAND")
    listing = add(workflow_commands, "list", _workflows_list, "list the workflows this API key can access")
    listing.add_argument("--search", help="substring of the name")
    listing.add_argument("--name", help="exact slug")
    listing.add_argument("--kind", choices=("workflow", "block"))
    _list_options(listing, "workflows")
    get = add(workflow_commands, "get", _workflows_get, "show one workflow")
    get.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug")
    versions = add(workflow_commands, "versions", _workflows_versions, "list a workflow's released versions")
    versions.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug")
    versions.add_argument("--limit", type=_page_size, default=50, metavar="N", help="versions per request, 1..100")
    versions.add_argument("--offset", type=_offset, default=None, metavar="N", help="skip the first N versions")

    run = add(commands, "run", _run, "start a workflow (and with --wait, wait for its result)")
    run.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug, e.g. extract-invoice")
    run.add_argument(
        "-i",
        "--input",
        dest="inputs",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an input: KEY=JSON-or-text, or KEY=@FILE to upload a file (repeatable)",
    )
    run.add_argument("--input-json", metavar="JSON", help="inputs as a JSON object (or @file.json); -i wins per key")
    run.add_argument(
        "--workflow-version", dest="workflow_version", metavar="V", help="version tag, version id (wfh_...) or latest"
    )
    run.add_argument("--version", nargs="?", action=_ProgramVersionOnly, help=argparse.SUPPRESS)
    run.add_argument("--wait", action="store_true", help="wait for the execution to end and print its result")
    _wait_options(run)

    executions = commands.add_parser("executions", help="get, list, cancel and wait for executions")
    _global_options(executions, suppress=True)
    execution_commands = executions.add_subparsers(dest="executions_command", required=True, metavar="COMMAND")
    get = add(execution_commands, "get", _executions_get, "show one execution")
    get.add_argument("execution_id", metavar="EXECUTION_ID")
    get.add_argument("--steps", action="store_true", help="include each step's status and output")
    listing = add(execution_commands, "list", _executions_list, "list a workflow's executions, newest first")
    listing.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug")
    listing.add_argument(
        "--status", action="append", metavar="S[,S...]", help="only these statuses (e.g. failed,cancelled)"
    )
    listing.add_argument(
        "--from",
        dest="from_date",
        type=_date_expression,
        metavar="EXPR",
        help="created at or after: ISO-8601 or now()-7d",
    )
    listing.add_argument(
        "--to", dest="to_date", type=_date_expression, metavar="EXPR", help="created at or before: ISO-8601 or now()"
    )
    listing.add_argument("--example-id", metavar="ID", help="only executions of this example")
    _list_options(listing, "executions")
    cancel = add(execution_commands, "cancel", _executions_cancel, "cancel an execution (idempotent)")
    cancel.add_argument("execution_id", metavar="EXECUTION_ID")
    wait = add(execution_commands, "wait", _executions_wait, "wait for an execution to end and print its result")
    wait.add_argument("execution_id", metavar="EXECUTION_ID")
    _wait_options(wait)
    return parser


# --------------------------------------------------------------------------------------------------------
# Running a command


@attrs.define
class Console:
    """Where the command reads and writes; ``main`` uses the process's streams, tests may pass their own."""

    stdout: TextIO
    stderr: TextIO
    stdin: TextIO
    json: bool = False
    debug: bool = False

    def out(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def err(self, text: str) -> None:
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def fail(self, error: BaseException, *, hint: str | None = None) -> ExitCode:
        """Report ``error`` on one stderr line (plus the traceback with --debug); return its exit code."""
        if self.debug:
            traceback.print_exception(error, file=self.stderr)
        self.err(error_line(error, hint=hint))
        return exit_code_for_error(error)

    def progress(self, subject: str) -> Progress:
        return Progress(self.stderr, live=_is_terminal(self.stderr), subject=subject)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Watch:
    """The SDK's ``on_status`` callback: feeds the progress line and remembers what Ctrl-C must report."""

    def __init__(self, progress: Progress, execution_id: str | None = None) -> None:
        self.progress = progress
        self.execution_id = execution_id
        self.status: str | None = None

    def __call__(self, execution: Execution) -> None:
        self.execution_id, self.status = execution.execution_id, str(execution.status)
        self.progress.status(execution.execution_id, self.status)


def main(argv: Sequence[str] | None = None, *, console: Console | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    console = console or Console(sys.stdout, sys.stderr, sys.stdin)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: --help/--version exit 0, usage errors exit 2
        code = exit_.code
        return code if isinstance(code, int) else ExitCode.OK if code is None else ExitCode.USAGE
    console.json, console.debug = bool(args.json), bool(args.debug)
    try:
        return _dispatch(args, console)
    except KeyboardInterrupt:
        console.err("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`eigenpal ... | head`). Point stdout at /dev/null so the interpreter's own
        # flush at exit does not raise a second time and print a traceback.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, console.stdout.fileno())
        return ExitCode.BROKEN_PIPE
    except Exception as error:
        return console.fail(error)


def _dispatch(args: argparse.Namespace, console: Console) -> int:
    api_key = given_api_key(args.api_key or None)  # an empty --api-key "" falls back to the variable too
    if not api_key or not api_key.strip():
        console.err(f"error: no API key: pass --api-key KEY or set the {_config.API_KEY_ENV} environment variable")
        return ExitCode.USAGE
    handler: Callable[[argparse.Namespace, EigenpalClient, Console], int] = args.handler
    # The SDK adds its own defaults (EIGENPAL_BASE_URL, then the hosted instance) when base_url is None.
    with EigenpalClient(
        api_key=api_key, base_url=args.base_url, request_timeout_seconds=args.request_timeout
    ) as client:
        return handler(args, client, console)


def _print_list(console: Console, items: Sequence[Any], table: Callable[[Sequence[Any]], str], noun: str) -> None:
    if console.json:
        console.out(to_json(models_to_list(items)))
        return
    console.out(table(items))
    if not items:
        console.err(f"no {noun} found")


def _check_all(args: argparse.Namespace) -> None:
    if args.all and args.offset is not None:
        raise UsageError("--all and --offset cannot be combined: --all starts at the first item")


# --- workflows -----------------------------------------------------------------------------------------


def _workflows_list(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    _check_all(args)
    filters: dict[str, Any] = {"search": args.search, "name": args.name, "kind": args.kind}
    if args.all:
        _print_list(console, list(client.workflows.iter(**filters, page_size=args.limit)), workflows_table,
                    "workflows")  # fmt: skip
        return ExitCode.OK
    page = client.workflows.list(**filters, limit=args.limit, offset=args.offset)
    _print_list(console, page.data, workflows_table, "workflows")
    _hint_more(console, len(page.data), page.offset, page.total, "workflows")
    return ExitCode.OK


def _workflows_get(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    workflow = client.workflows.get(args.workflow)
    console.out(to_json(workflow) if console.json else workflow_block(workflow))
    return ExitCode.OK


def _workflows_versions(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    page = client.workflows.versions(args.workflow, limit=args.limit, offset=args.offset)
    _print_list(console, page.data, versions_table, "versions")
    _hint_more(console, len(page.data), page.offset, page.total, "versions", all_flag=False)
    return ExitCode.OK


def _hint_more(console: Console, shown: int, offset: int, total: int, noun: str, *, all_flag: bool = True) -> None:
    hint = more_hint(shown, offset, total, noun) if not console.json else None
    if hint is not None:
        console.err(hint if all_flag else hint.replace("--all lists them all", "use --offset for more"))


# --- run -----------------------------------------------------------------------------------------------


def _run(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    inputs = build_inputs(args.inputs, args.input_json)
    if not args.wait:
        wait_only = [flag for flag, value in _wait_flags(args) if value]
        if wait_only:
            verb = "applies" if len(wait_only) == 1 else "apply"
            raise UsageError(f"{', '.join(wait_only)} only {verb} with --wait")
        try:
            triggered = client.workflows.run(args.workflow, inputs, version=args.workflow_version, trigger="cli")
        except KeyboardInterrupt:
            return _interrupted(client, console, None, None, workflow=args.workflow, cancel=False)
        # printable(): the id comes from the server, and a newline in it must not print a forged second line.
        console.out(
            to_json({"executionId": triggered.execution_id}) if console.json else printable(triggered.execution_id)
        )
        return ExitCode.OK

    progress = console.progress(subject=f"{args.workflow}: starting")
    watch = _Watch(progress)
    try:
        with progress:
            # Trigger, then wait on the handle (rather than run_and_wait): the execution id is known the moment
            # the run is accepted, so a Ctrl-C at any later point can name (and cancel) the execution.
            handle = client.workflows.run(args.workflow, inputs, version=args.workflow_version, trigger="cli")
            watch.execution_id = handle.execution_id
            result = handle.wait(on_status=watch, **_wait_arguments(args))
    except KeyboardInterrupt:
        return _interrupted(
            client, console, watch.execution_id, watch.status, workflow=args.workflow, cancel=args.cancel_on_interrupt
        )
    except EigenpalTimeoutError as error:
        return _timed_out(console, error, args.cancel_on_timeout)
    return _print_result(console, result)


def _wait_flags(args: argparse.Namespace) -> list[tuple[str, object]]:
    return [
        ("--timeout", args.timeout),
        ("--poll-interval", args.poll_interval),
        ("--cancel-on-timeout", args.cancel_on_timeout),
        ("--cancel-on-interrupt", args.cancel_on_interrupt),
    ]


def _wait_arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "timeout_seconds": args.timeout if args.timeout is not None else _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        "poll_interval_seconds": (
            args.poll_interval if args.poll_interval is not None else _config.DEFAULT_POLL_INTERVAL_SECONDS
        ),
        "cancel_on_timeout": bool(args.cancel_on_timeout),
    }


def _timed_out(console: Console, error: EigenpalTimeoutError, cancelled: bool) -> int:
    """A wait (or its trigger) timed out: the error line on stderr, and with --json one object on stdout."""
    last_status = error.last_status if isinstance(error, EigenpalWaitTimeoutError) else None
    _print_stopped(console, "timeout", error.execution_id, last_status, error.message)
    return console.fail(error, hint=_timeout_hint(error, cancelled))


def _timeout_hint(error: EigenpalTimeoutError, cancelled: bool) -> str | None:
    if cancelled or not error.execution_id:
        return None
    return f"it may still finish: eigenpal executions wait {shell_word(error.execution_id)}"


def _print_result(console: Console, result: ExecutionResult) -> int:
    console.out(to_json(result_to_dict(result)) if console.json else result_block(result))
    return exit_code_for_status(str(result.status))


def _interrupted(
    client: EigenpalClient,
    console: Console,
    execution_id: str | None,
    last_status: str | None,
    *,
    workflow: str | None,
    cancel: bool,
) -> int:
    """Ctrl-C while waiting: always say which execution is left behind; cancel it if asked to (or if the
    user says so at the prompt, when stdin is a terminal). A second Ctrl-C skips the rest. With --json, one
    object on stdout says the same (execution id, last status, the cancel's answer)."""
    if execution_id is None:
        message = (
            f"interrupted before the execution id arrived; an execution of {workflow} may have started: "
            f"eigenpal executions list {shell_word(workflow)} --from 'now()-10m'"
        )
        console.err(message)
        _print_stopped(console, "interrupted", None, last_status, message)
        return ExitCode.INTERRUPTED
    # printable(): the id and status come from the server; a newline in one must not forge a second line.
    message = (
        f"interrupted: execution {printable(execution_id)} is still running "
        f"(last status: {printable(last_status) or 'unknown'})"
    )
    console.err(message)
    outcome: ExecutionCancellation | None = None
    try:
        outcome = _cancel_if_wanted(client, console, execution_id, cancel=cancel)
    finally:
        # Also when a second Ctrl-C cuts the cancel short: the one JSON object still goes out.
        _print_stopped(console, "interrupted", execution_id, last_status, message, cancel=outcome)
    return ExitCode.INTERRUPTED


def _cancel_if_wanted(
    client: EigenpalClient, console: Console, execution_id: str, *, cancel: bool
) -> ExecutionCancellation | None:
    """Cancel the interrupted execution if asked to (or if the user says so); the cancel's answer, if sent."""
    shown = printable(execution_id)
    if not cancel and _is_terminal(console.stdin):
        cancel = _confirm(console, f"Cancel execution {shown}? [y/N] ")
    if not cancel:
        console.err(f"it keeps running; cancel it with: eigenpal executions cancel {shell_word(execution_id)}")
        return None
    try:
        outcome = client.workflows.executions.cancel(execution_id)
    except EigenpalError as error:
        console.fail(error)
        return None
    console.err(f"cancel requested: {cancel_line(outcome)}")
    return outcome


def _print_stopped(
    console: Console,
    outcome: str,
    execution_id: str | None,
    last_status: object,
    message: str,
    *,
    cancel: ExecutionCancellation | None = None,
) -> None:
    """With --json: the one object that says where a wait stopped early (timeout or interrupted)."""
    if console.json:
        console.out(to_json(stopped_to_dict(outcome, execution_id, last_status, message=message, cancel=cancel)))


def _confirm(console: Console, question: str) -> bool:
    console.stderr.write(question)
    console.stderr.flush()
    try:
        answer = console.stdin.readline()
    except (KeyboardInterrupt, OSError, ValueError):
        console.stderr.write("\n")
        return False
    return answer.strip().lower() in {"y", "yes"}


# --- executions ----------------------------------------------------------------------------------------


def _executions_get(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    execution = client.workflows.executions.get(args.execution_id, include_steps=args.steps)
    console.out(to_json(execution) if console.json else execution_block(execution))
    return ExitCode.OK


def _executions_list(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    _check_all(args)
    filters: dict[str, Any] = {
        "status": split_statuses(args.status),
        "from_date": args.from_date,
        "to_date": args.to_date,
        "example_id": args.example_id,
    }
    if args.all:
        items = list(client.workflows.executions.iter(args.workflow, **filters, page_size=args.limit))
        _print_list(console, items, executions_table, "executions")
        return ExitCode.OK
    page = client.workflows.executions.list(args.workflow, **filters, limit=args.limit, offset=args.offset)
    _print_list(console, page.data, executions_table, "executions")
    _hint_more(console, len(page.data), page.offset, page.total, "executions")
    return ExitCode.OK


def _executions_cancel(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    outcome = client.workflows.executions.cancel(args.execution_id)
    console.out(to_json(outcome) if console.json else cancel_line(outcome))
    return ExitCode.OK


def _executions_wait(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    progress = console.progress(subject=args.execution_id)
    watch = _Watch(progress, args.execution_id)
    try:
        with progress:
            result = client.workflows.executions.wait(args.execution_id, on_status=watch, **_wait_arguments(args))
    except KeyboardInterrupt:
        return _interrupted(
            client, console, watch.execution_id, watch.status, workflow=None, cancel=args.cancel_on_interrupt
        )
    except EigenpalTimeoutError as error:
        return _timed_out(console, error, args.cancel_on_timeout)
    return _print_result(console, result)


__all__ = [
    "Console",
    "ExitCode",
    "UsageError",
    "build_inputs",
    "build_parser",
    "error_line",
    "exit_code_for_error",
    "exit_code_for_status",
    "lookup_command",
    "main",
    "parse_input",
    "parse_input_value",
    "split_statuses",
]

if __name__ == "__main__":
    sys.exit(main())
