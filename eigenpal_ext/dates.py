"""Date handling for the executions list's ``fromDate``/``toDate`` query parameters.

This module owns turning the user's ``from_date``/``to_date`` values into what goes on the wire. It is
public (``from eigenpal_ext.dates import resolve_date``) because two sides read the same grammar: the
client, checking arguments before it sends them, and the local server (``eigenpal_ext.testing``), reading
the ``fromDate``/``toDate`` it receives; neither reaches into the other's private modules. Everything
here is a pure function: no I/O, and the clock is read only as the default of the ``now`` parameter, so
callers and tests can pin "now" explicitly.

Accepted inputs (see :data:`DateInput`):

- ``datetime``: aware values are converted to UTC; naive values are taken to be UTC already.
- ``date``: midnight UTC that day, or 23:59:59.999 UTC when it is an inclusive upper bound.
- ``timedelta``: that long before now (``timedelta(days=7)`` means a week ago).
- ``str``: a well-formed ISO-8601 timestamp or date (naive means UTC), or a relative expression such as
  ``'now()-7d'``, ``'now-1d12h'`` or ``'now() + 1h'``.

What is sent (:func:`date_range_query`): a string in a form the API itself documents is sent as written,
so the server's clock and parser decide: a well-formed ISO-8601 string, ``now()``, or ``now()`` followed
by one signed count and unit (``now()-7d``; units s, m, h, d, w). Everything else (``datetime``, ``date``,
``timedelta`` and this client's extended grammar: calendar units ``mo``/``y``, compound terms, ``now``
without parentheses, spaces, other letter case) is resolved here to ISO-8601 UTC with milliseconds
(``'2026-11-27T03:13:04.123Z'``). Every value is checked here either way, so a typo fails before any
request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias

from dateutil.relativedelta import relativedelta

from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError

__all__ = ["DateInput", "date_range_query", "format_utc", "resolve_date"]

DateInput: TypeAlias = datetime | date | timedelta | str

_ACCEPTED_FORMS = (
    "use a datetime, date or timedelta, an ISO-8601 string ('2026-11-27T10:00:00Z', '2026-11-27'), "
    "or a relative expression ('now()', 'now()-7d', 'now()-1d12h', 'now()+1h'; units s m h d w mo y)"
)

# The API's precision is milliseconds, so the day's last instant it can express is .999; stopping there rather
# than at .999999 keeps the resolved datetime identical to the bound actually sent.
_END_OF_DAY = time(23, 59, 59, 999_000)

# Relative-expression grammar (case-insensitive, ASCII only):
#     expression := "now" ["()"] { [space] sign [space] term {term} } [space]
#     sign       := "+" | "-"
#     term       := digits unit          -- no spaces inside a term or between the terms of one group
#     unit       := "mo" | "s" | "m" | "h" | "d" | "w" | "y"
# "mo" is listed before the one-letter units so that "1mo" is months, never minutes followed by junk.
# re.ASCII matters: without it IGNORECASE lets e.g. U+017F LATIN SMALL LETTER LONG S match "s", and \d
# would accept non-ASCII digits.
_UNIT = r"(?:mo|[smhdwy])"
_RELATIVE = re.compile(
    rf"now(?:\(\))?(?P<offsets>(?:\s*[+-]\s*(?:[0-9]+{_UNIT})+)*)\s*",
    re.IGNORECASE | re.ASCII,
)
# The relative forms the API documents, sent verbatim: `now()` or `now()` plus one signed count and unit.
_API_RELATIVE = re.compile(r"now\(\)(?:[+-][0-9]+[smhdw])?", re.ASCII)

# Well-formed ISO-8601, extended (2026-11-27T10:00:00.123+01:00) or basic (20261127T100000Z) format: a date,
# optionally a time (hours, minutes, seconds, fraction) and a UTC offset. fromisoformat alone is not the
# judge: date.fromisoformat reads '20261127xx' and '2026112799' as 2026-11-27 by position. The values
# (month 13, hour 24, ...) are then checked by fromisoformat.
_ISO_TIME_EXTENDED = r"[0-9]{2}(?::[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?)?(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
_ISO_TIME_BASIC = r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[.,][0-9]+)?)?)?(?:[Zz]|[+-][0-9]{2}(?:[0-9]{2})?)?"
_ISO_EXTENDED = rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}(?:[Tt ]{_ISO_TIME_EXTENDED})?"
_ISO_BASIC = rf"[0-9]{{8}}(?:[Tt]{_ISO_TIME_BASIC})?"
_ISO_8601 = re.compile(f"{_ISO_EXTENDED}|{_ISO_BASIC}", re.ASCII)

# Tokenizes the already-validated offsets part: a sign switches the direction for the terms after it.
_OFFSET_TOKEN = re.compile(rf"(?P<sign>[+-])|(?P<amount>[0-9]+)(?P<unit>{_UNIT})", re.IGNORECASE | re.ASCII)

# Weeks and shorter are exact durations; months and years are calendar steps (clamped to the month's end),
# which is what people mean by "a month ago" on March 31st.
_UNIT_STEPS: dict[str, Callable[[int], timedelta | relativedelta]] = {
    "s": lambda n: timedelta(seconds=n),
    "m": lambda n: timedelta(minutes=n),
    "h": lambda n: timedelta(hours=n),
    "d": lambda n: timedelta(days=n),
    "w": lambda n: timedelta(weeks=n),
    "mo": lambda n: relativedelta(months=n),
    "y": lambda n: relativedelta(years=n),
}


def format_utc(moment: datetime) -> str:
    """Format a moment as ISO-8601 UTC with milliseconds and ``Z``, e.g. ``'2026-11-27T03:13:04.123Z'``.

    Sub-millisecond digits are truncated (floored), never rounded up, so a bound never moves later than the
    instant it stands for.

    Args:
        moment: The moment; a naive one is taken to be UTC.

    Returns:
        The ISO-8601 text.

    Raises:
        ValueError: An aware ``moment`` falls outside years 1-9999 once converted to UTC.
    """
    try:
        utc = _to_utc(moment)
    except OverflowError:
        raise ValueError(f"{moment!r} cannot be expressed in UTC: it falls outside years 1-9999") from None
    # Built by hand rather than with strftime, whose %Y does not zero-pad years below 1000 on glibc.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def resolve_date(
    value: DateInput,
    *,
    argument: str,
    now: datetime | None = None,
    end_of_day: bool = False,
) -> datetime:
    """Resolve one ``from_date``/``to_date`` value to an aware UTC datetime.

    Naive datetimes (objects or strings) are taken to be UTC.

    Example:
        ```python
        from datetime import UTC, datetime, timedelta

        from eigenpal_ext.dates import resolve_date

        now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        print(resolve_date("now-7d", argument="from_date", now=now))
        print(resolve_date(timedelta(hours=1), argument="from_date", now=now))
        print(resolve_date("2026-11-27", argument="to_date", end_of_day=True))
        ```

    Args:
        value: A datetime, a date, a timedelta (now minus it), an ISO-8601 string, or a relative expression
            such as ``now-7d`` or ``now()-7d``.
        argument: The parameter name used in error messages (``'from_date'`` or ``'to_date'``).
        now: The moment timedeltas and relative expressions count from (default: the current time, read once;
            a naive ``now`` is taken to be UTC).
        end_of_day: For a bare date only (a ``date`` or a date-only string such as ``'2026-11-27'``): False gives
            00:00:00.000 UTC that day, True gives 23:59:59.999 UTC, so an inclusive upper bound covers the day.

    Returns:
        An aware datetime in UTC.

    Raises:
        ArgumentTypeError: ``value`` is of an unsupported type (bool and int included); names ``argument``.
        ArgumentValueError: A string that is not a date or a relative expression, or a result outside years
            1-9999.
    """
    try:
        if isinstance(value, datetime):  # before date: datetime is a subclass of date
            return _to_utc(value)
        if isinstance(value, date):
            return _bare_date(value, end_of_day=end_of_day)
        if isinstance(value, timedelta):
            return _now_utc(now) - value
        if isinstance(value, str):
            return _parse_text(value, argument=argument, now=now, end_of_day=end_of_day)
    except OverflowError:
        raise ArgumentValueError(argument, f"{value!r} is out of range (years 1-9999): {_ACCEPTED_FORMS}") from None
    raise ArgumentTypeError(
        argument, f"must be a datetime, date, timedelta or str, not {type(value).__qualname__}: {_ACCEPTED_FORMS}"
    )


def date_range_query(
    from_date: DateInput | None,
    to_date: DateInput | None,
    *,
    now: datetime | None = None,
) -> tuple[str | None, str | None]:
    """The ``fromDate``/``toDate`` query values for ``from_date``/``to_date``.

    A string in a form the API documents (well-formed ISO-8601, ``now()``, ``now()-7d``) is checked and sent
    as written (surrounding whitespace removed). Any other value is resolved against one ``now`` and
    formatted with ``format_utc``. A relative expression sent as written is not compared with an absolute
    bound, since only the server's clock says where it falls.

    Args:
        from_date: The lower bound (any form ``resolve_date`` takes), or None.
        to_date: The upper bound, inclusive: a bare ``date`` means the end of that day, and a resolved instant
            is rounded *up* to the millisecond, so ``to_date=datetime.now(UTC)`` includes an execution created
            in that same millisecond. Or None.
        now: The moment both bounds count from (default: the current time, read once for both).

    Returns:
        The two query values; None stays None.

    Raises:
        ArgumentValueError: A value is not a date, or ``from_date`` is later than ``to_date`` (showing both)
            where the two can be compared here: both absolute on the wire, or both relative expressions left
            to the server (the same clock reads them).
    """
    # One clock read for both bounds, so 'now-1h'..'now' cannot straddle a tick.
    anchor = _now_utc(now)
    start = None if from_date is None else _bound(from_date, argument="from_date", now=anchor, end_of_day=False)
    end = None if to_date is None else _bound(to_date, argument="to_date", now=anchor, end_of_day=True)
    if start is not None and end is not None and start.relative == end.relative and start.moment > end.moment:
        raise ArgumentValueError(
            "from_date",
            f"{from_date!r} ({format_utc(start.moment)}) is later than the end of the range, {to_date!r} "
            f"({format_utc(end.moment)}): the range must not end before it starts",
        )
    return (None if start is None else start.wire), (None if end is None else end.wire)


@dataclass(frozen=True)
class _Bound:
    wire: str  # what is sent
    moment: datetime  # what it means on this client's clock, at millisecond precision
    relative: bool  # True for a relative expression sent as written (the server's clock resolves it)


def _bound(value: DateInput, *, argument: str, now: datetime, end_of_day: bool) -> _Bound:
    moment = resolve_date(value, argument=argument, now=now, end_of_day=end_of_day)
    if isinstance(value, str):
        text = value.strip()
        if _API_RELATIVE.fullmatch(text):
            return _Bound(text, _truncate_to_ms(moment), relative=True)
        if _ISO_8601.fullmatch(text):
            return _Bound(text, _truncate_to_ms(moment), relative=False)
    # Resolved here, so absolute on the wire. An inclusive upper bound is rounded up to the millisecond.
    if end_of_day:
        moment = _ceil_to_ms(moment)
    return _Bound(format_utc(moment), _truncate_to_ms(moment), relative=False)


def _to_utc(moment: datetime) -> datetime:
    # utcoffset() is None for some tzinfo objects; Python treats those datetimes as naive, and so do we.
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _now_utc(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else _to_utc(now)


def _bare_date(day: date, *, end_of_day: bool) -> datetime:
    return datetime.combine(day, _END_OF_DAY if end_of_day else time.min, tzinfo=UTC)


def _truncate_to_ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _ceil_to_ms(moment: datetime) -> datetime:
    if moment.microsecond % 1000 == 0:
        return moment
    try:
        return _truncate_to_ms(moment) + timedelta(milliseconds=1)
    except OverflowError:  # the very last representable instant: nothing later exists to include
        return moment


def _parse_text(value: str, *, argument: str, now: datetime | None, end_of_day: bool) -> datetime:
    text = value.strip()
    relative = _RELATIVE.fullmatch(text)
    if relative is not None:
        return _apply_offsets(_now_utc(now), relative["offsets"])
    if not _ISO_8601.fullmatch(text):
        raise ArgumentValueError(argument, f"{value!r} is not a date: {_ACCEPTED_FORMS}")
    # date.fromisoformat accepts only date-only forms; trying it first is how a bare day is told apart from
    # a timestamp that happens to be at midnight.
    try:
        return _bare_date(date.fromisoformat(text), end_of_day=end_of_day)
    except ValueError:
        pass
    try:
        return _to_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    raise ArgumentValueError(argument, f"{value!r} is not a date: {_ACCEPTED_FORMS}")


def _apply_offsets(anchor: datetime, offsets: str) -> datetime:
    result = anchor
    direction = 1
    for token in _OFFSET_TOKEN.finditer(offsets):
        if token["sign"] is not None:
            direction = -1 if token["sign"] == "-" else 1
            continue
        try:
            amount = int(token["amount"])
        except ValueError:  # more digits than int() will convert: certainly out of range
            raise OverflowError(token["amount"]) from None
        # Terms are applied one at a time, left to right, because calendar steps do not commute:
        # from March 31, '-1mo-1mo' clamps to Feb 28 then gives Jan 28, not Jan 31.
        try:
            step = _UNIT_STEPS[token["unit"].lower()](amount)
            result = result + step if direction > 0 else result - step
        except ValueError as exc:  # relativedelta reports an out-of-range year as ValueError
            raise OverflowError(str(exc)) from None
    return result
