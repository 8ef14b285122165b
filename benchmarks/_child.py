"""One client, one measurement, one process: what ``benchmarks/run.py`` starts for every figure.

``python benchmarks/_child.py TASK CLIENT --base-url URL --api-key KEY [--arg value ...]`` prints one JSON
line of figures. Clients:

- ``raw``: hand-written httpx calls, the floor (the least any client on httpx can do);
- ``official``: the official SDK ``eigenpal==0.4.12``, used as its README shows;
- ``ours``: ``eigenpal_ext``.

Tasks: ``cpu`` (user CPU per call of sequential ``executions.get``), ``wait`` (``run_and_wait`` lag and
requests for several run lengths at once), ``fanout`` (run+get throughput at a concurrency), ``upload``
(peak RSS growth while uploading a file). Requests are counted by wrapping httpx's own transports, so
every client is counted the same way (retries included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

RUN_PATH = "/api/v1/workflows/{workflow}/run"
GET_PATH = "/api/v1/workflows/executions/{execution_id}"
FIXED_POLL_SECONDS = 2.0  # the official SDK's run_and_wait interval
TERMINAL = frozenset({"completed", "failed", "cancelled", "rejected"})

# --- request counting (per thread, so parallel waits count their own requests) ----------------------------

_counts = threading.local()


def _count() -> None:
    _counts.value = getattr(_counts, "value", 0) + 1


def requests_counted() -> int:
    return int(getattr(_counts, "value", 0))


def reset_count() -> None:
    _counts.value = 0


def install_request_counter() -> None:
    sync_send = httpx.HTTPTransport.handle_request

    def counted(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        _count()
        return sync_send(self, request)

    httpx.HTTPTransport.handle_request = counted  # type: ignore[method-assign]


# --- the three clients ------------------------------------------------------------------------------------


class Clients:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url, self.api_key = base_url, api_key

    def raw(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {self.api_key}"}, trust_env=False
        )

    def raw_async(self) -> httpx.AsyncClient:
        # httpx's default pool, as a minimal hand-written client would have it. (On the local server fewer
        # connections go faster, and eigenpal-ext's pool is smaller: 32, 16 kept alive.)
        return httpx.AsyncClient(
            base_url=self.base_url, headers={"Authorization": f"Bearer {self.api_key}"}, trust_env=False
        )

    def official(self) -> Any:
        from eigenpal import EigenpalClient as OfficialClient  # noqa: PLC0415 - only in the official child

        return OfficialClient(api_key=self.api_key, base_url=self.base_url)

    def ours(self, **kwargs: Any) -> Any:
        from eigenpal_ext import EigenpalClient  # noqa: PLC0415 - only in our child

        return EigenpalClient(api_key=self.api_key, base_url=self.base_url, httpx_args={"trust_env": False}, **kwargs)

    def ours_async(self) -> Any:
        from eigenpal_ext import AsyncEigenpalClient  # noqa: PLC0415

        return AsyncEigenpalClient(api_key=self.api_key, base_url=self.base_url, httpx_args={"trust_env": False})


def raw_get(http: httpx.Client, execution_id: str) -> dict[str, Any]:
    response = http.get(GET_PATH.format(execution_id=execution_id))
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def raw_run(http: httpx.Client, workflow: str, inputs: dict[str, Any]) -> str:
    response = http.post(RUN_PATH.format(workflow=workflow), json={"input": inputs})
    response.raise_for_status()
    return str(response.json()["executionId"])


def cpu_seconds() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- cpu: user CPU per executions.get ---------------------------------------------------------------------


def task_cpu(clients: Clients, client: str, execution_id: str, calls: int) -> dict[str, Any]:
    if client == "raw":
        http = clients.raw()
        get: Callable[[], object] = lambda: raw_get(http, execution_id)  # noqa: E731
        close = http.close
    elif client == "official":
        sdk = clients.official()
        get = lambda: sdk.workflows.executions.get(execution_id)  # noqa: E731
        close = lambda: sdk.__exit__(None, None, None)  # noqa: E731
    else:
        ours = clients.ours()
        get = lambda: ours.workflows.executions.get(execution_id)  # noqa: E731
        close = ours.close
    for _ in range(50):  # warm: connection, lazy imports, caches
        get()
    started_cpu, started_wall = cpu_seconds(), time.perf_counter()
    for _ in range(calls):
        get()
    used_cpu, wall = cpu_seconds() - started_cpu, time.perf_counter() - started_wall
    close()
    return {"calls": calls, "cpu_us_per_call": used_cpu / calls * 1e6, "wall_us_per_call": wall / calls * 1e6}


# --- wait: run_and_wait lag and requests ------------------------------------------------------------------


def _completed_at(clients: Clients, execution_id: str) -> float:
    with clients.raw() as http:
        body = raw_get(http, execution_id)
    stamp = str(body["completedAt"]).replace("Z", "+00:00")
    return datetime.fromisoformat(stamp).timestamp()


def _fixed_polling(http: httpx.Client, workflow: str, seconds: float) -> str:
    """What the official SDK does, by hand: trigger, then GET, sleep 2 s, GET, ... until terminal."""
    execution_id = raw_run(http, workflow, {"seconds": seconds})
    while raw_get(http, execution_id)["status"] not in TERMINAL:
        time.sleep(FIXED_POLL_SECONDS)
    return execution_id


def _one_wait(clients: Clients, client: str, mode: str, workflow: str, seconds: float) -> dict[str, Any]:
    reset_count()
    if client == "raw":
        with clients.raw() as http:
            execution_id = _fixed_polling(http, workflow, seconds)
    elif client == "official":
        with clients.official() as sdk:
            answer = sdk.workflows.executions.run_and_wait(workflow, input={"seconds": seconds})
            execution_id = answer["executionId"]
    else:
        # poll: a server not known to honour Idempotency-Key (EigenPal as documented): the poll schedule.
        # default: whatever run_and_wait does by default with this server (it echoes the key: an inference,
        # which does not hold by default). declared: idempotent_runs=True (the held replay). hold: server_hold=True.
        options: dict[str, Any] = {"poll": {"idempotent_runs": False}, "declared": {"idempotent_runs": True}}.get(
            mode, {}
        )
        with clients.ours(**options) as ours:
            hold = {"server_hold": True} if mode == "hold" else {}
            result = ours.workflows.executions.run_and_wait(workflow, input={"seconds": seconds}, **hold)
            execution_id = result.execution_id
    returned = time.time()
    requests = requests_counted()
    return {"seconds": seconds, "requests": requests, "lag": returned - _completed_at(clients, execution_id)}


def task_wait(clients: Clients, client: str, mode: str, workflow: str, durations: list[float]) -> dict[str, Any]:
    # All run lengths at once, one thread each: the server runs them in parallel, so the whole spread
    # takes as long as its longest run.
    with ThreadPoolExecutor(max_workers=len(durations)) as pool:
        rows = list(pool.map(lambda seconds: _one_wait(clients, client, mode, workflow, seconds), durations))
    return {"runs": rows}


# --- fanout: run+get throughput ---------------------------------------------------------------------------


WARMUP_PAIRS = 50  # untimed, on the same client: connections made, lazy imports done, caches filled


async def _gather_timed(one: Callable[[int], Any], total: int, concurrency: int) -> float:
    """Run ``WARMUP_PAIRS`` pairs untimed, then ``total`` timed; the timed phase's seconds."""
    slots = asyncio.Semaphore(concurrency)

    async def bounded(index: int) -> None:
        async with slots:
            await one(index)

    await asyncio.gather(*(bounded(index) for index in range(WARMUP_PAIRS)))
    started = time.perf_counter()
    await asyncio.gather(*(bounded(index) for index in range(total)))
    return time.perf_counter() - started


