"""Plain JSON data from models and results: what ``ExecutionResult.to_dict()`` and ``eigenpal --json`` print.

``to_jsonable`` turns a value into dicts, lists, strings, numbers, booleans and None that ``json.dumps``
accepts as they are:

- timestamps become ISO-8601 in UTC with a ``Z`` suffix (``2026-11-27T03:40:01.250000Z``), the form the
  CLI's text output uses; a naive datetime is taken as UTC, as the API's timestamps always are;
- enums become their values (an ``ExecutionStatus`` this client does not know keeps the server's string);
- a model (anything with ``to_dict()``, such as the generated ``eigenpal_api`` models) becomes its
  ``to_dict()``, under the API's own key names and with every field the server sent that this client does
  not know (``additional_properties``) kept; the models write timestamps in the same form
  (``eigenpal_api.types.format_timestamp``, which ``iso_z`` is);
- an unset optional field becomes None, a path its string.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from eigenpal_api.types import Unset
from eigenpal_api.types import format_timestamp as iso_z

__all__ = ["iso_z", "to_jsonable"]

_SCALARS = (str, int, float, bool)


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
        return to_jsonable(value.to_dict())
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
