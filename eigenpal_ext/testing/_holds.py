"""The local server's hold of a run (``wait_for_completion``): woken by the engine, never polling.

- A hold waits on a notification: the store calls :meth:`Holds.notify_terminal` (from whichever thread
  made the transition: a worker, or the cancel endpoint) when an execution reaches a terminal status, and
  that sets the hold's ``asyncio.Event`` through its event loop. While it waits, a hold reads nothing.
- A hold ends as soon as its client disconnects (the caller passes an awaitable that completes then), so
  an abandoned request does not keep its slot, or the server, busy for the rest of its window.
- At most ``max_per_tenant`` holds of one tenant wait at once. A run beyond that is not refused (a 429
  would make a client trigger it again, and the execution already exists): it is answered at once,
  201 with only its ``executionId``, as if its window had closed, and the client polls.
- :meth:`Holds.stop` (``LocalEigenpalServer.stop()``, any thread) ends every hold at once the same way
  and refuses new ones, so stopping never waits for a window or cancels a request mid-answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Generic, Literal, TypeVar

import attrs

__all__ = ["HoldOutcome", "Holds"]

T = TypeVar("T")

HoldEnd = Literal["finished", "window", "gone", "busy", "stopping"]


@attrs.frozen
class HoldOutcome(Generic[T]):
    """How a hold ended: ``finished`` (``value`` is the terminal execution), ``window`` (it closed first),
    ``gone`` (the client disconnected), ``busy`` (the tenant's holds were all taken: none was made) or
    ``stopping`` (the server stops)."""

    end: HoldEnd
    value: T | None = None


class _Waiter:
    """One waiting hold: its event, set from any thread through the loop it waits on."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    def wake(self) -> None:
        # RuntimeError: the loop is closed, so nothing waits on the event any more.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.event.set)


class Holds:
    """Every hold in flight, by execution and tenant (see the module docstring)."""

    def __init__(self, max_per_tenant: int) -> None:
        if max_per_tenant < 0:
            raise ValueError("max_per_tenant must be >= 0")
        self.max_per_tenant = max_per_tenant
        self._lock = threading.Lock()
        self._active: Counter[str] = Counter()
        self._waiters: dict[str, set[_Waiter]] = {}
        self._stopping = False

    def active(self, tenant: str) -> int:
        """How many holds of ``tenant`` are waiting now."""
        with self._lock:
            return self._active[tenant]

    def notify_terminal(self, execution_id: str) -> None:
        """The execution reached a terminal status: wake its holds. Any thread."""
        with self._lock:
            waiters = list(self._waiters.get(execution_id, ()))
        for waiter in waiters:
            waiter.wake()

    def stop(self) -> None:
        """End every hold now (each answers without a status) and refuse new ones. Any thread."""
        with self._lock:
            self._stopping = True
            waiters = [waiter for waiting in self._waiters.values() for waiter in waiting]
        for waiter in waiters:
            waiter.wake()

    async def hold(
        self,
        tenant: str,
        execution_id: str,
        seconds: float,
        *,
        finished: Callable[[], T | None],
        client_gone: Callable[[], Awaitable[object]],
    ) -> HoldOutcome[T]:
        """Wait up to ``seconds`` for the execution to end; ``finished()`` reads it (None while it runs).

        ``finished()`` is called once the hold is registered (so a transition in between is not missed)
        and once more when the hold is woken; never in a loop.
        """
        waiter = _Waiter()
        with self._lock:
            if self._stopping:
                return HoldOutcome("stopping")
            if self._active[tenant] >= self.max_per_tenant:
                return HoldOutcome("busy")
            self._active[tenant] += 1
            self._waiters.setdefault(execution_id, set()).add(waiter)
        try:
            value = finished()
            if value is not None:
                return HoldOutcome("finished", value)
            woken = asyncio.ensure_future(waiter.event.wait())
            gone = asyncio.ensure_future(client_gone())
            try:
                await asyncio.wait({woken, gone}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (woken, gone):
                    task.cancel()
                await asyncio.gather(woken, gone, return_exceptions=True)
            if gone.done() and not gone.cancelled() and gone.exception() is None:
                return HoldOutcome("gone")
            value = finished()
            if value is not None:
                return HoldOutcome("finished", value)
            return HoldOutcome("stopping" if self._stopping else "window")
        finally:
            with self._lock:
                self._active[tenant] -= 1
                if self._active[tenant] <= 0:
                    del self._active[tenant]
                waiting = self._waiters.get(execution_id)
                if waiting is not None:
                    waiting.discard(waiter)
                    if not waiting:
                        del self._waiters[execution_id]
