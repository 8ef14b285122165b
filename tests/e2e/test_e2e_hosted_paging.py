"""``iter()`` and ``eigenpal ... --all`` against the hosted profile's page cap: every item, none twice.

The hosted service answers at most 20 items a page whatever ``limit`` asks, with the right ``total``
(``HostedProfile.page_cap``). A client that took the short page for the last one stopped after 20 of 57
executions. Here the local server runs that profile over real sockets, and the sync client, the async
client and the command line (a subprocess, ``--all``) each list all 57, then all of the built-in
workflows through a cap of 2.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient
from eigenpal_ext.testing import HostedProfile, LocalEigenpalServer, ServerConfig

EXECUTIONS = 57
CLI = [sys.executable, "-m", "eigenpal_ext"]
CLI_TIMEOUT_SECONDS = 60.0


@pytest.fixture(scope="module")
def capped() -> Iterator[tuple[LocalEigenpalServer, list[str]]]:
    """A hosted-profile server (page cap 20) with 57 executions of ``echo``, and their ids."""
    with (
        LocalEigenpalServer(ServerConfig(hosted=HostedProfile())) as server,
        EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client,
    ):
        ids = [client.workflows.run("echo", {"n": n}).execution_id for n in range(EXECUTIONS)]
        yield server, ids


@pytest.fixture(scope="module")
def workflows_capped_at_two() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(hosted=HostedProfile(page_cap=2))) as server:
        yield server


def test_the_cap_is_really_there(capped: tuple[LocalEigenpalServer, list[str]]) -> None:
    # A guard: without the cap the tests below would pass on any client.
    server, _ = capped
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
        page = client.workflows.executions.list("echo", limit=50)
    assert (len(page.data), page.total) == (20, EXECUTIONS)


def test_the_sync_client_iterates_every_execution(capped: tuple[LocalEigenpalServer, list[str]]) -> None:
    server, ids = capped
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
        found = [item.id for item in client.workflows.executions.iter("echo", page_size=50)]
    assert len(found) == len(set(found)) == EXECUTIONS
    assert set(found) == set(ids)


def test_the_async_client_iterates_every_execution(capped: tuple[LocalEigenpalServer, list[str]]) -> None:
    server, ids = capped

    async def collect() -> list[str]:
        async with AsyncEigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
            return [item.id async for item in client.workflows.executions.iter("echo", page_size=50)]

    found = asyncio.run(collect())
    assert len(found) == len(set(found)) == EXECUTIONS
    assert set(found) == set(ids)


def test_max_items_beyond_one_capped_page_is_honoured(capped: tuple[LocalEigenpalServer, list[str]]) -> None:
    server, _ = capped
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
        found = [item.id for item in client.workflows.executions.iter("echo", page_size=50, max_items=45)]
    assert len(set(found)) == 45


def test_the_command_line_lists_every_execution_with_all(capped: tuple[LocalEigenpalServer, list[str]]) -> None:
    server, ids = capped
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    env.update(EIGENPAL_BASE_URL=server.base_url, EIGENPAL_API_KEY=server.api_key)
    done = subprocess.run(
        [*CLI, "executions", "list", "echo", "--all", "--limit", "50", "--json"],
        env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT_SECONDS, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = [item["id"] for item in json.loads(done.stdout)]
    assert len(found) == len(set(found)) == EXECUTIONS
    assert set(found) == set(ids)


def test_every_workflow_through_a_cap_of_two(workflows_capped_at_two: LocalEigenpalServer) -> None:
    server = workflows_capped_at_two
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
        first_page = client.workflows.list(limit=50)
        names = [workflow.name for workflow in client.workflows.iter(page_size=50)]
    assert len(first_page.data) == 2 < first_page.total
    assert len(names) == len(set(names)) == first_page.total
    assert {"extract-invoice", "echo", "sleep", "fail", "review"} <= set(names)
