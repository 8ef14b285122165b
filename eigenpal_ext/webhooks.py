"""EigenPal's webhook deliveries: verifying their signatures and reading them as typed events.

EigenPal signs each delivery the Standard Webhooks way: three headers, ``webhook-id`` (the event id),
``webhook-timestamp`` (Unix seconds) and ``webhook-signature`` (one or more space-separated ``v1,<digest>``
entries), where the digest is HMAC-SHA256 over ``<webhook-id>.<webhook-timestamp>.<raw body>`` keyed with
the endpoint's secret (``whsec_`` followed by base64). A receiver checks it on the raw request bytes,
before parsing anything::

    from eigenpal_ext.webhooks import RunStatusChangedEvent, WebhookVerificationError, verify_event

    try:
        event = verify_event(request_body, request_headers, secret=os.environ["EIGENPAL_WEBHOOK_SECRET"])
    except WebhookVerificationError:
        return 400                      # not from EigenPal, altered, or replayed
    if isinstance(event, RunStatusChangedEvent) and event.current_status == "completed":
        ...                             # deduplicate on event.id: delivery is at least once

- ``verify_signature`` checks a delivery (signature, and a timestamp within 300 s either way, so a
  captured delivery cannot be replayed later); ``verify_event`` checks it and returns the typed event;
  ``parse_event`` reads a body that was already checked.
- ``sign`` makes the three headers for a body, so tests (and the local server) can send deliveries that
  a receiver accepts.
- ``run.created`` becomes a ``RunCreatedEvent``, ``run.status_changed`` a ``RunStatusChangedEvent``; any
  other ``run.*`` event with a run a ``RunEvent``, and every other type a plain ``WebhookEvent``. Nothing
  the delivery carried is dropped: each event and run keeps its JSON in ``raw``.

Signatures are compared in constant time (``hmac.compare_digest``). Errors never show the secret.
Decision: a ``v1`` digest is accepted base64-encoded (what Standard Webhooks specifies, and what ``sign``
writes) and also as 64 hex digits, because a public summary of EigenPal's webhook guide describes the
digest as hex; both are encodings of the same HMAC, so accepting either makes no signature easier to
forge, while refusing EigenPal's real deliveries would end them (EigenPal stops delivering after a 4xx).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import math
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
from eigenpal_api.models import ExecutionStatus
from eigenpal_api.types import parse_timestamp

from eigenpal_ext._checks import check_header_value
from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError, EigenpalError

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "RunCreatedEvent",
    "RunEvent",
    "RunStatusChangedEvent",
    "WebhookError",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookRun",
    "WebhookVerificationError",
    "parse_event",
    "sign",
    "verify_event",
    "verify_signature",
]

DEFAULT_TOLERANCE_SECONDS: Final = 300
"""How far (seconds) a delivery's ``webhook-timestamp`` may be from now, either way, to be accepted."""

_SECRET_PREFIX: Final = "whsec_"
_SIGNATURE_VERSION: Final = "v1"
_HEX_DIGEST_CHARS: Final = 64
_TIMESTAMP_RE: Final = re.compile(r"[0-9]{1,15}")
_MAX_WEBHOOK_ID_CHARS: Final = 256
_SHOWN_ID_CHARS: Final = 80


class WebhookError(EigenpalError):
    """Base of the errors a webhook delivery can cause: it could not be verified, or not be read."""


class WebhookVerificationError(WebhookError):
    """The delivery is not proven to come from EigenPal: a header is missing or malformed, its timestamp is
    outside the tolerance (a replay, or a clock far off), or no signature matches the body and secret.

    Answer such a request with a 4xx and do not act on it. The message says which check failed; it never
    contains the secret.
    """


class WebhookPayloadError(WebhookError):
    """The delivery's body is not an event this module can read: not JSON, not a JSON object, or without
    the envelope's ``id`` and ``type``."""


# --- signing and verifying ---------------------------------------------------------------------------------


