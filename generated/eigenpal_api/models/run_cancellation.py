from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.execution_status import ExecutionStatus
from ..models.run_cancellation_state import RunCancellationState
from ..types import UNSET, subscript_error

T = TypeVar("T", bound="RunCancellation")


@_attrs_define
class RunCancellation:
    """The outcome of a cancel request."""

    state: RunCancellationState | None = None
    """ A cancellation state as a response carries it: one of `RunCancellationState`, or a value added later.
    Decision: any string is accepted, so a new outcome does not make a successful cancel unreadable. """
    was_status: ExecutionStatus | None = None
    """ An execution status as a response carries it: one of `ExecutionStatus`, or a value added later. Decision:
    any string is accepted, because the server may add a status (say `expired`) before clients are regenerated;
    clients treat an unknown status as non-terminal unless the execution also carries `completedAt`. """
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
        state: str | None = None if self.state is None else self.state.value

        was_status: str | None = None if self.was_status is None else self.was_status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if state is not UNSET:
            field_dict["state"] = state
        if was_status is not UNSET:
            field_dict["wasStatus"] = was_status

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunCancellation is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        _state = d.pop("state", None)
        state = RunCancellationState(_state) if isinstance(_state, str) else None

        _was_status = d.pop("wasStatus", None)
        was_status = ExecutionStatus(_was_status) if isinstance(_was_status, str) else None

        run_cancellation = cls(
            state=state,
            was_status=was_status,
        )

        run_cancellation.additional_properties = d
        run_cancellation.raw = src_dict
        return run_cancellation

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
