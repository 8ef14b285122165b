from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.file_purpose import FilePurpose
from ..types import UNSET, Unset, subscript_error

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
    request_id: str | None = _attrs_field(init=False, default=None, repr=False, eq=False)
    """ The `x-request-id` of the answer this model was read from (a page's items share the page's), to quote
    when asking EigenPal about it; None for a model built in code, read with from_dict, or nested in another. """

    def to_dict(self) -> dict[str, Any]:
        """This model as plain JSON data under the API's key names, fields this client does not know included.

        Timestamps are ISO-8601 UTC with a ``Z`` suffix; an unreadable one is None (as sent: ``raw``).
        """
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

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

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
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
