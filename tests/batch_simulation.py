"""A batch on simulated time: the real async ``run_batch`` (its core, flows and learned waits) against a fake API
whose executions run for given durations, on an event loop whose clock jumps instead of sleeping.

``VirtualTimeLoop`` is an asyncio loop whose ``time()`` is virtual: when nothing is ready to run, it moves its
clock to the next timer instead of waiting, so a batch of 3-second runs completes in milliseconds, and the
same inputs always give the same figures (no thread, no socket, no wall clock). ``SimulatedApi`` answers the
run and status operations over an ``httpx.MockTransport``: the n-th run created lasts ``durations[n]``
seconds, each request takes ``latency`` (half each way). ``fixed_polling`` is the baseline: the same runs
with the same concurrency, each triggered and then polled every 2 s.

Used by ``tests/unit/test_batch_simulated.py`` (the learned waits against fixed polling) and by
``benchmarks/run.py``'s ``batch`` section.
"""

from __future__ import annotations

import asyncio
import datetime
import selectors
import statistics
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from eigenpal_ext import AsyncEigenpalClient

T = TypeVar("T")
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


class _JumpingSelector(selectors.SelectSelector):
    """Never blocks: where the loop would wait ``timeout`` seconds, its virtual clock moves on that much."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = super().select(0)
        if not events and timeout is not None and timeout > 0:
            self._loop.now += timeout
        return events


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on virtual time (see the module docstring). Only for code that does no real I/O."""

    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self.now


def run_virtual(main: Callable[[VirtualTimeLoop], Awaitable[T]]) -> T:
    """Run ``main(loop)`` to its end on a fresh virtual-time loop."""
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main(loop))
    finally:
        loop.close()


@dataclass
class Execution:
    created: float
    ends: float
    polls: int = 0
    detected: float | None = None


@dataclass
class SimulatedApi:
    """Runs of the given durations, in the order they are created; ``latency`` seconds per request."""

    loop: VirtualTimeLoop
    durations: list[float]
    latency: float = 0.02
    executions: dict[str, Execution] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    run_times: list[float] = field(default_factory=list)
    runs: int = 0
    polls: int = 0
    refuse_runs: int = 0  # answer the first N run requests with 429
    retry_after: float = 1.0

    def _stamp(self, seconds: float) -> str:
        return (EPOCH + datetime.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")

    async def handler(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self.latency / 2)
        try:
            return self._answer(request)
        finally:
            await asyncio.sleep(self.latency / 2)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        now = self.loop.time()
        if request.method == "POST" and request.url.path.endswith("/run"):
            self.runs += 1
            self.run_times.append(now)
            if self.refuse_runs:
                self.refuse_runs -= 1
                return httpx.Response(429, headers={"Retry-After": f"{self.retry_after:g}"}, json={"issues": []})
            execution_id = f"exec_{len(self.executions)}"
            duration = self.durations[len(self.executions) % len(self.durations)]
            self.executions[execution_id] = Execution(created=now, ends=now + duration)
            return httpx.Response(201, json={"executionId": execution_id, "status": "pending"})
        if request.method == "POST" and request.url.path.endswith("/cancel"):
            execution_id = request.url.path.rsplit("/", 2)[-2]
            self.cancelled.append(execution_id)
            return httpx.Response(
                200, json={"executionId": execution_id, "status": "cancelled", "wasStatus": "running"}
            )
        if request.method == "GET" and "/workflows/executions/" in request.url.path:
            execution_id = request.url.path.rsplit("/", 1)[-1]
            execution = self.executions[execution_id]
            execution.polls += 1
            self.polls += 1
            done = now >= execution.ends
            body: dict[str, Any] = {
                "executionId": execution_id,
                "status": "completed" if done else "running",
                "createdAt": self._stamp(execution.created),
            }
            if done:
                body["completedAt"] = self._stamp(execution.ends)
                body["result"] = {"ok": True}
                if execution.detected is None:
                    execution.detected = now + self.latency / 2  # the answer is back then
            return httpx.Response(200, json=body)
        return httpx.Response(404, json={"issues": []})

    def client(self, **options: Any) -> AsyncEigenpalClient:
        return AsyncEigenpalClient(
            api_key="eg_sim_0123456789", base_url="https://eigenpal.test", transport=httpx.MockTransport(self.handler),
            clock=self.loop.time, sleep=asyncio.sleep, **options,
        )  # fmt: skip

    def lags(self) -> list[float]:
        """For each execution, when its end was seen minus when it ended."""
        return [e.detected - e.ends for e in self.executions.values() if e.detected is not None]


@dataclass(frozen=True)
class Figures:
    """What a simulated batch cost: the mean lag (seconds), the polls, the triggers, and the end time."""

    mean_lag: float
    polls: int
    runs: int
    seconds: float

    @property
    def polls_per_execution(self) -> float:
        return self.polls / max(1, self.runs)


def learned_waits(durations: list[float], concurrency: int, latency: float = 0.02, **batch: Any) -> Figures:
    """``run_batch`` over ``len(durations)`` inputs at ``concurrency``, on virtual time."""

    async def main(loop: VirtualTimeLoop) -> Figures:
        api = SimulatedApi(loop, durations, latency)
        async with api.client() as client:
            inputs = [{"n": n} for n in range(len(durations))]
            run = client.workflows.executions.run_batch("sim", inputs, concurrency=concurrency, **batch)
            outcomes = [outcome async for outcome in run]
        assert all(outcome.succeeded for outcome in outcomes), outcomes
        return Figures(statistics.mean(api.lags()), api.polls, api.runs, loop.time())

    return run_virtual(main)


def fixed_polling(
    durations: list[float], concurrency: int, latency: float = 0.02, *, interval: float = 2.0, poll_first: bool = False
) -> Figures:
    """The baseline: the same runs at the same concurrency, each triggered, then polled every ``interval`` s
    (``poll_first``: once right after the trigger too, as the official SDK 0.4.12 does)."""

    async def main(loop: VirtualTimeLoop) -> Figures:
        api = SimulatedApi(loop, durations, latency)
        slots = asyncio.Semaphore(concurrency)
        async with api.client(max_retries=0) as client:

            async def one(number: int) -> None:
                async with slots:
                    handle = await client.workflows.run("sim", {"n": number})
                    if not poll_first:
                        await asyncio.sleep(interval)
                    while (await client.workflows.executions.get(handle.execution_id)).status != "completed":
                        await asyncio.sleep(interval)

            await asyncio.gather(*(one(number) for number in range(len(durations))))
        return Figures(statistics.mean(api.lags()), api.polls, api.runs, loop.time())

    return run_virtual(main)


def similar_durations(count: int, *, mean: float = 3.0, spread: float = 0.1, seed: int = 0) -> list[float]:
    """``count`` durations uniform within ``mean`` +- ``spread`` (a fraction), from a seeded generator."""
    import random

    draw = random.Random(seed)
    return [mean * (1 + draw.uniform(-spread, spread)) for _ in range(count)]


def compare(durations: Iterable[float], concurrency: int) -> dict[str, Figures]:
    """Learned waits and both fixed 2 s baselines on the same runs."""
    runs = list(durations)
    return {
        "learned": learned_waits(runs, concurrency),
        "fixed": fixed_polling(runs, concurrency),
        "fixed_first": fixed_polling(runs, concurrency, poll_first=True),
    }
