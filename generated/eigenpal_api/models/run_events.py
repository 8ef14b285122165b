from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import subscript_error

if TYPE_CHECKING:
    from ..models.run_event import RunEvent


T = TypeVar("T", bound="RunEvents")


@_attrs_define
class RunEvents(Sequence["RunEvent"]):
    """A run's events, oldest first (the published document calls it `RunEventsResponse`)."""

    events: list[RunEvent]
    """ The events. """
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
        events = []
        for events_item_data in self.events:
            events_item = events_item_data.to_dict()
            events.append(events_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "events": events,
            }
        )

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_event import RunEvent  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunEvents is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = RunEvent.from_dict(events_item_data)

            events.append(events_item)

        run_events = cls(
            events=events,
        )

        run_events.additional_properties = d
        run_events.raw = src_dict
        return run_events

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    def __iter__(self) -> Iterator[RunEvent]:
        """The items of this page (``.events``), in order; no further page is fetched."""
        return iter(self.events)

    def __len__(self) -> int:
        """How many items this page holds (``total`` counts every page)."""
        return len(self.events)

    @overload
    def __getitem__(self, index: int) -> RunEvent: ...

    @overload
    def __getitem__(self, index: slice) -> list[RunEvent]: ...

    def __getitem__(self, index: int | slice) -> RunEvent | list[RunEvent]:
        """The item at ``index`` (or a list of them for a slice); a field name raises ``TypeError``."""
        if not isinstance(index, int | slice):
            raise subscript_error(self, index, sequence_of="events")
        return self.events[index]
