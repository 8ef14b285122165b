"""Each subcommand of ``eigenpal``, run on a client: what it calls, what it prints, the exit code it returns.

A handler takes the parsed arguments, an ``EigenpalClient`` (made by ``main``, or given by a test) and the
``Console``; what it prints is made by ``_render`` and ``_progress``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from eigenpal_ext import _config
from eigenpal_ext._client import EigenpalClient
from eigenpal_ext._errors import EigenpalError, EigenpalTimeoutError, EigenpalWaitTimeoutError
from eigenpal_ext.cli._console import Console, is_terminal
from eigenpal_ext.cli._exits import ExitCode, UsageError, exit_code_for_status
from eigenpal_ext.cli._inputs import build_inputs, split_statuses
from eigenpal_ext.cli._progress import Progress
from eigenpal_ext.cli._render import (
    cancel_line,
    execution_block,
    executions_table,
    models_to_list,
    more_hint,
    printable,
    result_block,
    result_to_dict,
    shell_word,
    stopped_to_dict,
    to_json,
    versions_table,
    workflow_block,
    workflows_table,
)


class Surface(NamedTuple):
    """What a waiting command says and calls on one of the two surfaces: the v1 executions (``eigenpal run``,
    ``eigenpal executions wait``) or the runs API (``eigenpal runs start --wait``, ``eigenpal runs wait``).
    The waiting, Ctrl-C and timeout handling is one piece of code for both."""

    noun: str  # "execution" or "run"
    command: str  # the subcommand group that waits on or cancels one: "executions" or "runs"
    id_key: str  # the id's key in the JSON object of a wait that stopped early
    read: Callable[[Any], tuple[str, str]]  # an on_status answer -> (id, status)
    cancel: Callable[[EigenpalClient, str], Any]
    cancel_line: Callable[[Any], str]
    result_to_dict: Callable[[Any], dict[str, Any]]
    result_block: Callable[[Any], str]


EXECUTIONS = Surface(
    noun="execution",
    command="executions",
    id_key="executionId",
    read=lambda execution: (execution.execution_id, str(execution.status)),
    cancel=lambda client, execution_id: client.workflows.executions.cancel(execution_id),
    cancel_line=cancel_line,
    result_to_dict=result_to_dict,
    result_block=result_block,
)


class Watch:
    """The SDK's ``on_status`` callback: feeds the progress line and remembers what Ctrl-C must report."""

    def __init__(self, progress: Progress, execution_id: str | None = None, surface: Surface = EXECUTIONS) -> None:
        self.progress = progress
        self.execution_id = execution_id
        self.status: str | None = None
        self._read = surface.read

    def __call__(self, answer: Any) -> None:
        self.execution_id, self.status = self._read(answer)
        self.progress.status(self.execution_id, self.status)


def print_list(console: Console, items: Sequence[Any], table: Callable[[Sequence[Any]], str], noun: str) -> None:
    """A list command's items: a table (or with --json a JSON list) on stdout; on stderr, when there are none, so."""
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


