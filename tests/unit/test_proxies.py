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
    pool.close()
    assert all(transport.closed for transport in pool._all())
    assert len(pool._all()) == 3  # direct, and one pool per proxy


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
