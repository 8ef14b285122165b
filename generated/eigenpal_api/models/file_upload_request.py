from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.file_purpose import FilePurpose
from ..types import UNSET, Unset

T = TypeVar("T", bound="FileUploadRequest")


@_attrs_define
class FileUploadRequest:
    """What a client is about to upload (`create_file_upload`)."""

    filename: str
    """ The file's name. """
    content_type: str
    """ Its media type (e.g. `application/pdf`). """
    size: int
    """ Its exact size in bytes. """
    purpose: FilePurpose | None = None
    """ What a file is for: `run-input` (a run's pre-uploaded input; temporary, removed after about a day) or
    `builder-attachment` (a Studio builder attachment, with the same lifetime). """
    idempotency_key: str | None = None
    """ The client's key for this upload (a UUID): a negotiation resent with the same key gets the same upload
    instead of a second one. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    raw: Mapping[str, Any] = _attrs_field(init=False, factory=dict, repr=False, eq=False)
    """ The JSON object this model was read from, exactly as received (empty for a model built in code). """

    def to_dict(self) -> dict[str, Any]:
        filename = self.filename

        content_type = self.content_type

        size = self.size

        purpose: str | Unset = UNSET
        if not isinstance(self.purpose, Unset):
            purpose = self.purpose.value

        idempotency_key = self.idempotency_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "filename": filename,
                "contentType": content_type,
                "size": size,
            }
        )
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if idempotency_key is not UNSET:
            field_dict["idempotencyKey"] = idempotency_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"FileUploadRequest is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        filename = d.pop("filename")

        content_type = d.pop("contentType")

        size = d.pop("size")

        _purpose = d.pop("purpose", UNSET)
        purpose: FilePurpose | Unset
        if isinstance(_purpose, Unset):
            purpose = UNSET
        else:
            purpose = FilePurpose(_purpose)

        idempotency_key = d.pop("idempotencyKey", UNSET)

        file_upload_request = cls(
            filename=filename,
            content_type=content_type,
            size=size,
            purpose=purpose,
            idempotency_key=idempotency_key,
        )

        file_upload_request.additional_properties = d
        file_upload_request.raw = src_dict
        return file_upload_request

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
