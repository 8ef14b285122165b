"""``with_raw_response`` (issue 18, item 8): each single-request method of ``client.workflows`` and
``client.workflows.executions`` has a twin returning a ``RawResponse`` (status, headers, request id, ``parse()``),
sync and async (``any_client``), through the same checks, retries and errors as the plain method. The runs and
files resources' twins over real sockets: tests/e2e/test_e2e_raw_responses.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_type

import httpx
import pytest

from eigenpal_ext import ArgumentValueError, EigenpalClient, EigenpalNotFoundError, EigenpalResponseError
from eigenpal_ext.types import (
    Execution,
    ExecutionCancellation,
    ExecutionPage,
    RawResponse,
    Workflow,
    WorkflowPage,
    WorkflowVersionPage,
)
from tests.support import Recorder, api_response, make_client
from tests.unit.conftest import ClientFactory

CALLS: dict[str, Callable[[Any], Any]] = {
    "workflows.list": lambda resources: resources.workflows.list(limit=5),
    "workflows.get": lambda resources: resources.workflows.get("wf_1"),
    "workflows.versions": lambda resources: resources.workflows.versions("wf_1"),
    "executions.get": lambda resources: resources.executions.get("exec_1"),
    "executions.list": lambda resources: resources.executions.list("wf_1"),
    "executions.cancel": lambda resources: resources.executions.cancel("exec_1"),
}


class Raw:
    """The ``with_raw_response`` twins of a client's resources, called like the plain ones."""

    def __init__(self, client: Any) -> None:
        self.workflows = client.workflows.with_raw_response
        self.executions = client.workflows.executions.with_raw_response


class Plain:
    def __init__(self, client: Any) -> None:
        self.workflows = client.workflows
        self.executions = client.workflows.executions


def with_request_id(request: httpx.Request) -> httpx.Response:
    answer = api_response(request)
    return httpx.Response(answer.status_code, content=answer.content,
                          headers={"content-type": "application/json", "x-request-id": "req_raw_1"})  # fmt: skip


@pytest.mark.parametrize("name", list(CALLS))
def test_each_single_request_method_has_a_raw_twin(any_client: ClientFactory, name: str) -> None:
    recorder = Recorder(with_request_id)
    client = any_client(recorder)
    raw = CALLS[name](Raw(client))
    assert isinstance(raw, RawResponse)
    assert (raw.status_code, raw.request_id, raw.headers["X-Request-Id"]) == (200, "req_raw_1", "req_raw_1")
    assert raw.url == recorder.last.url
    parsed = raw.parse()
    assert raw.parse() is parsed  # parsed once
    plain = CALLS[name](Plain(client))
    assert type(parsed) is type(plain)
    assert parsed.to_dict() == plain.to_dict()
    assert parsed.request_id == "req_raw_1"
    assert [request.url for request in recorder.requests[-2:]] == [raw.url, raw.url]  # the same request, twice


def test_an_error_status_raises_as_the_plain_method_does(any_client: ClientFactory) -> None:
    answer = {"error": {"code": "not_found", "message": "no such workflow"}}
    client = any_client(Recorder(lambda r: httpx.Response(404, json=answer, headers={"x-request-id": "req_404"})))
    with pytest.raises(EigenpalNotFoundError) as raised:
        client.workflows.with_raw_response.get("wf_missing")
    assert raised.value.request_id == "req_404"


def test_arguments_are_checked_before_any_request(any_client: ClientFactory) -> None:
    recorder = Recorder(with_request_id)
    client = any_client(recorder)
    with pytest.raises(ArgumentValueError):
        client.workflows.executions.with_raw_response.get("")
    with pytest.raises(ArgumentValueError):
        client.workflows.with_raw_response.list(limit=0)
    assert recorder.requests == []


def test_an_unusable_body_is_refused_when_parsed(any_client: ClientFactory) -> None:
    client = any_client(Recorder(lambda r: httpx.Response(200, text="<html>login</html>")))
    raw = client.workflows.with_raw_response.get("wf_1")
    assert raw.status_code == 200
    assert raw.http_response.text == "<html>login</html>"
    with pytest.raises(EigenpalResponseError):
        raw.parse()


def test_retries_apply_to_the_raw_twin(any_client: ClientFactory) -> None:
    answers = iter([httpx.Response(503, headers={"retry-after": "0"})])
    recorder = Recorder(lambda request: next(answers, None) or with_request_id(request))
    raw = any_client(recorder).workflows.with_raw_response.get("wf_1")
    assert raw.status_code == 200
    assert len(recorder.requests) == 2


def test_methods_that_may_send_more_than_one_request_have_no_raw_twin() -> None:
    with make_client(Recorder()) as client:
        for name in ("run", "iter"):
            assert not hasattr(client.workflows.with_raw_response, name)
        for name in ("wait", "run_and_wait", "run_many", "iter", "handle"):
            assert not hasattr(client.workflows.executions.with_raw_response, name)


def test_the_raw_twins_are_typed() -> None:
    """Checked by mypy --strict (make typecheck): each twin returns ``RawResponse`` of the plain method's type."""
    with make_client(Recorder(with_request_id)) as client:
        raw: Any = client.workflows.with_raw_response
        typed = client.workflows.with_raw_response
        executions = client.workflows.executions.with_raw_response
        assert_type(typed.list(), RawResponse[WorkflowPage])
        assert_type(typed.get("wf_1"), RawResponse[Workflow])
        assert_type(typed.versions("wf_1"), RawResponse[WorkflowVersionPage])
        assert_type(executions.get("exec_1"), RawResponse[Execution])
        assert_type(executions.list("wf_1"), RawResponse[ExecutionPage])
        assert_type(executions.cancel("exec_1"), RawResponse[ExecutionCancellation])
        assert_type(typed.get("wf_1").parse(), Workflow)
        assert raw is typed  # one twin per resource
        assert isinstance(client, EigenpalClient)
