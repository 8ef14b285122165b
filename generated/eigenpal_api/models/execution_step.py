from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

T = TypeVar("T", bound="ExecutionStep")


@_attrs_define
class ExecutionStep:
    """One step's record in the per-step payload (`includeSteps=true`), as clients read it. Decision: no key is required
    and every key may hold other JSON, because the 0.4.12 sources define no schema for the per-step payload; these are
    the keys commonly seen.

    """

    step_id: str | None = None
    """ Id of the step in the workflow definition. """
    status: str | None = None
    """ The step's status (`pending`, `running`, `completed`, `failed`, `skipped`, ...); an open string because step
    statuses are not part of the public enum. """
    started_at: datetime.datetime | None = None
    """ When the step started. """
    completed_at: datetime.datetime | None = None
    """ When the step ended. """
    output: Any | None = None
    """ The step's output, when it produced one. """
    error: None | str = None
    """ The step's error message, when it failed. """
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
        step_id = self.step_id

        status = self.status

        started_at: str | None = None if self.started_at is None else format_timestamp(self.started_at)

        completed_at: str | None = None if self.completed_at is None else format_timestamp(self.completed_at)

        output = self.output

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if step_id is not UNSET:
            field_dict["stepId"] = step_id
        if status is not UNSET:
            field_dict["status"] = status
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if output is not UNSET:
            field_dict["output"] = output
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
            raise TypeError(f"ExecutionStep is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        step_id = d.pop("stepId", UNSET)

        status = d.pop("status", UNSET)

        started_at = parse_timestamp(d.pop("startedAt", None))

        completed_at = parse_timestamp(d.pop("completedAt", None))

        output = d.pop("output", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        execution_step = cls(
            step_id=step_id,
            status=status,
            started_at=started_at,
            completed_at=completed_at,
            output=output,
            error=error,
        )

        execution_step.additional_properties = d
        execution_step.raw = src_dict
        return execution_step

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
