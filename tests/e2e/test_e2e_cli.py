"""The local server from a terminal: ``eigenpal-dev-server`` and ``python -m eigenpal_ext.testing``.

Each test starts the command as a real process on 127.0.0.1 with ``--port 0``, reads the URL from the
line it prints (bounded wait), talks to it over HTTP and stops it (signal, then a bounded wait).
"""

from __future__ import annotations

import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import httpx
import pytest

from eigenpal_ext import EigenpalClient, EigenpalNotFoundError, ExecutionStatus
from eigenpal_ext.testing import DEFAULT_API_KEY, LocalEigenpalServer, ServerConfig

CONSOLE_SCRIPT = Path(sys.executable).parent / "eigenpal-dev-server"
MODULE_COMMAND = [sys.executable, "-m", "eigenpal_ext.testing"]
LISTENING = re.compile(r"^eigenpal-dev-server listening on (http://127\.0\.0\.1:(\d+)) \(API keys?: (.+)\)$")
START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 5.0


class DevServer:
    """A dev-server process: started by ``start``, its printed URL and keys, stopped by ``stop``."""

    def __init__(self, argv: Sequence[str], scratch: Path) -> None:
        self.argv = list(argv)
        scratch.mkdir()
        self.stderr_path = scratch / "stderr.txt"
        self._stderr_file = self.stderr_path.open("w")
        self.process = subprocess.Popen(
            self.argv,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            stdin=subprocess.DEVNULL,
            text=True,
            # The in-memory store's temporary directory goes here: nothing is left in /tmp after a SIGTERM.
            env={**os.environ, "TMPDIR": str(scratch)},
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.printed: list[str] = []  # what it printed on stdout up to its listening line
        assert self.process.stdout is not None
        self._pump = threading.Thread(target=_pump, args=(self.process.stdout, self._lines), daemon=True)
        self._pump.start()
        self.base_url, self.port, self.keys = self._await_listening_line()

    def _await_listening_line(self) -> tuple[str, int, list[str]]:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                pytest.fail(f"{self.argv} printed no listening line in {START_TIMEOUT_SECONDS}s")
            try:
                line = self._lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:  # stdout closed: the process ended
                self.stop()
                pytest.fail(f"{self.argv} exited ({self.process.returncode}): {self.stderr_path.read_text()}")
            self.printed.append(line)
            match = LISTENING.match(line.rstrip("\n"))
            if match:
                return match[1], int(match[2]), match[3].split(", ")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> float:
        """Send ``sig``, wait (bounded) for the process to end; the seconds it took."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
                pytest.fail(f"{self.argv} did not stop within {STOP_TIMEOUT_SECONDS}s of {sig.name}")
        seconds = time.monotonic() - started
        self._pump.join(timeout=STOP_TIMEOUT_SECONDS)  # it ends at EOF, now that the process is gone
        assert self.process.stdout is not None
        self.process.stdout.close()
        self._stderr_file.close()
        return seconds

    def get(self, path: str, key: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        return httpx.get(f"{self.base_url}{path}", headers=headers, timeout=10.0)


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@pytest.fixture
def start() -> Iterator[list[DevServer]]:
    """Started servers are listed here; whatever a test leaves running is stopped at its end."""
    started: list[DevServer] = []
    yield started
    for server in started:
        server.stop(signal.SIGINT)  # the clean shutdown; stop() kills it if that takes too long


def launch(started: list[DevServer], argv: Sequence[str], tmp_path: Path) -> DevServer:
    server = DevServer(argv, tmp_path / f"server-{len(started)}")
    started.append(server)
    return server


COMMANDS = {
    "console-script": [str(CONSOLE_SCRIPT)],
    "python-m": MODULE_COMMAND,
}


@pytest.mark.parametrize(
    ("command", "stop_signal"),
    [("console-script", signal.SIGINT), ("python-m", signal.SIGTERM)],
    ids=["eigenpal-dev-server+SIGINT", "python-m+terminate"],
)
def test_starts_answers_and_stops(
    command: str, stop_signal: signal.Signals, start: list[DevServer], tmp_path: Path
) -> None:
    if command == "console-script":
        assert CONSOLE_SCRIPT.exists(), f"the console script is not installed next to {sys.executable}"
    server = launch(start, [*COMMANDS[command], "--port", "0"], tmp_path)
    assert server.port != 0
    assert server.base_url == f"http://127.0.0.1:{server.port}"
    assert server.keys == [DEFAULT_API_KEY]

    health = server.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"ok": True}

    workflows = server.get("/api/v1/workflows", key=DEFAULT_API_KEY)
    assert workflows.status_code == 200
    assert "extract-invoice" in {item["name"] for item in workflows.json()["data"]}
    assert server.get("/api/v1/workflows").status_code == 401

    seconds = server.stop(stop_signal)
    print(f"{command}: stopped by {stop_signal.name} in {seconds:.2f}s, exit code {server.process.returncode}")
    assert seconds < STOP_TIMEOUT_SECONDS
    if stop_signal == signal.SIGINT:
        assert server.process.returncode == 0  # Ctrl-C is a clean shutdown
    else:
        assert server.process.returncode in (0, -signal.SIGTERM)
    with pytest.raises(httpx.ConnectError):
        server.get("/healthz")


def test_several_api_keys_with_tenants(start: list[DevServer], tmp_path: Path) -> None:
    server = launch(start, [*MODULE_COMMAND, "--port", "0", "--api-key", "k1=tenant1", "--api-key", "k2"], tmp_path)
    assert server.keys == ["… (tenant tenant1)", "…"]  # keys you chose are not printed (2 characters: none shown)
    for key in ("k1", "k2"):
        assert server.get("/api/v1/workflows", key=key).status_code == 200
    assert server.get("/api/v1/workflows", key=DEFAULT_API_KEY).status_code == 401  # the default is replaced

    # Each key is its own tenant: an execution of k1 is not visible to k2.
    with (
        EigenpalClient(api_key="k1", base_url=server.base_url) as one,
        EigenpalClient(api_key="k2", base_url=server.base_url) as two,
    ):
        execution_id = one.workflows.run("echo", input={"tenant": 1}).execution_id
        assert one.workflows.executions.get(execution_id).execution_id == execution_id
        with pytest.raises(EigenpalNotFoundError):
            two.workflows.executions.get(execution_id)


def test_data_dir_persists_across_restarts(start: list[DevServer], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    argv = [*MODULE_COMMAND, "--port", "0", "--data-dir", str(data_dir)]

    first = launch(start, argv, tmp_path)
    with EigenpalClient(api_key=DEFAULT_API_KEY, base_url=first.base_url) as client:
        final = client.workflows.executions.run_and_wait(
            "echo", input={"persist": "me"}, poll_interval_seconds=0.1, timeout_seconds=15
        )
    assert final.status == ExecutionStatus.COMPLETED
    first.stop(signal.SIGTERM)
    assert (data_dir / "eigenpal.sqlite3").exists()

    second = launch(start, argv, tmp_path)
    with EigenpalClient(api_key=DEFAULT_API_KEY, base_url=second.base_url) as client:
        again = client.workflows.executions.get(final.execution_id)
        assert again.status == ExecutionStatus.COMPLETED
        assert again.result == {"persist": "me"}
        listed = client.workflows.executions.list("echo")
        assert final.execution_id in {item.id for item in listed.data}


def test_invalid_fault_rate_exits_with_a_clear_message(tmp_path: Path) -> None:
    completed = subprocess.run(
        [*MODULE_COMMAND, "--port", "0", "--fault-503", "2"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    print(f"exit code {completed.returncode}; stderr: {completed.stderr.strip().splitlines()[-1]}")
    assert completed.returncode != 0
    assert "listening" not in completed.stdout
    assert "eigenpal-dev-server: error:" in completed.stderr
    assert "fault rates must be in 0..1" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_terminate_is_a_clean_shutdown(start: list[DevServer], tmp_path: Path) -> None:
    server = launch(start, [*MODULE_COMMAND, "--port", "0"], tmp_path)
    scratch = server.stderr_path.parent  # the server's TMPDIR
    with EigenpalClient(api_key=DEFAULT_API_KEY, base_url=server.base_url) as client:
        final = client.workflows.executions.run_and_wait(
            "echo",
            input={"attachment": {"content": b"uploaded bytes", "filename": "a.txt"}},
            poll_interval_seconds=0.1,
            timeout_seconds=15,
        )
    assert final.status == ExecutionStatus.COMPLETED
    assert list(scratch.glob("eigenpal-dev-server-*/files/*"))  # the upload is on disk while it runs

    seconds = server.stop(signal.SIGTERM)
    left = sorted(str(path.relative_to(scratch)) for path in scratch.glob("eigenpal-dev-server-*/**/*"))
    print(f"terminate: stopped in {seconds:.2f}s, exit code {server.process.returncode}, left behind: {left}")
    assert seconds < STOP_TIMEOUT_SECONDS
    assert server.process.returncode == 0
    assert left == []


def test_a_port_already_taken_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        completed = subprocess.run(
            [*MODULE_COMMAND, "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "TMPDIR": str(tmp_path)},
        )
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == [
        f"eigenpal-dev-server: error: cannot listen on 127.0.0.1:{port}: the address is already in use "
        "(choose another --port, or --port 0 for a free one)"
    ]
    assert list(tmp_path.iterdir()) == []  # the in-memory store's temporary folder is removed


ACCESS_LINE = re.compile(r"^\d\d:\d\d:\d\d (GET|POST) (\S+) (\d{3}|-) \d+\.\d ms$")


def test_one_access_log_line_per_request_without_secrets(start: list[DevServer], tmp_path: Path) -> None:
    secret = "eig_live_s3cr3t_k3y_value"
    server = launch(start, [*MODULE_COMMAND, "--port", "0", "--api-key", f"{secret}=team"], tmp_path)
    server.get("/api/v1/workflows?limit=2&offset=0", key=secret)
    server.get(f"/api/v1/workflows?limit=1&api_key={secret}&{secret}", key=secret)
    httpx.post(f"{server.base_url}/v1/workflows/echo/run?wait_for_completion=5", json={"input": {}},
               headers={"Authorization": f"Bearer {secret}"}, timeout=10.0)  # fmt: skip
    server.get("/api/v1/workflows/nope", key="wrong")
    server.get("/api/v1/workflows/a%0Ab%1B[31m", key=secret)  # control characters stay encoded
    server.stop(signal.SIGINT)
    err = server.stderr_path.read_text()
    lines = [ACCESS_LINE.match(line) for line in err.splitlines()]
    assert all(lines), err
    assert [(m[1], m[2], m[3]) for m in lines if m] == [
        ("GET", "/api/v1/workflows?limit=2&offset=0", "200"),
        ("GET", "/api/v1/workflows?limit=1&***&***", "200"),
        ("POST", "/v1/workflows/echo/run?wait_for_completion=5", "201"),
        ("GET", "/api/v1/workflows/nope", "401"),
        ("GET", "/api/v1/workflows/a%0Ab%1B%5B31m", "404"),
    ]
    stdout = "".join(server.printed)
    assert secret not in err
    assert secret[:5] not in stdout  # the banner shows at most its first four characters


def test_quiet_prints_no_access_log(start: list[DevServer], tmp_path: Path) -> None:
    server = launch(start, [*MODULE_COMMAND, "--port", "0", "--quiet"], tmp_path)
    assert server.get("/api/v1/workflows", key=DEFAULT_API_KEY).status_code == 200
    server.stop(signal.SIGINT)
    assert server.stderr_path.read_text() == ""


def test_the_access_log_of_a_server_started_from_python(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="eigenpal_ext.testing.access")
    with LocalEigenpalServer(ServerConfig(access_log=True)) as server:
        httpx.get(f"{server.base_url}/healthz?token=abc", timeout=10.0)
    assert [record.getMessage().rsplit(" ", 2)[0] for record in caplog.records] == ["GET /healthz?*** 200"]
    with LocalEigenpalServer() as quiet:  # off by default
        httpx.get(f"{quiet.base_url}/healthz", timeout=10.0)
    assert len(caplog.records) == 1
