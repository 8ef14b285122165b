"""Tests for eigenpal_ext.dates: examples for every accepted form, plus properties checked with hypothesis."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import reduce

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from eigenpal_ext import ArgumentValueError
from eigenpal_ext.dates import DateInput, date_range_query, format_utc, resolve_date

NOW = datetime(2026, 11, 27, 3, 13, 4, 123456, tzinfo=UTC)
WIRE_FORMAT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Derandomized so a CI run is reproducible; no deadline because the first examples pay for imports and
# regex compilation, which would make timing-based failures flaky.
PROPERTY = settings(derandomize=True, deadline=None, max_examples=200)


def resolve(value: DateInput, *, now: datetime = NOW, end_of_day: bool = False) -> datetime:
    return resolve_date(value, argument="from_date", now=now, end_of_day=end_of_day)


def resolved_text(value: DateInput, *, now: datetime = NOW, end_of_day: bool = False) -> str:
    return format_utc(resolve(value, now=now, end_of_day=end_of_day))


def truncate_to_ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# --- format_utc ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NOW, "2026-11-27T03:13:04.123Z"),
        (datetime(2026, 11, 27, 3, 13, 4, 123456), "2026-11-27T03:13:04.123Z"),  # naive means UTC
        (datetime(2026, 11, 27, 3, 13, 4, 999999, tzinfo=UTC), "2026-11-27T03:13:04.999Z"),  # floor, no carry
        (datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "2026-12-31T23:59:59.999Z"),
        (datetime(2026, 11, 27, 0, 0, tzinfo=timezone(timedelta(hours=2))), "2026-11-26T22:00:00.000Z"),
        (datetime(2026, 11, 27, 0, 0, tzinfo=timezone(timedelta(hours=-5, minutes=-30))), "2026-11-27T05:30:00.000Z"),
        (datetime(999, 1, 2, 3, 4, 5, 6000, tzinfo=UTC), "0999-01-02T03:04:05.006Z"),  # zero-padded year
    ],
)
def test_format_utc(moment: datetime, expected: str) -> None:
    assert format_utc(moment) == expected


def test_format_utc_rejects_aware_moment_outside_utc_range() -> None:
    with pytest.raises(ValueError, match="outside years 1-9999"):
        format_utc(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))))


# --- resolve_date: datetime, date, timedelta ------------------------------------------------------------


def test_aware_datetime_is_converted_to_utc() -> None:
    value = datetime(2026, 11, 27, 10, 0, 0, 500, tzinfo=timezone(timedelta(hours=2)))
    result = resolve(value)
    assert result == value
    assert result.tzinfo is UTC
    assert result == datetime(2026, 11, 27, 8, 0, 0, 500, tzinfo=UTC)


def test_naive_datetime_is_taken_as_utc() -> None:
    result = resolve(datetime(2026, 11, 27, 10, 0))
    assert result == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert result.tzinfo is UTC


def test_datetime_ignores_end_of_day() -> None:
    value = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert resolve(value, end_of_day=True) == value


class _NoOffset(tzinfo):
    """A tzinfo whose utcoffset() is None: Python treats such datetimes as naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


def test_datetime_with_tzinfo_lacking_offset_is_taken_as_utc() -> None:
    assert resolve(datetime(2026, 11, 27, 10, 0, tzinfo=_NoOffset())) == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_date_is_start_or_end_of_day_utc() -> None:
    day = date(2026, 11, 27)
    assert resolved_text(day) == "2026-11-27T00:00:00.000Z"
    assert resolved_text(day, end_of_day=True) == "2026-11-27T23:59:59.999Z"
    assert resolve(day).tzinfo is UTC


def test_date_extremes_stay_in_range() -> None:
    assert resolved_text(date.min) == "0001-01-01T00:00:00.000Z"
    assert resolved_text(date.max, end_of_day=True) == "9999-12-31T23:59:59.999Z"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(days=7), "2026-11-20T03:13:04.123Z"),
        (timedelta(0), "2026-11-27T03:13:04.123Z"),
        (timedelta(hours=-1), "2026-11-27T04:13:04.123Z"),  # negative: in the future
        (timedelta(microseconds=457), "2026-11-27T03:13:04.122Z"),
    ],
)
def test_timedelta_means_now_minus(delta: timedelta, expected: str) -> None:
    assert resolved_text(delta) == expected


