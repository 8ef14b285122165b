"""A run's answer names its execution under ``executionId``; one that carries only ``id`` (the summary's key, which
``get()`` already reads) or ``runId`` (today's runs API) keeps that id: the handle has it, ``wait()`` polls it, and an
unusable answer's error carries it. Sync and async (``any_client``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from eigenpal_ext import EigenpalError, EigenpalResponseError
from tests.support import FakeTime, Recorder, execution_json
from tests.unit.conftest import ClientFactory


def _answering(run_body: dict[str, Any], recorder: Recorder | None = None) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        if recorder is not None:
            recorder(request)
        if request.method == "POST":
            return httpx.Response(201, json=run_body)
        return httpx.Response(200, json=execution_json(request.url.path.rsplit("/", 1)[-1], status="completed"))

    return handle


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": "exec_from_id", "status": "running"}, "exec_from_id"),
        ({"runId": "exec_from_run_id"}, "exec_from_run_id"),
        ({"id": "exec_id_first", "runId": "exec_run_id_second"}, "exec_id_first"),
        ({"executionId": "exec_named", "id": "other", "runId": "other"}, "exec_named"),
        ({"id": "  ", "runId": "exec_after_a_blank_id"}, "exec_after_a_blank_id"),
    ],
)
def test_a_run_answer_keeps_the_id_it_carries(any_client: ClientFactory, body: dict[str, Any], expected: str) -> None:
    recorder = Recorder()
    client = any_client(_answering(body, recorder), time=FakeTime())
    handle = client.workflows.run("extract-invoice", {"n": 1})
    assert handle.execution_id == expected
    assert dict(handle.raw) == body  # the body as received
    assert client.workflows.executions.get(handle.execution_id).status == "completed"
    assert recorder.last.url.path == f"/api/v1/workflows/executions/{expected}"


@pytest.mark.parametrize(
    "body", [{"executionId": "", "id": "exec_beside"}, {"executionId": None, "runId": "exec_beside"}]
)
def test_an_unusable_executionid_beside_a_usable_id_is_an_error_carrying_that_id(
    any_client: ClientFactory, body: dict[str, Any]
) -> None:
    client = any_client(_answering(body))
    with pytest.raises(EigenpalResponseError) as info:
        client.workflows.run("extract-invoice", {"n": 1})
    assert info.value.execution_id == "exec_beside"
    assert "the run was accepted as execution exec_beside" in info.value.message


@pytest.mark.parametrize("body", [{"status": "queued"}, {"id": 42}, {"runId": ""}])
def test_a_run_answer_without_any_id_says_the_execution_may_exist(
    any_client: ClientFactory, body: dict[str, Any]
) -> None:
    client = any_client(_answering(body))
    with pytest.raises(EigenpalError) as info:
        client.workflows.run("extract-invoice", {"n": 1})
    assert info.value.execution_id is None
    assert info.value.execution_may_exist is True
    assert info.value.workflow_id == "extract-invoice"


def test_run_and_wait_follows_the_id_of_an_answer_keyed_by_run_id(any_client: ClientFactory) -> None:
    recorder = Recorder()
    client = any_client(_answering({"runId": "exec_rid"}, recorder), time=FakeTime())
    final = client.workflows.executions.run_and_wait("extract-invoice", input={"n": 1})
    assert (final.execution_id, final.status) == ("exec_rid", "completed")
