from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.execution_page import ExecutionPage
from ...types import UNSET, Response, Unset, remember_request_id


def _get_kwargs(
    id: str,
    *,
    status: str | Unset = UNSET,
    from_date: str | Unset = UNSET,
    to_date: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["status"] = status

    params["fromDate"] = from_date

    params["toDate"] = to_date

    params["exampleId"] = example_id

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workflows/{id}/executions".format(
            id=quote(str(id), safe="") if str(id) not in (".", "..") else str(id).replace(".", "%2E"),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | ExecutionPage | None:
    if response.status_code == 200:
        response_200 = ExecutionPage.from_dict(response.json())

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
) -> Response[ApiErrorEnvelope | ExecutionPage]:
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
    status: str | Unset = UNSET,
    from_date: str | Unset = UNSET,
    to_date: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | ExecutionPage]:
    """List a workflow's executions

     Returns the executions of one workflow, newest first, optionally filtered by status, creation date
    range or eval example; paginated with `limit`/`offset`. Decision: `limit` defaults to 50 like the
    other lists but declares no maximum, because the 0.4.12 sources give this list none; a server may
    still cap the page it returns (it echoes the `limit` it used).

    Args:
        id (str):
        status (str | Unset):
        from_date (str | Unset):
        to_date (str | Unset):
        example_id (str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | ExecutionPage]
    """

    kwargs = _get_kwargs(
        id=id,
        status=status,
        from_date=from_date,
        to_date=to_date,
        example_id=example_id,
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    status: str | Unset = UNSET,
    from_date: str | Unset = UNSET,
    to_date: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> ApiErrorEnvelope | ExecutionPage | None:
    """List a workflow's executions

     Returns the executions of one workflow, newest first, optionally filtered by status, creation date
    range or eval example; paginated with `limit`/`offset`. Decision: `limit` defaults to 50 like the
    other lists but declares no maximum, because the 0.4.12 sources give this list none; a server may
    still cap the page it returns (it echoes the `limit` it used).

    Args:
        id (str):
        status (str | Unset):
        from_date (str | Unset):
        to_date (str | Unset):
        example_id (str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | ExecutionPage
    """

    return sync_detailed(
        id=id,
        client=client,
        status=status,
        from_date=from_date,
        to_date=to_date,
        example_id=example_id,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    status: str | Unset = UNSET,
    from_date: str | Unset = UNSET,
    to_date: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | ExecutionPage]:
    """List a workflow's executions

     Returns the executions of one workflow, newest first, optionally filtered by status, creation date
    range or eval example; paginated with `limit`/`offset`. Decision: `limit` defaults to 50 like the
    other lists but declares no maximum, because the 0.4.12 sources give this list none; a server may
    still cap the page it returns (it echoes the `limit` it used).

    Args:
        id (str):
        status (str | Unset):
        from_date (str | Unset):
        to_date (str | Unset):
        example_id (str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | ExecutionPage]
    """

    kwargs = _get_kwargs(
        id=id,
        status=status,
        from_date=from_date,
        to_date=to_date,
        example_id=example_id,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    status: str | Unset = UNSET,
    from_date: str | Unset = UNSET,
    to_date: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> ApiErrorEnvelope | ExecutionPage | None:
    """List a workflow's executions

     Returns the executions of one workflow, newest first, optionally filtered by status, creation date
    range or eval example; paginated with `limit`/`offset`. Decision: `limit` defaults to 50 like the
    other lists but declares no maximum, because the 0.4.12 sources give this list none; a server may
    still cap the page it returns (it echoes the `limit` it used).

    Args:
        id (str):
        status (str | Unset):
        from_date (str | Unset):
        to_date (str | Unset):
        example_id (str | Unset):
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | ExecutionPage
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            status=status,
            from_date=from_date,
            to_date=to_date,
            example_id=example_id,
            limit=limit,
            offset=offset,
        )
    ).parsed
