from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

if TYPE_CHECKING:
    from ..models.run_event_metadata import RunEventMetadata


T = TypeVar("T", bound="RunEvent")


@_attrs_define
class RunEvent:
    """One event in a run's lifecycle."""

    type_: str
    """ What happened (an open string). """
    timestamp: datetime.datetime | None = None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
    status: None | str = None
    """ The run's status after the event, when the event changed it. """
    message: None | str = None
    """ A human-readable note. """
    metadata: RunEventMetadata | None = None
    """ More about the event, as sent. """
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
        type_ = self.type_

        timestamp: str | None = None if self.timestamp is None else format_timestamp(self.timestamp)

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if status is not UNSET:
            field_dict["status"] = status
        if message is not UNSET:
            field_dict["message"] = message
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_event_metadata import RunEventMetadata  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunEvent is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        type_ = d.pop("type")

        timestamp = parse_timestamp(d.pop("timestamp", None))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: RunEventMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = RunEventMetadata.from_dict(_metadata)

        run_event = cls(
            type_=type_,
            timestamp=timestamp,
            status=status,
            message=message,
            metadata=metadata,
        )

        run_event.additional_properties = d
        run_event.raw = src_dict
        return run_event

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
