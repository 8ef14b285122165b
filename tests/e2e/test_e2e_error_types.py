"""A server that is not there, over real sockets: both clients and the ``eigenpal`` command say which host and
port could not be reached (issue 18, item 12; the error types themselves: tests/unit/test_error_types.py)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalConnectionError
from eigenpal_ext.testing import LocalEigenpalServer

EIGENPAL = Path(sys.executable).parent / "eigenpal"


@pytest.fixture
def stopped_server_url() -> str:
    """The base URL of a local server that was started and stopped: its port now refuses connections."""
    with LocalEigenpalServer() as server:
        url = server.base_url
    with socket.socket() as probe:  # the port is closed again (a connect is refused, not accepted)
        assert probe.connect_ex(("127.0.0.1", int(url.rsplit(":", 1)[1].split("/")[0]))) != 0
    return url


def _host_port(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0]


def test_both_clients_name_the_host_and_port_they_could_not_connect_to(stopped_server_url: str) -> None:
    where = _host_port(stopped_server_url)
    with (
        EigenpalClient(api_key="eig_test_x", base_url=stopped_server_url, max_retries=0) as client,
        pytest.raises(EigenpalConnectionError) as raised,
    ):
        client.workflows.list()
    assert raised.value.message.startswith(f"could not connect to {where} (ConnectError:")

    async def main() -> None:
        async with AsyncEigenpalClient(api_key="eig_test_x", base_url=stopped_server_url, max_retries=0) as client:
            await client.workflows.list()

    with pytest.raises(EigenpalConnectionError) as raised_async:
        asyncio.run(main())
    assert raised_async.value.message.startswith(f"could not connect to {where} (ConnectError:")


def test_the_command_names_the_host_and_port(stopped_server_url: str) -> None:
    env = {**os.environ, "EIGENPAL_API_KEY": "eig_test_x", "EIGENPAL_BASE_URL": stopped_server_url}
    command = [str(EIGENPAL), "workflows", "list"]
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 7, done.stderr
    assert f"error: could not connect to {_host_port(stopped_server_url)} (ConnectError:" in done.stderr
    assert "eig_test_x" not in done.stderr
