"""The local server's outbound webhooks: ``run.created`` and ``run.status_changed`` POSTed to one URL,
signed the Standard Webhooks way (``eigenpal_ext.webhooks.sign``), as EigenPal delivers them, so a
receiver can be tested against real deliveries (``ServerConfig(webhook_url=..., webhook_secret=...)``,
``eigenpal-dev-server --webhook-url URL --webhook-secret whsec_...``).

- **Events.** The store tells every change (``Store.change_listeners``) on the thread that made it (an
  engine worker, a request handler); :meth:`WebhookDispatcher.on_change` reads the run, builds the event
  and queues it. That costs a read and a JSON encoding, never a network wait, so delivery never slows
  the engine. The envelope is EigenPal's: ``id`` (``whev_...``, the same on every attempt: deduplicate on
  it), ``type``, ``apiVersion``, ``createdAt`` (the moment of the change), ``test`` (false), and ``data``
  with the ``run`` (``id``, ``type``, ``automationId``, ``status``, ``triggerType``; a completed run's
  ``output``, left out with ``outputOmitted: true`` above ``MAX_OUTPUT_BYTES``), plus ``previousStatus``
  and ``currentStatus`` for a status change.
- **Delivery, at least once.** One background thread posts the events, each signed anew per attempt (a
  fresh ``webhook-timestamp``: receivers refuse one older than 300 s) with the same id and body. A
  network error, a timeout, 408, 425, 429 and 5xx are retried after the next of ``retry_delays_seconds``
  (a ``Retry-After`` of a 429 or 503 is honoured up to the longest delay); once the delays are used up the
  event is given up, and so is any other answer but 2xx (3xx included: redirects are not followed). The
  queue is ordered by when each event is due, so an event waiting to be retried never holds back the
  others; order is not guaranteed, as EigenPal says of its own.
- **Stopping.** :meth:`WebhookDispatcher.stop` (``LocalEigenpalServer.stop()``) ends the thread: events not
  delivered by then are dropped (counted, and logged once); an attempt in flight ends within its timeout,
  in the background, and is not retried.
- **Secrets.** The secret is never logged, printed or part of a repr; the URL is shown (in logs and in the
  command's banner) without its query, fragment and user info, which may carry tokens.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from email.utils import parsedate_to_datetime
from typing import Any

import attrs
import httpx

from eigenpal_ext.testing._store import Execution, StatusChange
from eigenpal_ext.webhooks import sign

__all__ = [
    "API_VERSION",
    "DEFAULT_RETRY_DELAYS_SECONDS",
    "MAX_OUTPUT_BYTES",
    "WEBHOOKS_LOGGER",
    "WebhookDispatcher",
    "check_webhook_settings",
    "event_envelope",
    "shown_url",
]

WEBHOOKS_LOGGER = "eigenpal_ext.testing.webhooks"
"""The logger of the deliveries: one INFO line an attempt, a WARNING when an event is given up or dropped."""

logger = logging.getLogger(WEBHOOKS_LOGGER)

API_VERSION = "2026-07-01"
"""The envelope's ``apiVersion``, as EigenPal's guide shows it."""

MAX_OUTPUT_BYTES = 256 * 1024
"""A completed run's output above this many bytes of JSON is left out of its event (``outputOmitted``)."""

DEFAULT_RETRY_DELAYS_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
"""The waits before each retry of a delivery (bounded backoff: eight attempts over about two minutes)."""

RETRIED_STATUSES = frozenset({408, 425, 429}) | frozenset(range(500, 600))
"""Answers after which a delivery is tried again; any other non-2xx ends it."""

_MAX_DELAYS = 20
_MAX_DELAY_SECONDS = 3600.0


def shown_url(url: str) -> str:
    """The URL as logs and banners show it: scheme, host, port and path (no user info, query or fragment)."""
    parsed = httpx.URL(url)
    port = f":{parsed.port}" if parsed.port is not None else ""
    return f"{parsed.scheme}://{parsed.host}{port}{parsed.path}"


