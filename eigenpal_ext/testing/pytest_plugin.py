"""pytest fixtures for testing code that uses EigenPal, against the local server (real sockets, loopback).

Installed with ``eigenpal-ext[server]`` and loaded automatically (a ``pytest11`` entry point):

    def test_invoice_flow(eigenpal_server):
        final = eigenpal_server.client.workflows.executions.run_and_wait("echo", input={"n": 1})
        assert final.status == "completed"

``eigenpal_server`` is one in-memory server per test session; ``eigenpal_server.base_url``,
``.api_key``, ``.client`` (an ``EigenpalClient``), and ``.server`` (the ``LocalEigenpalServer``, for
``server.store``) are ready to use. ``EIGENPAL_API_KEY``/``EIGENPAL_BASE_URL`` are not touched: pass
``base_url``/``api_key`` to the code under test, or use ``eigenpal_env`` to set both for one test.
Imports of the server happen inside the fixtures, so this plugin costs nothing when unused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs
import pytest

if TYPE_CHECKING:
    from eigenpal_ext import EigenpalClient
    from eigenpal_ext.testing import LocalEigenpalServer


@attrs.frozen
class EigenpalServerFixture:
    """What the ``eigenpal_server`` fixture gives a test."""

    server: LocalEigenpalServer
    client: EigenpalClient

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def api_key(self) -> str:
        return self.server.api_key


@pytest.fixture(scope="session")
def eigenpal_server() -> Iterator[EigenpalServerFixture]:
    """A local EigenPal server for the whole test session, with a ready client."""
    from eigenpal_ext.testing import LocalEigenpalServer  # noqa: PLC0415 - only when the fixture is used

    with LocalEigenpalServer() as server, server.client() as client:
        yield EigenpalServerFixture(server=server, client=client)


@pytest.fixture
def eigenpal_env(eigenpal_server: EigenpalServerFixture, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point ``EIGENPAL_BASE_URL``/``EIGENPAL_API_KEY`` at the session server for one test."""
    monkeypatch.setenv("EIGENPAL_BASE_URL", eigenpal_server.base_url)
    monkeypatch.setenv("EIGENPAL_API_KEY", eigenpal_server.api_key)
    return eigenpal_server
