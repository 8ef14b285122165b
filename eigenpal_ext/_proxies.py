"""Proxies: which connections a request goes through, decided as httpx decides it for a client it builds itself.

httpx reads ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` only for a transport it makes; this
client always hands httpx its own (the retrying transport over a deadline-aware pool), so httpx would ignore
them. The pool is therefore built here the way httpx builds its own:

- ``proxy=`` given (the clients' argument, ``with_options(proxy=)``, ``httpx_args["proxy"]``, ``eigenpal
  --proxy``): every request goes through that proxy, and the environment is not read (httpx does the same);
- else, unless ``trust_env=False`` (``httpx_args``), the environment's proxies are read by httpx's own reader
  (``get_environment_proxies``: the variables, ``NO_PROXY`` as httpx understands it, and ``*`` turning proxies
  off) and each request is routed by httpx's URL patterns (most specific first) to a pool through its proxy, or
  to the direct pool.

Both are httpx internals (``httpx._utils``, present from httpx 0.27 through 0.28; ``make matrix`` runs the lowest
and the newest): reusing them keeps the behaviour identical to httpx's, which users already know, rather than a
second reading of ``NO_PROXY`` that would differ in its corners. The routing sits under the retry transport, so
retries, ``Retry-After`` and the whole-request deadline apply through a proxy as they do without one.

A request sent through a proxy carries the proxy's ``host:port`` (never its credentials) in its extensions
(``PROXY_EXTENSION``), so that a connection error says which proxy it went through (``_transport_errors``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from httpx._utils import URLPattern, get_environment_proxies

from eigenpal_ext._checks import shown_text
from eigenpal_ext._errors import ArgumentTypeError, ArgumentValueError
from eigenpal_ext._transport_errors import PROXY_EXTENSION, host_and_port

T = TypeVar("T", httpx.BaseTransport, httpx.AsyncBaseTransport)

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def check_proxy(proxy: object, argument: str = "proxy") -> str | httpx.URL | httpx.Proxy | None:
    """None, or a proxy httpx accepts: a URL (``http://host:3128``, with ``user:password@`` if needed) as a
    string or ``httpx.URL``, or an ``httpx.Proxy``. Refused before anything is sent, the credentials not shown."""
    if proxy is None or isinstance(proxy, httpx.Proxy):
        return proxy
    if not isinstance(proxy, str | httpx.URL):
        raise ArgumentTypeError(
            argument, f"must be a proxy URL (str or httpx.URL) or httpx.Proxy, got {type(proxy).__name__}"
        )
    try:
        url = httpx.URL(proxy)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in PROXY_SCHEMES or not url.host:
        schemes = "/".join(PROXY_SCHEMES)
        raise ArgumentValueError(
            argument, f"must be a URL such as http://proxy.example:3128 ({schemes}), got {shown_text(str(proxy))}"
        )
    return proxy


def proxied_pool(pool_args: Mapping[str, Any], make: Callable[[dict[str, Any]], T], routes: type[Any]) -> T:
    """The client's pool: ``make(args)`` builds one transport (httpx's, with ``proxy`` among ``args`` when one is
    used); several are joined by ``routes`` (``ProxyRoutes``/``AsyncProxyRoutes``) when the environment names
    proxies that not every request uses."""
    args = dict(pool_args)
    if args.get("proxy") is not None:
        through: T = routes.through(make(args), _label(args["proxy"]))
        return through
    args.pop("proxy", None)
    found = get_environment_proxies() if args.get("trust_env", True) else {}
    if not any(url is not None for url in found.values()):
        return make(args)  # no proxy in the environment (NO_PROXY alone changes nothing)
    direct = make(args)
    proxied: dict[str, T] = {}
    mounted: list[tuple[URLPattern, T]] = []
    for pattern, url in found.items():
        if url is None:
            mounted.append((URLPattern(pattern), direct))
        else:
            if url not in proxied:
                proxied[url] = routes.through(make({**args, "proxy": url}), _label(url))
            mounted.append((URLPattern(pattern), proxied[url]))
    mounted.sort(key=lambda mount: mount[0])  # httpx's order: the most specific pattern first
    routed: T = routes(direct, mounted)
    return routed


def _label(proxy: str | httpx.URL | httpx.Proxy) -> str:
    """The proxy's ``host:port``, for messages: no scheme, no credentials."""
    return host_and_port(proxy.url if isinstance(proxy, httpx.Proxy) else httpx.URL(proxy))


class ThroughProxy(httpx.BaseTransport):
    """A pool through one proxy, marking each request with the proxy's ``host:port`` (``PROXY_EXTENSION``)."""

    def __init__(self, pool: httpx.BaseTransport, label: str) -> None:
        self._pool, self._label = pool, label

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions[PROXY_EXTENSION] = self._label
        return self._pool.handle_request(request)

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()


class AsyncThroughProxy(httpx.AsyncBaseTransport):
    """The async twin of ``ThroughProxy``."""

    def __init__(self, pool: httpx.AsyncBaseTransport, label: str) -> None:
        self._pool, self._label = pool, label

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions[PROXY_EXTENSION] = self._label
        return await self._pool.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the pool."""
        await self._pool.aclose()


class _Routes:
    """The transports of one client and the patterns that choose among them (see module)."""

    def __init__(self, direct: Any, mounted: list[tuple[URLPattern, Any]]) -> None:
        self._direct, self._mounted = direct, mounted

    def _for(self, url: httpx.URL) -> Any:
        return next((transport for pattern, transport in self._mounted if pattern.matches(url)), self._direct)

    def _all(self) -> list[Any]:
        unique: dict[int, Any] = {id(self._direct): self._direct}
        unique.update((id(transport), transport) for _, transport in self._mounted)
        return list(unique.values())


class ProxyRoutes(_Routes, httpx.BaseTransport):
    """The sync pool when the environment names proxies: each request through its proxy, or direct."""

    through = ThroughProxy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        transport: httpx.BaseTransport = self._for(request.url)
        return transport.handle_request(request)

    def close(self) -> None:
        """Close every pool (direct and through each proxy)."""
        for transport in self._all():
            transport.close()


class AsyncProxyRoutes(_Routes, httpx.AsyncBaseTransport):
    """The async twin of ``ProxyRoutes``."""

    through = AsyncThroughProxy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport: httpx.AsyncBaseTransport = self._for(request.url)
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        """Close every pool (direct and through each proxy)."""
        for transport in self._all():
            await transport.aclose()