def test_now_defaults_to_the_clock() -> None:
    before = datetime.now(UTC)
    result = resolve_date(timedelta(0), argument="from_date")
    after = datetime.now(UTC)
    assert before <= result <= after
    assert result.tzinfo is UTC


def test_naive_now_is_taken_as_utc() -> None:
    assert resolve("now()-7d", now=NOW.replace(tzinfo=None)) == NOW - timedelta(days=7)


def test_aware_now_in_other_zone_is_converted() -> None:
    now = NOW.astimezone(timezone(timedelta(hours=9)))
    result = resolve("now()", now=now)
    assert result == NOW
    assert result.tzinfo is UTC


# --- resolve_date: ISO-8601 strings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27T10:00:00Z", "2026-11-27T10:00:00.000Z"),
        ("2026-11-27T10:00:00+00:00", "2026-11-27T10:00:00.000Z"),
        ("2026-11-27T10:00:00+02:00", "2026-11-27T08:00:00.000Z"),
        ("2026-11-27T01:00:00+02:00", "2026-11-26T23:00:00.000Z"),  # crosses the day boundary
        ("2026-11-27T10:00:00-05:30", "2026-11-27T15:30:00.000Z"),
        ("2026-11-27T10:00:00", "2026-11-27T10:00:00.000Z"),  # naive means UTC
        ("2026-11-27 10:00:00", "2026-11-27T10:00:00.000Z"),
        ("2026-11-27T10:00", "2026-11-27T10:00:00.000Z"),
        ("2026-11-27T10:00:00.1Z", "2026-11-27T10:00:00.100Z"),
        ("2026-11-27T10:00:00.123456Z", "2026-11-27T10:00:00.123Z"),
        ("2026-11-27T10:00:00.999999Z", "2026-11-27T10:00:00.999Z"),  # truncated, never rounded up
        ("2026-11-27T10:00:00.123456789+01:00", "2026-11-27T09:00:00.123Z"),
        ("  2026-11-27T10:00:00Z\n", "2026-11-27T10:00:00.000Z"),
        ("2026-11-27T00:00:00Z", "2026-11-27T00:00:00.000Z"),
    ],
)
def test_iso_timestamp(text: str, expected: str) -> None:
    assert resolved_text(text) == expected
    # Only a bare date is widened to the end of the day; an explicit midnight timestamp is left alone.
    assert resolved_text(text, end_of_day=True) == expected


@pytest.mark.parametrize("text", ["2026-11-27", " 2026-11-27 ", "20261127"])
def test_iso_date_only_is_start_or_end_of_day(text: str) -> None:
    assert resolved_text(text) == "2026-11-27T00:00:00.000Z"
    assert resolved_text(text, end_of_day=True) == "2026-11-27T23:59:59.999Z"


def test_iso_string_at_edge_of_range_with_offset_is_value_error() -> None:
    with pytest.raises(ValueError, match=r"from_date '0001-01-01T00:00:00\+05:00' is out of range"):
        resolve("0001-01-01T00:00:00+05:00")


# --- resolve_date: relative expressions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now()", "2026-11-27T03:13:04.123Z"),
        ("now", "2026-11-27T03:13:04.123Z"),
        ("now()-7d", "2026-11-20T03:13:04.123Z"),
        ("now-7d", "2026-11-20T03:13:04.123Z"),
        ("now()+1h", "2026-11-27T04:13:04.123Z"),
        ("now()-1d12h", "2026-11-25T15:13:04.123Z"),
        ("now-30m", "2026-11-27T02:43:04.123Z"),
        ("now()-45s", "2026-11-27T03:12:19.123Z"),
        ("now()-2w", "2026-11-13T03:13:04.123Z"),
        ("now()-1mo", "2026-10-27T03:13:04.123Z"),
        ("now()-1y", "2025-11-27T03:13:04.123Z"),
        ("now()-1y2mo", "2025-09-27T03:13:04.123Z"),
        ("now()-1d+2h", "2026-11-26T05:13:04.123Z"),
        ("now()-0d", "2026-11-27T03:13:04.123Z"),
        ("now()-007d", "2026-11-20T03:13:04.123Z"),
        ("now()-1d-1d", "2026-11-25T03:13:04.123Z"),
        ("now()+1d-1d", "2026-11-27T03:13:04.123Z"),
        ("now()-1mo1m", "2026-10-27T03:12:04.123Z"),  # months, then minutes
        ("now()-1m1mo", "2026-10-27T03:12:04.123Z"),
        ("now()-1w1d1h1m1s", "2026-11-19T02:12:03.123Z"),
    ],
)
def test_relative_expression(text: str, expected: str) -> None:
    assert resolved_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NOW()-7D",
        "Now()-7d",
        "now()-7D",
        "NOW-7d",
        "now() - 7d",
        "now()- 7d",
        "now() -7d",
        "now -7d",
        "  now()-7d  ",
        "\tnow()\t-\t7d\n",
        "now()-6d24h",
        "now()-1w",
        "now()-168h",
    ],
)
def test_relative_expression_spelling_variants(text: str) -> None:
    assert resolved_text(text) == "2026-11-20T03:13:04.123Z"


