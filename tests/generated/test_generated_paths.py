"""Path parameters are percent-encoded into exactly one path segment of the documented route.

An id containing `/`, `?`, `#`, `%` or spaces must neither split the path, leak into the query string,
nor be cut off as a URL fragment; decoding the one segment it occupies must give back the original id.
"""

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from eigenpal_api import AuthenticatedClient
from eigenpal_api.api.executions import cancel_execution, get_execution, list_executions
from eigenpal_api.api.files import (
    abort_file_upload,
    complete_file_upload,
    delete_file,
    get_file,
    get_file_content,
)
from eigenpal_api.api.runs import cancel_run, get_run, list_run_events, list_run_steps
from eigenpal_api.api.workflows import get_workflow, list_workflow_versions, run_workflow
from eigenpal_api.models import RunWorkflowBody, RunWorkflowBodyInput, RunWorkflowMultipartBody
from eigenpal_api.types import File, Response

MakeClient = Callable[[int, object], AuthenticatedClient]
IdCall = Callable[[str, AuthenticatedClient], Response[Any]]

HEADLINE_ID = "my wf/x?y#z%20 w"
HEADLINE_SEGMENT = b"my%20wf%2Fx%3Fy%23z%2520%20w"

TRICKY_IDS = [
    HEADLINE_ID,
    "a/b/c",
    "wf?limit=1&offset=2",
    "wf#frag",
    "100%",
    "%2F",
    "two  spaces ",
    "slug+plus&amp;=eq",
    "ünïcødé/ü",
]


def _multipart_body() -> RunWorkflowMultipartBody:
    body = RunWorkflowMultipartBody(field_json='{"input": {"n": 1}}')
    body["doc"] = File(payload=io.BytesIO(b"%PDF-1.7"), file_name="doc.pdf", mime_type="application/pdf")
    return body


# (route name, call, path prefix before the id segment, path suffix after it, expected query items)
ROUTES: list[tuple[str, IdCall, bytes, bytes, list[tuple[str, str]]]] = [
    ("get_workflow", lambda i, c: get_workflow.sync_detailed(i, client=c), b"/api/v1/workflows/", b"", []),
    (
        "list_workflow_versions",
        lambda i, c: list_workflow_versions.sync_detailed(i, client=c),
        b"/api/v1/workflows/",
        b"/versions",
        [("limit", "50")],
    ),
    (
        "run_workflow_json",
        lambda i, c: run_workflow.sync_detailed(
            i, client=c, body=RunWorkflowBody(input_=RunWorkflowBodyInput.from_dict({"n": 1}))
        ),
        b"/api/v1/workflows/",
        b"/run",
        [],
    ),
    (
        "run_workflow_multipart",
        lambda i, c: run_workflow.sync_detailed(i, client=c, body=_multipart_body(), wait_for_completion=5),
        b"/api/v1/workflows/",
        b"/run",
        [("wait_for_completion", "5")],
    ),
    (
        "list_executions",
        lambda i, c: list_executions.sync_detailed(i, client=c, status="failed"),
        b"/api/v1/workflows/",
        b"/executions",
        [("status", "failed"), ("limit", "50")],
    ),
    (
        "get_execution",
        lambda i, c: get_execution.sync_detailed(i, client=c),
        b"/api/v1/workflows/executions/",
        b"",
        [],
    ),
    (
        "cancel_execution",
        lambda i, c: cancel_execution.sync_detailed(i, client=c),
        b"/api/v1/workflows/executions/",
        b"/cancel",
        [],
    ),
    (
        "get_run",
        lambda i, c: get_run.sync_detailed(i, client=c, expand="input"),
        b"/api/v1/runs/",
        b"",
        [("expand", "input")],
    ),
    ("cancel_run", lambda i, c: cancel_run.sync_detailed(i, client=c), b"/api/v1/runs/", b"/cancel", []),
    ("list_run_steps", lambda i, c: list_run_steps.sync_detailed(i, client=c), b"/api/v1/runs/", b"/steps", []),
    ("list_run_events", lambda i, c: list_run_events.sync_detailed(i, client=c), b"/api/v1/runs/", b"/events", []),
    ("get_file", lambda i, c: get_file.sync_detailed(i, client=c), b"/api/v1/files/", b"", []),
    ("delete_file", lambda i, c: delete_file.sync_detailed(i, client=c), b"/api/v1/files/", b"", []),
    ("get_file_content", lambda i, c: get_file_content.sync_detailed(i, client=c), b"/api/v1/files/", b"/content", []),
    (
        "complete_file_upload",
        lambda i, c: complete_file_upload.sync_detailed(i, client=c),
        b"/api/v1/files/uploads/",
        b"/complete",
        [],
    ),
    (
        "abort_file_upload",
        lambda i, c: abort_file_upload.sync_detailed(i, client=c),
        b"/api/v1/files/uploads/",
        b"",
        [],
    ),
]
ROUTE_IDS = [r[0] for r in ROUTES]
ERROR_BODY: dict[str, object] = {"issues": [], "requestId": "req_x"}


