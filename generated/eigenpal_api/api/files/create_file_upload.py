from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.file_upload_request import FileUploadRequest
from ...models.file_upload_session import FileUploadSession
from ...types import Response, remember_request_id


def _get_kwargs(
    *,
    body: FileUploadRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/files/uploads",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | FileUploadSession | None:
    if response.status_code == 200:
        response_200 = FileUploadSession.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ApiErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ApiErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ApiErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ApiErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ApiErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 429:
        response_429 = ApiErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ApiErrorEnvelope.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApiErrorEnvelope | FileUploadSession]:
    parsed = _parse_response(client=client, response=response)
    remember_request_id(parsed, response.headers.get("x-request-id"))
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FileUploadRequest,
) -> Response[ApiErrorEnvelope | FileUploadSession]:
    """Negotiate a file upload

     Asks the server how to upload a file of the given name, type and size. The answer's `transport`
    decides, not the client's guess from the size:
    - `multipart`: post the file as `upload_file` does, to the answer's `url`; that request returns
      the stored file. Nothing needs completing or aborting.
    - `presigned-put`: `PUT` the raw bytes to the answer's `url` (a short-lived storage URL outside
      this API, no bearer token) with the answer's `headers`, then `complete_file_upload` with its
      `uploadId`; on failure, `abort_file_upload`.

    Decision: the route lives beside the other files routes (`/api/v1/files/uploads`); the official
    client 0.11.x calls it as `/v1/files/uploads` on `api.eigenpal.com`, the same API in that
    host's layout. The published document does not list it; its shape is the one the official
    client 0.11.x sends and reads. Decision: clients send a fresh `idempotencyKey` per file and reuse
    it when they resend the same negotiation, so a retried request does not create a second upload.

    Args:
        body (FileUploadRequest): What a client is about to upload (`create_file_upload`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | FileUploadSession]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: FileUploadRequest,
) -> ApiErrorEnvelope | FileUploadSession | None:
    """Negotiate a file upload

     Asks the server how to upload a file of the given name, type and size. The answer's `transport`
    decides, not the client's guess from the size:
    - `multipart`: post the file as `upload_file` does, to the answer's `url`; that request returns
      the stored file. Nothing needs completing or aborting.
    - `presigned-put`: `PUT` the raw bytes to the answer's `url` (a short-lived storage URL outside
      this API, no bearer token) with the answer's `headers`, then `complete_file_upload` with its
      `uploadId`; on failure, `abort_file_upload`.

    Decision: the route lives beside the other files routes (`/api/v1/files/uploads`); the official
    client 0.11.x calls it as `/v1/files/uploads` on `api.eigenpal.com`, the same API in that
    host's layout. The published document does not list it; its shape is the one the official
    client 0.11.x sends and reads. Decision: clients send a fresh `idempotencyKey` per file and reuse
    it when they resend the same negotiation, so a retried request does not create a second upload.

    Args:
        body (FileUploadRequest): What a client is about to upload (`create_file_upload`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | FileUploadSession
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FileUploadRequest,
) -> Response[ApiErrorEnvelope | FileUploadSession]:
    """Negotiate a file upload

     Asks the server how to upload a file of the given name, type and size. The answer's `transport`
    decides, not the client's guess from the size:
    - `multipart`: post the file as `upload_file` does, to the answer's `url`; that request returns
      the stored file. Nothing needs completing or aborting.
    - `presigned-put`: `PUT` the raw bytes to the answer's `url` (a short-lived storage URL outside
      this API, no bearer token) with the answer's `headers`, then `complete_file_upload` with its
      `uploadId`; on failure, `abort_file_upload`.

    Decision: the route lives beside the other files routes (`/api/v1/files/uploads`); the official
    client 0.11.x calls it as `/v1/files/uploads` on `api.eigenpal.com`, the same API in that
    host's layout. The published document does not list it; its shape is the one the official
    client 0.11.x sends and reads. Decision: clients send a fresh `idempotencyKey` per file and reuse
    it when they resend the same negotiation, so a retried request does not create a second upload.

    Args:
        body (FileUploadRequest): What a client is about to upload (`create_file_upload`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | FileUploadSession]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FileUploadRequest,
) -> ApiErrorEnvelope | FileUploadSession | None:
    """Negotiate a file upload

     Asks the server how to upload a file of the given name, type and size. The answer's `transport`
    decides, not the client's guess from the size:
    - `multipart`: post the file as `upload_file` does, to the answer's `url`; that request returns
      the stored file. Nothing needs completing or aborting.
    - `presigned-put`: `PUT` the raw bytes to the answer's `url` (a short-lived storage URL outside
      this API, no bearer token) with the answer's `headers`, then `complete_file_upload` with its
      `uploadId`; on failure, `abort_file_upload`.

    Decision: the route lives beside the other files routes (`/api/v1/files/uploads`); the official
    client 0.11.x calls it as `/v1/files/uploads` on `api.eigenpal.com`, the same API in that
    host's layout. The published document does not list it; its shape is the one the official
    client 0.11.x sends and reads. Decision: clients send a fresh `idempotencyKey` per file and reuse
    it when they resend the same negotiation, so a retried request does not create a second upload.

    Args:
        body (FileUploadRequest): What a client is about to upload (`create_file_upload`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | FileUploadSession
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
