"""A batch's pace, as pure decisions: how many inputs may be in flight (``AdaptiveConcurrency``) and when
to poll each running execution (``LearnedWaits``). No I/O; every clock is passed in, so both are tested by
stepping time by hand.

**Concurrency adapts to 429s** (additive increase, multiplicative decrease, as TCP does): a run refused
with 429 halves the number of inputs allowed in flight (once per burst: refusals of runs sent before the
last decrease do not halve it again), and every ``limit`` runs accepted in a row add one, up to the
``concurrency`` the caller asked for. The batch-wide pause on a 429 (``Backpressure``) is separate.

**Waits learn the workflow's durations** from the executions of the batch that already ended, so that
later polls land near the expected end. The durations (``completedAt - createdAt`` where the server sends
both, else what this client saw) of the last ``SAMPLES`` executions give a window ``[lo, hi]`` (their 5th
percentile and their longest, at least ``MIN_RELATIVE_SPREAD`` of the median wide). A wait then sleeps until ``lo``
and polls on a grid of equal steps across the window, then, past it, with steps growing toward
``poll_interval_seconds``. The step is chosen so that a wait spends about one poll per ``budget`` seconds
of the expected duration (``max(2 s, poll_interval_seconds)``): the polls a fixed 2 s interval would make,
placed where the executions end. Before anything is learned, one execution (the oldest still running: the
*probe*) is polled on the usual schedule (0.7 s, growing 1.2x to ``poll_interval_seconds``) and the others
only every ``2 x poll_interval_seconds``; the first end teaches everyone. Every sleep is cut into slices of
at most ``SLICE_SECONDS``, each followed by a new decision, so a wait that slept without knowledge acts on
what the others learned meanwhile. Sleeping costs no request; only polls do.

On the local server (runs of about 3 s, 4 at a time, the first ones included) this gives about a fifth of
the lag of fixed 2 s polling with fewer polls; ``make bench`` measures it (the ``batch`` section).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Iterator

import attrs

from eigenpal_ext._waiting import poll_delays

# How many of the latest durations the model keeps (memory stays bounded for any batch size).
SAMPLES = 64
MIN_STEP_SECONDS = 0.1
MIN_RELATIVE_SPREAD = 0.1
SLICE_SECONDS = 0.25
MIN_BUDGET_SECONDS = 2.0
BEYOND_GROWTH = 1.5


def quantile(ordered: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of sorted values (linear interpolation)."""
    position = fraction * (len(ordered) - 1)
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@attrs.frozen
class Window:
    """What the finished executions say: they ended between ``lo`` and ``hi`` seconds after they started;
    a wait polls every ``step`` seconds across that window."""

    lo: float
    hi: float
    step: float

    @classmethod
    def learned(cls, durations: list[float], poll_interval: float) -> Window:
        ordered = sorted(durations)
        median = quantile(ordered, 0.5)
        lo, hi = quantile(ordered, 0.05), ordered[-1]  # from the shortest few to the longest seen
        spread = max(hi - lo, MIN_RELATIVE_SPREAD * median)
        budget = max(MIN_BUDGET_SECONDS, poll_interval)
        polls = max(1.0, median / budget)  # about one poll per `budget` seconds of the expected duration
        grid = max(1.0, 2 * polls - 1)  # n polls evenly across the window cost (n + 1) / 2 on average
        step = min(max(spread / grid, MIN_STEP_SECONDS), poll_interval)
        return cls(lo=lo, hi=max(hi, lo + spread), step=step)

    def next_poll(self, last_poll: float) -> float | None:
        """When (seconds after the start) to poll next, the previous poll having been at ``last_poll``; None
        once the execution has run longer than any seen (then the wait backs off, see ``WaitPlan``)."""
        first = self.lo + self.step
        if last_poll < first:
            return first
        if last_poll >= self.hi:
            return None
        return first + (math.floor((last_poll - first) / self.step + 1e-9) + 1) * self.step


