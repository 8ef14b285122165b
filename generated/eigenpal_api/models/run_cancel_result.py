from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_type import RunType
from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_cancellation import RunCancellation
    from ..models.run_execution import RunExecution


T = TypeVar("T", bound="RunCancelResult")


@_attrs_define
class RunCancelResult:
    """The answer to `cancel_run` (the published document calls it `RunCancelResponse`)."""

    id: str
    """ Run id. """
    type_: RunType | None = None
    """ A run type as a response carries it: one of `RunType`, or a value added later. Decision: any string is
    accepted, so a new kind of automation does not make its runs unreadable. """
    finished: bool | None = None
    """ True once the run is terminal. """
    execution: RunExecution | None = None
    """ The run's execution: its status always, the full record with `expand=execution`. Decision: one open shape
    for the slim record of every answer and the full workflow or agent record of `expand=execution` (the published
    document has three that differ only in which optional keys they carry); keys this schema does not name are kept.
    """
    cancellation: RunCancellation | None = None
    """ The outcome of a cancel request. """
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
        id = self.id

        type_: str | None = None if self.type_ is None else self.type_.value

        finished = self.finished

        execution: dict[str, Any] | Unset = UNSET
        if not isinstance(self.execution, Unset):
            execution = self.execution.to_dict()

        cancellation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.cancellation, Unset):
            cancellation = self.cancellation.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if finished is not UNSET:
            field_dict["finished"] = finished
        if execution is not UNSET:
            field_dict["execution"] = execution
        if cancellation is not UNSET:
            field_dict["cancellation"] = cancellation

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_cancellation import RunCancellation  # noqa: PLC0415
        from ..models.run_execution import RunExecution  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunCancelResult is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        id = d.pop("id")

        _type_ = d.pop("type", None)
        type_ = RunType(_type_) if isinstance(_type_, str) else None

        finished = d.pop("finished", UNSET)

        _execution = d.pop("execution", UNSET)
        execution: RunExecution | Unset
        if isinstance(_execution, Unset):
            execution = UNSET
        else:
            execution = RunExecution.from_dict(_execution)

        _cancellation = d.pop("cancellation", UNSET)
        cancellation: RunCancellation | Unset
        if isinstance(_cancellation, Unset):
            cancellation = UNSET
        else:
            cancellation = RunCancellation.from_dict(_cancellation)

        run_cancel_result = cls(
            id=id,
            type_=type_,
            finished=finished,
            execution=execution,
            cancellation=cancellation,
        )

        run_cancel_result.additional_properties = d
        run_cancel_result.raw = src_dict
        return run_cancel_result

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
