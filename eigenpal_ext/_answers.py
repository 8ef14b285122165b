"""What a call gets back, made usable: a 2xx parsed into its model, anything else into its ``EigenpalError``.

Each ``Call`` (``_calls``) carries two functions from here: its parser (``parser``, or ``run_parser`` for a
run), which reads a response, and its converter of httpx failures (``transport_error_converter``), which
turns whatever httpx raised while sending into an ``EigenpalError``. Nothing raw reaches a user: no httpx
exception, ``KeyError``, ``RecursionError`` or ``JSONDecodeError``.

Why not the generated ``sync_detailed``: the generated parsers decode error bodies strictly (a malformed
envelope raises ``KeyError``/``JSONDecodeError``) and return ``None`` for an undocumented 2xx. Responses are
parsed here, where anything unusable becomes a typed ``EigenpalError``; the generated models still read the
bodies (``Model.from_dict``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx
from eigenpal_api.models import StartedExecution
from eigenpal_api.types import remember_request_id

from eigenpal_ext._errors import EigenpalConnectionError, EigenpalError
from eigenpal_ext._limits import ResponseTooLarge
from eigenpal_ext._response_errors import (
    error_from_oversized,
    error_from_response,
    is_wrong_host_answer,
    unusable_success_response,
)
from eigenpal_ext._transport_errors import error_from_transport

Parser = Callable[[httpx.Response], Any]
TransportErrorConverter = Callable[[httpx.HTTPError], EigenpalError]


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...


def parser(
    model: type[_Model],
    *,
    execution_id: str | None = None,
    reader: Callable[[dict[str, Any]], Mapping[str, Any]] | None = None,
) -> Parser:
    """Any 2xx with a body matching ``model`` → the model; anything else → a typed error.

    The model keeps the body as received (``raw``) and the answer's ``x-request-id`` (``request_id``; a
    page's items too).

    ``reader`` adapts a body shape the API may also send to the one ``model`` reads (see
    ``execution_status_body``); the model's ``raw`` is still the body as received.
    """

    def parse(response: httpx.Response) -> Any:
        if not response.is_success:
            raise error_from_response(response, execution_id=execution_id)
        try:
            data = response.json()
        except ValueError as exc:
            raise unusable_success_response(
                response, reason=f"the body is not JSON ({exc})", execution_id=execution_id
            ) from exc
        except RecursionError as exc:
            raise unusable_success_response(
                response, reason="the JSON is nested too deeply to read", execution_id=execution_id
            ) from exc
        if not isinstance(data, dict):
            raise unusable_success_response(
                response, reason=f"expected a JSON object, got {type(data).__name__}", execution_id=execution_id
            )
        try:
            parsed = model.from_dict(data if reader is None else reader(data))
        except (KeyError, ValueError, TypeError, AttributeError, RecursionError) as exc:
            reason = f"{model.__name__} could not be read ({type(exc).__name__}: {exc})"
            raise unusable_success_response(response, reason=reason, execution_id=execution_id) from exc
        parsed.raw = data
        remember_request_id(parsed, response.headers.get("x-request-id"))
        return parsed

    return parse


# Where an answer may name its execution when it has no ``executionId``: a summary's ``id``, and ``runId``, the name
# today's runs API and its SDKs give the same id. Read in this order; each must be a non-blank string.
_ID_KEYS = ("executionId", "id", "runId")


def _named_id(data: Mapping[str, Any]) -> str | None:
    """The execution id an answer names under one of ``_ID_KEYS`` (the first usable one), or None."""
    for key in _ID_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def execution_status_body(data: dict[str, Any]) -> Mapping[str, Any]:
    """An execution answer without ``executionId`` read by the id it does carry: get-execution's second shape,
    ``ExecutionSummary`` (keyed by ``id``), and a run's answer keyed by ``id`` or ``runId``.

    The API declares either shape; the models key on ``executionId``. The answer's own keys (``id``,
    ``workflowId``, ...) stay in ``additional_properties``, and the model's ``raw`` is the body as received.
    """
    if "executionId" in data:
        return data
    named = _named_id(data)
    return data if named is None else {**data, "executionId": named}


def page_body(data: dict[str, Any]) -> Mapping[str, Any]:
    """A list answer's ``total``/``limit``/``offset`` as integers: paging and the command line do arithmetic on them.

    An integral float (``57.0``) is read as the integer it is; anything else (``"lots"``, ``true``, ``null``) is
    not a count, and the answer is refused as unusable (``EigenpalResponseError``, an API error) instead of
    failing later with a ``TypeError`` in the caller's code.
    """
    counts: dict[str, int] = {}
    for name in ("total", "limit", "offset"):
        if name not in data:
            continue  # the model says whether the field is required
        value = data[name]
        if isinstance(value, float) and value.is_integer():
            counts[name] = int(value)
        elif isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name!r} is {value!r}, not a whole number")
    return {**data, **counts} if counts else data


def started_parser(
    model: type[_Model], id_key: str, *, reader: Callable[[dict[str, Any]], Mapping[str, Any]] | None = None
) -> Parser:
    """The parser of a run's answer (a ``model`` whose id is the body's ``id_key``), insisting on a usable id;
    ``reader`` as in ``parser`` (a v1 run's answer without ``executionId`` is read by the ``id`` or ``runId`` it
    carries, as ``get()`` reads an answer keyed by ``id``: ``execution_status_body``).

    A 2xx the client cannot use still means that the server accepted the run, so an execution exists: its error
    carries the id when the body named one, and says ``execution_may_exist`` otherwise (where to find it is
    added by the trigger flow, ``_trigger.mark_may_exist``). Not for a web page: that answer came from the wrong
    host, which started nothing.
    """
    read = parser(model, reader=reader)
    attribute = {"executionId": "execution_id"}.get(id_key, id_key)

    def parse(response: httpx.Response) -> Any:
        try:
            parsed = read(response)
            value = getattr(parsed, attribute)
            if not isinstance(value, str) or not value.strip():
                raise unusable_success_response(response, reason=f"{id_key} is {value!r}, not an execution id")
        except EigenpalError as exc:
            if response.is_success and not is_wrong_host_answer(response):
                known_id = _id_in(response)
                if known_id is not None:
                    exc.execution_id = exc.execution_id or known_id
                    exc.message += f"; the run was accepted as execution {known_id}"
                else:
                    exc.execution_may_exist = True
                    exc.message += "; the run was accepted, so an execution exists"
            raise
        return parsed

    return parse


run_parser: Parser = started_parser(StartedExecution, "executionId", reader=execution_status_body)
"""A v1 run's answer: a ``StartedExecution`` with a usable ``executionId`` (see ``started_parser``)."""


def _id_in(response: httpx.Response) -> str | None:
    """The id an unusable run answer still carried (``executionId``, ``id`` or ``runId``), if usable."""
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return None
    return _named_id(data) if isinstance(data, dict) else None


def transport_error_converter(
    *, execution_id: str | None = None, creates_execution: bool = False
) -> TransportErrorConverter:
    """The converter of whatever httpx raised while sending into an ``EigenpalError`` carrying what is known.

    ``creates_execution`` (a run): a failure after the request was sent says that an execution may exist.
    """

    def convert(exc: httpx.HTTPError) -> EigenpalError:
        if isinstance(exc, ResponseTooLarge):
            return error_from_oversized(exc, execution_id=execution_id, creates_execution=creates_execution)
        if isinstance(exc, httpx.TransportError):
            return error_from_transport(exc, execution_id=execution_id, creates_execution=creates_execution)
        # Redirect loops, undecodable content: the server answered, but not with anything usable.
        return EigenpalConnectionError(
            f"the request failed: {type(exc).__name__}: {exc}",
            execution_id=execution_id,
            request_sent=True,
            execution_may_exist=creates_execution,
        )

    return convert
