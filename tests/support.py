"""What the unit tests share: simulated time, a recording fake API, client factories, and a synchronous view
of the async client so one test body runs against both clients.

- ``FakeTime``: a clock that moves only when something sleeps (or a fake request takes time), with the
  sleeps it was asked for; clients take it through their ``clock=``/``sleep=`` arguments.
- ``FakeApi``: the one fake EigenPal of the unit tests, on simulated time: its execution runs for
  ``finishes_after`` seconds (or ``polls_to_end`` polls) after its run request, a run can be held
  (``wait_for_completion`` moves the clock to the end or the window's close), ``Idempotency-Key`` can be echoed
  and answered with the execution it created, answers can be scripted and requests can cost time; it records
  when each request came (``sent``).
- ``Recorder``: an ``httpx.MockTransport`` handler that keeps every request and answers with ``respond``
  (``api_response`` by default: a valid answer for whichever of the seven operations was asked).
- ``make_client`` / ``make_async_client``: a client on a mock transport and simulated time.
- ``load_file``: a Python file of the repository that is not a package module (a script, the noxfile),
  executed and returned as a module.
- ``run_cli`` / ``run_command``: the ``eigenpal`` command run in-process through its ``main``, its client on a
  mock transport and simulated time, or a client the test made (``main(make_client=...)``).
- ``until`` (bounded polling for a condition) and ``killed_while_writing`` (a child process SIGKILLed in
  the middle of its work), for the tests of what survives a kill.
- ``SyncView``: an async client seen through plain calls (each awaitable run on one event loop, async
  iterators stepped one item at a time; ``with``, ``close()`` and ``with_options()`` too), so
  ``tests/unit/conftest.py``'s ``any_client`` fixture can give one test body the sync client and then the
  async one, the way openai's test suite parametrises a fixture over its clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import inspect
import io
import math
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

import httpx

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient

if TYPE_CHECKING:
    from eigenpal_ext.cli import Console

T = TypeVar("T")
API_KEY = "eg_test_key_0123456789"
BASE_URL = "https://eigenpal.test"
CREATED_AT = "2026-05-09T12:00:00Z"
Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """Monotonic seconds that move only when something sleeps (or a test moves ``now`` itself)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@dataclass
class Sent:
    """One request as ``FakeApi`` saw it: the request (its attributes are read through), when it came, and how
    many sleeps had happened before."""

    request: httpx.Request
    at: float
    sleeps_before: int

    def __getattr__(self, name: str) -> Any:
        return getattr(self.request, name)


WORKFLOW = {"id": "wf_abc123", "name": "extract-invoice", "version": "1.2.3", "createdAt": CREATED_AT}
VERSION = {"id": "wfh_1", "workflowId": "wf_abc123", "version": "1.2.3", "isCurrent": True}


