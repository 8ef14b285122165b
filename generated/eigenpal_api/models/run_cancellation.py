from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.execution_status import ExecutionStatus
from ..models.run_cancellation_state import RunCancellationState
from ..types import UNSET

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

    def to_dict(self) -> dict[str, Any]:
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
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
