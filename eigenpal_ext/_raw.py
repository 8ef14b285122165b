"""Raw responses: ``client.workflows.with_raw_response.list()`` and the like, as openai and anthropic offer them.

Every resource method that sends exactly one request (``workflows.list/get/versions``, ``executions.get/list/
cancel``, ``runs.get/list/cancel/steps/events``, ``files.get/delete``; sync and async) has a twin under the
resource's ``with_raw_response`` that returns a ``RawResponse``: the HTTP status, the headers, the request id,
and ``parse()`` for the model the plain method returns. The twin is the same method run on a copy of the
resource whose requestor answers ``send`` with ``Requestor.send_raw``: one code path for the request (arguments
checked first, retries, deadlines, errors), nothing written twice. An error status raises as the plain method
does; what a success's body holds is parsed, and refused if unusable, when ``parse()`` is called. Methods that
may send more than one request (a run and its recovery, a wait, ``iter``, an upload) have no raw twin.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx

from eigenpal_ext._public import public

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
P = ParamSpec("P")
R = TypeVar("R")

_UNPARSED: Any = object()


@public
class RawResponse(Generic[T_co]):
    """One answer as it came, for the methods under a resource's ``with_raw_response``.

    ``status_code``, ``headers`` (an ``httpx.Headers``: case-insensitive), ``request_id`` (the answer's
    ``x-request-id``, None without one), ``url`` and ``http_response`` (the ``httpx.Response``, body read) are
    the answer's; ``parse()`` returns what the plain method returns (the same model, its ``request_id`` set),
    parsed once. An error status was raised as the plain method raises it, so a ``RawResponse`` is a success.
    """

    __slots__ = ("_parse", "_parsed", "http_response")

    def __init__(self, response: httpx.Response, parse: Callable[[httpx.Response], T_co]) -> None:
        self.http_response = response
        self._parse = parse
        self._parsed: T_co = _UNPARSED

    @property
    def status_code(self) -> int:
        """The HTTP status (200, 201, 202...)."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's id of this request (``x-request-id``), for matching with its logs; None when absent."""
        request_id: str | None = self.http_response.headers.get("x-request-id")
        return request_id

    @property
    def url(self) -> httpx.URL:
        """The URL the request was sent to."""
        return self.http_response.url

    def parse(self) -> T_co:
        """What the plain method returns, parsed from this answer (once).

        Returns:
            The model (or page, or other value) the method without ``with_raw_response`` returns.

        Raises:
            EigenpalResponseError: The answer's body is not what the API sends for this request.
        """
        if self._parsed is _UNPARSED:
            self._parsed = self._parse(self.http_response)
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"


def raw_response(response: httpx.Response, parse: Callable[[httpx.Response], T]) -> RawResponse[T]:
    """``response`` as a ``RawResponse``; an error status raises the typed error ``parse`` raises for it."""
    if not response.is_success:
        parse(response)  # raises the typed error, as the plain method would
    return RawResponse(response, parse)


def raw_copy(resource: R) -> R:
    """A copy of ``resource`` whose requestor returns ``RawResponse``s (``Requestor.raw()``)."""
    twin = copy.copy(resource)
    twin._requestor = twin._requestor.raw()  # type: ignore[attr-defined]
    return twin


def raw_method(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """``method`` of a ``raw_copy``, typed as what it returns there (the arguments kept for type checkers)."""
    return cast(Callable[P, RawResponse[T]], method)


def async_raw_method(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """The async twin of ``raw_method``."""
    return cast(Callable[P, Awaitable[RawResponse[T]]], method)
