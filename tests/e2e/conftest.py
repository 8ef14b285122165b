"""Shared fixtures of the end-to-end tests: a real local EigenPal server on 127.0.0.1 and a client for it.

Every fixture here is prefixed ``e2e_``. Tests that need a server configured differently (pacing, hold
window, upload limit, tenants, a data directory) start their own ``LocalEigenpalServer(ServerConfig(...))``
in a ``with`` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext.testing import LocalEigenpalServer, write_sample_invoice


@pytest.fixture
def e2e_server() -> Iterator[LocalEigenpalServer]:
    """A fresh in-memory server with the default configuration, stopped after the test."""
    with LocalEigenpalServer() as server:
        yield server


@pytest.fixture
def e2e_client(e2e_server: LocalEigenpalServer) -> Iterator[EigenpalClient]:
    """An ``EigenpalClient`` for ``e2e_server``."""
    with EigenpalClient(api_key=e2e_server.api_key, base_url=e2e_server.base_url) as client:
        yield client


@pytest.fixture
def e2e_sample_pdf(tmp_path: Path) -> Path:
    """The 2-page sample invoice (``INV-2026-0042``, total ``EUR 1,234.56``) as ``contract.pdf``."""
    return write_sample_invoice(tmp_path / "contract.pdf")
