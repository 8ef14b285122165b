from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.execution_failure import ExecutionFailure
    from ..models.execution_phase import ExecutionPhase


T = TypeVar("T", bound="ExecutionObservability")


@_attrs_define
class ExecutionObservability:
    """An execution's phase timeline and, when it failed, a structured failure. Decision: no key is required and the
    enumerations are open strings, because the object is newer than the 0.4.12 contract; `derived` is true when the
    server built the timeline from the execution's timestamps rather than from recorded phase events.

    """

    phases: list[ExecutionPhase] | None = None
    """ The phases in order. """
    current_phase: str | None = None
    """ The phase the execution is in (or ended in), e.g. `queued`, `running`, `finalizing`. """
    failure: ExecutionFailure | None = None
    """ A structured failure of an execution. """
    derived: bool | None = None
    """ True when the timeline is derived from timestamps rather than recorded. """
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
        phases: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.phases, Unset):
            phases = []
            for phases_item_data in self.phases:
                phases_item = phases_item_data.to_dict()
                phases.append(phases_item)

        current_phase = self.current_phase

        failure: dict[str, Any] | Unset = UNSET
        if not isinstance(self.failure, Unset):
            failure = self.failure.to_dict()

        derived = self.derived

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if phases is not UNSET:
            field_dict["phases"] = phases
        if current_phase is not UNSET:
            field_dict["currentPhase"] = current_phase
        if failure is not UNSET:
            field_dict["failure"] = failure
        if derived is not UNSET:
            field_dict["derived"] = derived

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.execution_failure import ExecutionFailure  # noqa: PLC0415
        from ..models.execution_phase import ExecutionPhase  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"ExecutionObservability is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        _phases = d.pop("phases", UNSET)
        phases: list[ExecutionPhase] | Unset = UNSET
        if _phases is not UNSET:
            phases = []
            for phases_item_data in _phases:
                phases_item = ExecutionPhase.from_dict(phases_item_data)

                phases.append(phases_item)

        current_phase = d.pop("currentPhase", UNSET)

        _failure = d.pop("failure", UNSET)
        failure: ExecutionFailure | Unset
        if isinstance(_failure, Unset):
            failure = UNSET
        else:
            failure = ExecutionFailure.from_dict(_failure)

        derived = d.pop("derived", UNSET)

        execution_observability = cls(
            phases=phases,
            current_phase=current_phase,
            failure=failure,
            derived=derived,
        )

        execution_observability.additional_properties = d
        execution_observability.raw = src_dict
        return execution_observability

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
