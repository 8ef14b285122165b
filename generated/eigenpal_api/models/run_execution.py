from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.execution_status import ExecutionStatus
from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_execution_retry import RunExecutionRetry


T = TypeVar("T", bound="RunExecution")


@_attrs_define
class RunExecution:
    """The run's execution: its status always, the full record with `expand=execution`. Decision: one open shape for the
    slim record of every answer and the full workflow or agent record of `expand=execution` (the published document has
    three that differ only in which optional keys they carry); keys this schema does not name are kept.

    """

    status: ExecutionStatus | None = None
    """ An execution status as a response carries it: one of `ExecutionStatus`, or a value added later. Decision:
    any string is accepted, because the server may add a status (say `expired`) before clients are regenerated;
    clients treat an unknown status as non-terminal unless the execution also carries `completedAt`. """
    schema_valid: bool | None = None
    """ Whether the output matched the automation's output schema. """
    batch_id: None | str = None
    """ The batch the run belongs to, if any. """
    retry: RunExecutionRetry | None = None
    """ Where a run stands in a chain of retries. """
    review: Any | None = None
    """ The run's review state, as sent. Decision: reviews are not part of this contract (any JSON). """
    steps: list[Any] | None = None
    """ The per-step records of a workflow run (`expand=execution`), as sent. """
    definition_snapshot: Any | None = None
    """ The workflow definition when the run was created (`expand=execution`), as sent. """
    expected: Any | None = None
    """ The expected output and files of an eval run, as sent. """
    files: Any | None = None
    """ The output files of an agent run (`expand=execution`), as sent. """
    comparison: Any | None = None
    """ The expected-against-actual comparison of an eval run, as sent. """
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
        status: str | None = None if self.status is None else self.status.value

        schema_valid: bool | None | Unset
        if isinstance(self.schema_valid, Unset):
            schema_valid = UNSET
        else:
            schema_valid = self.schema_valid

        batch_id: None | str | Unset
        if isinstance(self.batch_id, Unset):
            batch_id = UNSET
        else:
            batch_id = self.batch_id

        retry: dict[str, Any] | Unset = UNSET
        if not isinstance(self.retry, Unset):
            retry = self.retry.to_dict()

        review = self.review

        steps: list[Any] | Unset = UNSET
        if not isinstance(self.steps, Unset):
            steps = self.steps

        definition_snapshot = self.definition_snapshot

        expected = self.expected

        files = self.files

        comparison = self.comparison

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if schema_valid is not UNSET:
            field_dict["schemaValid"] = schema_valid
        if batch_id is not UNSET:
            field_dict["batchId"] = batch_id
        if retry is not UNSET:
            field_dict["retry"] = retry
        if review is not UNSET:
            field_dict["review"] = review
        if steps is not UNSET:
            field_dict["steps"] = steps
        if definition_snapshot is not UNSET:
            field_dict["definitionSnapshot"] = definition_snapshot
        if expected is not UNSET:
            field_dict["expected"] = expected
        if files is not UNSET:
            field_dict["files"] = files
        if comparison is not UNSET:
            field_dict["comparison"] = comparison

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_execution_retry import RunExecutionRetry  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunExecution is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        _status = d.pop("status", None)
        status = ExecutionStatus(_status) if isinstance(_status, str) else None

        def _parse_schema_valid(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        schema_valid = _parse_schema_valid(d.pop("schemaValid", UNSET))

        def _parse_batch_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        batch_id = _parse_batch_id(d.pop("batchId", UNSET))

        _retry = d.pop("retry", UNSET)
        retry: RunExecutionRetry | Unset
        if isinstance(_retry, Unset):
            retry = UNSET
        else:
            retry = RunExecutionRetry.from_dict(_retry)

        review = d.pop("review", UNSET)

        steps = cast(list[Any], d.pop("steps", UNSET))

        definition_snapshot = d.pop("definitionSnapshot", UNSET)

        expected = d.pop("expected", UNSET)

        files = d.pop("files", UNSET)

        comparison = d.pop("comparison", UNSET)

        run_execution = cls(
            status=status,
            schema_valid=schema_valid,
            batch_id=batch_id,
            retry=retry,
            review=review,
            steps=steps,
            definition_snapshot=definition_snapshot,
            expected=expected,
            files=files,
            comparison=comparison,
        )

        run_execution.additional_properties = d
        run_execution.raw = src_dict
        return run_execution

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