def verify_signature(
    payload: bytes | bytearray | memoryview | str,
    headers: Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[str, str]],
    secret: str,
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Check that a delivery was signed by EigenPal with ``secret``.

    The delivery is accepted when its ``webhook-timestamp`` is at most ``tolerance_seconds`` away from ``now``,
    in either direction, and one ``v1`` entry of ``webhook-signature`` matches (compared in constant time).

    Args:
        payload: The raw request body exactly as received (bytes; a ``str`` is taken as its UTF-8 text). Do
            not parse and re-serialise it first: any change of whitespace or key order breaks the signature.
        headers: The request's headers (any mapping or list of pairs; names in any case).
        secret: The endpoint's signing secret, ``whsec_`` followed by base64 (the prefix may be left out).
        tolerance_seconds: How far the delivery's timestamp may be from ``now`` (default 300).
        now: The current time in Unix seconds (default: the system clock).

    Raises:
        WebhookVerificationError: The delivery is not proven to come from EigenPal (a missing header, an old or
            future timestamp, no matching signature). The message never shows the secret.
        ArgumentTypeError: A payload that is parsed JSON instead of bytes, and other arguments of a wrong type,
            before anything is checked.
        ArgumentValueError: A secret that is not base64, a negative tolerance, before anything is checked.
    """
    body = _payload_bytes(payload)
    key = _secret_key(secret)
    tolerance = _non_negative_seconds(tolerance_seconds, "tolerance_seconds")
    clock = time.time() if now is None else _finite_seconds(now, "now")
    webhook_id, timestamp_text, signatures = _signature_headers(headers)
    timestamp = _timestamp(timestamp_text)
    age = clock - timestamp
    if age > tolerance:
        raise WebhookVerificationError(
            f"webhook-timestamp is {age:.0f} s old, more than the {tolerance:g} s accepted: a delivery is "
            f"verified when it arrives, and an old one may be a replay ({_shown_id(webhook_id)})"
        )
    if -age > tolerance:
        raise WebhookVerificationError(
            f"webhook-timestamp is {-age:.0f} s in the future, more than the {tolerance:g} s accepted: check "
            f"this machine's clock ({_shown_id(webhook_id)})"
        )
    digest = _digest(key, webhook_id, timestamp_text, body)
    if not _any_signature_matches(signatures, digest):
        raise WebhookVerificationError(
            "no v1 signature in webhook-signature matches this body and secret: the body was changed (verify "
            "the raw bytes, before any parsing), the secret is another endpoint's, or the delivery is not "
            f"from EigenPal ({_shown_id(webhook_id)})"
        )


def verify_event(
    payload: bytes | bytearray | memoryview | str,
    headers: Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[str, str]],
    secret: str,
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> WebhookEvent:
    """Verify a delivery (as ``verify_signature``), then read its body as a typed event (as ``parse_event``).

    Args:
        payload: The raw request body exactly as received.
        headers: The request's headers.
        secret: The endpoint's signing secret (``whsec_...``).
        tolerance_seconds: How far the delivery's timestamp may be from ``now`` (default 300).
        now: The current time in Unix seconds (default: the system clock).

    Returns:
        The event: a ``RunCreatedEvent``, ``RunStatusChangedEvent``, ``RunEvent`` or ``WebhookEvent``.

    Raises:
        WebhookVerificationError: The delivery is not proven to come from EigenPal.
        WebhookPayloadError: A verified body is not a readable event.
    """
    verify_signature(payload, headers, secret, tolerance_seconds=tolerance_seconds, now=now)
    return parse_event(payload)


def sign(
    payload: bytes | bytearray | memoryview | str,
    secret: str,
    *,
    webhook_id: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The three headers that make ``payload`` a delivery signed with ``secret``, as EigenPal sends them.

    For tests: post ``payload`` with these headers to a receiver and it verifies. The signature is one
    base64 ``v1`` entry, as Standard Webhooks specifies.

    Args:
        payload: The body to sign (bytes, or ``str`` as its UTF-8 text).
        secret: The signing secret (``whsec_...``).
        webhook_id: The ``webhook-id`` (default: a fresh ``whev_...`` id).
        timestamp: The ``webhook-timestamp`` in Unix seconds (default: now).

    Returns:
        The ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers.

    Raises:
        ArgumentTypeError: An argument of a wrong type.
        ArgumentValueError: A secret that is not base64, a negative timestamp, a ``webhook_id`` that cannot be
            a header value.
    """
    body = _payload_bytes(payload)
    key = _secret_key(secret)
    if webhook_id is None:
        webhook_id = f"whev_{secrets.token_hex(12)}"
    else:  # it is sent as the webhook-id header
        check_header_value(webhook_id, "webhook_id", max_chars=_MAX_WEBHOOK_ID_CHARS)
    if timestamp is None:
        timestamp = int(time.time())
    elif isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise ArgumentTypeError("timestamp", f"must be an int (Unix seconds), got {type(timestamp).__name__}")
    elif timestamp < 0:
        raise ArgumentValueError("timestamp", f"must be Unix seconds (0 or more), got {timestamp}")
    timestamp_text = str(timestamp)
    signature = base64.b64encode(_digest(key, webhook_id, timestamp_text, body)).decode("ascii")
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp_text,
        "webhook-signature": f"{_SIGNATURE_VERSION},{signature}",
    }


