"""``eigenpal batch`` without a server: usage errors (exit 2, before anything is sent), the inputs it builds
from files, folders and JSON Lines, the progress line (live on a terminal only), and whole batches on a fake API:
one output line per input, the same command again sends nothing and rewrites the output, exit 1 when an input
did not complete (and a rerun sends only that one), ``--shard`` splitting the inputs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from eigenpal_ext import EigenpalJournalError
from eigenpal_ext._batch_outcomes import Failed, Succeeded
from eigenpal_ext._journal import BatchIdentity, Journal
from eigenpal_ext.cli import ExitCode, UsageError, exit_code_for_error, main
from eigenpal_ext.cli._batch import BatchProgress, batch_files, count_json_lines, json_line_inputs, progress_text
from tests.support import run_cli
from tests.unit.test_batch import BatchApi


def nothing_may_be_sent(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a usage error must come before any request; sent {request.method} {request.url}")


def run_batch_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Exit code and everything written to stderr (the command's, and argparse's own on sys.stderr)."""
    done = run_cli(["batch", *argv], nothing_may_be_sent)
    return done.code, done.err + capsys.readouterr().err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("b.pdf", "a.pdf", ".hidden.pdf"):
        (docs / name).write_bytes(b"%PDF-1.4")
    (docs / "sub").mkdir()
    return docs


JOURNAL_AND_OUTPUT = ["--journal", "j", "--output", "o"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["echo", *JOURNAL_AND_OUTPUT], "give the FILEs"),
        (["echo", "{docs}", *JOURNAL_AND_OUTPUT], "--field NAME is required"),
        (["echo", "{docs}/missing.pdf", "--field", "doc", *JOURNAL_AND_OUTPUT], "file not found"),
        (["echo", "{docs}", "--inputs", "x.jsonl", *JOURNAL_AND_OUTPUT], "not both"),
        (["echo", "--inputs", "x.jsonl", "--field", "doc", *JOURNAL_AND_OUTPUT], "each line names its own"),
        (["echo", "{docs}", "--field", "doc", "-i", "doc=1", *JOURNAL_AND_OUTPUT], "by -i"),
        (["echo", "{docs}", "--field", "doc", *JOURNAL_AND_OUTPUT, "--shard", "4/4"], "0-based"),
        (["echo", "{docs}", "--field", "doc", *JOURNAL_AND_OUTPUT, "--concurrency", "0"], "1..256"),
        (["echo", "{docs}", "--field", "doc", "--output", "o"], "--journal"),
        (["echo", "{docs}", "--field", "doc", *JOURNAL_AND_OUTPUT, "--timeout", "0"], "--timeout"),
    ],
)
def test_usage_errors_exit_2_before_anything_is_sent(
    folder: Path, arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_batch_cli(capsys, *(argument.replace("{docs}", str(folder)) for argument in arguments))
    assert code == ExitCode.USAGE
    assert message in err


def test_a_bad_line_of_inputs_is_named_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = tmp_path / "rows.jsonl"
    files = ["--journal", str(tmp_path / "j"), "--output", str(tmp_path / "o")]
    lines.write_text('{"n": 1}\n\n{"n": 2\n')
    code, err = run_batch_cli(capsys, "echo", "--inputs", str(lines), *files)
    assert code == ExitCode.USAGE
    assert "line 3 is not valid JSON" in err
    lines.write_text('{"n": 1}\n[1, 2]\n')
    assert "line 2: an input must be a JSON object" in run_batch_cli(capsys, "echo", "--inputs", str(lines), *files)[1]
    lines.write_text('{"n": NaN}\n')
    refused = run_batch_cli(capsys, "echo", "--inputs", str(lines), *files)[1]
    assert "line 1 is not valid JSON: NaN is not JSON" in refused
    lines.write_bytes(b'{"n": "\xff"}\n')
    assert "is not UTF-8 text" in run_batch_cli(capsys, "echo", "--inputs", str(lines), *files)[1]
    assert not (tmp_path / "j").exists()  # nothing was opened either


def test_a_journal_in_use_is_a_usage_error(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j"
    with Journal.open(journal, BatchIdentity("echo")):
        code, err = run_batch_cli(capsys, "echo", str(folder), "--field", "doc", "--journal", str(journal),
                                  "--output", str(tmp_path / "o"))  # fmt: skip
    assert code == ExitCode.USAGE
    assert "in use by another batch" in err
    assert exit_code_for_error(EigenpalJournalError("x")) == ExitCode.USAGE


def test_folders_stand_for_their_files_sorted_without_hidden_ones(folder: Path) -> None:
    extra = folder.parent / "z.pdf"
    extra.write_bytes(b"x")
    files = batch_files([str(folder), str(extra)])
    assert [path.name for path in files] == ["a.pdf", "b.pdf", "z.pdf"]
    with pytest.raises(UsageError, match="not a regular file or a folder"):
        batch_files(["/dev/null"])


def test_json_lines_are_counted_and_read_lazily_with_shared_inputs_winning(tmp_path: Path) -> None:
    lines = tmp_path / "rows.jsonl"
    lines.write_text('{"n": 1, "lang": "de"}\n\n{"n": 2}\n')
    assert count_json_lines(lines) == 2
    assert list(json_line_inputs(lines, {"lang": "en"})) == [{"n": 1, "lang": "en"}, {"n": 2, "lang": "en"}]


def test_the_progress_text() -> None:
    assert progress_text(done=12, failed=1, running=4, total=30, elapsed=4.8) == (
        "12/30 done (1 failed), 4 running, 2.5/s, about 7.2s left"
    )
    assert progress_text(done=0, failed=0, running=8, total=None, elapsed=1.0) == "0 done, 8 running"
    assert progress_text(done=3, failed=0, running=0, total=None, elapsed=60.0) == "3 done, 0 running, 3.0/min"


def outcomes() -> list[Any]:
    return [
        Succeeded(key="k1", execution_id="exec_1", result={}),
        Failed(key="k2", status="failed", error="boom", execution_id="exec_2"),
    ]


def test_the_progress_line_is_drawn_on_a_terminal_only() -> None:
    quiet = io.StringIO()
    with BatchProgress(quiet, live=False, total=2, running=lambda: 1) as progress:
        for outcome in outcomes():
            progress.outcome(outcome)
    assert quiet.getvalue() == ""
    assert (progress.done, progress.failed) == (2, 1)
    terminal = io.StringIO()
    moments = iter([0.0, 1.0, 2.0, 2.0])  # started, then each outcome's draw, then the final one
    options: dict[str, Any] = {"clock": lambda: next(moments), "spinner": "*", "columns": 0, "ticker": False}
    with BatchProgress(terminal, live=True, total=2, running=lambda: 0, **options) as progress:
        for outcome in outcomes():
            progress.outcome(outcome)
    drawn = terminal.getvalue()
    assert drawn.startswith("\r* 1/2 done, 0 running, 1.0/s, about 1.0s left\x1b[K")
    assert "\r* 2/2 done (1 failed), 0 running, 1.0/s\x1b[K" in drawn
    assert drawn.endswith("\r2/2 done (1 failed), 0 running, 1.0/s\x1b[K\n")  # the last state, kept


def test_the_live_line_fits_the_terminal() -> None:
    terminal = io.StringIO()
    with BatchProgress(terminal, live=True, total=30, running=lambda: 4, columns=12, ticker=False) as progress:
        progress.outcome(outcomes()[0])
    assert all(len(line.removesuffix("\x1b[K")) <= 11 for line in terminal.getvalue().strip().split("\r") if line)


def test_the_help_shows_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "--help"]) == ExitCode.OK
    shown = capsys.readouterr().out
    assert all(option in shown for option in ("--field", "--inputs", "--journal", "--resend-unknown", "--shard"))


