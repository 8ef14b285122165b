"""A batch's pace as pure decisions (``_batch_pace``), on a hand-moved clock: the learned poll window, who
polls before anything is learned, and concurrency that halves on 429 and grows back."""

from __future__ import annotations

import itertools

import pytest

from eigenpal_ext._batch_pace import SLICE_SECONDS, AdaptiveConcurrency, LearnedWaits, WaitPlan, Window
from tests.support import FakeTime


def sleep_until_due(plan: WaitPlan, time: FakeTime) -> float:
    """Run the plan's pauses on ``time``; the elapsed seconds (since the plan began) when the poll is due."""
    for pause in plan.pauses():
        assert 0 < pause <= SLICE_SECONDS
        time.sleep(pause)
    return time.now - plan.started


def test_the_window_spans_the_durations_and_its_step_spends_about_one_poll_per_two_seconds() -> None:
    window = Window.learned([2.7, 3.0, 3.3] * 10, poll_interval=1.5)
    assert window.lo == pytest.approx(2.7)
    assert window.hi == pytest.approx(3.3)
    # median 3 s: 1.5 polls' budget -> 2 grid steps across the 0.6 s window
    assert window.step == pytest.approx(0.3)
    assert [window.next_poll(t) for t in (0.0, 2.99, 3.0, 3.29)] == pytest.approx([3.0, 3.0, 3.3, 3.3])
    assert window.next_poll(3.3) is None  # past every duration seen


def test_identical_durations_still_get_a_window_and_long_ones_a_finer_grid() -> None:
    same = Window.learned([3.0] * 5, poll_interval=1.5)
    assert same.hi - same.lo == pytest.approx(0.3)  # at least 10% of the median
    long = Window.learned([9.0, 10.0, 11.0] * 5, poll_interval=1.5)
    assert long.step < (long.hi - long.lo) / 4  # 10 s runs: about 5 polls' budget, spread over the window
    slow = Window.learned([9.0, 10.0, 11.0] * 5, poll_interval=10.0)
    assert slow.step == pytest.approx(slow.hi - slow.lo)  # a user who wants few polls gets one per window


def test_before_anything_is_learned_the_oldest_wait_probes_and_the_others_wait_longer() -> None:
    time = FakeTime()
    waits = LearnedWaits(poll_interval=1.5, clock=time.clock)
    probe = waits.begin()
    time.sleep(0.1)
    other = waits.begin()
    assert sleep_until_due(probe, time) == pytest.approx(0.7)  # the usual first delay
    probe.polled()
    assert sleep_until_due(probe, time) == pytest.approx(0.7 + 0.84)
    assert sleep_until_due(other, time) == pytest.approx(3.0)  # 2 x poll_interval_seconds
    other.polled()
    assert other.due(time.now) == pytest.approx(SLICE_SECONDS)


def test_a_wait_that_slept_without_knowledge_acts_on_what_another_learned() -> None:
    time = FakeTime()
    waits = LearnedWaits(poll_interval=1.5, clock=time.clock)
    first, second = waits.begin(), waits.begin()
    time.sleep(1.0)
    assert second.due(time.now) is not None  # not the probe: nothing due before 3 s
    time.sleep(1.2)  # 2.2 s after the start, the first one ends after 2.0 s
    first.ended(2.0)
    # The window is learned (2.0 to 2.2 s, one step of 0.2 s): the second is at the grid point, so it polls now.
    assert second.due(time.now) is None
    second.polled()
    # Past every duration seen, it backs off: 1.5 steps.
    assert sleep_until_due(second, time) == pytest.approx(2.2 + 0.3)


def test_past_every_duration_seen_the_wait_backs_off_toward_the_poll_interval() -> None:
    time = FakeTime()
    waits = LearnedWaits(poll_interval=1.5, clock=time.clock)
    waits.learn(1.0)
    plan = waits.begin()
    polls = []
    for _ in range(8):
        polls.append(sleep_until_due(plan, time))
        plan.polled()
    gaps = [later - earlier for earlier, later in itertools.pairwise(polls)]
    assert polls[0] == pytest.approx(1.1)
    assert all(later >= earlier for earlier, later in itertools.pairwise(gaps))
    assert gaps[-1] == pytest.approx(1.5)


def test_only_plausible_durations_are_learned_and_the_model_keeps_a_bounded_number() -> None:
    waits = LearnedWaits(poll_interval=1.5, clock=FakeTime().clock)
    waits.learn(float("nan"))
    waits.learn(-1.0)
    assert waits.window() is None
    for seconds in [100.0] * 10 + [3.0] * 64:
        waits.learn(seconds)
    window = waits.window()
    assert window is not None
    assert window.hi == pytest.approx(3.3)  # the old 100 s runs are forgotten (3 s, and a 10% window)


def test_an_abandoned_wait_teaches_nothing_and_is_no_longer_the_probe() -> None:
    time = FakeTime()
    waits = LearnedWaits(poll_interval=1.5, clock=time.clock)
    first = waits.begin()
    time.sleep(0.01)
    second = waits.begin()
    first.abandoned()
    assert waits.window() is None
    assert sleep_until_due(second, time) == pytest.approx(0.7)  # it is the probe now


def test_concurrency_halves_once_per_burst_of_429_and_grows_back_by_one_per_window() -> None:
    limit = AdaptiveConcurrency(8)
    stamps = [limit.epoch() for _ in range(8)]  # eight runs sent
    limit.rate_limited(stamps[0])
    assert limit.limit == 4
    for stamp in stamps[1:]:
        limit.rate_limited(stamp)  # the rest of the same burst
    assert limit.limit == 4
    limit.rate_limited(limit.epoch())  # a run sent after the decrease is refused too
    assert limit.limit == 2
    grown = []
    for _ in range(2 + 3 + 4 + 5 + 6 + 7 + 10):
        limit.accepted()
        grown.append(limit.limit)
    assert grown[1] == 3
    assert grown[4] == 4
    assert grown[8] == 5
    assert limit.limit == 8  # never above what the caller asked for
    limit.rate_limited(limit.epoch())
    assert limit.limit == 4
    one = AdaptiveConcurrency(1)
    one.rate_limited(one.epoch())
    assert one.limit == 1
