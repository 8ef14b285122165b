"""Fixtures shared by the unit tests (the helpers themselves are in ``tests/support.py``).

``any_client`` is a factory fixture parametrised over the two clients: a test that takes it runs twice,
once with ``EigenpalClient`` and once with ``AsyncEigenpalClient`` seen through ``SyncView``, so one test
body pins that both behave the same. Clients it makes are closed when the test ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any, Protocol, cast

import pytest

from eigenpal_ext import EigenpalClient
from tests.support import FakeTime, Handler, SyncView, make_async_client, make_client


class ClientFactory(Protocol):
    """``any_client(handler, time=None, **options)``: a client answered by ``handler`` (sync, or async seen as sync)."""

    def __call__(self, handler: Handler, *, time: FakeTime | None = None, **options: Any) -> EigenpalClient: ...


@pytest.fixture(params=["sync", "async"])
def any_client(request: pytest.FixtureRequest) -> Iterator[ClientFactory]:
    with ExitStack() as stack:
        if request.param == "sync":

            def make(handler: Handler, *, time: FakeTime | None = None, **options: Any) -> EigenpalClient:
                return stack.enter_context(make_client(handler, time=time, **options))

        else:
            runner = stack.enter_context(asyncio.Runner())

            def make(handler: Handler, *, time: FakeTime | None = None, **options: Any) -> EigenpalClient:
                client = make_async_client(handler, time=time, **options)
                stack.callback(lambda: runner.run(client.aclose()))
                return cast(EigenpalClient, SyncView(client, runner))  # the same methods, called the same way

        yield make