def check_webhook_settings(
    url: str | None, secret: str | None, retry_delays_seconds: Sequence[float], timeout_seconds: float
) -> None:
    """``ValueError`` (never showing the secret) unless the settings can deliver: an http(s) URL and a
    ``whsec_`` secret together, or neither; bounded delays and timeout."""
    if url is None and secret is None:
        pass
    elif url is None:
        raise ValueError("webhook_secret is set without webhook_url: give the URL to deliver to, or neither")
    elif secret is None:
        raise ValueError("webhook_url needs webhook_secret (whsec_ followed by base64) to sign the deliveries")
    else:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise ValueError(f"webhook_url is not a URL: {exc}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError("webhook_url must be an http:// or https:// URL with a host")
        sign(b"", secret)  # the webhooks module's own check of the secret; its messages never show it
    if len(retry_delays_seconds) > _MAX_DELAYS or not all(
        isinstance(delay, int | float) and 0 <= delay <= _MAX_DELAY_SECONDS for delay in retry_delays_seconds
    ):
        raise ValueError(f"webhook_retry_delays_seconds: at most {_MAX_DELAYS} delays, each 0..3600 seconds")
    if not 0 < timeout_seconds <= 300:  # NaN fails too
        raise ValueError("webhook_timeout_seconds must be in (0, 300]")


def event_envelope(change: StatusChange, execution: Execution, *, event_id: str) -> dict[str, Any]:
    """The event EigenPal would send for ``change`` of ``execution`` (see the module docstring)."""
    run: dict[str, Any] = {
        "id": execution.id,
        "type": "workflow",
        "automationId": execution.workflow_id,
        "status": change.current,
        "triggerType": execution.trigger,
    }
    data: dict[str, Any] = {"run": run}
    if change.current == "completed":
        output = json.dumps(execution.result, separators=(",", ":"))
        if len(output.encode()) > MAX_OUTPUT_BYTES:
            data["outputOmitted"] = True
        else:
            run["output"] = execution.result
    if change.previous is not None:
        data.update(previousStatus=change.previous, currentStatus=change.current)
    return {
        "id": event_id,
        "type": "run.created" if change.previous is None else "run.status_changed",
        "apiVersion": API_VERSION,
        "createdAt": change.at,
        "test": False,
        "data": data,
    }


@attrs.define
class _Pending:
    event_id: str
    event_type: str
    body: bytes
    attempt: int = 0  # attempts made so far


class WebhookDispatcher:
    """Queues events and delivers them from one background thread (see the module docstring).

    ``counts`` says what happened, for tests and the log: ``queued``, ``attempts``, ``delivered``,
    ``retried``, ``given_up`` and ``dropped`` (at ``stop()``).
    """

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        read_run: Callable[[str], Execution | None],
        retry_delays_seconds: Sequence[float] = DEFAULT_RETRY_DELAYS_SECONDS,
        timeout_seconds: float = 10.0,
    ) -> None:
        check_webhook_settings(url, secret, retry_delays_seconds, timeout_seconds)
        self.url = url
        self._secret = secret
        self._read_run = read_run
        self.retry_delays_seconds = tuple(retry_delays_seconds)
        self.timeout_seconds = timeout_seconds
        self.counts: Counter[str] = Counter()
        self._due: list[tuple[float, int, _Pending]] = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"WebhookDispatcher(url={shown_url(self.url)!r}, pending={self.pending()})"

    def _count(self, name: str, how_many: int = 1) -> None:
        with self._ready:  # counted from the delivery thread and from whichever thread made a change
            self.counts[name] += how_many

    def pending(self) -> int:
        """How many events wait to be delivered (or retried)."""
        with self._ready:
            return len(self._due)

    def start(self) -> None:
        """Start the delivery thread."""
        self._thread = threading.Thread(target=self._deliver_all, name="eigenpal-webhooks", daemon=True)
        self._thread.start()

    def stop(self, wait_seconds: float = 2.0) -> None:
        """End the delivery thread; events not delivered by then are dropped (see the module docstring)."""
        with self._ready:
            self._stopping = True
            dropped = len(self._due)
            self._due.clear()
            self._ready.notify_all()
        if dropped:
            self._count("dropped", dropped)
            logger.warning("webhooks: %d event(s) not delivered to %s before the server stopped", dropped,
                           shown_url(self.url))  # fmt: skip
        if self._thread is not None:
            self._thread.join(wait_seconds)

    def on_change(self, change: StatusChange) -> None:
        """The store's change listener: queue the event of ``change`` (any thread, returns at once)."""
        execution = self._read_run(change.execution_id)
        if execution is None:
            return
        event_id = "whev_" + secrets.token_hex(12)
        envelope = event_envelope(change, execution, event_id=event_id)
        body = json.dumps(envelope, separators=(",", ":")).encode()
        if self._schedule(_Pending(event_id, envelope["type"], body), time.monotonic()):
            self._count("queued")

    def _schedule(self, pending: _Pending, due: float) -> bool:
        """Queue ``pending`` for ``due`` (monotonic time); False (counted as dropped) once stopping."""
        with self._ready:
            if self._stopping:
                self.counts["dropped"] += 1
                return False
            heapq.heappush(self._due, (due, next(self._order), pending))
            self._ready.notify()
            return True

    def _next(self) -> _Pending | None:
        """The next event that is due, waiting for it; None once stopping."""
        with self._ready:
            while not self._stopping:
                if self._due:
                    wait = self._due[0][0] - time.monotonic()
                    if wait <= 0:
                        return heapq.heappop(self._due)[2]
                    self._ready.wait(wait)
                else:
                    self._ready.wait()
            return None

    def _deliver_all(self) -> None:
        with httpx.Client(timeout=self.timeout_seconds, follow_redirects=False) as client:
            while (pending := self._next()) is not None:
                self._attempt(client, pending)

    def _attempt(self, client: httpx.Client, pending: _Pending) -> None:
        pending.attempt += 1
        self._count("attempts")
        headers = {"content-type": "application/json", "user-agent": "eigenpal-ext-local-server",
                   **sign(pending.body, self._secret, webhook_id=pending.event_id)}  # fmt: skip
        retry_after: float | None = None
        try:
            answer = client.post(self.url, content=pending.body, headers=headers)
        except httpx.HTTPError as exc:  # network errors and timeouts: retried
            outcome, status = type(exc).__name__, None
        else:
            outcome, status = str(answer.status_code), answer.status_code
            if status in (429, 503):
                retry_after = _retry_after(answer.headers.get("retry-after"))
        shown = shown_url(self.url)
        if status is not None and 200 <= status < 300:
            self._count("delivered")
            logger.info("webhook %s %s to %s: %s (attempt %d)", pending.event_type, pending.event_id, shown,
                        outcome, pending.attempt)  # fmt: skip
            return
        retriable = status is None or status in RETRIED_STATUSES
        if retriable and pending.attempt <= len(self.retry_delays_seconds):
            delay = self.retry_delays_seconds[pending.attempt - 1]
            if retry_after is not None:
                delay = min(max(delay, retry_after), max(self.retry_delays_seconds))
            self._count("retried")
            logger.info("webhook %s %s to %s: %s (attempt %d), retried in %g s", pending.event_type,
                        pending.event_id, shown, outcome, pending.attempt, delay)  # fmt: skip
            self._schedule(pending, time.monotonic() + delay)
            return
        self._count("given_up")
        reason = "no retries left" if retriable else "not retried"
        logger.warning("webhook %s %s to %s: %s (attempt %d), given up (%s)", pending.event_type, pending.event_id,
                       shown, outcome, pending.attempt, reason)  # fmt: skip


def _retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` in seconds (delay-seconds or an HTTP date), or None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - time.time())