def _id_segment(request: httpx.Request, prefix: bytes, suffix: bytes) -> bytes:
    """The raw path segment between `prefix` and `suffix`, after checking both are there verbatim."""
    path_only = request.url.raw_path.split(b"?", 1)[0]  # raw_path carries the query string too
    assert path_only.startswith(prefix), path_only
    assert path_only.endswith(suffix), path_only
    segment = path_only[len(prefix) : len(path_only) - len(suffix)]
    assert segment, path_only
    return segment


@pytest.mark.parametrize("id_value", TRICKY_IDS)
@pytest.mark.parametrize(("route", "call", "prefix", "suffix", "query"), ROUTES, ids=ROUTE_IDS)
def test_path_parameter_is_one_encoded_segment(
    make_client: MakeClient,
    captured: list[httpx.Request],
    route: str,
    call: IdCall,
    prefix: bytes,
    suffix: bytes,
    query: list[tuple[str, str]],
    id_value: str,
) -> None:
    call(id_value, make_client(404, ERROR_BODY))

    assert len(captured) == 1
    request = captured[0]
    segment = _id_segment(request, prefix, suffix)
    for forbidden in (b"/", b"?", b"#", b" "):
        assert forbidden not in segment, segment
    assert unquote(segment.decode("ascii"), errors="strict") == id_value
    # Nothing leaked into the query string and nothing was cut off as a fragment.
    assert list(request.url.params.multi_items()) == query
    assert request.url.fragment == ""
    assert request.url.path == prefix.decode() + id_value + suffix.decode()


@pytest.mark.parametrize(("route", "call", "prefix", "suffix", "query"), ROUTES, ids=ROUTE_IDS)
def test_headline_tricky_id_has_the_exact_raw_path(
    make_client: MakeClient,
    captured: list[httpx.Request],
    route: str,
    call: IdCall,
    prefix: bytes,
    suffix: bytes,
    query: list[tuple[str, str]],
) -> None:
    call(HEADLINE_ID, make_client(404, ERROR_BODY))

    assert len(captured) == 1
    assert captured[0].url.raw_path.split(b"?", 1)[0] == prefix + HEADLINE_SEGMENT + suffix


def test_the_run_route_for_the_headline_id_is_the_documented_one(
    make_client: MakeClient, captured: list[httpx.Request]
) -> None:
    run_workflow.sync_detailed(HEADLINE_ID, client=make_client(404, ERROR_BODY))

    assert len(captured) == 1
    assert captured[0].url.raw_path == b"/api/v1/workflows/my%20wf%2Fx%3Fy%23z%2520%20w/run"
    assert captured[0].url.query == b""


@pytest.mark.parametrize("id_value", [".", ".."])
@pytest.mark.parametrize(("route", "call", "prefix", "suffix", "query"), ROUTES, ids=ROUTE_IDS)
def test_dot_segment_ids_stay_in_their_path_segment(
    make_client: MakeClient,
    captured: list[httpx.Request],
    route: str,
    call: IdCall,
    prefix: bytes,
    suffix: bytes,
    query: list[tuple[str, str]],
    id_value: str,
) -> None:
    # The stock template's quote() left "." / ".." as literal segments that httpx normalises away
    # (RFC 3986 remove_dot_segments): run_workflow("..") POSTed /api/v1/run. Our template escapes them
    # ("%2E%2E"), which httpx leaves alone.
    call(id_value, make_client(404, ERROR_BODY))

    assert len(captured) == 1
    segment = _id_segment(captured[0], prefix, suffix)
    assert unquote(segment.decode("ascii")) == id_value