async def _raw_fanout(clients: Clients, workflow: str, total: int, concurrency: int) -> float:
    async with clients.raw_async() as http:

        async def one(index: int) -> None:
            response = await http.post(RUN_PATH.format(workflow=workflow), json={"input": {"n": index}})
            response.raise_for_status()
            status = await http.get(GET_PATH.format(execution_id=response.json()["executionId"]))
            status.raise_for_status()
            status.json()

        return await _gather_timed(one, total, concurrency)


async def _ours_fanout(clients: Clients, workflow: str, total: int, concurrency: int) -> float:
    async with clients.ours_async() as client:

        async def one(index: int) -> None:
            triggered = await client.workflows.run(workflow, input={"n": index})
            await client.workflows.executions.get(triggered.execution_id)

        return await _gather_timed(one, total, concurrency)


def _official_fanout(clients: Clients, workflow: str, total: int, concurrency: int) -> float:
    # The official SDK has no async client: the same fan-out on threads, its only option.
    with clients.official() as sdk, ThreadPoolExecutor(max_workers=concurrency) as pool:

        def one(index: int) -> None:
            triggered = sdk.workflows.run(workflow, input={"n": index})
            sdk.workflows.executions.get(triggered.execution_id)

        list(pool.map(one, range(WARMUP_PAIRS)))
        started = time.perf_counter()
        list(pool.map(one, range(total)))
        return time.perf_counter() - started


