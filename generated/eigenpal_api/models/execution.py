from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.execution_status import ExecutionStatus
from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

if TYPE_CHECKING:
    from ..models.execution_observability import ExecutionObservability
    from ..models.execution_step import ExecutionStep


T = TypeVar("T", bound="Execution")


@_attrs_define
class Execution:
    """An execution's status (the official SDK 0.4.12 calls it `WorkflowExecutionStatusResponse`). With `includeSteps=true`
    it also carries the per-step payload (`steps`, `overrides`, and possibly more keys, kept in the open object).

    """

    execution_id: str
    """ Execution id. """
    status: ExecutionStatus
    """ An execution status as a response carries it: one of `ExecutionStatus`, or a value added later. Decision:
    any string is accepted, because the server may add a status (say `expired`) before clients are regenerated;
    clients treat an unknown status as non-terminal unless the execution also carries `completedAt`. """
    created_at: datetime.datetime | None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
    completed_at: datetime.datetime | None = None
    """ ISO-8601 completion timestamp; set only in terminal states. """
    result: Any | None = None
    """ Workflow output (when status is `completed`); null or absent otherwise. """
    error: None | str = None
    """ Error message (when status is `failed`); null or absent otherwise. """
    steps: Any | list[ExecutionStep] | None = None
    """ The per-step records, only with `includeSteps=true`: usually a list of step objects in execution order.
    Decision: any JSON is accepted (a map keyed by step id, a list of strings, null, ...), because the 0.4.12
    sources define no shape for it; clients read a list of objects as steps and keep any other value as sent. """
    overrides: Any | None = None
    """ The overrides the run was started with; only with `includeSteps=true`. Decision: any JSON, as sent, since
    the 0.4.12 sources define no shape for the per-step payload. """
    observability: Any | ExecutionObservability | None = None
    """ How the execution went, phase by phase (servers since SDK 0.6.9; may be absent). Decision: any JSON is
    accepted and the usual shape (`ExecutionObservability`) is read when it fits, because this object is newer than
    the 0.4.12 contract and still changing. """
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
        from ..models.execution_observability import ExecutionObservability  # noqa: PLC0415

        execution_id = self.execution_id

        status = self.status.value

        created_at: str | None = None if self.created_at is None else format_timestamp(self.created_at)

        completed_at: str | None = None if self.completed_at is None else format_timestamp(self.completed_at)

        result = self.result

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        steps: Any = self.steps
        if isinstance(steps, list):
            steps = [item.to_dict() if hasattr(item, "to_dict") else item for item in steps]

        overrides = self.overrides

        observability: Any | dict[str, Any] | Unset
        if isinstance(self.observability, Unset):
            observability = UNSET
        elif isinstance(self.observability, ExecutionObservability):
            observability = self.observability.to_dict()
        else:
            observability = self.observability

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
        if observability is not UNSET:
            field_dict["observability"] = observability

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.execution_observability import ExecutionObservability  # noqa: PLC0415
        from ..models.execution_step import ExecutionStep  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"Execution is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        execution_id = d.pop("executionId")

        status = ExecutionStatus(d.pop("status"))

        created_at = parse_timestamp(d.pop("createdAt", None))

        completed_at = parse_timestamp(d.pop("completedAt", None))

        result = d.pop("result", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_steps(data: object) -> Any | list[ExecutionStep] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                steps_type_0 = []
                _steps_type_0 = data
                for steps_type_0_item_data in _steps_type_0:
                    steps_type_0_item = ExecutionStep.from_dict(steps_type_0_item_data)

                    steps_type_0.append(steps_type_0_item)

                return steps_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | list[ExecutionStep] | Unset, data)

        steps = _parse_steps(d.pop("steps", UNSET))

        overrides = d.pop("overrides", UNSET)

        def _parse_observability(data: object) -> Any | ExecutionObservability | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                observability_type_0 = ExecutionObservability.from_dict(data)

                return observability_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Any | ExecutionObservability | Unset, data)

        observability = _parse_observability(d.pop("observability", UNSET))

        execution = cls(
            execution_id=execution_id,
            status=status,
            created_at=created_at,
            completed_at=completed_at,
            result=result,
            error=error,
            steps=steps,
            overrides=overrides,
            observability=observability,
        )

        execution.additional_properties = d
        execution.raw = src_dict
        return execution

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
