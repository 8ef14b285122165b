"""``run_many`` when one item fails or the whole batch is interrupted (issue 15, items 3 and 4).

Against a local server on 127.0.0.1 (and, where a cancel must hang, a small real-socket server from
``hostile_server``):

- Item 3: any exception in one item (a bug in the caller's ``on_outcome``, a file removed after the
  up-front check) is that item's outcome, never the batch's: every other input still gets its outcome and
  every execution the server holds is named by one. The async call runs its items with structured
  concurrency (``asyncio.TaskGroup``): nothing it started outlives it.
- Item 4: Ctrl-C in the sync call (a real SIGINT to a real subprocess) returns control at once: no more
  runs are started, ``RunManyInterrupted`` (a ``KeyboardInterrupt``) carries ``.outcomes`` and
  ``.running_ids``, ``cancel_on_interrupt=True`` cancels those, a second Ctrl-C cuts the cancels short, and
  no worker thread keeps the interpreter alive. Cancelling the async call reports every started execution
  (``on_outcome`` and the ``CancelledError``'s notes) before the ``CancelledError`` propagates.

"Returns at once" is checked by bounded polling (the process must be done within a generous bound), not
by asserting on measured speed; the time the child took is printed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext import (
    EigenpalInterruptedError,
    RunManyInterrupted,
    RunOutcome,
)
from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig
from tests.e2e.hostile_server import HostileServer, RawRequest, answer, execution_status, hang, routes
from tests.support import until

# How long a child has, after SIGINT, to report the interruption and exit: generous, for a loaded machine;
# without the fix it waits for its 60 s runs (or forever), so the bound still separates the two.
INTERRUPT_BOUND_SECONDS = 5.0


@pytest.fixture
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(workers=8)) as local:
        yield local


def statuses(server: LocalEigenpalServer) -> dict[str, str]:
    return {e.id: e.status for e in server.store.all_executions()}


# --- item 3: one item fails ---------------------------------------------------------------------------------


def failing_items(tmp_path: Path) -> tuple[list[dict[str, Any]], Path]:
    """Eight inputs with a file each; the one of input 5 is returned too (a test removes it)."""
    paths = [tmp_path / f"scan-{number}.pdf" for number in range(8)]
    for number, path in enumerate(paths):
        path.write_bytes(b"%PDF-1.4 " + bytes([48 + number]))
    return [{"doc": path, "n": number} for number, path in enumerate(paths)], paths[5]


def test_one_failing_item_is_its_own_outcome_and_the_batch_reports_every_execution(
    server: LocalEigenpalServer, tmp_path: Path
) -> None:
    """Today: the sync call raises the callback's error and discards every outcome (5 started, 0 ids)."""
    items, doomed = failing_items(tmp_path)
    seen: list[int] = []

    def on_outcome(outcome: RunOutcome) -> None:
        seen.append(outcome.index)
        if outcome.index == 0:
            doomed.unlink()  # input 5 goes missing after the up-front check
        if outcome.index == 2:
            raise RuntimeError("a bug in the caller's callback")

    with server.client() as client:
        outcomes = client.workflows.executions.run_many(
            "echo", items, concurrency=1, on_outcome=on_outcome, poll_interval_seconds=0.1, timeout_seconds=30
        )

    assert [outcome.index for outcome in outcomes] == list(range(8))
    assert sorted(seen) == list(range(8))
    assert isinstance(outcomes[5].error, FileNotFoundError)
    assert outcomes[5].execution_id is None
    assert isinstance(outcomes[2].error, RuntimeError)
    assert outcomes[2].result is not None  # the execution ended; only the callback failed
    assert outcomes[2].execution_id is not None
    assert not outcomes[2].succeeded
    assert [o.index for o in outcomes if o.succeeded] == [0, 1, 3, 4, 6, 7]
    assert {o.execution_id for o in outcomes if o.execution_id} == set(statuses(server))
    assert len(statuses(server)) == 7


