"""pytest fixtures for testing code that uses EigenPal against the local server (real sockets, loopback).

pytest loads this module in every project where eigenpal-ext is installed (a ``pytest11`` entry point),
so it imports nothing beyond pytest itself: it is a top-level module of the distribution rather than a
submodule of ``eigenpal_ext`` because importing any submodule runs ``eigenpal_ext/__init__`` (httpx and
the client, some 80 ms), and the server (extra ``eigenpal-ext[server]``) is imported only inside a
fixture, when a test asks for one. Without the extra, such a test errors with the install command.

    def test_invoice_flow(eigenpal_server):
        final = eigenpal_server.client.workflows.executions.run_and_wait("echo", input={"n": 1})
        assert final.status == "completed"

Fixtures:

- ``eigenpal_server``: a fresh in-memory server for each test (no execution of another test is on it),
  started from ``eigenpal_server_config``; ``.client`` (an ``EigenpalClient``), ``.base_url``, ``.api_key``,
  ``.server`` (the ``LocalEigenpalServer``, e.g. ``.server.store``) and ``.config``.
- ``eigenpal_server_config``: the ``ServerConfig`` of ``eigenpal_server``; override it in a ``conftest.py``
  or a test module to use your workflow slugs, faults or hold window.
- ``eigenpal_server_factory``: ``eigenpal_server_factory(ServerConfig(...))`` starts another server in a
  test; every server it started is stopped when the test ends.
- ``eigenpal_env``: ``eigenpal_server`` with ``EIGENPAL_BASE_URL``/``EIGENPAL_API_KEY`` set for the test, for
  code that builds its client from the environment. Otherwise no fixture touches the environment.

The types (``EigenpalServerFixture``, ``EigenpalServerFactory``) are importable from ``eigenpal_ext.testing``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from eigenpal_ext.testing import EigenpalServerFactory, EigenpalServerFixture, ServerConfig


@pytest.fixture
def eigenpal_server_config() -> ServerConfig:
    """The configuration of ``eigenpal_server`` (the defaults); override this fixture to change it."""
    from eigenpal_ext.testing import ServerConfig  # noqa: PLC0415 - the server is imported only when used

    return ServerConfig()


@pytest.fixture
def eigenpal_server_factory(eigenpal_server_config: ServerConfig) -> Iterator[EigenpalServerFactory]:
    """Start local servers in a test (``eigenpal_server_config`` when called without a configuration)."""
    from eigenpal_ext.testing._fixtures import server_factory  # noqa: PLC0415

    with ExitStack() as stack:
        yield server_factory(stack, eigenpal_server_config)


@pytest.fixture
def eigenpal_server(eigenpal_server_factory: EigenpalServerFactory) -> EigenpalServerFixture:
    """A fresh local EigenPal server for this test, with a ready client (``eigenpal_server.client``)."""
    return eigenpal_server_factory()


@pytest.fixture
def eigenpal_env(eigenpal_server: EigenpalServerFixture, monkeypatch: pytest.MonkeyPatch) -> EigenpalServerFixture:
    """``eigenpal_server``, with ``EIGENPAL_BASE_URL``/``EIGENPAL_API_KEY`` pointing at it for this test."""
    monkeypatch.setenv("EIGENPAL_BASE_URL", eigenpal_server.base_url)
    monkeypatch.setenv("EIGENPAL_API_KEY", eigenpal_server.api_key)
    return eigenpal_server
