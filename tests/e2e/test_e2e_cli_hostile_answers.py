"""The ``eigenpal`` command against a server whose answers are hostile (issue 15, items 8, 9 and 10).

The CLI runs as a subprocess (``python -m eigenpal_ext.cli``) against a small real-socket server from
``hostile_server`` on 127.0.0.1 that answers with:

- strings holding terminal controls: C1 controls (CSI ``\\x9b``, OSC ``\\x9d``, NEL ``\\x85``), DEL and
  bidi overrides (U+202A-U+202E, U+2066-U+2069). Printed raw, they recolour or reorder the user's
  terminal; the command must escape them in text mode and in ``--json`` output (as ``\\uXXXX``, so the
  JSON still decodes to the same string);
- an execution id built to run a command when a recovery hint is pasted into a shell
  (``exec_1;touch${IFS}/tmp/owned``): every hint must quote it so that it stays one argument;
- a wrongly typed field (``"total": "lots"``): an API error (exit 6), never a usage error (exit 2).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.hostile_server import HostileServer, RawRequest, answer, execution_status, routes

CLI = [sys.executable, "-m", "eigenpal_ext.cli"]
KEY = "eg_test_key_0123456789"
TIMEOUT_SECONDS = 20.0
# Every character class the terminal must never see raw: C1 (CSI, OSC, NEL, and the rest), DEL, bidi overrides.
HOSTILE = "a\x9b31mred\x9d0;title\x07\x85next\x7fdel\u202aL\u202bR\u202cP\u202dO\u202eE\u2066I\u2067I\u2068I\u2069Z"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EVIL_ID = "exec_1;touch${IFS}/tmp/owned"
CREATED = "2026-11-27T10:00:00Z"


def hostile_api(status: str = "completed") -> Any:
    """Every answer the commands below read, each carrying ``HOSTILE`` wherever the server supplies text."""
    workflow = {"id": "wf_1", "name": HOSTILE, "version": HOSTILE, "createdAt": CREATED}
    execution = {**execution_status(EVIL_ID, status), "result": {"text": HOSTILE, HOSTILE: 1}, "error": None}
    summary = {"id": HOSTILE, "workflowId": "wf_1", "status": "completed", "createdAt": CREATED}
    return routes(
        {
            ("GET", "/api/v1/workflows/executions/"): answer(200, execution),
            ("GET", "/api/v1/workflows/wf_1/executions"): answer(200, page([summary])),
            ("POST", "/api/v1/workflows/"): answer(201, {"executionId": EVIL_ID}),
            ("GET", "/api/v1/workflows/wf_1"): answer(200, workflow),
            ("GET", "/api/v1/workflows"): answer(200, page([workflow])),
        }
    )


def page(items: list[dict[str, Any]], total: object = None) -> dict[str, Any]:
    return {"data": items, "total": len(items) if total is None else total, "limit": 50, "offset": 0}


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer(hostile_api()) as server:
        yield server


def env_for(server: HostileServer) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    env.update(EIGENPAL_BASE_URL=server.base_url, EIGENPAL_API_KEY=KEY, PYTHONIOENCODING="utf-8")
    return env


def cli(server: HostileServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env_for(server), capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


# --- item 8: server strings are escaped, in text and in JSON ------------------------------------------------

COMMANDS = {
    "workflows list": ["workflows", "list"],
    "workflows get": ["workflows", "get", "wf_1"],
    "executions get": ["executions", "get", "exec_1"],
    "executions list": ["executions", "list", "wf_1"],
    "executions wait": ["executions", "wait", "exec_1"],
    "run --wait": ["run", "wf_1", "--wait"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_text_output_escapes_c1_del_and_bidi_controls(hostile: HostileServer, command: str) -> None:
    done = cli(hostile, *COMMANDS[command])
    assert done.returncode == 0, done.stderr
    for stream in (done.stdout, done.stderr):
        shown = FORBIDDEN.findall(stream)
        assert shown == [], f"{command}: raw control characters reached the terminal: {shown!r}\n{stream!r}"
    assert "\\x9b" in done.stdout or "\\u202e" in done.stdout  # escaped, not dropped


@pytest.mark.parametrize("command", list(COMMANDS))
def test_json_output_escapes_them_as_u_escapes_and_still_decodes_to_the_same_strings(
    hostile: HostileServer, command: str
) -> None:
    done = cli(hostile, "--json", *COMMANDS[command])
    assert done.returncode == 0, done.stderr
    shown = FORBIDDEN.findall(done.stdout)
    assert shown == [], f"{command} --json: raw control characters in the JSON: {shown!r}"
    assert "\\u009b" in done.stdout or "\\u202e" in done.stdout
    assert HOSTILE in strings_in(json.loads(done.stdout))  # the same string, character for character


def strings_in(value: Any) -> set[str]:
    """Every string in decoded JSON, keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value) | {text for item in value.values() for text in strings_in(item)}
    if isinstance(value, list):
        return {text for item in value for text in strings_in(item)}
    return set()


