"""The ``eigenpal runs`` subcommands: today's runs API from a shell (start, get, list, cancel, wait, steps, events).

Each handler calls ``client.runs``; waiting, Ctrl-C and timeouts go through the same code as ``eigenpal run`` and
``eigenpal executions wait`` (``_commands``, with the ``RUNS`` surface), so the exit codes are the same: 0
completed, 1 failed (or any other end, ``timeout`` included), 3 cancelled, 4 rejected, 5 the wait passed
``--timeout``, 130 Ctrl-C. A run started without ``--wait`` prints its id.
"""

from __future__ import annotations

import argparse
from typing import Any

from eigenpal_ext._client import EigenpalClient
from eigenpal_ext._errors import EigenpalTimeoutError
from eigenpal_ext.cli._commands import (
    Surface,
    Watch,
    interrupted,
    print_list,
    print_result,
    timed_out,
    wait_arguments,
    wait_flags,
)
from eigenpal_ext.cli._console import Console
from eigenpal_ext.cli._exits import ExitCode, UsageError
from eigenpal_ext.cli._inputs import build_inputs, parse_input_json, split_statuses
from eigenpal_ext.cli._render import (
    models_to_list,
    printable,
    run_block,
    run_cancel_line,
    run_events_table,
    run_result_block,
    run_steps_table,
    runs_table,
    shell_word,
    to_json,
)


def _read_run(run: Any) -> tuple[str, str]:
    execution = run.execution
    return run.id, str(None if execution is None else execution.status)


RUNS = Surface(
    noun="run",
    command="runs",
    id_key="runId",
    read=_read_run,
    cancel=lambda client, run_id: client.runs.cancel(run_id),
    cancel_line=run_cancel_line,
    result_to_dict=lambda result: result.to_dict(),
    result_block=run_result_block,
)


def _lookup(target: str) -> str:
    return f"a run of {target} may have started: eigenpal runs list --from 'now()-10m'"


def runs_start(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    inputs = build_inputs(args.inputs, args.input_json)
    metadata = None if args.metadata is None else parse_input_json(args.metadata, "--metadata")
    start: dict[str, Any] = {"version": args.workflow_version, "metadata": metadata, "trigger": "cli"}
    if not args.wait:
        wait_only = [flag for flag, value in wait_flags(args) if value]
        if wait_only:
            verb = "applies" if len(wait_only) == 1 else "apply"
            raise UsageError(f"{', '.join(wait_only)} only {verb} with --wait")
        try:
            handle = client.runs.start(args.target, inputs, **start)
        except KeyboardInterrupt:
            return interrupted(client, console, None, None, lookup=_lookup(args.target), cancel=False, surface=RUNS)
        console.out(to_json({"id": handle.id}) if console.json else printable(handle.id))
        return ExitCode.OK

    progress = console.progress(subject=f"{args.target}: starting")
    watch = Watch(progress, surface=RUNS)
    try:
        with progress:
            # Start, then wait on the handle: the run id is known the moment the run is accepted, so a Ctrl-C at
            # any later point can name (and cancel) the run.
            handle = client.runs.start(args.target, inputs, **start)
            watch.execution_id = handle.id
            result = handle.wait(on_status=watch, **wait_arguments(args))
    except KeyboardInterrupt:
        return interrupted(
            client, console, watch.execution_id, watch.status, lookup=_lookup(args.target),
            cancel=args.cancel_on_interrupt, surface=RUNS,
        )  # fmt: skip
    except EigenpalTimeoutError as error:
        return timed_out(console, error, args.cancel_on_timeout, RUNS)
    return print_result(console, result, RUNS)


def runs_wait(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    progress = console.progress(subject=args.run_id)
    watch = Watch(progress, args.run_id, surface=RUNS)
    try:
        with progress:
            result = client.runs.wait(args.run_id, on_status=watch, **wait_arguments(args))
    except KeyboardInterrupt:
        return interrupted(
            client, console, watch.execution_id, watch.status, lookup=None, cancel=args.cancel_on_interrupt,
            surface=RUNS,
        )  # fmt: skip
    except EigenpalTimeoutError as error:
        return timed_out(console, error, args.cancel_on_timeout, RUNS)
    return print_result(console, result, RUNS)


def runs_get(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    run = client.runs.get(args.run_id, expand=args.expand)
    console.out(to_json(run) if console.json else run_block(run))
    return ExitCode.OK


def runs_list(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    if args.all and args.cursor is not None:
        raise UsageError("--all and --cursor cannot be combined: --all starts at the first run")
    filters: dict[str, Any] = {
        "status": split_statuses(args.status),
        "created_after": args.from_date,
        "created_before": args.to_date,
        "source": args.source,
        "trigger": args.trigger,
    }
    if args.all:
        runs = list(client.runs.iter(**filters, page_size=args.limit))
        next_cursor = None
    else:
        page = client.runs.list(**filters, cursor=args.cursor, limit=args.limit)
        runs, next_cursor = list(page), page.next_cursor
    print_list(console, runs, runs_table, "runs")
    if next_cursor:  # on stderr, also with --json: stdout stays the list
        console.err(f"more runs: --cursor {shell_word(next_cursor)} shows the next page; --all lists them all")
    return ExitCode.OK


def runs_cancel(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    outcome = client.runs.cancel(args.run_id)
    console.out(to_json(outcome) if console.json else run_cancel_line(outcome))
    return ExitCode.OK


def runs_steps(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    steps = client.runs.steps(args.run_id)
    console.out(to_json(models_to_list(steps)) if console.json else run_steps_table(steps))
    return ExitCode.OK


def runs_events(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    events = client.runs.events(args.run_id)
    console.out(to_json(models_to_list(events)) if console.json else run_events_table(events))
    return ExitCode.OK
