"""The small holes of the local server, probed over raw sockets on 127.0.0.1: one tenant's counters seen by
another, every key printed in the startup banner, and plain-text answers to requests uvicorn cannot parse.

``/admin/stats`` now answers each tenant with its own counters only (executions, replayed runs, injected
faults). The ``eigenpal-dev-server`` banner shows the public development key, and only the first
characters of keys you chose. A request line or head past 16 KiB gets the JSON error envelope (414 or
431) whether or not it arrived in one read, and a request that is not HTTP a JSON 400: uvicorn lets the
protocol class be replaced (``Config(http=...)``), and the server's subclass answers with the envelope.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eigenpal_ext.testing import DEFAULT_API_KEY, FaultConfig, LocalEigenpalServer, ServerConfig
from tests.e2e.hostile_server_raw import RawConnection, RawResponse, json_request, request_head

KEYS = {"key-of-tenant-a-0123456789": "tenant-a", "key-of-tenant-b-9876543210": "tenant-b"}
KEY_A, KEY_B = KEYS
HEAD_LIMIT = 16 * 1024


def exchange(port: int, data: bytes) -> RawResponse:
    with RawConnection(port) as connection:
        connection.send(data)
        return connection.read_response()


def stats(server: LocalEigenpalServer, key: str) -> dict[str, object]:
    answer = exchange(server.port, request_head("GET", "/admin/stats", key=key))
    assert answer.status == 200, answer.body
    body: dict[str, object] = answer.json()
    return body


# --- per-tenant counters ------------------------------------------------------------------------------------


def test_stats_count_each_tenants_own_executions_and_replays() -> None:
    with LocalEigenpalServer(ServerConfig(api_keys=KEYS)) as server:
        run = json_request("/api/v1/workflows/echo/run", '{"input": {}}', key=KEY_A)
        replayed = run.replace(b"\r\n\r\n", b"\r\nIdempotency-Key: same-run\r\n\r\n", 1)
        for request in (run, replayed, replayed):
            assert exchange(server.port, request).status == 201

        mine, theirs = stats(server, KEY_A), stats(server, KEY_B)

    assert mine["executions"] == 2
    assert mine["idempotentReplays"] == 1
    assert theirs == {"executions": 0, "byStatus": {}, "idempotentReplays": 0, "faults": {}}


def test_stats_show_each_tenant_the_faults_injected_into_its_own_requests() -> None:
    faults = FaultConfig(error_503_rate=0.5, seed=3)
    with LocalEigenpalServer(ServerConfig(api_keys=KEYS, faults=faults)) as server:
        statuses = [
            exchange(server.port, request_head("GET", "/api/v1/workflows", key=KEY_A)).status for _ in range(20)
        ]
        mine, theirs = stats(server, KEY_A), stats(server, KEY_B)
        total = dict(server.state.faults.counts) if server.state.faults is not None else {}

    assert mine["faults"] == {"503": statuses.count(503)} == total
    assert statuses.count(503) > 0
    assert theirs["faults"] == {}


# --- the startup banner -------------------------------------------------------------------------------------


def banner(scratch: Path, *args: str) -> str:
    process = subprocess.Popen(
        [sys.executable, "-m", "eigenpal_ext.testing", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        assert process.stdout is not None
        return process.stdout.readline().rstrip("\n")  # the first line; the process exits on failure
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def test_the_banner_shows_the_public_development_key(tmp_path: Path) -> None:
    line = banner(tmp_path)
    assert line.endswith(f"(API key: {DEFAULT_API_KEY})"), line


def test_the_banner_does_not_print_chosen_keys(tmp_path: Path) -> None:
    line = banner(tmp_path, "--api-key", f"{KEY_A}=tenant-a", "--api-key", "short-key")

    assert KEY_A not in line, line
    assert "short-key" not in line, line
    assert line.endswith("(API keys: key-… (tenant tenant-a), sh…)"), line


# --- requests uvicorn or the application refuse before routing ----------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        yield local


def assert_json_envelope(answer: RawResponse, status: int, message: str) -> None:
    assert answer.status == status, answer.body[:200]
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["requestId"] == answer.headers["x-request-id"]
    assert message in answer.issues[0]["message"]


@pytest.mark.parametrize("path_bytes", [HEAD_LIMIT + 1_000, 1024 * 1024], ids=["17KiB", "1MiB"])
def test_an_oversized_request_line_gets_the_json_envelope(server: LocalEigenpalServer, path_bytes: int) -> None:
    request = b"GET /" + b"a" * path_bytes + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = exchange(server.port, request)
    assert_json_envelope(answer, 414, f"the request line is longer than {HEAD_LIMIT} bytes")


def test_oversized_headers_get_the_json_envelope(server: LocalEigenpalServer) -> None:
    request = request_head("GET", "/healthz", key=None, extra={"X-Padding": "p" * (HEAD_LIMIT + 1_000)})
    answer = exchange(server.port, request)
    assert_json_envelope(answer, 431, f"the request line and headers are longer than {HEAD_LIMIT} bytes")


def test_a_request_that_is_not_http_gets_the_json_envelope(server: LocalEigenpalServer) -> None:
    answer = exchange(server.port, b"NOT HTTP AT ALL\r\n\r\n")
    assert_json_envelope(answer, 400, "could not be parsed as HTTP/1.1")


def test_a_request_head_below_the_limit_is_served(server: LocalEigenpalServer) -> None:
    request = request_head("GET", "/healthz", key=None, extra={"X-Padding": "p" * (HEAD_LIMIT // 2)})
    answer = exchange(server.port, request)
    assert (answer.status, answer.json()) == (200, {"ok": True})
