"""Which connections a request takes (``_proxies``), and the ``proxy`` argument's checks (issue 18, item 6).

Routing is checked on the pool the client builds (``proxied_pool``), with fake transports standing for httpx's:
the environment's proxies as httpx reads them, ``NO_PROXY``, ``trust_env=False``, and ``proxy=`` winning over the
environment. Requests through a real proxy: tests/e2e/test_e2e_proxies.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from eigenpal_ext import ArgumentTypeError, ArgumentValueError, AsyncEigenpalClient, EigenpalClient
from eigenpal_ext._proxies import ProxyRoutes, proxied_pool
from eigenpal_ext._transport_errors import PROXY_EXTENSION, error_from_transport

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy",
                   "no_proxy")  # fmt: skip


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class Named(httpx.BaseTransport):
    """A transport that answers with its name: the proxy it stands for, or "direct"."""

    def __init__(self, args: dict[str, Any]) -> None:
        self.args = args
        self.name = str(args.get("proxy") or "direct")
        self.closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=self.name)

    def close(self) -> None:
        self.closed = True


def route(pool: httpx.BaseTransport, url: str) -> str:
    return pool.handle_request(httpx.Request("GET", url)).text


def test_without_proxies_in_the_environment_there_is_one_direct_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "example.com")  # alone, it changes nothing
    pool = proxied_pool({"limits": None}, Named, ProxyRoutes)
    assert isinstance(pool, Named)
    assert pool.args == {"limits": None}


def test_the_environments_proxies_route_each_request_as_httpx_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://secure-proxy:3128")
    monkeypatch.setenv("HTTP_PROXY", "plain-proxy:8080")  # no scheme: http:// as httpx assumes
    monkeypatch.setenv("NO_PROXY", "internal.example,127.0.0.1")
    pool = proxied_pool({}, Named, ProxyRoutes)
    assert isinstance(pool, ProxyRoutes)
    assert route(pool, "https://studio.eigenpal.com/api/v1/workflows") == "http://secure-proxy:3128"
    assert route(pool, "http://eigenpal.local:8080/api/v1/workflows") == "http://plain-proxy:8080"
    assert route(pool, "https://api.internal.example/v1/workflows") == "direct"
    assert route(pool, "http://127.0.0.1:8080/api/v1/workflows") == "direct"
    made = [getattr(transport, "_pool", transport) for transport in pool._all()]  # under ThroughProxy
    pool.close()
    assert all(transport.closed for transport in made)
    assert len(made) == 3  # direct, and one pool per proxy


def test_no_proxy_star_and_trust_env_false_turn_the_environment_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    assert isinstance(proxied_pool({"trust_env": False}, Named, ProxyRoutes), Named)
    monkeypatch.setenv("NO_PROXY", "*")
    assert isinstance(proxied_pool({}, Named, ProxyRoutes), Named)


def test_a_given_proxy_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy:3128")
    monkeypatch.setenv("NO_PROXY", "studio.eigenpal.com")
    pool = proxied_pool({"proxy": "http://given:3128"}, Named, ProxyRoutes)
    assert route(pool, "https://studio.eigenpal.com/api/v1/workflows") == "http://given:3128"


def test_a_request_through_a_proxy_is_marked_with_the_proxys_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://user:secret@env-proxy:3128")
    monkeypatch.setenv("NO_PROXY", "direct.example")
    pool = proxied_pool({}, Named, ProxyRoutes)
    through = httpx.Request("GET", "http://eigenpal.local/api/v1/workflows")
    pool.handle_request(through)
    assert through.extensions[PROXY_EXTENSION] == "env-proxy:3128"  # no credentials, no scheme
    direct = httpx.Request("GET", "http://direct.example/api/v1/workflows")
    pool.handle_request(direct)
    assert PROXY_EXTENSION not in direct.extensions
    given = proxied_pool({"proxy": httpx.Proxy("http://given.example")}, Named, ProxyRoutes)
    request = httpx.Request("GET", "https://studio.eigenpal.com/api/v1/workflows")
    given.handle_request(request)
    assert request.extensions[PROXY_EXTENSION] == "given.example:80"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"),
         "could not connect to studio.eigenpal.com:443 through the proxy proxy.example:3128 (ConnectError: "),
        (httpx.ProxyError("407 Proxy Authentication Required"),
         "could not reach studio.eigenpal.com:443 through the proxy proxy.example:3128 (ProxyError: 407"),
        (httpx.ReadError("reset"),
         "connection dropped while reading the response from studio.eigenpal.com:443 through the proxy proxy.example"),
    ],
)  # fmt: skip
def test_a_transport_error_through_a_proxy_names_the_proxy(error: httpx.TransportError, message: str) -> None:
    request = httpx.Request("GET", "https://studio.eigenpal.com/api/v1/workflows")
    request.extensions[PROXY_EXTENSION] = "proxy.example:3128"
    error.request = request
    assert error_from_transport(error).message.startswith(message)
    error.request = httpx.Request("GET", "https://studio.eigenpal.com/api/v1/workflows")
    assert "through the proxy proxy.example" not in error_from_transport(error).message


@pytest.mark.parametrize("client_class", [EigenpalClient, AsyncEigenpalClient])
@pytest.mark.parametrize(
    ("proxy", "error", "reason"),
    [
        (3128, ArgumentTypeError, "must be a proxy URL (str or httpx.URL) or httpx.Proxy, got int"),
        ("proxy.example:3128", ArgumentValueError, "must be a URL such as http://proxy.example:3128"),
        ("ftp://user:secret@proxy.example", ArgumentValueError, "got 'ftp://***@proxy.example'"),
        ("http://", ArgumentValueError, "must be a URL such as"),
    ],
)
def test_a_bad_proxy_is_refused_naming_the_argument_without_its_password(
    client_class: type[Any], proxy: object, error: type[Exception], reason: str
) -> None:
    with pytest.raises(error) as raised:
        client_class(api_key="eig_test_x", proxy=proxy)
    assert raised.value.argument == "proxy"  # type: ignore[attr-defined]
    assert reason in raised.value.reason  # type: ignore[attr-defined]
    assert "secret" not in str(raised.value)


def test_proxy_cannot_be_combined_with_a_transport_or_given_twice() -> None:
    mock = httpx.MockTransport(lambda request: httpx.Response(200))
    with pytest.raises(ArgumentValueError, match="proxy configures the connections, which transport= replaces"):
        EigenpalClient(api_key="eig_test_x", transport=mock, proxy="http://proxy:3128")
    with pytest.raises(ArgumentValueError, match="given twice"):
        EigenpalClient(api_key="eig_test_x", proxy="http://a:1", httpx_args={"proxy": "http://b:2"})
    with (
        EigenpalClient(api_key="eig_test_x", transport=mock) as client,
        pytest.raises(ArgumentValueError, match="transport= replaces"),
    ):
        client.with_options(proxy="http://proxy:3128")


def test_with_options_proxy_gives_the_new_client_a_pool_of_its_own() -> None:
    with EigenpalClient(api_key="eig_test_x") as client:
        through = client.with_options(proxy="http://proxy:3128", max_retries=0)
        assert through._pool is not client._pool
        assert through._pool_args == {**(client._pool_args or {}), "proxy": "http://proxy:3128"}
        through.close()
        assert through.is_closed
        assert not client.is_closed
        assert client.with_options(max_retries=0)._pool is client._pool  # without proxy=: the same pool

    async def main() -> None:
        async with AsyncEigenpalClient(api_key="eig_test_x") as client:
            through = client.with_options(proxy="http://proxy:3128")
            assert through._pool is not client._pool
            await through.aclose()
            assert not client.is_closed

    asyncio.run(main())
