"""The local server's webhook delivery, received by a real HTTP server on 127.0.0.1 inside the test.

Every delivery is checked with ``eigenpal_ext.webhooks.verify_event`` on the raw bytes the receiver got.
The receiver can misbehave on script (fail N times with a status, drop the connection, hang), so the
retry rules are seen over real sockets: retried on network errors, timeouts, 408, 425, 429 and 5xx,
bounded, not retried on another 4xx; at least once, deduplicated by event id. Waits are bounded polls.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig
from eigenpal_ext.testing._cli import build_parser, config_from_args
from eigenpal_ext.testing._webhook_delivery import MAX_OUTPUT_BYTES
from eigenpal_ext.webhooks import RunCreatedEvent, RunStatusChangedEvent, WebhookEvent, verify_event

SECRET = "whsec_" + base64.b64encode(b"a local server's test secret, 32b").decode()
FAST_RETRIES = (0.05, 0.05, 0.05, 0.05, 0.05)


@attrs.define
class Delivery:
    body: bytes
    headers: dict[str, str]
    answered: int | None  # the status the receiver answered; None: it dropped the connection


class Receiver:
    """A webhook receiver on 127.0.0.1: records every delivery; ``script`` decides each answer in turn
    (an int status, ``"drop"`` to close the connection without an answer, ``"hang"`` to wait for
    ``release``); once the script is used up it answers 200."""

    def __init__(self, script: list[int | str] | None = None) -> None:
        self.script = list(script or [])
        self.deliveries: list[Delivery] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    step = receiver.script.pop(0) if receiver.script else 200
                    delivery = Delivery(body, {name.lower(): value for name, value in self.headers.items()},
                                        step if isinstance(step, int) else None)  # fmt: skip
                    receiver.deliveries.append(delivery)
                if step == "hang":
                    receiver.release.wait(30)
                    step = 200
                    delivery.answered = 200
                if step == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                assert isinstance(step, int)
                self.send_response(step)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/eigenpal"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[WebhookEvent]:
        """Every accepted delivery verified and parsed, once per event id (deliveries are at least once)."""
        unique: dict[str, WebhookEvent] = {}
        with self._lock:
            accepted = [d for d in self.deliveries if d.answered is not None and 200 <= d.answered < 300]
        for delivery in accepted:
            event = verify_event(delivery.body, delivery.headers, SECRET)
            unique.setdefault(event.id, event)
        return list(unique.values())

    def of_run(self, run_id: str) -> list[WebhookEvent]:
        return [
            e for e in self.events() if isinstance(e, RunCreatedEvent | RunStatusChangedEvent) and e.run.id == run_id
        ]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.stop()


def _server(url: str, **config: Any) -> LocalEigenpalServer:
    settings = {"webhook_retry_delays_seconds": FAST_RETRIES, "webhook_timeout_seconds": 2.0, **config}
    return LocalEigenpalServer(ServerConfig(webhook_url=url, webhook_secret=SECRET, **settings))


def _wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not become true in time"
        time.sleep(0.02)


def _statuses(events: list[WebhookEvent]) -> list[str]:
    found = []
    for event in events:
        if isinstance(event, RunCreatedEvent):
            found.append(f"created:{event.run.status}")
        elif isinstance(event, RunStatusChangedEvent):
            found.append(f"{event.previous_status}->{event.current_status}")
    return found


def _post(server: LocalEigenpalServer, path: str, body: dict[str, Any]) -> Any:
    answer = httpx.post(f"{server.base_url}{path}", json=body, timeout=30,
                        headers={"Authorization": f"Bearer {server.api_key}"})  # fmt: skip
    assert answer.is_success, answer.text
    return answer.json()


LIFECYCLE = ["created:created", "created->pending", "pending->running", "running->finalizing",
             "finalizing->completed"]  # fmt: skip


def test_every_delivery_verifies_and_tells_the_whole_lifecycle(receiver: Receiver) -> None:
    with _server(receiver.url) as server:
        run = _post(server, "/v1/runs?wait_for_completion=20", {"target": "workflows.echo", "input": {"a": 1}})
        v1 = _post(server, "/api/v1/workflows/echo/run", {"input": {"b": 2}})["executionId"]
        _wait_until(lambda: len(receiver.of_run(run["id"])) == 5 and len(receiver.of_run(v1)) == 5)
        assert server.webhooks is not None
        assert server.webhooks.counts["given_up"] == 0
    events = receiver.of_run(run["id"])
    assert sorted(_statuses(events)) == sorted(LIFECYCLE)  # order of arrival is not guaranteed
    assert sorted(_statuses(receiver.of_run(v1))) == sorted(LIFECYCLE)
    created = next(e for e in events if isinstance(e, RunCreatedEvent))
    assert created.id.startswith("whev_")
    assert created.api_version == "2026-07-01"
    assert created.test is False
    assert created.run.automation_id == "wf_echo"
    assert created.run.trigger_type == "api"
    assert created.run.type == "workflow"
    assert "previousStatus" not in created.data
    completed = next(e for e in events if isinstance(e, RunStatusChangedEvent) and e.current_status == "completed")
    assert completed.run.output == {"a": 1}
    assert completed.output_omitted is False
    assert completed.created_at is not None
    assert completed.raw["createdAt"] == run["timing"]["completedAt"]  # the moment of the change itself
    assert all(d.headers["content-type"] == "application/json" for d in receiver.deliveries)


def test_a_receiver_failing_the_first_times_still_gets_every_event() -> None:
    receiver = Receiver([503, 500, 429, 408, 425])  # five failures, each retried
    try:
        with _server(receiver.url) as server:
            run = _post(server, "/v1/runs?wait_for_completion=20", {"target": "workflows.echo"})
            _wait_until(lambda: len(receiver.of_run(run["id"])) == 5)
            assert server.webhooks is not None
            assert server.webhooks.counts["retried"] == 5
            # the receiver records a delivery before it answers; the server counts it once the answer is read
            webhooks = server.webhooks
            _wait_until(lambda: webhooks.counts["delivered"] == 5)
        assert sorted(_statuses(receiver.of_run(run["id"]))) == sorted(LIFECYCLE)
        failed = [d for d in receiver.deliveries if d.answered != 200]
        retried_ids = {d.headers["webhook-id"] for d in failed}
        delivered_ids = {d.headers["webhook-id"] for d in receiver.deliveries if d.answered == 200}
        assert retried_ids <= delivered_ids  # each failed event arrived later, under the same id
        for event_id in retried_ids:
            bodies = {d.body for d in receiver.deliveries if d.headers["webhook-id"] == event_id}
            assert len(bodies) == 1  # the same event every time: deduplicate on its id
    finally:
        receiver.stop()


def test_dropped_connections_and_timeouts_are_retried() -> None:
    receiver = Receiver(["drop", "hang"])
    try:
        with _server(receiver.url, webhook_timeout_seconds=0.5) as server:
            run = _post(server, "/v1/runs?wait_for_completion=20", {"target": "workflows.echo"})
            _wait_until(lambda: len(receiver.of_run(run["id"])) == 5)
            assert server.webhooks is not None
            assert server.webhooks.counts["retried"] == 2
    finally:
        receiver.stop()


def test_another_4xx_ends_the_delivery_and_retries_are_bounded() -> None:
    receiver = Receiver([400, 401, 404, 410, 422])  # one refusal per event: none retried
    try:
        with _server(receiver.url) as server:
            _post(server, "/v1/runs?wait_for_completion=20", {"target": "workflows.echo"})
            assert server.webhooks is not None
            webhooks = server.webhooks
            _wait_until(lambda: webhooks.counts["given_up"] == 5)
            time.sleep(0.3)
            assert webhooks.counts["attempts"] == 5
            assert webhooks.counts["retried"] == 0
    finally:
        receiver.stop()

    always_failing = Receiver([500] * 100)
    try:
        with _server(always_failing.url, webhook_retry_delays_seconds=(0.01, 0.01)) as server:
            server.state.engine.pause()  # one event only: run.created
            _post(server, "/v1/runs", {"target": "workflows.echo"})
            assert server.webhooks is not None
            webhooks = server.webhooks
            _wait_until(lambda: webhooks.counts["given_up"] == 1)
            time.sleep(0.3)
            assert webhooks.counts["attempts"] == 3  # the first try and one retry per delay
            assert len(always_failing.deliveries) == 3
    finally:
        always_failing.stop()


def test_a_large_output_is_omitted() -> None:
    receiver = Receiver()
    try:
        with _server(receiver.url) as server:
            big = "x" * (MAX_OUTPUT_BYTES + 1)
            run = _post(server, "/v1/runs?wait_for_completion=20", {"target": "workflows.echo", "input": {"big": big}})
            _wait_until(lambda: len(receiver.of_run(run["id"])) == 5)
        completed = next(e for e in receiver.of_run(run["id"])
                         if isinstance(e, RunStatusChangedEvent) and e.current_status == "completed")  # fmt: skip
        assert completed.output_omitted is True
        assert completed.run.output is None
    finally:
        receiver.stop()


def test_a_hanging_receiver_never_slows_the_runs_and_stop_is_prompt() -> None:
    receiver = Receiver(["hang"] * 50)
    try:
        server = _server(receiver.url, webhook_timeout_seconds=30.0).start()
        try:
            started = time.monotonic()
            for _ in range(3):
                held = _post(server, "/v1/runs?wait_for_completion=20", {"target": "workflows.echo"})
                assert held["finished"] is True
            assert time.monotonic() - started < 15  # the runs did not wait for the hanging deliveries
            assert server.webhooks is not None
            assert server.webhooks.pending() > 0
        finally:
            stopping = time.monotonic()
            server.stop()
            assert time.monotonic() - stopping < 10
        assert server.webhooks.counts["dropped"] > 0
    finally:
        receiver.stop()


def test_the_settings_are_checked_and_the_secret_is_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ValueError, match="webhook_secret"):
        ServerConfig(webhook_url="http://127.0.0.1:9/hook")
    with pytest.raises(ValueError, match="webhook_url"):
        ServerConfig(webhook_secret=SECRET)
    with pytest.raises(ValueError, match="http"):
        ServerConfig(webhook_url="ftp://127.0.0.1/hook", webhook_secret=SECRET)
    not_base64 = "whsec_!!not base64 at all!!"
    with pytest.raises(ValueError, match="secret") as refused:
        ServerConfig(webhook_url="http://127.0.0.1:9/hook", webhook_secret=not_base64)
    assert "not base64 at all" not in str(refused.value)
    with pytest.raises(ValueError, match="webhook_retry_delays_seconds"):
        ServerConfig(webhook_url="http://127.0.0.1:9/hook", webhook_secret=SECRET, webhook_retry_delays_seconds=(-1,))

    config = ServerConfig(webhook_url="http://user:pw@127.0.0.1:9/hook?token=abc", webhook_secret=SECRET)
    assert SECRET not in repr(config)
    caplog.set_level(logging.INFO, logger="eigenpal_ext.testing.webhooks")
    with LocalEigenpalServer(config) as server:  # nothing listens on port 9: every attempt fails, logged
        assert server.webhooks is not None
        assert SECRET not in repr(server.webhooks)
        assert "token" not in repr(server.webhooks)
        _post(server, "/v1/runs", {"target": "workflows.echo"})
        webhooks = server.webhooks
        _wait_until(lambda: webhooks.counts["attempts"] >= 2)
    logged = caplog.text
    assert "http://127.0.0.1:9/hook" in logged
    assert SECRET not in logged
    assert SECRET.removeprefix("whsec_") not in logged
    assert "token=abc" not in logged
    assert "pw" not in logged


def test_the_command_line_options(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = build_parser()
    config = config_from_args(parser.parse_args(["--webhook-url", "http://127.0.0.1:9/h", "--webhook-secret", SECRET]))
    assert (config.webhook_url, config.webhook_secret) == ("http://127.0.0.1:9/h", SECRET)
    monkeypatch.setenv("EIGENPAL_WEBHOOK_SECRET", SECRET)
    assert config_from_args(parser.parse_args(["--webhook-url", "http://127.0.0.1:9/h"])).webhook_secret == SECRET
    assert config_from_args(parser.parse_args([])).webhook_url is None
    monkeypatch.delenv("EIGENPAL_WEBHOOK_SECRET")
    with pytest.raises(Exception, match="--webhook-secret"):
        config_from_args(parser.parse_args(["--webhook-url", "http://127.0.0.1:9/h"]))


def _pump(stream: Any, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def test_eigenpal_dev_server_delivers_and_never_prints_the_secret(receiver: Receiver, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "eigenpal_ext.testing", "--webhook-url", receiver.url + "?token=abc"]
    env = {**os.environ, "EIGENPAL_WEBHOOK_SECRET": SECRET, "TMPDIR": str(tmp_path)}
    stderr_path = tmp_path / "stderr.txt"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                                   text=True, env=env)  # fmt: skip
        try:
            assert process.stdout is not None
            lines: queue.Queue[str] = queue.Queue()
            threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
            listening = lines.get(timeout=20)
            banner = lines.get(timeout=20)
            base_url = listening.split(" listening on ", 1)[1].split(" ", 1)[0]
            assert banner.strip() == f"delivering run events to {receiver.url} (signed)"
            answer = httpx.post(f"{base_url}/v1/runs?wait_for_completion=20", json={"target": "workflows.echo"},
                                headers={"Authorization": "Bearer eg_dev_local_key"}, timeout=30).json()  # fmt: skip
            _wait_until(lambda: len(receiver.of_run(answer["id"])) == 5)
        finally:
            process.terminate()
            process.wait(timeout=10)
    printed = listening + banner + stderr_path.read_text()
    assert "webhook run.status_changed" in printed  # one line per delivery attempt
    assert SECRET not in printed
    assert "token=abc" not in printed
    assert json.dumps(SECRET) not in printed
