"""Shared fixtures for the tests of the generated client: a recording mock transport, no network.

`make_client(status, body)` returns an `AuthenticatedClient` whose sync and async httpx clients both
answer every request with `status` and the JSON `body`, and append the (fully read) request to the
`captured` list, so a test can assert on exactly what went over the wire.
"""

from collections.abc import Callable

import httpx
import pytest
from eigenpal_api import AuthenticatedClient

BASE_URL = "https://api.test"
REQUEST_ID = "req_01HZY3J6T0"


@pytest.fixture
def api_token() -> str:
    """The bearer token every client from `make_client` is built with."""
    return "sk-test-9f8e7d"


@pytest.fixture
def captured() -> list[httpx.Request]:
    """Requests seen by the mock transport, in the order they were sent."""
    return []


@pytest.fixture
def make_client(captured: list[httpx.Request], api_token: str) -> Callable[[int, object], AuthenticatedClient]:
    """Factory for a client whose transport records each request and answers `status` with JSON `body`."""

    def factory(status: int, body: object) -> AuthenticatedClient:
        def handler(request: httpx.Request) -> httpx.Response:
            request.read()
            captured.append(request)
            return httpx.Response(status, json=body, headers={"x-request-id": REQUEST_ID})

        return AuthenticatedClient(
            base_url=BASE_URL,
            token=api_token,
            httpx_args={"transport": httpx.MockTransport(handler)},
        )

    return factory