# --- item 9: recovery hints quote the id -------------------------------------------------------------------


def pasted_arguments(hint_line: str, command: str) -> list[str]:
    """The arguments ``eigenpal`` gets when a user pastes the command of ``hint_line`` into bash.

    ``eigenpal`` is a shell function that prints its arguments, and ``touch`` one that reports being run
    (``shlex.split`` alone would not do: it keeps ``;`` inside a word, where bash ends the command).
    """
    pasted = hint_line[hint_line.index(command) :]
    script = f"eigenpal() {{ printf '%s\\0' \"$@\"; }}\ntouch() {{ echo OWNED >&2; }}\n{pasted}\n"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=10, check=False)
    assert "OWNED" not in done.stderr, f"pasting {pasted!r} ran a second command"
    return ["eigenpal", *done.stdout.split("\0")[:-1]]


def test_the_wait_hint_after_a_timeout_pastes_as_one_argument() -> None:
    with HostileServer(hostile_api(status="running")) as server:
        done = cli(server, "run", "wf_1", "--wait", "--timeout", "1")
    assert done.returncode == 5, done.stderr
    line = next(line for line in done.stderr.splitlines() if "eigenpal executions wait" in line)
    assert pasted_arguments(line, "eigenpal executions wait") == ["eigenpal", "executions", "wait", EVIL_ID]


def test_the_cancel_hint_after_ctrl_c_pastes_as_one_argument() -> None:
    with HostileServer(hostile_api(status="running")) as server:
        process = subprocess.Popen(
            [*CLI, "run", "wf_1", "--wait"], env=env_for(server), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        polled = poll_count_reaches(server, 1)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=TIMEOUT_SECONDS)
    assert polled
    assert process.returncode == 130, err
    line = next(line for line in err.splitlines() if "eigenpal executions cancel" in line)
    assert pasted_arguments(line, "eigenpal executions cancel") == ["eigenpal", "executions", "cancel", EVIL_ID]


def test_the_list_hint_for_a_lost_run_quotes_the_workflow() -> None:
    workflow = "wf;touch${IFS}/tmp/owned"

    def drop_run(request: RawRequest, conn: Any) -> None:
        conn.head(200, {"Content-Type": "application/json"}, length=100)  # then close: the answer is lost

    with HostileServer(routes({("POST", "/api/v1/workflows/"): drop_run})) as server:
        done = cli(server, "run", workflow)
    assert done.returncode == 7, done.stderr
    line = next(line for line in done.stderr.splitlines() if "eigenpal executions list" in line)
    arguments = pasted_arguments(line, "eigenpal executions list")
    assert arguments[:4] == ["eigenpal", "executions", "list", workflow]


def poll_count_reaches(server: HostileServer, polls: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(1 for request in server.requests if request.method == "GET") >= polls:
            return True
        time.sleep(0.02)
    return False


# --- item 10: a wrongly typed field is an API error -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "route"),
    [
        (["workflows", "list"], ("GET", "/api/v1/workflows")),
        (["executions", "list", "wf_1"], ("GET", "/api/v1/workflows/wf_1/executions")),
        (["workflows", "versions", "wf_1"], ("GET", "/api/v1/workflows/wf_1/versions")),
    ],
)
def test_a_wrongly_typed_total_exits_6_not_2(args: list[str], route: tuple[str, str]) -> None:
    with HostileServer(routes({route: answer(200, page([], total="lots"))})) as server:
        done = cli(server, *args)
    assert done.returncode == 6, (done.returncode, done.stderr)
    assert "total" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")


def test_the_hostile_strings_are_what_the_test_says_they_are() -> None:
    """A guard on the test itself: every class the issue names is in HOSTILE."""
    for char in ("\x9b", "\x9d", "\x85", "\x7f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))):
        assert char in HOSTILE, repr(char)
        assert FORBIDDEN.fullmatch(char)
