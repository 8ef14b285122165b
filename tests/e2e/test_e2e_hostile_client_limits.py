"""Every resource has a bound: answer size, pagination, JSON depth (issue 9, client items 3, 4 and 5).

A misbehaving server from ``hostile_server`` on 127.0.0.1 sends a gigabyte, a gzip bomb, the same page
forever or JSON nested 100,000 deep; bad inputs are refused before any request (the server records
every request it receives, so "nothing was sent" is checked, not assumed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from eigenpal_ext import (
    AsyncEigenpalClient,
    EigenpalClient,
    EigenpalResponseError,
    EigenpalResponseTooLargeError,
    EigenpalServerError,
)
from tests.e2e.hostile_server import (
    HostileServer,
    answer,
    deep_json,
    elapsed,
    endless,
    gzip_bomb,
    pages_forever,
    serve_gzip,
)

KEY = "eg_test_hostile_0123456789"
MIB = 1 << 20


@pytest.fixture
def recording() -> Iterator[HostileServer]:
    """A server that answers everything with 500: tests check that it received nothing."""
    with HostileServer(answer(500, {"error": "should not be reached"})) as server:
        yield server


def client_for(server: HostileServer, **kwargs: object) -> EigenpalClient:
    return EigenpalClient(api_key=KEY, base_url=server.base_url, max_retries=0, **kwargs)  # type: ignore[arg-type]


# --- item 3: response size cap ------------------------------------------------------------------------------


def test_a_gigabyte_answer_stops_at_the_size_cap_with_a_typed_error_naming_it() -> None:
    with HostileServer(endless()) as server, client_for(server, max_response_bytes=4 * MIB) as client:
        _, error = elapsed(lambda: client.workflows.executions.get("exec_1", request_timeout_seconds=30))

    assert isinstance(error, EigenpalResponseTooLargeError)
    assert isinstance(error, EigenpalResponseError)
    assert error.limit_bytes == 4 * MIB
    assert error.status == 200
    assert "4194304 bytes" in error.message
    assert "max_response_bytes" in error.message
    assert error.execution_id == "exec_1"
    assert len(server.requests) == 1  # an oversized answer is never retried


def test_the_default_cap_is_64_mib() -> None:
    with HostileServer(endless()) as server, client_for(server) as client:
        _, error = elapsed(lambda: client.workflows.executions.get("exec_1", request_timeout_seconds=60))

    assert isinstance(error, EigenpalResponseTooLargeError)
    assert error.limit_bytes == 64 * MIB


def test_a_gzip_bomb_counts_its_decompressed_bytes() -> None:
    bomb = gzip_bomb(64 * MIB)  # about 64 KiB on the wire
    assert len(bomb) < MIB
    with HostileServer(serve_gzip(bomb)) as server, client_for(server, max_response_bytes=2 * MIB) as client:
        _, error = elapsed(lambda: client.workflows.get("wf_1"))

    assert isinstance(error, EigenpalResponseTooLargeError)
    assert error.limit_bytes == 2 * MIB


def test_an_oversized_answer_to_a_run_says_the_execution_exists() -> None:
    with HostileServer(endless()) as server, client_for(server, max_response_bytes=MIB) as client:
        _, error = elapsed(lambda: client.workflows.run("extract-invoice", {"n": 1}))

    assert isinstance(error, EigenpalResponseTooLargeError)
    assert "the run was accepted, so an execution exists" in error.message
    assert "executions.list('extract-invoice'" in str(error)


def test_an_oversized_error_answer_is_capped_too() -> None:
    def huge_500(request: object, conn: object) -> None:
        conn.head(500, {"Content-Type": "application/json"}, length=1 << 30)  # type: ignore[attr-defined]
        while conn.send(b" " * MIB):  # type: ignore[attr-defined]
            pass

    with HostileServer(huge_500) as server, client_for(server, max_response_bytes=MIB) as client:
        _, error = elapsed(lambda: client.workflows.get("wf_1"))

    assert isinstance(error, EigenpalResponseTooLargeError)
    assert error.status == 500


def test_async_client_caps_answers_too() -> None:
    async def scenario() -> BaseException | None:
        async with AsyncEigenpalClient(api_key=KEY, base_url=server.base_url, max_response_bytes=2 * MIB) as client:
            try:
                await client.workflows.get("wf_1")
            except EigenpalResponseTooLargeError as error:
                return error
            return None

    with HostileServer(serve_gzip(gzip_bomb(32 * MIB))) as server:
        error = asyncio.run(scenario())

    assert isinstance(error, EigenpalResponseTooLargeError)


def test_max_response_bytes_is_checked_when_the_client_is_built() -> None:
    for bad in (0, -1, 1.5, True, "64MiB"):
        with pytest.raises(ValueError, match="max_response_bytes"):
            EigenpalClient(api_key=KEY, max_response_bytes=bad)  # type: ignore[arg-type]


# --- item 4: pagination terminates --------------------------------------------------------------------------


def test_iter_against_a_server_that_ignores_offset_stops_with_a_typed_error() -> None:
    with HostileServer(pages_forever(total=10**9, size=3)) as server, client_for(server) as client:
        seen: list[str] = []
        _, error = elapsed(
            lambda: seen.extend(item.id for item in client.workflows.executions.iter("wf_1", page_size=3))
        )

    assert isinstance(error, EigenpalResponseError)
    assert "ignore offset" in error.message
    assert seen == ["exec_0", "exec_1", "exec_2"]  # each item once
    assert len(server.requests) == 4  # the first page, then three that brought nothing new


def test_async_iter_against_a_server_that_ignores_offset_stops_too() -> None:
    async def scenario() -> tuple[list[str], BaseException | None]:
        items: list[str] = []
        async with AsyncEigenpalClient(api_key=KEY, base_url=server.base_url) as client:
            try:
                async for item in client.workflows.executions.iter("wf_1", page_size=3):
                    items.append(item.id)
            except EigenpalResponseError as error:
                return items, error
        return items, None

    with HostileServer(pages_forever(total=10**9, size=3)) as server:
        items, error = asyncio.run(scenario())

    assert isinstance(error, EigenpalResponseError)
    assert items == ["exec_0", "exec_1", "exec_2"]


# --- item 5: depth ------------------------------------------------------------------------------------------


def test_an_answer_nested_100k_deep_is_a_typed_error_not_recursion_error() -> None:
    with HostileServer(answer(200, deep_json(100_000))) as server, client_for(server) as client:
        _, error = elapsed(lambda: client.workflows.executions.get("exec_1"))

    assert isinstance(error, EigenpalResponseError)
    assert "nested too deeply" in error.message
    assert error.execution_id == "exec_1"


def test_an_error_answer_nested_100k_deep_keeps_its_status() -> None:
    with HostileServer(answer(500, deep_json(100_000))) as server, client_for(server) as client:
        _, error = elapsed(lambda: client.workflows.get("wf_1"))

    assert isinstance(error, EigenpalServerError)


def test_an_input_nested_5000_deep_is_refused_before_any_request(recording: HostileServer) -> None:
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    with client_for(recording) as client:
        with pytest.raises(ValueError, match=r"input\['doc'\]\[0\]") as caught:
            client.workflows.run("extract-invoice", {"doc": deep})
        with pytest.raises(ValueError, match="deeper than 64 levels"):
            client.workflows.executions.run_and_wait("extract-invoice", {"doc": deep}, timeout_seconds=1)
        with pytest.raises(ValueError, match=r"overrides\['steps'\]"):
            client.workflows.run("extract-invoice", overrides={"steps": {"extract": {"x": deep}}})

    assert "deeper than 64 levels" in str(caught.value)
    assert recording.requests == []


def test_a_list_that_contains_itself_is_refused_not_a_recursion_error(recording: HostileServer) -> None:
    loop: list[object] = []
    loop.append(loop)
    with client_for(recording) as client, pytest.raises(ValueError, match="deeper than"):
        client.workflows.run("extract-invoice", {"doc": loop})
    assert recording.requests == []


def test_inputs_nested_up_to_the_limit_are_sent(recording: HostileServer) -> None:
    ok: dict[str, object] = {}
    for _ in range(61):  # body {"input": {"doc": ...}}: levels 3..63, well within 64
        ok = {"a": ok}
    with client_for(recording) as client, pytest.raises(EigenpalServerError):
        client.workflows.run("extract-invoice", {"doc": ok})
    assert len(recording.requests) == 1


def test_a_run_answered_with_json_nested_100k_deep_is_a_typed_error() -> None:
    with HostileServer(answer(201, deep_json(100_000))) as server, client_for(server) as client:
        _, error = elapsed(lambda: client.workflows.run("extract-invoice", {"n": 1}))

    assert isinstance(error, EigenpalResponseError)
    assert "nested too deeply" in error.message


def test_a_normal_gzip_answer_is_still_decoded_sync_and_async() -> None:
    # Compressed bodies reach the decoder in small slices (to bound a bomb); an honest one must read the same.
    import gzip
    import json

    from tests.e2e.hostile_server import execution_status

    status = {**execution_status("exec_1"), "result": {"pad": "x" * 200_000}}
    payload = gzip.compress(json.dumps(status).encode())

    async def read_async(base_url: str) -> object:
        async with AsyncEigenpalClient(api_key=KEY, base_url=base_url) as client:
            return await client.workflows.executions.get("exec_1")

    with HostileServer(serve_gzip(payload)) as server, client_for(server) as client:
        execution = client.workflows.executions.get("exec_1")
        from_async = asyncio.run(read_async(server.base_url))

    assert execution.result == {"pad": "x" * 200_000}
    assert from_async.result == execution.result  # type: ignore[attr-defined]
