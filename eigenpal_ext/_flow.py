"""Flows: logic that talks to the API written once, as generators, and the drivers that run them.

Waiting (``_waiting``), paging (``_paging``) and fan-out (``_fanout``) decide what to request next from
what came back. Each is written once, as a *flow*, and run by the sync client or the async client with
its own I/O: the flow never touches the network, the clock's sleep or an event loop, so both clients
share one implementation and tests can step a flow by hand with scripted answers.

The protocol
------------
A flow is a generator. It *yields effects*, one at a time, and the driver performs each one and resumes
the flow with its outcome:

``yield Send(call)``
    The driver sends ``call`` (a prepared ``_calls.Call``) and resumes the flow with the parsed answer:
    the value of the ``yield`` expression is what ``call.parse`` returned. If sending fails with an
    ``EigenpalError``, the driver *throws the error into the flow* (``flow.throw``): it is raised at the
    ``yield``, where the flow may catch it (a poll that failed transiently) or let it propagate, in which
    case it comes out of the driver unchanged. Any other exception (``KeyboardInterrupt``, a bug) is not
    thrown in: it propagates from the driver, and the flow is closed.
``yield Sleep(seconds)``
    The driver sleeps that long (the client's ``sleep``: ``time.sleep``, ``asyncio.sleep``, or what was
    passed as the client's ``sleep=`` argument) and resumes the flow with ``None``.
``yield Notify(callback, value)``
    The driver calls the user's ``callback(value)`` (``on_status``) and resumes the flow with ``None``. The
    async driver awaits what the callback returns when it is awaitable (an ``async def`` callback); the sync
    driver refuses it with a ``TypeError`` (the sync client refuses coroutine functions before anything is
    sent; this catches a plain function that returns one). An exception the callback raises is thrown into
    the flow at this ``yield``, as if raised there.
``yield Emit(value)``
    Only in flows driven by ``iterate``/``iterate_async``: ``value`` is handed to whoever iterates, and the
    flow resumes (with ``None``) when the next value is asked for. If the iteration is abandoned, the flow
    is closed (``GeneratorExit`` at this ``yield``).
``return value``
    The flow is done: ``run``/``run_async`` return ``value``; ``iterate``/``iterate_async`` stop.

A flow may ``yield from`` another flow (``run_and_wait`` is a trigger followed by a wait); the effects of
the inner flow pass through unchanged. A flow reads of its client only its ``Context`` (the clock, the default
per-request timeout, what is known of ``Idempotency-Key``), never its I/O.

Tracebacks read top-down. The driver throws an error in without its own frame, and flows re-raise with a
bare ``raise`` (never ``raise error`` from a helper), so an API error during a wait reads: the public call,
the driver, the flow's frames down to the ``yield Send(...)`` of the request that failed, then the send and
the parse that made the error, in that order and each once.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, TypeAlias, TypeVar

import attrs
import httpx

from eigenpal_ext._calls import Call
from eigenpal_ext._checks import check_callable, check_sync_callback
from eigenpal_ext._errors import EigenpalError
from eigenpal_ext._idempotency import KeyKnowledge

T = TypeVar("T")


@attrs.frozen
class Context:
    """What a flow may read of the client that drives it: its clock (monotonic seconds, injectable), its default
    per-request timeout, and its ``KeyKnowledge`` (whether the server honours ``Idempotency-Key``)."""

    clock: Callable[[], float]
    timeout: httpx.Timeout
    keys: KeyKnowledge
    awaits_callbacks: bool = False
    """Whether the driver awaits the user's callbacks (the async client): the sync client refuses ``async def``
    callbacks before anything is sent (``_checks.check_sync_callback``)."""

    def check_callback(self, callback: object, argument: str) -> None:
        """``callback`` as this client can call it: any callable for the async client, no ``async def`` for the sync
        one (``ArgumentTypeError`` naming ``argument``)."""
        if self.awaits_callbacks:
            check_callable(callback, argument)
        else:
            check_sync_callback(callback, argument)


@attrs.frozen
class Send:
    """Send this call; the flow resumes with its parsed answer, or with its ``EigenpalError`` thrown in."""

    call: Call[Any]


@attrs.frozen
class Sleep:
    """Sleep this many seconds (the client's sleep); the flow resumes with ``None``."""

    seconds: float


@attrs.frozen
class Notify:
    """Call the user's ``callback(value)`` (awaited by the async driver); the flow resumes with ``None``."""

    callback: Callable[[Any], object]
    value: Any


@attrs.frozen
class Emit:
    """Hand ``value`` to the iterating caller (``iterate`` flows only); the flow resumes with ``None``."""

    value: Any


Flow: TypeAlias = Generator[Send | Sleep | Notify, Any, T]
"""A flow run to its end for its return value (``run``/``run_async``)."""
IterFlow: TypeAlias = Generator[Send | Emit, Any, None]
"""A flow iterated for what it emits (``iterate``/``iterate_async``)."""


def _thrown(error: EigenpalError) -> EigenpalError:
    """``error`` without the driver's own frame, so that the traceback reads top-down once thrown in."""
    traceback = error.__traceback__
    return error.with_traceback(traceback.tb_next if traceback is not None else None)


def _unexpected(effect: object, driver: str) -> TypeError:
    return TypeError(f"a flow driven by {driver} yields Send, Sleep or Notify, not {effect!r}")


def _notified(notify: Notify) -> None:
    """The sync driver's ``Notify``: call the callback; what it returns may not need awaiting."""
    returned = notify.callback(notify.value)
    if inspect.isawaitable(returned):
        if inspect.iscoroutine(returned):
            returned.close()  # never awaited: close it rather than leave a "never awaited" warning behind
        raise TypeError(
            f"the callback {notify.callback!r} returned an awaitable, which the sync client cannot await: pass a "
            "plain function, or use AsyncEigenpalClient"
        )


def run(flow: Flow[T], send: Callable[[Call[Any]], Any], sleep: Callable[[float], None]) -> T:
    """Drive ``flow`` to its end: perform each effect with ``send``/``sleep``; return what the flow returns."""
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Send):
                try:
                    answer = send(effect.call)
                except EigenpalError as error:
                    effect = flow.throw(_thrown(error))
                    continue
                effect = flow.send(answer)
            elif isinstance(effect, Sleep):
                sleep(effect.seconds)
                effect = flow.send(None)
            elif isinstance(effect, Notify):
                try:
                    _notified(effect)
                except Exception as raised:
                    effect = flow.throw(raised)
                    continue
                effect = flow.send(None)
            else:
                raise _unexpected(effect, "run")
    except StopIteration as finished:
        result: T = finished.value
        return result
    finally:
        flow.close()


