from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.execution_status import ExecutionStatus
from ..types import UNSET, Unset, subscript_error

T = TypeVar("T", bound="StartedExecution")


@_attrs_define
class StartedExecution:
    """Answer to a run: the execution it started (the official SDK 0.4.12 calls it `RunWorkflowResponse`)."""

    execution_id: str
    """ The new execution's id (e.g. `exec_xyz`). """
    status: ExecutionStatus | None = None
    """ An execution status as a response carries it: one of `ExecutionStatus`, or a value added later. Decision:
    any string is accepted, because the server may add a status (say `expired`) before clients are regenerated;
    clients treat an unknown status as non-terminal unless the execution also carries `completedAt`. """
    result: Any | None = None
    """ Workflow output (when status is `completed`). """
    error: None | str = None
    """ Error message (when status is `failed`). """
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

        status: str | None = None if self.status is None else self.status.value

        result = self.result

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "executionId": execution_id,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"StartedExecution is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        execution_id = d.pop("executionId")

        _status = d.pop("status", None)
        status = ExecutionStatus(_status) if isinstance(_status, str) else None

        result = d.pop("result", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        started_execution = cls(
            execution_id=execution_id,
            status=status,
            result=result,
            error=error,
        )

        started_execution.additional_properties = d
        started_execution.raw = src_dict
        return started_execution

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
