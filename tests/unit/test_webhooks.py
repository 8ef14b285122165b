"""``eigenpal_ext.webhooks``: signing and verifying deliveries, and reading them as typed events.

Verification: a signed delivery is accepted; any change to the body, id, timestamp or secret is refused;
the timestamp window is 300 s both ways, inclusive; several signatures, other versions, headers in any
case and in any container; the hex encoding of the digest (a documented decision) accepted too. Bad
arguments fail before anything is checked, and no message or repr shows the secret. Events: the two run
events typed, other types kept generic, unknown fields and statuses kept, malformed bodies refused with
``WebhookPayloadError``. The agreement with an independent implementation is in
``test_webhooks_reference.py``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from eigenpal_api.models import ExecutionStatus
from hypothesis import given, settings
from hypothesis import strategies as st

from eigenpal_ext import EigenpalError
from eigenpal_ext.webhooks import (
    DEFAULT_TOLERANCE_SECONDS,
    RunCreatedEvent,
    RunEvent,
    RunStatusChangedEvent,
    WebhookError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookRun,
    WebhookVerificationError,
    parse_event,
    sign,
    verify_event,
    verify_signature,
)

# The worked example of the Standard Webhooks specification (its secret, id, timestamp, body and signature).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SECRET = "whsec_" + base64.b64encode(b"eigenpal-ext test signing key, 32b").decode()
NOW = 1_796_117_400  # 2026-12-01T09:30:00Z

CREATED: dict[str, Any] = {
    "id": "whev_01JCREATED",
    "type": "run.created",
    "apiVersion": "2026-07-01",
    "createdAt": "2026-12-01T09:30:00.000Z",
    "test": False,
    "data": {
        "run": {
            "id": "exec_01J",
            "type": "workflow",
            "automationId": "wf_abc",
            "status": "pending",
            "triggerType": "api",
        }
    },
}
CHANGED: dict[str, Any] = {
    "id": "whev_01JCHANGED",
    "type": "run.status_changed",
    "apiVersion": "2026-07-01",
    "createdAt": "2026-12-01T09:31:02.500Z",
    "test": True,
    "data": {
        "run": {
            "id": "exec_01J",
            "type": "workflow",
            "automationId": "wf_abc",
            "status": "completed",
            "triggerType": "api",
            "output": {"invoiceNumber": "INV-2026-0042", "total": 1234.5},
        },
        "previousStatus": "running",
        "currentStatus": "completed",
    },
}


def delivery(
    body: dict[str, Any] | bytes = CREATED, *, at: int = NOW, secret: str = SECRET
) -> tuple[bytes, dict[str, str]]:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return payload, sign(payload, secret, webhook_id="whev_test_1", timestamp=at)


def reason(payload: bytes, headers: Any, secret: str = SECRET, **kwargs: Any) -> str:
    with pytest.raises(WebhookVerificationError) as caught:
        verify_signature(payload, headers, secret, now=kwargs.pop("now", NOW), **kwargs)
    return str(caught.value)


# --- the Standard Webhooks worked example ------------------------------------------------------------------


def test_the_specification_example_verifies() -> None:
    headers = {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": SPEC_SIGNATURE}
    verify_signature(SPEC_BODY, headers, SPEC_SECRET, now=SPEC_TIMESTAMP)


def test_sign_reproduces_the_specification_signature() -> None:
    assert sign(SPEC_BODY, SPEC_SECRET, webhook_id=SPEC_ID, timestamp=SPEC_TIMESTAMP) == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body() -> None:
    payload, headers = delivery()
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    expected = hmac.new(key, b"whev_test_1." + str(NOW).encode() + b"." + payload, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()


# --- what is accepted -----------------------------------------------------------------------------------------


def test_a_signed_delivery_verifies() -> None:
    payload, headers = delivery()
    verify_signature(payload, headers, SECRET, now=NOW)


@pytest.mark.parametrize("offset", [-DEFAULT_TOLERANCE_SECONDS, -1, 0, 1, DEFAULT_TOLERANCE_SECONDS])
def test_timestamps_within_300_seconds_either_way_are_accepted(offset: int) -> None:
    payload, headers = delivery(at=NOW + offset)
    verify_signature(payload, headers, SECRET, now=NOW)


def test_the_body_may_be_given_as_bytes_bytearray_memoryview_or_str() -> None:
    payload, headers = delivery()
    for body in (payload, bytearray(payload), memoryview(payload), payload.decode()):
        verify_signature(body, headers, SECRET, now=NOW)


def test_header_names_in_any_case_and_any_container() -> None:
    payload, headers = delivery()
    title = {name.title(): value for name, value in headers.items()}
    upper = [(name.upper(), value) for name, value in headers.items()]
    raw = {name.encode(): value.encode() for name, value in headers.items()}
    for container in (headers, title, upper, raw, httpx.Headers(title)):
        verify_signature(payload, container, SECRET, now=NOW)


@pytest.mark.parametrize("position", [0, 1, 2])
def test_one_matching_signature_among_several_is_enough(position: int) -> None:
    payload, headers = delivery()
    others = ["v1," + base64.b64encode(b"x" * 32).decode(), "v1a,whatever"]
    entries = [*others[:position], headers["webhook-signature"], *others[position:]]
    verify_signature(payload, {**headers, "webhook-signature": " ".join(entries)}, SECRET, now=NOW)


def test_the_secret_may_come_without_its_prefix_or_padding_and_with_surrounding_whitespace() -> None:
    payload, headers = delivery()
    bare = SECRET.removeprefix("whsec_")
    for secret in (bare, bare.rstrip("="), f"  {SECRET}\n"):
        verify_signature(payload, headers, secret, now=NOW)


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_a_hex_encoded_digest_is_accepted(case: Any) -> None:
    # Decision (module docstring): EigenPal's guide, as summarised publicly, describes the digest as hex.
    payload, headers = delivery()
    digest = base64.b64decode(headers["webhook-signature"].removeprefix("v1,"))
    verify_signature(payload, {**headers, "webhook-signature": "v1," + case(digest.hex())}, SECRET, now=NOW)


def test_the_tolerance_can_be_changed() -> None:
    payload, headers = delivery(at=NOW - 3600)
    verify_signature(payload, headers, SECRET, now=NOW, tolerance_seconds=3600)
    assert "more than the 0 s accepted" in reason(*delivery(at=NOW - 1), tolerance_seconds=0)


def test_now_defaults_to_the_system_clock() -> None:
    payload = json.dumps(CREATED).encode()
    verify_signature(payload, sign(payload, SECRET), SECRET)  # sign's timestamp is now, too
    old = sign(payload, SECRET, timestamp=int(time.time()) - 3600)
    with pytest.raises(WebhookVerificationError, match="old"):
        verify_signature(payload, old, SECRET)


# --- what is refused ------------------------------------------------------------------------------------------


def test_a_changed_body_is_refused() -> None:
    payload, headers = delivery()
    changed = payload.replace(b"pending", b"Pending")
    assert "no v1 signature" in reason(changed, headers)
    # Re-serialising the JSON (as a framework's parsed body would be) changes the bytes too.
    assert "raw bytes" in reason(json.dumps(json.loads(payload), indent=2).encode(), headers)


def test_a_changed_id_or_timestamp_is_refused() -> None:
    payload, headers = delivery()
    assert "no v1 signature" in reason(payload, {**headers, "webhook-id": "whev_test_2"})
    assert "no v1 signature" in reason(payload, {**headers, "webhook-timestamp": str(NOW + 1)})


def test_another_secret_is_refused() -> None:
    payload, headers = delivery()
    other = "whsec_" + base64.b64encode(b"another endpoint's key").decode()
    assert "no v1 signature" in reason(payload, headers, other)


@pytest.mark.parametrize(("offset", "word"), [(-301, "old"), (-86_400, "old"), (301, "future"), (86_400, "future")])
def test_timestamps_further_than_300_seconds_are_refused(offset: int, word: str) -> None:
    assert word in reason(*delivery(at=NOW + offset))


def test_a_fractional_clock_is_compared_exactly() -> None:
    payload, headers = delivery(at=NOW)
    verify_signature(payload, headers, SECRET, now=NOW + 300.0)
    assert "old" in reason(payload, headers, now=NOW + 300.000001)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_or_empty_header_is_refused(missing: str) -> None:
    payload, headers = delivery()
    without = {name: value for name, value in headers.items() if name != missing}
    assert missing in reason(payload, without)
    assert missing in reason(payload, {**headers, missing: "  "})


def test_two_different_ids_are_refused() -> None:
    payload, headers = delivery()
    pairs = [*headers.items(), ("Webhook-Id", "whev_other")]
    assert "2 different webhook-id headers" in reason(payload, pairs)


@pytest.mark.parametrize("timestamp", ["1796117400.5", "-1796117400", "1.7e9", "0x6B", "", "now", " 17 96", "١٢٣"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(timestamp: str) -> None:
    payload, headers = delivery()
    text = reason(payload, {**headers, "webhook-timestamp": timestamp})
    assert "Unix seconds" in text or "no webhook-timestamp" in text


@pytest.mark.parametrize(
    "signature",
    [
        "v2,{sig}",  # another scheme version
        "{sig}",  # no version
        "v1 {sig}",  # no comma
        "v1,{sig}x",  # one character more
        "v1,{unpadded}",  # base64 without its padding
        "v1,{urlsafe}",  # another base64 alphabet
        "v1,{sig_dot}",  # a character the standard alphabet has not
        "V1,{sig}",  # the version is case-sensitive
        "v1,ü{sig}",  # not ASCII
    ],
)
def test_malformed_signature_entries_are_refused(signature: str) -> None:
    payload, headers = delivery(body=b'{"id": "whev_x", "type": "run.created", "data": {"k": "\xff\xfe~~~"}}')
    sig = headers["webhook-signature"].removeprefix("v1,")
    text = signature.format(
        sig=sig,
        unpadded=sig.rstrip("="),
        urlsafe=sig.replace("+", "-").replace("/", "_"),
        sig_dot=sig[:-2] + ".=",
    )
    if text == headers["webhook-signature"]:
        pytest.skip("this body's signature has no character the variant changes")
    assert "no v1 signature" in reason(payload, {**headers, "webhook-signature": text})


def test_the_error_is_an_eigenpal_error_with_control_characters_escaped() -> None:
    payload, headers = delivery()
    with pytest.raises(WebhookVerificationError) as caught:
        verify_signature(payload, {**headers, "webhook-id": "whev_1\nFORGED LINE"}, SECRET, now=NOW)
    assert isinstance(caught.value, WebhookError)
    assert isinstance(caught.value, EigenpalError)
    assert "\n" not in str(caught.value)


# --- bad arguments fail first, and the secret is never shown ----------------------------------------------


@pytest.mark.parametrize(
    ("payload", "exception", "words"),
    [
        (CREATED, TypeError, "not parsed JSON"),
        ([1, 2], TypeError, "not parsed JSON"),
        (None, TypeError, "raw request body"),
        (42, TypeError, "raw request body"),
        ("\ud800", ValueError, "not UTF-8"),
    ],
)
def test_a_payload_that_is_not_the_raw_body_is_an_argument_error(payload: Any, exception: type, words: str) -> None:
    _, headers = delivery()
    with pytest.raises(exception, match=words):
        verify_signature(payload, headers, SECRET, now=NOW)


@pytest.mark.parametrize(
    ("secret", "exception", "words"),
    [
        ("whsec_", ValueError, "empty"),
        ("", ValueError, "empty"),
        ("whsec_not base64!", ValueError, "not a signing secret"),
        ("whsec_abc$def", ValueError, "not a signing secret"),
        ("whsec_====", ValueError, "not a signing secret"),
        (b"whsec_abc", TypeError, "must be a str"),
        (None, TypeError, "must be a str"),
    ],
)
def test_a_bad_secret_is_an_argument_error_that_does_not_show_it(secret: Any, exception: type, words: str) -> None:
    payload, headers = delivery()
    with pytest.raises(exception, match=words) as caught:
        verify_signature(payload, headers, secret, now=NOW)
    shown = str(caught.value) + repr(caught.value)
    if isinstance(secret, str) and secret.removeprefix("whsec_"):
        assert secret.removeprefix("whsec_") not in shown


@pytest.mark.parametrize(
    ("arguments", "exception", "words"),
    [
        ({"tolerance_seconds": -1}, ValueError, "0 or more"),
        ({"tolerance_seconds": float("nan")}, ValueError, "finite"),
        ({"tolerance_seconds": True}, TypeError, "number of seconds"),
        ({"tolerance_seconds": "300"}, TypeError, "number of seconds"),
        ({"now": float("inf")}, ValueError, "finite"),
        ({"now": datetime.datetime.now()}, TypeError, "number of seconds"),
    ],
)
def test_bad_numbers_are_argument_errors(arguments: dict[str, Any], exception: type, words: str) -> None:
    payload, headers = delivery()
    arguments.setdefault("now", NOW)
    with pytest.raises(exception, match=words):
        verify_signature(payload, headers, SECRET, **arguments)


@pytest.mark.parametrize("headers", ["webhook-id: x", b"raw", 42, [("only-a-name",)]])
def test_headers_that_are_not_headers_are_an_argument_error(headers: Any) -> None:
    with pytest.raises(TypeError, match="headers"):
        verify_signature(b"{}", headers, SECRET, now=NOW)


def test_argument_errors_come_before_the_delivery_is_checked() -> None:
    # No header at all (a verification failure) and a bad secret (an argument error): the argument wins.
    with pytest.raises(ValueError, match="not a signing secret"):
        verify_signature(b"{}", {}, "whsec_%%%", now=NOW)


@settings(max_examples=100, deadline=None)
@given(key=st.binary(min_size=16, max_size=48), body=st.binary(max_size=64), offset=st.integers(-1000, 1000))
def test_no_verification_message_or_repr_shows_the_secret(key: bytes, body: bytes, offset: int) -> None:
    # Keys of 16 bytes or more (EigenPal's are longer), so their base64 cannot appear in a message by chance.
    secret = "whsec_" + base64.b64encode(key).decode()
    headers = sign(body, "whsec_" + base64.b64encode(key + b"!").decode(), timestamp=NOW + offset)
    with pytest.raises(WebhookVerificationError) as caught:
        verify_signature(body, headers, secret, now=NOW)
    shown = str(caught.value) + repr(caught.value)
    assert secret.removeprefix("whsec_") not in shown
    assert base64.b64encode(key).decode().rstrip("=") not in shown


# --- sign --------------------------------------------------------------------------------------------------------


def test_sign_defaults_to_a_fresh_id_and_the_current_time() -> None:
    before = int(time.time())
    first, second = sign(b"{}", SECRET), sign(b"{}", SECRET)
    after = int(time.time())

    assert first["webhook-id"].startswith("whev_")
    assert first["webhook-id"] != second["webhook-id"]
    assert before <= int(first["webhook-timestamp"]) <= after
    assert set(first) == {"webhook-id", "webhook-timestamp", "webhook-signature"}


@pytest.mark.parametrize(
    ("arguments", "exception", "words"),
    [
        ({"webhook_id": ""}, ValueError, "visible ASCII"),
        ({"webhook_id": "has space"}, ValueError, "visible ASCII"),
        ({"webhook_id": "x" * 257}, ValueError, "visible ASCII"),
        ({"webhook_id": 7}, TypeError, "must be a string"),
        ({"timestamp": -1}, ValueError, "0 or more"),
        ({"timestamp": 1.5}, TypeError, "must be an int"),
        ({"timestamp": True}, TypeError, "must be an int"),
    ],
)
def test_sign_checks_its_arguments(arguments: dict[str, Any], exception: type, words: str) -> None:
    with pytest.raises(exception, match=words):
        sign(b"{}", SECRET, **arguments)


# --- events ---------------------------------------------------------------------------------------------------


def test_run_created_is_a_typed_event() -> None:
    payload, headers = delivery(CREATED)
    event = verify_event(payload, headers, SECRET, now=NOW)

    assert type(event) is RunCreatedEvent
    assert isinstance(event, RunEvent)
    assert (event.id, event.type, event.api_version, event.test) == (
        "whev_01JCREATED",
        "run.created",
        "2026-07-01",
        False,
    )
    assert event.created_at == datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
    assert event.run == WebhookRun(
        id="exec_01J",
        type="workflow",
        automation_id="wf_abc",
        status=ExecutionStatus.PENDING,
        trigger_type="api",
        output=None,
        raw=CREATED["data"]["run"],
    )
    assert event.output_omitted is False
    assert event.raw == CREATED
    assert event.data == CREATED["data"]


def test_run_status_changed_carries_both_statuses_and_the_output() -> None:
    event = parse_event(json.dumps(CHANGED))

    assert type(event) is RunStatusChangedEvent
    assert (event.previous_status, event.current_status) == (ExecutionStatus.RUNNING, ExecutionStatus.COMPLETED)
    assert event.run.status is ExecutionStatus.COMPLETED
    assert event.run.output == {"invoiceNumber": "INV-2026-0042", "total": 1234.5}
    assert event.test is True
    assert event.created_at == datetime.datetime(2026, 12, 1, 9, 31, 2, 500000, tzinfo=datetime.UTC)


def test_an_omitted_output_is_flagged() -> None:
    body = {**CHANGED, "data": {**CHANGED["data"], "run": CREATED["data"]["run"], "outputOmitted": True}}
    event = parse_event(body)

    assert isinstance(event, RunStatusChangedEvent)
    assert event.output_omitted is True
    assert event.run.output is None


def test_unknown_fields_and_statuses_are_kept() -> None:
    run = {**CHANGED["data"]["run"], "status": "timeout", "priority": 3}
    body = {**CHANGED, "deliveryAttempt": 2, "data": {**CHANGED["data"], "run": run, "currentStatus": "timeout"}}
    event = parse_event(body)

    assert isinstance(event, RunStatusChangedEvent)
    assert (event.current_status, event.run.status) == ("timeout", "timeout")
    assert event.current_status is not None
    assert event.current_status.name == "UNKNOWN"
    assert event.run.raw["priority"] == 3
    assert event.raw["deliveryAttempt"] == 2


def test_an_unknown_event_type_is_a_generic_event() -> None:
    body = {"id": "whev_2", "type": "automation.updated", "createdAt": "2026-12-01T09:30:00Z", "data": {"x": 1}}
    event = parse_event(body)

    assert type(event) is WebhookEvent
    assert (event.type, event.data, event.api_version, event.test) == ("automation.updated", {"x": 1}, None, False)


def test_a_new_run_event_type_with_a_run_is_a_run_event() -> None:
    event = parse_event({**CREATED, "type": "run.deleted"})

    assert type(event) is RunEvent
    assert event.run.id == "exec_01J"


@pytest.mark.parametrize("data", [None, [], {}, {"run": None}, {"run": {"status": "running"}}, {"run": {"id": 7}}])
def test_a_run_event_without_a_readable_run_stays_generic(data: Any) -> None:
    event = parse_event({**CREATED, "data": data})

    assert type(event) is WebhookEvent
    assert event.type == "run.created"
    assert event.raw["data"] == data


def test_optional_envelope_fields_of_the_wrong_type_read_as_absent() -> None:
    body = {**CREATED, "apiVersion": 20260701, "createdAt": "yesterday", "test": "true"}
    event = parse_event(body)

    assert (event.api_version, event.created_at, event.test) == (None, None, False)
    assert event.raw["createdAt"] == "yesterday"


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"<html>", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1]", "not a JSON object"),
        (b"null", "not a JSON object"),
        (b"[" * 100_000, "not JSON"),
        (json.dumps({"type": "run.created"}).encode(), "'id'"),
        (json.dumps({"id": "", "type": "run.created"}).encode(), "'id'"),
        (json.dumps({"id": "whev_1", "type": None}).encode(), "'type'"),
    ],
)
def test_a_body_that_is_not_an_event_is_a_payload_error(payload: bytes, words: str) -> None:
    with pytest.raises(WebhookPayloadError, match=words):
        parse_event(payload)


def test_verify_event_checks_the_signature_before_reading_the_body() -> None:
    payload, headers = delivery(b"not json at all")
    with pytest.raises(WebhookPayloadError):
        verify_event(payload, headers, SECRET, now=NOW)
    with pytest.raises(WebhookVerificationError):
        verify_event(payload + b"!", headers, SECRET, now=NOW)


def test_events_are_immutable() -> None:
    event = parse_event(CREATED)
    with pytest.raises(AttributeError):
        event.id = "whev_other"  # type: ignore[misc]
