from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.execution_status import ExecutionStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.execution_step import ExecutionStep
    from ..models.run_overrides import RunOverrides


T = TypeVar("T", bound="WorkflowExecutionStatusResponse")


@_attrs_define
class WorkflowExecutionStatusResponse:
    """An execution's status. With `includeSteps=true` it also carries the per-step payload (`steps`, `overrides`, and
    possibly more keys, kept in the open object).

    """

    execution_id: str
    """ Execution id. """
    status: ExecutionStatus
    """ Lifecycle status of an execution: created → pending → running → (waiting) → finalizing → completed, or
    failed / cancelled / rejected. Terminal: completed, failed, cancelled, rejected. Clients must accept values not
    listed here (treat them as non-terminal). """
    created_at: datetime.datetime
    """ ISO-8601 creation timestamp. """
    completed_at: datetime.datetime | None | Unset = UNSET
    """ ISO-8601 completion timestamp; set only in terminal states. """
    result: Any | Unset = UNSET
    """ Workflow output (when status is `completed`); null or absent otherwise. """
    error: None | str | Unset = UNSET
    """ Error message (when status is `failed`); null or absent otherwise. """
    steps: list[ExecutionStep] | Unset = UNSET
    """ Per-step records, in execution order; only with `includeSteps=true`. """
    overrides: None | RunOverrides | Unset = UNSET
    """ The overrides the run was started with; only with `includeSteps=true`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_overrides import RunOverrides  # noqa: PLC0415

        execution_id = self.execution_id

        status = self.status.value

        created_at = self.created_at.isoformat()

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        result = self.result

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        steps: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.steps, Unset):
            steps = []
            for steps_item_data in self.steps:
                steps_item = steps_item_data.to_dict()
                steps.append(steps_item)

        overrides: dict[str, Any] | None | Unset
        if isinstance(self.overrides, Unset):
            overrides = UNSET
        elif isinstance(self.overrides, RunOverrides):
            overrides = self.overrides.to_dict()
        else:
            overrides = self.overrides

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "executionId": execution_id,
                "status": status,
                "createdAt": created_at,
            }
        )
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error
        if steps is not UNSET:
            field_dict["steps"] = steps
        if overrides is not UNSET:
            field_dict["overrides"] = overrides

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.execution_step import ExecutionStep  # noqa: PLC0415
        from ..models.run_overrides import RunOverrides  # noqa: PLC0415

        d = dict(src_dict)
        execution_id = d.pop("executionId")

        status = ExecutionStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completedAt", UNSET))

        result = d.pop("result", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        _steps = d.pop("steps", UNSET)
        steps: list[ExecutionStep] | Unset = UNSET
        if _steps is not UNSET:
            steps = []
            for steps_item_data in _steps:
                steps_item = ExecutionStep.from_dict(steps_item_data)

                steps.append(steps_item)

        def _parse_overrides(data: object) -> None | RunOverrides | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                overrides_type_0 = RunOverrides.from_dict(data)

                return overrides_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunOverrides | Unset, data)

        overrides = _parse_overrides(d.pop("overrides", UNSET))

        workflow_execution_status_response = cls(
            execution_id=execution_id,
            status=status,
            created_at=created_at,
            completed_at=completed_at,
            result=result,
            error=error,
            steps=steps,
            overrides=overrides,
        )

        workflow_execution_status_response.additional_properties = d
        return workflow_execution_status_response

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