def _digest(key: bytes, webhook_id: str, timestamp_text: str, body: bytes) -> bytes:
    signed = webhook_id.encode("utf-8") + b"." + timestamp_text.encode("ascii") + b"." + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def _any_signature_matches(signatures: list[str], digest: bytes) -> bool:
    expected_base64 = base64.b64encode(digest)
    expected_hex = digest.hex().encode("ascii")
    matched = False
    for entry in signatures:
        version, separator, value = entry.partition(",")
        if version != _SIGNATURE_VERSION or not separator or not value.isascii():
            continue
        candidate = value.encode("ascii")
        # Every entry is compared (no early exit), each in constant time.
        matched |= hmac.compare_digest(candidate, expected_base64)
        if len(candidate) == _HEX_DIGEST_CHARS:
            matched |= hmac.compare_digest(candidate.lower(), expected_hex)
    return matched


def _signature_headers(
    headers: Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[str, str]],
) -> tuple[str, str, list[str]]:
    """``webhook-id``, ``webhook-timestamp`` and the ``webhook-signature`` entries, from headers in any case."""
    found: dict[str, list[str]] = {"webhook-id": [], "webhook-timestamp": [], "webhook-signature": []}
    for name, value in _header_pairs(headers):
        if name.lower() in found:
            found[name.lower()].append(value)
    missing = [name for name, values in found.items() if not any(v.strip() for v in values)]
    if missing:
        raise WebhookVerificationError(
            f"the delivery has no {' or '.join(missing)} header: it was not signed the Standard Webhooks way "
            "(or a proxy removed the headers)"
        )
    single: list[str] = []
    for name in ("webhook-id", "webhook-timestamp"):
        values = {value.strip() for value in found[name]}
        if len(values) != 1:
            raise WebhookVerificationError(f"the delivery has {len(values)} different {name} headers; expected one")
        single.append(values.pop())
    signatures = [entry for value in found["webhook-signature"] for entry in value.split()]
    return single[0], single[1], signatures


def _header_pairs(
    headers: Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[str, str]],
) -> list[tuple[str, str]]:
    if isinstance(headers, str | bytes) or not (hasattr(headers, "items") or isinstance(headers, Iterable)):
        raise ArgumentTypeError(
            "headers",
            f"must be the request's headers (a mapping or a list of name/value pairs), got {type(headers).__name__}",
        )
    pairs: Iterable[Any] = headers.items() if hasattr(headers, "items") else headers
    result: list[tuple[str, str]] = []
    for pair in pairs:
        try:
            name, value = pair
        except (TypeError, ValueError):
            raise ArgumentTypeError("headers", "must be a mapping or a list of (name, value) pairs") from None
        result.append((_header_text(name, "a header name"), _header_text(value, "a header value")))
    return result


def _header_text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")  # HTTP header bytes, as servers such as ASGI hand them over
    raise ArgumentTypeError("headers", f"hold {what} that is not str or bytes: {type(value).__name__}")