@pytest.mark.parametrize("text", ["now()-1MO", "now()-1Mo", "now()-1mO", "now() - 1mo"])
def test_month_unit_is_case_insensitive(text: str) -> None:
    assert resolved_text(text) == "2026-10-27T03:13:04.123Z"


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), "now()-1mo", "2026-02-28T12:00:00.000Z"),
        (datetime(2028, 3, 31, 12, 0, tzinfo=UTC), "now()-1mo", "2028-02-29T12:00:00.000Z"),  # leap year
        (datetime(2026, 1, 31, 12, 0, tzinfo=UTC), "now()+1mo", "2026-02-28T12:00:00.000Z"),
        (datetime(2026, 5, 31, 12, 0, tzinfo=UTC), "now()-1mo", "2026-04-30T12:00:00.000Z"),
        (datetime(2028, 2, 29, 12, 0, tzinfo=UTC), "now()-1y", "2027-02-28T12:00:00.000Z"),
        (datetime(2028, 2, 29, 12, 0, tzinfo=UTC), "now()+4y", "2032-02-29T12:00:00.000Z"),
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "now()-13mo", "2024-12-15T12:00:00.000Z"),
        # Terms apply one at a time: Mar 31 -1mo clamps to Feb 28, and the next -1mo keeps the 28th.
        (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), "now()-1mo1mo", "2026-01-28T12:00:00.000Z"),
        (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), "now()-2mo", "2026-01-31T12:00:00.000Z"),
        # Calendar and exact terms in order: a month back, then a day forward.
        (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), "now()-1mo+1d", "2026-03-01T12:00:00.000Z"),
        (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), "now()+1d-1mo", "2026-03-01T12:00:00.000Z"),
    ],
)
def test_calendar_units(now: datetime, text: str, expected: str) -> None:
    assert resolved_text(text, now=now) == expected


def test_relative_expression_ignores_end_of_day() -> None:
    assert resolved_text("now()-1d", end_of_day=True) == "2026-11-26T03:13:04.123Z"


def test_relative_expression_keeps_microseconds() -> None:
    assert resolve("now()-1s") == NOW - timedelta(seconds=1)


# --- errors -----------------------------------------------------------------------------------------------

ACCEPTED_FORMS = (
    "use a datetime, date or timedelta, an ISO-8601 string ('2026-11-27T10:00:00Z', '2026-11-27'), "
    "or a relative expression ('now()', 'now()-7d', 'now()-1d12h', 'now()+1h'; units s m h d w mo y)"
)


def test_unparseable_string_message() -> None:
    with pytest.raises(ValueError, match="is not a date") as info:
        resolve("yesterday")
    assert str(info.value) == f"from_date 'yesterday' is not a date: {ACCEPTED_FORMS}"


