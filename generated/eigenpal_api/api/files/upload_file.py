from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.file_upload_multipart_body import FileUploadMultipartBody
from ...models.uploaded_file import UploadedFile
from ...types import Response, remember_request_id


def _get_kwargs(
    *,
    body: FileUploadMultipartBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/files",
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | UploadedFile | None:
    if response.status_code == 200:
        response_200 = UploadedFile.from_dict(response.json())

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
) -> Response[ApiErrorEnvelope | UploadedFile]:
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
    body: FileUploadMultipartBody,
) -> Response[ApiErrorEnvelope | UploadedFile]:
    """Upload a file

     Uploads a reusable file in one multipart request (a `file` part, and optionally a `purpose` part).
    Runs then reference it from their input as `{"$fileId": "<id>"}`. For large files the upload
    negotiation (`create_file_upload`) may direct the bytes straight to storage instead; when it answers
    `transport: multipart`, the file is posted like this to the URL it gives.

    Args:
        body (FileUploadMultipartBody): Multipart body of `upload_file`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | UploadedFile]
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
    body: FileUploadMultipartBody,
) -> ApiErrorEnvelope | UploadedFile | None:
    """Upload a file

     Uploads a reusable file in one multipart request (a `file` part, and optionally a `purpose` part).
    Runs then reference it from their input as `{"$fileId": "<id>"}`. For large files the upload
    negotiation (`create_file_upload`) may direct the bytes straight to storage instead; when it answers
    `transport: multipart`, the file is posted like this to the URL it gives.

    Args:
        body (FileUploadMultipartBody): Multipart body of `upload_file`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | UploadedFile
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FileUploadMultipartBody,
) -> Response[ApiErrorEnvelope | UploadedFile]:
    """Upload a file

     Uploads a reusable file in one multipart request (a `file` part, and optionally a `purpose` part).
    Runs then reference it from their input as `{"$fileId": "<id>"}`. For large files the upload
    negotiation (`create_file_upload`) may direct the bytes straight to storage instead; when it answers
    `transport: multipart`, the file is posted like this to the URL it gives.

    Args:
        body (FileUploadMultipartBody): Multipart body of `upload_file`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | UploadedFile]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FileUploadMultipartBody,
) -> ApiErrorEnvelope | UploadedFile | None:
    """Upload a file

     Uploads a reusable file in one multipart request (a `file` part, and optionally a `purpose` part).
    Runs then reference it from their input as `{"$fileId": "<id>"}`. For large files the upload
    negotiation (`create_file_upload`) may direct the bytes straight to storage instead; when it answers
    `transport: multipart`, the file is posted like this to the URL it gives.

    Args:
        body (FileUploadMultipartBody): Multipart body of `upload_file`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | UploadedFile
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