@dataclass
class FakeApi:
    """A small EigenPal behind ``httpx.MockTransport`` on simulated time: the seven operations of API v1.

    The execution starts with its run request and ends ``finishes_after`` fake seconds later (None: never), or
    at poll number ``polls_to_end`` when that is set, with ``final_status`` (its body gains
    ``terminal_extra``; ``with_steps``, when the poll asks for the steps); ``status_at(elapsed)`` decides the
    status instead when given. A run asking for
    ``wait_for_completion`` is held (``holds``): the clock moves to the end of the run or of the window. A run
    repeating an ``Idempotency-Key`` gets the execution that key created (``new_id_on_replay``: a new one, a
    server that does not deduplicate; ``holds_replays=False``: a replay is not held); ``echoes_keys`` sends
    the key back. ``poll_script``/``run_action`` answer the first polls / the runs instead (None: the normal
    answer); ``interrupt_at_poll``/``interrupt_run`` raise ``KeyboardInterrupt`` there (Ctrl-C in a test).
    Each request costs ``latency`` fake seconds, after its answer is decided.
    """

    time: FakeTime = field(default_factory=FakeTime)
    execution_id: str = "exec_1"
    created_at: str = CREATED_AT
    finishes_after: float | None = 3.0
    polls_to_end: int | None = None
    final_status: str = "completed"
    terminal_extra: dict[str, Any] = field(default_factory=lambda: {"result": {"total": 3}})
    status_at: Callable[[float], str] | None = None
    with_steps: dict[str, Any] | None = None
    latency: float = 0.0
    holds: bool = True
    holds_replays: bool = True
    echoes_keys: bool = False
    new_id_on_replay: bool = False
    run_extra: dict[str, Any] = field(default_factory=dict)
    poll_script: list[Handler | None] = field(default_factory=list)
    run_action: Handler | None = None
    interrupt_at_poll: int | None = None
    interrupt_run: bool = False
    cancel_response: tuple[int, dict[str, Any]] | None = None
    workflows: list[dict[str, Any]] = field(default_factory=lambda: [WORKFLOW])
    executions: list[dict[str, Any]] = field(default_factory=list)
    started_at: float = 0.0
    keys: dict[str, str] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)

    # --- what was sent ---------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[httpx.Request]:
        return [sent.request for sent in self.sent]

    @property
    def paths(self) -> list[tuple[str, str]]:
        return [(sent.method, sent.url.path) for sent in self.sent]

    @property
    def request_times(self) -> list[float]:
        return [sent.at for sent in self.sent]

    @property
    def runs(self) -> list[Sent]:
        return [sent for sent in self.sent if sent.method == "POST" and sent.url.path.endswith("/run")]

    @property
    def polls(self) -> list[Sent]:
        return [sent for sent in self.sent if sent.method == "GET" and "/workflows/executions/" in sent.url.path]

    @property
    def poll_times(self) -> list[float]:
        return [sent.at for sent in self.polls]

    @property
    def cancels(self) -> list[Sent]:
        return [sent for sent in self.sent if sent.url.path.endswith("/cancel")]

    @property
    def finished_at(self) -> float:
        assert self.finishes_after is not None
        return self.started_at + self.finishes_after

    # --- clients on it ---------------------------------------------------------------------------------------

    def client(self, **options: Any) -> EigenpalClient:
        """A sync client on this fake and its time."""
        return make_client(self.handler, time=self.time, **options)

    def async_client(self, **options: Any) -> AsyncEigenpalClient:
        """An async client on this fake and its time."""
        return make_async_client(self.handler, time=self.time, **options)

    # --- answering -------------------------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(Sent(request, self.time.now, len(self.time.sleeps)))
        try:
            return self._answer(request)
        finally:
            self.time.now += self.latency

    def status_now(self) -> str:
        if self.polls_to_end is not None:
            return self.final_status if len(self.polls) >= self.polls_to_end else "running"
        elapsed = self.time.now - self.started_at
        if self.status_at is not None:
            return self.status_at(elapsed)
        if self.finishes_after is not None and elapsed >= self.finishes_after - 1e-12:
            return self.final_status
        return "running"

    def _answer(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method, request.url.path
        if method == "POST" and path.endswith("/run"):
            return self._run(request)
        if method == "POST" and path.endswith("/cancel"):
            return self._cancel(path.split("/")[-2])
        if method == "GET" and path.startswith("/api/v1/workflows/executions/"):
            return self._poll(request, path.rsplit("/", 1)[-1])
        if method == "GET" and path == "/api/v1/workflows":
            return page_json(self.workflows)
        if method == "GET" and path.endswith("/versions"):
            return page_json([VERSION])
        if method == "GET" and path.endswith("/executions"):
            return page_json(self.executions)
        if method == "GET":
            wanted = path.rsplit("/", 1)[-1]
            found = [w for w in self.workflows if wanted in (w.get("id"), w.get("name"))]
            if found:
                return httpx.Response(200, json=found[0])
        return httpx.Response(404, json={"issues": [{"field": "<root>", "message": f"no route {method} {path}"}]})

    def _run(self, request: httpx.Request) -> httpx.Response:
        if self.interrupt_run:
            raise KeyboardInterrupt
        if self.run_action is not None:
            return self.run_action(request)
        key = request.headers.get("Idempotency-Key", "")
        replay = key in self.keys
        if not replay:
            self.started_at = self.time.now
        execution_id = self.execution_id  # every run is the one execution (a fresh start of it)
        if replay:
            execution_id = f"exec_{len(self.keys) + 1}" if self.new_id_on_replay else self.keys[key]
        self.keys.setdefault(key, execution_id)
        answer: dict[str, Any] = {"executionId": execution_id, **self.run_extra}
        hold = request.url.params.get("wait_for_completion")
        if hold is not None and self.holds and (self.holds_replays or not replay):
            end = self.finished_at if self.finishes_after is not None else math.inf
            self.time.now = min(end, self.time.now + float(hold))
            if self.status_now() != "running":
                answer["status"] = self.status_now()
        headers = {"Idempotency-Key": key} if self.echoes_keys and key else {}
        return httpx.Response(201, json=answer, headers=headers)

    def _poll(self, request: httpx.Request, execution_id: str) -> httpx.Response:
        number = len(self.polls)  # this poll included
        if number == self.interrupt_at_poll:
            raise KeyboardInterrupt
        if number - 1 < len(self.poll_script):
            action = self.poll_script[number - 1]
            if action is not None:
                return action(request)
        status = self.status_now()
        body = {"executionId": execution_id, "status": status, "createdAt": self.created_at}
        if status in ("completed", "failed", "cancelled", "rejected"):
            body.update(self.terminal_extra)
        if self.with_steps is not None and request.url.params.get("includeSteps") == "true":
            body.update(self.with_steps)
        return httpx.Response(200, json=body)

    def _cancel(self, execution_id: str) -> httpx.Response:
        if self.cancel_response is not None:
            status, body = self.cancel_response
            return httpx.Response(status, json=body)
        body = {"executionId": execution_id, "status": "cancellation-requested", "wasStatus": "running"}
        return httpx.Response(200, json=body)


def page_json(items: list[dict[str, Any]]) -> httpx.Response:
    """A list answer holding ``items``, all of them."""
    return httpx.Response(200, json={"data": items, "total": len(items), "limit": 50, "offset": 0})


def execution_json(execution_id: str = "exec_1", status: str = "running", **extra: Any) -> dict[str, Any]:
    """A status answer (``GET /workflows/executions/{id}``)."""
    return {"executionId": execution_id, "status": status, "createdAt": CREATED_AT, **extra}


def api_response(request: httpx.Request) -> httpx.Response:
    """A valid answer for whichever operation ``request`` is."""
    path = request.url.path
    if request.method == "POST" and path.endswith("/run"):
        return httpx.Response(201, json={"executionId": "exec_1"})
    if request.method == "POST" and path.endswith("/cancel"):
        return httpx.Response(200, json={"executionId": "exec_1", "status": "cancelled", "wasStatus": "pending"})
    if "/workflows/executions/" in path:
        return httpx.Response(200, json=execution_json())
    if path.endswith("/executions") or path.endswith("/versions") or path.endswith("/workflows"):
        return httpx.Response(200, json={"data": [], "total": 0, "limit": 50, "offset": 0})
    return httpx.Response(200, json={"id": "wf_1", "createdAt": CREATED_AT})


class Recorder:
    """A MockTransport handler that records every request and answers with ``respond``."""

    def __init__(self, respond: Handler = api_response) -> None:
        self.requests: list[httpx.Request] = []
        self.respond = respond

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]


