"""How the client reads the answers of EigenPal's hosted gateway (the local server's ``HostedProfile``, real sockets),
sync and async:

- a run whose body is over the gateway's limit (4.5 MiB) gets the gateway's ``text/plain`` 413: the error says the
  request is over the server's body limit and how many bytes were sent, not that ``base_url`` is wrong; nothing
  was created;
- a held run cut by the gateway's ``text/plain`` 504 (the API still runs it): the error says what the gateway met
  and that an execution may exist, with the data to find it (``workflow_id``, ``created_after``/``created_before``),
  and listing that window finds exactly the execution the run created;
- a JSON 503 to a run says the same (the client cannot know whether the API started it).

The server ignores ``Idempotency-Key`` here, so no client may infer that keys are honoured and recover the id.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalClient,
    EigenpalError,
    EigenpalPayloadTooLargeError,
    EigenpalServerError,
)
from eigenpal_ext.testing import FaultConfig, HostedProfile, LocalEigenpalServer, ServerConfig

LIMIT = 4_718_592  # 4.5 MiB, the hosted body limit
GATEWAY_TIMEOUT = 0.5


@pytest.fixture(scope="module")
def hosted() -> Iterator[LocalEigenpalServer]:
    profile = HostedProfile(gateway_timeout_seconds=GATEWAY_TIMEOUT)
    config = ServerConfig(hosted=profile, hold_window_seconds=10.0, idempotency_keys="ignore")
    with LocalEigenpalServer(config) as server:
        yield server


def _run(server: LocalEigenpalServer, flavour: str, workflow: str, inputs: dict[str, Any], **options: Any) -> Any:
    """``client.workflows.run(workflow, inputs, **options)`` with the sync or the async client; what it raised."""
    if flavour == "sync":
        with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
            with pytest.raises(EigenpalError) as info:
                client.workflows.run(workflow, inputs, **options)
            return info.value

    async def main() -> EigenpalError:
        async with AsyncEigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
            with pytest.raises(EigenpalError) as info:
                await client.workflows.run(workflow, inputs, **options)
            return info.value

    return asyncio.run(main())


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_run_over_the_body_limit_says_so_with_the_bytes_sent(
    hosted: LocalEigenpalServer, tmp_path: Path, flavour: str
) -> None:
    document = tmp_path / "scan.pdf"
    document.write_bytes(b"\0" * (LIMIT + 1))
    before = hosted.store.count_executions()

    error = _run(hosted, flavour, "echo", {"document": document, "n": 1})

    assert isinstance(error, EigenpalPayloadTooLargeError)
    assert error.status == 413
    assert error.message.startswith("HTTP 413: the request is over the server's body limit (")
    sent = re.search(r"\((\d+) bytes sent; a 'text/plain' answer from 127\.0\.0\.1\)", error.message)
    assert sent is not None, error.message
    assert int(sent[1]) > LIMIT
    assert "base_url" not in str(error)
    assert error.execution_may_exist is False
    assert hosted.store.count_executions() == before


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_held_run_cut_by_the_gateways_504_says_an_execution_may_exist_and_where(
    hosted: LocalEigenpalServer, flavour: str
) -> None:
    before = {execution.id for execution in hosted.store.all_executions()}

    error = _run(hosted, flavour, "sleep", {"seconds": 2}, wait_for_completion=10)

    assert isinstance(error, EigenpalServerError)
    assert error.status == 504
    assert error.message.startswith("HTTP 504: gateway timeout: the API did not answer the gateway in front of it")
    assert "base_url" not in str(error)
    assert error.execution_may_exist is True
    assert error.execution_id is None
    assert error.workflow_id == "sleep"
    assert "an execution may exist whose id never arrived: find it with client.workflows.executions.list(" in str(error)
    [created] = [execution for execution in hosted.store.all_executions() if execution.id not in before]
    with EigenpalClient(api_key=hosted.api_key, base_url=hosted.base_url) as client:
        found = client.workflows.executions.list(
            error.workflow_id, from_date=error.created_after, to_date=error.created_before, limit=100
        )
    assert created.id in [summary.id for summary in found]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_runs_json_503_says_an_execution_may_exist(flavour: str) -> None:
    with LocalEigenpalServer(ServerConfig(faults=FaultConfig(error_503_rate=1.0))) as server:
        error = _run(server, flavour, "echo", {"n": 1})
    assert isinstance(error, EigenpalServerError)
    assert error.status == 503
    assert error.execution_may_exist is True
    assert (error.workflow_id, error.execution_id) == ("echo", None)
    assert error.created_after is not None
    assert error.created_before is not None
    assert error.created_after < error.created_before
