"""The retry policy, as pure functions: which request may be sent again, and after how long.

Rules (the transport in ``_transport.py`` applies them; nothing here sleeps or sends):

- Idempotent requests (every GET, and the cancel POSTs of executions and runs, which the API documents as
  idempotent, and requests the caller marked as safe to repeat: ``REPEATABLE_EXTENSION``, set for an upload
  negotiation that carries its own key) are retried on transport errors (connection refused or dropped,
  timeouts) and on 408, 429 and 5xx.
- ``POST .../run`` creates an execution, so it is retried only when the request certainly did not reach
  the server (the connection could not be made, or no pooled connection was free) or on 429 (the server
  refused before creating anything). Never after a read timeout, a dropped connection or a 5xx: the
  execution may exist, and a second attempt could start a duplicate.
- Unless the server deduplicates runs: every run carries an ``Idempotency-Key`` (one per call, the same
  on each attempt), and a server that honours it returns the first execution to a repeat. Whether a
  repeat is permitted is the caller's to say (``run_resend``), from what the client knows about the
  server (``_idempotency``): a run whose answer was lost may be sent again to recover its id where keys
  are honoured, declared or inferred; a run answered with a 5xx only where the user declared
  ``EigenpalClient(idempotent_runs=True)``. EigenPal documents no such key, so by default nothing changes
  until a server shows that it honours one.
- The delay is exponential (``initial * 2**attempt``, capped) with jitter, or the server's
  ``Retry-After`` when it sent one (``parse_retry_after``: both RFC 9110 forms, seconds or an HTTP-date,
  and fractions; the official SDK accepted only integers); a ``Retry-After`` above the cap is not waited
  out (the error is raised with ``.retry_after`` for the caller to decide).
- ``NOT_SENT_ERRORS`` is the one definition of "failed before the request left this process": the retry
  decision above and the errors' ``request_sent`` (``_transport_errors``) both read it.
- ``is_transient`` is the same judgement one level up, on an ``EigenpalError`` after the transport's own
  retries: whether trying again later may succeed (the waiting flow polls through such errors, and a run
  whose held answer was lost is recovered through them).
"""

from __future__ import annotations

import email.utils
import math
import re
from datetime import UTC, datetime
from typing import Final, NamedTuple

import httpx

from eigenpal_ext import _config
from eigenpal_ext._errors import (
    EigenpalAPIError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalRateLimitError,
    EigenpalServerError,
    EigenpalTimeoutError,
)

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# These fail before a single byte of the request leaves the process (no connection, no free pooled connection,
# a proxy that refused the tunnel, a URL httpx cannot send), so retrying them cannot duplicate a run.
NOT_SENT_ERRORS: Final[tuple[type[httpx.TransportError], ...]] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)
_DELAY_SECONDS_RE: Final = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
_CANCEL_PATH = re.compile(r"/(?:workflows/executions|runs)/[^/]+/cancel/?$")

IDEMPOTENCY_HEADER = "Idempotency-Key"

# Per-request override of the client's max_retries, set by callers that retry on their own terms
# (the waiters poll with 0 and keep their own deadline).
MAX_RETRIES_EXTENSION = "eigenpal_max_retries"
# Set by a caller on a request that is not idempotent by its method but safe to send twice (see the module).
REPEATABLE_EXTENSION = "eigenpal_repeatable"
# No retry sleep goes past a request's deadline (its budget, or an attached one: see _limits.py).


class RetryPolicy(NamedTuple):
    """Retry knobs; defaults from ``_config``. (A NamedTuple: ``import eigenpal_ext`` loads neither attrs nor
    dataclasses.)"""

    max_retries: int = _config.DEFAULT_MAX_RETRIES
    initial_delay_seconds: float = _config.RETRY_INITIAL_DELAY_SECONDS
    max_delay_seconds: float = _config.RETRY_MAX_DELAY_SECONDS
    retry_after_cap_seconds: float = _config.RETRY_AFTER_CAP_SECONDS


