from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.execution import Execution
from ...models.execution_summary import ExecutionSummary
from ...models.include_steps import IncludeSteps
from ...types import UNSET, Response, Unset, remember_request_id


def _get_kwargs(
    execution_id: str,
    *,
    include_steps: IncludeSteps | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    json_include_steps: str | Unset = UNSET
    if not isinstance(include_steps, Unset):
        json_include_steps = include_steps.value

    params["includeSteps"] = json_include_steps

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workflows/executions/{execution_id}".format(
            execution_id=quote(str(execution_id), safe="")
            if str(execution_id) not in (".", "..")
            else str(execution_id).replace(".", "%2E"),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | Execution | ExecutionSummary | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> Execution | ExecutionSummary:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = Execution.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = ExecutionSummary.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

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
) -> Response[ApiErrorEnvelope | Execution | ExecutionSummary]:
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
    include_steps: IncludeSteps | Unset = UNSET,
) -> Response[ApiErrorEnvelope | Execution | ExecutionSummary]:
    """Get an execution's status

     Returns the execution's current status, timestamps, and result or error; with `includeSteps=true`
    the body also carries the per-step payload (`steps`, `overrides`, ...). Decision: the answer is
    `anyOf` the status shape (keyed by `executionId`) and the `ExecutionSummary` shape (keyed by `id`),
    because the 0.4.12 schema declares both (as a `oneOf`, which open objects carrying both keys would
    fail); clients read either, taking `id` as the execution id when `executionId` is absent.

    Args:
        execution_id (str):
        include_steps (IncludeSteps | Unset): The strings `true` or `false` (the wire form of a
            boolean query flag).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | Execution | ExecutionSummary]
    """

    kwargs = _get_kwargs(
        execution_id=execution_id,
        include_steps=include_steps,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    execution_id: str,
    *,
    client: AuthenticatedClient | Client,
    include_steps: IncludeSteps | Unset = UNSET,
) -> ApiErrorEnvelope | Execution | ExecutionSummary | None:
    """Get an execution's status

     Returns the execution's current status, timestamps, and result or error; with `includeSteps=true`
    the body also carries the per-step payload (`steps`, `overrides`, ...). Decision: the answer is
    `anyOf` the status shape (keyed by `executionId`) and the `ExecutionSummary` shape (keyed by `id`),
    because the 0.4.12 schema declares both (as a `oneOf`, which open objects carrying both keys would
    fail); clients read either, taking `id` as the execution id when `executionId` is absent.

    Args:
        execution_id (str):
        include_steps (IncludeSteps | Unset): The strings `true` or `false` (the wire form of a
            boolean query flag).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | Execution | ExecutionSummary
    """

    return sync_detailed(
        execution_id=execution_id,
        client=client,
        include_steps=include_steps,
    ).parsed


async def asyncio_detailed(
    execution_id: str,
    *,
    client: AuthenticatedClient | Client,
    include_steps: IncludeSteps | Unset = UNSET,
) -> Response[ApiErrorEnvelope | Execution | ExecutionSummary]:
    """Get an execution's status

     Returns the execution's current status, timestamps, and result or error; with `includeSteps=true`
    the body also carries the per-step payload (`steps`, `overrides`, ...). Decision: the answer is
    `anyOf` the status shape (keyed by `executionId`) and the `ExecutionSummary` shape (keyed by `id`),
    because the 0.4.12 schema declares both (as a `oneOf`, which open objects carrying both keys would
    fail); clients read either, taking `id` as the execution id when `executionId` is absent.

    Args:
        execution_id (str):
        include_steps (IncludeSteps | Unset): The strings `true` or `false` (the wire form of a
            boolean query flag).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | Execution | ExecutionSummary]
    """

    kwargs = _get_kwargs(
        execution_id=execution_id,
        include_steps=include_steps,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    execution_id: str,
    *,
    client: AuthenticatedClient | Client,
    include_steps: IncludeSteps | Unset = UNSET,
) -> ApiErrorEnvelope | Execution | ExecutionSummary | None:
    """Get an execution's status

     Returns the execution's current status, timestamps, and result or error; with `includeSteps=true`
    the body also carries the per-step payload (`steps`, `overrides`, ...). Decision: the answer is
    `anyOf` the status shape (keyed by `executionId`) and the `ExecutionSummary` shape (keyed by `id`),
    because the 0.4.12 schema declares both (as a `oneOf`, which open objects carrying both keys would
    fail); clients read either, taking `id` as the execution id when `executionId` is absent.

    Args:
        execution_id (str):
        include_steps (IncludeSteps | Unset): The strings `true` or `false` (the wire form of a
            boolean query flag).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | Execution | ExecutionSummary
    """

    return (
        await asyncio_detailed(
            execution_id=execution_id,
            client=client,
            include_steps=include_steps,
        )
    ).parsed
