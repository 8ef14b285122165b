from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_trigger import RunTrigger
from ..types import UNSET, Unset, subscript_error

if TYPE_CHECKING:
    from ..models.run_overrides import RunOverrides
    from ..models.run_workflow_body_input import RunWorkflowBodyInput


T = TypeVar("T", bound="RunWorkflowBody")


@_attrs_define
class RunWorkflowBody:
    """JSON body of a run. Every field is optional."""

    input_: RunWorkflowBodyInput | None = None
    """ Workflow inputs keyed by input name. """
    overrides: None | RunOverrides = None
    """ Per-step output overrides for a replay (null or absent for none). """
    trigger: RunTrigger | None = None
    """ Caller surface recorded on the execution (`api` when omitted). """
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
        from ..models.run_overrides import RunOverrides  # noqa: PLC0415

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        overrides: dict[str, Any] | None | Unset
        if isinstance(self.overrides, Unset):
            overrides = UNSET
        elif isinstance(self.overrides, RunOverrides):
            overrides = self.overrides.to_dict()
        else:
            overrides = self.overrides

        trigger: str | Unset = UNSET
        if not isinstance(self.trigger, Unset):
            trigger = self.trigger.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if input_ is not UNSET:
            field_dict["input"] = input_
        if overrides is not UNSET:
            field_dict["overrides"] = overrides
        if trigger is not UNSET:
            field_dict["trigger"] = trigger

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_overrides import RunOverrides  # noqa: PLC0415
        from ..models.run_workflow_body_input import RunWorkflowBodyInput  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunWorkflowBody is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        _input_ = d.pop("input", UNSET)
        input_: RunWorkflowBodyInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = RunWorkflowBodyInput.from_dict(_input_)

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

        _trigger = d.pop("trigger", UNSET)
        trigger: RunTrigger | Unset
        if isinstance(_trigger, Unset):
            trigger = UNSET
        else:
            trigger = RunTrigger(_trigger)

        run_workflow_body = cls(
            input_=input_,
            overrides=overrides,
            trigger=trigger,
        )

        run_workflow_body.additional_properties = d
        run_workflow_body.raw = src_dict
        return run_workflow_body

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