def is_idempotent(method: str, raw_path: str) -> bool:
    """True when sending the request twice has the same effect as sending it once.

    ``raw_path`` is the path as sent (percent-encoded): an execution id containing ``/`` travels as
    ``%2F`` and must not change which route the request is.
    """
    method = method.upper()
    if method in {"GET", "HEAD", "OPTIONS"}:
        return True
    return method == "POST" and _CANCEL_PATH.search(raw_path) is not None


def safe_to_repeat(request: httpx.Request, *, run_resend: bool) -> bool:
    """Idempotent by nature, or a run carrying an ``Idempotency-Key`` whose resend the caller permits
    (``run_resend``: see ``_idempotency`` for when keys are honoured enough for which resend)."""
    if is_idempotent(request.method, _raw_path(request)) or request.extensions.get(REPEATABLE_EXTENSION):
        return True
    return run_resend and bool(request.headers.get(IDEMPOTENCY_HEADER))


def _raw_path(request: httpx.Request) -> str:
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")


def allowed_retries(policy: RetryPolicy, request: httpx.Request) -> int:
    override: object = request.extensions.get(MAX_RETRIES_EXTENSION)
    if isinstance(override, int) and override >= 0:
        return override
    return policy.max_retries


def backoff_delay(policy: RetryPolicy, attempt: int, jitter: float) -> float:
    """Delay before retry number ``attempt + 1``; ``jitter`` in [0, 1) spreads it over [50 %, 100 %]."""
    base = min(policy.initial_delay_seconds * (2.0**attempt), policy.max_delay_seconds)
    return base * (0.5 + jitter / 2)


def within_deadline(deadline: float | None, delay: float | None, now: float) -> float | None:
    """``delay``, unless sleeping it would pass the request's deadline (then None: give up now)."""
    if delay is None or (deadline is not None and now + delay >= deadline):
        return None
    return delay


def delay_after_response(
    policy: RetryPolicy,
    request: httpx.Request,
    response: httpx.Response,
    attempt: int,
    jitter: float,
    now: float,
    *,
    run_resend: bool = False,
    deadline: float | None = None,
) -> float | None:
    """Seconds to wait before sending ``request`` again, or None to return ``response`` as it is."""
    if attempt >= allowed_retries(policy, request) or response.status_code not in RETRYABLE_STATUSES:
        return None
    if response.status_code != 429 and not safe_to_repeat(request, run_resend=run_resend):
        return None
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if retry_after is None:
        return within_deadline(deadline, backoff_delay(policy, attempt, jitter), now)
    if retry_after > policy.retry_after_cap_seconds:
        return None
    return within_deadline(deadline, retry_after, now)


def delay_after_error(
    policy: RetryPolicy,
    request: httpx.Request,
    error: httpx.TransportError,
    attempt: int,
    jitter: float,
    now: float,
    *,
    run_resend: bool = False,
    deadline: float | None = None,
) -> float | None:
    """Seconds to wait before sending ``request`` again after ``error``, or None to let it propagate."""
    if attempt >= allowed_retries(policy, request):
        return None
    if not safe_to_repeat(request, run_resend=run_resend) and not isinstance(error, NOT_SENT_ERRORS):
        return None
    return within_deadline(deadline, backoff_delay(policy, attempt, jitter), now)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds, possibly fractional, or an HTTP-date).

    Returns None for a missing, empty, negative, non-finite or unparsable value; a date in the past gives 0.0.
    ``now`` exists for tests; naive datetimes are taken as UTC, as HTTP-dates always are.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    # A strict pattern, not float(): float() would also accept "nan", "inf", "-1", "1e3" and "1_0".
    if _DELAY_SECONDS_RE.fullmatch(text):
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    reference = now if now is not None else datetime.now(UTC)
    delta = (_as_utc(when) - _as_utc(reference)).total_seconds()
    return max(0.0, delta)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def is_transient(error: EigenpalError) -> bool:
    """Errors worth trying again after: the next attempt may well succeed (dropped, timed out, 408, 429, 5xx)."""
    if isinstance(error, EigenpalConnectionError | EigenpalTimeoutError | EigenpalRateLimitError | EigenpalServerError):
        return True
    return isinstance(error, EigenpalAPIError) and error.status == 408
