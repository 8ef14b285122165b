from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

T = TypeVar("T", bound="RunTiming")


@_attrs_define
class RunTiming:
    """When the run was created, started, ended and asked to stop."""

    created_at: datetime.datetime | None = None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
    started_at: datetime.datetime | None = None
    """ When a worker started it; null before. """
    completed_at: datetime.datetime | None = None
    """ When it reached a terminal status; null before. """
    duration_ms: float | None = None
    """ How long it ran, in milliseconds; null while it runs. """
    cancel_requested_at: datetime.datetime | None = None
    """ When a cancel was requested; the status may stay `running` until the worker stops. """
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
        created_at: str | None = None if self.created_at is None else format_timestamp(self.created_at)

        started_at: str | None = None if self.started_at is None else format_timestamp(self.started_at)

        completed_at: str | None = None if self.completed_at is None else format_timestamp(self.completed_at)

        duration_ms: float | None | Unset
        if isinstance(self.duration_ms, Unset):
            duration_ms = UNSET
        else:
            duration_ms = self.duration_ms

        cancel_requested_at: str | None = (
            None if self.cancel_requested_at is None else format_timestamp(self.cancel_requested_at)
        )

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if duration_ms is not UNSET:
            field_dict["durationMs"] = duration_ms
        if cancel_requested_at is not UNSET:
            field_dict["cancelRequestedAt"] = cancel_requested_at

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunTiming is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        created_at = parse_timestamp(d.pop("createdAt", None))

        started_at = parse_timestamp(d.pop("startedAt", None))

        completed_at = parse_timestamp(d.pop("completedAt", None))

        def _parse_duration_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_ms = _parse_duration_ms(d.pop("durationMs", UNSET))

        cancel_requested_at = parse_timestamp(d.pop("cancelRequestedAt", None))

        run_timing = cls(
            created_at=created_at,
            started_at=started_at,
            completed_at=completed_at,
            duration_ms=duration_ms,
            cancel_requested_at=cancel_requested_at,
        )

        run_timing.additional_properties = d
        run_timing.raw = src_dict
        return run_timing

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
