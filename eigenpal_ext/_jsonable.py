"""Plain JSON data from models and results: what ``ExecutionResult.to_dict()`` and ``eigenpal --json`` print.

``to_jsonable`` turns a value into dicts, lists, strings, numbers, booleans and None that ``json.dumps``
accepts as they are:

- timestamps become ISO-8601 in UTC with a ``Z`` suffix (``2026-11-27T03:40:01.250000Z``), the form the
  CLI's text output uses; a naive datetime is taken as UTC, as the API's timestamps always are;
- enums become their values (an ``ExecutionStatus`` this client does not know keeps the server's string);
- a model (anything with ``to_dict()``, such as the generated ``eigenpal_api`` models) becomes its
  ``to_dict()``, under the API's own key names and with every field the server sent that this client does
  not know (``additional_properties``) kept, and its timestamps rewritten as above, nested models included;
- an unset optional field becomes None, a path its string.

It relies on nothing model-specific beyond ``to_dict()`` and attrs fields, so it works for any model the
generator produces and for views that wrap them.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import attrs
from eigenpal_api.types import Unset

__all__ = ["iso_z", "to_jsonable"]

_SCALARS = (str, int, float, bool)


def iso_z(moment: datetime.datetime) -> str:
    """``moment`` in UTC as ISO-8601 with a ``Z`` suffix; microseconds are kept when there are any."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.replace(tzinfo=None).isoformat() + "Z"


def to_jsonable(value: Any) -> Any:  # noqa: PLR0911 - one case a kind of value
    """``value`` as plain JSON data (see the module docstring); raises TypeError for anything else."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, datetime.datetime):
        return iso_z(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Unset):
        return None
    if callable(getattr(value, "to_dict", None)):
        return _model_to_jsonable(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _model_to_jsonable(model: Any) -> dict[str, Any]:
    """``model.to_dict()``, with each attrs field that holds a timestamp or a model re-rendered here."""
    data: dict[str, Any] = to_jsonable(model.to_dict())
    if not attrs.has(type(model)):
        return data
    for field in attrs.fields(type(model)):
        value = getattr(model, field.name)
        if not _needs_rerender(value):
            continue
        key = _json_key(field.name, data)
        if key is not None:
            data[key] = to_jsonable(value)
    return data


def _needs_rerender(value: Any) -> bool:
    """True for what ``to_dict()`` renders differently from ``to_jsonable``: timestamps, and models holding them."""
    if isinstance(value, datetime.datetime):
        return True
    if isinstance(value, list | tuple):
        return any(_needs_rerender(item) for item in value)
    return attrs.has(type(value)) and callable(getattr(value, "to_dict", None))


def _json_key(field_name: str, data: Mapping[str, Any]) -> str | None:
    """The key ``to_dict()`` used for the attrs field ``field_name`` (``created_at`` → ``createdAt``)."""
    head, *rest = field_name.split("_")
    camel = head + "".join(part[:1].upper() + part[1:] for part in rest)
    for candidate in (camel, field_name):
        if candidate in data:
            return candidate
    # Names the generator had to change (a leading digit, a keyword...): compare letters and digits only.
    wanted = field_name.replace("_", "").lower()
    return next((key for key in data if key.replace("_", "").replace("-", "").lower() == wanted), None)
