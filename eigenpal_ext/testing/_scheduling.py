"""Fair scheduling of the local server's executions across tenants: no tenant can take every worker.

The engine runs ``per_tenant_limit + 1`` worker threads and takes work from one :class:`FairQueue`:

- a tenant runs at most ``per_tenant_limit`` executions at once (``ServerConfig.workers``), so a lone
  tenant keeps the throughput it had with that many workers, and one worker is always left for the
  others: another tenant's run starts at once even while the first keeps every other worker busy with
  hour-long runs;
- among the tenants with work waiting, the next free worker serves them in turn (round robin, each
  tenant's own runs first in, first out), so a tenant that queued a thousand runs does not delay the
  next tenant's one run by a thousand.

An execution is never preempted: the guarantee is about starting, and a worker that was given a long
run keeps it. The queue is a plain ``threading.Condition``; ``take()`` blocks a worker thread.
"""

from __future__ import annotations

import threading
from collections import Counter, deque

__all__ = ["FairQueue"]


class FairQueue:
    """Execution ids by tenant; ``take()`` hands out the next one a free worker may run (see the module)."""

    def __init__(self, per_tenant_limit: int) -> None:
        if per_tenant_limit < 1:
            raise ValueError("per_tenant_limit must be at least 1")
        self.per_tenant_limit = per_tenant_limit
        self._ready = threading.Condition()
        self._waiting: dict[str, deque[str]] = {}  # insertion order is the round-robin order
        self._running: Counter[str] = Counter()
        self._closed = False

    def put(self, tenant: str, execution_id: str) -> None:
        """Queue an execution of ``tenant``."""
        with self._ready:
            self._waiting.setdefault(tenant, deque()).append(execution_id)
            self._ready.notify()

    def take(self) -> tuple[str, str] | None:
        """Block until an execution may start; its ``(tenant, id)``, now counted as running. None once closed."""
        with self._ready:
            while True:
                if self._closed:
                    return None
                for tenant, queued in self._waiting.items():
                    if self._running[tenant] < self.per_tenant_limit:
                        execution_id = queued.popleft()
                        del self._waiting[tenant]  # to the back of the round: re-added below if it has more
                        if queued:
                            self._waiting[tenant] = queued
                        self._running[tenant] += 1
                        return tenant, execution_id
                self._ready.wait()

    def done(self, tenant: str) -> None:
        """A worker finished (or released) an execution ``take()`` gave it."""
        with self._ready:
            self._running[tenant] -= 1
            if self._running[tenant] <= 0:
                del self._running[tenant]
            self._ready.notify()  # the tenant may be under its limit again

    def close(self) -> None:
        """Wake every worker blocked in ``take()`` with None; later calls return None at once."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def running(self, tenant: str) -> int:
        """How many executions of ``tenant`` workers hold now."""
        with self._ready:
            return self._running[tenant]

    def waiting(self, tenant: str) -> int:
        """How many executions of ``tenant`` wait for a worker."""
        with self._ready:
            return len(self._waiting.get(tenant, ()))
