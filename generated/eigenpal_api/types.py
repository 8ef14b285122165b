"""Shared types of the generated models and operations, and the one lenient reader they use.

``Unset`` / ``UNSET``: an optional field the server left out reads as ``None``, exactly like one it sent
as ``null``, so every optional field of a model is typed ``X | None`` (no sentinel to import or narrow,
no ``<Unset object>`` in a repr). ``Unset`` is kept as a name (an alias of ``NoneType``) so that
``isinstance(value, Unset)`` in the generated code and in older user code still works. For request
models, ``None`` means "leave the field out of the body"; the API gives an omitted field and a ``null``
one the same meaning everywhere this contract sends one.

``parse_timestamp``: how every timestamp field is read (see its docstring); ``format_timestamp``: how
``to_dict()`` writes one back (ISO-8601 UTC with ``Z``, the one form everywhere).

``remember_request_id``: how an answer's ``x-request-id`` reaches the models read from it.
``subscript_error``: the ``TypeError`` subscripting a model raises (models are not mappings).
"""

import datetime
import email.utils
import math
import re
from collections.abc import Mapping, MutableMapping, Sequence
from http import HTTPStatus
from types import NoneType
from typing import IO, BinaryIO, Final, Generic, Protocol, TypeVar, runtime_checkable

from attrs import define

Unset = NoneType  # type: ignore[nonetype-type]  # mypy reads `X | Unset` as `X | None`, which is the point
UNSET: Final = None

# Epoch numbers at or above this are milliseconds (1e11 s is the year 5138; 1e11 ms is March 1973).
_EPOCH_MILLISECONDS_FROM = 1e11


def parse_timestamp(value: object) -> datetime.datetime | None:
    """An aware ``datetime`` for a timestamp as the server sent it, or ``None``; never raises.

    The API types its timestamps as plain strings, usually ISO-8601. Read here: ISO-8601 (``Z`` or an
    offset; a value without one is UTC), RFC 1123 / HTTP-date (``Sat, 09 May 2026 10:00:00 GMT``) and
    epoch numbers (seconds, or milliseconds from 1e11 up). Anything else (``null``, an empty string,
    other text, a boolean) gives ``None``; the value as sent stays in the model's ``raw``.
    """
    try:
        if isinstance(value, str):
            return _parse_text(value)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            seconds = value / 1000 if abs(value) >= _EPOCH_MILLISECONDS_FROM else value
            return datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    except (ValueError, OverflowError, OSError, TypeError, IndexError):
        return None
    return None


def _parse_text(text: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(text)  # the common case: fast, handles `Z` since 3.11
    except ValueError:
        moment = email.utils.parsedate_to_datetime(text)  # RFC 1123 and the other RFC 5322 forms
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment


def format_timestamp(moment: datetime.datetime) -> str:
    """``moment`` as ISO-8601 in UTC with a ``Z`` suffix (``2026-11-27T03:40:01.250000Z``), as ``to_dict()`` writes it.

    Microseconds are written when there are any. A naive ``datetime`` (one built in code) is taken as UTC,
    as the API's timestamps always are.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.replace(tzinfo=None).isoformat() + "Z"


@runtime_checkable
class _Answered(Protocol):
    request_id: str | None


def remember_request_id(parsed: object, request_id: str | None) -> None:
    """Record ``request_id`` (the ``x-request-id`` header of an answer) on the model read from that answer.

    A page's items (and the items of any other answer that is a sequence) get it too: each came from that
    answer. A model whose ``request_id`` is already set (an error envelope carries its own) keeps it.
    """
    if not request_id:
        return
    items = parsed if isinstance(parsed, Sequence) and not isinstance(parsed, str | bytes) else ()
    for model in (parsed, *items):
        if isinstance(model, _Answered) and model.request_id is None:
            model.request_id = request_id


_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def subscript_error(model: object, key: object, *, sequence_of: str | None = None) -> TypeError:
    """The ``TypeError`` for ``model[key]``: models are read by attribute; they are not mappings.

    (The generator's models let ``model[key]`` read only the fields it did not know, so
    ``execution["status"]`` raised ``KeyError`` for a field the answer did have.) The message says where the
    value is instead. ``sequence_of`` names the field holding a page's items: a page is a sequence of them.
    """
    name = type(model).__name__
    unknown = getattr(model, "additional_properties", {})
    if isinstance(key, str) and key in unknown:
        hint = f"{key!r} is a field this client does not know: read it as .additional_properties[{key!r}]"
    elif isinstance(key, str):
        hint = f"read fields as attributes, in snake_case ({key!r} is .{_CAMEL_HUMP.sub('_', key).lower()})"
    else:
        hint = "read fields as attributes"
    if sequence_of is not None:
        what = f"a sequence of its items (.{sequence_of}), indexed by position, not a mapping"
    elif isinstance(key, str):
        what = "not a mapping"
    else:
        what = "neither a sequence nor a mapping (nor iterable)"
    return TypeError(f"{name}[{key!r}]: {name} is {what}; {hint}; the JSON as received is .raw, plain JSON .to_dict()")


# The types that `httpx.Client(files=)` can accept.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "format_timestamp",
    "parse_timestamp",
    "remember_request_id",
    "subscript_error",
]