def answer(status_code: int, **kwargs: Any) -> Recorder:
    """A recorder that answers every request with ``status_code`` (``kwargs`` as for ``httpx.Response``)."""
    return Recorder(respond(status_code, **kwargs))


def respond(status: int, **kwargs: Any) -> Handler:
    """A handler answering ``status`` (``kwargs`` as for ``httpx.Response``)."""

    def action(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, **kwargs)

    return action


def raise_(error_type: type[httpx.TransportError]) -> Handler:
    """A handler failing the way httpx does when the network does (``ConnectError``, ``ReadTimeout``...)."""

    def action(request: httpx.Request) -> httpx.Response:
        raise error_type(f"simulated {error_type.__name__}", request=request)

    return action


def make_client(handler: Handler, *, time: FakeTime | None = None, **options: Any) -> EigenpalClient:
    """A sync client answered by ``handler``, on ``time`` (a fresh ``FakeTime`` if None: nothing really sleeps).

    ``options`` go to the client; ``api_key`` and ``base_url`` default to ``API_KEY`` and ``BASE_URL``.
    """
    time = FakeTime() if time is None else time
    return EigenpalClient(**_client_options(handler, time, options), sleep=time.sleep)


def make_async_client(handler: Handler, *, time: FakeTime | None = None, **options: Any) -> AsyncEigenpalClient:
    """The async twin of ``make_client`` (``time``'s sleep awaited)."""
    time = FakeTime() if time is None else time
    return AsyncEigenpalClient(**_client_options(handler, time, options), sleep=time.async_sleep)


