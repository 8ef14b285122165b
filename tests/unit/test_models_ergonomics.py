"""What the clients return, as objects (issue 18, items 7, 8 and 14), on the sync and the async client.

- A list page iterates over its items and has ``len``; iterating it sends nothing (only ``iter()`` pages).
- Every model a call returns carries the answer's ``x-request-id`` as ``request_id`` (items of ``iter()``
  the one of their page; ``ExecutionResult`` the one of the last status answer); not in ``to_dict``.
- ``to_dict()`` writes timestamps one way (ISO-8601 UTC, ``Z``) in the models and in ``ExecutionResult``;
  ``to_json()`` is ``to_dict()`` as JSON text on both.
- Subscripting a model, a handle or a result is a ``TypeError``, never a ``KeyError``.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx
import pytest

from eigenpal_ext._jsonable import to_jsonable
from tests.support import Recorder, api_response, execution_json
from tests.unit.conftest import ClientFactory

OFFSET_TS = "2026-11-27T10:00:00.000+02:00"
Z_TS = "2026-11-27T08:00:00Z"
SUMMARY = {"workflowId": "wf_1", "status": "completed", "createdAt": OFFSET_TS}


class NumberedAnswers(Recorder):
    """``api_response`` with lists of items and timestamps in another offset, each answer ``x-request-id: req_<n>``."""

    def __init__(self, *, statuses: list[str] | None = None) -> None:
        super().__init__(self._answer)
        self.numbers = itertools.count(1)
        self.statuses = iter(statuses or [])

    def _answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/executions"):
            offset = int(request.url.params.get("offset", "0"))
            items = [{"id": f"exec_{n}", **SUMMARY} for n in range(offset, min(offset + 2, 3))]
            body: dict[str, Any] = {"data": items, "total": 3, "limit": 2, "offset": offset}
        elif path.endswith("/workflows"):
            items = [{"id": f"wf_{n}", "name": f"w{n}", "createdAt": OFFSET_TS} for n in range(2)]
            body = {"data": items, "total": 2, "limit": 50, "offset": 0}
        elif "/workflows/executions/" in path and request.method == "GET":
            body = execution_json(status=next(self.statuses, "running"), createdAt=OFFSET_TS, completedAt=OFFSET_TS)
        else:
            answer = api_response(request)
            return httpx.Response(answer.status_code, json=answer.json(), headers=self._header())
        return httpx.Response(200, json=body, headers=self._header())

    def _header(self) -> dict[str, str]:
        return {"x-request-id": f"req_{next(self.numbers)}"}


# --- item 7: a page iterates over its items -----------------------------------------------------------------


def test_a_workflows_page_iterates_over_its_items_without_another_request(any_client: ClientFactory) -> None:
    api = NumberedAnswers()
    client = any_client(api)
    page = client.workflows.list()
    names = [workflow.name for workflow in page]  # KeyError: 0 before
    assert names == ["w0", "w1"]
    assert (len(page), page[1].name, bool(page)) == (2, "w1", True)
    assert len(api.requests) == 1  # iterating a page sends nothing


def test_an_executions_page_is_one_page_and_iter_follows_the_rest(any_client: ClientFactory) -> None:
    api = NumberedAnswers()
    client = any_client(api)
    page = client.workflows.executions.list("wf_1", limit=2)
    assert [item.id for item in page] == ["exec_0", "exec_1"]
    assert (len(page), page.total) == (2, 3)
    assert len(api.requests) == 1
    assert [item.id for item in client.workflows.executions.iter("wf_1", page_size=2)] == ["exec_0", "exec_1", "exec_2"]


def test_a_versions_page_iterates_too(any_client: ClientFactory) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        versions = [{"id": "wfh_2", "workflowId": "wf_1"}, {"id": "wfh_1", "workflowId": "wf_1"}]
        return httpx.Response(200, json={"data": versions, "total": 2, "limit": 50, "offset": 0})

    client = any_client(answer)
    assert [version.id for version in client.workflows.versions("wf_1")] == ["wfh_2", "wfh_1"]


# --- item 8 (the models): the request id ---------------------------------------------------------------------


def test_each_call_returns_models_with_their_answers_request_id(any_client: ClientFactory) -> None:
    client = any_client(NumberedAnswers())
    page = client.workflows.list()
    assert page.request_id == "req_1"
    assert [workflow.request_id for workflow in page] == ["req_1", "req_1"]  # the page's items: the page's
    assert client.workflows.get("wf_1").request_id == "req_2"
    assert client.workflows.run("wf_1", {"n": 1}).request_id == "req_3"  # the run's answer, kept by the handle
    assert client.workflows.executions.get("exec_1").request_id == "req_4"
    assert client.workflows.executions.cancel("exec_1").request_id == "req_5"
    assert client.workflows.executions.list("wf_1").request_id == "req_6"
    assert client.workflows.versions("wf_1").request_id == "req_7"


def test_iter_items_carry_the_request_id_of_the_page_they_came_from(any_client: ClientFactory) -> None:
    client = any_client(NumberedAnswers())
    items = list(client.workflows.executions.iter("wf_1", page_size=2))
    assert [(item.id, item.request_id) for item in items] == [
        ("exec_0", "req_1"),
        ("exec_1", "req_1"),
        ("exec_2", "req_2"),
    ]


def test_a_waits_result_carries_the_request_id_of_the_last_status(any_client: ClientFactory) -> None:
    client = any_client(NumberedAnswers(statuses=["running", "completed"]))
    result = client.workflows.executions.wait("exec_1", timeout_seconds=60)
    assert result.status == "completed"
    assert result.request_id == "req_2"
    assert result.execution is not None
    assert result.request_id == result.execution.request_id
    assert "req_2" not in json.dumps(result.to_dict())  # not part of the data


def test_an_answer_without_the_header_leaves_it_none(any_client: ClientFactory) -> None:
    client = any_client(Recorder())
    assert client.workflows.executions.get("exec_1").request_id is None


# --- item 14: one timestamp form, to_json, no subscripting ---------------------------------------------------


def test_models_and_results_write_timestamps_the_same_way(any_client: ClientFactory) -> None:
    client = any_client(NumberedAnswers(statuses=["completed", "completed"]))
    status = client.workflows.executions.get("exec_1")
    result = client.workflows.executions.wait("exec_1", timeout_seconds=60)
    workflow = client.workflows.list()[0]
    assert status.to_dict()["createdAt"] == result.to_dict()["createdAt"] == Z_TS  # was ...+00:00 vs ...Z
    assert status.to_dict()["completedAt"] == result.to_dict()["completedAt"] == Z_TS
    assert workflow.to_dict()["createdAt"] == Z_TS
    assert to_jsonable(status) == status.to_dict()  # what eigenpal --json prints: the same


def test_to_json_on_models_handles_and_results(any_client: ClientFactory) -> None:
    client = any_client(NumberedAnswers(statuses=["completed", "completed"]))
    handle = client.workflows.run("wf_1", {"n": 1})
    status = client.workflows.executions.get("exec_1")
    result = client.workflows.executions.wait("exec_1", timeout_seconds=60)
    for value in (handle, status, client.workflows.list(), result):
        text = value.to_json()
        assert json.loads(text) == value.to_dict()
        assert "\n" not in text
        assert value.to_json(indent=2).startswith('{\n  "')


def test_subscripting_a_model_a_handle_or_a_result_is_a_type_error(any_client: ClientFactory) -> None:
    client = any_client(NumberedAnswers(statuses=["completed", "completed"]))
    handle = client.workflows.run("wf_1", {"n": 1})
    status = client.workflows.executions.get("exec_1")
    result = client.workflows.executions.wait("exec_1", timeout_seconds=60)
    # Each `type: ignore[index]` is a check too: mypy --strict fails if the type checker stops rejecting these.
    with pytest.raises(TypeError, match=r"'executionId' is \.execution_id"):
        handle["executionId"]  # type: ignore[index]
    with pytest.raises(TypeError, match=r"'status' is \.status"):
        status["status"]  # type: ignore[index]
    with pytest.raises(TypeError, match="not subscriptable"):
        result["status"]  # type: ignore[index]
