"""The ``eigenpal`` command's argument parser (standard library argparse): subcommands, flags, their checks.

Each subcommand's parser sets ``handler`` to its function in ``_commands``; the checks that argparse runs on a
flag's text (a date, a page size) are here, so a typo is a usage error naming the flag.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eigenpal_ext import __version__, _config
from eigenpal_ext._batch_inputs import parse_shard
from eigenpal_ext._checks import check_int
from eigenpal_ext._config import MAX_PAGE_SIZE
from eigenpal_ext._errors import ArgumentValueError
from eigenpal_ext.cli._batch import batch
from eigenpal_ext.cli._commands import (
    executions_cancel,
    executions_get,
    executions_list,
    executions_wait,
    run_workflow,
    workflows_get,
    workflows_list,
    workflows_versions,
)
from eigenpal_ext.cli._inputs import INPUT_FORMS
from eigenpal_ext.cli._runs import runs_cancel, runs_events, runs_get, runs_list, runs_start, runs_steps, runs_wait
from eigenpal_ext.dates import resolve_date

PROG = "eigenpal"
# The most inputs ``eigenpal batch --concurrency`` keeps in flight: far above what one API key is allowed to run
# at once, low enough that a typo (--concurrency 8000) is caught instead of opening thousands of threads.
MAX_BATCH_CONCURRENCY = 256


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


def _concurrency(text: str) -> int:
    return _bounded_int(text, 1, MAX_BATCH_CONCURRENCY)


def _shard(text: str) -> tuple[int, int]:
    """``--shard I/N``, 0-based."""
    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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
    group.add_argument(
        "--proxy",
        default=default(None),
        metavar="URL",
        help="send through this proxy, e.g. http://proxy.example:3128 (default: $HTTPS_PROXY/$HTTP_PROXY/$ALL_PROXY, "
        "except hosts in $NO_PROXY)",
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


def _wait_options(parser: argparse.ArgumentParser, noun: str = "execution") -> None:
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
    parser.add_argument("--cancel-on-timeout", action="store_true", help=f"cancel the {noun} when the wait times out")
    parser.add_argument(
        "--cancel-on-interrupt",
        action="store_true",
        help=f"on Ctrl-C cancel the {noun} without asking (without it: ask when stdin is a terminal)",
    )


def _status_and_dates(parser: argparse.ArgumentParser) -> None:
    """``--status``, ``--from`` and ``--to`` of ``executions list`` and ``runs list``."""
    parser.add_argument(
        "--status", action="append", metavar="S[,S...]", help="only these statuses (e.g. failed,cancelled)"
    )
    parser.add_argument(
        "--from",
        dest="from_date",
        type=_date_expression,
        metavar="EXPR",
        help="created at or after: ISO-8601 or now()-7d",
    )
    parser.add_argument(
        "--to", dest="to_date", type=_date_expression, metavar="EXPR", help="created at or before: ISO-8601 or now()"
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


_INPUTS_HELP = """\
inputs (-i, repeatable; as in httpie):
  -i version=1.10           always a string: "1.10" (=@@text is the literal string "@text")
  -i seconds:=2             JSON: the number 2 (also true, false, null, "quoted", [arrays], {objects})
  -i 'tags:=["a","b"]'      a JSON array
  -i options:=@opts.json    JSON read from a file
  -i contract_document=@contract.pdf    a file, uploaded
"""

_EPILOG = f"""\
{_INPUTS_HELP}
exit codes:
  0 success/completed   1 failed   2 usage error   3 cancelled   4 rejected
  5 timeout   6 API error   7 connection error   130 interrupted
