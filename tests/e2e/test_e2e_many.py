"""Working at scale against the local server: auto-paging over real pages, run_many under injected 429s."""

from __future__ import annotations

import collections
import time
from collections.abc import Iterator

import httpx
import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext.testing import FaultConfig, LocalEigenpalServer, ServerConfig


@pytest.fixture(scope="module")
def server_with_history() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(workers=8)) as server, server.client() as client:
        outcomes = client.workflows.executions.run_many(
            "echo", [{"n": n} for n in range(23)], poll_interval_seconds=0.1
        )
        assert all(outcome.succeeded for outcome in outcomes)
        yield server


def counting_client(server: LocalEigenpalServer) -> tuple[EigenpalClient, list[httpx.Request]]:
    requests: list[httpx.Request] = []
    client = server.client(httpx_args={"event_hooks": {"request": [requests.append]}})
    return client, requests


def test_iter_walks_several_pages_and_yields_each_execution_once(server_with_history: LocalEigenpalServer) -> None:
    client, requests = counting_client(server_with_history)
    with client:
        ids = [execution.id for execution in client.workflows.executions.iter("echo", page_size=5)]
    assert len(ids) == 23 == len(set(ids))
    assert [r.url.params["offset"] for r in requests] == ["0", "5", "10", "15", "20"]


def test_limit_below_page_size_is_one_request(server_with_history: LocalEigenpalServer) -> None:
    client, requests = counting_client(server_with_history)
    with client:
        newest = list(client.workflows.executions.iter("echo", page_size=50, max_items=3))
    assert len(newest) == 3
    assert len(requests) == 1
    assert requests[0].url.params["limit"] == "3"


def test_filters_apply_to_every_page(server_with_history: LocalEigenpalServer) -> None:
    with server_with_history.client() as client:
        recent = list(client.workflows.executions.iter("echo", status="completed", from_date="now()-1h", page_size=4))
        none = list(client.workflows.executions.iter("echo", status=["failed"], page_size=4))
    assert len(recent) == 23
    assert none == []


def test_run_many_100_inputs_at_concurrency_8_under_injected_429s() -> None:
    faults = FaultConfig(rate_limit_429_rate=0.15, retry_after="0", seed=99)
    with LocalEigenpalServer(ServerConfig(faults=faults, workers=8)) as server, server.client() as client:
        started = time.monotonic()
        outcomes = client.workflows.executions.run_many(
            "echo", [{"n": n} for n in range(100)], concurrency=8, poll_interval_seconds=0.2, timeout_seconds=60
        )
        seconds = time.monotonic() - started
        per_input = collections.Counter(execution.input["n"] for execution in server.store.all_executions())
        injected = server.state.faults.counts["429"] if server.state.faults else 0

    assert [outcome.index for outcome in outcomes] == list(range(100))
    assert all(outcome.succeeded for outcome in outcomes), [o.error for o in outcomes if o.error]
    assert [outcome.result.result["n"] for outcome in outcomes if outcome.result] == list(range(100))
    assert sorted(per_input) == list(range(100))
    assert max(per_input.values()) == 1  # no duplicate executions, counted on the server
    assert injected > 0
    print(f"run_many: 100/100 completed, 0 duplicates, {injected} injected 429s, {seconds:.1f}s")