async def run_async(
    flow: Flow[T], send: Callable[[Call[Any]], Awaitable[Any]], sleep: Callable[[float], Awaitable[None]]
) -> T:
    """``run`` with awaited ``send``/``sleep``."""
    try:
        effect = next(flow)
        while True:
            if isinstance(effect, Send):
                try:
                    answer = await send(effect.call)
                except EigenpalError as error:
                    effect = flow.throw(_thrown(error))
                    continue
                effect = flow.send(answer)
            elif isinstance(effect, Sleep):
                await sleep(effect.seconds)
                effect = flow.send(None)
            elif isinstance(effect, Notify):
                try:
                    returned = effect.callback(effect.value)
                    if inspect.isawaitable(returned):
                        await returned
                except Exception as raised:
                    effect = flow.throw(raised)
                    continue
                effect = flow.send(None)
            else:
                raise _unexpected(effect, "run_async")
    except StopIteration as finished:
        result: T = finished.value
        return result
    finally:
        flow.close()


def _resume(step: Callable[[Any], Send | Emit], value: Any) -> Send | Emit | None:
    """``flow.send(value)`` or ``flow.throw(value)``; None once the flow has returned."""
    try:
        return step(value)
    except StopIteration:
        return None


def iterate(flow: IterFlow, send: Callable[[Call[Any]], Any]) -> Iterator[Any]:
    """Drive ``flow`` lazily: yield each value it emits; send its requests with ``send`` as it asks."""
    try:
        effect = _resume(flow.send, None)
        while effect is not None:
            if isinstance(effect, Emit):
                yield effect.value
                effect = _resume(flow.send, None)
                continue
            if not isinstance(effect, Send):
                raise TypeError(f"a flow driven by iterate yields Send or Emit, not {effect!r}")
            try:
                answer = send(effect.call)
            except EigenpalError as error:
                effect = _resume(flow.throw, _thrown(error))
                continue
            effect = _resume(flow.send, answer)
    finally:
        flow.close()


async def iterate_async(flow: IterFlow, send: Callable[[Call[Any]], Awaitable[Any]]) -> AsyncIterator[Any]:
    """``iterate`` with an awaited ``send`` (``async for``)."""
    try:
        effect = _resume(flow.send, None)
        while effect is not None:
            if isinstance(effect, Emit):
                yield effect.value
                effect = _resume(flow.send, None)
                continue
            if not isinstance(effect, Send):
                raise TypeError(f"a flow driven by iterate yields Send or Emit, not {effect!r}")
            try:
                answer = await send(effect.call)
            except EigenpalError as error:
                effect = _resume(flow.throw, _thrown(error))
                continue
            effect = _resume(flow.send, answer)
    finally:
        flow.close()
