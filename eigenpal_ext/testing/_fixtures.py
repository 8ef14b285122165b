"""What the pytest fixtures give a test: a running local server with a ready client, and the factory type.

The fixtures themselves live in ``pytest_eigenpal``, which pytest loads in every project that
has eigenpal-ext installed; these types live here, with the server, so that loading the plugin imports
nothing of the server until a test asks for a fixture.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Protocol

import attrs

from eigenpal_ext.testing._server import LocalEigenpalServer, ServerConfig

if TYPE_CHECKING:
    from eigenpal_ext import EigenpalClient


@attrs.frozen
class EigenpalServerFixture:
    """A running local server (``.server``) and an ``EigenpalClient`` for it (``.client``)."""

    server: LocalEigenpalServer
    client: EigenpalClient

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: pass it as ``base_url`` to the code under test."""
        return self.server.base_url

    @property
    def api_key(self) -> str:
        """The server's first accepted API key."""
        return self.server.api_key

    @property
    def config(self) -> ServerConfig:
        """The configuration the server was started with."""
        return self.server.config


class EigenpalServerFactory(Protocol):
    """The ``eigenpal_server_factory`` fixture: start another server, stopped when the test ends."""

    def __call__(self, config: ServerConfig | None = None) -> EigenpalServerFixture: ...


def start_server(stack: ExitStack, config: ServerConfig) -> EigenpalServerFixture:
    """Start a server and its client on ``stack``, which stops both when it closes (client first)."""
    server = stack.enter_context(LocalEigenpalServer(config))
    client = stack.enter_context(server.client())
    return EigenpalServerFixture(server=server, client=client)


def server_factory(stack: ExitStack, default: ServerConfig) -> EigenpalServerFactory:
    """A factory starting servers on ``stack``, with ``default`` when called without a configuration."""

    def start(config: ServerConfig | None = None) -> EigenpalServerFixture:
        return start_server(stack, default if config is None else config)

    return start