"""


class _ProgramVersionOnly(argparse.Action):
    """``run --version``: the program's version, as ``eigenpal --version``. Given a value (a workflow version: the
    Python argument is ``version=``, an easy slip), it is a usage error naming ``--workflow-version``."""

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
    listing = add(workflow_commands, "list", workflows_list, "list the workflows this API key can access")
    listing.add_argument("--search", help="substring of the name")
    listing.add_argument("--name", help="exact slug")
    listing.add_argument("--kind", choices=("workflow", "block"))
    _list_options(listing, "workflows")
    get = add(workflow_commands, "get", workflows_get, "show one workflow")
    get.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug")
    versions = add(workflow_commands, "versions", workflows_versions, "list a workflow's released versions")
    versions.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug")
    versions.add_argument("--limit", type=_page_size, default=50, metavar="N", help="versions per request, 1..100")
    versions.add_argument("--offset", type=_offset, default=None, metavar="N", help="skip the first N versions")

    run = add(commands, "run", run_workflow, "start a workflow (and with --wait, wait for its result)")
    run.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug, e.g. extract-invoice")
    _start_options(run, "execution")

    _batch_options(add(commands, "batch", batch, "run a workflow over many files (or a JSON Lines file of inputs), "
                       "resumable from a journal"))  # fmt: skip

    executions = commands.add_parser("executions", help="get, list, cancel and wait for executions")
    _global_options(executions, suppress=True)
    execution_commands = executions.add_subparsers(dest="executions_command", required=True, metavar="COMMAND")
    get = add(execution_commands, "get", executions_get, "show one execution")
    get.add_argument("execution_id", metavar="EXECUTION_ID")
    get.add_argument("--steps", action="store_true", help="include each step's status and output")
    listing = add(execution_commands, "list", executions_list, "list a workflow's executions, newest first")
    listing.add_argument("workflow", metavar="WORKFLOW", help="workflow id or slug")
    _status_and_dates(listing)
    listing.add_argument("--example-id", metavar="ID", help="only executions of this example")
    _list_options(listing, "executions")
    cancel = add(execution_commands, "cancel", executions_cancel, "cancel an execution (idempotent)")
    cancel.add_argument("execution_id", metavar="EXECUTION_ID")
    wait = add(execution_commands, "wait", executions_wait, "wait for an execution to end and print its result")
    wait.add_argument("execution_id", metavar="EXECUTION_ID")
    _wait_options(wait)
    _runs_commands(commands, add)
    return parser


def _start_options(parser: argparse.ArgumentParser, noun: str) -> None:
    """The inputs (their forms in the epilog), version and --wait of ``run`` and ``runs start``."""
    parser.epilog, parser.formatter_class = _INPUTS_HELP, argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "-i",
        "--input",
        dest="inputs",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an input: KEY=TEXT (always a string), KEY:=JSON, or KEY=@FILE to upload a file (repeatable)",
    )
    parser.add_argument("--input-json", metavar="JSON", help="inputs as a JSON object (or @file.json); -i wins per key")
    parser.add_argument(
        "--workflow-version", dest="workflow_version", metavar="V", help="version tag, version id (wfh_...) or latest"
    )
    parser.add_argument("--version", nargs="?", action=_ProgramVersionOnly, help=argparse.SUPPRESS)
    parser.add_argument("--wait", action="store_true", help=f"wait for the {noun} to end and print its result")
    _wait_options(parser, noun)


def _runs_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """``eigenpal runs ...``: today's runs API (``client.runs``)."""
    runs = commands.add_parser("runs", help="start, get, list, cancel and wait for runs (the runs API)")
    _global_options(runs, suppress=True)
    run_commands = runs.add_subparsers(dest="runs_command", required=True, metavar="COMMAND")
    start = add(run_commands, "start", runs_start, "start a run of a target (and with --wait, wait for its result)")
    start.add_argument(
        "target", metavar="TARGET", help="workflows.<slug> or agents.<slug>, optionally @<version>, e.g. workflows.echo"
    )
    _start_options(start, "run")
    start.add_argument("--metadata", metavar="JSON", help="your own data stored with the run: a JSON object (or @file)")
    get = add(run_commands, "get", runs_get, "show one run")
    get.add_argument("run_id", metavar="RUN_ID")
    get.add_argument(
        "--expand",
        action="append",
        metavar="SECTION[,SECTION...]",
        help="add sections: input, usage, execution, debug",
    )
    listing = add(run_commands, "list", runs_list, "list runs, newest first")
    _status_and_dates(listing)
    listing.add_argument("--source", metavar="ID", help="only runs of this automation (its id)")
    listing.add_argument("--trigger", metavar="T", help="only runs started this way (api, cli, ...)")
    listing.add_argument("--limit", type=_page_size, default=50, metavar="N", help="page size, 1..100 (default: 50)")
    listing.add_argument("--cursor", metavar="C", help="the page after the one that printed this cursor")
    listing.add_argument("--all", action="store_true", help="follow the cursors to the end: all matching runs")
    cancel = add(run_commands, "cancel", runs_cancel, "cancel a run (idempotent)")
    cancel.add_argument("run_id", metavar="RUN_ID")
    wait = add(run_commands, "wait", runs_wait, "wait for a run to end and print its result")
    wait.add_argument("run_id", metavar="RUN_ID")
    _wait_options(wait, "run")
    steps = add(run_commands, "steps", runs_steps, "list a run's steps")
    steps.add_argument("run_id", metavar="RUN_ID")
    events = add(run_commands, "events", runs_events, "show a run's lifecycle events, oldest first")
    events.add_argument("run_id", metavar="RUN_ID")


