"""``eigenpal batch``: many files (or a JSON Lines file of inputs) run as one durable batch.

    eigenpal batch WORKFLOW FILE... --field NAME [-i KEY=VALUE ...] --journal PATH --output PATH
                   [--concurrency N] [--resend-unknown] [--shard I/N] [--timeout S] [--poll-interval S]
                   [--workflow-version V] [--cancel-on-interrupt]
    eigenpal batch WORKFLOW --inputs FILE.jsonl [-i KEY=VALUE ...] --journal PATH --output PATH [...]
    eigenpal batch --runs TARGET FILE... --field NAME --journal PATH --output PATH [...]   (or --inputs)

Each FILE is one input (its path under ``--field``, plus the ``-i`` values); a FILE that is a folder stands for
the files directly in it, sorted by name (hidden ones left out). With ``--inputs``, each line of the file is
one input (a JSON object; ``-i`` values win per key). This is ``client.workflows.executions.run_batch`` (with
``--runs``: ``client.runs.run_batch`` on a target such as ``workflows.extract-invoice``, whose unknown inputs
are looked for on the server instead of being sent again) with a journal and an output file: the output
(JSON Lines, one line per input) is written as the outcomes arrive,
and running the same command again resumes the batch from its journal, sending nothing for finished inputs
(on a finished journal it only rewrites the output: that is the export).

On a terminal, stderr shows one live line (done, failed, running, rate, time left: ``BatchProgress``, the
``--wait`` line's machinery with the batch's counts); elsewhere nothing of it. The closing summary goes to
stderr (``--json``: one JSON object on stdout). Exit codes: 0 every input completed; 1 any did not (failed,
unknown, an error); 2 usage errors (a missing file, a bad line, a journal that cannot be used: ``_exits``
maps ``EigenpalJournalError`` there); 130 interrupted: runs being sent got about a second to journal their
ids, and running the same command again resumes.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from eigenpal_ext._batch_outcomes import BatchOutcome
from eigenpal_ext._client import EigenpalClient
from eigenpal_ext._interrupts import BatchInterrupted
from eigenpal_ext.cli._console import Console, is_terminal
from eigenpal_ext.cli._exits import ExitCode, UsageError
from eigenpal_ext.cli._inputs import build_inputs, parse_json
from eigenpal_ext.cli._progress import Progress
from eigenpal_ext.cli._render import format_elapsed, printable, to_json

# The unknown inputs the summary names one by one; the rest are counted (all of them are in the output).
_SHOWN_UNKNOWN = 20

# --- the inputs -----------------------------------------------------------------------------------------------


def batch_files(arguments: Sequence[str]) -> list[Path]:
    """Each FILE, a folder standing for the regular files directly in it (sorted, hidden ones left out)."""
    files: list[Path] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        if path.is_dir():
            files.extend(
                sorted(entry for entry in path.iterdir() if entry.is_file() and not entry.name.startswith("."))
            )
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise UsageError(f"{argument} is not a regular file or a folder")
        else:
            raise UsageError(f"file not found: {argument}")
    return files


def count_json_lines(path: Path) -> int:
    """Check every line of ``--inputs`` (a JSON object each, as strict as ``-i key:=json``; blank lines skipped)
    before anything is sent; the number of inputs. Read line by line: memory stays small for any size."""
    count = 0
    try:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                value = parse_json(line, f"--inputs {path}, line {number}")
                if not isinstance(value, dict):
                    raise UsageError(f"--inputs {path}, line {number}: an input must be a JSON object")
                count += 1
    except OSError as error:
        raise UsageError(f"--inputs: cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"--inputs: {path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    return count


def json_line_inputs(path: Path, shared: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The inputs of ``--inputs``, one per line, read lazily (``shared`` values win per key)."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield {**json.loads(line), **shared}


def file_inputs(files: Sequence[Path], field: str, shared: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One input per file: the file under ``field``, beside the ``shared`` values."""
    for path in files:
        yield {**shared, field: path}


def _inputs(args: argparse.Namespace, shared: dict[str, Any]) -> tuple[Iterator[dict[str, Any]], int]:
    """The batch's inputs (read lazily) and how many there are, every one checked before anything is sent."""
    if args.inputs is not None:
        if args.files:
            raise UsageError("give FILEs or --inputs, not both")
        if args.field is not None:
            raise UsageError("--field names the input of each FILE; with --inputs, each line names its own")
        return json_line_inputs(args.inputs, shared), count_json_lines(args.inputs)
    if not args.files:
        raise UsageError("give the FILEs (or folders) to run, or --inputs FILE.jsonl")
    if not args.field:
        raise UsageError("--field NAME is required with FILEs: the input each file is uploaded as")
    if args.field in shared:
        raise UsageError(f"input {args.field!r} is given by --field and by -i")
    files = batch_files(args.files)
    return file_inputs(files, args.field, shared), len(files)


# --- progress ------------------------------------------------------------------------------------------------


def progress_text(*, done: int, failed: int, running: int, total: int | None, elapsed: float) -> str:
    """The live line: ``12/30 done (1 failed), 4 running, 2.5/s, about 7.2s left`` (pure, for tests)."""
    text = f"{done}/{total} done" if total is not None else f"{done} done"
    if failed:
        text += f" ({failed} failed)"
    text += f", {running} running"
    rate = done / elapsed if elapsed > 0 else 0.0
    if rate > 0:
        text += f", {rate:.1f}/s" if rate >= 0.1 else f", {rate * 60:.1f}/min"
        if total is not None and total > done:
            text += f", about {format_elapsed((total - done) / rate)} left"
    return text