def workflows_list(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    _check_all(args)
    filters: dict[str, Any] = {"search": args.search, "name": args.name, "kind": args.kind}
    if args.all:
        print_list(console, list(client.workflows.iter(**filters, page_size=args.limit)), workflows_table,
                    "workflows")  # fmt: skip
        return ExitCode.OK
    page = client.workflows.list(**filters, limit=args.limit, offset=args.offset)
    print_list(console, page.data, workflows_table, "workflows")
    _hint_more(console, len(page.data), page.offset, page.total, "workflows")
    return ExitCode.OK


def workflows_get(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    workflow = client.workflows.get(args.workflow)
    console.out(to_json(workflow) if console.json else workflow_block(workflow))
    return ExitCode.OK


def workflows_versions(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    page = client.workflows.versions(args.workflow, limit=args.limit, offset=args.offset)
    print_list(console, page.data, versions_table, "versions")
    _hint_more(console, len(page.data), page.offset, page.total, "versions", all_flag=False)
    return ExitCode.OK


def _hint_more(console: Console, shown: int, offset: int, total: int, noun: str, *, all_flag: bool = True) -> None:
    hint = more_hint(shown, offset, total, noun) if not console.json else None
    if hint is not None:
        console.err(hint if all_flag else hint.replace("--all lists them all", "use --offset for more"))


# --- run -----------------------------------------------------------------------------------------------


def run_workflow(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    inputs = build_inputs(args.inputs, args.input_json)
    if not args.wait:
        wait_only = [flag for flag, value in wait_flags(args) if value]
        if wait_only:
            verb = "applies" if len(wait_only) == 1 else "apply"
            raise UsageError(f"{', '.join(wait_only)} only {verb} with --wait")
        try:
            triggered = client.workflows.run(args.workflow, inputs, version=args.workflow_version, trigger="cli")
        except KeyboardInterrupt:
            return interrupted(client, console, None, None, lookup=_lookup(args.workflow), cancel=False)
        # printable(): the id comes from the server, and a newline in it must not print a forged second line.
        console.out(
            to_json({"executionId": triggered.execution_id}) if console.json else printable(triggered.execution_id)
        )
        return ExitCode.OK

    progress = console.progress(subject=f"{args.workflow}: starting")
    watch = Watch(progress)
    try:
        with progress:
            # Trigger, then wait on the handle (rather than run_and_wait): the execution id is known the moment
            # the run is accepted, so a Ctrl-C at any later point can name (and cancel) the execution.
            handle = client.workflows.run(args.workflow, inputs, version=args.workflow_version, trigger="cli")
            watch.execution_id = handle.execution_id
            result = handle.wait(on_status=watch, **wait_arguments(args))
    except KeyboardInterrupt:
        return interrupted(
            client, console, watch.execution_id, watch.status, lookup=_lookup(args.workflow),
            cancel=args.cancel_on_interrupt,
        )  # fmt: skip
    except EigenpalTimeoutError as error:
        return timed_out(console, error, args.cancel_on_timeout)
    return print_result(console, result)


def _lookup(workflow: str) -> str:
    return (
        f"an execution of {workflow} may have started: "
        f"eigenpal executions list {shell_word(workflow)} --from 'now()-10m'"
    )


def wait_flags(args: argparse.Namespace) -> list[tuple[str, object]]:
    return [
        ("--timeout", args.timeout),
        ("--poll-interval", args.poll_interval),
        ("--cancel-on-timeout", args.cancel_on_timeout),
        ("--cancel-on-interrupt", args.cancel_on_interrupt),
    ]


def wait_arguments(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "timeout_seconds": args.timeout if args.timeout is not None else _config.DEFAULT_WAIT_TIMEOUT_SECONDS,
        "poll_interval_seconds": (
            args.poll_interval if args.poll_interval is not None else _config.DEFAULT_POLL_INTERVAL_SECONDS
        ),
        "cancel_on_timeout": bool(args.cancel_on_timeout),
    }


def timed_out(console: Console, error: EigenpalTimeoutError, cancelled: bool, surface: Surface = EXECUTIONS) -> int:
    """A wait (or its trigger) timed out: the error line on stderr, and with --json one object on stdout."""
    last_status = error.last_status if isinstance(error, EigenpalWaitTimeoutError) else None
    _print_stopped(console, "timeout", error.execution_id, last_status, error.message, surface=surface)
    return console.fail(error, hint=_timeout_hint(error, cancelled, surface))


def _timeout_hint(error: EigenpalTimeoutError, cancelled: bool, surface: Surface) -> str | None:
    if cancelled or not error.execution_id:
        return None
    return f"it may still finish: eigenpal {surface.command} wait {shell_word(error.execution_id)}"


def print_result(console: Console, result: Any, surface: Surface = EXECUTIONS) -> int:
    """A finished wait: its block (or JSON) on stdout; the exit code of its status."""
    console.out(to_json(surface.result_to_dict(result)) if console.json else surface.result_block(result))
    return exit_code_for_status(str(result.status))


def interrupted(
    client: EigenpalClient,
    console: Console,
    execution_id: str | None,
    last_status: str | None,
    *,
    lookup: str | None,
    cancel: bool,
    surface: Surface = EXECUTIONS,
) -> int:
    """Ctrl-C while waiting: always say which execution (or run) is left behind; cancel it if asked to (or if the
    user says so at the prompt, when stdin is a terminal). A second Ctrl-C skips the rest. With --json, one
    object on stdout says the same (its id, last status, the cancel's answer). ``lookup`` is what to say when the
    id never arrived: what may have started, and the command that finds it."""
    noun = surface.noun
    if execution_id is None:
        message = f"interrupted before the {noun} id arrived; {lookup}"
        console.err(message)
        _print_stopped(console, "interrupted", None, last_status, message, surface=surface)
        return ExitCode.INTERRUPTED
    # printable(): the id and status come from the server; a newline in one must not forge a second line.
    message = (
        f"interrupted: {noun} {printable(execution_id)} is still running "
        f"(last status: {printable(last_status) or 'unknown'})"
    )
    console.err(message)
    outcome: Any = None
    try:
        outcome = _cancel_if_wanted(client, console, execution_id, cancel=cancel, surface=surface)
    finally:
        # Also when a second Ctrl-C cuts the cancel short: the one JSON object still goes out.
        _print_stopped(console, "interrupted", execution_id, last_status, message, cancel=outcome, surface=surface)
    return ExitCode.INTERRUPTED


def _cancel_if_wanted(
    client: EigenpalClient, console: Console, execution_id: str, *, cancel: bool, surface: Surface
) -> Any:
    """Cancel the interrupted execution (or run) if asked to (or if the user says so); the cancel's answer, if
    sent."""
    shown = printable(execution_id)
    if not cancel and is_terminal(console.stdin):
        cancel = _confirm(console, f"Cancel {surface.noun} {shown}? [y/N] ")
    if not cancel:
        console.err(f"it keeps running; cancel it with: eigenpal {surface.command} cancel {shell_word(execution_id)}")
        return None
    try:
        outcome = surface.cancel(client, execution_id)
    except EigenpalError as error:
        console.fail(error)
        return None
    console.err(f"cancel requested: {surface.cancel_line(outcome)}")
    return outcome


def _print_stopped(
    console: Console,
    outcome: str,
    execution_id: str | None,
    last_status: object,
    message: str,
    *,
    cancel: object = None,
    surface: Surface,
) -> None:
    """With --json: the one object that says where a wait stopped early (timeout or interrupted)."""
    if console.json:
        stopped = stopped_to_dict(outcome, execution_id, last_status, message=message, cancel=cancel)
        if surface.id_key != "executionId":
            stopped = {surface.id_key if key == "executionId" else key: value for key, value in stopped.items()}
        console.out(to_json(stopped))


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


def executions_get(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    execution = client.workflows.executions.get(args.execution_id, include_steps=args.steps)
    console.out(to_json(execution) if console.json else execution_block(execution))
    return ExitCode.OK


def executions_list(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    _check_all(args)
    filters: dict[str, Any] = {
        "status": split_statuses(args.status),
        "from_date": args.from_date,
        "to_date": args.to_date,
        "example_id": args.example_id,
    }
    if args.all:
        items = list(client.workflows.executions.iter(args.workflow, **filters, page_size=args.limit))
        print_list(console, items, executions_table, "executions")
        return ExitCode.OK
    page = client.workflows.executions.list(args.workflow, **filters, limit=args.limit, offset=args.offset)
    print_list(console, page.data, executions_table, "executions")
    _hint_more(console, len(page.data), page.offset, page.total, "executions")
    return ExitCode.OK


def executions_cancel(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    outcome = client.workflows.executions.cancel(args.execution_id)
    console.out(to_json(outcome) if console.json else cancel_line(outcome))
    return ExitCode.OK


def executions_wait(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    progress = console.progress(subject=args.execution_id)
    watch = Watch(progress, args.execution_id)
    try:
        with progress:
            result = client.workflows.executions.wait(args.execution_id, on_status=watch, **wait_arguments(args))
    except KeyboardInterrupt:
        return interrupted(
            client, console, watch.execution_id, watch.status, lookup=None, cancel=args.cancel_on_interrupt
        )
    except EigenpalTimeoutError as error:
        return timed_out(console, error, args.cancel_on_timeout)
    return print_result(console, result)
