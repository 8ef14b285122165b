"""How fast does ``run_and_wait`` notice the end of an execution, and how many requests does it cost?

Simulated time, no network: the client talks to an ``httpx.MockTransport`` fake API whose execution runs for a
given duration on a fake clock, and the client's ``clock=``/``sleep=`` read and advance that clock. Each request
costs ``latency`` seconds (half on the way in, when the server decides its answer, half on the way back). The
fake API does not echo ``Idempotency-Key`` (like EigenPal as documented), so the client uses its poll schedule;
``server_hold=True`` is simulated too (the fake API holds the run request up to 60 s).

For each duration it prints, for eigenpal-ext's ``run_and_wait`` and for a baseline that polls every 2 s like
the official SDK 0.4.12 (trigger, then GET, sleep 2 s, GET, ...):

- requests: the trigger plus every poll;
- detection delay (lag): when the call returned minus when the execution ended on the server.

A single run length can be hit or missed by luck of alignment, so ``spread_figures`` (used by ``run.py``) also
judges the schedule over a spread: the mean lag and the total requests over many run lengths, log-spaced from
0.3 to 15 s.

Usage: ``python benchmarks/wait_schedule.py [--latency 0.05] [--durations 0.3,1,3.1,7,12.9,30,120]``. The
figures are deterministic, so there is nothing to repeat or take a median of.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from eigenpal_ext import EigenpalClient, is_terminal
from eigenpal_ext import _config as config

EXECUTION_ID = "exec_bench"
POLL_PATH = f"/api/v1/workflows/executions/{EXECUTION_ID}"
BASELINE_POLL_INTERVAL_SECONDS = 2.0
TIMEOUT_SECONDS = 300.0
HOLD_WINDOW_SECONDS = 60.0
SPREAD_RUNS = 60
SPREAD_SHORTEST, SPREAD_LONGEST = 0.3, 15.0


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class SimulatedApi:
    """One execution that runs ``duration`` seconds from the moment its run request reaches the server."""

    duration: float
    latency: float
    time: FakeTime = field(default_factory=FakeTime)
    started_at: float | None = None
    requests: int = 0

    @property
    def finished_at(self) -> float:
        assert self.started_at is not None
        return self.started_at + self.duration

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.time.now += self.latency / 2  # the request travels to the server
        try:
            if request.method == "POST" and request.url.path.endswith("/run"):
                self.started_at = self.time.now
                hold = request.url.params.get("wait_for_completion")
                if hold is None:
                    return httpx.Response(201, json={"executionId": EXECUTION_ID})
                # The server hold: answer when the execution ends, or when the window closes.
                window = min(float(hold), HOLD_WINDOW_SECONDS)
                if self.duration <= window:
                    self.time.now = self.finished_at
                    return httpx.Response(201, json={"executionId": EXECUTION_ID, "status": "completed"})
                self.time.now += window
                return httpx.Response(201, json={"executionId": EXECUTION_ID})
            if request.method == "GET" and request.url.path == POLL_PATH:
                done = self.started_at is not None and self.time.now >= self.finished_at
                status = "completed" if done else "running"
                body = {"executionId": EXECUTION_ID, "status": status, "createdAt": "2026-05-09T12:00:00Z"}
                return httpx.Response(200, json=body)
            return httpx.Response(404, json={"issues": []})
        finally:
            self.time.now += self.latency / 2  # the response travels back

    def client(self) -> EigenpalClient:
        return EigenpalClient(
            api_key="eg_bench_0123456789",
            base_url="https://eigenpal.test",
            transport=httpx.MockTransport(self.handler),
            clock=self.time.clock,
            sleep=self.time.sleep,
        )


@dataclass(frozen=True)
class Figures:
    requests: int
    detection_delay: float


def measure_run_and_wait(duration: float, latency: float, *, server_hold: bool = False) -> Figures:
    api = SimulatedApi(duration, latency)
    with api.client() as client:
        result = client.workflows.executions.run_and_wait(
            "extract-invoice", timeout_seconds=TIMEOUT_SECONDS, server_hold=server_hold
        )
    assert result.status == "completed"
    return Figures(api.requests, api.time.now - api.finished_at)


def measure_fixed_polling(duration: float, latency: float) -> Figures:
    """The official SDK's loop: trigger, then poll, sleep the interval, poll again, until terminal."""
    api = SimulatedApi(duration, latency)
    with api.client() as client:
        triggered = client.workflows.run("extract-invoice")
        deadline = api.time.clock() + TIMEOUT_SECONDS
        while api.time.clock() < deadline:
            status = client.workflows.executions.get(triggered.execution_id)
            if is_terminal(status.status):
                break
            api.time.sleep(BASELINE_POLL_INTERVAL_SECONDS)
        else:
            raise RuntimeError("the baseline timed out")
    return Figures(api.requests, api.time.now - api.finished_at)