def _batch_options(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``eigenpal batch`` (usage and behaviour: ``_batch``)."""
    parser.add_argument(
        "workflow", metavar="WORKFLOW",
        help="workflow id or slug, e.g. extract-invoice (with --runs: a target, e.g. workflows.extract-invoice)",
    )  # fmt: skip
    parser.add_argument("files", nargs="*", metavar="FILE", help="a file, or a folder of files (one input each)")
    parser.add_argument(
        "--runs", action="store_true",
        help="run on the runs API: WORKFLOW is a target (workflows.<slug>); each run is tagged in its metadata, and "
        "a run whose id never arrived is found again by listing instead of being sent again",
    )  # fmt: skip
    parser.add_argument("--field", metavar="NAME", help="the input each FILE is uploaded as (e.g. contract_document)")
    parser.add_argument("--inputs", metavar="FILE.jsonl", type=Path, help="one JSON input object per line")
    parser.add_argument(
        "-i", "--input", dest="inputs_shared", action="append", default=[], metavar="KEY=VALUE",
        help=f"an input given to every run: {INPUT_FORMS} (repeatable)",
    )  # fmt: skip
    parser.add_argument("--journal", required=True, type=Path, metavar="PATH", help="the journal (on a local disk)")
    parser.add_argument("--output", required=True, type=Path, metavar="PATH", help="results, one JSON line per input")
    parser.add_argument(
        "--concurrency", type=_concurrency, default=8, metavar="N",
        help=f"inputs in flight, 1..{MAX_BATCH_CONCURRENCY} (default: 8)",
    )  # fmt: skip
    parser.add_argument(
        "--resend-unknown", action="store_true",
        help="send again inputs whose run was sent but whose execution id never arrived (may duplicate them)",
    )  # fmt: skip
    parser.add_argument("--shard", type=_shard, metavar="I/N", help="run only shard I of N (0-based), by input key")
    parser.add_argument(
        "--timeout", type=_positive_seconds, default=None, metavar="S",
        help=f"give up on an input after S seconds (default: {_config.DEFAULT_WAIT_TIMEOUT_SECONDS:g})",
    )  # fmt: skip
    parser.add_argument(
        "--poll-interval", type=_positive_seconds, default=None, metavar="S",
        help=f"longest delay between polls (default: {_config.DEFAULT_POLL_INTERVAL_SECONDS:g})",
    )  # fmt: skip
    parser.add_argument("--workflow-version", metavar="V", help="version tag, version id (wfh_...) or latest")
    parser.add_argument("--cancel-on-interrupt", action="store_true", help="on Ctrl-C cancel the running executions")
