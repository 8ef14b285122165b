"""``run_batch`` figures for ``make bench`` (the ``batch`` section of ``benchmarks/run.py``), each measured in a fresh
child process: ``python benchmarks/batch.py TASK [options]`` prints one JSON line.

- ``memory``: 20,000 inputs of 2 KB each from a generator, against an ``httpx.MockTransport`` whose run answers
  are already terminal (so each input is one request), with a journal on disk and an output file: peak RSS
  growth over the process's peak before the batch, wall time, inputs per second.
- ``throughput``: ``echo`` inputs on the local server at concurrency 8, with a journal: inputs per second and
  requests per execution (every request counted at httpx's transport, retries included).
- ``lag``: ``sleep`` runs of about 3 s (+-10%, seeded), 4 at a time, on the local server: for the batch's learned
  waits (``--mode learned``) or a hand-written loop polling every 2 s (``--mode fixed``): the mean lag (the
  outcome seen minus the execution's ``completedAt``) and the polls per execution.

Figures only: nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "generated")]

from eigenpal_ext import EigenpalClient  # noqa: E402

_requests = 0
_lock = threading.Lock()


def count_requests() -> None:
    """Count every request at httpx's transport (the client's retries included)."""
    send = httpx.HTTPTransport.handle_request

    def counted(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        global _requests  # noqa: PLW0603 - one counter per child process
        with _lock:
            _requests += 1
        return send(self, request)

    httpx.HTTPTransport.handle_request = counted  # type: ignore[method-assign]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def memory(count: int, size: int) -> dict[str, Any]:
    numbers = iter(range(10**9))

    def answer(request: httpx.Request) -> httpx.Response:
        number = next(numbers)
        body = {"executionId": f"exec_{number}", "status": "completed", "result": {"ok": number}}
        return httpx.Response(201, json=body)

    def inputs() -> Iterator[dict[str, Any]]:
        for number in range(count):
            yield {"n": number, "text": f"{number:08d}" + "x" * (size - 8)}

    with tempfile.TemporaryDirectory() as folder, EigenpalClient(
        api_key="eg_bench_0123456789", base_url="https://eigenpal.test", transport=httpx.MockTransport(answer)
    ) as client:  # fmt: skip
        list(client.workflows.executions.run_batch("bench", inputs_of(10, size)))  # warm up: imports, threads
        before = peak_rss_mib()
        started = time.perf_counter()
        outcomes = 0
        run = client.workflows.executions.run_batch(
            "bench", inputs(), journal=Path(folder) / "journal", output=Path(folder) / "out.jsonl", concurrency=8
        )
        for outcome in run:
            outcomes += outcome.succeeded
        seconds = time.perf_counter() - started
        journal_mib = (Path(folder) / "journal").stat().st_size / 2**20
    return {
        "inputs": count, "succeeded": outcomes, "seconds": seconds, "per_second": count / seconds,
        "peak_rss_growth_mib": peak_rss_mib() - before, "journal_mib": journal_mib,
    }  # fmt: skip


def inputs_of(count: int, size: int) -> list[dict[str, Any]]:
    return [{"warm": number, "text": "y" * size} for number in range(count)]


def throughput(base_url: str, api_key: str, count: int) -> dict[str, Any]:
    count_requests()
    with tempfile.TemporaryDirectory() as folder, EigenpalClient(api_key=api_key, base_url=base_url) as client:
        started = time.perf_counter()
        run = client.workflows.executions.run_batch(
            "echo", ({"n": number, "at": started} for number in range(count)), journal=Path(folder) / "j",
            concurrency=8,
        )  # fmt: skip
        succeeded = sum(outcome.succeeded for outcome in run)
        seconds = time.perf_counter() - started
    return {"inputs": count, "succeeded": succeeded, "per_second": count / seconds, "requests": _requests / count}


def durations(count: int, seed: int) -> list[float]:
    draw = random.Random(seed)
    return [round(3.0 * (1 + draw.uniform(-0.1, 0.1)), 3) for _ in range(count)]


def lag(base_url: str, api_key: str, mode: str, count: int, seed: int) -> dict[str, Any]:
    count_requests()
    runs = durations(count, seed)
    lags: list[float] = []
    tag = f"{mode}-{time.time()}"  # distinct inputs on a shared server
    with EigenpalClient(api_key=api_key, base_url=base_url) as client:
        if mode == "learned":
            inputs = [{"seconds": seconds, "tag": tag, "n": n} for n, seconds in enumerate(runs)]
            for outcome in client.workflows.executions.run_batch("sleep", inputs, concurrency=4):
                assert outcome.completed_at is not None
                assert outcome.finished_at is not None
                lags.append((outcome.finished_at - outcome.completed_at).total_seconds())
        else:

            def one(number: int) -> float:
                handle = client.workflows.run("sleep", {"seconds": runs[number], "tag": tag, "n": number})
                while True:
                    time.sleep(2.0)
                    execution = client.workflows.executions.get(handle.execution_id)
                    if execution.status == "completed":
                        assert execution.completed_at is not None
                        return (datetime.now(UTC) - execution.completed_at).total_seconds()

            with ThreadPoolExecutor(4) as pool:
                lags = list(pool.map(one, range(count)))
    polls = _requests / count - 1  # every request but the run itself
    return {"mode": mode, "inputs": count, "mean_lag": statistics.mean(lags), "polls_per_execution": polls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["memory", "throughput", "lag"])
    parser.add_argument("--base-url")
    parser.add_argument("--api-key")
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--bytes", type=int, default=2048)
    parser.add_argument("--mode", choices=["learned", "fixed"], default="learned")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.task == "memory":
        figures = memory(args.inputs, args.bytes)
    elif args.task == "throughput":
        figures = throughput(args.base_url, args.api_key, args.inputs)
    else:
        figures = lag(args.base_url, args.api_key, args.mode, args.inputs, args.seed)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
