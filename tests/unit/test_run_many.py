"""run_many: bounded concurrency, input order, per-item errors, batch-wide back-off on 429, sync and async."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalNotFoundError, RunOutcome

CREATED = "2026-11-27T10:00:00.000Z"


class FakeRuns:
    """Runs complete on their first poll; inputs with "missing" make the poll 404; "busy" answers 429 at first."""

    def __init__(self, *, rejections: int = 0) -> None:
        self.lock = threading.Lock()
        self.inputs: dict[str, dict[str, Any]] = {}
        self.in_flight = 0
        self.peak = 0
        self.rejections = rejections
        self.rejected = 0
        self.run_requests = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/run"):
            with self.lock:
                self.run_requests += 1
                if self.rejected < self.rejections:
                    self.rejected += 1
                    return httpx.Response(429, json={"issues": [], "requestId": "r"}, headers={"Retry-After": "0.5"})
                execution_id = f"exec_{len(self.inputs)}"
                self.inputs[execution_id] = json.loads(request.content)
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
            return httpx.Response(201, json={"executionId": execution_id})
        execution_id = request.url.path.rsplit("/", 1)[-1]
        item = self.inputs[execution_id]["input"]
        if item.get("missing"):
            return httpx.Response(404, json={"issues": [], "requestId": "r"})
        with self.lock:
            self.in_flight -= 1
        return httpx.Response(
            200,
            json={"executionId": execution_id, "status": "completed", "createdAt": CREATED, "result": item},
        )


def sync_client(fake: FakeRuns, sleeps: list[float]) -> EigenpalClient:
    client = EigenpalClient(
        api_key="k" * 12, transport=httpx.MockTransport(fake.handler), max_retries=0, sleep=sleeps.append
    )
    return client


def test_results_come_back_in_input_order_with_bounded_concurrency() -> None:
    fake, sleeps = FakeRuns(), list[float]()
    inputs = [{"n": n} for n in range(40)]
    with sync_client(fake, sleeps) as client:
        outcomes = client.workflows.executions.run_many("echo", inputs, concurrency=4)
    assert [o.index for o in outcomes] == list(range(40))
    assert [o.result.result if o.result else None for o in outcomes] == inputs
    assert all(o.succeeded and o.execution_id for o in outcomes)
    assert 1 <= fake.peak <= 4


def test_one_failing_item_keeps_the_others_and_its_own_execution_id() -> None:
    fake, sleeps = FakeRuns(), list[float]()
    inputs: list[dict[str, Any]] = [{"n": 0}, {"n": 1, "missing": True}, {"n": 2}]
    seen: list[RunOutcome] = []
    with sync_client(fake, sleeps) as client:
        outcomes = client.workflows.executions.run_many("echo", inputs, concurrency=2, on_outcome=seen.append)
    assert [o.succeeded for o in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].error, EigenpalNotFoundError)
    assert outcomes[1].execution_id is not None  # the execution was created: its id is not lost
    assert sorted(o.index for o in seen) == [0, 1, 2]


def test_a_persistent_429_pauses_the_batch_and_retriggers_without_duplicates() -> None:
    fake, sleeps = FakeRuns(rejections=5), list[float]()
    with sync_client(fake, sleeps) as client:
        outcomes = client.workflows.executions.run_many("echo", [{"n": n} for n in range(6)], concurrency=3)
    assert all(o.succeeded for o in outcomes)
    assert len(fake.inputs) == 6  # five rejected triggers created nothing; six executions in all
    assert fake.run_requests == 11
    assert any(pause >= 0.4 for pause in sleeps)  # the batch honoured Retry-After: 0.5


def test_every_input_is_checked_before_anything_is_sent(tmp_path: Path) -> None:
    fake, sleeps = FakeRuns(), list[float]()
    with sync_client(fake, sleeps) as client:
        with pytest.raises(FileNotFoundError, match=r"inputs\[1\]"):
            client.workflows.executions.run_many("echo", [{"a": 1}, {"doc": tmp_path / "missing.pdf"}])
        with pytest.raises(ValueError, match="concurrency"):
            client.workflows.executions.run_many("echo", [{"a": 1}], concurrency=0)
        with pytest.raises(TypeError, match="sequence"):
            client.workflows.executions.run_many("echo", {"a": 1})  # type: ignore[arg-type]
    assert fake.run_requests == 0


def test_the_async_client_runs_the_same_batch_with_tasks() -> None:
    fake = FakeRuns(rejections=2)

    async def main() -> list[RunOutcome]:
        async def no_sleep(seconds: float) -> None:
            return None

        async with AsyncEigenpalClient(
            api_key="k" * 12, transport=httpx.MockTransport(fake.handler), sleep=no_sleep
        ) as client:
            return await client.workflows.executions.run_many("echo", [{"n": n} for n in range(20)], concurrency=5)

    outcomes = asyncio.run(main())
    assert [o.result.result["n"] if o.result else None for o in outcomes] == list(range(20))
    assert len(fake.inputs) == 20
    assert fake.peak <= 5


# --- one input's exception, and interruptions, as data (issue 15, items 3 and 4) -----------------------------


def finished(index: int, execution_id: str = "exec_1") -> RunOutcome:
    from eigenpal_ext import ExecutionResult, ExecutionStatus

    result = ExecutionResult(execution_id, ExecutionStatus.COMPLETED, {}, None, None, None)
    return RunOutcome(index, {"n": index}, result=result)


def test_an_exception_of_on_outcome_becomes_the_outcome_error_and_keeps_the_result() -> None:
    from eigenpal_ext._fanout_run import delivered

    def on_outcome(outcome: RunOutcome) -> None:
        raise RuntimeError("bug")

    outcome = delivered(finished(2), on_outcome)
    assert isinstance(outcome.error, RuntimeError)
    assert outcome.result is not None
    assert outcome.execution_id == "exec_1"
    assert not outcome.succeeded
    assert "inputs[2]" in outcome.error.__notes__[0]


def test_the_batch_remembers_the_id_an_input_started_when_its_error_does_not_carry_it() -> None:
    from eigenpal_ext._fanout import Batch

    batch = Batch("echo", [{"n": 0}])
    assert batch.take() == 0
    batch.sending(0)
    batch.started(0, "exec_9")
    batch.finish(RunOutcome(0, {"n": 0}, error=RuntimeError("the client was closed")))
    (outcome,) = batch.outcomes()
    assert outcome.execution_id == "exec_9"
    assert batch.done.is_set()


def test_an_interruption_names_what_runs_what_was_being_sent_and_what_never_started() -> None:
    from eigenpal_ext import EigenpalInterruptedError
    from eigenpal_ext._fanout import Batch

    batch = Batch("echo", [{"n": n} for n in range(5)])
    for _ in range(4):
        batch.take()
    batch.finish(finished(0, "exec_0"))
    batch.sending(1)
    batch.started(1, "exec_1")
    batch.sending(2)  # its answer never came
    batch.stop()  # input 3 was handed out but not sent; input 4 never handed out
    assert batch.take() is None
    outcomes, running, not_started = batch.interruption()
    assert [outcome.index for outcome in outcomes] == [0, 1, 2]
    assert outcomes[0].succeeded
    assert isinstance(outcomes[1].error, EigenpalInterruptedError)
    assert outcomes[1].execution_id == "exec_1"
    lost = outcomes[2].error
    assert isinstance(lost, EigenpalInterruptedError)
    assert (lost.execution_id, lost.execution_may_exist, lost.workflow_id) == (None, True, "echo")
    assert lost.created_after is not None
    assert running == ["exec_1"]
    assert not_started == [3, 4]
    batch.started(2, "exec_2")  # the answer arrives after what was left behind was reported: logged, not lost
    assert batch.started_late(2) == "exec_2"


def test_an_id_that_arrives_between_the_interrupt_and_the_report_is_reported_as_running() -> None:
    from eigenpal_ext._fanout import Batch

    batch = Batch("echo", [{"n": 0}])
    batch.take()
    batch.sending(0)
    batch.stop()
    batch.started(0, "exec_0")  # during the grace period for runs being sent
    _outcomes, running, not_started = batch.interruption()
    assert (running, not_started, batch.started_late(0)) == (["exec_0"], [], None)


def test_on_outcome_is_called_one_at_a_time_in_the_sync_client() -> None:
    """Worker threads finish together, but the caller's callback never runs twice at once (its prints do not
    interleave, its state needs no lock)."""
    runs = FakeRuns()
    inside, overlaps = [0], [0]
    guard = threading.Lock()

    def on_outcome(outcome: RunOutcome) -> None:
        with guard:
            inside[0] += 1
            overlaps[0] = max(overlaps[0], inside[0])
        threading.Event().wait(0.01)  # long enough for the other workers to arrive
        with guard:
            inside[0] -= 1

    with EigenpalClient(api_key="k" * 12, transport=httpx.MockTransport(runs.handler), sleep=lambda s: None) as client:
        outcomes = client.workflows.executions.run_many("wf", [{"n": n} for n in range(16)], concurrency=8,
                                                        on_outcome=on_outcome)  # fmt: skip
    assert len(outcomes) == 16
    assert overlaps[0] == 1
