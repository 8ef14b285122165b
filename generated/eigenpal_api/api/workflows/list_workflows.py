from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.workflow_kind import WorkflowKind
from ...models.workflow_page import WorkflowPage
from ...types import UNSET, Response, Unset, remember_request_id


def _get_kwargs(
    *,
    search: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: WorkflowKind | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    params["search"] = search

    params["name"] = name

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workflows",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | WorkflowPage | None:
    if response.status_code == 200:
        response_200 = WorkflowPage.from_dict(response.json())

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
) -> Response[ApiErrorEnvelope | WorkflowPage]:
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
    search: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: WorkflowKind | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | WorkflowPage]:
    """List workflows

     Lists the workflows the API key can access, paginated with `limit`/`offset`. Use `name` for an exact
    slug lookup and `search` for a substring match.

    Args:
        search (str | Unset):
        name (str | Unset):
        kind (WorkflowKind | Unset): Kind of workflow; `block` workflows are reusable building
            blocks of other workflows.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | WorkflowPage]
    """

    kwargs = _get_kwargs(
        search=search,
        name=name,
        kind=kind,
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    search: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: WorkflowKind | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> ApiErrorEnvelope | WorkflowPage | None:
    """List workflows

     Lists the workflows the API key can access, paginated with `limit`/`offset`. Use `name` for an exact
    slug lookup and `search` for a substring match.

    Args:
        search (str | Unset):
        name (str | Unset):
        kind (WorkflowKind | Unset): Kind of workflow; `block` workflows are reusable building
            blocks of other workflows.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | WorkflowPage
    """

    return sync_detailed(
        client=client,
        search=search,
        name=name,
        kind=kind,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    search: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: WorkflowKind | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | WorkflowPage]:
    """List workflows

     Lists the workflows the API key can access, paginated with `limit`/`offset`. Use `name` for an exact
    slug lookup and `search` for a substring match.

    Args:
        search (str | Unset):
        name (str | Unset):
        kind (WorkflowKind | Unset): Kind of workflow; `block` workflows are reusable building
            blocks of other workflows.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | WorkflowPage]
    """

    kwargs = _get_kwargs(
        search=search,
        name=name,
        kind=kind,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    search: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: WorkflowKind | Unset = UNSET,
    limit: int | Unset = 50,
    offset: int | Unset = UNSET,
) -> ApiErrorEnvelope | WorkflowPage | None:
    """List workflows

     Lists the workflows the API key can access, paginated with `limit`/`offset`. Use `name` for an exact
    slug lookup and `search` for a substring match.

    Args:
        search (str | Unset):
        name (str | Unset):
        kind (WorkflowKind | Unset): Kind of workflow; `block` workflows are reusable building
            blocks of other workflows.
        limit (int | Unset):  Default: 50.
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | WorkflowPage
    """

    return (
        await asyncio_detailed(
            client=client,
            search=search,
            name=name,
            kind=kind,
            limit=limit,
            offset=offset,
        )
    ).parsed