def test_error_names_the_argument() -> None:
    with pytest.raises(ValueError, match=r"^to_date 'soon' is not a date: "):
        resolve_date("soon", argument="to_date", now=NOW)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "yesterday",
        "today",
        "now()-",
        "now()-d",
        "now()-7",
        "now()-7x",
        "now()-7 d",  # no space inside a term
        "now()-1 0d",  # no space inside a number
        "now()-1m o",  # no space inside a unit
        "now()-1d 12h",  # the terms of one group are written together
        "now()7d",  # a sign is required
        "now()--7d",
        "now()+-7d",
        "now()-7.5d",
        "now()-1e3s",
        "now()-7days",
        "now()-7ms",
        "now()-7min",
        "now( )-7d",
        "now(-7d)",
        "now(",
        "now)",
        "nowish",
        "now()now()",
        "7d",
        "-7d",
        "now()-7\u017f",  # LATIN SMALL LETTER LONG S case-folds to 's' unless matching is ASCII-only
        "now()-\uff17d",  # FULLWIDTH DIGIT SEVEN
        "now()-\u0667d",  # ARABIC-INDIC DIGIT SEVEN
        "2026-11",
        "2026-13-01",
        "2026-02-30",
        "2026-11-27T24:00:00",
        "2026-11-27T10:00:00+25:00",
        "27/11/2026",
        "Nov 27 2026",
        "2026-11-27T10:00:00 UTC",
        "\uff12\uff10\uff12\uff16-11-27",
        "20261127xx",  # date.fromisoformat reads these two as 2026-11-27, by position
        "2026112799",
        "2026-11-27Tjunk",
        "2026-11-27T10:00:00Zjunk",
        "2026-W48-5",  # ISO week dates are well-formed ISO-8601 but not a form the API documents
        "2026-331",
        "2026-11-27T10:00:00+01:00:30",
        "202611270",
    ],
)
def test_unparseable_strings_are_value_errors(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"from_date {text!r} is not a date: {ACCEPTED_FORMS}")):
        resolve(text)


@pytest.mark.parametrize(
    "text",
    [
        "now()-99999999y",
        "now()+99999999y",
        "now()-8000y",
        "now()+120000mo",
        "now()-999999999999999999999999d",
        "now()+" + "9" * 5000 + "s",  # beyond int()'s default digit limit
        "now()-3000000w",
        "now()+1000000000d",
        "now()+8000y-8000y",  # an intermediate result out of range is still out of range
    ],
)
def test_out_of_range_relative_is_value_error(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"from_date {text!r} is out of range")) as info:
        resolve(text)
    assert str(info.value).endswith(ACCEPTED_FORMS)


def test_out_of_range_timedelta_is_value_error() -> None:
    with pytest.raises(ValueError, match=r"^from_date datetime\.timedelta\(.*\) is out of range"):
        resolve(timedelta.max)
    with pytest.raises(ValueError, match="out of range"):
        resolve(timedelta(days=-3_000_000))


def test_out_of_range_aware_datetime_is_value_error() -> None:
    with pytest.raises(ValueError, match="out of range"):
        resolve(datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))))


def test_relative_reaching_exactly_the_edge_is_fine() -> None:
    now = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert resolved_text("now()", now=now) == "9999-12-31T23:59:59.999Z"
    assert resolved_text("now()-9998y", now=now) == "0001-12-31T23:59:59.999Z"


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        (1700000000, "int"),
        (1.5, "float"),
        (True, "bool"),
        (False, "bool"),
        (None, "NoneType"),
        ([2026, 11, 27], "list"),
        (b"2026-11-27", "bytes"),
        ((2026, 11, 27), "tuple"),
    ],
)
def test_other_types_are_type_errors(value: object, type_name: str) -> None:
    with pytest.raises(TypeError) as info:
        resolve_date(value, argument="to_date", now=NOW)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"to_date must be a datetime, date, timedelta or str, not {type_name}")


# --- date_range_query: what reaches the wire --------------------------------------------------------------


def test_range_none_passes_through() -> None:
    assert date_range_query(None, None, now=NOW) == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "now()",
        "now()-7d",
        "now()+1h",
        "now()-30m",
        "now()-45s",
        "now()-2w",
        "now()-007d",
        "2026-11-20",
        "20261120",
        "2026-11-20T10:00:00Z",
        "2026-11-20T10:00:00.123456+02:00",
        "2026-11-20 10:00",
        "20261120T100000Z",
    ],
)
def test_forms_the_api_documents_are_sent_as_written(text: str) -> None:
    assert date_range_query(text, None, now=NOW) == (text, None)
    assert date_range_query(None, text, now=NOW) == (None, text)
    assert date_range_query(f"  {text}\n", None, now=NOW) == (text, None)  # surrounding whitespace only


def test_the_documented_week_reaches_the_wire_as_written() -> None:
    assert date_range_query("now()-7d", "now()", now=NOW) == ("now()-7d", "now()")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2026-11-27T03:13:04.123Z"),
        ("now-7d", "2026-11-20T03:13:04.123Z"),
        ("NOW()-7d", "2026-11-20T03:13:04.123Z"),
        ("now() - 7d", "2026-11-20T03:13:04.123Z"),
        ("now()-1d12h", "2026-11-25T15:13:04.123Z"),
        ("now()-1mo", "2026-10-27T03:13:04.123Z"),
        ("now()-1y", "2025-11-27T03:13:04.123Z"),
        ("now()-1d+2h", "2026-11-26T05:13:04.123Z"),
    ],
)
def test_the_extended_grammar_is_resolved_here(text: str, expected: str) -> None:
    assert date_range_query(text, None, now=NOW) == (expected, None)


