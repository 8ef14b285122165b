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
    from ..models.execution_summary_workflow import ExecutionSummaryWorkflow


T = TypeVar("T", bound="ExecutionSummary")


@_attrs_define
class ExecutionSummary:
    """An execution as listed."""

    id: str
    """ Execution id. """
    workflow_id: str
    """ Id of the workflow that ran. """
    status: ExecutionStatus
    """ An execution status as a response carries it: one of `ExecutionStatus`, or a value added later. Decision:
    any string is accepted, because the server may add a status (say `expired`) before clients are regenerated;
    clients treat an unknown status as non-terminal unless the execution also carries `completedAt`. """
    created_at: datetime.datetime | None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
    trigger_type: None | str = None
    """ How the run was started (`api`, `scheduled`, `manual`, ...; an open string). """
    trigger_input: Any | None = None
    """ The original input map, useful for a replay. """
    result: Any | None = None
    """ Workflow output (when status is `completed`). """
    error: None | str = None
    """ Error message (when status is `failed`). """
    started_at: datetime.datetime | None = None
    """ When a worker started the execution. """
    completed_at: datetime.datetime | None = None
    """ When the execution reached a terminal status. """
    duration_ms: float | None = None
    """ Total wall-clock milliseconds from creation to the terminal status; null (or absent) until the execution is
    terminal. Sent by servers since SDK 0.5.12. """
    workflow: ExecutionSummaryWorkflow | None = None
    """ The owning workflow; null when it has been deleted. """
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
        from ..models.execution_summary_workflow import ExecutionSummaryWorkflow  # noqa: PLC0415

        id = self.id

        workflow_id = self.workflow_id

        status = self.status.value

        created_at: str | None = None if self.created_at is None else format_timestamp(self.created_at)

        trigger_type: None | str | Unset
        if isinstance(self.trigger_type, Unset):
            trigger_type = UNSET
        else:
            trigger_type = self.trigger_type

        trigger_input = self.trigger_input

        result = self.result

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        started_at: str | None = None if self.started_at is None else format_timestamp(self.started_at)

        completed_at: str | None = None if self.completed_at is None else format_timestamp(self.completed_at)

        duration_ms: float | None | Unset
        if isinstance(self.duration_ms, Unset):
            duration_ms = UNSET
        else:
            duration_ms = self.duration_ms

        workflow: dict[str, Any] | None | Unset
        if isinstance(self.workflow, Unset):
            workflow = UNSET
        elif isinstance(self.workflow, ExecutionSummaryWorkflow):
            workflow = self.workflow.to_dict()
        else:
            workflow = self.workflow

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
                "id": id,
                "workflowId": workflow_id,
                "status": status,
                "createdAt": created_at,
            }
        )
        if trigger_type is not UNSET:
            field_dict["triggerType"] = trigger_type
        if trigger_input is not UNSET:
            field_dict["triggerInput"] = trigger_input
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if duration_ms is not UNSET:
            field_dict["durationMs"] = duration_ms
        if workflow is not UNSET:
            field_dict["workflow"] = workflow
        if observability is not UNSET:
            field_dict["observability"] = observability

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.execution_observability import ExecutionObservability  # noqa: PLC0415
        from ..models.execution_summary_workflow import ExecutionSummaryWorkflow  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ExecutionSummary is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        id = d.pop("id")

        workflow_id = d.pop("workflowId")

        status = ExecutionStatus(d.pop("status"))

        created_at = parse_timestamp(d.pop("createdAt", None))

        def _parse_trigger_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        trigger_type = _parse_trigger_type(d.pop("triggerType", UNSET))

        trigger_input = d.pop("triggerInput", UNSET)

        result = d.pop("result", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        started_at = parse_timestamp(d.pop("startedAt", None))

        completed_at = parse_timestamp(d.pop("completedAt", None))

        def _parse_duration_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_ms = _parse_duration_ms(d.pop("durationMs", UNSET))

        def _parse_workflow(data: object) -> ExecutionSummaryWorkflow | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                workflow_type_0 = ExecutionSummaryWorkflow.from_dict(data)

                return workflow_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExecutionSummaryWorkflow | None | Unset, data)

        workflow = _parse_workflow(d.pop("workflow", UNSET))

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

        execution_summary = cls(
            id=id,
            workflow_id=workflow_id,
            status=status,
            created_at=created_at,
            trigger_type=trigger_type,
            trigger_input=trigger_input,
            result=result,
            error=error,
            started_at=started_at,
            completed_at=completed_at,
            duration_ms=duration_ms,
            workflow=workflow,
            observability=observability,
        )

        execution_summary.additional_properties = d
        execution_summary.raw = src_dict
        return execution_summary

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