def _timestamp(text: str) -> int:
    if not _TIMESTAMP_RE.fullmatch(text):
        raise WebhookVerificationError(
            f"webhook-timestamp must be Unix seconds (digits only), got {text[:_SHOWN_ID_CHARS]!r}"
        )
    return int(text)


def _payload_bytes(payload: object) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, bytearray) or (isinstance(payload, memoryview) and payload.itemsize == 1):
        return bytes(payload)
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8")
        except UnicodeEncodeError:
            raise ArgumentValueError(
                "payload", "must be the raw request body; this str holds a lone surrogate and is not UTF-8 text"
            ) from None
    hint = " (pass the raw request body, not parsed JSON)" if isinstance(payload, Mapping | list) else ""
    raise ArgumentTypeError(
        "payload", f"must be the raw request body as bytes or str, got {type(payload).__name__}{hint}"
    )


def _secret_key(secret: object) -> bytes:
    """The HMAC key of a ``whsec_...`` secret. Messages never contain the secret or any part of it."""
    if not isinstance(secret, str):
        raise ArgumentTypeError("secret", f"must be a str (whsec_ followed by base64), got {type(secret).__name__}")
    encoded = secret.strip()
    encoded = encoded.removeprefix(_SECRET_PREFIX)
    if not encoded:
        raise ArgumentValueError("secret", "is empty: pass the endpoint's signing secret (whsec_ followed by base64)")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ArgumentValueError(
            "secret",
            "is not a signing secret: after the whsec_ prefix it must be base64 (letters, digits, + and /); copy "
            "it again from the endpoint's settings",
        ) from None
    if not key:
        raise ArgumentValueError("secret", "is empty: pass the endpoint's signing secret (whsec_ followed by base64)")
    return key


def _non_negative_seconds(value: object, argument: str) -> float:
    seconds = _finite_seconds(value, argument)
    if seconds < 0:
        raise ArgumentValueError(argument, f"must be 0 or more seconds, got {seconds:g}")
    return seconds