def test_python_values_are_resolved_here() -> None:
    assert date_range_query(timedelta(days=7), date(2026, 11, 27), now=NOW) == (
        "2026-11-20T03:13:04.123Z",
        "2026-11-27T23:59:59.999Z",
    )
    assert date_range_query(date(2026, 11, 20), None, now=NOW) == ("2026-11-20T00:00:00.000Z", None)


def test_a_resolved_upper_bound_is_rounded_up_to_the_millisecond() -> None:
    # NOW is 03:13:04.123456: an execution created at .123 (the API's precision) must be inside to_date.
    assert date_range_query(None, NOW, now=NOW) == (None, "2026-11-27T03:13:04.124Z")
    assert date_range_query(None, timedelta(0), now=NOW) == (None, "2026-11-27T03:13:04.124Z")
    assert date_range_query(None, "now", now=NOW) == (None, "2026-11-27T03:13:04.124Z")
    exact = datetime(2026, 11, 27, 3, 13, 4, 123000, tzinfo=UTC)
    assert date_range_query(None, exact, now=NOW) == (None, "2026-11-27T03:13:04.123Z")  # already exact
    last = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert date_range_query(None, last, now=NOW) == (None, "9999-12-31T23:59:59.999Z")  # nothing later exists
    # A lower bound is never moved later than the instant it stands for.
    assert date_range_query(NOW, None, now=NOW) == ("2026-11-27T03:13:04.123Z", None)


def test_range_same_day_is_fine() -> None:
    assert date_range_query("2026-11-27", "2026-11-27", now=NOW) == ("2026-11-27", "2026-11-27")
    assert date_range_query(date(2026, 11, 27), date(2026, 11, 27), now=NOW) == (
        "2026-11-27T00:00:00.000Z",
        "2026-11-27T23:59:59.999Z",
    )


def test_range_equal_bounds_are_fine() -> None:
    assert date_range_query("now()", "now()", now=NOW) == ("now()", "now()")
    assert date_range_query(timedelta(0), NOW, now=NOW) == ("2026-11-27T03:13:04.123Z", "2026-11-27T03:13:04.124Z")


def test_range_from_after_to_names_the_argument_and_both_values() -> None:
    with pytest.raises(ArgumentValueError, match="from_date") as info:
        date_range_query(datetime(2026, 11, 27, tzinfo=UTC), "2026-11-20T00:00:00Z", now=NOW)
    assert info.value.argument == "from_date"
    message = str(info.value)
    assert "from_date datetime.datetime(2026, 11, 27" in message
    assert "is later than the end of the range, '2026-11-20T00:00:00Z'" in message
    assert "2026-11-27T00:00:00.000Z" in message
    assert "2026-11-20T00:00:00.000Z" in message


def test_range_from_after_to_across_days() -> None:
    with pytest.raises(ValueError, match=r"from_date '2026-11-28'.*the end of the range, '2026-11-27'"):
        date_range_query("2026-11-28", "2026-11-27", now=NOW)


def test_two_relative_expressions_are_compared_on_one_clock() -> None:
    with pytest.raises(ValueError, match=r"from_date 'now\(\)'.*the end of the range, 'now\(\)-7d'"):
        date_range_query("now()", "now()-7d", now=NOW)
    with pytest.raises(ValueError, match="from_date"):
        date_range_query(timedelta(days=1), timedelta(days=7), now=NOW)


def test_a_server_relative_bound_is_not_compared_with_an_absolute_one() -> None:
    # Only the server's clock says where now()-7d falls, so the server judges this range.
    assert date_range_query("now()-7d", "2000-01-01", now=NOW) == ("now()-7d", "2000-01-01")


def test_range_reads_the_clock_once_when_now_is_omitted() -> None:
    start, end = date_range_query("now", "now")
    assert start is not None
    assert end is not None
    assert start <= end


