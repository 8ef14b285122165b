from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error_envelope import ApiErrorEnvelope
from ...models.run import Run
from ...models.run_start_body import RunStartBody
from ...models.run_start_multipart_body import RunStartMultipartBody
from ...models.run_trigger import RunTrigger
from ...types import UNSET, Response, Unset, remember_request_id


def _get_kwargs(
    *,
    body: RunStartBody | RunStartMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
    x_eigenpal_trigger: RunTrigger | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_eigenpal_trigger, Unset):
        headers["X-Eigenpal-Trigger"] = str(x_eigenpal_trigger)

    params: dict[str, Any] = {}

    params["version"] = version

    params["wait_for_completion"] = wait_for_completion

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/runs",
        "params": params,
    }

    if isinstance(body, RunStartBody):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, RunStartMultipartBody):
        _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ApiErrorEnvelope | Run | None:
    if response.status_code == 200:
        response_200 = Run.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Run.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = Run.from_dict(response.json())

        return response_202

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
) -> Response[ApiErrorEnvelope | Run]:
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
    body: RunStartBody | RunStartMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
    x_eigenpal_trigger: RunTrigger | Unset = UNSET,
) -> Response[ApiErrorEnvelope | Run]:
    """Start a run

     Starts a run of an automation named by `target` (`workflows.<slug>` or `agents.<slug>`) and
    answers with the run. Without `wait_for_completion` the answer is 201 at once (the run is
    accepted, usually not finished). With `wait_for_completion=<seconds>` (0 to 600) the server holds
    the request: 200 when the run finished inside the window (the same body as `get_run`), 202 when
    the window ended first (poll `get_run`). Every success body is a `Run`; `finished` says whether
    it is terminal.

    Inputs go as JSON (`RunStartBody`), or as `multipart/form-data` when files travel with the
    request (`RunStartMultipartBody`: a `target` part, the other inputs as a JSON `input` part, one
    `files.<input key>` part per file). A file uploaded beforehand (`upload_file`, or the upload
    negotiation) is referenced from `input` as `{"$fileId": "<file id>"}`.

    Decision: starting a run is not idempotent. No source documents an `Idempotency-Key` on this
    route (the official client 0.11.x sends none), so a client must not resend a start whose answer
    it did not read; it looks the run up instead.
    Decision: a hold can end a little after the requested seconds (the answer is written once the
    window closes, plus processing and network time), so clients give this request a read timeout of
    the hold plus a margin.

    Args:
        version (str | Unset):
        wait_for_completion (int | Unset):
        x_eigenpal_trigger (RunTrigger | Unset): Caller surface recorded on the execution (`api`
            when omitted).
        body (RunStartBody): JSON body of `start_run`. Decision: file inputs go in `input` as
            `FileIdReference` values (what the official client 0.11.x sends after pre-uploading a
            large file); the `files` map of the published document is declared too, for callers who
            keep files apart from scalar inputs.
        body (RunStartMultipartBody): Multipart body of `start_run`: a `target` part, the other
            fields as JSON parts (each sent as `application/json`), and one binary part per file input
            named `files.<input key>` (e.g. `files.invoice`). Decision: a file part's name carries the
            `files.` prefix, as the official client 0.11.x sends it; the generated model takes part
            names as written.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | Run]
    """

    kwargs = _get_kwargs(
        body=body,
        version=version,
        wait_for_completion=wait_for_completion,
        x_eigenpal_trigger=x_eigenpal_trigger,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: RunStartBody | RunStartMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
    x_eigenpal_trigger: RunTrigger | Unset = UNSET,
) -> ApiErrorEnvelope | Run | None:
    """Start a run

     Starts a run of an automation named by `target` (`workflows.<slug>` or `agents.<slug>`) and
    answers with the run. Without `wait_for_completion` the answer is 201 at once (the run is
    accepted, usually not finished). With `wait_for_completion=<seconds>` (0 to 600) the server holds
    the request: 200 when the run finished inside the window (the same body as `get_run`), 202 when
    the window ended first (poll `get_run`). Every success body is a `Run`; `finished` says whether
    it is terminal.

    Inputs go as JSON (`RunStartBody`), or as `multipart/form-data` when files travel with the
    request (`RunStartMultipartBody`: a `target` part, the other inputs as a JSON `input` part, one
    `files.<input key>` part per file). A file uploaded beforehand (`upload_file`, or the upload
    negotiation) is referenced from `input` as `{"$fileId": "<file id>"}`.

    Decision: starting a run is not idempotent. No source documents an `Idempotency-Key` on this
    route (the official client 0.11.x sends none), so a client must not resend a start whose answer
    it did not read; it looks the run up instead.
    Decision: a hold can end a little after the requested seconds (the answer is written once the
    window closes, plus processing and network time), so clients give this request a read timeout of
    the hold plus a margin.

    Args:
        version (str | Unset):
        wait_for_completion (int | Unset):
        x_eigenpal_trigger (RunTrigger | Unset): Caller surface recorded on the execution (`api`
            when omitted).
        body (RunStartBody): JSON body of `start_run`. Decision: file inputs go in `input` as
            `FileIdReference` values (what the official client 0.11.x sends after pre-uploading a
            large file); the `files` map of the published document is declared too, for callers who
            keep files apart from scalar inputs.
        body (RunStartMultipartBody): Multipart body of `start_run`: a `target` part, the other
            fields as JSON parts (each sent as `application/json`), and one binary part per file input
            named `files.<input key>` (e.g. `files.invoice`). Decision: a file part's name carries the
            `files.` prefix, as the official client 0.11.x sends it; the generated model takes part
            names as written.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | Run
    """

    return sync_detailed(
        client=client,
        body=body,
        version=version,
        wait_for_completion=wait_for_completion,
        x_eigenpal_trigger=x_eigenpal_trigger,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RunStartBody | RunStartMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
    x_eigenpal_trigger: RunTrigger | Unset = UNSET,
) -> Response[ApiErrorEnvelope | Run]:
    """Start a run

     Starts a run of an automation named by `target` (`workflows.<slug>` or `agents.<slug>`) and
    answers with the run. Without `wait_for_completion` the answer is 201 at once (the run is
    accepted, usually not finished). With `wait_for_completion=<seconds>` (0 to 600) the server holds
    the request: 200 when the run finished inside the window (the same body as `get_run`), 202 when
    the window ended first (poll `get_run`). Every success body is a `Run`; `finished` says whether
    it is terminal.

    Inputs go as JSON (`RunStartBody`), or as `multipart/form-data` when files travel with the
    request (`RunStartMultipartBody`: a `target` part, the other inputs as a JSON `input` part, one
    `files.<input key>` part per file). A file uploaded beforehand (`upload_file`, or the upload
    negotiation) is referenced from `input` as `{"$fileId": "<file id>"}`.

    Decision: starting a run is not idempotent. No source documents an `Idempotency-Key` on this
    route (the official client 0.11.x sends none), so a client must not resend a start whose answer
    it did not read; it looks the run up instead.
    Decision: a hold can end a little after the requested seconds (the answer is written once the
    window closes, plus processing and network time), so clients give this request a read timeout of
    the hold plus a margin.

    Args:
        version (str | Unset):
        wait_for_completion (int | Unset):
        x_eigenpal_trigger (RunTrigger | Unset): Caller surface recorded on the execution (`api`
            when omitted).
        body (RunStartBody): JSON body of `start_run`. Decision: file inputs go in `input` as
            `FileIdReference` values (what the official client 0.11.x sends after pre-uploading a
            large file); the `files` map of the published document is declared too, for callers who
            keep files apart from scalar inputs.
        body (RunStartMultipartBody): Multipart body of `start_run`: a `target` part, the other
            fields as JSON parts (each sent as `application/json`), and one binary part per file input
            named `files.<input key>` (e.g. `files.invoice`). Decision: a file part's name carries the
            `files.` prefix, as the official client 0.11.x sends it; the generated model takes part
            names as written.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiErrorEnvelope | Run]
    """

    kwargs = _get_kwargs(
        body=body,
        version=version,
        wait_for_completion=wait_for_completion,
        x_eigenpal_trigger=x_eigenpal_trigger,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: RunStartBody | RunStartMultipartBody | Unset = UNSET,
    version: str | Unset = UNSET,
    wait_for_completion: int | Unset = UNSET,
    x_eigenpal_trigger: RunTrigger | Unset = UNSET,
) -> ApiErrorEnvelope | Run | None:
    """Start a run

     Starts a run of an automation named by `target` (`workflows.<slug>` or `agents.<slug>`) and
    answers with the run. Without `wait_for_completion` the answer is 201 at once (the run is
    accepted, usually not finished). With `wait_for_completion=<seconds>` (0 to 600) the server holds
    the request: 200 when the run finished inside the window (the same body as `get_run`), 202 when
    the window ended first (poll `get_run`). Every success body is a `Run`; `finished` says whether
    it is terminal.

    Inputs go as JSON (`RunStartBody`), or as `multipart/form-data` when files travel with the
    request (`RunStartMultipartBody`: a `target` part, the other inputs as a JSON `input` part, one
    `files.<input key>` part per file). A file uploaded beforehand (`upload_file`, or the upload
    negotiation) is referenced from `input` as `{"$fileId": "<file id>"}`.

    Decision: starting a run is not idempotent. No source documents an `Idempotency-Key` on this
    route (the official client 0.11.x sends none), so a client must not resend a start whose answer
    it did not read; it looks the run up instead.
    Decision: a hold can end a little after the requested seconds (the answer is written once the
    window closes, plus processing and network time), so clients give this request a read timeout of
    the hold plus a margin.

    Args:
        version (str | Unset):
        wait_for_completion (int | Unset):
        x_eigenpal_trigger (RunTrigger | Unset): Caller surface recorded on the execution (`api`
            when omitted).
        body (RunStartBody): JSON body of `start_run`. Decision: file inputs go in `input` as
            `FileIdReference` values (what the official client 0.11.x sends after pre-uploading a
            large file); the `files` map of the published document is declared too, for callers who
            keep files apart from scalar inputs.
        body (RunStartMultipartBody): Multipart body of `start_run`: a `target` part, the other
            fields as JSON parts (each sent as `application/json`), and one binary part per file input
            named `files.<input key>` (e.g. `files.invoice`). Decision: a file part's name carries the
            `files.` prefix, as the official client 0.11.x sends it; the generated model takes part
            names as written.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiErrorEnvelope | Run
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            version=version,
            wait_for_completion=wait_for_completion,
            x_eigenpal_trigger=x_eigenpal_trigger,
        )
    ).parsed
