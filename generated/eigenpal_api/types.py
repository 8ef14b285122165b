"""Shared types of the generated models and operations, and the one lenient reader they use.

``Unset`` / ``UNSET``: an optional field the server left out reads as ``None``, exactly like one it sent
as ``null``, so every optional field of a model is typed ``X | None`` (no sentinel to import or narrow,
no ``<Unset object>`` in a repr). ``Unset`` is kept as a name (an alias of ``NoneType``) so that
``isinstance(value, Unset)`` in the generated code and in older user code still works. For request
models, ``None`` means "leave the field out of the body"; the API gives an omitted field and a ``null``
one the same meaning everywhere this contract sends one.

``parse_timestamp``: how every timestamp field is read (see its docstring).
"""

import datetime
import email.utils
import math
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from types import NoneType
from typing import IO, BinaryIO, Final, Generic, TypeVar

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


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset", "parse_timestamp"]
