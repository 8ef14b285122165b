"""The httpx clients this package sends through: httpx's own, on the API's URL layout, remembering the URLs they
have built.

Every request is written for the contract's ``/api/v1/...`` layout (``openapi.yaml``, the generated operations).
A client whose API is elsewhere under its root (``api_prefix``, from ``_settings.split_base_url``: ``/v1`` on
``api.eigenpal.com``) moves each request's path there in ``build_request``, httpx's public hook every request
passes through (``client.raw``'s generated operations included). A URL of another origin (a storage URL of the
upload negotiation, a download's redirect target) keeps its path and loses the ``Authorization`` header: the API
key goes to the API's own origin only.

httpx builds every request URL by parsing the relative path, joining it to ``base_url`` and parsing the
result again (two pure-Python parses, the largest single cost of a small request on the client side). A
waiter asks for the same execution every second or so, and a client talks to a handful of paths, so each
client keeps the URLs it has built (at most ``MAX_CACHED_URLS``; the cache starts over when full). An
``httpx.URL`` is immutable, so sharing one between requests is safe. The cache is bypassed when
``base_url`` was changed after the URL was built, and for anything but a plain string path.

``_merge_url`` is an httpx internal (present from httpx 0.27 through 0.29; this package requires httpx < 1).
Should a future httpx stop calling it, requests simply go back to httpx's own path: slower, never wrong.

A closed client raises ``EigenpalClientClosedError`` (an ``EigenpalError`` and, as httpx's own error here, a
``RuntimeError``) from ``send``, which every request passes through (``client.raw``'s included).
"""

from __future__ import annotations

from typing import Any

import httpx

from eigenpal_ext._errors import EigenpalClientClosedError
from eigenpal_ext._settings import CONTRACT_PREFIX

MAX_CACHED_URLS = 512


CLOSED = (
    "this client has been closed (close(), aclose() or the end of its with block) and sends nothing more: make a "
    "new client, or keep this one open while it is in use"
)


class _ApiPrefix:
    """Moves a request written for ``/api/v1/...`` under the client's own API prefix; a request to another origin
    loses ``Authorization`` (see module)."""

    __slots__ = ("_from", "_moves", "_origin", "_to")

    def __init__(self, root: httpx.URL, prefix: str) -> None:
        root_path = root.raw_path.rstrip(b"/")
        self._origin = (root.scheme, root.host, root.port)
        self._from = root_path + CONTRACT_PREFIX.encode("ascii") + b"/"
        self._to = root_path + prefix.encode("ascii") + b"/"
        self._moves = prefix != CONTRACT_PREFIX

    def apply(self, request: httpx.Request) -> httpx.Request:
        url = request.url
        if (url.scheme, url.host, url.port) != self._origin:
            request.headers.pop("Authorization", None)
            return request
        if self._moves and url.raw_path.startswith(self._from):
            request.url = url.copy_with(raw_path=self._to + url.raw_path[len(self._from) :])
        return request


def _api_prefix(base_url: httpx.URL, prefix: str) -> _ApiPrefix:
    return _ApiPrefix(base_url, prefix)


class _RememberedUrls:
    """Mixin for ``httpx.Client``/``httpx.AsyncClient``: memoises ``_merge_url`` for string paths."""

    base_url: httpx.URL

    def _init_url_cache(self) -> None:
        self._merged_urls: dict[str, tuple[httpx.URL, httpx.URL]] = {}

    # httpx internal, overridden on purpose: httpx has no public hook where a client could reuse the URL it
    # built (the reason: two URL parses per request). `make matrix` runs the suites on the lowest and the
    # newest httpx (nox sessions httpx-lowest, httpx-newest), so a change of its signature shows there.
    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        if type(url) is not str:
            return self._build_url(url)
        base = self.base_url
        remembered = self._merged_urls.get(url)
        if remembered is not None and remembered[0] is base:
            return remembered[1]
        merged = self._build_url(url)
        if len(self._merged_urls) >= MAX_CACHED_URLS:
            self._merged_urls.clear()
        self._merged_urls[url] = (base, merged)
        return merged

    def _build_url(self, url: httpx.URL | str) -> httpx.URL:
        raise NotImplementedError


class Client(_RememberedUrls, httpx.Client):
    """``httpx.Client`` on the API's layout (``api_prefix``), with remembered URLs."""

    def __init__(self, *, api_prefix: str = CONTRACT_PREFIX, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._api_prefix = _api_prefix(self.base_url, api_prefix)
        self._init_url_cache()

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        """httpx's request, on this client's API layout (see module)."""
        request = super().build_request(*args, **kwargs)
        return self._api_prefix.apply(request)

    def _build_url(self, url: httpx.URL | str) -> httpx.URL:
        return httpx.Client._merge_url(self, url)

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """httpx's ``send``; on a closed client, ``EigenpalClientClosedError`` instead of httpx's ``RuntimeError``."""
        if self.is_closed:
            raise EigenpalClientClosedError(CLOSED)
        return super().send(request, **kwargs)


class AsyncClient(_RememberedUrls, httpx.AsyncClient):
    """``httpx.AsyncClient`` on the API's layout (``api_prefix``), with remembered URLs."""

    def __init__(self, *, api_prefix: str = CONTRACT_PREFIX, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._api_prefix = _api_prefix(self.base_url, api_prefix)
        self._init_url_cache()

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        """httpx's request, on this client's API layout (see module)."""
        request = super().build_request(*args, **kwargs)
        return self._api_prefix.apply(request)

    def _build_url(self, url: httpx.URL | str) -> httpx.URL:
        return httpx.AsyncClient._merge_url(self, url)

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """httpx's ``send``; on a closed client, ``EigenpalClientClosedError`` instead of httpx's ``RuntimeError``."""
        if self.is_closed:
            raise EigenpalClientClosedError(CLOSED)
        return await super().send(request, **kwargs)
