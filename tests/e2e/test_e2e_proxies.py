"""Proxies over real sockets (issue 18, item 6): a forwarding proxy on 127.0.0.1 (``forwarding_proxy``) in front
of the local server, counting what passes through it.

``HTTP_PROXY`` is honoured by default as httpx honours it (``NO_PROXY`` and ``trust_env=False`` bypass it),
``proxy=`` on both clients and on ``with_options`` sends through a proxy without the environment, ``eigenpal
--proxy`` does from the command line, and the client's retries and deadlines work through the proxy.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalConnectionError, EigenpalRequestTimeoutError
from eigenpal_ext.testing import LocalEigenpalServer
from tests.e2e.forwarding_proxy import ForwardingProxy

EIGENPAL = Path(sys.executable).parent / "eigenpal"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy",
                   "no_proxy")  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        yield local


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sets the variables it is about; none leaks in from the machine."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    with ForwardingProxy() as forwarding:
        yield forwarding


def _client(server: LocalEigenpalServer, **options: Any) -> EigenpalClient:
    return EigenpalClient(api_key=server.api_key, base_url=server.base_url, **options)


def _async_client(server: LocalEigenpalServer, **options: Any) -> AsyncEigenpalClient:
    return AsyncEigenpalClient(api_key=server.api_key, base_url=server.base_url, **options)


def _paths(proxy: ForwardingProxy) -> list[str]:
    return [f"{method} {url.split('/api/v1', 1)[-1].split('?')[0]}" for method, url in proxy.seen]


def test_http_proxy_in_the_environment_is_honoured_by_both_clients(
    server: LocalEigenpalServer, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with _client(server) as client:
        result = client.workflows.executions.run_and_wait("echo", {"n": 1})
    assert result.status == "completed"
    assert "POST /workflows/echo/run" in _paths(proxy)
    assert all(url.startswith(server.base_url) for _, url in proxy.seen)  # absolute-form: sent to a proxy
    before = len(proxy.seen)

    async def main() -> int:
        async with _async_client(server) as client:
            return (await client.workflows.list()).total

    assert asyncio.run(main()) >= 1
    assert _paths(proxy)[before:] == ["GET /workflows"]


@pytest.mark.parametrize("bypass", ["NO_PROXY", "trust_env"])
def test_no_proxy_and_trust_env_false_bypass_the_environments_proxy(
    server: LocalEigenpalServer, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch, bypass: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    options: dict[str, Any] = {}
    if bypass == "NO_PROXY":
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    else:
        options["httpx_args"] = {"trust_env": False}
    with _client(server, **options) as client:
        assert client.workflows.list().total >= 1
    assert proxy.seen == []


def test_proxy_argument_on_both_clients_and_on_with_options(
    server: LocalEigenpalServer, proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "*")  # the argument wins over the environment, as in httpx
    with _client(server, proxy=proxy.url) as client:
        client.workflows.get("echo")
    assert _paths(proxy) == ["GET /workflows/echo"]

    async def main() -> None:
        async with _async_client(server, proxy=proxy.url) as client:
            await client.workflows.get("echo")

    asyncio.run(main())
    assert _paths(proxy) == ["GET /workflows/echo"] * 2

    with _client(server) as direct:
        direct.workflows.get("echo")
        assert len(proxy.seen) == 2  # the direct client went direct
        with direct.with_options(proxy=proxy.url) as through:
            through.workflows.get("echo")
        assert len(proxy.seen) == 3
        direct.workflows.get("echo")  # closing the proxied client left the direct one's pool open
    assert len(proxy.seen) == 3


def test_retries_go_through_the_proxy(server: LocalEigenpalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with ForwardingProxy(refuse_first=2) as busy:
        monkeypatch.setenv("HTTP_PROXY", busy.url)
        with _client(server, max_retries=2) as client:
            assert client.workflows.get("echo").id
        assert _paths(busy) == ["GET /workflows/echo"] * 3  # two 503s from the proxy, then the answer


def test_the_request_deadline_holds_through_a_stalled_proxy(server: LocalEigenpalServer) -> None:
    with ForwardingProxy(stall=True) as stalled:
        with (
            _client(server, proxy=stalled.url, request_timeout_seconds=1, max_retries=1) as client,
            pytest.raises(EigenpalRequestTimeoutError) as raised,
        ):
            client.workflows.get("echo")
        assert raised.value.timeout_seconds == 1
        assert 1 <= len(stalled.seen) <= 2  # the deadline covers the retries too


def test_a_proxy_that_is_not_there_is_named_in_the_error(server: LocalEigenpalServer) -> None:
    with ForwardingProxy() as gone:
        url = gone.url
    where = url.removeprefix("http://")
    with (
        _client(server, proxy=url.replace("http://", "http://user:secret@"), max_retries=0) as client,
        pytest.raises(EigenpalConnectionError) as raised,
    ):
        client.workflows.get("echo")
    target = server.base_url.removeprefix("http://").split("/")[0]
    assert raised.value.message.startswith(f"could not connect to {target} through the proxy {where} (ConnectError:")
    assert "secret" not in str(raised.value)
    assert "secret" not in repr(raised.value)


@pytest.mark.parametrize("how", ["--proxy", "HTTP_PROXY"])
def test_the_command_sends_through_a_proxy(server: LocalEigenpalServer, proxy: ForwardingProxy, how: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    env.update(EIGENPAL_API_KEY=server.api_key, EIGENPAL_BASE_URL=server.base_url)
    argv = [str(EIGENPAL), "workflows", "get", "echo", "--json"]
    if how == "--proxy":
        argv += ["--proxy", proxy.url]
    else:
        env["HTTP_PROXY"] = proxy.url
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert _paths(proxy) == ["GET /workflows/echo"]


def test_the_command_refuses_a_proxy_that_is_not_a_url(server: LocalEigenpalServer) -> None:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    env.update(EIGENPAL_API_KEY=server.api_key, EIGENPAL_BASE_URL=server.base_url)
    argv = [str(EIGENPAL), "workflows", "list", "--proxy", "ftp://user:secret@proxy.example:21"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --proxy must be a URL such as http://proxy.example:3128")
    assert "secret" not in done.stderr