def test_the_async_call_leaves_nothing_running_after_it_returns(server: LocalEigenpalServer, tmp_path: Path) -> None:
    """Today: run_many raises, and its other tasks keep starting executions (2, then 8 two seconds later)."""
    items, doomed = failing_items(tmp_path)

    def on_outcome(outcome: RunOutcome) -> None:
        if outcome.index == 0:
            doomed.unlink()
        if outcome.index == 2:
            raise RuntimeError("a bug in the caller's callback")

    async def scenario() -> tuple[list[RunOutcome], int, int, set[asyncio.Task[Any]]]:
        async with server.async_client() as client:
            outcomes: list[RunOutcome] = []
            try:
                outcomes = await client.workflows.executions.run_many(
                    "echo", items, concurrency=2, on_outcome=on_outcome, poll_interval_seconds=0.1,
                    timeout_seconds=30,
                )  # fmt: skip
            finally:
                after_return = server.store.count_executions()
                await asyncio.sleep(2.0)  # anything left behind would go on starting executions meanwhile
                two_seconds_later = server.store.count_executions()
                others = asyncio.all_tasks() - {asyncio.current_task()}
            return outcomes, after_return, two_seconds_later, others

    outcomes, after_return, later, others = asyncio.run(scenario())
    assert others == set()
    assert after_return == later == 7
    assert isinstance(outcomes[5].error, FileNotFoundError)
    assert isinstance(outcomes[2].error, RuntimeError)
    assert {o.execution_id for o in outcomes if o.execution_id} == set(statuses(server))


# --- item 4: sync Ctrl-C, in a real process -------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import json, signal, sys, threading, time
    from eigenpal_ext import EigenpalClient, RunManyInterrupted

    base_url, cancel = sys.argv[1], sys.argv[2] == "cancel"
    interrupted_at = []

    def on_sigint(signum, frame):
        interrupted_at.append(time.monotonic())
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, on_sigint)
    items = [{"seconds": 0.1}, {"seconds": 0.1}] + [{"seconds": 60}] * 6
    client = EigenpalClient(api_key="eg_dev_local_key", base_url=base_url)
    print("started", flush=True)
    try:
        options = {"cancel_on_interrupt": True} if cancel else {}
        client.workflows.executions.run_many(
            "sleep", items, concurrency=4, poll_interval_seconds=0.2, timeout_seconds=120, **options
        )
    except RunManyInterrupted as stopped:
        caught = time.monotonic()
        report = {
            "seconds": [caught - moment for moment in interrupted_at],
            "outcomes": [
                {"index": o.index, "execution_id": o.execution_id, "succeeded": o.succeeded,
                 "error": type(o.error).__name__ if o.error is not None else None}
                for o in stopped.outcomes
            ],
            "running_ids": stopped.running_ids,
            "cancelled_ids": stopped.cancelled_ids,
            "not_started": stopped.not_started,
            "is_keyboard_interrupt": isinstance(stopped, KeyboardInterrupt),
            "threads": sorted(t.name for t in threading.enumerate() if not t.daemon and t.name != "MainThread"),
        }
        print(json.dumps(report), flush=True)
    client.close()
    """
)


def start_child(base_url: str, *, cancel: bool) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, base_url, "cancel" if cancel else "keep"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    return child


def finish(child: subprocess.Popen[str]) -> tuple[dict[str, Any], float]:
    """The child's report, and how long (bounded polling) it took to exit after the interrupt."""
    sent = time.monotonic()
    exited = until(lambda: child.poll() is not None, timeout=INTERRUPT_BOUND_SECONDS, every=0.01)
    took = time.monotonic() - sent
    if not exited:
        child.kill()
        out, err = child.communicate(timeout=10)
        pytest.fail(f"the child did not exit within {INTERRUPT_BOUND_SECONDS}s of SIGINT; stderr: {err[-2000:]}")
    out, err = child.communicate(timeout=10)
    assert child.returncode == 0, err
    print(f"run_many interrupted: the child was done {took:.2f}s after SIGINT; {out.strip()}")
    return json.loads(out.strip().splitlines()[-1]), took


def long_runs_running(server: LocalEigenpalServer) -> list[str]:
    return [e.id for e in server.store.all_executions() if e.status == "running" and e.input.get("seconds") == 60]