@dataclass(frozen=True)
class SpreadFigures:
    mean_lag: float
    requests: int


def spread_durations(count: int = SPREAD_RUNS) -> list[float]:
    """``count`` run lengths, log-spaced from 0.3 to 15 s (as many short runs as long ones, per decade)."""
    ratio = SPREAD_LONGEST / SPREAD_SHORTEST
    return [SPREAD_SHORTEST * ratio ** (index / (count - 1)) for index in range(count)]


def spread_figures(latency: float = 0.05) -> dict[str, SpreadFigures]:
    """Mean lag and total requests over the spread: ``fixed`` 2 s polling, ``ours`` defaults, ``hold``."""
    durations = spread_durations()
    measures: dict[str, Callable[[float], Figures]] = {
        "fixed": lambda d: measure_fixed_polling(d, latency),
        "ours": lambda d: measure_run_and_wait(d, latency),
        "hold": lambda d: measure_run_and_wait(d, latency, server_hold=True),
    }
    figures = {}
    for name, measure in measures.items():
        samples = [measure(duration) for duration in durations]
        figures[name] = SpreadFigures(
            mean_lag=sum(s.detection_delay for s in samples) / len(samples), requests=sum(s.requests for s in samples)
        )
    return figures


def print_table(durations: list[float], latency: float) -> None:
    header = (
        f"{'execution':>10} | {'run_and_wait':^26} | {'fixed 2 s polling':^26} | {'extra':>8}\n"
        f"{'lasts (s)':>10} | {'requests':>10} {'detected +s':>15} | {'requests':>10} {'detected +s':>15} | "
        f"{'requests':>8}"
    )
    print(header)
    print("-" * len(header.splitlines()[1]))
    for duration in durations:
        ours = measure_run_and_wait(duration, latency)
        fixed = measure_fixed_polling(duration, latency)
        print(
            f"{duration:>10g} | {ours.requests:>10d} {ours.detection_delay:>15.3f} | "
            f"{fixed.requests:>10d} {fixed.detection_delay:>15.3f} | {ours.requests - fixed.requests:>+8d}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request (default 0.05)")
    parser.add_argument(
        "--durations",
        default="0.3,1,3.1,7,12.9,30,120",
        help="execution durations in seconds (default 0.3,1,3.1,7,12.9,30,120)",
    )
    args = parser.parse_args()
    durations = [float(value) for value in args.durations.split(",")]

    print("Wait schedule on simulated time (deterministic; no real sleeping, no network)")
    print(
        f"inputs: durations {', '.join(f'{d:g}' for d in durations)} s; request latency {args.latency * 1000:g} ms; "
        f"timeout {TIMEOUT_SECONDS:g} s"
    )
    print(
        f"run_and_wait: first poll {config.FIRST_POLL_DELAY_SECONDS:g} s after the trigger, then delays growing "
        f"x{config.POLL_BACKOFF_FACTOR:g} up to poll_interval_seconds={config.DEFAULT_POLL_INTERVAL_SECONDS:g} s"
    )
    print(f"baseline: trigger, poll, sleep {BASELINE_POLL_INTERVAL_SECONDS:g} s, poll, ... (official SDK 0.4.12)")
    print("requests = trigger + polls; detected +s = time the call returned - time the execution ended;")
    print("extra requests = run_and_wait's requests - the baseline's (the price of the fast start)\n")
    print_table(durations, args.latency)
    spread = spread_figures(args.latency)
    fixed = spread["fixed"]
    print(
        f"\nover {SPREAD_RUNS} run lengths log-spaced {SPREAD_SHORTEST:g}-{SPREAD_LONGEST:g} s "
        f"(fixed 2 s polling: mean lag {fixed.mean_lag:.3f} s, {fixed.requests} requests):"
    )
    for name, label in (("ours", "run_and_wait"), ("hold", "run_and_wait(server_hold=True)")):
        figures = spread[name]
        print(
            f"  {label:<32} mean lag {figures.mean_lag:.3f} s ({figures.mean_lag / fixed.mean_lag:.2f}x), "
            f"{figures.requests} requests ({figures.requests / fixed.requests:.2f}x)"
        )


if __name__ == "__main__":
    main()