def test_range_errors_name_the_right_argument() -> None:
    with pytest.raises(ValueError, match=r"^to_date 'later' is not a date"):
        date_range_query("now()", "later", now=NOW)
    with pytest.raises(TypeError, match=r"^from_date must be"):
        date_range_query(7, None, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^to_date 'now\(\)-9999999999d' is out of range"):
        date_range_query(None, "now()-9999999999d", now=NOW)  # checked here even though it is sent as written


# --- properties ---------------------------------------------------------------------------------------------

# Fixed offsets cover every legal offset; zoneinfo zones add DST and historical oddities.
fixed_offsets = st.builds(
    timezone,
    st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)),
)
aware_datetimes = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2200, 12, 31),
    timezones=st.one_of(st.just(UTC), fixed_offsets, st.timezones()),
)


@PROPERTY
@given(aware_datetimes)
def test_property_format_round_trips_to_millisecond(moment: datetime) -> None:
    text = format_utc(moment)
    assert WIRE_FORMAT.match(text), text
    result = resolve(text)
    assert result.tzinfo is UTC
    utc = moment.astimezone(UTC)
    assert result == truncate_to_ms(utc)
    # The datetime itself resolves to the same instant at full precision. Compared with the UTC conversion
    # because PEP 495 makes == between zones False for wall times that a DST fold makes ambiguous.
    assert resolve(moment) == utc


@PROPERTY
@given(st.datetimes())
def test_property_format_of_naive_is_utc(moment: datetime) -> None:
    text = format_utc(moment)
    assert WIRE_FORMAT.match(text), text
    assert text == format_utc(moment.replace(tzinfo=UTC))
    assert resolve(text) == truncate_to_ms(moment.replace(tzinfo=UTC))


EXACT_UNITS: dict[str, timedelta] = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}

spaces = st.sampled_from(["", " ", "  ", "\t"])
signs = st.sampled_from(["+", "-"])
# Bounded so that even the longest expression stays centuries away from years 1 and 9999.
amounts = st.integers(min_value=0, max_value=1000)


def spell_amount(amount: int, zeros: int) -> str:
    return "0" * zeros + str(amount)


def spell_unit(unit: str, upper: bool) -> str:
    return unit.upper() if upper else unit


exact_terms = st.tuples(amounts, st.sampled_from(sorted(EXACT_UNITS)), st.integers(0, 2), st.booleans())
exact_groups = st.lists(
    st.tuples(spaces, signs, spaces, st.lists(exact_terms, min_size=1, max_size=3)),
    max_size=5,
)


@PROPERTY
@given(
    st.sampled_from(["now()", "now", "NOW()", "Now"]),
    exact_groups,
    spaces,
)
def test_property_exact_terms_sum(
    head: str,
    groups: list[tuple[str, str, str, list[tuple[int, str, int, bool]]]],
    trailing: str,
) -> None:
    text = (
        head
        + "".join(
            before
            + sign
            + after
            + "".join(spell_amount(amount, zeros) + spell_unit(unit, upper) for amount, unit, zeros, upper in terms)
            for before, sign, after, terms in groups
        )
        + trailing
    )
    total = sum(
        (
            (1 if sign == "+" else -1) * amount * EXACT_UNITS[unit]
            for _, sign, _, terms in groups
            for amount, unit, _, _ in terms
        ),
        timedelta(0),
    )
    result = resolve(text)
    assert result == NOW + total
    assert result.tzinfo is UTC


ALL_UNITS = ["s", "m", "h", "d", "w", "mo", "y"]


def step(amount: int, unit: str) -> timedelta | relativedelta:
    if unit == "mo":
        return relativedelta(months=amount)
    if unit == "y":
        return relativedelta(years=amount)
    return amount * EXACT_UNITS[unit]


# Start dates near month ends make clamping (Jan 31 + 1mo, Feb 29 - 1y) come up often.
calendar_nows = st.one_of(
    st.datetimes(min_value=datetime(1500, 1, 1), max_value=datetime(2500, 12, 31), timezones=st.just(UTC)),
    st.builds(
        lambda year, month, micro: datetime(year, month, 1, 12, 0, 0, micro, tzinfo=UTC) + relativedelta(day=31),
        st.integers(1800, 2300),
        st.integers(1, 12),
        st.integers(0, 999_999),
    ),
)


@PROPERTY
@given(
    calendar_nows,
    st.lists(st.tuples(signs, st.integers(0, 60), st.sampled_from(ALL_UNITS)), max_size=8),
)
def test_property_calendar_terms_apply_in_order(now: datetime, terms: list[tuple[str, int, str]]) -> None:
    text = "now()" + "".join(f"{sign}{amount}{unit}" for sign, amount, unit in terms)
    expected = reduce(
        lambda moment, term: moment + step(term[1], term[2]) if term[0] == "+" else moment - step(term[1], term[2]),
        terms,
        now,
    )
    assert resolve(text, now=now) == expected


