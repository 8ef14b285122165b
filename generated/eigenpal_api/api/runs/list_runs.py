from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.run_page import RunPage
from ...models.run_type import RunType
from ...types import UNSET, Response, Unset, remember_request_id


def _get_kwargs(
    *,
    type_: RunType | Unset = UNSET,
    status: str | Unset = UNSET,
    source: str | Unset = UNSET,
    source_ref: str | Unset = UNSET,
    trigger: str | Unset = UNSET,
    triggered_by: str | Unset = UNSET,
    batch_id: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    created_after: str | Unset = UNSET,
    created_before: str | Unset = UNSET,
    completed_after: str | Unset = UNSET,
    completed_before: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    order: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> dict[str, Any]:
    params: dict[str, Any] = {}

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_.value

    params["type"] = json_type_

    params["status"] = status

    params["source"] = source

    params["sourceRef"] = source_ref

    params["trigger"] = trigger

    params["triggeredBy"] = triggered_by

    params["batchId"] = batch_id

    params["exampleId"] = example_id

    params["ids"] = ids

    params["from"] = from_

    params["to"] = to

    params["createdAfter"] = created_after

    params["createdBefore"] = created_before

    params["completedAfter"] = completed_after

    params["completedBefore"] = completed_before

    params["sort"] = sort

    params["order"] = order

    params["cursor"] = cursor

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/runs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiErrorEnvelope | RunPage | None:
    if response.status_code == 200:
        response_200 = RunPage.from_dict(response.json())

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
) -> Response[ApiErrorEnvelope | RunPage]:
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
    type_: RunType | Unset = UNSET,
    status: str | Unset = UNSET,
    source: str | Unset = UNSET,
    source_ref: str | Unset = UNSET,
    trigger: str | Unset = UNSET,
    triggered_by: str | Unset = UNSET,
    batch_id: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    created_after: str | Unset = UNSET,
    created_before: str | Unset = UNSET,
    completed_after: str | Unset = UNSET,
    completed_before: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    order: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | RunPage]:
    """List runs

     Lists workflow and agent runs one page at a time: pass the previous page's `nextCursor` as
    `cursor` until it is null. Items have the `Run` shape without the terminal and expanded sections
    (`output`, `files`, `input`, `usage`, `debug`).

    Decision: the published document names the filters and their types but describes none of them
    (nor the default order); each description below says what its name means, unverified, and a
    client sends only the filters its caller gives.

    Decision: the date filters take ISO-8601 timestamps. The published document types them as plain
    strings and names no relative form, so relative dates (`now()-7d`) are a client-side convenience
    resolved before sending. Decision: the review, experiment and sampling filters of the published
    list (`reviewStatus`, `hasReview`, `experiments`, `sampleRate`, ...) are not part of this
    contract, which covers the runs core.

    Args:
        type_ (RunType | Unset): The kind of automation a run belongs to.
        status (str | Unset):
        source (str | Unset):
        source_ref (str | Unset):
        trigger (str | Unset):
        triggered_by (str | Unset):
        batch_id (str | Unset):
        example_id (str | Unset):
        ids (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        created_after (str | Unset):
        created_before (str | Unset):
        completed_after (str | Unset):
        completed_before (str | Unset):
        sort (str | Unset):
        order (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | RunPage]
    """

    kwargs = _get_kwargs(
        type_=type_,
        status=status,
        source=source,
        source_ref=source_ref,
        trigger=trigger,
        triggered_by=triggered_by,
        batch_id=batch_id,
        example_id=example_id,
        ids=ids,
        from_=from_,
        to=to,
        created_after=created_after,
        created_before=created_before,
        completed_after=completed_after,
        completed_before=completed_before,
        sort=sort,
        order=order,
        cursor=cursor,
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
    type_: RunType | Unset = UNSET,
    status: str | Unset = UNSET,
    source: str | Unset = UNSET,
    source_ref: str | Unset = UNSET,
    trigger: str | Unset = UNSET,
    triggered_by: str | Unset = UNSET,
    batch_id: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    created_after: str | Unset = UNSET,
    created_before: str | Unset = UNSET,
    completed_after: str | Unset = UNSET,
    completed_before: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    order: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> ApiErrorEnvelope | RunPage | None:
    """List runs

     Lists workflow and agent runs one page at a time: pass the previous page's `nextCursor` as
    `cursor` until it is null. Items have the `Run` shape without the terminal and expanded sections
    (`output`, `files`, `input`, `usage`, `debug`).

    Decision: the published document names the filters and their types but describes none of them
    (nor the default order); each description below says what its name means, unverified, and a
    client sends only the filters its caller gives.

    Decision: the date filters take ISO-8601 timestamps. The published document types them as plain
    strings and names no relative form, so relative dates (`now()-7d`) are a client-side convenience
    resolved before sending. Decision: the review, experiment and sampling filters of the published
    list (`reviewStatus`, `hasReview`, `experiments`, `sampleRate`, ...) are not part of this
    contract, which covers the runs core.

    Args:
        type_ (RunType | Unset): The kind of automation a run belongs to.
        status (str | Unset):
        source (str | Unset):
        source_ref (str | Unset):
        trigger (str | Unset):
        triggered_by (str | Unset):
        batch_id (str | Unset):
        example_id (str | Unset):
        ids (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        created_after (str | Unset):
        created_before (str | Unset):
        completed_after (str | Unset):
        completed_before (str | Unset):
        sort (str | Unset):
        order (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | RunPage
    """

    return sync_detailed(
        client=client,
        type_=type_,
        status=status,
        source=source,
        source_ref=source_ref,
        trigger=trigger,
        triggered_by=triggered_by,
        batch_id=batch_id,
        example_id=example_id,
        ids=ids,
        from_=from_,
        to=to,
        created_after=created_after,
        created_before=created_before,
        completed_after=completed_after,
        completed_before=completed_before,
        sort=sort,
        order=order,
        cursor=cursor,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    type_: RunType | Unset = UNSET,
    status: str | Unset = UNSET,
    source: str | Unset = UNSET,
    source_ref: str | Unset = UNSET,
    trigger: str | Unset = UNSET,
    triggered_by: str | Unset = UNSET,
    batch_id: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    created_after: str | Unset = UNSET,
    created_before: str | Unset = UNSET,
    completed_after: str | Unset = UNSET,
    completed_before: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    order: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> Response[ApiErrorEnvelope | RunPage]:
    """List runs

     Lists workflow and agent runs one page at a time: pass the previous page's `nextCursor` as
    `cursor` until it is null. Items have the `Run` shape without the terminal and expanded sections
    (`output`, `files`, `input`, `usage`, `debug`).

    Decision: the published document names the filters and their types but describes none of them
    (nor the default order); each description below says what its name means, unverified, and a
    client sends only the filters its caller gives.

    Decision: the date filters take ISO-8601 timestamps. The published document types them as plain
    strings and names no relative form, so relative dates (`now()-7d`) are a client-side convenience
    resolved before sending. Decision: the review, experiment and sampling filters of the published
    list (`reviewStatus`, `hasReview`, `experiments`, `sampleRate`, ...) are not part of this
    contract, which covers the runs core.

    Args:
        type_ (RunType | Unset): The kind of automation a run belongs to.
        status (str | Unset):
        source (str | Unset):
        source_ref (str | Unset):
        trigger (str | Unset):
        triggered_by (str | Unset):
        batch_id (str | Unset):
        example_id (str | Unset):
        ids (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        created_after (str | Unset):
        created_before (str | Unset):
        completed_after (str | Unset):
        completed_before (str | Unset):
        sort (str | Unset):
        order (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | RunPage]
    """

    kwargs = _get_kwargs(
        type_=type_,
        status=status,
        source=source,
        source_ref=source_ref,
        trigger=trigger,
        triggered_by=triggered_by,
        batch_id=batch_id,
        example_id=example_id,
        ids=ids,
        from_=from_,
        to=to,
        created_after=created_after,
        created_before=created_before,
        completed_after=completed_after,
        completed_before=completed_before,
        sort=sort,
        order=order,
        cursor=cursor,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    type_: RunType | Unset = UNSET,
    status: str | Unset = UNSET,
    source: str | Unset = UNSET,
    source_ref: str | Unset = UNSET,
    trigger: str | Unset = UNSET,
    triggered_by: str | Unset = UNSET,
    batch_id: str | Unset = UNSET,
    example_id: str | Unset = UNSET,
    ids: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    created_after: str | Unset = UNSET,
    created_before: str | Unset = UNSET,
    completed_after: str | Unset = UNSET,
    completed_before: str | Unset = UNSET,
    sort: str | Unset = UNSET,
    order: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> ApiErrorEnvelope | RunPage | None:
    """List runs

     Lists workflow and agent runs one page at a time: pass the previous page's `nextCursor` as
    `cursor` until it is null. Items have the `Run` shape without the terminal and expanded sections
    (`output`, `files`, `input`, `usage`, `debug`).

    Decision: the published document names the filters and their types but describes none of them
    (nor the default order); each description below says what its name means, unverified, and a
    client sends only the filters its caller gives.

    Decision: the date filters take ISO-8601 timestamps. The published document types them as plain
    strings and names no relative form, so relative dates (`now()-7d`) are a client-side convenience
    resolved before sending. Decision: the review, experiment and sampling filters of the published
    list (`reviewStatus`, `hasReview`, `experiments`, `sampleRate`, ...) are not part of this
    contract, which covers the runs core.

    Args:
        type_ (RunType | Unset): The kind of automation a run belongs to.
        status (str | Unset):
        source (str | Unset):
        source_ref (str | Unset):
        trigger (str | Unset):
        triggered_by (str | Unset):
        batch_id (str | Unset):
        example_id (str | Unset):
        ids (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        created_after (str | Unset):
        created_before (str | Unset):
        completed_after (str | Unset):
        completed_before (str | Unset):
        sort (str | Unset):
        order (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):
        offset (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | RunPage
    """

    return (
        await asyncio_detailed(
            client=client,
            type_=type_,
            status=status,
            source=source,
            source_ref=source_ref,
            trigger=trigger,
            triggered_by=triggered_by,
            batch_id=batch_id,
            example_id=example_id,
            ids=ids,
            from_=from_,
            to=to,
            created_after=created_after,
            created_before=created_before,
            completed_after=completed_after,
            completed_before=completed_before,
            sort=sort,
            order=order,
            cursor=cursor,
            limit=limit,
            offset=offset,
        )
    ).parsed
