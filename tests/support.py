"""What the unit tests share: simulated time, a recording fake API, client factories, and a synchronous view
of the async client so one test body runs against both clients.

- ``FakeTime``: a clock that moves only when something sleeps (or a fake request takes time), with the
  sleeps it was asked for; clients take it through their ``clock=``/``sleep=`` arguments.
- ``Recorder``: an ``httpx.MockTransport`` handler that keeps every request and answers with ``respond``
  (``api_response`` by default: a valid answer for whichever of the seven operations was asked).
- ``make_client`` / ``make_async_client``: a client on a mock transport and simulated time.
- ``load_file``: a Python file of the repository that is not a package module (a script, the noxfile),
  executed and returned as a module.
- ``run_cli``: the ``eigenpal`` command run in-process through its ``main``, its client on a mock transport and
  simulated time (``main(make_client=...)``), its output captured.
- ``SyncView``: an async client seen through plain calls (each awaitable run on one event loop, async
  iterators stepped one item at a time), so ``tests/unit/conftest.py``'s ``any_client`` fixture can give
  one test body the sync client and then the async one, the way openai's test suite parametrises a
  fixture over its clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import inspect
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO, TypeVar, cast

import httpx

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient

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


class SyncView:
    """An async client (or one of its resources) called like the sync one.

    A method's awaitable is run to its end on ``runner``'s event loop; an async iterator becomes an
    iterator that asks for one item at a time (so lazy paging stays lazy); ``workflows``/``executions``
    come back as views too. Anything else is the async object's own attribute.
    """

    _RESOURCES = frozenset({"workflows", "executions"})

    def __init__(self, target: object, runner: asyncio.Runner) -> None:
        self._target = target
        self._runner = runner

    def __getattr__(self, name: str) -> Any:
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
