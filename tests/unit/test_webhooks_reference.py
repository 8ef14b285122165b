"""``eigenpal_ext.webhooks`` against an independent implementation: the ``standardwebhooks`` package (1.3.0).

Hypothesis draws deliveries (secrets, bodies of any bytes, ids, timestamps around a frozen clock,
signature headers with the right signature, wrong ones, other versions and other secrets' signatures, and
tampered bodies, ids, timestamps and secrets), and both verifiers must agree on accepting or refusing
each. Each side's signatures are accepted by the other. On headers with arbitrary junk, the security
direction holds: whatever this module accepts, the reference accepts too (shown the accepted entry alone:
this module also splits entries on tabs and repeated spaces, the reference on single spaces).

The differences that are decisions, pinned at the end: this module also accepts the hex encoding of the
digest, and refuses a timestamp that is not whole Unix seconds (the reference reads it as a float and
signs its floor).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
from unittest import mock

import standardwebhooks.webhooks as reference_module
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook

from eigenpal_ext.webhooks import WebhookVerificationError, sign, verify_signature

NOW = 1_796_117_400


def reference_clock(now: int) -> contextlib.AbstractContextManager[object]:
    """Freeze the reference's clock (it reads ``datetime.now`` in its module) at ``now``."""

    class Frozen(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> Frozen:
            return cls.fromtimestamp(now, tz)

    return mock.patch.object(reference_module, "datetime", Frozen)


def reference_accepts(payload: bytes, headers: dict[str, str], secret: str, now: int) -> bool:
    with reference_clock(now):
        try:
            Webhook(secret).verify(payload, headers, json_parse=False)
        except Exception:  # a refusal, or the reference failing on headers it cannot read
            return False
    return True


def ours_accepts(payload: bytes, headers: dict[str, str], secret: str, now: int) -> bool:
    try:
        verify_signature(payload, headers, secret, now=now)
    except WebhookVerificationError:
        return False
    return True


def reference_signature(payload: bytes, secret: str, webhook_id: str, timestamp: int) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    return Webhook(secret).sign(webhook_id, moment, payload)


keys = st.binary(min_size=1, max_size=64)
secrets_ = keys.map(lambda key: "whsec_" + base64.b64encode(key).decode())
bodies = st.binary(max_size=200) | st.text(max_size=100).map(str.encode)
ids = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)
offsets = st.one_of(st.integers(-310, 310), st.integers(-(10**6), 10**6))


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[bytes, dict[str, str], str, int]:
    """A delivery as a receiver gets it, possibly tampered with, and the secret it is checked with."""
    secret = draw(secrets_)
    body = draw(bodies)
    webhook_id = draw(ids)
    timestamp = NOW + draw(offsets)
    right = sign(body, secret, webhook_id=webhook_id, timestamp=timestamp)["webhook-signature"]
    other_secret = draw(secrets_)
    choices = {
        "right": right,
        "random": "v1," + base64.b64encode(draw(st.binary(min_size=32, max_size=32))).decode(),
        "other version": "v2," + right.removeprefix("v1,"),
        "other secret": sign(body, other_secret, webhook_id=webhook_id, timestamp=timestamp)["webhook-signature"],
    }
    entries = draw(st.lists(st.sampled_from(sorted(choices)), min_size=1, max_size=4))
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(choices[entry] for entry in entries),
    }
    tamper = draw(st.sampled_from(["none", "none", "body", "id", "timestamp", "secret"]))
    if tamper == "body":
        body = body + draw(st.binary(min_size=1, max_size=5))
    elif tamper == "id":
        headers["webhook-id"] = webhook_id + draw(ids)
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(timestamp + draw(st.integers(1, 50)))
    elif tamper == "secret":
        secret = other_secret
    return body, headers, secret, timestamp - draw(offsets)


@settings(max_examples=400, deadline=None)
@given(delivery=deliveries())
def test_both_verifiers_agree_on_every_delivery(delivery: tuple[bytes, dict[str, str], str, int]) -> None:
    body, headers, secret, now = delivery
    assert ours_accepts(body, headers, secret, now) == reference_accepts(body, headers, secret, now)


