"""The requestor: what the resources need of their client, and the only place where this layer does I/O.

The client builds one ``Requestor`` (``AsyncRequestor`` for the async client) when its resources are first
used and hands it to them; the resources (``workflows.py``, ``executions.py``) and the execution handles
reach the network, the clock and the sleep only through it, never through the client's private fields:

- ``send(call)`` sends one prepared ``Call`` through the client's pool (with the client's default timeout
  unless the call has its own), turns any httpx exception into an ``EigenpalError`` (no raw httpx error
  reaches a user), parses the response with the call's parser, and closes the files the call opened;
- ``run(flow)`` / ``iterate(flow)`` drive a flow (the protocol is documented in ``_flow``) with this
  client's ``send`` and ``sleep``;
- ``context`` is what a flow may read of the client: its clock, its default timeout and its ``KeyKnowledge``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import IO, Any, Generic, TypeVar

import httpx

from eigenpal_ext._calls import Call
from eigenpal_ext._flow import Context, Flow, IterFlow, iterate, iterate_async, run, run_async
from eigenpal_ext._raw import RawResponse, raw_response

T = TypeVar("T")
H = TypeVar("H", httpx.Client, httpx.AsyncClient)
S = TypeVar("S")


class _Base(Generic[H, S]):
    """The fields both requestors hold: the client's httpx client, its sleep, and the flows' ``Context``."""

    __slots__ = ("context", "http", "sleep")

    def __init__(self, http: H, *, sleep: S, context: Context) -> None:
        self.http: H = http
        self.sleep: S = sleep
        self.context = context


class Requestor(_Base[httpx.Client, Callable[[float], None]]):
    """The sync client's I/O and context, as the resources see them."""

    __slots__ = ()

    def send(self, call: Call[T]) -> T:
        """Send ``call``; its parsed answer, or an ``EigenpalError``."""
        try:
            parsed: T = call.parse(self._exchange(call))
            return parsed
        finally:
            call.close()

    def send_raw(self, call: Call[T]) -> RawResponse[T]:
        """Send ``call``; its answer as a ``RawResponse`` (an error status raises as ``send`` raises it)."""
        try:
            return raw_response(self._exchange(call), call.parse)
        finally:
            call.close()

    def raw(self) -> RawRequestor:
        """This requestor answering ``send`` with ``send_raw`` (the resources' ``with_raw_response``)."""
        return RawRequestor(self.http, sleep=self.sleep, context=self.context)

    def _exchange(self, call: Call[Any]) -> httpx.Response:
        try:
            return self.http.request(**call.send_arguments(self.context.timeout))
        except httpx.HTTPError as exc:
            raise call.on_transport_error(exc) from exc

    def run(self, flow: Flow[T], *, sleep: Callable[[float], None] | None = None) -> T:
        """Drive ``flow`` to its end with this client's I/O; its return value. ``sleep`` replaces the client's
        for this flow (``run_many``'s workers sleep in a way that a Ctrl-C can end)."""
        return run(flow, self.send, self.sleep if sleep is None else sleep)

    def iterate(self, flow: IterFlow) -> Iterator[Any]:
        """Drive ``flow`` lazily, yielding what it emits."""
        return iterate(flow, self.send)


class AsyncRequestor(_Base[httpx.AsyncClient, Callable[[float], Awaitable[None]]]):
    """The async client's I/O and context, as the resources see them."""

    __slots__ = ()

    async def send(self, call: Call[T]) -> T:
        """Send ``call``; its parsed answer, or an ``EigenpalError``."""
        try:
            parsed: T = call.parse(await self._exchange(call))
            return parsed
        finally:
            call.close()

    async def send_raw(self, call: Call[T]) -> RawResponse[T]:
        """Send ``call``; its answer as a ``RawResponse`` (an error status raises as ``send`` raises it)."""
        try:
            return raw_response(await self._exchange(call), call.parse)
        finally:
            call.close()

    def raw(self) -> AsyncRawRequestor:
        """This requestor answering ``send`` with ``send_raw`` (the resources' ``with_raw_response``)."""
        return AsyncRawRequestor(self.http, sleep=self.sleep, context=self.context)

    async def _exchange(self, call: Call[Any]) -> httpx.Response:
        arguments = call.send_arguments(self.context.timeout)
        if call.content is not None:  # httpx.AsyncClient streams only async iterables
            arguments["content"] = _chunks(call.content)
        try:
            return await self.http.request(**arguments)
        except httpx.HTTPError as exc:
            raise call.on_transport_error(exc) from exc

    async def run(self, flow: Flow[T]) -> T:
        """Drive ``flow`` to its end with this client's I/O; its return value."""
        return await run_async(flow, self.send, self.sleep)

    def iterate(self, flow: IterFlow) -> AsyncIterator[Any]:
        """Drive ``flow`` lazily (``async for``), yielding what it emits."""
        return iterate_async(flow, self.send)


class RawRequestor(Requestor):
    """A ``Requestor`` whose ``send`` returns the ``RawResponse`` (``send_raw``): a resource's single-request
    methods run on it return raw responses, through the same code as the plain ones."""

    __slots__ = ()

    def send(self, call: Call[T]) -> Any:
        """``send_raw``."""
        return self.send_raw(call)


class AsyncRawRequestor(AsyncRequestor):
    """The async twin of ``RawRequestor``."""

    __slots__ = ()

    async def send(self, call: Call[T]) -> Any:
        """``send_raw``."""
        return await self.send_raw(call)


async def _chunks(handle: IO[bytes]) -> AsyncIterator[bytes]:
    """``handle``'s bytes for ``httpx.AsyncClient``, 64 KiB at a time (as httpx streams a multipart part's file: read
    in the event loop)."""
    while chunk := handle.read(_CHUNK_BYTES):
        yield chunk


_CHUNK_BYTES = 64 * 1024
