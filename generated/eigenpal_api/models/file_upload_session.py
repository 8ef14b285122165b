from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.file_upload_transport import FileUploadTransport
from ..types import UNSET, Unset, format_timestamp, parse_timestamp, subscript_error

if TYPE_CHECKING:
    from ..models.file_upload_session_headers import FileUploadSessionHeaders


T = TypeVar("T", bound="FileUploadSession")


@_attrs_define
class FileUploadSession:
    """How to upload a file (`create_file_upload`). Decision: one open shape for both transports (the official client
    0.11.x reads two: `multipart` with `url` and `maxFileSizeBytes`; `presigned-put` adding `uploadId`, `fileId`,
    `headers` and `expiresAt`), so the answer is read one way and the client branches on `transport`.

    """

    transport: FileUploadTransport
    """ An upload transport as a response carries it: one of `FileUploadTransport`, or a value added later.
    Decision: any string is accepted and kept, and a client that does not know the transport aborts the upload with
    a clear error instead of guessing. """
    url: str
    """ Where to send them: for `multipart` a URL of this API (absolute, or a path on the API's host) that takes the
    `upload_file` request; for `presigned-put` a short-lived storage URL. """
    max_file_size_bytes: int | None = None
    """ The largest file this transport takes. """
    upload_id: str | None = None
    """ The upload to complete or abort (`presigned-put`). """
    file_id: str | None = None
    """ The id the file will have once completed (`presigned-put`). """
    headers: FileUploadSessionHeaders | None = None
    """ Headers to send with the `PUT` (`presigned-put`). Clients leave out `Content-Length`, which their HTTP
    library sets from the body. """
    expires_at: datetime.datetime | None = None
    """ A point in time, normally ISO-8601 (`2026-05-09T12:00:00.000Z`). Decision: any string is accepted, because
    the 0.4.12 models type every timestamp as a plain string with no format; clients read ISO-8601 (and other common
    forms) and keep the value as sent otherwise. """
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
        transport = self.transport.value

        url = self.url

        max_file_size_bytes = self.max_file_size_bytes

        upload_id = self.upload_id

        file_id = self.file_id

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        expires_at: str | None = None if self.expires_at is None else format_timestamp(self.expires_at)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "transport": transport,
                "url": url,
            }
        )
        if max_file_size_bytes is not UNSET:
            field_dict["maxFileSizeBytes"] = max_file_size_bytes
        if upload_id is not UNSET:
            field_dict["uploadId"] = upload_id
        if file_id is not UNSET:
            field_dict["fileId"] = file_id
        if headers is not UNSET:
            field_dict["headers"] = headers
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at

        return field_dict

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text: one line, or pretty-printed with ``indent`` spaces."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.file_upload_session_headers import FileUploadSessionHeaders  # noqa: PLC0415

        if not isinstance(src_dict, Mapping):
            # dict() would accept a list of pairs (even []) and read it as an object.
            raise TypeError(f"FileUploadSession is read from a JSON object, not {type(src_dict).__name__}")
        d = dict(src_dict)
        transport = FileUploadTransport(d.pop("transport"))

        url = d.pop("url")

        max_file_size_bytes = d.pop("maxFileSizeBytes", UNSET)

        upload_id = d.pop("uploadId", UNSET)

        file_id = d.pop("fileId", UNSET)

        _headers = d.pop("headers", UNSET)
        headers: FileUploadSessionHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = FileUploadSessionHeaders.from_dict(_headers)

        expires_at = parse_timestamp(d.pop("expiresAt", None))

        file_upload_session = cls(
            transport=transport,
            url=url,
            max_file_size_bytes=max_file_size_bytes,
            upload_id=upload_id,
            file_id=file_id,
            headers=headers,
            expires_at=expires_at,
        )

        file_upload_session.additional_properties = d
        file_upload_session.raw = src_dict
        return file_upload_session

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the fields this client does not know (``additional_properties``)."""
        return list(self.additional_properties.keys())

    if not TYPE_CHECKING:  # at run time only: type checkers should flag model[key] as an error

        def __getitem__(self, key):
            raise subscript_error(self, key)
