"""``run_batch`` on a mock transport (sync and async clients through ``any_client``): laziness, one outcome per
input, the journal's resume rules (finished, started, unknown, pending), 429s, errors as outcomes, shards,
and arguments checked before anything is sent."""

from __future__ import annotations

import datetime
import itertools
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from eigenpal_ext import (
    BatchInput,
    EigenpalClient,
    EigenpalJournalError,
    Failed,
    Succeeded,
)
from eigenpal_ext._journal import BatchIdentity, Journal
from tests.support import BASE_URL, CREATED_AT, FakeTime, execution_json
from tests.unit.conftest import ClientFactory

NOW = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)


class BatchApi:
    """A fake API for batches: each run creates an execution, which completes after ``polls_to_finish`` polls
    (0: the run answer is already terminal). Thread-safe (the sync batch's workers call it concurrently)."""

    def __init__(self, polls_to_finish: int = 1, *, echo_keys: bool = False) -> None:
        self.polls_to_finish = polls_to_finish
        self.echo_keys = echo_keys
        self.lock = threading.Lock()
        self.runs: list[httpx.Request] = []
        self.polls: list[str] = []
        self.by_key: dict[str, str] = {}
        self.inputs: dict[str, Any] = {}
        self.left: dict[str, int] = {}
        self.refuse: dict[int, httpx.Response] = {}  # the n-th run (0-based) gets this answer instead
        self.numbers = itertools.count()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if request.method == "POST" and request.url.path.endswith("/run"):
                number = len(self.runs)
                self.runs.append(request)
                if number in self.refuse:
                    return self.refuse[number]
                key = request.headers["Idempotency-Key"]
                execution_id = self.by_key.get(key) if self.echo_keys else None
                if execution_id is None:
                    execution_id = f"exec_{next(self.numbers)}"
                    self.by_key[key] = execution_id
                    self.inputs[execution_id] = json.loads(request.content or b"{}").get("input")
                    self.left[execution_id] = self.polls_to_finish
                headers = {"Idempotency-Key": key} if self.echo_keys else {}
                body: dict[str, Any] = {"executionId": execution_id, "status": "pending"}
                if self.polls_to_finish == 0:
                    body.update(status="completed", result={"echo": self.inputs[execution_id]})
                return httpx.Response(201, json=body, headers=headers)
            if request.method == "GET" and "/workflows/executions/" in request.url.path:
                execution_id = request.url.path.rsplit("/", 1)[-1]
                self.polls.append(execution_id)
                self.left[execution_id] = self.left.get(execution_id, 1) - 1
                if self.left[execution_id] > 0:
                    return httpx.Response(200, json=execution_json(execution_id, "running"))
                body = execution_json(
                    execution_id, "completed", completedAt="2026-05-09T12:00:03Z",
                    result={"echo": self.inputs.get(execution_id)},
                )  # fmt: skip
                return httpx.Response(200, json=body)
            if request.method == "POST" and request.url.path.endswith("/cancel"):
                return httpx.Response(200, json={"executionId": "x", "status": "cancelled", "wasStatus": "running"})
            return httpx.Response(404, json={"issues": []})

    @property
    def run_keys(self) -> list[str]:
        return [request.headers["Idempotency-Key"] for request in self.runs]


def items(count: int) -> list[dict[str, Any]]:
    return [{"n": number} for number in range(count)]


def test_one_outcome_per_input_with_its_result(any_client: ClientFactory, tmp_path: Path) -> None:
    api = BatchApi(polls_to_finish=2)
    client = any_client(api)
    outcomes = list(client.workflows.executions.run_batch("echo", items(10), journal=tmp_path / "j", concurrency=3))
    assert len(outcomes) == 10
    assert all(isinstance(outcome, Succeeded) for outcome in outcomes)
    assert sorted(outcome.result["echo"]["n"] for outcome in outcomes if outcome.succeeded) == list(range(10))
    assert len({outcome.execution_id for outcome in outcomes}) == 10
    assert len(api.runs) == 10
    first = outcomes[0]
    assert first.to_dict()["status"] == "completed"
    assert first.sent_at is not None
    assert first.finished_at is not None
    assert first.created_at is not None
    assert first.completed_at is not None


