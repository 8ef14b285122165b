"""``run_and_wait`` and the server hold: used by default where the user declared that the server honours
Idempotency-Key (``idempotent_runs=True``); an honour only inferred from an echo does not hold by default.

Simulated time, like tests/unit/test_waiting.py: the shared ``FakeApi`` whose one execution ends ``duration``
seconds after the first run request, which can echo ``Idempotency-Key`` (and then answers a repeated key with
the same execution) and holds a run request (``wait_for_completion``) by moving the fake clock to the end of
the run or of the window. Nothing sleeps for real.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest

from eigenpal_ext import EigenpalClient, ExecutionResult
from tests.support import FakeApi

EXECUTION_ID = "exec_1"
POLL_PATH = f"/api/v1/workflows/executions/{EXECUTION_ID}"


def HoldingApi(
    duration: float = 3.0, *, echoes_keys: bool = True, holds_replays: bool = True, new_id_on_replay: bool = False
) -> FakeApi:
    """The shared ``FakeApi`` as a server that holds runs and answers a repeated ``Idempotency-Key`` with its
    execution (which it echoes, unless told not to); its execution ends ``duration`` seconds after its run."""
    return FakeApi(
        finishes_after=duration, echoes_keys=echoes_keys, holds_replays=holds_replays,
        new_id_on_replay=new_id_on_replay, terminal_extra={},
    )  # fmt: skip


def run_and_wait(api: FakeApi, client: EigenpalClient | None = None, **kwargs: Any) -> ExecutionResult:
    """``run_and_wait`` on a client that declares keys honoured (unless another ``client`` is given)."""
    with client or api.client(idempotent_runs=True) as used:
        return used.workflows.executions.run_and_wait("sleep", input={"seconds": api.finishes_after}, **kwargs)


def test_a_server_declared_to_honour_keys_is_waited_on_by_a_held_replay_no_polling() -> None:
    api = HoldingApi(duration=3.0)

    result = run_and_wait(api)

    assert result.status == "completed"
    trigger, replay = api.runs
    assert "wait_for_completion" not in trigger.url.params  # the id comes back at once
    assert replay.headers["Idempotency-Key"] == trigger.headers["Idempotency-Key"]
    assert replay.url.params["wait_for_completion"] == "60"
    assert replay.content == trigger.content
    assert len(api.polls) == 1  # the full record, once the hold reported the end
    assert api.time.now == pytest.approx(api.finished_at)  # no lag
    assert len(api.keys) == 1  # one execution


def test_every_run_is_replayed_so_each_checks_that_the_server_deduplicates() -> None:
    """The trigger itself is never held by default: its answer (the id) comes back at once, and the held
    replay that follows shows at every run whether the server really returns the same execution."""
    api = HoldingApi(duration=3.0)
    client = api.client(idempotent_runs=True)
    with client:
        client.workflows.executions.run_and_wait("sleep", input={"seconds": 3})
        api.sent.clear()
        api.time.now += 10.0

        result = client.workflows.executions.run_and_wait("sleep", input={"seconds": 3})

    assert result.status == "completed"
    assert [(r.method, r.url.params.get("wait_for_completion")) for r in api.sent] == [
        ("POST", None), ("POST", "60"), ("GET", None),
    ]  # fmt: skip
    assert api.time.now == pytest.approx(api.finished_at)


def test_an_honour_only_inferred_from_the_echo_does_not_hold_by_default() -> None:
    api = HoldingApi(duration=3.0)

    result = run_and_wait(api, client=api.client())

    assert result.status == "completed"
    assert len(api.runs) == 1
    assert "wait_for_completion" not in api.runs[0].url.params
    assert len(api.polls) == 4


def test_a_run_longer_than_the_hold_is_held_again() -> None:
    api = HoldingApi(duration=100.0)

    result = run_and_wait(api)

    assert result.status == "completed"
    assert [r.url.params.get("wait_for_completion") for r in api.runs] == [None, "60", "60"]
    assert len(api.polls) == 1
    assert api.time.now == pytest.approx(100.0)


def test_the_hold_never_asks_past_the_deadline() -> None:
    api = HoldingApi(duration=100.0)

    with pytest.raises(Exception, match="did not finish within 20s"):
        run_and_wait(api, timeout_seconds=20.0)

    # The hold ends 2 s before the deadline (so its answer arrives in time); then the schedule polls.
    assert [r.url.params.get("wait_for_completion") for r in api.runs] == [None, "18"]
    assert api.polls
    assert api.time.now == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"server_hold": False}, "server_hold=False"),
        ({"on_status": lambda execution: None}, "on_status asks for progress a hold cannot give"),
    ],
)
def test_no_hold_when_asked_not_to_or_when_progress_is_wanted(kwargs: dict[str, Any], why: str) -> None:
    api = HoldingApi(duration=3.0)

    result = run_and_wait(api, **kwargs)

    assert result.status == "completed", why
    assert len(api.runs) == 1
    assert "wait_for_completion" not in api.runs[0].url.params
    assert len(api.polls) == 4  # the poll schedule: 0.7, 1.4, 2.24, 3.248 s


def test_no_hold_on_a_client_told_the_server_does_not_honour_keys() -> None:
    api = HoldingApi(duration=3.0)

    result = run_and_wait(api, client=api.client(idempotent_runs=False))

    assert result.status == "completed"
    assert len(api.runs) == 1
    assert len(api.polls) == 4


def test_no_hold_on_a_server_that_does_not_echo_the_key() -> None:
    api = HoldingApi(duration=3.0, echoes_keys=False)

    result = run_and_wait(api, client=api.client())

    assert result.status == "completed"
    assert len(api.runs) == 1
    assert "wait_for_completion" not in api.runs[0].url.params
    assert len(api.polls) == 4


def test_server_hold_true_holds_the_trigger_on_any_server_two_requests() -> None:
    api = HoldingApi(duration=3.0, echoes_keys=False)

    result = run_and_wait(api, server_hold=True)

    assert result.status == "completed"
    assert [r.method for r in api.sent] == ["POST", "GET"]
    assert api.sent[0].url.params["wait_for_completion"] == "60"
    assert api.time.now == pytest.approx(api.finished_at)


def test_a_run_with_a_file_is_not_replayed_since_that_would_upload_it_again() -> None:
    api = HoldingApi(duration=3.0)

    with api.client() as client:
        result = client.workflows.executions.run_and_wait("sleep", input={"doc": io.BytesIO(b"%PDF-1.4")})

    assert result.status == "completed"
    assert len(api.runs) == 1
    assert len(api.polls) == 4


def test_a_server_that_does_not_hold_replays_costs_one_request_then_the_poll_schedule() -> None:
    api = HoldingApi(duration=3.0, holds_replays=False)

    result = run_and_wait(api)

    assert result.status == "completed"
    assert len(api.runs) == 2  # one replay came back at once: not sent again
    assert len(api.polls) <= 5


def test_a_replay_answered_with_another_execution_is_named_not_repeated_and_the_first_is_polled() -> None:
    api = HoldingApi(duration=3.0, new_id_on_replay=True)
    client = api.client(idempotent_runs=True)

    result = run_and_wait(api, client=client)

    assert result.execution_id == EXECUTION_ID
    assert result.duplicate_execution_ids == ("exec_2",)
    assert result.to_dict()["duplicateExecutionIds"] == ["exec_2"]
    assert client.keys_honoured is False  # withdrawn
    assert len(api.runs) == 2
    assert all(p.url.path == POLL_PATH for p in api.polls)


def test_the_async_client_makes_the_same_requests() -> None:
    def requests(api: FakeApi) -> list[tuple[str, str | None]]:
        return [(r.method, r.url.params.get("wait_for_completion")) for r in api.sent]

    sync_api = HoldingApi(duration=70.0)
    run_and_wait(sync_api)

    async_api = HoldingApi(duration=70.0)

    async def scenario() -> ExecutionResult:
        async with async_api.async_client(idempotent_runs=True) as client:
            return await client.workflows.executions.run_and_wait("sleep", input={"seconds": 70})

    result = asyncio.run(scenario())

    assert result.status == "completed"
    assert requests(async_api) == requests(sync_api) == [("POST", None), ("POST", "60"), ("POST", "60"), ("GET", None)]