@pytest.mark.parametrize("cancel", [False, True], ids=["keep-running", "cancel-on-interrupt"])
def test_ctrl_c_in_sync_run_many_returns_at_once_with_what_it_started(
    server: LocalEigenpalServer, cancel: bool
) -> None:
    """Today: 4 started, 0 reported, and Ctrl-C waits for the runs (up to timeout_seconds)."""
    child = start_child(server.base_url, cancel=cancel)
    assert until(lambda: len(long_runs_running(server)) == 4), statuses(server)
    running = set(long_runs_running(server))
    child.send_signal(signal.SIGINT)
    report, _took = finish(child)

    assert report["is_keyboard_interrupt"]
    assert report["threads"] == []  # no worker thread keeps the interpreter alive (and the child exited)
    assert all(seconds < INTERRUPT_BOUND_SECONDS for seconds in report["seconds"])
    assert set(report["running_ids"]) == running
    finished = [o for o in report["outcomes"] if o["succeeded"]]
    assert sorted(o["index"] for o in finished) == [0, 1]
    interrupted = [o for o in report["outcomes"] if o["error"] == "EigenpalInterruptedError"]
    assert {o["execution_id"] for o in interrupted} == running
    assert report["not_started"] == [6, 7]
    assert until(lambda: len(statuses(server)) == 6, timeout=1.0)
    time.sleep(0.5)
    assert len(statuses(server)) == 6  # nothing was started after the interrupt
    if cancel:
        assert set(report["cancelled_ids"]) == running
        assert until(lambda: all(statuses(server)[i] == "cancelled" for i in running)), statuses(server)
    else:
        assert report["cancelled_ids"] == []
        assert all(statuses(server)[i] == "running" for i in running)


def test_a_second_ctrl_c_cuts_the_cancels_short() -> None:
    """The cancel requests hang (a hostile server); a second Ctrl-C still returns control at once."""
    counter = iter(range(1000))

    def run(request: RawRequest, conn: Any) -> None:
        answer(201, {"executionId": f"exec_{next(counter)}"})(request, conn)

    def poll(request: RawRequest, conn: Any) -> None:
        answer(200, execution_status(request.path.rsplit("/", 1)[-1], "running"))(request, conn)

    api = routes(
        {
            ("POST", "/api/v1/workflows/executions/"): hang,  # cancel never answers
            ("POST", "/api/v1/workflows/"): run,
            ("GET", "/api/v1/workflows/executions/"): poll,
        }
    )
    with HostileServer(api) as hostile:
        child = start_child(hostile.base_url, cancel=True)
        # Each of the 4 runs answered and polled: the child knows all 4 ids.
        assert until(lambda: len({r.path for r in hostile.requests if r.method == "GET"}) >= 4)
        child.send_signal(signal.SIGINT)
        assert until(lambda: any(r.path.endswith("/cancel") for r in hostile.requests), timeout=5.0)
        child.send_signal(signal.SIGINT)
        report, _took = finish(child)
    assert len(report["running_ids"]) == 4
    assert report["cancelled_ids"] == []
    assert report["threads"] == []


# --- item 4: async cancellation -------------------------------------------------------------------------------


def test_cancelling_async_run_many_reports_every_started_execution_then_propagates(
    server: LocalEigenpalServer,
) -> None:
    """Today: the cancelled call reports nothing (4 started, 0 reported)."""
    reported: list[RunOutcome] = []
    items = [{"seconds": 60}] * 6

    async def scenario() -> tuple[BaseException, set[asyncio.Task[Any]]]:
        async with server.async_client() as client:
            task = asyncio.create_task(
                client.workflows.executions.run_many(
                    "sleep", items, concurrency=4, on_outcome=reported.append, poll_interval_seconds=0.2
                )
            )
            while len(long_runs_running(server)) < 4:
                await asyncio.sleep(0.02)
            task.cancel()
            try:
                await task
            except asyncio.CancelledError as cancelled:
                caught: BaseException = cancelled
            else:  # pragma: no cover - the test fails below
                caught = AssertionError("run_many returned after being cancelled")
            return caught, asyncio.all_tasks() - {asyncio.current_task()}

    caught, others = asyncio.run(scenario())
    running = set(long_runs_running(server))
    assert type(caught) is asyncio.CancelledError
    assert others == set()
    assert len(running) == 4
    assert {o.execution_id for o in reported} == running
    assert all(isinstance(o.error, EigenpalInterruptedError) for o in reported)
    notes = "\n".join(getattr(caught, "__notes__", []))
    assert all(execution_id in notes for execution_id in running)
    assert len(statuses(server)) == 4  # nothing was started after the cancellation


def test_run_many_interrupted_is_a_keyboard_interrupt_and_pickles() -> None:
    import pickle

    stopped = RunManyInterrupted(
        "run_many was interrupted", outcomes=[], running_ids=["exec_1"], cancelled_ids=[], not_started=[3]
    )
    assert isinstance(stopped, KeyboardInterrupt)
    assert not isinstance(stopped, Exception)  # `except Exception` does not swallow a Ctrl-C
    copy = pickle.loads(pickle.dumps(stopped))
    assert (copy.running_ids, copy.not_started, str(copy)) == (["exec_1"], [3], str(stopped))
    assert issubclass(EigenpalInterruptedError, Exception)
