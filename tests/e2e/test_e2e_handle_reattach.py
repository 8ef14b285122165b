"""An execution handle pickles and deep-copies like the run answer it is, and re-attaches to a client in
another process (issue 15, item 7).

Against a local server on 127.0.0.1: a handle from ``workflows.run`` goes through ``pickle`` (to a
``multiprocessing`` worker with a client of its own, which waits for the execution through
``client.workflows.executions.handle(...)``) and through ``copy.deepcopy`` (the copy still acts on the
execution through the same client). A handle that was unpickled and not re-attached says how to re-attach
it instead of failing obscurely.
"""

from __future__ import annotations

import asyncio
import copy
import multiprocessing
import pickle
from typing import Any

import pytest

from eigenpal_ext import AsyncExecutionHandle, ExecutionHandle
from eigenpal_ext.testing import LocalEigenpalServer


def wait_in_another_process(payload: bytes, base_url: str, api_key: str) -> dict[str, Any]:
    """In a spawned worker: unpickle the handle, re-attach it to this process's client, wait for it."""
    from eigenpal_ext import EigenpalClient

    detached = pickle.loads(payload)
    with EigenpalClient(api_key=api_key, base_url=base_url) as client:
        handle = client.workflows.executions.handle(detached)
        by_id = client.workflows.executions.handle(detached.execution_id)
        final = handle.wait(timeout_seconds=20)
        return {
            "type": type(detached).__name__,
            "execution_id": final.execution_id,
            "status": str(final.status),
            "result": final.result,
            "by_id_status": str(by_id.get().status),
            "fields_kept": detached.raw == handle.raw,
        }


def test_a_handle_pickles_to_another_process_which_reattaches_and_waits(e2e_server: LocalEigenpalServer) -> None:
    with e2e_server.client() as client:
        handle = client.workflows.run("echo", {"n": 7})
    payload = pickle.dumps(handle)

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing shared but the bytes
    with context.Pool(1) as pool:
        outcome = pool.apply(wait_in_another_process, (payload, e2e_server.base_url, e2e_server.api_key))

    assert outcome == {
        "type": "ExecutionHandle",
        "execution_id": handle.execution_id,
        "status": "completed",
        "result": {"n": 7},
        "by_id_status": "completed",
        "fields_kept": True,
    }
    assert e2e_server.store.count_executions() == 1


def test_a_deep_copy_is_equal_and_still_attached(e2e_server: LocalEigenpalServer) -> None:
    with e2e_server.client() as client:
        handle = client.workflows.run("echo", {"n": 1})
        copied = copy.deepcopy(handle)
        shallow = copy.copy(handle)
        assert copied == handle
        assert copied is not handle
        assert copied.raw == handle.raw
        assert copied.raw is not handle.raw
        assert copied.wait(timeout_seconds=20).status == "completed"
        assert shallow.get().execution_id == handle.execution_id


def test_an_unpickled_handle_that_is_not_reattached_says_how(e2e_server: LocalEigenpalServer) -> None:
    with e2e_server.client() as client:
        handle = client.workflows.run("echo", {"n": 1})
    detached = pickle.loads(pickle.dumps(handle))
    assert isinstance(detached, ExecutionHandle)
    assert detached == handle
    for action in (detached.wait, detached.get, detached.cancel):
        with pytest.raises(RuntimeError, match=r"client\.workflows\.executions\.handle\("):
            action()


def test_the_async_handle_pickles_deep_copies_and_reattaches(e2e_server: LocalEigenpalServer) -> None:
    async def scenario() -> tuple[str, str, str]:
        async with e2e_server.async_client() as client:
            handle = await client.workflows.run("echo", {"n": 3})
            copied = copy.deepcopy(handle)
            detached = pickle.loads(pickle.dumps(handle))
            assert isinstance(detached, AsyncExecutionHandle)
            with pytest.raises(RuntimeError, match="not attached"):
                await detached.get()
            attached = client.workflows.executions.handle(detached)
            assert isinstance(attached, AsyncExecutionHandle)
            final = await attached.wait(timeout_seconds=20)
            copied_final = await copied.wait(timeout_seconds=20)
            by_id = await client.workflows.executions.handle(handle.execution_id).get()
            return str(final.status), str(copied_final.status), str(by_id.status)

    assert asyncio.run(scenario()) == ("completed", "completed", "completed")


def test_handle_checks_its_argument_before_any_request(e2e_server: LocalEigenpalServer) -> None:
    with e2e_server.client() as client:
        for bad in ("", "   ", 42, None):
            with pytest.raises((ValueError, TypeError), match="execution_id"):
                client.workflows.executions.handle(bad)  # type: ignore[arg-type]
    assert e2e_server.store.count_executions() == 0
