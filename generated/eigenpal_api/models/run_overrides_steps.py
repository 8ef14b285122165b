from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.run_overrides_steps_additional_property import RunOverridesStepsAdditionalProperty


T = TypeVar("T", bound="RunOverridesSteps")


@_attrs_define
class RunOverridesSteps:
    """Step id → the output that replaces that step's output."""

    additional_properties: dict[str, RunOverridesStepsAdditionalProperty] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

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
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> RunOverridesStepsAdditionalProperty:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: RunOverridesStepsAdditionalProperty) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
