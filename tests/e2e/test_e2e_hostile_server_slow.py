"""Slow and dead clients against the local server, over raw sockets on 127.0.0.1.

A client that stops sending mid-body gets a 408 envelope once ``body_read_timeout_seconds`` pass without
progress (0.5 s here, so no test waits long; the default stays 30 s), and its partial upload is deleted.
A slow client that keeps sending is not cut off. A request head must be complete within the same time
(from the connection, or from the previous answer): half a head gets a 408, nothing at all a close.
``stop()`` ends uploads in flight with a 503 envelope instead of leaving them to uvicorn's
graceful-shutdown timeout (which answered a text/plain 500 after 2 s). A server killed mid-upload
leaves a partial file; the next server on the same data directory removes it before serving.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext.testing import DEFAULT_API_KEY, LocalEigenpalServer, ServerConfig, write_sample_invoice
from tests.e2e.hostile_server_raw import (
    MULTIPART_TYPE,
    RawConnection,
    closing,
    file_part_head,
    request_head,
    text_part,
    upload_files,
    wait_until,
)

IDLE_SECONDS = 0.5
RUN_INVOICE = "/api/v1/workflows/extract-invoice/run"
RUN_ECHO = "/api/v1/workflows/echo/run"
MIB = 1024 * 1024
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+) ")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalEigenpalServer]:
    config = ServerConfig(data_dir=tmp_path / "data", body_read_timeout_seconds=IDLE_SECONDS)
    with LocalEigenpalServer(config) as local:
        yield local


def upload_head(key: str, length: int = 64 * MIB) -> bytes:
    return request_head("POST", RUN_INVOICE, key=key, content_length=length, content_type=MULTIPART_TYPE)


def test_the_default_body_read_timeout_is_at_most_30_seconds() -> None:
    assert 0 < ServerConfig().body_read_timeout_seconds <= 30
    with pytest.raises(ValueError, match="body_read_timeout_seconds"):
        ServerConfig(body_read_timeout_seconds=float("nan"))


def test_a_client_stalling_mid_upload_gets_408_and_its_partial_file_is_deleted(server: LocalEigenpalServer) -> None:
    with RawConnection(server.port) as connection:
        connection.send(upload_head(server.api_key) + file_part_head("contract_document") + b"%PDF" + b"0" * MIB)
        wait_until(lambda: bool(upload_files(server.store.files_dir)), what="the partial upload file")
        started = time.monotonic()
        answer = connection.read_response(deadline_seconds=IDLE_SECONDS + 5)
        waited = time.monotonic() - started
        closed = connection.closed_by_server(deadline_seconds=2.0)

    print(f"stalled upload: {answer.status} after {waited:.2f}s of silence (idle timeout {IDLE_SECONDS}s)")
    assert answer.status == 408
    assert answer.issues[0]["code"] == "request_timeout"
    assert answer.headers["connection"] == "close"
    assert closed
    assert upload_files(server.store.files_dir) == []
    assert server.store.count_executions() == 0


def test_a_client_stalling_mid_json_body_gets_408(server: LocalEigenpalServer) -> None:
    head = request_head("POST", RUN_ECHO, key=server.api_key, content_length=1000, content_type="application/json")
    with RawConnection(server.port) as connection:
        connection.send(head + b'{"input": {"a": ')
        answer = connection.read_response(deadline_seconds=IDLE_SECONDS + 5)

    assert answer.status == 408
    assert "no part of the request body arrived for 0.5 s" in answer.issues[0]["message"]


def test_a_slow_client_that_keeps_sending_is_not_cut_off(server: LocalEigenpalServer) -> None:
    body = text_part("_json", '{"input": {"slow": true}}') + closing()
    pieces = [body[i : i + 8] for i in range(0, len(body), 8)]
    pause = IDLE_SECONDS / 4
    head = request_head("POST", RUN_ECHO, key=server.api_key, content_length=len(body), content_type=MULTIPART_TYPE)
    with RawConnection(server.port) as connection:
        connection.send(head)
        for piece in pieces:  # in all about 2.5 idle timeouts, never one without progress
            time.sleep(pause)
            connection.send(piece)
        answer = connection.read_response()

    assert len(pieces) * pause > 2 * IDLE_SECONDS
    assert answer.status == 201, answer.body


def test_a_client_stalling_mid_head_gets_408(server: LocalEigenpalServer) -> None:
    with RawConnection(server.port) as connection:
        connection.send(b"POST /api/v1/workflows/echo/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        answer = connection.read_response(deadline_seconds=IDLE_SECONDS + 5)
        closed = connection.closed_by_server(deadline_seconds=2.0)

    assert answer.status == 408
    assert answer.headers["content-type"] == "application/json"
    assert answer.issues[0]["message"] == f"the request head did not arrive within {IDLE_SECONDS:g} s"
    assert closed


def test_a_client_that_connects_and_sends_nothing_is_disconnected(server: LocalEigenpalServer) -> None:
    with RawConnection(server.port) as connection:
        assert connection.closed_by_server(deadline_seconds=IDLE_SECONDS + 5)


def test_the_head_deadline_restarts_after_each_answer(server: LocalEigenpalServer) -> None:
    with RawConnection(server.port) as connection:
        for _ in range(3):  # three requests on one connection, each well within the deadline
            connection.send(request_head("GET", "/healthz", key=None))
            assert connection.read_response().status == 200
            time.sleep(IDLE_SECONDS / 3)
        connection.send(b"GET /healthz HTTP/1.1\r\n")  # then half a head, and silence
        answer = connection.read_response(deadline_seconds=IDLE_SECONDS + 5)

    assert answer.status == 408


def test_stop_ends_an_upload_in_flight_with_503_and_deletes_its_file(tmp_path: Path) -> None:
    # The default 30 s timeout: only stop() can end this upload quickly.
    server = LocalEigenpalServer(ServerConfig(data_dir=tmp_path / "data")).start()
    files_dir = server.store.files_dir
    try:
        connection = RawConnection(server.port)
        connection.send(upload_head(server.api_key) + file_part_head("contract_document") + b"%PDF" + b"0" * MIB)
        wait_until(lambda: bool(upload_files(files_dir)), what="the partial upload file")
    finally:
        started = time.monotonic()
        server.stop()
        stop_seconds = time.monotonic() - started
    with connection:
        answer = connection.read_response(deadline_seconds=2.0)

    print(f"stop() with an upload in flight returned in {stop_seconds:.2f}s; the client got {answer.status}")
    assert answer.status == 503
    assert answer.headers["content-type"] == "application/json"
    assert "the server is stopping" in answer.issues[0]["message"]
    assert upload_files(files_dir) == []


def start_dev_server(data_dir: Path, scratch: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "eigenpal_ext.testing", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )


def listening_port(process: subprocess.Popen[str]) -> int:
    assert process.stdout is not None
    line = process.stdout.readline()  # the banner is the first line; the process exits on failure
    match = LISTENING.search(line)
    assert match, f"no listening line: {line!r}"
    return int(match[1])


def test_partial_uploads_of_a_killed_server_are_swept_at_the_next_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    process = start_dev_server(data_dir, tmp_path)
    try:
        port = listening_port(process)
        # A complete run with a file first: the sweep must keep the files of stored executions.
        pdf = write_sample_invoice(tmp_path / "contract.pdf")
        with EigenpalClient(api_key=DEFAULT_API_KEY, base_url=f"http://127.0.0.1:{port}") as client:
            kept = client.workflows.run("extract-invoice", input={"contract_document": pdf})
        with RawConnection(port) as connection:
            connection.send(upload_head(DEFAULT_API_KEY) + file_part_head("contract_document") + b"%PDF" + b"0" * MIB)
            wait_until(lambda: len(upload_files(data_dir / "files")) == 2, what="the partial upload file")
            process.send_signal(signal.SIGKILL)
            process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        assert process.stdout is not None
        process.stdout.close()
    assert len(upload_files(data_dir / "files")) == 2  # the kept file and the killed upload's partial one

    with LocalEigenpalServer(ServerConfig(data_dir=data_dir)) as restarted:
        remaining = upload_files(restarted.store.files_dir)
        assert restarted.store.swept_uploads == 1
        assert [stored.path.name for stored in restarted.store.files_of(kept.execution_id)] == [
            path.name for path in remaining
        ]
