"""``FairQueue``: the order in which the local server's workers take executions of several tenants."""

from __future__ import annotations

import threading

import pytest

from eigenpal_ext.testing._scheduling import FairQueue


def test_tenants_take_turns_and_each_keeps_its_own_order() -> None:
    queue = FairQueue(per_tenant_limit=10)
    for n in range(3):
        queue.put("a", f"a{n}")
    queue.put("b", "b0")
    queue.put("c", "c0")
    queue.put("b", "b1")
    taken = [queue.take() for _ in range(6)]
    assert taken == [("a", "a0"), ("b", "b0"), ("c", "c0"), ("a", "a1"), ("b", "b1"), ("a", "a2")]


def test_a_tenant_at_its_limit_waits_until_one_of_its_runs_is_done() -> None:
    queue = FairQueue(per_tenant_limit=2)
    for n in range(3):
        queue.put("a", f"a{n}")
    assert [queue.take(), queue.take()] == [("a", "a0"), ("a", "a1")]
    queue.put("b", "b0")
    assert queue.take() == ("b", "b0")  # a is at its limit: b goes first although it came later
    assert (queue.running("a"), queue.waiting("a")) == (2, 1)
    got: list[tuple[str, str] | None] = []
    worker = threading.Thread(target=lambda: got.append(queue.take()))
    worker.start()
    worker.join(0.2)
    assert worker.is_alive()  # blocked: a may not run a third
    assert not got
    queue.done("a")
    worker.join(5)
    assert got == [("a", "a2")]


def test_close_wakes_blocked_workers_with_none() -> None:
    queue = FairQueue(per_tenant_limit=1)
    got: list[tuple[str, str] | None] = []
    workers = [threading.Thread(target=lambda: got.append(queue.take())) for _ in range(3)]
    for worker in workers:
        worker.start()
    queue.close()
    for worker in workers:
        worker.join(5)
    assert got == [None, None, None]
    queue.put("a", "a0")
    assert queue.take() is None


def test_the_limit_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FairQueue(per_tenant_limit=0)
