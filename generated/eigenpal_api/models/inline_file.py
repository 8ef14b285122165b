from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InlineFile")


@_attrs_define
class InlineFile:
    """A small file carried inside the JSON body, base64-encoded."""

    filename: str
    """ The file's name. """
    mime_type: str
    """ The file's media type (e.g. `application/pdf`). """
    base64: str
    """ The file's bytes, base64-encoded. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """

    def to_dict(self) -> dict[str, Any]:
        filename = self.filename

        mime_type = self.mime_type

        base64 = self.base64

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "filename": filename,
                "mimeType": mime_type,
                "base64": base64,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"InlineFile is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        filename = d.pop("filename")

        mime_type = d.pop("mimeType")

        base64 = d.pop("base64")

        inline_file = cls(
            filename=filename,
            mime_type=mime_type,
            base64=base64,
        )

        inline_file.additional_properties = d
        inline_file.raw = src_dict
        return inline_file

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
