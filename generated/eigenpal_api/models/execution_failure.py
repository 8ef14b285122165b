from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, format_timestamp, parse_timestamp, subscript_error

T = TypeVar("T", bound="ExecutionFailure")


@_attrs_define
class ExecutionFailure:
    """A structured failure of an execution."""

    phase: str | None = None
    """ The phase it failed in. """
    code: str | None = None
    """ Machine-readable failure code. """
    category: str | None = None
    """ `input`, `source`, `environment`, `runtime`, `output`, `finalization` or `system` (an open string). """
    provider: str | None = None
    """ The outside provider involved, when one was. """
    retryable: bool | None = None
    """ Whether running it again may succeed. """
    user_message: str | None = None
    """ What went wrong, for a person. """
    occurred_at: datetime.datetime | None = None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """
    request_id: str | None = _attrs_field(init=False, default=None, repr=False, eq=False)
    """ The `x-request-id` of the answer this model was read from (a page's items share the page's), to quote
    when asking EigenPal about it; None for a model built in code, read with from_dict, or nested in another. """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """
        phase = self.phase

        code = self.code

        category = self.category

        provider = self.provider

        retryable = self.retryable

        user_message = self.user_message

        occurred_at: str | None = None if self.occurred_at is None else format_timestamp(self.occurred_at)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if phase is not UNSET:
            field_dict["phase"] = phase
        if code is not UNSET:
            field_dict["code"] = code
        if category is not UNSET:
            field_dict["category"] = category
        if provider is not UNSET:
            field_dict["provider"] = provider
        if retryable is not UNSET:
            field_dict["retryable"] = retryable
        if user_message is not UNSET:
            field_dict["userMessage"] = user_message
        if occurred_at is not UNSET:
            field_dict["occurredAt"] = occurred_at

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ExecutionFailure is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        phase = d.pop("phase", UNSET)

        code = d.pop("code", UNSET)

        category = d.pop("category", UNSET)

        provider = d.pop("provider", UNSET)

        retryable = d.pop("retryable", UNSET)

        user_message = d.pop("userMessage", UNSET)

        occurred_at = parse_timestamp(d.pop("occurredAt", None))

        execution_failure = cls(
            phase=phase,
            code=code,
            category=category,
            provider=provider,
            retryable=retryable,
            user_message=user_message,
            occurred_at=occurred_at,
        )

        execution_failure.additional_properties = d
        execution_failure.raw = src_dict
        return execution_failure

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
