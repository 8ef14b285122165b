"""A tiny HTTP gateway between the client and a local server, misbehaving on purpose, for the hold and
idempotency tests (issue 15, items 1 and 2).

Real sockets on 127.0.0.1 and an ephemeral port (built on ``hostile_server.HostileServer``): each request
the client sends is forwarded to the upstream server with httpx, and a *policy* decides what the client
gets back. The policies are what sits in front of real deployments:

- ``relay``: the upstream answer, as it came (a polite proxy);
- ``answer_502_after_forwarding``: the upstream did the work (an execution exists), but the client gets a
  502 that echoes the request's ``Idempotency-Key``, as a gateway that echoes request headers does;
- ``cut_when_idle(seconds)``: a middlebox with a short idle timeout: an answer that takes longer than
  ``seconds`` (a server hold) is never delivered; the client's connection is closed instead, while the
  upstream request goes on.

``requests`` records what the client sent (method, target with query, headers, body).

For the batch kill tests: ``LateRunAnswers(seed, is_start)`` forwards a run start (the server creates the run)
and holds its answer back a seeded random moment, and ``kill_after_some_runs`` SIGKILLs a batch command at a
moment chosen by how many starts reached the server.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.e2e.hostile_server import Conn, HostileServer, RawRequest
from tests.support import until

Policy = Callable[[RawRequest, "Gateway"], httpx.Response | None]
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


class Gateway(HostileServer):
    """Forward every request to ``upstream``; ``policy(request, gateway)`` says what the client gets (None: the
    connection is closed without an answer)."""

    def __init__(self, upstream: str, policy: Policy | None = None) -> None:
        super().__init__(self._behaviour)
        self.upstream = upstream.rstrip("/")
        self.policy: Policy = policy or relay
        self._http = httpx.Client(timeout=120.0)
        self._lock = threading.Lock()

    def stop(self) -> None:
        super().stop()
        self._http.close()

    def forward(self, request: RawRequest) -> httpx.Response:
        headers = {name: value for name, value in request.headers.items() if name not in _HOP_BY_HOP}
        return self._http.request(request.method, self.upstream + request.target, headers=headers, content=request.body)

    def _behaviour(self, request: RawRequest, conn: Conn) -> None:
        response = self.policy(request, self)
        if response is None:
            conn.sock.close()
            return
        headers = {name: value for name, value in response.headers.items() if name.lower() not in _HOP_BY_HOP}
        conn.head(response.status_code, headers, length=len(response.content))
        conn.send(response.content)


def relay(request: RawRequest, gateway: Gateway) -> httpx.Response:
    return gateway.forward(request)


def is_run(request: RawRequest) -> bool:
    return request.method == "POST" and request.path.endswith("/run")


def answer_502_after_forwarding(request: RawRequest, gateway: Gateway) -> httpx.Response:
    """Runs reach the upstream (which creates the execution), then the client gets a 502 echoing its key."""
    upstream = gateway.forward(request)
    if not is_run(request):
        return upstream
    headers: dict[str, Any] = {"Content-Type": "application/json"}
    key = request.headers.get("idempotency-key")
    if key:
        headers["Idempotency-Key"] = key
    return httpx.Response(502, headers=headers, content=b'{"error": "bad gateway"}')


def cut_when_idle(seconds: float) -> Policy:
    """Deliver an answer only if it arrives within ``seconds``; otherwise close the client's connection."""

    def policy(request: RawRequest, gateway: Gateway) -> httpx.Response | None:
        answered: list[httpx.Response] = []
        failed: list[BaseException] = []

        def forward() -> None:
            try:
                answered.append(gateway.forward(request))
            except httpx.HTTPError as error:
                failed.append(error)

        worker = threading.Thread(target=forward, name="gateway-forward", daemon=True)
        worker.start()
        worker.join(seconds)
        if worker.is_alive() or failed:
            return None  # idle too long (or the upstream failed): the middlebox drops the connection
        return answered[0]

    return policy


def is_run_start(request: RawRequest) -> bool:
    """A start on the runs API (``POST .../runs``)."""
    return request.method == "POST" and request.path.rstrip("/").endswith("/runs")


class LateRunAnswers:
    """A gateway policy: a run reaches the server (which creates the execution or run), and its answer is held
    back a seeded random 0..0.4 s before the client gets it. ``runs`` counts the starts forwarded;
    ``is_start`` says which requests are starts (``is_run``: the v1 route; ``is_run_start``: the runs API)."""

    def __init__(self, seed: int, is_start: Callable[[RawRequest], bool] = is_run) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._is_start = is_start
        self.runs = 0

    def __call__(self, request: RawRequest, gateway: Gateway) -> httpx.Response:
        answer = gateway.forward(request)
        if self._is_start(request):
            with self._lock:
                self.runs += 1
                delay = self._random.uniform(0.0, 0.4)
            time.sleep(delay)
        return answer


def kill_after_some_runs(
    command: list[str], env: dict[str, str], policy: LateRunAnswers, *, runs: int, then: float, bound: float = 60.0
) -> None:
    """Start the batch ``command``, and SIGKILL it ``then`` seconds after ``runs`` more starts reached the server
    (or once it ended by itself; waiting at most ``bound`` seconds)."""
    target = policy.runs + runs
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert until(lambda: policy.runs >= target or child.poll() is not None, timeout=bound)
    time.sleep(then)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
