"""Secrets stay hidden, header-bound values and argument types are checked before sending, server text cannot
forge output, and one situation gets one message (issue 9, client items 6, 7, 8, 9 and 11).

A misbehaving server from ``hostile_server`` on 127.0.0.1 echoes the API key everywhere, hands out execution
ids with newlines or serves an HTML page. Where an argument must be refused, the server records every request
it receives, so "before any request" is checked, not assumed.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalAPIError,
    EigenpalClient,
    EigenpalResponseError,
    EigenpalTimeoutError,
    EigenpalValidationError,
)
from tests.e2e.hostile_server import HostileServer, RawRequest, answer, hang, routes

KEY = "eg_live_secret_0123456789abcdef"
RUN = ("POST", "/api/v1/workflows/")
POLL = ("GET", "/api/v1/workflows/executions/")


@pytest.fixture
def recording() -> Iterator[HostileServer]:
    """A server that answers everything with 500: tests check that it received nothing."""
    with HostileServer(answer(500, {"error": "should not be reached"})) as server:
        yield server


def client_for(server: HostileServer, **kwargs: Any) -> EigenpalClient:
    return EigenpalClient(api_key=KEY, base_url=server.base_url, max_retries=0, **kwargs)


# --- item 6: secrets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_key", ["eg_live_abc\ndef0123", "eg_live abc0123", "eg_live_\x1babc0123", "eg_clé_0123456"]
)
def test_an_api_key_that_cannot_travel_in_a_header_is_refused_without_echoing_it(
    bad_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="API key") as caught:
        EigenpalClient(api_key=bad_key)
    assert bad_key not in str(caught.value)
    assert bad_key.strip()[:8] not in str(caught.value)

    monkeypatch.setenv("EIGENPAL_API_KEY", bad_key)
    with pytest.raises(ValueError, match="EIGENPAL_API_KEY") as from_env:
        EigenpalClient()
    assert bad_key[:8] not in str(from_env.value)


def test_the_cli_refuses_a_key_with_a_newline_without_printing_it(recording: HostileServer) -> None:
    env = {**os.environ, "EIGENPAL_API_KEY": "eg_live_top\nsecret_value", "EIGENPAL_BASE_URL": recording.base_url}
    done = _cli(["workflows", "list"], env)
    assert done.returncode != 0
    assert "secret_value" not in done.stdout + done.stderr
    assert "eg_live_top" not in done.stdout + done.stderr
    assert recording.requests == []


def echo_the_key(request: RawRequest, conn: object) -> None:
    """A 400 whose every field repeats the Authorization header it received."""
    auth = request.headers["authorization"]
    token = auth.split(" ", 1)[1]
    body = {
        "error": f"bad request from {auth}",
        "requestId": f"req_{token}",
        "hint": f"your key {token} looks wrong",
        "docsUrl": f"https://docs.example/{token}",
        "issues": [{"field": f"input.{token}", "message": f"{token} is invalid", "code": token}],
        "echo": {"headers": {"authorization": auth}, "list": [token, {"nested": token}], token: 1},
    }
    answer(400, body, headers={"X-Request-Id": f"hdr_{token}"})(request, conn)  # type: ignore[arg-type]


def test_a_server_that_echoes_the_key_into_every_field_gets_it_redacted_everywhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with HostileServer(echo_the_key) as server, client_for(server) as client:
        with pytest.raises(EigenpalValidationError) as caught:
            client.workflows.run("extract-invoice", {"n": 1})
        error = caught.value
        with caplog.at_level(logging.ERROR):
            logging.getLogger("app").error("run failed: %s", error)

    shown = [
        str(error),
        repr(error),
        error.message,
        str(error.request_id),
        str(error.hint),
        str(error.docs_url),
        repr(error.issues),
        json.dumps(error.body),
        caplog.text,
    ]
    for text in shown:
        assert KEY not in text
    assert "[REDACTED]" in error.message
    assert error.request_id == "req_[REDACTED]"
    assert error.issues[0].field == "input.[REDACTED]"
    assert error.body["echo"]["list"] == ["[REDACTED]", {"nested": "[REDACTED]"}]  # type: ignore[index]


def test_a_key_echoed_only_in_the_request_id_header_is_redacted_too() -> None:
    def header_echo(request: RawRequest, conn: object) -> None:
        token = request.headers["authorization"].split(" ", 1)[1]
        answer(404, {"error": "nope"}, headers={"X-Request-Id": token})(request, conn)  # type: ignore[arg-type]

    with HostileServer(header_echo) as server, client_for(server) as client, pytest.raises(EigenpalAPIError) as caught:
        client.workflows.get("wf_1")
    assert KEY not in str(caught.value)
    assert caught.value.request_id == "[REDACTED]"


def test_base_url_with_credentials_is_refused_without_showing_the_password() -> None:
    with pytest.raises(ValueError, match="credentials") as caught:
        EigenpalClient(api_key=KEY, base_url="https://user:hunter2secret@app.eigenpal.com")
    assert "hunter2secret" not in str(caught.value)
    with pytest.raises(ValueError, match="base_url") as other:
        EigenpalClient(api_key=KEY, base_url="ftp://user:hunter2secret@host")
    assert "hunter2secret" not in str(other.value)


def test_the_client_repr_shows_no_secret() -> None:
    with EigenpalClient(api_key=KEY, base_url="http://127.0.0.1:9") as client:
        assert KEY not in repr(client)
        assert KEY not in repr(client._settings)


# --- item 7: header-bound values are checked before sending --------------------------------------------


@pytest.mark.parametrize("bad", ["key\r\nX-Evil: 1", "key\n", "key\x00", "clé-1", "has space", "", "k" * 256])
def test_an_idempotency_key_that_cannot_be_a_header_is_refused_before_any_request(
    recording: HostileServer, bad: str
) -> None:
    with client_for(recording) as client, pytest.raises(ValueError, match="idempotency_key"):
        client.workflows.run("extract-invoice", {"n": 1}, idempotency_key=bad)
    assert recording.requests == []


@pytest.mark.parametrize(
    ("upload", "named"),
    [
        ({"content": b"%PDF", "filename": "a.pdf", "mime_type": "application/pdf\r\nX-Evil: 1"}, "mime_type"),
        ({"content": b"%PDF", "filename": "a.pdf", "mime_type": "text/plain\n"}, "mime_type"),
        ({"content": b"%PDF", "filename": "a.pdf", "mime_type": "nonsense"}, "mime_type"),
        ({"content": b"%PDF", "filename": "a\r\nX-Evil: 1.pdf"}, "file name"),
        ({"content": b"%PDF", "filename": "a\x00.pdf"}, "file name"),
    ],
)
def test_upload_part_headers_cannot_be_injected(recording: HostileServer, upload: dict[str, Any], named: str) -> None:
    with client_for(recording) as client, pytest.raises(ValueError, match=named) as caught:
        client.workflows.run("extract-invoice", {"document": upload})
    assert "input['document']" in str(caught.value)
    assert recording.requests == []


def test_a_file_handle_whose_name_has_a_newline_is_refused(recording: HostileServer) -> None:
    handle = io.BytesIO(b"%PDF")
    handle.name = "evil\r\nX-Evil: 1.pdf"
    with client_for(recording) as client, pytest.raises(ValueError, match="file name"):
        client.workflows.run("extract-invoice", {"document": handle})
    assert recording.requests == []


def test_a_clean_upload_still_reaches_the_server_with_its_headers() -> None:
    with HostileServer(answer(201, {"executionId": "exec_1"})) as server, client_for(server) as client:
        client.workflows.run("extract-invoice", {"document": {"content": b"%PDF-1.4", "filename": "façade.pdf"}})
    body = server.requests[0].body
    assert b"Content-Type: application/pdf" in body
    assert b"X-Evil" not in body


def test_a_lone_surrogate_in_a_json_input_is_a_value_error(recording: HostileServer) -> None:
    with client_for(recording) as client:
        with pytest.raises(ValueError, match=r"input\['note'\]\['text'\].*surrogate"):
            client.workflows.run("extract-invoice", {"note": {"text": "bad \udc80 byte"}})
        with pytest.raises(ValueError, match="surrogate"):
            client.workflows.run("extract-invoice", {"note": {"\ud800": 1}})
    assert recording.requests == []


def test_a_lone_surrogate_in_a_url_bound_argument_is_a_value_error(recording: HostileServer) -> None:
    with client_for(recording) as client:
        with pytest.raises(ValueError, match="workflow_id contains"):
            client.workflows.get("wf_\udc80")
        with pytest.raises(ValueError, match="version contains"):
            client.workflows.run("extract-invoice", {"n": 1}, version="v\ud800")
        with pytest.raises(ValueError, match="search contains"):
            client.workflows.list(search="\udc80")
        with pytest.raises(ValueError, match="execution_id contains"):
            client.workflows.executions.get("exec_\udc80")
    assert recording.requests == []


# --- item 8: argument types ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_timeouts_are_value_errors(recording: HostileServer, bad: float) -> None:
    with pytest.raises(ValueError, match="timeout_seconds"):
        EigenpalClient(api_key=KEY, base_url=recording.base_url, request_timeout_seconds=bad)
    with client_for(recording) as client:
        with pytest.raises(ValueError, match="timeout_seconds"):
            client.workflows.get("wf_1", request_timeout_seconds=bad)
        with pytest.raises(ValueError, match="timeout_seconds"):
            client.workflows.run("extract-invoice", {"n": 1}, request_timeout_seconds=bad)
    assert recording.requests == []


def test_boolean_flags_accept_only_bools(recording: HostileServer) -> None:
    with client_for(recording) as client:
        executions = client.workflows.executions
        with pytest.raises(TypeError, match="cancel_on_timeout"):
            executions.wait("exec_1", cancel_on_timeout="no", timeout_seconds=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="cancel_on_timeout"):
            executions.run_and_wait("wf", cancel_on_timeout="no", timeout_seconds=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="server_hold"):
            executions.run_and_wait("wf", server_hold="no", timeout_seconds=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="include_steps"):
            executions.get("exec_1", include_steps="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="idempotent_runs"):
        EigenpalClient(api_key=KEY, idempotent_runs="yes")  # type: ignore[arg-type]
    assert recording.requests == []


def test_on_status_and_status_of_the_wrong_type_are_clear_type_errors(recording: HostileServer) -> None:
    with client_for(recording) as client:
        with pytest.raises(TypeError, match="on_status must be a function"):
            client.workflows.executions.wait("exec_1", on_status=5, timeout_seconds=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="status must be an execution status or a list"):
            client.workflows.executions.list("wf_1", status=5)  # type: ignore[arg-type]
    assert recording.requests == []


def test_async_client_checks_the_same_arguments(recording: HostileServer) -> None:
    async def scenario() -> None:
        async with AsyncEigenpalClient(api_key=KEY, base_url=recording.base_url) as client:
            with pytest.raises(TypeError, match="cancel_on_timeout"):
                await client.workflows.executions.wait("exec_1", cancel_on_timeout="no")  # type: ignore[arg-type]
            with pytest.raises(ValueError, match="idempotency_key"):
                await client.workflows.run("wf", {"n": 1}, idempotency_key="a\nb")

    asyncio.run(scenario())
    assert recording.requests == []


# --- item 9: server-supplied text cannot forge output ------------------------------------------------------

FORGED_ID = "exec_1\nERROR root: forged line\x1b[2J"


def test_an_execution_id_with_a_newline_cannot_forge_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    behaviour = routes({RUN: answer(201, {"executionId": FORGED_ID}), POLL: hang})
    with (
        HostileServer(behaviour) as server,
        client_for(server, request_timeout_seconds=5) as client,
        pytest.raises(EigenpalTimeoutError) as caught,
    ):
        client.workflows.executions.run_and_wait("wf", timeout_seconds=1)
    with caplog.at_level(logging.ERROR):
        logging.getLogger("app").error("%s", caught.value)

    assert caught.value.execution_id == FORGED_ID  # the value itself is kept, for API calls
    assert "\n" not in caught.value.message
    text = str(caught.value)
    assert "\n" not in text
    assert "\x1b" not in text
    assert "exec_1\\nERROR root: forged line\\x1b[2J" in text
    assert len([line for line in caplog.text.splitlines() if line.strip()]) == 1


def test_eigenpal_run_prints_a_server_supplied_id_on_one_line() -> None:
    with HostileServer(routes({RUN: answer(201, {"executionId": FORGED_ID})})) as server:
        env = {**os.environ, "EIGENPAL_API_KEY": KEY, "EIGENPAL_BASE_URL": server.base_url}
        done = _cli(["run", "extract-invoice", "-i", "n=1"], env)

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert "\x1b" not in done.stdout
    assert "forged line" in done.stdout


def test_server_text_with_control_characters_is_escaped_in_error_messages() -> None:
    body = {"error": "bad\x1b[31m red\x07", "requestId": "req\n2", "hint": "line\rtwo"}
    with (
        HostileServer(answer(400, body)) as server,
        client_for(server) as client,
        pytest.raises(EigenpalValidationError) as caught,
    ):
        client.workflows.get("wf_1")
    text = str(caught.value)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\n" not in text
    assert "\r" not in text


# --- item 11: one message per situation -------------------------------------------------------------------


def test_an_html_200_on_run_says_wrong_host_and_nothing_about_an_execution() -> None:
    page = b"<!doctype html><html><body>Welcome</body></html>"
    behaviour = answer(200, page, headers={"Content-Type": "text/html; charset=utf-8"})
    with (
        HostileServer(behaviour) as server,
        client_for(server) as client,
        pytest.raises(EigenpalResponseError) as caught,
    ):
        client.workflows.run("extract-invoice", {"n": 1})

    message = caught.value.message
    assert "base_url probably points at the wrong host" in message
    assert "execution exists" not in message
    assert "run was accepted" not in message


def test_a_json_200_without_an_id_still_says_the_execution_exists() -> None:
    with (
        HostileServer(answer(200, {"unexpected": True})) as server,
        client_for(server) as client,
        pytest.raises(EigenpalResponseError) as caught,
    ):
        client.workflows.run("extract-invoice", {"n": 1})
    assert "the run was accepted, so an execution exists" in caught.value.message


# --- helpers ----------------------------------------------------------------------------------------------


def _cli(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    env = {**env, "PYTHONPATH": os.pathsep.join([str(root), str(root / "generated"), env.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "eigenpal_ext.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
