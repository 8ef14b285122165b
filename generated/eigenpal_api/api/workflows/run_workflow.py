from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.run_workflow_body import RunWorkflowBody
from ...models.run_workflow_multipart_body import RunWorkflowMultipartBody
from ...models.started_execution import StartedExecution
from ...types import UNSET, Response, Unset, remember_request_id


def _get_kwargs(
    id: str,
    *,
    body: RunWorkflowBody | RunWorkflowMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["version"] = version

    params["wait_for_completion"] = wait_for_completion

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workflows/{id}/run".format(
            id=quote(str(id), safe="") if str(id) not in (".", "..") else str(id).replace(".", "%2E"),
        ),
        "params": params,
    }

    if isinstance(body, RunWorkflowBody):
        if not isinstance(body, Unset):
            _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, RunWorkflowMultipartBody):
        if not isinstance(body, Unset):
            _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | StartedExecution | None:
    if response.status_code == 201:
        response_201 = StartedExecution.from_dict(response.json())

        return response_201

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
) -> Response[ApiErrorEnvelope | StartedExecution]:
    parsed = _parse_response(client=client, response=response)
    remember_request_id(parsed, response.headers.get("x-request-id"))
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunWorkflowBody | RunWorkflowMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | StartedExecution]:
    """Run a workflow

     Enqueues an execution of the workflow and answers 201 with its `executionId` at once.

    With `wait_for_completion=<seconds>` (at most 60) the server holds the request until the
    execution is terminal or the window ends; when it finished inside the window the body also
    carries `status`, `result` and `error`, otherwise only `executionId` (poll
    `GET /api/v1/workflows/executions/{executionId}`). The status code is 201 either way.
    Decision: a hold can end a little after 60 s (the server answers once the window closes, plus
    processing and network time), so clients must give this request a read timeout of the hold plus
    a margin; a value above 60 is rejected with 400, as the documented maximum implies.

    File inputs go as `multipart/form-data`: every top-level file input is its own part named after
    the input key, and one `_json` text part carries the rest (`input` scalars, `overrides`,
    `trigger`) as JSON. Files nested inside lists or objects are not supported. Decision: base64
    files inside JSON and `{file_id}` references are not part of this contract, since no 0.4.12
    source specifies them.

    Args:
        id (str):
        version (str | Unset):
        wait_for_completion (int | Unset):
        body (RunWorkflowBody | Unset): JSON body of a run. Every field is optional.
        body (RunWorkflowMultipartBody | Unset): Multipart body of a run: one part per top-level
            file input, named after the input key, plus an optional `_json` text part.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | StartedExecution]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        version=version,
        wait_for_completion=wait_for_completion,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunWorkflowBody | RunWorkflowMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
) -> ApiErrorEnvelope | StartedExecution | None:
    """Run a workflow

     Enqueues an execution of the workflow and answers 201 with its `executionId` at once.

    With `wait_for_completion=<seconds>` (at most 60) the server holds the request until the
    execution is terminal or the window ends; when it finished inside the window the body also
    carries `status`, `result` and `error`, otherwise only `executionId` (poll
    `GET /api/v1/workflows/executions/{executionId}`). The status code is 201 either way.
    Decision: a hold can end a little after 60 s (the server answers once the window closes, plus
    processing and network time), so clients must give this request a read timeout of the hold plus
    a margin; a value above 60 is rejected with 400, as the documented maximum implies.

    File inputs go as `multipart/form-data`: every top-level file input is its own part named after
    the input key, and one `_json` text part carries the rest (`input` scalars, `overrides`,
    `trigger`) as JSON. Files nested inside lists or objects are not supported. Decision: base64
    files inside JSON and `{file_id}` references are not part of this contract, since no 0.4.12
    source specifies them.

    Args:
        id (str):
        version (str | Unset):
        wait_for_completion (int | Unset):
        body (RunWorkflowBody | Unset): JSON body of a run. Every field is optional.
        body (RunWorkflowMultipartBody | Unset): Multipart body of a run: one part per top-level
            file input, named after the input key, plus an optional `_json` text part.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | StartedExecution
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        version=version,
        wait_for_completion=wait_for_completion,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunWorkflowBody | RunWorkflowMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | StartedExecution]:
    """Run a workflow

     Enqueues an execution of the workflow and answers 201 with its `executionId` at once.

    With `wait_for_completion=<seconds>` (at most 60) the server holds the request until the
    execution is terminal or the window ends; when it finished inside the window the body also
    carries `status`, `result` and `error`, otherwise only `executionId` (poll
    `GET /api/v1/workflows/executions/{executionId}`). The status code is 201 either way.
    Decision: a hold can end a little after 60 s (the server answers once the window closes, plus
    processing and network time), so clients must give this request a read timeout of the hold plus
    a margin; a value above 60 is rejected with 400, as the documented maximum implies.

    File inputs go as `multipart/form-data`: every top-level file input is its own part named after
    the input key, and one `_json` text part carries the rest (`input` scalars, `overrides`,
    `trigger`) as JSON. Files nested inside lists or objects are not supported. Decision: base64
    files inside JSON and `{file_id}` references are not part of this contract, since no 0.4.12
    source specifies them.

    Args:
        id (str):
        version (str | Unset):
        wait_for_completion (int | Unset):
        body (RunWorkflowBody | Unset): JSON body of a run. Every field is optional.
        body (RunWorkflowMultipartBody | Unset): Multipart body of a run: one part per top-level
            file input, named after the input key, plus an optional `_json` text part.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | StartedExecution]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        version=version,
        wait_for_completion=wait_for_completion,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: RunWorkflowBody | RunWorkflowMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
) -> ApiErrorEnvelope | StartedExecution | None:
    """Run a workflow

     Enqueues an execution of the workflow and answers 201 with its `executionId` at once.

    With `wait_for_completion=<seconds>` (at most 60) the server holds the request until the
    execution is terminal or the window ends; when it finished inside the window the body also
    carries `status`, `result` and `error`, otherwise only `executionId` (poll
    `GET /api/v1/workflows/executions/{executionId}`). The status code is 201 either way.
    Decision: a hold can end a little after 60 s (the server answers once the window closes, plus
    processing and network time), so clients must give this request a read timeout of the hold plus
    a margin; a value above 60 is rejected with 400, as the documented maximum implies.

    File inputs go as `multipart/form-data`: every top-level file input is its own part named after
    the input key, and one `_json` text part carries the rest (`input` scalars, `overrides`,
    `trigger`) as JSON. Files nested inside lists or objects are not supported. Decision: base64
    files inside JSON and `{file_id}` references are not part of this contract, since no 0.4.12
    source specifies them.

    Args:
        id (str):
        version (str | Unset):
        wait_for_completion (int | Unset):
        body (RunWorkflowBody | Unset): JSON body of a run. Every field is optional.
        body (RunWorkflowMultipartBody | Unset): Multipart body of a run: one part per top-level
            file input, named after the input key, plus an optional `_json` text part.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | StartedExecution
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            version=version,
            wait_for_completion=wait_for_completion,
        )
    ).parsed
