"""Lending one connection pool to the clients made by ``with_options()`` (sync and async).

Ownership rule: the client built by the constructor owns its pool (the transport holding the open
connections). A client made by ``with_options()`` borrows its owner's pool through a ``BorrowedTransport``:
its requests go over the owner's connections, and closing it closes only its own httpx client, never the
pool. Closing the owner closes the pool for every client that borrows it; a borrower used after that raises
``RuntimeError`` at once, rather than quietly opening connections on a pool nobody will close again.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

__all__ = ["AsyncBorrowedTransport", "BorrowedTransport"]

_OWNER_CLOSED = (
    "this client was made with with_options() from a client that has been closed; the connection pool belongs "
    "to that client: keep it open while its with_options() clients are in use"
)


class BorrowedTransport(httpx.BaseTransport):
    """Sends through ``pool`` while ``owner_closed()`` is False; ``close()`` leaves the pool to its owner."""

    def __init__(self, pool: httpx.BaseTransport, owner_closed: Callable[[], bool]) -> None:
        self._pool, self._owner_closed = pool, owner_closed

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._owner_closed():
            raise RuntimeError(_OWNER_CLOSED)
        return self._pool.handle_request(request)

    def close(self) -> None:
        """Nothing to do: the pool is closed by the client that owns it."""


class AsyncBorrowedTransport(httpx.AsyncBaseTransport):
    """The async twin of ``BorrowedTransport``."""

    def __init__(self, pool: httpx.AsyncBaseTransport, owner_closed: Callable[[], bool]) -> None:
        self._pool, self._owner_closed = pool, owner_closed

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._owner_closed():
            raise RuntimeError(_OWNER_CLOSED)
        return await self._pool.handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing to do: the pool is closed by the client that owns it."""