def task_fanout(clients: Clients, client: str, workflow: str, total: int, concurrency: int) -> dict[str, Any]:
    started_cpu = cpu_seconds()
    if client == "raw":
        seconds = asyncio.run(_raw_fanout(clients, workflow, total, concurrency))
    elif client == "official":
        seconds = _official_fanout(clients, workflow, total, concurrency)
    else:
        seconds = asyncio.run(_ours_fanout(clients, workflow, total, concurrency))
    cpu_us = (cpu_seconds() - started_cpu) / (total + WARMUP_PAIRS) * 1e6
    return {"total": total, "seconds": seconds, "per_second": total / seconds, "cpu_us_per_pair": cpu_us}


# --- upload: peak RSS growth ------------------------------------------------------------------------------


def _received_bytes(model: Any) -> int | None:
    """``receivedBytes`` of the discarding server's answer, wherever the model keeps unknown keys."""
    for name in ("raw", "additional_properties"):
        data = getattr(model, name, None)
        if isinstance(data, Mapping) and "receivedBytes" in data:
            return int(data["receivedBytes"])
    return None  # the official SDK's model drops unknown keys


def task_upload(clients: Clients, client: str, workflow: str, file: str | None) -> dict[str, Any]:
    path = None if file is None else Path(file)
    if client == "raw":
        http = clients.raw()
        before = peak_rss_mib()
        if path is None:
            response = http.post(RUN_PATH.format(workflow=workflow), json={"input": {"note": "baseline"}})
        else:
            with path.open("rb") as handle:  # httpx streams a file object in chunks
                files = {"doc": (path.name, handle, "application/octet-stream")}
                response = http.post(RUN_PATH.format(workflow=workflow), files=files)
        response.raise_for_status()
        received = response.json().get("receivedBytes", 0)
        http.close()
    else:
        sdk = clients.official() if client == "official" else clients.ours()
        before = peak_rss_mib()
        inputs = {"note": "baseline"} if path is None else {"doc": path}
        triggered = sdk.workflows.run(workflow, input=inputs)
        received = _received_bytes(triggered)
        sdk.__exit__(None, None, None)
    if path is not None and received is not None and int(received) < path.stat().st_size:
        raise RuntimeError(f"the server received {received} bytes, less than the file's size")
    return {"rss_before_mib": before, "peak_rss_mib": peak_rss_mib(), "received": received}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["cpu", "wait", "fanout", "upload"])
    parser.add_argument("client", choices=["raw", "official", "ours"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--execution-id")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--workflow", default="echo")
    parser.add_argument("--mode", default="default", choices=["default", "poll", "declared", "hold"])
    parser.add_argument("--durations", default="0.3,1,3.1,7,12.9")
    parser.add_argument("--total", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--file")
    args = parser.parse_args()
    install_request_counter()
    clients = Clients(args.base_url, args.api_key)
    if args.task == "cpu":
        figures = task_cpu(clients, args.client, args.execution_id, args.calls)
    elif args.task == "wait":
        durations = [float(value) for value in args.durations.split(",")]
        figures = task_wait(clients, args.client, args.mode, args.workflow, durations)
    elif args.task == "fanout":
        figures = task_fanout(clients, args.client, args.workflow, args.total, args.concurrency)
    else:
        figures = task_upload(clients, args.client, args.workflow, args.file)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