class BatchProgress(Progress):
    """The batch's live line on a terminal: the ``--wait`` line (spinner, redrawn in place by its ticker, cut to
    the terminal's width, ended with a newline) saying the batch's counts; nothing at all when ``live`` is
    False (a pipe, a log: the summary says it all at the end)."""

    def __init__(
        self, stream: TextIO, *, live: bool, total: int | None, running: Callable[[], int], **options: Any
    ) -> None:
        super().__init__(stream, live=live, subject="batch", **options)
        self._total, self._running = total, running
        self.done = self.failed = 0
        self._counts = threading.Lock()  # outcome() is called from the batch's thread, describe() from the ticker

    def outcome(self, outcome: BatchOutcome) -> None:
        """Count one more outcome, and redraw the line at once on a terminal."""
        with self._counts:
            self.done += 1
            self.failed += 0 if outcome.succeeded else 1
        self.tick()

    def describe(self) -> str:
        with self._counts:
            done, failed = self.done, self.failed
        return progress_text(done=done, failed=failed, running=self._running(), total=self._total, elapsed=self.elapsed)


# --- the command --------------------------------------------------------------------------------------------


def batch(args: argparse.Namespace, client: EigenpalClient, console: Console) -> int:
    """``eigenpal batch``: 0 every input completed, 1 any did not, 130 interrupted (usage errors raise
    ``UsageError``, a journal that cannot be used ``EigenpalJournalError``: both exit 2)."""
    inputs, total = _inputs(args, build_inputs(args.inputs_shared))
    options: dict[str, Any] = {
        "journal": args.journal, "output": args.output, "concurrency": args.concurrency,
        "resend_unknown": args.resend_unknown, "shard": args.shard, "version": args.workflow_version,
        "cancel_on_interrupt": args.cancel_on_interrupt, "trigger": "cli",
    }  # fmt: skip
    if args.timeout is not None:
        options["timeout_seconds"] = args.timeout
    if args.poll_interval is not None:
        options["poll_interval_seconds"] = args.poll_interval
    run = (client.runs if args.runs else client.workflows.executions).run_batch(args.workflow, inputs, **options)
    summary = _Summary()
    # A shard's share of the inputs is known only as they are read: no total, no time left.
    shown_total = None if args.shard is not None else total
    progress = BatchProgress(console.stderr, live=is_terminal(console.stderr), total=shown_total,
                             running=lambda: run.running)  # fmt: skip
    try:
        with progress:
            for outcome in run:
                summary.add(outcome)
                progress.outcome(outcome)
    except BatchInterrupted as stopped:
        summary.interrupted = stopped
    except KeyboardInterrupt:  # between two outcomes: the same, without the report of what is running
        run.close()
        summary.interrupted = BatchInterrupted("the batch was interrupted", journal=args.journal)
    summary.print(console, args)
    if summary.interrupted is not None:
        return ExitCode.INTERRUPTED
    return ExitCode.OK if summary.failed == 0 else ExitCode.FAILED


class _Summary:
    """What the closing lines say: counts, the unknown inputs, whether it was interrupted."""

    def __init__(self) -> None:
        self.completed = self.failed = self.resumed = 0
        self.unknown: list[BatchOutcome] = []
        self.statuses: dict[str, int] = {}
        self.interrupted: BatchInterrupted | None = None

    def add(self, outcome: BatchOutcome) -> None:
        self.resumed += outcome.resumed
        if outcome.succeeded:
            self.completed += 1
            return
        self.failed += 1
        self.statuses[outcome.status] = self.statuses.get(outcome.status, 0) + 1
        if outcome.status == "unknown":
            self.unknown.append(outcome)

    def print(self, console: Console, args: argparse.Namespace) -> None:
        total = self.completed + self.failed
        if console.json:
            data: dict[str, Any] = {
                "inputs": total, "completed": self.completed, "failed": self.failed, "statuses": self.statuses,
                "unknown": [{"key": o.key, "file": o.file} for o in self.unknown], "resumed": self.resumed,
                "output": str(args.output), "journal": str(args.journal), "interrupted": self.interrupted is not None,
            }  # fmt: skip
            if self.interrupted is not None:
                data["runningIds"] = self.interrupted.running_ids
            console.out(to_json(data))
        lines = [f"{total} inputs: {self.completed} completed, {self.failed} did not"]
        if self.statuses:
            lines[0] += " (" + ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items())) + ")"
        if self.resumed:
            lines[0] += f"; {self.resumed} finished in an earlier run"
        lines.append(f"results: {printable(args.output)}; journal: {printable(args.journal)}")
        if self.unknown:
            lines.append(
                f"{len(self.unknown)} inputs were sent but their execution ids never arrived, and were not sent "
                "again (an execution may exist for each); --resend-unknown sends them anyway:"
            )
            lines.extend(f"  {printable(o.file or o.key)}" for o in self.unknown[:_SHOWN_UNKNOWN])
            if len(self.unknown) > _SHOWN_UNKNOWN:
                lines.append(f"  ... and {len(self.unknown) - _SHOWN_UNKNOWN} more (see the output)")
        if self.interrupted is not None:
            lines.append(self._interrupted_line(self.interrupted))
        console.err("\n".join(lines))

    @staticmethod
    def _interrupted_line(stopped: BatchInterrupted) -> str:
        left = len(stopped.running_ids) - len(stopped.cancelled_ids)
        what = [f"{left} executions still running"] if left else []
        if stopped.cancelled_ids:
            what.append(f"cancel requested for {len(stopped.cancelled_ids)}")
        if stopped.unknown_keys:
            what.append(f"{len(stopped.unknown_keys)} runs sent without a known execution id")
        return (
            f"interrupted{': ' + ', '.join(what) if what else ''}; run the same command again to resume "
            "(it waits for what is running instead of starting it again)"
        )