class LearnedWaits:
    """The durations a batch has seen, and when each of its waits polls next. Thread-safe (the sync batch's
    workers share one); ``clock`` is the client's monotonic clock."""

    def __init__(self, poll_interval: float, clock: Callable[[], float]) -> None:
        self.poll_interval = poll_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._durations: deque[float] = deque(maxlen=SAMPLES)
        self._window: Window | None = None
        self._waiting: dict[int, float] = {}
        self._tokens = 0

    def window(self) -> Window | None:
        """What has been learned so far (None before the first end)."""
        with self._lock:
            return self._window

    def learn(self, seconds: float) -> None:
        """An execution of the batch took ``seconds`` from start to end."""
        if not math.isfinite(seconds) or seconds < 0:
            return
        with self._lock:
            self._durations.append(seconds)
            self._window = Window.learned(list(self._durations), self.poll_interval)

    def begin(self) -> WaitPlan:
        """A plan for one execution that starts now (its trigger was answered)."""
        with self._lock:
            self._tokens += 1
            token = self._tokens
            self._waiting[token] = self._clock()
        return WaitPlan(self, token, self._clock())

    def _end(self, token: int) -> None:
        with self._lock:
            self._waiting.pop(token, None)

    def _is_probe(self, token: int) -> bool:
        with self._lock:
            return bool(self._waiting) and min(self._waiting, key=self._waiting.__getitem__) == token


class WaitPlan:
    """When one execution of the batch is polled (a ``Schedule`` of ``wait_flow``): ``pauses()`` yields the sleeps
    before its next poll, ``polled()`` is told of each poll that did not see the end."""

    def __init__(self, waits: LearnedWaits, token: int, started: float) -> None:
        self._waits, self._token = waits, token
        self.started = started
        self._last_poll = 0.0  # seconds after the start
        self._usual = poll_delays(waits.poll_interval)
        self._next_usual: float | None = None
        self._beyond = 0.0  # the last back-off step, once past every duration seen

    def polled(self) -> None:
        """A poll was answered (now), and the execution was not over."""
        self._last_poll = max(0.0, self._waits._clock() - self.started)
        self._next_usual = None

    def due(self, now: float) -> float | None:
        """Seconds to sleep before deciding again; None when the next poll is due now."""
        interval = self._waits.poll_interval
        window = self._waits.window()
        due: float | None = None
        if window is not None:
            due = window.next_poll(self._last_poll)
            if due is None:  # longer than any execution seen: back off from the step toward the interval
                if self._next_usual is None:
                    self._beyond = min(max(self._beyond, window.step) * BEYOND_GROWTH, interval)
                    self._next_usual = self._last_poll + self._beyond
                due = self._next_usual
        elif self._waits._is_probe(self._token):
            if self._next_usual is None:
                self._next_usual = self._last_poll + next(self._usual)
            due = self._next_usual
        else:
            due = self._last_poll + 2 * interval
        elapsed = now - self.started
        if elapsed >= due - 1e-9:
            return None
        return min(SLICE_SECONDS, due - elapsed)

    def pauses(self) -> Iterator[float]:
        """The sleeps before the next poll, each followed by a new decision; ends when the poll is due."""
        while (pause := self.due(self._waits._clock())) is not None:
            yield pause

    def ended(self, seconds: float | None) -> None:
        """The execution ended after ``seconds`` (None: unknown, nothing is learned)."""
        self._waits._end(self._token)
        if seconds is not None:
            self._waits.learn(seconds)

    def abandoned(self) -> None:
        """The wait stopped before the end (a timeout, an error): nothing is learned."""
        self._waits._end(self._token)


class AdaptiveConcurrency:
    """How many inputs may be in flight: halved by a 429 (once per burst), then grown back by one for every
    ``limit`` runs accepted in a row, up to ``maximum`` (see the module docstring). Thread-safe."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self._limit = maximum
        self._accepted = 0
        self._epoch = 0
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        """The number of inputs allowed in flight now."""
        return self._limit

    def epoch(self) -> int:
        """Stamp a run with this as it is sent; pass it back to ``rate_limited``."""
        return self._epoch

    def rate_limited(self, sent_in_epoch: int) -> None:
        """A run sent in ``sent_in_epoch`` was refused with 429."""
        with self._lock:
            self._accepted = 0
            if sent_in_epoch < self._epoch:
                return  # part of a burst already answered by a decrease
            self._limit = max(1, self._limit // 2)
            self._epoch += 1

    def accepted(self) -> None:
        """A run was accepted (its execution exists)."""
        with self._lock:
            if self._limit >= self.maximum:
                return
            self._accepted += 1
            if self._accepted >= self._limit:
                self._limit += 1
                self._accepted = 0
