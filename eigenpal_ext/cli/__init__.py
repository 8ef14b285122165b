"""The ``eigenpal`` command: EigenPal workflows, executions and runs from a shell (standard library argparse only).

``main`` runs one command line: the parser (``_parser``) reads it, ``make_client`` makes the client from its
settings (``EigenpalClient`` unless a test hands in its own), the subcommand (``_commands``) runs on it, and
the exit code comes back. What gets printed is ``_render``'s (tables, JSON, the error line) and
``_progress``'s (the ``--wait`` line); the run inputs are read by ``_inputs``, and ``_exits`` holds the codes.
``eigenpal runs ...`` (``_runs``) is the runs API through ``client.runs``, on the same waiting, Ctrl-C and exit
code handling as ``run`` and ``executions wait``.
``eigenpal batch`` (its inputs, live line and summary) is ``_batch``.

    eigenpal workflows list [--search S] [--name N] [--kind workflow|block] [--limit N] [--offset N] [--all]
    eigenpal workflows get WORKFLOW
    eigenpal workflows versions WORKFLOW [--limit N] [--offset N]
    eigenpal run WORKFLOW [-i KEY=TEXT|KEY:=JSON|KEY=@FILE ...] [--input-json JSON] [--workflow-version V]
                 [--wait [--timeout S] [--poll-interval S] [--cancel-on-timeout] [--cancel-on-interrupt]]
    eigenpal batch WORKFLOW FILE... --field NAME [-i KEY=VALUE ...] --journal PATH --output PATH
                 [--concurrency N] [--resend-unknown] [--shard I/N] [--timeout S] [--poll-interval S]
    eigenpal batch WORKFLOW --inputs FILE.jsonl [-i KEY=VALUE ...] --journal PATH --output PATH [...]
    eigenpal executions get EXECUTION_ID [--steps]
    eigenpal executions list WORKFLOW [--status S[,S...]] [--from EXPR] [--to EXPR] [--example-id ID]
                 [--limit N] [--offset N] [--all]
    eigenpal executions cancel EXECUTION_ID
    eigenpal executions wait EXECUTION_ID [--timeout S] [--poll-interval S] [--cancel-on-timeout]
                 [--cancel-on-interrupt]
    eigenpal runs start TARGET [-i KEY=VALUE ...] [--input-json JSON] [--workflow-version V] [--metadata JSON]
                 [--wait [--timeout S] [--poll-interval S] [--cancel-on-timeout] [--cancel-on-interrupt]]
    eigenpal runs get RUN_ID [--expand SECTION[,SECTION...]]
    eigenpal runs list [--status S[,S...]] [--from EXPR] [--to EXPR] [--source ID] [--trigger T] [--limit N]
                 [--cursor C] [--all]
    eigenpal runs cancel RUN_ID
    eigenpal runs wait RUN_ID [--timeout S] [--poll-interval S] [--cancel-on-timeout] [--cancel-on-interrupt]
    eigenpal runs steps RUN_ID
    eigenpal runs events RUN_ID

Global options (before or after the subcommand): ``--api-key`` (else ``EIGENPAL_API_KEY``), ``--base-url``
(else ``EIGENPAL_BASE_URL``, else https://studio.eigenpal.com), ``--proxy`` (else the ``HTTP(S)_PROXY``/``NO_PROXY``
environment, as the client reads it), ``--json``, ``--debug``, ``--request-timeout``.
``eigenpal --version`` is the program's version. The workflow version a run pins is ``--workflow-version``
(``--version`` is the program's everywhere, so ``run --version V`` fails, naming ``--workflow-version``: the
Python argument is ``version=``, an easy slip).

Results go to stdout, progress and errors to stderr. An error is one line, ``error: ...``, with the
execution id and the server's request id when there are any; ``--debug`` adds the traceback. Errors speak
the command line: a bad ``--from`` lists the forms a shell can pass, an argument error of the client names
the flag the user typed (``from_date`` → ``--from``: the error carries its argument as data), and a run whose
id never arrived prints the ``eigenpal executions list`` command that finds it (from the error's fields).
With ``--json``, a wait that times out or is interrupted still prints one JSON object on stdout:
``executionId``, ``status`` (the last one seen), ``outcome`` (``timeout`` or ``interrupted``), ``message`` and
``cancel``.

Exit codes:

    0    success; for --wait / executions wait / runs wait: the execution (run) completed; for batch: every
         input completed
    1    the execution failed (or an unexpected internal error); for batch: an input did not complete
    2    usage error: bad arguments, an input file that is missing, not a regular file or changed while
         it was uploaded, no API key, a batch journal that cannot be used
    3    the execution was cancelled
    4    the execution was rejected (a review step said no)
    5    timeout: the wait passed --timeout (the execution id and last status are printed), or a request timed out
    6    API error: the server answered with an error (HTTP status and request id are printed)
    7    connection error: the server could not be reached
    130  interrupted (Ctrl-C); the execution id is printed, and the execution cancelled if asked (batch: run
         the same command again to resume)
    141  stdout was closed early (``eigenpal ... | head``)
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from eigenpal_ext import _config
from eigenpal_ext._client import EigenpalClient
from eigenpal_ext._settings import given_api_key
from eigenpal_ext.cli._console import Console
from eigenpal_ext.cli._exits import ExitCode, UsageError, exit_code_for_error, exit_code_for_status
from eigenpal_ext.cli._inputs import build_inputs, parse_input, parse_json, split_statuses
from eigenpal_ext.cli._parser import CLI_DATE_FORMS, build_parser
from eigenpal_ext.cli._render import error_line, lookup_command, shell_word

MakeClient = Callable[..., EigenpalClient]
"""How the command makes its client: called with ``api_key``, ``base_url`` and ``request_timeout_seconds``, and
``proxy`` when ``--proxy`` is given."""


def main(
    argv: Sequence[str] | None = None,
    *,
    make_client: MakeClient = EigenpalClient,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    ``make_client`` makes the client a subcommand runs on, from the settings the command line gives
    (``api_key``, ``base_url``, ``request_timeout_seconds``; default: ``EigenpalClient``), so a test can hand
    in one on an ``httpx.MockTransport``. ``stdout``/``stderr``/``stdin`` default to the process's streams.
    """
    console = Console(stdout or sys.stdout, stderr or sys.stderr, stdin or sys.stdin)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: --help/--version exit 0, usage errors exit 2
        code = exit_.code
        return code if isinstance(code, int) else ExitCode.OK if code is None else ExitCode.USAGE
    console.json, console.debug = bool(args.json), bool(args.debug)
    try:
        return _dispatch(args, console, make_client)
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


def _dispatch(args: Any, console: Console, make_client: MakeClient) -> int:
    api_key = given_api_key(args.api_key or None)  # an empty --api-key "" falls back to the variable too
    if not api_key or not api_key.strip():
        console.err(f"error: no API key: pass --api-key KEY or set the {_config.API_KEY_ENV} environment variable")
        return ExitCode.USAGE
    handler: Callable[[Any, EigenpalClient, Console], int] = args.handler
    # The client adds its own defaults (EIGENPAL_BASE_URL, then the hosted instance) when base_url is None.
    settings: dict[str, Any] = {"api_key": api_key, "base_url": args.base_url}
    if args.proxy:  # only when given: a make_client of a test need not know the argument
        settings["proxy"] = args.proxy
    with make_client(**settings, request_timeout_seconds=args.request_timeout) as client:
        return handler(args, client, console)


__all__ = [
    "CLI_DATE_FORMS",
    "Console",
    "ExitCode",
    "MakeClient",
    "UsageError",
    "build_inputs",
    "build_parser",
    "error_line",
    "exit_code_for_error",
    "exit_code_for_status",
    "lookup_command",
    "main",
    "parse_input",
    "parse_json",
    "shell_word",
    "split_statuses",
]