# --- whole batches on a fake API (each run answer already terminal: one request per input) ----------------------


def rows(tmp_path: Path, count: int) -> Path:
    lines = tmp_path / "rows.jsonl"
    lines.write_text("".join(f'{{"n": {number}}}\n' for number in range(count)))
    return lines


def batch_argv(tmp_path: Path, name: str, *extra: str) -> list[str]:
    return ["batch", "echo", "--inputs", str(tmp_path / "rows.jsonl"), "--journal", str(tmp_path / f"{name}.journal"),
            "--output", str(tmp_path / f"{name}.jsonl"), *extra]  # fmt: skip


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_batch_writes_one_line_per_input_and_the_same_command_again_sends_nothing(tmp_path: Path) -> None:
    rows(tmp_path, 5)
    api = BatchApi(polls_to_finish=0)
    first = run_cli(["--json", *batch_argv(tmp_path, "out", "-i", "lang=en")], api)
    assert first.code == ExitCode.OK, first.err
    lines = lines_of(tmp_path / "out.jsonl")
    assert sorted(line["result"]["echo"]["n"] for line in lines) == [0, 1, 2, 3, 4]
    assert all(line["status"] == "completed" and line["result"]["echo"]["lang"] == "en" for line in lines)
    summary = json.loads(first.out)
    assert (summary["inputs"], summary["completed"], summary["failed"], summary["resumed"]) == (5, 5, 0, 0)
    assert "5 inputs: 5 completed, 0 did not" in first.err
    again = run_cli(batch_argv(tmp_path, "out", "-i", "lang=en"), api)
    assert again.code == ExitCode.OK, again.err
    assert len(api.runs) == 5  # nothing sent: every input is finished in the journal
    assert "5 finished in an earlier run" in again.err
    assert sorted(map(json.dumps, lines_of(tmp_path / "out.jsonl"))) == sorted(map(json.dumps, lines))  # the export


def test_an_input_that_did_not_complete_exits_1_and_a_rerun_sends_it_again(tmp_path: Path) -> None:
    rows(tmp_path, 3)
    api = BatchApi(polls_to_finish=0)
    api.refuse[1] = httpx.Response(400, json={"issues": [{"field": "input", "message": "bad"}]})
    first = run_cli(batch_argv(tmp_path, "out", "--concurrency", "1"), api)
    assert first.code == ExitCode.FAILED, first.err
    assert "3 inputs: 2 completed, 1 did not (1 error)" in first.err
    again = run_cli(batch_argv(tmp_path, "out", "--concurrency", "1"), api)
    assert again.code == ExitCode.OK, again.err
    assert len(api.runs) == 4  # only the refused input, which created nothing, was sent again
    assert [line["status"] for line in lines_of(tmp_path / "out.jsonl")] == ["completed"] * 3


def test_the_shards_of_a_batch_run_each_input_once(tmp_path: Path) -> None:
    rows(tmp_path, 8)
    api = BatchApi(polls_to_finish=0)
    for index in (0, 1):
        done = run_cli(batch_argv(tmp_path, f"shard{index}", "--shard", f"{index}/2"), api)
        assert done.code == ExitCode.OK, done.err
    shards = [{line["result"]["echo"]["n"] for line in lines_of(tmp_path / f"shard{i}.jsonl")} for i in (0, 1)]
    assert all(shards)  # each shard got some inputs
    assert not shards[0] & shards[1]
    assert shards[0] | shards[1] == set(range(8))
    assert len(api.runs) == 8