@PROPERTY
@given(
    calendar_nows,
    st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["mo", "y"])), min_size=1, max_size=4),
    signs,
)
def test_property_one_group_equals_separate_groups(now: datetime, terms: list[tuple[int, str]], sign: str) -> None:
    together = "now()" + sign + "".join(f"{amount}{unit}" for amount, unit in terms)
    apart = "now()" + "".join(f"{sign}{amount}{unit}" for amount, unit in terms)
    assert resolve(together, now=now) == resolve(apart, now=now)


@PROPERTY
@given(st.timedeltas(min_value=timedelta(days=-365 * 100), max_value=timedelta(days=365 * 100)))
def test_property_timedelta_is_now_minus_delta(delta: timedelta) -> None:
    result = resolve(delta)
    assert result == NOW - delta
    assert result.tzinfo is UTC


@PROPERTY
@given(st.timedeltas())
def test_property_any_timedelta_resolves_or_is_value_error(delta: timedelta) -> None:
    try:
        result = resolve(delta)
    except ValueError as error:
        message = str(error)
    else:
        assert result == NOW - delta
        return
    assert "out of range" in message


@PROPERTY
@given(st.dates())
def test_property_date_start_and_end(day: date) -> None:
    start = resolve(day)
    end = resolve(day, end_of_day=True)
    assert start.date() == end.date() == day
    assert end - start == timedelta(hours=24, milliseconds=-1)
    assert resolve(day.isoformat(), end_of_day=True) == end


def assert_resolves_or_value_error(text: str) -> None:
    try:
        result = resolve(text)
    except ValueError as error:
        message = str(error)
    else:
        assert result.tzinfo is UTC
        assert WIRE_FORMAT.match(format_utc(result))
        return
    assert message.startswith(f"from_date {text!r} is ")
    assert message.endswith(ACCEPTED_FORMS)


@PROPERTY
@given(st.text())
def test_property_arbitrary_text_resolves_or_is_value_error(text: str) -> None:
    assert_resolves_or_value_error(text)


@PROPERTY
@given(
    st.one_of(
        st.text(alphabet="now()+-0123456789smhdwyMOT:.Z \t", max_size=30),
        st.from_regex(r"\s*now(\(\))?(\s*[+-]\s*([0-9]{1,30}(mo|[smhdwy]))+)*\s*", fullmatch=True),
        st.from_regex(
            r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}(:[0-9]{2}){0,2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?\s*",
            fullmatch=True,
        ),
    )
)
def test_property_grammar_like_text_resolves_or_is_value_error(text: str) -> None:
    assert_resolves_or_value_error(text)


range_bounds = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2050, 1, 1), timezones=st.just(UTC)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2050, 1, 1)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)),
    st.timedeltas(min_value=timedelta(days=-3650), max_value=timedelta(days=3650)),
    st.builds("now(){}{}{}".format, signs, st.integers(0, 100), st.sampled_from(ALL_UNITS)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)).map(date.isoformat),
)


@PROPERTY
@given(range_bounds, range_bounds)
def test_property_range_is_ordered_or_raises(from_date: DateInput | None, to_date: DateInput | None) -> None:
    try:
        start, end = date_range_query(from_date, to_date, now=NOW)
    except ValueError as error:
        message = str(error)
    else:
        assert (start is None) == (from_date is None)
        assert (end is None) == (to_date is None)
        if start is not None and end is not None:
            server_relative = [text.startswith("now()") for text in (start, end)]
            if server_relative[0] == server_relative[1]:
                assert resolve(start) <= resolve_date(end, argument="to_date", now=NOW, end_of_day=True)
        for value, text in ((from_date, start), (to_date, end)):
            if isinstance(value, str) and not value.endswith(("mo", "y")):
                assert text == value  # a form the API documents: ISO dates and now() with s/m/h/d/w
            elif text is not None:
                assert WIRE_FORMAT.match(text)
        return
    assert from_date is not None
    assert to_date is not None
    assert f"from_date {from_date!r}" in message
    assert f"the end of the range, {to_date!r}" in message
    assert resolve(from_date) > resolve_date(to_date, argument="to_date", now=NOW, end_of_day=True)