def _finite_seconds(value: object, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArgumentTypeError(argument, f"must be a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ArgumentValueError(argument, f"must be a finite number of seconds, got {value}")
    return float(value)


def _shown_id(webhook_id: str) -> str:
    shown = webhook_id if len(webhook_id) <= _SHOWN_ID_CHARS else webhook_id[:_SHOWN_ID_CHARS] + "…"
    return f"webhook-id {shown!r}"


# --- the events ----------------------------------------------------------------------------------------------


@attrs.frozen
class WebhookRun:
    """The run an event is about (``data.run`` of a ``run.*`` delivery).

    ``raw`` is the run's JSON as delivered, fields this class does not name included.
    """

    id: str
    """Run id (e.g. ``exec_...``); ``client.runs.get(id)`` fetches the whole run."""
    type: str | None
    """``workflow`` or ``agent`` (another value is kept as sent); None when absent."""
    automation_id: str | None
    """The workflow's or agent's id."""
    status: ExecutionStatus | None
    """The run's status when the event was made; an unknown status is kept (its ``name`` is ``UNKNOWN``)."""
    trigger_type: str | None
    """How the run was started (``api``, ``manual``, ...)."""
    output: Any | None
    """The run's output when the delivery carries it; None when absent or omitted (see ``output_omitted``)."""
    raw: Mapping[str, Any] = attrs.field(repr=False)
    """The run's JSON object as delivered."""


@attrs.frozen
class WebhookEvent:
    """A delivery's envelope: every event has these fields. Events of types this module does not know are
    returned as a plain ``WebhookEvent``, with their ``data`` as delivered.
    """

    id: str
    """The event id (``whev_...``): the same on every redelivery, so deduplicate on it."""
    type: str
    """The event type, e.g. ``run.created`` or ``run.status_changed``."""
    api_version: str | None
    """The envelope's version (e.g. ``2026-07-01``)."""
    created_at: datetime.datetime | None
    """When the event was made (aware, UTC); None when absent or unreadable (``raw`` keeps it)."""
    test: bool
    """True for a test delivery sent from EigenPal's settings page."""
    data: Mapping[str, Any] = attrs.field(repr=False)
    """The event's ``data`` object as delivered."""
    raw: Mapping[str, Any] = attrs.field(repr=False)
    """The whole delivery body as parsed JSON."""


@attrs.frozen
class RunEvent(WebhookEvent):
    """An event about a run: ``run.created``, ``run.status_changed``, or a ``run.*`` type added later."""

    run: WebhookRun
    """The run, as it was when the event was made."""
    output_omitted: bool
    """True when the run's output was left out because the delivery would have been too large: fetch the
    run to read it."""


@attrs.frozen
class RunCreatedEvent(RunEvent):
    """``run.created``: a run was created; ``run.status`` is its first status."""


@attrs.frozen
class RunStatusChangedEvent(RunEvent):
    """``run.status_changed``: a run moved from ``previous_status`` to ``current_status``.

    Deliveries may arrive out of order: compare statuses and ``created_at`` rather than trusting arrival.
    """

    previous_status: ExecutionStatus | None
    """The status before the change; None when absent."""
    current_status: ExecutionStatus | None
    """The status after the change; None when absent."""


def parse_event(payload: bytes | bytearray | memoryview | str | Mapping[str, Any]) -> WebhookEvent:
    """Read a delivery's body as a typed event, without verifying it (use ``verify_event`` for that).

    Fields are read leniently (an absent or odd-typed optional field is None) and every event keeps its
    JSON in ``raw``.

    Args:
        payload: The body (bytes or str) or the JSON object already parsed.

    Returns:
        ``run.created`` and ``run.status_changed`` become ``RunCreatedEvent`` / ``RunStatusChangedEvent``;
        another ``run.*`` type with a readable run a ``RunEvent``; any other type, or a run event whose
        ``data.run`` has no string ``id``, a plain ``WebhookEvent``.

    Raises:
        WebhookPayloadError: The body is not a JSON object with a string ``id`` and ``type``.
    """
    body = _json_object(payload)
    event_id = _envelope_string(body, "id")
    event_type = _envelope_string(body, "type")
    data = body.get("data")
    data = data if isinstance(data, Mapping) else {}
    envelope: dict[str, Any] = {
        "id": event_id,
        "type": event_type,
        "api_version": _optional_str(body.get("apiVersion")),
        "created_at": parse_timestamp(body.get("createdAt")),
        "test": body.get("test") is True,
        "data": data,
        "raw": body,
    }
    run = _run(data.get("run"))
    if run is None or not event_type.startswith("run."):
        return WebhookEvent(**envelope)
    output_omitted = data.get("outputOmitted") is True
    if event_type == "run.created":
        return RunCreatedEvent(**envelope, run=run, output_omitted=output_omitted)
    if event_type == "run.status_changed":
        return RunStatusChangedEvent(
            **envelope,
            run=run,
            output_omitted=output_omitted,
            previous_status=_status(data.get("previousStatus")),
            current_status=_status(data.get("currentStatus")),
        )
    return RunEvent(**envelope, run=run, output_omitted=output_omitted)


def _json_object(payload: object) -> Mapping[str, Any]:
    if isinstance(payload, Mapping):
        return payload
    body = _payload_bytes(payload)
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise WebhookPayloadError(f"the delivery's body is not JSON ({type(exc).__name__})") from None
    if not isinstance(value, dict):
        raise WebhookPayloadError(f"the delivery's body is not a JSON object (got {_kind(value)})")
    return value


def _envelope_string(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise WebhookPayloadError(f"the delivery's {name!r} is not a non-empty string (got {_kind(value)})")
    return value


def _run(value: object) -> WebhookRun | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("id"), str) or not value["id"]:
        return None
    return WebhookRun(
        id=value["id"],
        type=_optional_str(value.get("type")),
        automation_id=_optional_str(value.get("automationId")),
        status=_status(value.get("status")),
        trigger_type=_optional_str(value.get("triggerType")),
        output=value.get("output"),
        raw=value,
    )


def _status(value: object) -> ExecutionStatus | None:
    return ExecutionStatus(value) if isinstance(value, str) and value else None


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
