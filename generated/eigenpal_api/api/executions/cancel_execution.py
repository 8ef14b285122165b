from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.execution_cancellation import ExecutionCancellation
from ...types import Response, remember_request_id


def _get_kwargs(
    execution_id: str,
) -> dict[str, Any]:
    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workflows/executions/{execution_id}/cancel".format(
            execution_id=quote(str(execution_id), safe="")
            if str(execution_id) not in (".", "..")
            else str(execution_id).replace(".", "%2E"),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | ExecutionCancellation | None:
    if response.status_code == 200:
        response_200 = ExecutionCancellation.from_dict(response.json())

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
) -> Response[ApiErrorEnvelope | ExecutionCancellation]:
    parsed = _parse_response(client=client, response=response)
    remember_request_id(parsed, response.headers.get("x-request-id"))
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    execution_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorEnvelope | ExecutionCancellation]:
    """Cancel an execution

     Idempotent. A `created` or `pending` execution becomes `cancelled` at once; a `running`, `waiting`
    or `finalizing` one gets a cancellation request that the worker honours at its next checkpoint (poll
    until a terminal status); a terminal one is left alone (`already-terminal`). Repeated calls succeed.
    Decision: `finalizing` is treated like `running`, since the sources leave it open and a finalizing
    step can still stop at a checkpoint (or complete first).

    Args:
        execution_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | ExecutionCancellation]
    """

    kwargs = _get_kwargs(
        execution_id=execution_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    execution_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorEnvelope | ExecutionCancellation | None:
    """Cancel an execution

     Idempotent. A `created` or `pending` execution becomes `cancelled` at once; a `running`, `waiting`
    or `finalizing` one gets a cancellation request that the worker honours at its next checkpoint (poll
    until a terminal status); a terminal one is left alone (`already-terminal`). Repeated calls succeed.
    Decision: `finalizing` is treated like `running`, since the sources leave it open and a finalizing
    step can still stop at a checkpoint (or complete first).

    Args:
        execution_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | ExecutionCancellation
    """

    return sync_detailed(
        execution_id=execution_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    execution_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ApiErrorEnvelope | ExecutionCancellation]:
    """Cancel an execution

     Idempotent. A `created` or `pending` execution becomes `cancelled` at once; a `running`, `waiting`
    or `finalizing` one gets a cancellation request that the worker honours at its next checkpoint (poll
    until a terminal status); a terminal one is left alone (`already-terminal`). Repeated calls succeed.
    Decision: `finalizing` is treated like `running`, since the sources leave it open and a finalizing
    step can still stop at a checkpoint (or complete first).

    Args:
        execution_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | ExecutionCancellation]
    """

    kwargs = _get_kwargs(
        execution_id=execution_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    execution_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ApiErrorEnvelope | ExecutionCancellation | None:
    """Cancel an execution

     Idempotent. A `created` or `pending` execution becomes `cancelled` at once; a `running`, `waiting`
    or `finalizing` one gets a cancellation request that the worker honours at its next checkpoint (poll
    until a terminal status); a terminal one is left alone (`already-terminal`). Repeated calls succeed.
    Decision: `finalizing` is treated like `running`, since the sources leave it open and a finalizing
    step can still stop at a checkpoint (or complete first).

    Args:
        execution_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | ExecutionCancellation
    """

    return (
        await asyncio_detailed(
            execution_id=execution_id,
            client=client,
        )
    ).parsed
