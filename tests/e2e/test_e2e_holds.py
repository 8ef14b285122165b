"""The server hold (``wait_for_completion``) over real sockets: woken by the engine instead of polling,
ended by a client that goes away, bounded per tenant (beyond the bound: answered at once, never a 429),
and ended at once by ``stop()``.

Store reads are counted on the server's event-loop thread only (the thread the hold runs on); the
engine's worker threads read the store at their own checkpoints, which is not the hold's doing.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig

LOOP_THREAD = "eigenpal-dev-server"  # the thread LocalEigenpalServer runs uvicorn (and so every hold) on


def _wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not become true in time"
        time.sleep(0.02)


class LoopReads:
    """Counts the store reads made on the server's event-loop thread."""

    def __init__(self, server: LocalEigenpalServer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for name in ("progress", "get"):
            monkeypatch.setattr(server.store, name, self._counting(getattr(server.store, name)))

    def _counting(self, read: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name == LOOP_THREAD:
                self.count += 1
            return read(*args, **kwargs)

        return counted


def _held_run_request(server: LocalEigenpalServer, seconds: float, hold: int) -> bytes:
    body = json.dumps({"input": {"seconds": seconds}}).encode()
    return (
        f"POST /api/v1/workflows/sleep/run?wait_for_completion={hold} HTTP/1.1\r\nHost: {server.host}\r\n"
        f"Authorization: Bearer {server.api_key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


@pytest.fixture
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(hold_window_seconds=30.0)) as local:
        yield local


def test_a_hold_ends_when_its_client_disconnects(server: LocalEigenpalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_connection((server.host, server.port)) as client:
        client.sendall(_held_run_request(server, seconds=60, hold=30))
        _wait_until(lambda: server.state.holds.active("dev") == 1)
    reads = LoopReads(server, monkeypatch)
    _wait_until(lambda: server.state.holds.active("dev") == 0, seconds=5.0)  # not after its 30 s window
    time.sleep(0.3)
    assert reads.count == 0  # nothing looks at the execution for a client that is gone
    assert server.store.count_by_status("dev") == {"running": 1}  # the execution itself goes on


def test_a_hold_waits_on_a_notification_not_a_polling_loop(
    server: LocalEigenpalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = LoopReads(server, monkeypatch)
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}) as http:
        held = http.post("/api/v1/workflows/sleep/run?wait_for_completion=10", json={"input": {"seconds": 1}})
    assert held.json()["status"] == "completed", held.text
    # One look when the hold starts, one when the engine wakes it (a 20 ms poll made ~50 a second).
    assert reads.count <= 4, reads.count


def test_holds_are_bounded_per_tenant_and_a_run_beyond_the_bound_is_answered_at_once() -> None:
    config = ServerConfig(api_keys={"key_a": "a", "key_b": "b"}, hold_window_seconds=20.0, max_holds_per_tenant=2)
    with LocalEigenpalServer(config) as server:
        answers: list[httpx.Response] = []

        def held(key: str, workflow: str, inputs: dict[str, Any]) -> None:
            answers.append(
                httpx.post(
                    f"{server.base_url}/api/v1/workflows/{workflow}/run?wait_for_completion=20",
                    json={"input": inputs},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=30.0,
                )
            )

        holders = [threading.Thread(target=held, args=("key_a", "sleep", {"seconds": 60})) for _ in range(2)]
        for holder in holders:
            holder.start()
        _wait_until(lambda: server.state.holds.active("a") == 2)

        beyond = httpx.post(
            f"{server.base_url}/api/v1/workflows/echo/run?wait_for_completion=20",
            json={"input": {"n": 3}},
            headers={"Authorization": "Bearer key_a"},
            timeout=30.0,
        )
        assert beyond.status_code == 201, beyond.text
        assert set(beyond.json()) == {"executionId"}  # created, answered without a hold: the client polls
        assert all(holder.is_alive() for holder in holders)  # the two holds are still waiting
        assert server.store.count_executions("a") == 3
        # Another tenant's holds are its own.
        other = httpx.post(
            f"{server.base_url}/api/v1/workflows/echo/run?wait_for_completion=20",
            json={"input": {"n": 4}},
            headers={"Authorization": "Bearer key_b"},
            timeout=30.0,
        )
        assert other.json()["status"] == "completed"
    for holder in holders:
        holder.join(10)
    assert [answer.status_code for answer in answers] == [201, 201]  # stop() answered the two holds


def test_stop_with_holds_in_flight_returns_quickly_and_logs_no_traceback(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    server = LocalEigenpalServer(ServerConfig(hold_window_seconds=30.0)).start()
    answers: list[httpx.Response | Exception] = []

    def held() -> None:
        try:
            answers.append(
                httpx.post(
                    f"{server.base_url}/api/v1/workflows/sleep/run?wait_for_completion=30",
                    json={"input": {"seconds": 60}},
                    headers={"Authorization": f"Bearer {server.api_key}"},
                    timeout=40.0,
                )
            )
        except httpx.HTTPError as exc:
            answers.append(exc)

    holders = [threading.Thread(target=held) for _ in range(3)]
    for holder in holders:
        holder.start()
    _wait_until(lambda: server.state.holds.active("dev") == 3)
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    server.stop()
    stopped_in = time.monotonic() - started
    for holder in holders:
        holder.join(10)
    assert stopped_in < 2.0, f"stop() took {stopped_in:.2f} s with 3 holds in flight"
    # Each held client got its execution id (without a status: it is still running), not a cut connection.
    assert all(isinstance(answer, httpx.Response) and answer.status_code == 201 for answer in answers), answers
    assert all(set(answer.json()) == {"executionId"} for answer in answers if isinstance(answer, httpx.Response))
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    assert "ERROR" not in err, err
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
