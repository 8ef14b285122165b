"""The ``eigenpal`` command's papercuts: ``--version`` vs ``--workflow-version``, errors in CLI words,
``Z`` timestamps in ``--json``, and one JSON object when a ``--json`` wait times out or is interrupted.

Commands run in-process against ``httpx.MockTransport`` fakes, with the client's clock and sleep simulated.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from eigenpal_ext import ArgumentTypeError, ArgumentValueError, EigenpalClient, __version__
from eigenpal_ext._transport_errors import error_from_transport
from eigenpal_ext._trigger import mark_may_exist
from eigenpal_ext.cli import (
    CLI_DATE_FORMS,
    Console,
    ExitCode,
    UsageError,
    error_line,
    main,
)
from tests.support import FakeApi, run_command

BASE_URL = "https://eigenpal.test"
CREATED_AT = "2026-11-27T03:40:01.250+00:00"


def make_console(*, json_output: bool = False) -> Console:
    return Console(io.StringIO(), io.StringIO(), io.StringIO(), json=json_output)


def out(console: Console) -> str:
    value: str = console.stdout.getvalue()  # type: ignore[attr-defined]
    return value


def err(console: Console) -> str:
    value: str = console.stderr.getvalue()  # type: ignore[attr-defined]
    return value


def cli_api(*, interrupt_at: int | None = None, interrupt_run: bool = False) -> FakeApi:
    """The shared ``FakeApi`` as these commands meet it: a run that never ends, one execution and one workflow
    listed, timestamps with offsets; Ctrl-C (``KeyboardInterrupt``) at poll ``interrupt_at`` or at the run."""
    return FakeApi(
        finishes_after=None, created_at=CREATED_AT, run_extra={"status": "pending"}, interrupt_at_poll=interrupt_at,
        interrupt_run=interrupt_run,
        executions=[{"id": "exec_1", "workflowId": "wf_echo", "status": "completed", "createdAt": CREATED_AT}],
        workflows=[{"id": "wf_1", "name": "echo", "createdAt": CREATED_AT, "updatedAt": "2026-11-28T01:00:00+01:00"}],
    )  # fmt: skip


@pytest.fixture
def make_client() -> Iterator[Callable[[FakeApi], EigenpalClient]]:
    clients: list[EigenpalClient] = []

    def build(api: FakeApi) -> EigenpalClient:
        client = api.client()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def api_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_API_KEY", "eg_unit_key")
    monkeypatch.setenv("EIGENPAL_BASE_URL", "http://127.0.0.1:9")


# ----------------------------------------------------------------------------------------------------------------
# --version is the program's version; --workflow-version pins a workflow version


def test_version_is_the_program_version_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"eigenpal (eigenpal-ext) {__version__}\n"


def test_run_version_without_a_value_is_the_program_version_too(
    capsys: pytest.CaptureFixture[str], api_env: None
) -> None:
    # Nothing is run: the parser prints the version and stops (the base URL points at a closed port anyway).
    assert main(["run", "echo", "--version"]) == 0
    assert capsys.readouterr().out == f"eigenpal (eigenpal-ext) {__version__}\n"


def test_the_old_run_version_flag_fails_naming_the_new_one(capsys: pytest.CaptureFixture[str], api_env: None) -> None:
    assert main(["run", "echo", "--version", "1.0.0"]) == ExitCode.USAGE
    text = capsys.readouterr().err
    assert "--version is the program's version and takes no value" in text
    assert "pin the workflow version with --workflow-version 1.0.0" in text


def test_workflow_version_pins_the_run(make_client: Callable[[FakeApi], EigenpalClient]) -> None:
    api = cli_api()
    client = make_client(api)
    assert run_command(["run", "echo", "--workflow-version", "1.0.0"], client, make_console()) == 0
    assert api.requests[-1].url.params["version"] == "1.0.0"


def test_run_help_shows_workflow_version_and_hides_the_old_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--workflow-version V" in help_text
    assert "--version" not in help_text.replace("--workflow-version", "")


# ----------------------------------------------------------------------------------------------------------------
# Errors speak CLI


@pytest.mark.parametrize("flag", ["--from", "--to"])
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "now()-7x", ""])
def test_a_bad_date_lists_the_forms_a_shell_can_pass(
    flag: str, value: str, capsys: pytest.CaptureFixture[str], api_env: None
) -> None:
    assert main(["executions", "list", "echo", flag, value]) == ExitCode.USAGE
    text = capsys.readouterr().err
    assert f"argument {flag}: not a date: {value!r}; use {CLI_DATE_FORMS}" in text
    for python_word in ("datetime", "timedelta", "from_date", "to_date", " str"):
        assert python_word not in text


@pytest.mark.parametrize("value", ["now()", "now()-7d", "now-1d12h", "2026-11-27", "2026-11-27T10:00:00Z"])
def test_good_dates_are_sent_as_written(value: str, make_client: Callable[[FakeApi], EigenpalClient]) -> None:
    api = cli_api()
    assert run_command(["executions", "list", "echo", "--from", value], make_client(api), make_console()) == 0
    assert api.requests[-1].url.params["fromDate"]


def test_sdk_argument_errors_use_the_flags(make_client: Callable[[FakeApi], EigenpalClient]) -> None:
    client = make_client(cli_api())
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: client.workflows.executions.list("echo", status=["completd"]), "error: --status 'completd' is not"),
        (lambda: client.workflows.get(""), "error: WORKFLOW must be a non-empty string"),
        (lambda: client.workflows.executions.get(" "), "error: EXECUTION_ID must be a non-empty string"),
        (
            lambda: client.workflows.executions.list("echo", from_date="now()", to_date="now()-1d"),
            "--from 'now()' (",
        ),
    ]
    for call, expected in cases:
        with pytest.raises((ValueError, TypeError)) as caught:
            call()
        line = error_line(caught.value)
        assert line.startswith(expected) or expected in line, line
        for sdk_name in ("workflow_id", "execution_id", "from_date", "to_date", "status="):
            assert sdk_name not in line
    # A plain ValueError (not the client's argument error) carries no argument: its text is printed as it is.
    assert error_line(ValueError("status='x' is not an execution status")) == (
        "error: status='x' is not an execution status"
    )


def test_the_lost_run_hint_is_a_command_built_from_the_error_fields() -> None:
    request = httpx.Request("POST", f"{BASE_URL}/api/v1/workflows/echo/run")
    error = error_from_transport(httpx.ReadTimeout("t", request=request), creates_execution=True)
    sent = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    mark_may_exist(error, "echo", sent, sent + timedelta(seconds=30))
    assert "client.workflows.executions.list('echo', from_date='2026-11-27T09:59:00Z'" in str(error)  # Python...
    line = error_line(error)
    assert "eigenpal executions list echo --from 2026-11-27T09:59:00Z --to 2026-11-27T10:01:30Z" in line  # ...shell
    assert "client.workflows" not in line


def test_an_argument_error_names_the_flag_from_its_data_and_keeps_the_rest_as_written() -> None:
    assert error_line(ArgumentValueError("limit", "must be in 1..100, got 500")) == (
        "error: --limit must be in 1..100, got 500"
    )
    # Values the client echoes are user data, even when they look like an argument name.
    assert error_line(ArgumentValueError("workflow_id", "must be a slug, got 'workflow_id'")) == (
        "error: WORKFLOW must be a slug, got 'workflow_id'"
    )
    assert error_line(ArgumentTypeError("input['from_date']", "is a set")) == "error: input['from_date'] is a set"


def test_usage_and_os_errors_are_printed_as_written() -> None:
    assert error_line(UsageError("input 'from_date': file not found: /tmp/workflow_id.pdf")) == (
        "error: input 'from_date': file not found: /tmp/workflow_id.pdf"
    )
    assert error_line(FileNotFoundError("no such file: /tmp/to_date.pdf")) == "error: no such file: /tmp/to_date.pdf"


# ----------------------------------------------------------------------------------------------------------------
# --json timestamps end in Z, like the text output


def test_json_timestamps_use_z(make_client: Callable[[FakeApi], EigenpalClient]) -> None:
    client = make_client(cli_api())
    console = make_console()
    assert run_command(["executions", "get", "exec_1", "--json"], client, console) == 0
    assert json.loads(out(console))["createdAt"] == "2026-11-27T03:40:01.250000Z"

    console = make_console()
    assert run_command(["workflows", "list", "--json"], client, console) == 0
    listed = json.loads(out(console))
    assert listed[0]["createdAt"] == "2026-11-27T03:40:01.250000Z"
    assert listed[0]["updatedAt"] == "2026-11-28T00:00:00Z"

    console = make_console()
    assert run_command(["executions", "list", "echo", "--json"], client, console) == 0
    assert json.loads(out(console))[0]["createdAt"].endswith("Z")


# ----------------------------------------------------------------------------------------------------------------
# --json: a timeout or Ctrl-C still prints one JSON object


@pytest.mark.parametrize(
    "argv",
    [
        ["executions", "wait", "exec_1", "--timeout", "3", "--json"],
        ["run", "sleep", "--wait", "--timeout", "3", "--json"],
    ],
)
def test_a_json_wait_that_times_out_prints_one_object(
    argv: list[str], make_client: Callable[[FakeApi], EigenpalClient]
) -> None:
    console = make_console()
    assert run_command(argv, make_client(cli_api()), console) == ExitCode.TIMEOUT
    stopped = json.loads(out(console))  # exactly one JSON document on stdout
    assert stopped["executionId"] == "exec_1"
    assert stopped["status"] == "running"
    assert stopped["outcome"] == "timeout"
    assert "did not finish within 3s" in stopped["message"]
    assert stopped["cancel"] is None
    assert err(console).count("error: ") == 1  # the error line still goes to stderr


def test_a_json_wait_interrupted_and_cancelled_prints_one_object(
    make_client: Callable[[FakeApi], EigenpalClient],
) -> None:
    console = make_console()
    argv = ["run", "sleep", "--wait", "--cancel-on-interrupt", "--json"]
    assert run_command(argv, make_client(cli_api(interrupt_at=3)), console) == ExitCode.INTERRUPTED
    stopped = json.loads(out(console))
    assert stopped["executionId"] == "exec_1"
    assert stopped["status"] == "running"
    assert stopped["outcome"] == "interrupted"
    assert stopped["cancel"] == {"executionId": "exec_1", "status": "cancellation-requested", "wasStatus": "running"}


def test_a_json_wait_interrupted_without_cancelling_prints_one_object(
    make_client: Callable[[FakeApi], EigenpalClient],
) -> None:
    console = make_console()
    assert run_command(["executions", "wait", "exec_1", "--json"], make_client(cli_api(interrupt_at=2)), console) == 130
    stopped: dict[str, Any] = json.loads(out(console))
    assert stopped == {
        "executionId": "exec_1",
        "status": "running",
        "outcome": "interrupted",
        "message": "interrupted: execution exec_1 is still running (last status: running)",
        "cancel": None,
    }
    assert "eigenpal executions cancel exec_1" in err(console)


def test_a_json_run_interrupted_before_the_id_arrived_prints_one_object(
    make_client: Callable[[FakeApi], EigenpalClient],
) -> None:
    console = make_console()
    client = make_client(cli_api(interrupt_run=True))
    assert run_command(["run", "sleep", "--wait", "--json"], client, console) == 130
    stopped = json.loads(out(console))
    assert stopped["executionId"] is None
    assert stopped["status"] is None
    assert stopped["outcome"] == "interrupted"
    assert "eigenpal executions list sleep --from 'now()-10m'" in stopped["message"]


def test_without_json_nothing_goes_to_stdout_on_a_timeout(make_client: Callable[[FakeApi], EigenpalClient]) -> None:
    console = make_console()
    assert run_command(["executions", "wait", "exec_1", "--timeout", "3"], make_client(cli_api()), console) == 5
    assert out(console) == ""
