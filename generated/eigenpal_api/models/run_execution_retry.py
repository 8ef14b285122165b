from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_execution_next_run import RunExecutionNextRun


T = TypeVar("T", bound="RunExecutionRetry")


@_attrs_define
class RunExecutionRetry:
    """Where a run stands in a chain of retries."""

    number: float | None = None
    """ The attempt's index (0 for the original run). """
    previous_run_id: None | str = None
    """ The run this one retried. """
    next_run: None | RunExecutionNextRun = None
    """ The retry started from this run, if any. """
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
        from ..models.run_execution_next_run import RunExecutionNextRun  # noqa: PLC0415

        number = self.number

        previous_run_id: None | str | Unset
        if isinstance(self.previous_run_id, Unset):
            previous_run_id = UNSET
        else:
            previous_run_id = self.previous_run_id

        next_run: dict[str, Any] | None | Unset
        if isinstance(self.next_run, Unset):
            next_run = UNSET
        elif isinstance(self.next_run, RunExecutionNextRun):
            next_run = self.next_run.to_dict()
        else:
            next_run = self.next_run

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number is not UNSET:
            field_dict["number"] = number
        if previous_run_id is not UNSET:
            field_dict["previousRunId"] = previous_run_id
        if next_run is not UNSET:
            field_dict["nextRun"] = next_run

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_execution_next_run import RunExecutionNextRun  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunExecutionRetry is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        number = d.pop("number", UNSET)

        def _parse_previous_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous_run_id = _parse_previous_run_id(d.pop("previousRunId", UNSET))

        def _parse_next_run(data: object) -> None | RunExecutionNextRun | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_run_type_0 = RunExecutionNextRun.from_dict(data)

                return next_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunExecutionNextRun | Unset, data)

        next_run = _parse_next_run(d.pop("nextRun", UNSET))

        run_execution_retry = cls(
            number=number,
            previous_run_id=previous_run_id,
            next_run=next_run,
        )

        run_execution_retry.additional_properties = d
        run_execution_retry.raw = src_dict
        return run_execution_retry

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
