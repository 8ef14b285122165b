"""Renamed arguments: the new names are the ones in every signature; the old ones still work, with a warning.

A per-request timeout is ``request_timeout_seconds`` and a wait's deadline ``timeout_seconds``; ``iter`` caps
its items with ``max_items`` (``limit`` is a page size, as in ``list``).
"""

from __future__ import annotations

import inspect

import pytest

from eigenpal_ext import AsyncEigenpalClient, AsyncExecutionHandle, EigenpalClient, ExecutionHandle
from eigenpal_ext.executions import AsyncExecutions, Executions
from eigenpal_ext.workflows import AsyncWorkflows, Workflows
from tests.support import API_KEY, BASE_URL, Recorder
from tests.unit.conftest import ClientFactory

ONE_REQUEST = [
    (Workflows, ["list", "iter", "get", "versions", "run"]),
    (AsyncWorkflows, ["list", "iter", "get", "versions", "run"]),
    (Executions, ["get", "list", "iter", "cancel"]),
    (AsyncExecutions, ["get", "list", "iter", "cancel"]),
    (ExecutionHandle, ["get", "cancel"]),
    (AsyncExecutionHandle, ["get", "cancel"]),
]
WAITS = [(cls, ["wait", "run_and_wait", "run_many"]) for cls in (Executions, AsyncExecutions)] + [
    (ExecutionHandle, ["wait"]),
    (AsyncExecutionHandle, ["wait"]),
]


@pytest.mark.parametrize(("cls", "names"), ONE_REQUEST, ids=lambda value: getattr(value, "__name__", ""))
def test_one_request_methods_take_request_timeout_seconds(cls: type, names: list[str]) -> None:
    for name in names:
        parameters = inspect.signature(getattr(cls, name)).parameters
        assert "request_timeout_seconds" in parameters, name
        assert "timeout_seconds" not in parameters, name


@pytest.mark.parametrize(("cls", "names"), WAITS, ids=lambda value: getattr(value, "__name__", ""))
def test_waits_take_timeout_seconds_for_their_whole_deadline(cls: type, names: list[str]) -> None:
    for name in names:
        parameters = inspect.signature(getattr(cls, name)).parameters
        assert "timeout_seconds" in parameters, name
        assert "request_timeout_seconds" not in parameters, name


def test_iter_caps_with_max_items_and_list_pages_with_limit() -> None:
    for cls in (Workflows, AsyncWorkflows, Executions, AsyncExecutions):
        assert {"page_size", "max_items"} <= set(inspect.signature(cls.iter).parameters)
        assert "limit" not in inspect.signature(cls.iter).parameters
        assert "limit" in inspect.signature(cls.list).parameters


def test_the_old_names_still_work_with_a_warning(any_client: ClientFactory) -> None:
    recorder = Recorder()
    client = any_client(recorder)
    with pytest.warns(DeprecationWarning, match=r"get\(timeout_seconds=...\) is deprecated.*request_timeout_seconds"):
        client.workflows.executions.get("exec_1", timeout_seconds=7)  # type: ignore[call-arg]
    assert recorder.last.extensions["timeout"]["read"] == 7.0
    with pytest.warns(DeprecationWarning, match=r"iter\(limit=...\) is deprecated.*max_items"):
        items = list(client.workflows.iter(limit=1))  # type: ignore[call-arg]
    assert items == []
    assert recorder.last.url.params["limit"] == "1"


def test_both_names_at_once_is_a_type_error(any_client: ClientFactory) -> None:
    client = any_client(Recorder())
    with pytest.raises(TypeError, match=r"request_timeout_seconds= \(formerly timeout_seconds=\), not both"):
        client.workflows.get("wf_1", timeout_seconds=1, request_timeout_seconds=2)  # type: ignore[call-arg]


def test_async_methods_stay_coroutine_functions() -> None:
    for cls, names in ONE_REQUEST:
        if cls.__name__.startswith("Async"):
            for name in names:
                if name != "iter":
                    assert inspect.iscoroutinefunction(getattr(cls, name)), name


def test_the_clients_default_per_request_timeout_is_request_timeout_seconds() -> None:
    for cls in (EigenpalClient, AsyncEigenpalClient):
        for function in (cls, cls.with_options):
            parameters = inspect.signature(function).parameters
            assert "request_timeout_seconds" in parameters
            assert "timeout_seconds" not in parameters
    with pytest.warns(DeprecationWarning, match=r"__init__\(timeout_seconds=...\) is deprecated"):
        client = EigenpalClient(api_key=API_KEY, base_url=BASE_URL, timeout_seconds=9)  # type: ignore[call-arg]
    with client:
        assert client.timeout.read == 9.0
        with pytest.warns(DeprecationWarning, match=r"with_options\(timeout_seconds=...\) is deprecated"):
            assert client.with_options(timeout_seconds=4).timeout.read == 4.0  # type: ignore[call-arg]