def test_a_terminal_run_answer_is_not_polled(any_client: ClientFactory) -> None:
    api = BatchApi(polls_to_finish=0)
    outcomes = list(any_client(api).workflows.executions.run_batch("echo", items(5)))
    assert [outcome.succeeded for outcome in outcomes] == [True] * 5
    assert api.polls == []


def test_inputs_are_taken_lazily_and_break_stops_launching() -> None:
    api = BatchApi(polls_to_finish=1)
    pulled = 0

    def endless() -> Iterator[dict[str, int]]:
        nonlocal pulled
        for number in itertools.count():
            pulled += 1
            yield {"n": number}

    time = FakeTime()
    with EigenpalClient(
        api_key="eg_test_key_0123456789", base_url=BASE_URL, transport=httpx.MockTransport(api), clock=time.clock,
        sleep=time.sleep,
    ) as client:  # fmt: skip
        for seen, _outcome in enumerate(client.workflows.executions.run_batch("echo", endless(), concurrency=4), 1):
            assert pulled <= seen + 4 + 1  # never more than the slots ahead of the caller
            if seen == 6:
                break
    assert pulled <= 6 + 4 + 1
    assert len(api.runs) <= pulled


def test_a_finished_journal_sends_nothing_and_yields_every_outcome_again(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = BatchApi()
    client = any_client(api)
    journal = tmp_path / "j"
    first = list(client.workflows.executions.run_batch("echo", items(6), journal=journal))
    again = list(client.workflows.executions.run_batch("echo", items(6), journal=journal))
    assert len(api.runs) == 6
    assert all(outcome.resumed for outcome in again)
    assert sorted(o.to_dict()["key"] for o in again) == sorted(o.to_dict()["key"] for o in first)
    assert {o.execution_id for o in again} == {o.execution_id for o in first}


def journal_with(path: Path, state: str, item: dict[str, Any], *, execution_id: str | None = None) -> str:
    """A journal in which ``item`` (of workflow echo) is in ``state``; its idempotency key."""
    from eigenpal_ext._batch_inputs import InputKeys

    keyed = InputKeys(None).resolve(item, 0)
    assert keyed is not None
    with Journal.open(path, BatchIdentity("echo")) as journal:
        journal.take(keyed.key, None, "key-from-the-first-run")
        journal.sending(keyed.key, NOW)
        if state == "started":
            assert execution_id is not None
            journal.started(keyed.key, execution_id)
        if state == "pending":
            journal.refused(keyed.key, "HTTP 400")
    return "key-from-the-first-run"


def test_a_started_input_is_waited_for_never_sent_again(any_client: ClientFactory, tmp_path: Path) -> None:
    api = BatchApi()
    api.inputs["exec_earlier"] = {"n": 0}
    journal_with(tmp_path / "j", "started", {"n": 0}, execution_id="exec_earlier")
    outcomes = list(any_client(api).workflows.executions.run_batch("echo", items(2), journal=tmp_path / "j"))
    assert len(api.runs) == 1  # only input 1
    assert "exec_earlier" in api.polls
    assert {o.execution_id for o in outcomes} == {"exec_earlier", "exec_0"}


def test_an_unknown_input_is_listed_and_not_sent_again_where_keys_are_not_known_to_be_honoured(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = BatchApi()
    journal_with(tmp_path / "j", "sent", {"n": 0})
    outcomes = list(any_client(api).workflows.executions.run_batch("echo", items(2), journal=tmp_path / "j"))
    unknown = [o for o in outcomes if isinstance(o, Failed)]
    assert len(unknown) == 1
    assert unknown[0].unknown
    assert unknown[0].execution_id is None
    assert "resend_unknown=True" in unknown[0].error
    assert len(api.runs) == 1  # input 1 only
    with Journal.open(tmp_path / "j", BatchIdentity("echo")) as journal:
        assert [entry.state for entry in journal.entries("sent")] == ["sent"]  # still unknown, for a later run


def test_resend_unknown_sends_it_again_with_the_same_key(any_client: ClientFactory, tmp_path: Path) -> None:
    api = BatchApi()
    key = journal_with(tmp_path / "j", "sent", {"n": 0})
    run = any_client(api).workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j", resend_unknown=True)
    outcomes = list(run)
    assert [o.succeeded for o in outcomes] == [True]
    assert api.run_keys == [key]


def test_a_server_the_journal_saw_honouring_keys_gets_a_recovery_resend(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    """A new process has not learned that keys are honoured; the journal remembers it, per base URL."""
    api = BatchApi(echo_keys=True)
    key = journal_with(tmp_path / "j", "sent", {"n": 0})
    with Journal.open(tmp_path / "j", BatchIdentity("echo")) as journal:
        journal.remember_keys_honoured("https://elsewhere.test", True)
    client = any_client(api)
    assert [o.status for o in client.workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j")] == [
        "unknown"
    ]  # another server's knowledge does not count
    assert api.runs == []
    with Journal.open(tmp_path / "j", BatchIdentity("echo")) as journal:
        journal.remember_keys_honoured(BASE_URL, True)
    outcomes = list(client.workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j"))
    assert [o.succeeded for o in outcomes] == [True]
    assert api.run_keys == [key]


def test_an_unknown_input_waits_until_this_process_learns_that_keys_are_honoured(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    """The earlier process was killed before it learned anything: this one learns it from its other inputs."""
    api = BatchApi(echo_keys=True)
    key = journal_with(tmp_path / "j", "sent", {"n": 0})
    outcomes = list(any_client(api).workflows.executions.run_batch("echo", items(3), journal=tmp_path / "j"))
    assert [o.succeeded for o in outcomes] == [True] * 3
    assert key in api.run_keys
    assert api.run_keys[0] != key  # sent only once another run's answer showed that keys are honoured
    assert len(api.runs) == 3


def test_the_journal_learns_that_a_server_honours_keys(any_client: ClientFactory, tmp_path: Path) -> None:
    api = BatchApi(echo_keys=True)
    list(any_client(api).workflows.executions.run_batch("echo", items(2), journal=tmp_path / "j"))
    with Journal.open(tmp_path / "j", BatchIdentity("echo")) as journal:
        assert journal.keys_honoured(BASE_URL) is True


def test_a_refused_run_is_an_error_outcome_and_a_rerun_sends_it_again(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = BatchApi()
    api.refuse[0] = httpx.Response(400, json={"issues": [{"message": "bad input", "path": ["input", "n"]}]})
    client = any_client(api)
    outcomes = list(client.workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j"))
    assert isinstance(outcomes[0], Failed)
    assert (outcomes[0].status, outcomes[0].execution_id) == ("error", None)
    again = list(client.workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j"))
    assert [o.succeeded for o in again] == [True]
    assert len(api.runs) == 2


def test_a_lost_answer_makes_the_input_unknown(tmp_path: Path) -> None:
    api = BatchApi()

    def lose_the_first(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not api.runs:
            api.runs.append(request)
            raise httpx.ReadTimeout("the answer never came", request=request)
        return api(request)

    time = FakeTime()
    with EigenpalClient(
        api_key="eg_test_key_0123456789", base_url=BASE_URL, transport=httpx.MockTransport(lose_the_first),
        clock=time.clock, sleep=time.sleep, max_retries=0,
    ) as client:  # fmt: skip
        outcomes = list(client.workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j"))
    assert [o.status for o in outcomes] == ["unknown"]
    with Journal.open(tmp_path / "j", BatchIdentity("echo")) as journal:
        assert journal.counts()["sent"] == 1


def test_429_pauses_the_batch_halves_concurrency_and_sends_the_refused_runs_again(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = BatchApi()
    for number in range(3):
        api.refuse[number] = httpx.Response(429, headers={"Retry-After": "2"}, json={"issues": []})
    client = any_client(api, max_retries=0)
    outcomes = list(client.workflows.executions.run_batch("echo", items(6), journal=tmp_path / "j", concurrency=4))
    assert [o.succeeded for o in outcomes] == [True] * 6
    assert len(api.by_key) == 6  # no duplicate: a 429 created nothing
    assert len(api.runs) == 9


def test_a_wait_that_times_out_leaves_the_input_started_and_a_rerun_waits_again(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = BatchApi(polls_to_finish=1000)
    client = any_client(api)
    outcomes = list(client.workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j", timeout_seconds=5))
    assert isinstance(outcomes[0], Failed)
    assert (outcomes[0].status, outcomes[0].execution_id) == ("running", "exec_0")
    api.left["exec_0"] = 1
    again = list(client.workflows.executions.run_batch("echo", items(1), journal=tmp_path / "j"))
    assert [o.execution_id for o in again if o.succeeded] == ["exec_0"]
    assert len(api.runs) == 1


def test_unusable_and_repeated_inputs_are_their_own_outcomes(any_client: ClientFactory, tmp_path: Path) -> None:
    api = BatchApi()
    inputs: list[Any] = [{"n": 1}, {"doc": tmp_path / "missing.pdf"}, {"n": 1}, BatchInput({"n": 1}, key="mine")]
    outcomes = list(any_client(api).workflows.executions.run_batch("echo", inputs))
    by_key = {o.key: o for o in outcomes}
    assert len(outcomes) == 4
    missing = by_key["inputs[1]"]
    assert isinstance(missing, Failed)
    assert "missing.pdf" in missing.error
    repeated = [o for o in outcomes if isinstance(o, Failed) and "twice" in o.error]
    assert len(repeated) == 1
    assert by_key["mine"].succeeded
    assert len(api.runs) == 2


def test_shards_partition_a_batch(any_client: ClientFactory, tmp_path: Path) -> None:
    api = BatchApi()
    client = any_client(api)
    keys: list[str] = []
    for index in range(3):
        run = client.workflows.executions.run_batch(
            "echo", items(30), journal=tmp_path / f"shard-{index}", shard=(index, 3)
        )
        keys.extend(outcome.key for outcome in run)
    assert len(keys) == 30 == len(set(keys))
    assert len(api.runs) == 30
    with pytest.raises(EigenpalJournalError, match="shard 0/3"):  # a shard's journal is that shard's
        list(client.workflows.executions.run_batch("echo", items(3), journal=tmp_path / "shard-0", shard=(1, 3)))


def test_an_exception_of_the_inputs_propagates_after_the_inputs_in_flight(any_client: ClientFactory) -> None:
    api = BatchApi()

    def broken() -> Iterator[dict[str, int]]:
        yield {"n": 0}
        yield {"n": 1}
        raise RuntimeError("the caller's generator broke")

    run = any_client(api).workflows.executions.run_batch("echo", broken())
    seen = [next(run), next(run)]  # the inputs in flight finish first
    with pytest.raises(RuntimeError, match="generator broke"):
        next(run)
    assert len(seen) == len(api.runs) == 2


def test_arguments_are_checked_before_anything_is_opened(any_client: ClientFactory, tmp_path: Path) -> None:
    executions = any_client(BatchApi()).workflows.executions
    bad_arguments: list[tuple[dict[str, Any], str]] = [
        ({"concurrency": 0}, "concurrency"),
        ({"shard": (3, 3)}, "shard"),
        ({"journal": 42}, "journal"),
        ({"resend_unknown": "yes"}, "resend_unknown"),
        ({"trigger": "nope"}, "trigger"),
        ({"timeout_seconds": -1}, "timeout_seconds"),
    ]
    for bad, error in bad_arguments:
        with pytest.raises((TypeError, ValueError), match=error):
            executions.run_batch("echo", items(1), journal=tmp_path / "j", **bad)
    with pytest.raises(TypeError, match="inputs must be an iterable of inputs"):
        executions.run_batch("echo", {"n": 1})  # type: ignore[dict-item] # one input, not an iterable of them
    with pytest.raises(ValueError, match="workflow_id"):
        executions.run_batch("", items(1))
    assert list(tmp_path.iterdir()) == []


def test_a_journal_in_use_fails_at_the_first_step_before_anything_is_sent(tmp_path: Path) -> None:
    api = BatchApi()
    time = FakeTime()
    with (
        Journal.open(tmp_path / "j", BatchIdentity("echo")),
        EigenpalClient(
            api_key="eg_test_key_0123456789", base_url=BASE_URL, transport=httpx.MockTransport(api),
            clock=time.clock, sleep=time.sleep,
        ) as client,
    ):  # fmt: skip
        run = client.workflows.executions.run_batch("echo", items(3), journal=tmp_path / "j")
        with pytest.raises(EigenpalJournalError, match="in use by another batch"):
            next(run)
    assert api.runs == []


def test_the_outcome_reads_back_from_the_journal_as_it_was_yielded(any_client: ClientFactory, tmp_path: Path) -> None:
    client = any_client(BatchApi())
    first = list(client.workflows.executions.run_batch("echo", items(3), journal=tmp_path / "j"))
    again = list(client.workflows.executions.run_batch("echo", items(3), journal=tmp_path / "j"))
    assert sorted(json.dumps(o.to_dict(), sort_keys=True) for o in first) == sorted(
        json.dumps(o.to_dict(), sort_keys=True) for o in again
    )
    assert CREATED_AT.startswith("2026")


def test_breaking_out_of_a_batch_releases_its_journal_and_a_rerun_resumes(tmp_path: Path) -> None:
    api = BatchApi()
    time = FakeTime()
    with EigenpalClient(
        api_key="eg_test_key_0123456789", base_url=BASE_URL, transport=httpx.MockTransport(api), clock=time.clock,
        sleep=time.sleep,
    ) as client:  # fmt: skip
        for _outcome in client.workflows.executions.run_batch("echo", items(8), journal=tmp_path / "j", concurrency=2):
            break  # the batch is dropped here: its journal is closed and unlocked
        outcomes = list(client.workflows.executions.run_batch("echo", items(8), journal=tmp_path / "j"))
    assert len(outcomes) == 8
    assert all(outcome.succeeded for outcome in outcomes)
    assert len(api.by_key) == 8  # what the first run started was waited for, not sent again
    assert sum(outcome.resumed for outcome in outcomes) >= 1


def test_the_journal_says_sent_before_the_run_reaches_the_server_and_started_once_answered(tmp_path: Path) -> None:
    """What the server sees of each run, the journal (read by another connection, as another process would)
    already recorded: the input as sent, with the key the run carries."""
    journal = tmp_path / "j"
    api = BatchApi()
    seen: list[tuple[str, str | None]] = []

    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
                row = db.execute(
                    "SELECT state, execution_id FROM inputs WHERE idempotency_key = ?",
                    (request.headers["Idempotency-Key"],),
                ).fetchone()
            seen.append(row)
        elif request.method == "GET":
            execution_id = request.url.path.rsplit("/", 1)[-1]
            with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
                seen.append(db.execute("SELECT state, execution_id FROM inputs WHERE execution_id = ?",
                                       (execution_id,)).fetchone())  # fmt: skip
        return api(request)

    time = FakeTime()
    with EigenpalClient(
        api_key="eg_test_key_0123456789", base_url=BASE_URL, transport=httpx.MockTransport(server), clock=time.clock,
        sleep=time.sleep,
    ) as client:  # fmt: skip
        outcomes = list(client.workflows.executions.run_batch("echo", items(3), journal=journal, concurrency=1))
    assert [o.succeeded for o in outcomes] == [True] * 3
    runs = [row for row in seen if row is not None and row[1] is None]
    polls = [row for row in seen if row is not None and row[1] is not None]
    assert runs == [("sent", None)] * 3  # recorded before each run was sent
    assert polls  # the id was recorded before the first poll:
    assert all(state == "started" for state, _ in polls)
