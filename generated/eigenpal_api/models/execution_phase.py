from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

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
    request_id: str | None = _attrs_field(init=False, default=None, repr=False, eq=False)
    """ The `x-request-id` of the answer this model was read from (a page's items share the page's), to quote
    when asking EigenPal about it; None for a model built in code, read with from_dict, or nested in another. """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """
        execution_id = self.execution_id

        phase = self.phase

        phase_order = self.phase_order

        status = self.status

        started_at: str | None = None if self.started_at is None else format_timestamp(self.started_at)

        completed_at: str | None = None if self.completed_at is None else format_timestamp(self.completed_at)

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

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

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
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
