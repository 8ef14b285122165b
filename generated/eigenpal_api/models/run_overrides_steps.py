from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.run_overrides_steps_additional_property import RunOverridesStepsAdditionalProperty


T = TypeVar("T", bound="RunOverridesSteps")


@_attrs_define
class RunOverridesSteps(MutableMapping[str, "RunOverridesStepsAdditionalProperty"]):
    """Step id → the output that replaces that step's output."""

    additional_properties: dict[str, RunOverridesStepsAdditionalProperty] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """
    request_id: str | None = _attrs_field(init=False, default=None, repr=False, eq=False)
    """ The `x-request-id` of the answer this model was read from (a page's items share the page's), to quote
    when asking EigenPal about it; None for a model built in code, read with from_dict, or nested in another. """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_overrides_steps_additional_property import (
            RunOverridesStepsAdditionalProperty,  # noqa: PLC0415
        )

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"RunOverridesSteps is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        run_overrides_steps = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = RunOverridesStepsAdditionalProperty.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        run_overrides_steps.additional_properties = additional_properties
        run_overrides_steps.raw = src_dict
        return run_overrides_steps

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> RunOverridesStepsAdditionalProperty:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: RunOverridesStepsAdditionalProperty) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties

    def __iter__(self) -> Iterator[str]:
        return iter(self.additional_properties)

    def __len__(self) -> int:
        return len(self.additional_properties)
