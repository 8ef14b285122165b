from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_timestamp

T = TypeVar("T", bound="ExecutionPhase")


@_attrs_define
class ExecutionPhase:
    """One phase of an execution's timeline."""

    execution_id: str | None = None
    """ The execution. """
    phase: str | None = None
    """ The phase: `queued`, `starting`, `preparing_inputs`, `preparing_environment`, `installing_dependencies`,
    `running`, `collecting_outputs` or `finalizing` (an open string). """
    phase_order: int | None = None
    """ Position of the phase in the timeline, from 0. """
    status: str | None = None
    """ The phase's status: `pending`, `running`, `completed`, `failed`, `skipped` or `cancelled` (an open string).
    """
    started_at: datetime.datetime | None = None
    """ When the phase started. """
    completed_at: datetime.datetime | None = None
    """ When the phase ended. """
    message: None | str = None
    """ A note about the phase. """
    failure_code: None | str = None
    """ The failure's code, on the phase it failed in. """
    duration_ms: float | None = None
    """ How long the phase took, in milliseconds. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """

    def to_dict(self) -> dict[str, Any]:
        execution_id = self.execution_id

        phase = self.phase

        phase_order = self.phase_order

        status = self.status

        started_at: str | None = None if self.started_at is None else self.started_at.isoformat()

        completed_at: str | None = None if self.completed_at is None else self.completed_at.isoformat()

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        failure_code: None | str | Unset
        if isinstance(self.failure_code, Unset):
            failure_code = UNSET
        else:
            failure_code = self.failure_code

        duration_ms: float | None | Unset
        if isinstance(self.duration_ms, Unset):
            duration_ms = UNSET
        else:
            duration_ms = self.duration_ms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if execution_id is not UNSET:
            field_dict["executionId"] = execution_id
        if phase is not UNSET:
            field_dict["phase"] = phase
        if phase_order is not UNSET:
            field_dict["phaseOrder"] = phase_order
        if status is not UNSET:
            field_dict["status"] = status
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if message is not UNSET:
            field_dict["message"] = message
        if failure_code is not UNSET:
            field_dict["failureCode"] = failure_code
        if duration_ms is not UNSET:
            field_dict["durationMs"] = duration_ms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ExecutionPhase is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        execution_id = d.pop("executionId", UNSET)

        phase = d.pop("phase", UNSET)

        phase_order = d.pop("phaseOrder", UNSET)

        status = d.pop("status", UNSET)

        started_at = parse_timestamp(d.pop("startedAt", None))

        completed_at = parse_timestamp(d.pop("completedAt", None))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        def _parse_failure_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_code = _parse_failure_code(d.pop("failureCode", UNSET))

        def _parse_duration_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_ms = _parse_duration_ms(d.pop("durationMs", UNSET))

        execution_phase = cls(
            execution_id=execution_id,
            phase=phase,
            phase_order=phase_order,
            status=status,
            started_at=started_at,
            completed_at=completed_at,
            message=message,
            failure_code=failure_code,
            duration_ms=duration_ms,
        )

        execution_phase.additional_properties = d
        execution_phase.raw = src_dict
        return execution_phase

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