@settings(max_examples=150, deadline=None)
@given(secret=secrets_, body=bodies, webhook_id=ids, offset=st.integers(-300, 300))
def test_each_side_accepts_the_others_signatures(secret: str, body: bytes, webhook_id: str, offset: int) -> None:
    timestamp = NOW + offset
    ours = sign(body, secret, webhook_id=webhook_id, timestamp=timestamp)
    theirs = {**ours, "webhook-signature": reference_signature(body, secret, webhook_id, timestamp)}

    assert ours["webhook-signature"] == theirs["webhook-signature"]
    assert reference_accepts(body, ours, secret, NOW)
    assert ours_accepts(body, theirs, secret, NOW)


@settings(max_examples=300, deadline=None)
@given(
    secret=secrets_,
    body=bodies,
    webhook_id=ids,
    junk=st.lists(st.text(max_size=12), max_size=4),
    keep_right=st.booleans(),
    timestamp_text=st.one_of(st.just(str(NOW)), st.text(max_size=12)),
)
def test_whatever_this_module_accepts_the_reference_accepts(
    secret: str, body: bytes, webhook_id: str, junk: list[str], keep_right: bool, timestamp_text: str
) -> None:
    right = sign(body, secret, webhook_id=webhook_id, timestamp=NOW)["webhook-signature"]
    entries = [*junk, right] if keep_right else junk
    headers = {"webhook-id": webhook_id, "webhook-timestamp": timestamp_text, "webhook-signature": " ".join(entries)}
    if ours_accepts(body, headers, secret, NOW):
        # The reference stops at the first entry it cannot split or decode, so each entry is shown to it alone:
        # the one this module accepted is one the reference accepts too.
        entries_alone = [{**headers, "webhook-signature": entry} for entry in headers["webhook-signature"].split()]
        assert any(reference_accepts(body, alone, secret, NOW) for alone in entries_alone)


# --- the differences, each a decision --------------------------------------------------------------------------


def _one(secret: str = "whsec_" + base64.b64encode(b"k" * 24).decode()) -> tuple[bytes, dict[str, str], str]:
    body = b'{"id": "whev_1", "type": "run.created"}'
    return body, sign(body, secret, webhook_id="whev_1", timestamp=NOW), secret


def test_hex_digests_are_accepted_here_only() -> None:
    body, headers, secret = _one()
    digest = base64.b64decode(headers["webhook-signature"].removeprefix("v1,"))
    hexed = {**headers, "webhook-signature": "v1," + digest.hex()}

    assert ours_accepts(body, hexed, secret, NOW)
    assert not reference_accepts(body, hexed, secret, NOW)


def test_a_timestamp_with_a_fraction_is_refused_here_only() -> None:
    body, headers, secret = _one()
    fractional = {**headers, "webhook-timestamp": f"{NOW}.9"}

    assert reference_accepts(body, fractional, secret, NOW)  # read as a float, its floor signed
    assert not ours_accepts(body, fractional, secret, NOW)


def test_entries_split_on_any_whitespace_here_and_on_single_spaces_there() -> None:
    body, headers, secret = _one()
    tabbed = {**headers, "webhook-signature": "v1,bm90IGl0\t" + headers["webhook-signature"]}

    assert ours_accepts(body, tabbed, secret, NOW)
    assert not reference_accepts(body, tabbed, secret, NOW)


def test_bodies_that_are_not_utf8_are_verified_by_both() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    body = b"\xff\xfe\x00binary"
    headers = sign(body, secret, webhook_id="whev_1", timestamp=NOW)

    assert ours_accepts(body, headers, secret, NOW)
    assert reference_accepts(body, headers, secret, NOW)


def test_the_frozen_clock_is_what_the_reference_reads() -> None:
    # A guard on reference_clock: with it, a delivery 10 minutes old is refused, one of now accepted.
    body, headers, secret = _one()
    assert reference_accepts(body, headers, secret, NOW)
    assert not reference_accepts(body, headers, secret, NOW + 600)
