"""The httpx clients this package sends through: httpx's own, remembering the URLs they have built.

httpx builds every request URL by parsing the relative path, joining it to ``base_url`` and parsing the
result again (two pure-Python parses, the largest single cost of a small request on the client side). A
waiter asks for the same execution every second or so, and a client talks to a handful of paths, so each
client keeps the URLs it has built (at most ``MAX_CACHED_URLS``; the cache starts over when full). An
``httpx.URL`` is immutable, so sharing one between requests is safe. The cache is bypassed when
``base_url`` was changed after the URL was built, and for anything but a plain string path.

``_merge_url`` is an httpx internal (present from httpx 0.27 through 0.29; this package requires httpx < 1).
Should a future httpx stop calling it, requests simply go back to httpx's own path: slower, never wrong.
"""

from __future__ import annotations

from typing import Any

import httpx

MAX_CACHED_URLS = 512


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
    """``httpx.Client`` with remembered URLs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_url_cache()

    def _build_url(self, url: httpx.URL | str) -> httpx.URL:
        return httpx.Client._merge_url(self, url)


class AsyncClient(_RememberedUrls, httpx.AsyncClient):
    """``httpx.AsyncClient`` with remembered URLs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_url_cache()

    def _build_url(self, url: httpx.URL | str) -> httpx.URL:
        return httpx.AsyncClient._merge_url(self, url)
