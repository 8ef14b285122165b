"""``client.workflows.executions``: get (with steps, unknown statuses), list filters, cancel, error mapping.

Every request goes through an ``httpx.MockTransport``; nothing touches the network and nothing sleeps. Each
test that takes ``any_client`` runs on the sync client and on the async one (``tests/unit/conftest.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from eigenpal_api.models import CancelOutcome, Execution, ExecutionPage

from eigenpal_ext import (
    TERMINAL_STATUSES,
    EigenpalAPIError,
    EigenpalAuthError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalForbiddenError,
    EigenpalNotFoundError,
    EigenpalPayloadTooLargeError,
    EigenpalRateLimitError,
    EigenpalResponseError,
    EigenpalServerError,
    EigenpalTimeoutError,
    EigenpalUnexpectedStatusError,
    EigenpalValidationError,
    ExecutionStatus,
    is_terminal,
)
from tests.support import BASE_URL, Handler, Recorder, answer, execution_json
from tests.unit.conftest import ClientFactory

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ALL_STATUSES = [
    "created",
    "pending",
    "running",
    "waiting",
    "finalizing",
    "completed",
    "failed",
    "cancelled",
    "rejected",
]


# --- get --------------------------------------------------------------------------------------------------


def test_get_sends_no_include_steps_by_default(any_client: ClientFactory) -> None:
    recorder = Recorder()
    execution = any_client(recorder).workflows.executions.get("exec_1")
    assert isinstance(execution, Execution)
    assert execution.execution_id == "exec_1"
    assert recorder.last.method == "GET"
    assert recorder.last.url.path == "/api/v1/workflows/executions/exec_1"
    assert "includeSteps" not in recorder.last.url.params
    assert recorder.last.url.query == b""


def test_get_with_include_steps_sends_true(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.get("exec_1", include_steps=True)
    assert dict(recorder.last.url.params) == {"includeSteps": "true"}


def test_get_include_steps_must_be_a_bool(any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(TypeError, match="include_steps"):
        any_client(recorder).workflows.executions.get("exec_1", include_steps="yes")  # type: ignore[arg-type]
    assert recorder.requests == []


def test_get_with_steps_keeps_steps_and_unknown_keys(any_client: ClientFactory) -> None:
    body = execution_json(
        status="completed",
        completedAt="2026-05-09T12:00:05Z",
        result={"total": 42},
        steps=[
            {"stepId": "parse", "status": "completed", "output": {"text": "hi"}, "tokens": 12},
            {"stepId": "extract", "status": "failed", "error": "bad pdf"},
        ],
        overrides={"steps": {"parse": {"text": "hi"}}},
        artifactVersion=3,
        workflowId="wf_1",
    )
    recorder = Recorder(lambda request: httpx.Response(200, json=body))
    execution = any_client(recorder).workflows.executions.get("exec_1", include_steps=True)
    steps = execution.steps
    assert isinstance(steps, list)
    assert [step.step_id for step in steps] == ["parse", "extract"]
    assert steps[0].status == "completed"
    assert steps[0].output == {"text": "hi"}
    assert steps[0].additional_properties == {"tokens": 12}
    assert steps[1].error == "bad pdf"
    assert execution.result == {"total": 42}
    assert execution.additional_properties == {"artifactVersion": 3, "workflowId": "wf_1"}
    assert execution.overrides is not None
    assert execution.to_dict()["overrides"] == {"steps": {"parse": {"text": "hi"}}}


def test_unknown_status_parses_and_is_not_terminal(any_client: ClientFactory) -> None:
    recorder = Recorder(lambda request: httpx.Response(200, json=execution_json(status="queued")))
    execution = any_client(recorder).workflows.executions.get("exec_1")
    assert str(execution.status) == "queued"
    assert execution.status == "queued"
    assert execution.status not in TERMINAL_STATUSES
    assert not is_terminal(execution.status)


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled", "rejected"])
def test_terminal_statuses_match_a_plain_set_of_strings(status: str, any_client: ClientFactory) -> None:
    terminal_in_docs = {"completed", "failed", "cancelled", "rejected"}
    recorder = Recorder(lambda request: httpx.Response(200, json=execution_json(status=status)))
    execution = any_client(recorder).workflows.executions.get("exec_1")
    assert execution.status in terminal_in_docs
    assert execution.status in TERMINAL_STATUSES
    assert status in TERMINAL_STATUSES
    assert is_terminal(execution.status)


@pytest.mark.parametrize("status", ["created", "pending", "running", "waiting", "finalizing"])
def test_non_terminal_statuses(status: str, any_client: ClientFactory) -> None:
    recorder = Recorder(lambda request: httpx.Response(200, json=execution_json(status=status)))
    execution = any_client(recorder).workflows.executions.get("exec_1")
    assert execution.status not in {"completed", "failed", "cancelled", "rejected"}
    assert execution.status not in TERMINAL_STATUSES
    assert not is_terminal(execution.status)


def test_terminal_set_is_exactly_the_documented_one() -> None:
    assert {str(status) for status in TERMINAL_STATUSES} == {"completed", "failed", "cancelled", "rejected"}


# --- list -------------------------------------------------------------------------------------------------


StatusArg = str | ExecutionStatus | Sequence[str | ExecutionStatus]


@pytest.mark.parametrize(
    "status",
    [
        ["failed", "cancelled"],
        ("failed", "cancelled"),
        [ExecutionStatus.FAILED, ExecutionStatus.CANCELLED],
        ["failed", ExecutionStatus.CANCELLED],
    ],
)
def test_list_joins_statuses_with_commas(status: StatusArg, any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list("wf_1", status=status)
    assert recorder.last.url.params["status"] == "failed,cancelled"
    assert recorder.last.url.path == "/api/v1/workflows/wf_1/executions"


@pytest.mark.parametrize("status", ["failed", ExecutionStatus.FAILED, ["failed"]])
def test_list_single_status(status: StatusArg, any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list("wf_1", status=status)
    assert recorder.last.url.params["status"] == "failed"


def test_list_without_filters_sends_only_limit(any_client: ClientFactory) -> None:
    recorder = Recorder()
    result = any_client(recorder).workflows.executions.list("wf_1")
    assert isinstance(result, ExecutionPage)
    assert dict(recorder.last.url.params) == {"limit": "50"}


@pytest.mark.parametrize(
    ("status", "wire"),
    [("queued", "queued"), (["failed", "expired"], "failed,expired"), (["waiting_for_review"], "waiting_for_review")],
)
def test_list_status_unknown_to_the_client_is_sent_for_the_server_to_judge(
    status: StatusArg, wire: str, any_client: ClientFactory
) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list("wf_1", status=status)
    assert recorder.last.url.params["status"] == wire


@pytest.mark.parametrize(
    ("status", "meant"),
    [("FAILED", "failed"), ("canceled", "cancelled"), (["completed", "fail"], "failed"), (" running", "running")],
)
def test_list_near_miss_of_a_known_status_is_refused_with_a_suggestion(
    status: StatusArg, meant: str, any_client: ClientFactory
) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match=f"did you mean '{meant}'") as info:
        any_client(recorder).workflows.executions.list("wf_1", status=status)
    for valid in ALL_STATUSES:
        assert valid in str(info.value)
    assert recorder.requests == []


@pytest.mark.parametrize("status", ["failed,cancelled", "", ["failed", ""]])
def test_list_status_that_is_not_one_status_is_refused(status: StatusArg, any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="as a list"):
        any_client(recorder).workflows.executions.list("wf_1", status=status)
    assert recorder.requests == []


def test_list_status_of_another_type_is_a_type_error(any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(TypeError, match="status"):
        any_client(recorder).workflows.executions.list("wf_1", status=[7])  # type: ignore[list-item]
    assert recorder.requests == []


def test_list_documented_relative_dates_are_sent_as_written(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list("wf_1", from_date="now()-7d", to_date="now()")
    params = recorder.last.url.params
    assert (params["fromDate"], params["toDate"]) == ("now()-7d", "now()")


def test_list_extended_relative_dates_become_iso_utc_with_milliseconds(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list("wf_1", from_date="now-7d", to_date="now")
    params = recorder.last.url.params
    from_text, to_text = params["fromDate"], params["toDate"]
    assert ISO_MS_Z.match(from_text), from_text
    assert ISO_MS_Z.match(to_text), to_text
    start = datetime.fromisoformat(from_text)
    end = datetime.fromisoformat(to_text)
    assert timedelta(days=7) <= end - start <= timedelta(days=7, milliseconds=1)  # to_date rounded up
    assert abs(datetime.now(start.tzinfo) - end) < timedelta(minutes=5)


def test_list_limit_has_no_client_side_cap(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list("wf_1", limit=200)
    assert recorder.last.url.params["limit"] == "200"


def test_list_datetime_and_timedelta_bounds(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list(
        "wf_1", from_date=timedelta(hours=1), to_date="2999-01-01T00:00:00+02:00"
    )
    params = recorder.last.url.params
    assert ISO_MS_Z.match(params["fromDate"])
    assert params["toDate"] == "2999-01-01T00:00:00+02:00"  # ISO-8601 is sent as written


def test_list_from_later_than_to_is_refused_before_any_request(any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="from_date"):
        any_client(recorder).workflows.executions.list("wf_1", from_date="now()", to_date="now()-1d")
    assert recorder.requests == []


def test_list_bad_date_is_refused_before_any_request(any_client: ClientFactory) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="from_date"):
        any_client(recorder).workflows.executions.list("wf_1", from_date="last tuesday")
    assert recorder.requests == []


def test_list_example_id_limit_offset(any_client: ClientFactory) -> None:
    recorder = Recorder()
    any_client(recorder).workflows.executions.list("wf_1", example_id="ex_7", limit=10, offset=20)
    assert dict(recorder.last.url.params) == {"exampleId": "ex_7", "limit": "10", "offset": "20"}


@pytest.mark.parametrize(
    ("kwargs", "argument"), [({"limit": 0}, "limit"), ({"limit": -5}, "limit"), ({"offset": -1}, "offset")]
)
def test_list_bad_paging_is_refused_before_any_request(
    kwargs: dict[str, Any], argument: str, any_client: ClientFactory
) -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match=argument):
        any_client(recorder).workflows.executions.list("wf_1", **kwargs)
    assert recorder.requests == []


def test_list_parses_summaries(any_client: ClientFactory) -> None:
    item = {"id": "exec_1", "workflowId": "wf_1", "status": "failed", "createdAt": "2026-05-09T12:00:00Z"}
    recorder = Recorder(
        lambda request: httpx.Response(200, json={"data": [item], "total": 1, "limit": 50, "offset": 0})
    )
    result = any_client(recorder).workflows.executions.list("wf_1")
    assert [(e.id, str(e.status)) for e in result.data] == [("exec_1", "failed")]


# --- cancel -----------------------------------------------------------------------------------------------


def test_cancel_posts_and_parses_outcome(any_client: ClientFactory) -> None:
    body = {"executionId": "exec_1", "status": "cancellation-requested", "wasStatus": "running"}
    recorder = Recorder(lambda request: httpx.Response(200, json=body))
    outcome = any_client(recorder).workflows.executions.cancel("exec_1")
    assert recorder.last.method == "POST"
    assert str(recorder.last.url) == f"{BASE_URL}/api/v1/workflows/executions/exec_1/cancel"
    assert outcome.status == CancelOutcome.CANCELLATION_REQUESTED
    assert str(outcome.status) == "cancellation-requested"
    assert outcome.was_status == ExecutionStatus.RUNNING
    assert outcome.execution_id == "exec_1"


# --- errors -----------------------------------------------------------------------------------------------


def test_get_404_is_not_found_with_ids(any_client: ClientFactory) -> None:
    envelope = {"issues": [{"field": "executionId", "message": "execution not found", "code": "not_found"}]}
    recorder = answer(404, json=envelope, headers={"x-request-id": "req_abc"})
    with pytest.raises(EigenpalNotFoundError) as info:
        any_client(recorder).workflows.executions.get("exec_404")
    error = info.value
    assert error.execution_id == "exec_404"
    assert error.request_id == "req_abc"
    assert error.status == 404
    assert "execution not found" in str(error)
    assert len(recorder.requests) == 1


def test_429_with_non_envelope_body_is_rate_limit_error(any_client: ClientFactory) -> None:
    recorder = answer(429, json={"message": "slow down"})
    with pytest.raises(EigenpalRateLimitError) as info:
        any_client(recorder, max_retries=0).workflows.executions.get("exec_1")
    assert "slow down" in str(info.value)
    assert info.value.execution_id == "exec_1"


def test_500_with_empty_body_is_server_error(any_client: ClientFactory) -> None:
    recorder = answer(500, content=b"")
    with pytest.raises(EigenpalServerError) as info:
        any_client(recorder, max_retries=0).workflows.executions.get("exec_1")
    assert info.value.status == 500
    assert info.value.execution_id == "exec_1"


def test_html_404_says_base_url_is_probably_wrong(any_client: ClientFactory) -> None:
    recorder = answer(404, html="<html><body>Not Found</body></html>")
    with pytest.raises(EigenpalNotFoundError) as info:
        any_client(recorder).workflows.executions.get("exec_1")
    assert "base_url probably" in str(info.value)


def _json_error(status: int) -> Handler:
    return lambda request: httpx.Response(status, json={"issues": [{"message": f"status {status}"}]})


def _html_ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, html="<html>hi</html>")


def _wrong_shape_ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"unexpected": True})


ERROR_CASES: list[tuple[Handler, type[EigenpalError]]] = [
    (_json_error(400), EigenpalValidationError),
    (_json_error(401), EigenpalAuthError),
    (_json_error(403), EigenpalForbiddenError),
    (_json_error(404), EigenpalNotFoundError),
    (_json_error(409), EigenpalUnexpectedStatusError),
    (_json_error(413), EigenpalPayloadTooLargeError),
    (_json_error(429), EigenpalRateLimitError),
    (_json_error(500), EigenpalServerError),
    (_json_error(503), EigenpalServerError),
    (_html_ok, EigenpalResponseError),
    (_wrong_shape_ok, EigenpalResponseError),
]


@pytest.mark.parametrize("method", ["get", "cancel"])
@pytest.mark.parametrize(("respond", "expected"), ERROR_CASES)
def test_every_error_from_get_and_cancel_carries_execution_id(
    method: str, respond: Handler, expected: type[EigenpalError], any_client: ClientFactory
) -> None:
    client = any_client(Recorder(respond), max_retries=0)
    operation = getattr(client.workflows.executions, method)
    with pytest.raises(expected) as info:
        operation("exec_77")
    assert info.value.execution_id == "exec_77"
    assert "exec_77" in str(info.value)
    assert isinstance(info.value, EigenpalAPIError)


def _connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _remote_protocol_error(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("server disconnected", request=request)


@pytest.mark.parametrize("method", ["get", "cancel"])
@pytest.mark.parametrize(
    ("respond", "expected"),
    [
        (_connect_error, EigenpalConnectionError),
        (_remote_protocol_error, EigenpalConnectionError),
        (_read_timeout, EigenpalTimeoutError),
    ],
)
def test_transport_errors_are_wrapped_with_execution_id(
    method: str, respond: Handler, expected: type[EigenpalError], any_client: ClientFactory
) -> None:
    client = any_client(Recorder(respond), max_retries=0)
    operation = getattr(client.workflows.executions, method)
    with pytest.raises(expected) as info:
        operation("exec_77")
    error = info.value
    assert not isinstance(error, httpx.HTTPError)
    assert isinstance(error.__cause__, httpx.TransportError)
    assert error.execution_id == "exec_77"
    assert "exec_77" in str(error)


def test_connect_error_after_retries_is_wrapped(any_client: ClientFactory) -> None:
    recorder = Recorder(_connect_error)
    with pytest.raises(EigenpalConnectionError) as info:
        any_client(recorder).workflows.executions.get("exec_1")
    assert info.value.execution_id == "exec_1"
    assert len(recorder.requests) == 3


def test_list_errors_are_typed(any_client: ClientFactory) -> None:
    with pytest.raises(EigenpalConnectionError):
        any_client(Recorder(_connect_error), max_retries=0).workflows.executions.list("wf_1")
    with pytest.raises(EigenpalNotFoundError):
        any_client(answer(404, json={"issues": []})).workflows.executions.list("wf_1")
