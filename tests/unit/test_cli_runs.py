"""``eigenpal runs ...`` through ``main`` on an ``httpx.MockTransport`` (simulated time): what each subcommand sends,
prints and exits with, and the errors a live server rarely produces (a start whose answer was lost, a run that
ended with a status of its own, control characters in what the server sends)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.support import Recorder, run_cli


def run_json(
    run_id: str = "exec_1", status: str = "running", *, finished: bool = False, **extra: Any
) -> dict[str, Any]:
    return {
        "id": run_id,
        "type": "workflow",
        "finished": finished,
        "execution": {"status": status},
        "timing": {"createdAt": "2026-12-07T03:00:00Z"},
        "source": {"slug": "echo", "version": "1.0.0"},
        **extra,
    }


def serving(*statuses: str, final_output: Any = None) -> Recorder:
    """A server whose run is started with 201 and then reads ``statuses`` in turn (the last one repeats)."""
    polls = iter(statuses)
    last = {"status": statuses[-1]}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/runs"):
            return httpx.Response(201, json=run_json(status="created"))
        if request.method == "POST" and request.url.path.endswith("/cancel"):
            body = {"id": "exec_1", "cancellation": {"state": "requested", "wasStatus": "running"}}
            return httpx.Response(200, json=body)
        status = next(polls, last["status"])
        ended = status in {"completed", "failed", "cancelled", "rejected", "timeout"}
        output = final_output if status == "completed" else None
        return httpx.Response(200, json=run_json(status=status, finished=ended, output=output))

    return Recorder(answer)


def test_start_sends_target_input_metadata_and_the_cli_trigger() -> None:
    recorder = serving("running")
    done = run_cli(["runs", "start", "workflows.echo@1.2.0", "-i", "a:=1", "--metadata", '{"k": "v"}'], recorder)
    assert (done.code, done.out) == (0, "exec_1\n")
    sent = recorder.requests[0]
    assert sent.url.path == "/api/v1/runs"
    assert sent.url.params["version"] == "1.2.0"
    assert sent.headers["X-Eigenpal-Trigger"] == "cli"
    body = json.loads(sent.content)
    assert (body["target"], body["input"], body["metadata"]) == ("workflows.echo", {"a": 1}, {"k": "v"})


@pytest.mark.parametrize(
    ("status", "code"), [("completed", 0), ("failed", 1), ("cancelled", 3), ("rejected", 4), ("timeout", 1)]
)
def test_a_wait_exits_with_the_code_of_how_the_run_ended(status: str, code: int) -> None:
    done = run_cli(["runs", "start", "workflows.echo", "--wait"], serving("running", status, final_output={"a": 1}))
    assert done.code == code, done.err
    assert re.search(rf"^status:\s+{status}$", done.out, re.MULTILINE)
    assert ("output:" in done.out) is (status == "completed")


def test_a_wait_that_times_out_prints_one_json_object_naming_the_run() -> None:
    done = run_cli(["runs", "wait", "exec_1", "--timeout", "3", "--json"], serving("running"))
    assert done.code == 5
    stopped = json.loads(done.out)
    assert (stopped["runId"], stopped["status"], stopped["outcome"]) == ("exec_1", "running", "timeout")
    assert "executionId" not in stopped
    assert "it may still finish: eigenpal runs wait exec_1" in done.err


def test_a_start_whose_answer_was_lost_prints_the_command_that_finds_the_run() -> None:
    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    done = run_cli(["runs", "start", "workflows.echo"], lost)
    assert done.code == 7
    line = done.err.strip()
    assert line.startswith("error: ")
    assert "its id never arrived: find it with: eigenpal runs list --from " in line
    assert " --to " in line


def test_get_expands_and_prints_the_output_and_input() -> None:
    recorder = Recorder(
        lambda request: httpx.Response(
            200,
            json=run_json(status="completed", finished=True, output={"x": 1}, input={"args": {"a": 1}, "metadata": {}}),
        )
    )
    done = run_cli(["runs", "get", "exec_1", "--expand", "input", "--expand", "usage"], recorder)
    assert done.code == 0, done.err
    assert recorder.last.url.params["expand"] == "input,usage"
    assert re.search(r"^target:\s+echo@1\.0\.0$", done.out, re.MULTILINE)
    assert re.search(r"^finished:\s+yes$", done.out, re.MULTILINE)
    assert '"x": 1' in done.out
    assert "input:" in done.out


def test_list_resolves_relative_dates_and_names_the_next_cursor() -> None:
    recorder = Recorder(lambda request: httpx.Response(200, json={"runs": [run_json()], "nextCursor": "c2"}))
    done = run_cli(["runs", "list", "--from", "now()-1d", "--status", "completed,failed", "--limit", "1"], recorder)
    assert done.code == 0, done.err
    params = recorder.last.url.params
    assert params["createdAfter"].endswith("Z")
    assert params["limit"] == "1"
    assert "--cursor c2 shows the next page" in done.err
    assert done.out.splitlines()[0].split() == ["ID", "TARGET", "STATUS", "CREATED", "DURATION"]


def test_list_all_follows_every_cursor() -> None:
    pages = {None: (["exec_1", "exec_2"], "c2"), "c2": (["exec_3"], None)}

    def answer(request: httpx.Request) -> httpx.Response:
        ids, next_cursor = pages[request.url.params.get("cursor")]
        return httpx.Response(200, json={"runs": [run_json(run_id) for run_id in ids], "nextCursor": next_cursor})

    done = run_cli(["runs", "list", "--all", "--json"], answer)
    assert done.code == 0, done.err
    assert [run["id"] for run in json.loads(done.out)] == ["exec_1", "exec_2", "exec_3"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["runs", "list", "--all", "--cursor", "c"], "--all and --cursor cannot be combined"),
        (["runs", "start", "workflows.echo", "--timeout", "5"], "--timeout only applies with --wait"),
        (["runs", "start", "echo"], "TARGET must be workflows.<slug> or agents.<slug>"),
        (["runs", "start", "workflows.echo", "--metadata", "{"], "--metadata is not valid JSON"),
        (["runs", "get", "exec_1", "--expand", "INPUT"], "--expand 'INPUT' is not a section"),
        (["runs", "list", "--from", "yesterday"], "argument --from: not a date"),
    ],
)
def test_usage_errors_exit_2_before_any_request(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder = Recorder(lambda request: httpx.Response(500))
    done = run_cli(argv, recorder)
    assert done.code == 2
    assert message in done.err + capsys.readouterr().err  # argparse's own errors go to the process's stderr
    assert recorder.requests == []


def test_cancel_steps_and_events_print_what_the_server_sent_safely() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/cancel"):
            return httpx.Response(
                200, json={"id": "exec_1", "cancellation": {"state": "cancelled", "wasStatus": "running"}}
            )
        if path.endswith("/steps"):
            return httpx.Response(200, json={"steps": [{"stepId": "read\x1b[2J", "status": "completed"}]})
        event = {"type": "run.created", "timestamp": "2026-12-07T03:00:00Z", "status": "created", "message": "hi"}
        return httpx.Response(200, json={"events": [event]})

    assert run_cli(["runs", "cancel", "exec_1"], answer).out == "exec_1: cancelled (was running)\n"
    steps = run_cli(["runs", "steps", "exec_1"], answer)
    assert "\x1b" not in steps.out
    assert "read\\x1b[2J" in steps.out
    events = run_cli(["runs", "events", "exec_1"], answer)
    assert events.out.splitlines()[1].split() == ["2026-12-07T03:00:00Z", "run.created", "created", "hi"]