def _client_options(handler: Handler, time: FakeTime, options: dict[str, Any]) -> dict[str, Any]:
    transport = httpx.MockTransport(handler)
    return {"api_key": API_KEY, "base_url": BASE_URL, **options, "transport": transport, "clock": time.clock}


@dataclass
class CliRun:
    """What one ``eigenpal`` command left: its exit code and what it printed."""

    code: int
    out: str
    err: str


def run_cli(
    argv: Sequence[str],
    handler: Handler | EigenpalClient,
    *,
    time: FakeTime | None = None,
    stdin: TextIO | None = None,
    api_key: str = API_KEY,
) -> CliRun:
    """Run ``eigenpal --api-key API_KEY <argv>`` through ``main``, on a client answered by ``handler`` on simulated
    time (nothing really sleeps, retries included), or on the given client (left open: the test owns it)."""
    from eigenpal_ext.cli import main

    time = FakeTime() if time is None else time
    stdout, stderr = io.StringIO(), io.StringIO()

    def make_client(**settings: Any) -> EigenpalClient:
        if isinstance(handler, EigenpalClient):
            return cast(EigenpalClient, contextlib.nullcontext(handler))
        return EigenpalClient(**settings, transport=httpx.MockTransport(handler), sleep=time.sleep, clock=time.clock)

    code = main(
        ["--api-key", api_key, *argv], make_client=make_client, stdout=stdout, stderr=stderr,
        stdin=stdin if stdin is not None else io.StringIO(),
    )  # fmt: skip
    return CliRun(code, stdout.getvalue(), stderr.getvalue())


def run_command(argv: Sequence[str], client: EigenpalClient, console: Console) -> int:
    """``eigenpal <argv>`` run through ``main`` on ``client`` (left open: the test owns it), printing to
    ``console``'s streams."""
    from eigenpal_ext.cli import main

    def given_client(**_settings: Any) -> EigenpalClient:
        return cast(EigenpalClient, contextlib.nullcontext(client))

    code: int = main(
        ["--api-key", API_KEY, *argv], make_client=given_client, stdout=console.stdout, stderr=console.stderr,
        stdin=console.stdin,
    )  # fmt: skip
    return code


def until(condition: Callable[[], bool], timeout: float = 15.0, every: float = 0.02) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds passed; whether it held (bounded polling, never a
    timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def killed_while_writing(script: str, *, then: float) -> None:
    """Run ``script`` in a child interpreter; once it prints ``writing``, wait ``then`` seconds and SIGKILL it."""
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    time.sleep(then)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)


class SyncView:
    """An async client (or one of its resources) called like the sync one.

    A method's awaitable is run to its end on ``runner``'s event loop; an async iterator becomes an
    iterator that asks for one item at a time (so lazy paging stays lazy); ``workflows``, ``executions``,
    ``runs`` and ``files``
    come back as views too. Anything else is the async object's own attribute.
    """

    _RESOURCES = frozenset({"workflows", "executions", "runs", "files", "with_raw_response"})

    def __init__(self, target: object, runner: asyncio.Runner) -> None:
        self._target = target
        self._runner = runner

    def __enter__(self) -> SyncView:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """``with`` closes the async client as its own ``async with`` does (a resource has nothing to close)."""
        aclose = getattr(self._target, "aclose", None)
        if aclose is not None:
            self._runner.run(_awaited(aclose()))

    def __getattr__(self, name: str) -> Any:
        if name == "close" and isinstance(self._target, AsyncEigenpalClient):
            name = "aclose"  # the sync spelling of the async client's close
        value = getattr(self._target, name)
        if name in self._RESOURCES:
            return SyncView(value, self._runner)
        if inspect.ismethod(value):
            return self._blocking(value)
        return value

    def _blocking(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if inspect.isawaitable(result):
                return self._runner.run(_awaited(result))
            if isinstance(result, AsyncEigenpalClient):  # with_options: another client, seen the same way
                return SyncView(result, self._runner)
            if isinstance(result, AsyncIterator):
                return self._stepped(result)
            return result

        return call

    def _stepped(self, items: AsyncIterator[T]) -> Iterator[T]:
        while True:
            try:
                yield self._runner.run(_awaited(anext(items)))
            except StopAsyncIteration:
                return


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


def load_file(path: Path, name: str) -> ModuleType:
    """The Python file ``path`` (a script, the noxfile), executed as a module named ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
