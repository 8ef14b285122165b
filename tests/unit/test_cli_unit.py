"""Unit tests of the ``eigenpal`` command (``eigenpal_ext.cli`` and ``eigenpal_ext._cli_render``), without a server.

Covered: ``-i`` parsing (JSON or text, ``@file``, errors), exit-code mapping, the one-line error messages,
tables and JSON, the progress renderer on a fake terminal and on a plain stream (with a fake clock),
argparse usage errors, global options on either side of the subcommand, and the Ctrl-C path, driven
through ``httpx.MockTransport`` so the interrupt lands at a chosen request.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from eigenpal_api.models import (
    Execution,
    ExecutionCancellation,
    ExecutionStatus,
    ExecutionSummary,
    Workflow,
)

from eigenpal_ext import (
    EigenpalAuthError,
    EigenpalClient,
    EigenpalConnectionError,
    EigenpalNotFoundError,
    EigenpalRateLimitError,
    EigenpalResponseError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalWaitTimeoutError,
    ExecutionResult,
)
from eigenpal_ext.cli import (
    Console,
    ExitCode,
    UsageError,
    build_inputs,
    build_parser,
    error_line,
    exit_code_for_error,
    exit_code_for_status,
    main,
    parse_input,
    split_statuses,
)
from eigenpal_ext.cli._progress import ASCII_SPINNER, CLEAR_TO_END_OF_LINE, UNICODE_SPINNER, Progress
from eigenpal_ext.cli._render import (
    cancel_line,
    execution_block,
    executions_table,
    format_elapsed,
    format_table,
    format_time,
    more_hint,
    printable,
    result_block,
    result_to_dict,
    to_json,
    workflows_table,
)
from tests.support import FakeApi, raise_, run_cli, run_command

BASE_URL = "https://eigenpal.test"
CREATED = datetime(2026, 11, 27, 3, 40, 1, 250_000, tzinfo=UTC)
COMPLETED = datetime(2026, 11, 27, 3, 40, 3, 500_000, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TtyStream(io.StringIO):
    """A StringIO that says it is a terminal (what ``Console.progress`` checks)."""

    def isatty(self) -> bool:
        return True


def make_console(*, stdin: io.StringIO | None = None, json_output: bool = False) -> Console:
    return Console(io.StringIO(), io.StringIO(), stdin or io.StringIO(), json=json_output)


def output(stream: Any) -> str:
    value: str = stream.getvalue()
    return value


# --------------------------------------------------------------------------------------------------------
# -i parsing


@pytest.mark.parametrize(
    "text", ["2", "1.10", "01234", "1e400", "-3", "true", "null", '"2"', '["a","b"]', "en", "", "NaN", "2026-11-27"]
)
def test_key_equals_value_is_always_the_string_as_typed(text: str) -> None:
    assert parse_input(f"key={text}") == ("key", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2),
        ("1.10", 1.1),
        ("-3", -3),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ("true", True),
        ("false", False),
        ("null", None),
        ('"1.10"', "1.10"),
        ('["a","b"]', ["a", "b"]),
        ('{"a": {"b": 1}}', {"a": {"b": 1}}),
    ],
)
def test_key_colon_equals_json_is_the_json_value(text: str, expected: object) -> None:
    key, value = parse_input(f"key:={text}")
    assert key == "key"
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["en", "", "[1,", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "{'a': 1}"])
def test_key_colon_equals_refuses_what_is_not_json(text: str) -> None:
    with pytest.raises(UsageError, match=r"-i key:=.* is not valid JSON") as caught:
        parse_input(f"key:={text}")
    assert exit_code_for_error(caught.value) == ExitCode.USAGE


def test_key_colon_equals_at_file_reads_json_from_the_file(tmp_path: Path) -> None:
    (tmp_path / "options.json").write_text('{"pages": [1, 2], "version": "1.10"}', encoding="utf-8")
    assert parse_input(f"options:=@{tmp_path / 'options.json'}") == ("options", {"pages": [1, 2], "version": "1.10"})
    with pytest.raises(UsageError, match="file not found"):
        parse_input(f"options:=@{tmp_path / 'missing.json'}")
    (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(UsageError, match="not valid JSON"):
        parse_input(f"options:=@{tmp_path / 'bad.json'}")


def test_input_key_value_splits_at_the_first_equals() -> None:
    assert parse_input("language=en") == ("language", "en")
    assert parse_input("expr=a=b") == ("expr", "a=b")
    assert parse_input(" seconds =2") == ("seconds", "2")
    assert parse_input(" seconds :=2") == ("seconds", 2)
    assert parse_input('expr:="a=b"') == ("expr", "a=b")
    assert parse_input("a:b=1") == ("a:b", "1")


def test_input_at_path_is_a_file_input(tmp_path: Path) -> None:
    document = tmp_path / "contract.pdf"
    document.write_bytes(b"%PDF-1.4")
    key, value = parse_input(f"contract_document=@{document}")
    assert key == "contract_document"
    assert value == document
    assert isinstance(value, Path)


def test_input_at_path_expands_the_home_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "a.pdf").write_bytes(b"x")
    assert parse_input("doc=@~/a.pdf") == ("doc", tmp_path / "a.pdf")


def test_input_double_at_is_a_literal_string() -> None:
    assert parse_input("handle=@@eigenpal") == ("handle", "@eigenpal")


def test_missing_input_file_is_a_usage_error_naming_key_and_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pdf"
    with pytest.raises(UsageError) as caught:
        parse_input(f"contract_document=@{missing}")
    assert "contract_document" in str(caught.value)
    assert str(missing) in str(caught.value)
    assert exit_code_for_error(caught.value) == ExitCode.USAGE


def test_directory_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a file"):
        parse_input(f"doc=@{tmp_path}")


@pytest.mark.parametrize("bad", ["language", "=en", "doc=@", ":=1", "doc:=@"])
def test_malformed_input_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_input(bad)


def test_build_inputs_merges_input_json_and_i_wins_per_key() -> None:
    inputs = build_inputs(["b:=2", "c=text"], '{"a": 1, "b": "from json"}')
    assert inputs == {"a": 1, "b": 2, "c": "text"}


def test_build_inputs_reads_input_json_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text('{"tags": ["x"]}', encoding="utf-8")
    assert build_inputs([], f"@{tmp_path / 'in.json'}") == {"tags": ["x"]}


@pytest.mark.parametrize(
    ("assignments", "input_json", "message"),
    [
        (["a=1", "a=2"], None, "given twice"),
        (["a=1", "a:=2"], None, "given twice"),
        ([], '{"a": 1e400}', "not valid JSON"),
        ([], '{"a": NaN}', "not valid JSON"),
        ([], "[1, 2]", "JSON object"),
        ([], "{not json", "not valid JSON"),
        ([], "@/does/not/exist.json", "file not found"),
    ],
)
def test_build_inputs_errors(assignments: list[str], input_json: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        build_inputs(assignments, input_json)


def test_split_statuses_accepts_commas_and_repeats() -> None:
    assert split_statuses(["failed,cancelled", " rejected "]) == ["failed", "cancelled", "rejected"]
    assert split_statuses(None) is None
    assert split_statuses([]) is None


# --------------------------------------------------------------------------------------------------------
# Exit codes and error lines


@pytest.mark.parametrize(
    ("status", "code"),
    [("completed", 0), ("failed", 1), ("cancelled", 3), ("rejected", 4), (ExecutionStatus.REJECTED, 4)],
)
def test_exit_code_for_terminal_status(status: str, code: int) -> None:
    assert exit_code_for_status(status) == code


def not_found() -> EigenpalNotFoundError:
    return EigenpalNotFoundError("HTTP 404: execution 'exec_x' not found", status=404, request_id="req_42")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (EigenpalWaitTimeoutError("did not finish", execution_id="exec_1", last_status="running"), 5),
        (EigenpalTimeoutError("read timed out"), 5),
        (not_found(), 6),
        (EigenpalAuthError("HTTP 401: invalid key", status=401), 6),
        (EigenpalServerError("HTTP 503: down", status=503), 6),
        (EigenpalRateLimitError("HTTP 429: slow down", retry_after=90.0), 6),
        (EigenpalResponseError("HTTP 200: html", status=200), 6),
        (EigenpalConnectionError("could not connect"), 7),
        (UsageError("bad -i"), 2),
        (ValueError("status='x' is not an execution status"), 2),
        (TypeError("limit must be an int"), 2),
        (FileNotFoundError("contract.pdf"), 2),
        (KeyboardInterrupt(), 130),
        (RuntimeError("bug"), 1),
    ],
)
def test_exit_code_for_error(error: BaseException, code: int) -> None:
    assert exit_code_for_error(error) == code


def test_api_error_line_has_status_and_request_id() -> None:
    assert error_line(not_found()) == "error: HTTP 404: execution 'exec_x' not found (request id req_42)"


def test_error_line_adds_execution_id_only_when_the_message_lacks_it() -> None:
    error = EigenpalServerError("HTTP 500: boom", status=500, request_id="req_1", execution_id="exec_9")
    assert error_line(error) == "error: HTTP 500: boom (execution exec_9, request id req_1)"
    named = EigenpalServerError("HTTP 500: exec_9 broke", status=500, execution_id="exec_9")
    assert error_line(named) == "error: HTTP 500: exec_9 broke"


def test_timeout_error_line_names_execution_and_last_status() -> None:
    error = EigenpalWaitTimeoutError("gave up", execution_id="exec_7", last_status="running")
    line = error_line(error, hint="it may still finish: eigenpal executions wait exec_7")
    assert line == (
        "error: gave up (execution exec_7, last status running); it may still finish: eigenpal executions wait exec_7"
    )


def test_error_line_is_one_harmless_line() -> None:
    error = EigenpalServerError("HTTP 502: line one\nline two \x1b[31mred", status=502)
    line = error_line(error)
    assert "\n" not in line
    assert "\x1b" not in line
    # The error itself escapes control characters (a newline shows as \n), so the line stays faithful.
    assert line.startswith("error: HTTP 502: line one\\nline two \\x1b[31mred")


def test_unexpected_error_line_points_at_debug() -> None:
    assert "--debug" in error_line(RuntimeError("bug"))


# --------------------------------------------------------------------------------------------------------
# Tables and JSON


def test_table_columns_are_aligned_without_trailing_spaces() -> None:
    table = format_table(("ID", "STATUS"), [("exec_1", "completed"), ("exec_long_id", "")])
    assert table.splitlines() == ["ID            STATUS", "exec_1        completed", "exec_long_id"]


def test_printable_replaces_control_characters() -> None:
    assert printable("a\tb\nc\x1b[2Jd") == "a b c\\x1b[2Jd"
    assert printable(None) == ""
    assert printable(ExecutionStatus.RUNNING) == "running"


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.04, "0.0s"), (1.25, "1.2s"), (59.94, "59.9s"), (65, "1m05s"), (7390, "2h03m")]
)
def test_format_elapsed(seconds: float, text: str) -> None:
    assert format_elapsed(seconds) == text


def test_format_time_is_utc_to_the_second() -> None:
    assert format_time(CREATED) == "2026-11-27T03:40:01Z"
    assert format_time(None) == ""


def execution_summaries() -> list[ExecutionSummary]:
    return [
        ExecutionSummary(
            id="exec_1", workflow_id="wf_echo", status=ExecutionStatus.COMPLETED, created_at=CREATED,
            completed_at=COMPLETED,
        ),
        ExecutionSummary(id="exec_22", workflow_id="wf_echo", status=ExecutionStatus.RUNNING, created_at=CREATED),
    ]  # fmt: skip


def test_executions_table() -> None:
    assert executions_table(execution_summaries()).splitlines() == [
        "ID       STATUS     CREATED               DURATION",
        "exec_1   completed  2026-11-27T03:40:01Z  2.2s",
        "exec_22  running    2026-11-27T03:40:01Z",
    ]


def test_workflows_table() -> None:
    workflows = [Workflow(id="wf_abc123", created_at=CREATED, name="extract-invoice", version="1.1.0")]
    assert workflows_table(workflows).splitlines() == [
        "ID         NAME             VERSION  UPDATED",
        "wf_abc123  extract-invoice  1.1.0",
    ]


def finished(status: ExecutionStatus, result: Any = None, error: str | None = None) -> ExecutionResult:
    return ExecutionResult("exec_1", status, result, error, CREATED, COMPLETED)


def test_result_json_uses_api_names_and_iso_dates() -> None:
    text = to_json(result_to_dict(finished(ExecutionStatus.COMPLETED, {"invoiceNumber": "INV-1"})))
    assert json.loads(text) == {
        "executionId": "exec_1",
        "status": "completed",
        "result": {"invoiceNumber": "INV-1"},
        "error": None,
        "createdAt": "2026-11-27T03:40:01.250000Z",
        "completedAt": "2026-11-27T03:40:03.500000Z",
    }


def test_models_serialise_through_to_dict() -> None:
    assert json.loads(to_json(execution_summaries()))[1] == {
        "id": "exec_22",
        "workflowId": "wf_echo",
        "status": "running",
        "createdAt": "2026-11-27T03:40:01.250000Z",
    }


def test_result_block_shows_id_status_and_pretty_result() -> None:
    block = result_block(finished(ExecutionStatus.COMPLETED, {"fields": {"invoiceNumber": "INV-1"}}))
    assert block.splitlines()[:2] == ["execution:  exec_1", "status:     completed"]
    assert block.endswith('result:\n{\n  "fields": {\n    "invoiceNumber": "INV-1"\n  }\n}')


def test_result_block_of_a_failure_shows_the_error_and_no_result() -> None:
    block = result_block(finished(ExecutionStatus.FAILED, error="the step failed"))
    assert "error:      the step failed" in block.splitlines()
    assert "result" not in block


def test_execution_block_with_steps() -> None:
    execution = Execution.from_dict(
        {
            "executionId": "exec_1", "status": "failed", "createdAt": "2026-11-27T03:40:01Z", "error": "boom",
            "steps": [{"stepId": "read", "status": "failed", "startedAt": "2026-11-27T03:40:02Z", "error": "boom"}],
        }
    )  # fmt: skip
    lines = execution_block(execution).splitlines()
    assert lines[:2] == ["execution:  exec_1", "status:     failed"]
    assert lines[-3:] == [
        "steps:",
        "STEP  STATUS  STARTED               DURATION  ERROR",
        "read  failed  2026-11-27T03:40:02Z            boom",
    ]


@pytest.mark.parametrize(
    ("steps", "shown"),
    [
        (["read", "extract"], ["steps:", "[", '  "read",', '  "extract"', "]"]),
        ({"read": {"status": "done"}}, ["steps:", "{", '  "read": {', '    "status": "done"', "  }", "}"]),
    ],
)
def test_execution_block_shows_steps_of_another_shape_as_sent(steps: object, shown: list[str]) -> None:
    execution = Execution.from_dict(
        {"executionId": "exec_1", "status": "running", "createdAt": "2026-11-27T03:40:01Z", "steps": steps}
    )
    assert execution_block(execution).splitlines()[-len(shown) :] == shown


def test_cancel_line_and_more_hint() -> None:
    outcome = ExecutionCancellation.from_dict(
        {"executionId": "exec_1", "status": "cancellation-requested", "wasStatus": "running"}
    )
    assert cancel_line(outcome) == "exec_1: cancellation-requested (was running)"
    assert more_hint(2, 0, 5, "executions") == "2 of 5 executions shown (from offset 0); --all lists them all"
    assert more_hint(2, 3, 5, "executions") is None


# --------------------------------------------------------------------------------------------------------
# Progress


def test_progress_on_a_terminal_redraws_one_line() -> None:
    stream, clock = TtyStream(), FakeClock()
    progress = Progress(stream, live=True, subject="echo: starting", clock=clock, spinner="abc", ticker=False)
    with progress:
        clock.now += 0.3
        progress.status("exec_1", "pending")
        clock.now += 0.9
        progress.tick()
        progress.status("exec_1", "running")
        progress.status("exec_1", "running")  # a repeat draws nothing
        clock.now += 0.3
        progress.status("exec_1", "completed")
    text = output(stream)
    assert text == (
        f"\ra exec_1 pending 0.3s{CLEAR_TO_END_OF_LINE}"
        f"\rb exec_1 pending 1.2s{CLEAR_TO_END_OF_LINE}"
        f"\rb exec_1 running 1.2s{CLEAR_TO_END_OF_LINE}"
        f"\rb exec_1 completed 1.5s{CLEAR_TO_END_OF_LINE}"
        f"\rexec_1 completed 1.5s{CLEAR_TO_END_OF_LINE}\n"
    )


def test_progress_off_a_terminal_prints_one_plain_line_per_status_change() -> None:
    stream, clock = io.StringIO(), FakeClock()
    with Progress(stream, live=False, subject="exec_1", clock=clock, spinner="abc") as progress:
        progress.status("exec_1", "pending")
        clock.now += 1.23
        progress.tick()
        progress.status("exec_1", "running")
        progress.status("exec_1", "running")
        progress.tick()
        clock.now += 1.0
        progress.status("exec_1", "completed")
    assert output(stream) == "exec_1 pending (0.0s)\nexec_1 running (1.2s)\nexec_1 completed (2.2s)\n"


def test_progress_line_is_cut_to_the_terminal_width() -> None:
    progress = Progress(TtyStream(), live=True, subject="exec_" + "x" * 50, spinner="a", columns=20, ticker=False)
    assert len(progress.line(spin=True)) == 19


def test_progress_falls_back_to_an_ascii_spinner() -> None:
    class AsciiStream(io.StringIO):
        encoding = "ascii"

    ascii_line = Progress(AsciiStream(), live=True, subject="s", ticker=False).line(spin=True)
    utf8_line = Progress(io.TextIOWrapper(io.BytesIO(), "utf-8"), live=True, subject="s", ticker=False).line(spin=True)
    assert ascii_line[0] in ASCII_SPINNER
    assert utf8_line[0] in UNICODE_SPINNER


def test_progress_ticker_thread_redraws_and_stops() -> None:
    stream = TtyStream()
    progress = Progress(stream, live=True, subject="exec_1", spinner="ab")
    with progress:
        deadline = time.monotonic() + 5.0
        while output(stream).count("\r") < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
    assert output(stream).count("\r") >= 4
    assert output(stream).endswith("\n")
    assert not any(thread.name == "eigenpal-progress" for thread in threading.enumerate())
    length = len(output(stream))
    time.sleep(0.25)
    assert len(output(stream)) == length  # nothing drawn after the block


def test_console_chooses_live_progress_only_on_a_terminal() -> None:
    assert Console(io.StringIO(), TtyStream(), io.StringIO()).progress("s").live is True
    assert Console(io.StringIO(), io.StringIO(), io.StringIO()).progress("s").live is False


# --------------------------------------------------------------------------------------------------------
# argparse and main


@pytest.fixture
def api_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_API_KEY", "eg_unit_key")
    monkeypatch.setenv("EIGENPAL_BASE_URL", "http://127.0.0.1:9")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["workflows"],
        ["run"],
        ["executions", "list", "echo", "--limit", "many"],
        ["workflows", "list", "--kind", "pipeline"],
        ["run", "echo", "--wait", "--timeout", "0"],
        ["run", "echo", "--wait", "--timeout", "nan"],
        ["executions", "wait", "exec_1", "--timeout", "inf"],
        ["--request-timeout", "-1", "workflows", "list"],
        ["executions", "list", "echo", "--limit", "500"],
        ["workflows", "list", "--offset", "-1"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str], api_env: None) -> None:
    assert main(argv) == 2
    assert "usage: eigenpal" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "exit codes" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert "eigenpal-ext" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["runs", "start", "--help"]])
def test_help_says_key_equals_is_a_string_and_key_colon_equals_is_json(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "-i version=1.10 always a string" in out
    assert "-i seconds:=2 JSON: the number 2" in out
    assert "=@@text is the literal string" in out
    assert "-i contract_document=@contract.pdf a file, uploaded" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "--api-key", "k", "--base-url", "http://h", "executions", "get", "exec_1"],
        ["executions", "get", "exec_1", "--json", "--api-key", "k", "--base-url", "http://h"],
        ["executions", "--json", "get", "--api-key", "k", "exec_1", "--base-url", "http://h"],
    ],
)
def test_global_options_go_before_or_after_the_subcommand(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.json, args.api_key, args.base_url, args.execution_id) == (True, "k", "http://h", "exec_1")


def test_global_options_before_the_subcommand_are_not_reset_by_it() -> None:
    args = build_parser().parse_args(["--debug", "--request-timeout", "5", "workflows", "list"])
    assert (args.debug, args.request_timeout, args.json) == (True, 5.0, False)


def test_missing_api_key_exits_2_naming_flag_and_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("EIGENPAL_API_KEY", raising=False)
    assert main(["workflows", "list"]) == 2
    err = capsys.readouterr().err
    assert "--api-key" in err
    assert "EIGENPAL_API_KEY" in err
    assert len(err.strip().splitlines()) == 1


def test_debug_adds_the_traceback_before_the_error_line() -> None:
    refused = raise_(httpx.ConnectError)  # retried, then exit 7 (simulated time: nothing sleeps)
    plain = run_cli(["workflows", "get", "x"], refused)
    assert plain.code == ExitCode.CONNECTION_ERROR
    assert "Traceback" not in plain.err
    debug = run_cli(["--debug", "workflows", "get", "x"], refused)
    assert debug.code == ExitCode.CONNECTION_ERROR
    assert debug.err.startswith("Traceback")
    assert debug.err.splitlines()[-1].startswith("error: ")


def test_api_key_is_never_printed() -> None:
    secret = "eg_secret_value_123456"
    done = run_cli(["--debug", "executions", "get", "x"], raise_(httpx.ConnectError), api_key=secret)
    assert done.code == ExitCode.CONNECTION_ERROR
    assert secret not in done.out + done.err


def test_main_makes_its_client_from_the_command_line_settings() -> None:
    made: list[dict[str, object]] = []

    def make_client(**settings: Any) -> EigenpalClient:
        made.append(settings)
        answer = httpx.MockTransport(lambda request: httpx.Response(500))
        return EigenpalClient(**settings, transport=answer, sleep=lambda seconds: None)

    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["--api-key", "eg_unit_key", "--base-url", "https://h.test", "--request-timeout", "7", "workflows", "list"]
    assert main(argv, make_client=make_client, stdout=stdout, stderr=stderr) == ExitCode.API_ERROR
    assert made == [{"api_key": "eg_unit_key", "base_url": "https://h.test", "request_timeout_seconds": 7.0}]
    assert stderr.getvalue().startswith("error: HTTP 500")
    assert stdout.getvalue() == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "echo", "--timeout", "3"], "--timeout only applies with --wait"),
        (["run", "echo", "--cancel-on-timeout", "--poll-interval", "1"], "only apply with --wait"),
        (["run", "echo", "-i", "novalue"], "expected KEY=TEXT, KEY:=JSON, KEY=@FILE"),
        (["executions", "list", "echo", "--all", "--offset", "5"], "--all and --offset"),
    ],
)
def test_usage_errors_found_after_parsing_exit_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], api_env: None
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert len(err.splitlines()) == 1


# --------------------------------------------------------------------------------------------------------
# Ctrl-C while waiting (the interrupt is raised by the fake server at a chosen request)

Handler = Callable[[httpx.Request], httpx.Response]


def status_json(status: str) -> dict[str, Any]:
    return {"executionId": "exec_1", "status": status, "createdAt": "2026-11-27T03:40:01Z"}


@pytest.fixture
def fake_api() -> FakeApi:
    """The shared ``FakeApi``: a run that never ends, and a Ctrl-C (``KeyboardInterrupt``) at the third poll."""
    return FakeApi(finishes_after=None, run_extra={"status": "pending"}, interrupt_at_poll=3)


@pytest.fixture
def fake_client(fake_api: FakeApi) -> Iterator[EigenpalClient]:
    with fake_api.client() as client:
        yield client


def test_interrupt_with_cancel_on_interrupt_cancels_and_exits_130(
    fake_client: EigenpalClient, fake_api: FakeApi
) -> None:
    console = make_console()
    code = run_command(["run", "sleep", "--wait", "--cancel-on-interrupt"], fake_client, console)
    assert code == 130
    err = output(console.stderr)
    assert "interrupted: execution exec_1 is still running" in err
    assert "exec_1: cancellation-requested (was running)" in err
    assert len(fake_api.cancels) == 1


def test_interrupt_asks_on_a_terminal_and_cancels_on_yes(fake_client: EigenpalClient, fake_api: FakeApi) -> None:
    console = make_console(stdin=TtyStream("y\n"))
    assert run_command(["executions", "wait", "exec_1"], fake_client, console) == 130
    assert "Cancel execution exec_1? [y/N] " in output(console.stderr)
    assert len(fake_api.cancels) == 1


def test_interrupt_asks_on_a_terminal_and_keeps_it_on_no(fake_client: EigenpalClient, fake_api: FakeApi) -> None:
    console = make_console(stdin=TtyStream("\n"))
    assert run_command(["executions", "wait", "exec_1"], fake_client, console) == 130
    err = output(console.stderr)
    assert "Cancel execution exec_1? [y/N] " in err
    assert "eigenpal executions cancel exec_1" in err
    assert len(fake_api.cancels) == 0


def test_interrupt_without_a_terminal_does_not_ask(fake_client: EigenpalClient, fake_api: FakeApi) -> None:
    console = make_console(stdin=io.StringIO("y\n"))
    assert run_command(["run", "sleep", "--wait"], fake_client, console) == 130
    err = output(console.stderr)
    assert "[y/N]" not in err
    assert "interrupted: execution exec_1 is still running" in err
    assert len(fake_api.cancels) == 0


def test_interrupt_before_the_id_arrived_says_how_to_find_it(fake_api: FakeApi) -> None:
    def interrupt(_request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    console = make_console()
    with EigenpalClient(api_key="k", base_url=BASE_URL, transport=httpx.MockTransport(interrupt)) as client:
        assert run_command(["run", "sleep", "--wait", "--cancel-on-interrupt"], client, console) == 130
    assert "eigenpal executions list sleep --from 'now()-10m'" in output(console.stderr)


def test_wait_prints_result_and_maps_its_status(fake_api: FakeApi) -> None:
    def rejected(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={**status_json("rejected"), "error": "rejected by the reviewer"})

    console = make_console()
    with EigenpalClient(api_key="k", base_url=BASE_URL, transport=httpx.MockTransport(rejected)) as client:
        assert run_command(["executions", "wait", "exec_1", "--json"], client, console) == ExitCode.REJECTED
    assert json.loads(output(console.stdout))["error"] == "rejected by the reviewer"
    assert re.fullmatch(r"exec_1 rejected \(\d+\.\ds\)\n", output(console.stderr))
