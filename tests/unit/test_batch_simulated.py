"""The async ``run_batch`` on simulated time (``tests/batch_simulation.py``): deterministic figures of the whole
batch, its learned waits against fixed 2 s polling, its pause and concurrency under 429, and cancellation.

These are decisions, not speed: the clock is virtual, so the figures are exact and the same on any machine.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext import Succeeded
from eigenpal_ext._journal import BatchIdentity, Journal
from tests.batch_simulation import (
    SimulatedApi,
    VirtualTimeLoop,
    compare,
    fixed_polling,
    learned_waits,
    run_virtual,
    similar_durations,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_learned_waits_lag_under_a_third_of_fixed_polling_with_fewer_polls(seed: int) -> None:
    """32 runs of 3 s +- 10%, 4 at a time, the first ones included (nothing learned yet)."""
    figures = compare(similar_durations(32, spread=0.1, seed=seed), concurrency=4)
    learned, fixed = figures["learned"], figures["fixed"]
    print(
        f"seed {seed}: learned lag {learned.mean_lag:.3f} s, {learned.polls} polls; fixed 2 s lag "
        f"{fixed.mean_lag:.3f} s, {fixed.polls} polls (polling once more right after each trigger: "
        f"{figures['fixed_first'].polls})"
    )
    assert learned.mean_lag <= 0.3 * fixed.mean_lag
    assert learned.polls <= fixed.polls  # the stricter baseline: its first poll 2 s after the trigger


def test_before_anything_is_learned_only_the_probe_polls_often() -> None:
    figures = learned_waits([3.0] * 4, concurrency=4)
    # The probe polls at 0.7, 1.4, 2.24, 3.25 s; the others wait for what it learns, then poll once.
    assert figures.polls == 4 + 3
    assert figures.mean_lag < 0.3


def test_a_run_longer_than_any_seen_is_polled_with_growing_steps() -> None:
    durations = [2.5] * 8 + [12.0]
    figures = learned_waits(durations, concurrency=1)
    short = learned_waits(durations[:8], concurrency=1)
    baseline = fixed_polling(durations, concurrency=1)
    # The 12 s run costs at most a few polls more than one every poll_interval_seconds (1.5 s) would.
    assert figures.polls - short.polls <= 12.0 / 1.5 + 3
    assert figures.polls <= baseline.polls
    assert figures.mean_lag < baseline.mean_lag


def test_429_pauses_the_batch_and_concurrency_recovers() -> None:
    async def main(loop: VirtualTimeLoop) -> tuple[list[Any], SimulatedApi, list[int]]:
        api = SimulatedApi(loop, [1.0] * 30)
        api.refuse_runs, api.retry_after = 3, 2.0
        limits: list[int] = []
        async with api.client(max_retries=0) as client:
            run = client.workflows.executions.run_batch("sim", [{"n": n} for n in range(30)], concurrency=8)
            outcomes = []
            async for outcome in run:
                outcomes.append(outcome)
                assert run._core is not None
                limits.append(run._core.limit.limit)
        return outcomes, api, limits

    outcomes, api, limits = run_virtual(main)
    assert all(isinstance(outcome, Succeeded) for outcome in outcomes)
    assert len(api.executions) == 30  # no duplicate
    assert api.runs == 33
    assert min(limits) < 8  # backed off
    assert limits[-1] == 8  # and recovered
    # The first 8 runs went out together (3 refused); then no run was sent during the pause of 2 s.
    assert api.run_times[:8] == [api.run_times[0]] * 8
    assert all(moment >= api.run_times[0] + 2.0 for moment in api.run_times[8:])


def test_cancelling_the_iterating_task_reports_what_runs_and_leaves_nothing_behind(tmp_path: Path) -> None:
    journal = tmp_path / "j"

    async def main(loop: VirtualTimeLoop) -> tuple[BaseException, SimulatedApi, set[asyncio.Task[Any]]]:
        api = SimulatedApi(loop, [60.0] * 10)
        async with api.client() as client:

            async def consume() -> None:
                run = client.workflows.executions.run_batch(
                    "sim", [{"n": n} for n in range(10)], concurrency=4, journal=journal, cancel_on_interrupt=True
                )
                async for _ in run:
                    pass

            task = asyncio.create_task(consume())
            await asyncio.sleep(5.0)
            task.cancel()
            try:
                await task
            except asyncio.CancelledError as cancelled:
                caught: BaseException = cancelled
            others = asyncio.all_tasks() - {asyncio.current_task()}
        return caught, api, others

    caught, api, others = run_virtual(main)
    assert type(caught) is asyncio.CancelledError
    assert others == set()
    notes = "\n".join(getattr(caught, "__notes__", []))
    assert len(api.executions) == 4
    assert all(f"execution {execution_id} was still running" in notes for execution_id in api.executions)
    assert "cancel requested for 4" in notes
    assert sorted(api.cancelled) == sorted(api.executions)
    with Journal.open(journal, BatchIdentity("sim")) as opened:
        assert {entry.execution_id for entry in opened.entries("started")} == set(api.executions)


def test_breaking_out_of_an_async_batch_releases_its_journal_and_leaves_no_task(tmp_path: Path) -> None:
    journal = tmp_path / "j"

    async def main(loop: VirtualTimeLoop) -> tuple[list[Any], SimulatedApi, set[asyncio.Task[Any]]]:
        api = SimulatedApi(loop, [1.0] * 10)
        inputs = [{"n": n} for n in range(10)]
        async with api.client() as client:
            async for _ in client.workflows.executions.run_batch("sim", inputs, concurrency=3, journal=journal):
                break  # the batch is dropped: its tasks are cancelled, its journal closed
            await asyncio.sleep(0.1)
            others = asyncio.all_tasks() - {asyncio.current_task()}
            run = client.workflows.executions.run_batch("sim", inputs, journal=journal)
            outcomes = [outcome async for outcome in run]
        return outcomes, api, others

    outcomes, api, others = run_virtual(main)
    assert others == set()
    assert [outcome.succeeded for outcome in outcomes] == [True] * 10
    assert len(api.executions) == 10  # the executions the first run started were waited for, not started again
