"""The files resource: ``client.files.upload/get/delete/content``, the reusable files of the runs API that a run
references from its input as ``{"$fileId": ...}``.

``upload`` is ``_uploads.upload_flow``: negotiated first, then streamed from disk by the transport the server
chose (multipart, or a storage ``PUT`` completed afterwards and aborted on failure); the other methods send one
request each. The sync and async classes only check their arguments and run the flows with the requestor their
client handed over.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from eigenpal_api.models import FileDeletion, FilePurpose, UploadedFile

from eigenpal_ext._files import FileSource, file_input
from eigenpal_ext._raw import async_raw_method, raw_copy, raw_method
from eigenpal_ext._uploads import (
    check_purpose,
    check_upload_key,
    content_flow,
    delete_file_call,
    get_file_call,
    origin_of,
    upload_flow,
)

if TYPE_CHECKING:
    from eigenpal_ext._requestor import AsyncRequestor, Requestor


class _FilesBase:
    def __init__(self, requestor: Any) -> None:
        self._requestor = requestor

    def _upload_flow(self, file: FileSource, purpose: str | FilePurpose | None, idempotency_key: str | None) -> Any:
        return upload_flow(
            file_input(file, "file"), purpose=check_purpose(purpose), idempotency_key=check_upload_key(idempotency_key),
            origin=origin_of(self._requestor.http),
        )  # fmt: skip


class Files(_FilesBase):
    """``client.files``: reusable files for runs (``{"$fileId": uploaded.id}`` in a run's input).

    Files of purpose ``run-input`` are temporary: EigenPal removes them after about a day.
    """

    @functools.cached_property
    def with_raw_response(self) -> FilesWithRawResponse:
        """``get``, ``delete`` returning the answer as a ``RawResponse`` (status, headers, request id,
        ``.parse()``)."""
        return FilesWithRawResponse(self)

    _requestor: Requestor

    def upload(
        self,
        file: FileSource,
        *,
        purpose: str | FilePurpose | None = "run-input",
        idempotency_key: str | None = None,
    ) -> UploadedFile:
        """Upload ``file`` (a ``Path``, a binary handle, or ``{"content": bytes, "filename": ..., "mime_type":
        ...}``); the stored file (``.id``, ``.filename``, ``.size``, ...).

        Streamed from disk in 64 KiB chunks, never read into memory. The upload is negotiated first; the server's
        answer decides whether the bytes go as multipart to the API or as a ``PUT`` to storage (then completed;
        aborted if anything fails). ``idempotency_key`` names this upload in the negotiation (a fresh UUID when
        omitted), so a negotiation sent again is the same upload.

        Args:
            file: A ``Path``, a binary handle, or ``{"content": bytes, "filename": ..., "mime_type": ...}``.
            purpose: What the file is for (``run-input`` by default).
            idempotency_key: Sent with the upload negotiation, so a retried negotiation is the same upload.

        Returns:
            The ``UploadedFile`` (its ``id`` goes into a run's input as ``{"$fileId": id}``).

        Raises:
            EigenpalError: The upload failed (it was aborted: nothing is left half-uploaded).
        """
        uploaded: UploadedFile = self._requestor.run(self._upload_flow(file, purpose, idempotency_key))
        return uploaded

    def get(self, file_id: str, *, request_timeout_seconds: float | None = None) -> UploadedFile:
        """The stored file's name, media type, size and purpose.

        Args:
            file_id: The file's id.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            The ``UploadedFile``.
        """
        return self._requestor.send(get_file_call(file_id, request_timeout_seconds=request_timeout_seconds))

    def delete(self, file_id: str, *, request_timeout_seconds: float | None = None) -> FileDeletion:
        """Delete a stored file (runs that used it keep their own copies).

        Args:
            file_id: The file's id.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            The ``FileDeletion``.
        """
        return self._requestor.send(delete_file_call(file_id, request_timeout_seconds=request_timeout_seconds))

    def content(self, file_id: str, *, request_timeout_seconds: float | None = None) -> bytes:
        """The file's bytes. A redirect to storage is followed without the API key. The answer is held in
        memory, up to the client's ``max_response_bytes`` (64 MiB by default).

        Args:
            file_id: The file's id.
            request_timeout_seconds: The bound of this request, retries included
                (None: the client's default).

        Returns:
            The file's bytes.
        """
        return self._requestor.run(content_flow(file_id, request_timeout_seconds=request_timeout_seconds))


class AsyncFiles(_FilesBase):
    """``client.files`` of the async client: the same methods as ``Files``, awaited."""

    @functools.cached_property
    def with_raw_response(self) -> AsyncFilesWithRawResponse:
        """``get``, ``delete`` returning the answer as a ``RawResponse`` (status, headers, request id,
        ``.parse()``)."""
        return AsyncFilesWithRawResponse(self)

    _requestor: AsyncRequestor

    async def upload(
        self,
        file: FileSource,
        *,
        purpose: str | FilePurpose | None = "run-input",
        idempotency_key: str | None = None,
    ) -> UploadedFile:
        """Upload ``file``; the stored file (as ``Files.upload``)."""
        uploaded: UploadedFile = await self._requestor.run(self._upload_flow(file, purpose, idempotency_key))
        return uploaded

    async def get(self, file_id: str, *, request_timeout_seconds: float | None = None) -> UploadedFile:
        """The stored file's metadata (as ``Files.get``)."""
        return await self._requestor.send(get_file_call(file_id, request_timeout_seconds=request_timeout_seconds))

    async def delete(self, file_id: str, *, request_timeout_seconds: float | None = None) -> FileDeletion:
        """Delete a stored file (as ``Files.delete``)."""
        return await self._requestor.send(delete_file_call(file_id, request_timeout_seconds=request_timeout_seconds))

    async def content(self, file_id: str, *, request_timeout_seconds: float | None = None) -> bytes:
        """The file's bytes (as ``Files.content``)."""
        return await self._requestor.run(content_flow(file_id, request_timeout_seconds=request_timeout_seconds))


class FilesWithRawResponse:
    """``client.files.with_raw_response`` (client): ``get``, ``delete``, each returning a ``RawResponse``
    (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the parsed answer; the same
    arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: Files) -> None:
        raw = raw_copy(resource)
        self.get = raw_method(raw.get)
        self.delete = raw_method(raw.delete)


class AsyncFilesWithRawResponse:
    """``client.files.with_raw_response`` (async client): ``get``, ``delete``, each returning a ``RawResponse``
    (``status_code``, ``headers``, ``request_id``, ``parse()``) instead of the parsed answer; the same
    arguments, checks, retries and errors as the plain method."""

    def __init__(self, resource: AsyncFiles) -> None:
        raw = raw_copy(resource)
        self.get = async_raw_method(raw.get)
        self.delete = async_raw_method(raw.delete)
