from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cancel_outcome import CancelOutcome
from ..models.execution_status import ExecutionStatus

T = TypeVar("T", bound="CancelWorkflowExecutionResponse")


@_attrs_define
class CancelWorkflowExecutionResponse:
    """Outcome of a cancel request."""

    execution_id: str
    """ Execution id. """
    status: CancelOutcome
    """ What a cancel request did: `cancelled` (the execution changed state), `cancellation-requested` (the worker
    will stop it at its next checkpoint) or `already-terminal` (nothing done). """
    was_status: ExecutionStatus
    """ Lifecycle status of an execution: created → pending → running → (waiting) → finalizing → completed, or
    failed / cancelled / rejected. Terminal: completed, failed, cancelled, rejected. Clients must accept values not
    listed here (treat them as non-terminal). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        execution_id = self.execution_id

        status = self.status.value

        was_status = self.was_status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "executionId": execution_id,
                "status": status,
                "wasStatus": was_status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        execution_id = d.pop("executionId")

        status = CancelOutcome(d.pop("status"))

        was_status = ExecutionStatus(d.pop("wasStatus"))

        cancel_workflow_execution_response = cls(
            execution_id=execution_id,
            status=status,
            was_status=was_status,
        )

        cancel_workflow_execution_response.additional_properties = d
        return cancel_workflow_execution_response

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
