"""How the generated runs, files and auth operations read every documented answer, leniently.

Each documented status of each operation parses into its model (the three success codes of `start_run`
alike, the file download's bytes and its 302); every error status into `ApiErrorEnvelope`. Bodies are
shaped as EigenPal's published document and the official client 0.11.x's models describe them. What a
newer server may add is kept: unknown fields (top level and nested) in `.additional_properties` and
`.raw`, unknown enum values (`timeout`, a new run type, cancellation state, upload transport, purpose)
as `UNKNOWN` pseudo-members that round-trip. Timestamps go through the lenient parser. Malformed bodies
fail only with the exceptions the ergonomic layer guards (`_calls.parser`), checked by hypothesis over
corrupted versions of every valid body.
"""

import asyncio
import copy
import datetime
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
import pytest
from eigenpal_api import AuthenticatedClient
from eigenpal_api.api.auth import check_auth
from eigenpal_api.api.files import (
    abort_file_upload,
    complete_file_upload,
    create_file_upload,
    delete_file,
    get_file,
    get_file_content,
    upload_file,
)
from eigenpal_api.api.runs import cancel_run, get_run, list_run_events, list_run_steps, list_runs, start_run
from eigenpal_api.models import (
    FileUploadAbort,
    ApiKeyIdentity,
    FileDeletion,
    ExecutionStatus,
    FilePurpose,
    FileUploadMultipartBody,
    FileUploadRequest,
    FileUploadSession,
    FileUploadTransport,
    Run,
    RunArtifact,
    RunCancellationState,
    RunCancelResult,
    RunEvents,
    RunPage,
    RunStartBody,
    RunSteps,
    RunType,
    UploadedFile,
)
from eigenpal_api.types import File, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MakeClient = Callable[[int, object], AuthenticatedClient]
Call = Callable[[AuthenticatedClient], Response[Any]]

TS = "2026-12-01T09:30:00.250Z"
TS_DT = datetime.datetime(2026, 12, 1, 9, 30, 0, 250000, tzinfo=datetime.UTC)
TS2 = "2026-12-01T10:30:05+01:00"
TS2_DT = datetime.datetime(2026, 12, 1, 9, 30, 5, tzinfo=datetime.UTC)

# The exceptions `eigenpal_ext._calls.parser` turns into a typed "unusable answer" error.
GUARDED = (KeyError, ValueError, TypeError, AttributeError, RecursionError)

# --- bodies as the published document and the official client 0.11.x's models describe them -------------

ACCEPTED: dict[str, Any] = {
    "id": "exec_01J",
    "type": "workflow",
    "finished": False,
    "source": {"id": "wf_abc", "name": "extract-invoice", "version": "1.2.3"},
}
SLIM_RUN: dict[str, Any] = {
    "id": "exec_01J",
    "type": "workflow",
    "finished": False,
    "sampleRank": 0.4375,
    "timing": {"createdAt": TS, "startedAt": None, "completedAt": None, "durationMs": None, "cancelRequestedAt": None},
    "source": {"id": "wf_abc", "name": "extract-invoice", "version": "1.2.3"},
    "trigger": {"type": "api", "by": None},
    "execution": {
        "status": "running",
        "schemaValid": None,
        "batchId": None,
        "retry": {"number": 0, "previousRunId": None, "nextRun": None},
    },
}
FULL_RUN: dict[str, Any] = {
    "id": "exec_01J",
    "type": "workflow",
    "finished": True,
    "sampleRank": 0.4375,
    "timing": {"createdAt": TS, "startedAt": TS, "completedAt": TS2, "durationMs": 5000, "cancelRequestedAt": None},
    "source": {
        "id": "wf_abc",
        "name": "extract-invoice",
        "version": "1.2.3",
        "versionId": "wfh_9",
        "slug": None,
        "model": None,
        "git": {"requestedRef": "main", "resolvedRef": "main", "resolvedTag": None, "commitSha": "4f2a9c1"},
        "implementationAvailable": True,
        "automationFound": True,
        "currentVersion": "1.2.4",
    },
    "trigger": {"type": "manual", "by": {"id": "usr_1", "name": None, "email": "ops@example.test"}},
    "eval": {"example": "inv-7", "exampleId": "ex_7", "score": 0.5, "passed": False},
    "execution": {
        "status": "completed",
        "schemaValid": True,
        "batchId": "batch_9",
        "retry": {"number": 1, "previousRunId": "exec_00Z", "nextRun": {"id": "exec_02K", "status": "pending"}},
        "review": {"verdict": None, "status": "open", "hasNote": False, "correctionCount": 0},
        "steps": [{"stepId": "extract", "status": "completed"}, "odd-but-kept"],
        "definitionSnapshot": {"name": "extract-invoice", "steps": []},
        "expected": {"output": {"total": 42}, "files": [{"name": "expected.json"}]},
    },
    "output": {"total": 42.5, "currency": "EUR", "lines": [1, 2]},
    "files": [
        {"name": "inv-7.pdf", "role": "input", "path": "input/inv-7.pdf", "contentType": "application/pdf", "size": 9},
        {"name": "report.md", "role": "report", "path": "output/report.md", "stepName": "render", "size": None},
    ],
    "error": None,
    "input": {"args": {"customer": "ACME"}, "files": [{"name": "inv-7.pdf"}], "metadata": {"batch": "b-1"}},
    "usage": {
        "tokens": {"input": 1200, "output": 300, "cacheRead": None, "cacheWrite": 0},
        "creditsCharged": 1.5,
        "durationMs": 5000,
        "llmCallCount": 2,
        "ocrPagesProcessed": 3,
        "agentTurns": None,
    },
    "debug": {"observability": {"phases": [{"name": "extract", "ms": 4100}]}, "traceId": "tr_1"},
}
LIST: dict[str, Any] = {"runs": [SLIM_RUN, {**SLIM_RUN, "id": "exec_00Z", "finished": True}], "nextCursor": "c_2"}
CANCEL: dict[str, Any] = {
    "id": "exec_01J",
    "type": "workflow",
    "finished": False,
    "execution": {"status": "running"},
    "cancellation": {"state": "requested", "wasStatus": "running"},
}
STEPS: dict[str, Any] = {"steps": [{"id": "s1", "name": "extract", "status": "completed"}, {"id": "s2"}]}
EVENTS: dict[str, Any] = {
    "events": [
        {"type": "created", "timestamp": TS, "status": "created", "message": None, "metadata": {}},
        {"type": "status_changed", "timestamp": TS2, "status": "running", "message": "picked up", "metadata": {"w": 1}},
    ]
}
UPLOADED: dict[str, Any] = {
    "id": "file_abc",
    "filename": "inv-7.pdf",
    "contentType": "application/pdf",
    "size": 5_000_000,
    "purpose": "run-input",
    "createdAt": TS,
}
MULTIPART_SESSION: dict[str, Any] = {"transport": "multipart", "url": "/v1/files", "maxFileSizeBytes": 4_718_592}
PUT_SESSION: dict[str, Any] = {
    "transport": "presigned-put",
    "uploadId": "upl_1",
    "fileId": "file_abc",
    "url": "https://storage.example.test/bucket/obj?sig=abc",
    "headers": {"Content-Type": "application/pdf", "x-amz-meta-tenant": "t_1"},
    "expiresAt": TS2,
    "maxFileSizeBytes": 5_368_709_120,
}
AUTH: dict[str, Any] = {
    "ok": True,
    "tenantId": "ten_1",
    "tenantSlug": "acme",
    "tenantName": "ACME GmbH",
    "userId": None,
    "keyId": "key_1",
    "email": None,
    "name": "ci key",
    "scope": ["runs:write", "files:write"],
    "wildcardGranted": False,
}


def _upload_body() -> FileUploadMultipartBody:
    return FileUploadMultipartBody(file=File(payload=__import__("io").BytesIO(b"%PDF"), file_name="a.pdf"))


# (operation, its call, the statuses it documents as success with their model and a body)
SUCCESS: list[tuple[str, Call, int, type[Any], dict[str, Any]]] = [
    (
        "start_run",
        lambda c: start_run.sync_detailed(client=c, body=RunStartBody(target="workflows.x")),
        200,
        Run,
        FULL_RUN,
    ),
    (
        "start_run",
        lambda c: start_run.sync_detailed(client=c, body=RunStartBody(target="workflows.x")),
        201,
        Run,
        ACCEPTED,
    ),
    (
        "start_run",
        lambda c: start_run.sync_detailed(client=c, body=RunStartBody(target="workflows.x")),
        202,
        Run,
        SLIM_RUN,
    ),
    ("list_runs", lambda c: list_runs.sync_detailed(client=c), 200, RunPage, LIST),
    ("get_run", lambda c: get_run.sync_detailed("exec_01J", client=c), 200, Run, FULL_RUN),
    ("cancel_run", lambda c: cancel_run.sync_detailed("exec_01J", client=c), 200, RunCancelResult, CANCEL),
    ("list_run_steps", lambda c: list_run_steps.sync_detailed("exec_01J", client=c), 200, RunSteps, STEPS),
    ("list_run_events", lambda c: list_run_events.sync_detailed("exec_01J", client=c), 200, RunEvents, EVENTS),
    ("upload_file", lambda c: upload_file.sync_detailed(client=c, body=_upload_body()), 200, UploadedFile, UPLOADED),
    (
        "create_file_upload",
        lambda c: create_file_upload.sync_detailed(
            client=c, body=FileUploadRequest(filename="a.pdf", content_type="application/pdf", size=4)
        ),
        200,
        FileUploadSession,
        PUT_SESSION,
    ),
    (
        "complete_file_upload",
        lambda c: complete_file_upload.sync_detailed("upl_1", client=c),
        200,
        UploadedFile,
        UPLOADED,
    ),
    (
        "abort_file_upload",
        lambda c: abort_file_upload.sync_detailed("upl_1", client=c),
        200,
        FileUploadAbort,
        {"aborted": True},
    ),
    ("get_file", lambda c: get_file.sync_detailed("file_abc", client=c), 200, UploadedFile, UPLOADED),
    (
        "delete_file",
        lambda c: delete_file.sync_detailed("file_abc", client=c),
        200,
        FileDeletion,
        {"deleted": True},
    ),
    ("check_auth", lambda c: check_auth.sync_detailed(client=c), 200, ApiKeyIdentity, AUTH),
]
CALLS: dict[str, Call] = {name: call for name, call, *_ in SUCCESS}
CALLS["get_file_content"] = lambda c: get_file_content.sync_detailed("file_abc", client=c)
# Every runs-core operation documents these; test_generated_responses.py reads each into the error envelope
# (and an undocumented status as None) together with the v1 operations.
ERROR_CODES = [400, 401, 403, 404, 413, 429, 500]


@pytest.mark.parametrize(
    ("name", "call", "status", "model", "body"), SUCCESS, ids=[f"{case[0]}-{case[2]}" for case in SUCCESS]
)
def test_each_documented_success_status_parses_into_its_model(
    make_client: MakeClient, name: str, call: Call, status: int, model: type[Any], body: dict[str, Any]
) -> None:
    response = call(make_client(status, body))

    assert response.status_code == HTTPStatus(status)
    assert isinstance(response.parsed, model)
    assert response.parsed.raw == body
    assert response.parsed.additional_properties == {}
    # The model writes back what it read (a null field is left out: None means "absent" in these models).
    assert set(response.parsed.to_dict()) == {key for key, value in body.items() if value is not None}


# --- the models, field by field ---------------------------------------------------------------------------


def test_a_finished_run_reads_every_section(make_client: MakeClient) -> None:
    run = get_run.sync("exec_01J", client=make_client(200, FULL_RUN), expand="input,usage,execution,debug")

    assert isinstance(run, Run)
    assert (run.id, run.type_, run.finished, run.sample_rank) == ("exec_01J", RunType.WORKFLOW, True, 0.4375)
    assert run.timing is not None
    assert (run.timing.created_at, run.timing.started_at, run.timing.completed_at) == (TS_DT, TS_DT, TS2_DT)
    assert run.timing.duration_ms == 5000
    assert run.timing.cancel_requested_at is None
    assert run.source is not None
    assert run.source.git is not None
    assert (run.source.id, run.source.version, run.source.version_id) == ("wf_abc", "1.2.3", "wfh_9")
    assert (run.source.git.commit_sha, run.source.current_version) == ("4f2a9c1", "1.2.4")
    assert run.trigger is not None
    assert run.trigger.by is not None
    assert (run.trigger.type_, run.trigger.by.email, run.trigger.by.name) == ("manual", "ops@example.test", None)
    assert run.eval_ is not None
    assert (run.eval_.example_id, run.eval_.passed) == ("ex_7", False)
    assert run.execution is not None
    assert run.execution.status is ExecutionStatus.COMPLETED
    assert (run.execution.schema_valid, run.execution.batch_id) == (True, "batch_9")
    assert run.execution.retry is not None
    assert run.execution.retry.next_run is not None
    assert (run.execution.retry.number, run.execution.retry.next_run.id) == (1, "exec_02K")
    # Sections this contract keeps as sent.
    assert run.execution.review == FULL_RUN["execution"]["review"]
    assert run.execution.steps == [{"stepId": "extract", "status": "completed"}, "odd-but-kept"]
    assert run.execution.expected == {"output": {"total": 42}, "files": [{"name": "expected.json"}]}
    assert run.output == {"total": 42.5, "currency": "EUR", "lines": [1, 2]}
    assert run.files is not None
    assert all(isinstance(f, RunArtifact) for f in run.files)
    assert [(f.path, f.role, f.step_name, f.size) for f in run.files] == [
        ("input/inv-7.pdf", "input", None, 9),
        ("output/report.md", "report", "render", None),
    ]
    assert run.error is None
    assert run.input_ is not None
    assert run.input_.files is not None
    assert (run.input_.args, run.input_.metadata) == ({"customer": "ACME"}, {"batch": "b-1"})
    assert run.input_.files[0].name == "inv-7.pdf"
    assert run.usage is not None
    assert run.usage.tokens is not None
    assert (run.usage.tokens.input_, run.usage.tokens.cache_read, run.usage.credits_charged) == (1200, None, 1.5)
    assert run.debug is not None
    assert run.debug.trace_id == "tr_1"


def test_an_accepted_run_has_only_its_identity(make_client: MakeClient) -> None:
    run = start_run.sync(client=make_client(201, ACCEPTED), body=RunStartBody(target="workflows.x"))

    assert isinstance(run, Run)
    assert (run.id, run.type_, run.finished) == ("exec_01J", RunType.WORKFLOW, False)
    assert run.execution is None
    assert run.timing is None
    assert run.output is None
    assert run.to_dict() == ACCEPTED


def test_a_run_needs_nothing_but_its_id(make_client: MakeClient) -> None:
    run = get_run.sync("exec_1", client=make_client(200, {"id": "exec_1"}))

    assert isinstance(run, Run)
    assert run.id == "exec_1"
    assert (run.type_, run.finished, run.execution, run.files, run.usage) == (None, None, None, None, None)
    assert run.to_dict() == {"id": "exec_1"}


def test_a_failed_run_carries_its_error_message(make_client: MakeClient) -> None:
    body = {**SLIM_RUN, "finished": True, "error": "step extract: timeout", "execution": {"status": "failed"}}
    run = get_run.sync("exec_01J", client=make_client(200, body))

    assert isinstance(run, Run)
    assert run.execution is not None
    assert run.execution.status is ExecutionStatus.FAILED
    assert run.error == "step extract: timeout"


def test_a_page_of_runs_and_its_cursor(make_client: MakeClient) -> None:
    page = list_runs.sync(client=make_client(200, LIST))

    assert isinstance(page, RunPage)
    assert [run.id for run in page.runs] == ["exec_01J", "exec_00Z"]
    assert all(isinstance(run, Run) for run in page.runs)
    assert page.runs[0].execution is not None
    assert page.runs[0].execution.status is ExecutionStatus.RUNNING
    assert page.next_cursor == "c_2"


@pytest.mark.parametrize("last_page", [{"runs": [], "nextCursor": None}, {"runs": []}])
def test_the_last_page_has_no_cursor(make_client: MakeClient, last_page: dict[str, Any]) -> None:
    page = list_runs.sync(client=make_client(200, last_page))

    assert isinstance(page, RunPage)
    assert (page.runs, page.next_cursor) == ([], None)


@pytest.mark.parametrize(
    ("state", "was", "expected"),
    [
        ("cancelled", "pending", RunCancellationState.CANCELLED),
        ("requested", "running", RunCancellationState.REQUESTED),
        ("already_terminal", "completed", RunCancellationState.ALREADY_TERMINAL),
    ],
)
def test_cancel_outcomes(make_client: MakeClient, state: str, was: str, expected: RunCancellationState) -> None:
    body = {**CANCEL, "cancellation": {"state": state, "wasStatus": was}}
    answer = cancel_run.sync("exec_01J", client=make_client(200, body))

    assert isinstance(answer, RunCancelResult)
    assert answer.cancellation is not None
    assert answer.cancellation.state is expected
    assert answer.cancellation.was_status is ExecutionStatus(was)
    assert answer.to_dict() == body


def test_steps_are_kept_as_sent(make_client: MakeClient) -> None:
    steps = list_run_steps.sync("exec_01J", client=make_client(200, STEPS))

    assert isinstance(steps, RunSteps)
    assert steps.steps == STEPS["steps"]


def test_events_in_order_with_their_timestamps(make_client: MakeClient) -> None:
    events = list_run_events.sync("exec_01J", client=make_client(200, EVENTS))

    assert isinstance(events, RunEvents)
    created, changed = events.events
    assert (created.type_, created.timestamp, created.status, created.message) == ("created", TS_DT, "created", None)
    assert (changed.type_, changed.timestamp, changed.message) == ("status_changed", TS2_DT, "picked up")
    assert changed.metadata is not None
    assert changed.metadata.additional_properties == {"w": 1}


def test_a_file_and_its_purpose(make_client: MakeClient) -> None:
    stored = get_file.sync("file_abc", client=make_client(200, UPLOADED))

    assert isinstance(stored, UploadedFile)
    assert (stored.id, stored.filename, stored.content_type, stored.size) == (
        "file_abc",
        "inv-7.pdf",
        "application/pdf",
        5_000_000,
    )
    assert stored.purpose is FilePurpose.RUN_INPUT
    assert stored.created_at == TS_DT


def test_a_file_without_purpose_size_or_type(make_client: MakeClient) -> None:
    body = {"id": "file_x", "filename": "x", "contentType": None, "size": None, "purpose": None, "createdAt": TS}
    stored = get_file.sync("file_x", client=make_client(200, body))

    assert isinstance(stored, UploadedFile)
    assert (stored.content_type, stored.size, stored.purpose) == (None, None, None)


def test_the_two_upload_negotiations(make_client: MakeClient) -> None:
    request = FileUploadRequest(filename="a.pdf", content_type="application/pdf", size=4)
    multipart = create_file_upload.sync(client=make_client(200, MULTIPART_SESSION), body=request)
    storage = create_file_upload.sync(client=make_client(200, PUT_SESSION), body=request)

    assert isinstance(multipart, FileUploadSession)
    assert (multipart.transport, multipart.url, multipart.max_file_size_bytes) == (
        FileUploadTransport.MULTIPART,
        "/v1/files",
        4_718_592,
    )
    assert (multipart.upload_id, multipart.file_id, multipart.headers, multipart.expires_at) == (None, None, None, None)
    assert isinstance(storage, FileUploadSession)
    assert storage.transport is FileUploadTransport.PRESIGNED_PUT
    assert (storage.upload_id, storage.file_id, storage.expires_at) == ("upl_1", "file_abc", TS2_DT)
    assert storage.headers is not None
    assert storage.headers.additional_properties == PUT_SESSION["headers"]


def test_the_auth_check(make_client: MakeClient) -> None:
    identity = check_auth.sync(client=make_client(200, AUTH))

    assert isinstance(identity, ApiKeyIdentity)
    assert (identity.ok, identity.tenant_slug, identity.key_id, identity.user_id) == (True, "acme", "key_1", None)
    assert identity.scope == ["runs:write", "files:write"]
    assert identity.wildcard_granted is False


# --- the file download ------------------------------------------------------------------------------------


def _raw_client(response: httpx.Response) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://api.test", token="k", httpx_args={"transport": httpx.MockTransport(lambda r: response)}
    )


@pytest.mark.parametrize("media_type", ["application/pdf", "application/octet-stream", "text/csv; charset=utf-8"])
def test_the_download_gives_the_bytes_whatever_their_media_type(media_type: str) -> None:
    payload = b"%PDF-1.7\x00\xff" + bytes(range(256))
    response = get_file_content.sync_detailed(
        "file_abc", client=_raw_client(httpx.Response(200, content=payload, headers={"Content-Type": media_type}))
    )

    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, File)
    assert response.parsed.payload.read() == payload


def test_the_download_redirect_is_not_followed_and_keeps_its_location() -> None:
    location = "https://storage.example.test/obj?sig=abc"
    response = asyncio.run(
        get_file_content.asyncio_detailed(
            "file_abc", client=_raw_client(httpx.Response(302, headers={"Location": location}))
        )
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.parsed is None
    assert response.headers["Location"] == location


# --- lenient reading: what a newer server may send --------------------------------------------------------

EXTRA: dict[str, Any] = {"futureField": {"nested": [1, "two", None]}, "schemaVersion": 3}


def _with_extra(obj: dict[str, Any]) -> dict[str, Any]:
    return {**obj, **EXTRA}


def test_unknown_fields_are_kept_at_every_level(make_client: MakeClient) -> None:
    body = copy.deepcopy(FULL_RUN)
    body.update(EXTRA)
    for key in ("timing", "source", "trigger", "eval", "execution", "input", "usage", "debug"):
        body[key] = _with_extra(body[key])
    body["files"][0] = _with_extra(body["files"][0])
    body["execution"]["retry"] = _with_extra(body["execution"]["retry"])
    run = get_run.sync("exec_01J", client=make_client(200, body))

    assert isinstance(run, Run)
    assert run.additional_properties == EXTRA
    assert run.additional_properties["futureField"] == {"nested": [1, "two", None]}
    sections: list[Any] = [
        run.timing,
        run.source,
        run.trigger,
        run.eval_,
        run.execution,
        run.input_,
        run.usage,
        run.debug,
    ]
    for section in sections:
        assert section is not None
        assert section.additional_properties == EXTRA, type(section).__name__
    assert run.files is not None
    assert run.files[0].additional_properties == EXTRA
    assert run.execution is not None
    assert run.execution.retry is not None
    assert run.execution.retry.additional_properties == EXTRA
    assert run.raw == body
    assert run.to_dict()["execution"]["retry"]["futureField"] == {"nested": [1, "two", None]}


@pytest.mark.parametrize(
    ("call", "status", "body"),
    [
        (CALLS["list_runs"], 200, _with_extra(LIST)),
        (CALLS["cancel_run"], 200, _with_extra(CANCEL)),
        (CALLS["list_run_steps"], 200, _with_extra(STEPS)),
        (CALLS["list_run_events"], 200, _with_extra(EVENTS)),
        (CALLS["get_file"], 200, _with_extra(UPLOADED)),
        (CALLS["create_file_upload"], 200, _with_extra(PUT_SESSION)),
        (CALLS["abort_file_upload"], 200, _with_extra({"aborted": True})),
        (CALLS["delete_file"], 200, _with_extra({"deleted": True})),
        (CALLS["check_auth"], 200, _with_extra(AUTH)),
    ],
    ids=["list", "cancel", "steps", "events", "file", "negotiation", "abort", "delete", "auth"],
)
def test_unknown_top_level_fields_are_kept(
    make_client: MakeClient, call: Call, status: int, body: dict[str, Any]
) -> None:
    parsed: Any = call(make_client(status, body)).parsed

    assert parsed.additional_properties == EXTRA
    assert parsed.raw == body
    assert parsed.to_dict()["futureField"] == EXTRA["futureField"]


def test_a_status_the_contract_does_not_list_is_kept_as_sent(make_client: MakeClient) -> None:
    # The official changelog names `timeout` (0.6.15); the published enum does not list it.
    body = {**SLIM_RUN, "finished": True, "execution": {"status": "timeout"}}
    run = get_run.sync("exec_01J", client=make_client(200, body))

    assert isinstance(run, Run)
    assert run.execution is not None
    status = run.execution.status
    assert isinstance(status, ExecutionStatus)
    assert (status, status.name) == ("timeout", "UNKNOWN")
    assert all(status != member for member in ExecutionStatus)
    assert run.finished is True
    assert run.to_dict()["execution"]["status"] == "timeout"


def test_unknown_enum_values_round_trip(make_client: MakeClient) -> None:
    run = get_run.sync("exec_1", client=make_client(200, {"id": "exec_1", "type": "pipeline"}))
    cancel = cancel_run.sync(
        "exec_1", client=make_client(200, {**CANCEL, "cancellation": {"state": "deferred", "wasStatus": "queued"}})
    )
    session = create_file_upload.sync(
        client=make_client(200, {"transport": "http-chunked", "url": "https://up.test/1", "partSize": 8}),
        body=FileUploadRequest(filename="a", content_type="b", size=1),
    )
    stored = get_file.sync("file_1", client=make_client(200, {**UPLOADED, "purpose": "archive"}))

    assert isinstance(run, Run)
    assert run.type_ is not None
    assert (run.type_, run.type_.name) == ("pipeline", "UNKNOWN")
    assert isinstance(cancel, RunCancelResult)
    assert cancel.cancellation is not None
    assert cancel.cancellation.state == "deferred"
    assert cancel.cancellation.was_status == "queued"
    assert isinstance(session, FileUploadSession)
    assert (session.transport, session.transport.name) == ("http-chunked", "UNKNOWN")
    assert session.additional_properties == {"partSize": 8}
    assert isinstance(stored, UploadedFile)
    assert stored.purpose is not None
    assert (stored.purpose, stored.purpose.name) == ("archive", "UNKNOWN")
    assert session.to_dict() == {"transport": "http-chunked", "url": "https://up.test/1", "partSize": 8}


def test_an_optional_enum_that_is_not_a_string_reads_as_none_and_stays_in_raw(make_client: MakeClient) -> None:
    body = {"id": "exec_1", "type": 7, "execution": {"status": {"code": "running"}}}
    run = get_run.sync("exec_1", client=make_client(200, body))

    assert isinstance(run, Run)
    assert run.execution is not None
    assert (run.type_, run.execution.status) == (None, None)
    assert run.raw["type"] == 7
    assert run.execution.raw == {"status": {"code": "running"}}


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        (TS, TS_DT),
        ("Tue, 01 Dec 2026 09:30:00 GMT", datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)),
        (1796117400000, datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)),
        ("2026-12-01T09:30:00", datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)),
        ("yesterday-ish", None),
        ("", None),
        (True, None),
        (None, None),
    ],
)
def test_timestamps_are_read_leniently_and_kept_as_sent(make_client: MakeClient, sent: object, read: object) -> None:
    body = {"id": "exec_1", "timing": {"createdAt": sent, "completedAt": sent}}
    run = get_run.sync("exec_1", client=make_client(200, body))

    assert isinstance(run, Run)
    assert run.timing is not None
    assert (run.timing.created_at, run.timing.completed_at) == (read, read)
    assert run.timing.raw == {"createdAt": sent, "completedAt": sent}


# --- malformed bodies: only guarded exceptions ------------------------------------------------------------


@pytest.mark.parametrize("name", [case[0] for case in SUCCESS if case[2] == 200])
def test_a_success_body_that_is_not_json_raises_a_value_error(name: str) -> None:
    client = _raw_client(httpx.Response(200, content=b"<html>gateway</html>", headers={"Content-Type": "text/html"}))

    with pytest.raises(json.JSONDecodeError):  # a ValueError: the ergonomic layer reads it as "not JSON"
        CALLS[name](client)


@pytest.mark.parametrize("content", [b"[]", b'[["id", "exec_1"]]', b'"exec_1"', b"42", b"null"])
def test_a_success_body_that_is_not_an_object_raises_a_type_error(content: bytes) -> None:
    client = _raw_client(httpx.Response(200, content=content, headers={"Content-Type": "application/json"}))

    with pytest.raises(TypeError, match="read from a JSON object"):
        get_run.sync("exec_1", client=client)


def test_a_run_without_its_id_raises_a_key_error(make_client: MakeClient) -> None:
    with pytest.raises(KeyError, match="id"):
        get_run.sync("exec_1", client=make_client(200, {k: v for k, v in FULL_RUN.items() if k != "id"}))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)
MODELS: list[tuple[type[Any], dict[str, Any]]] = [
    (Run, FULL_RUN),
    (Run, ACCEPTED),
    (RunPage, LIST),
    (RunCancelResult, CANCEL),
    (RunSteps, STEPS),
    (RunEvents, EVENTS),
    (UploadedFile, UPLOADED),
    (FileUploadSession, PUT_SESSION),
    (FileUploadAbort, {"aborted": True}),
    (FileDeletion, {"deleted": True}),
    (ApiKeyIdentity, AUTH),
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every position in a JSON value (the root included), as key/index paths."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


def _replaced(value: Any, path: tuple[Any, ...], replacement: Any) -> Any:
    if not path:
        return replacement
    copied = copy.copy(value)
    copied[path[0]] = _replaced(value[path[0]], path[1:], replacement)
    return copied


@pytest.mark.parametrize(("model", "valid"), MODELS, ids=[f"{m.__name__}-{i}" for i, (m, _) in enumerate(MODELS)])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_corrupted_body_is_read_or_fails_only_with_a_guarded_exception(
    model: type[Any], valid: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(_paths(valid)), label="path")
    body = _replaced(valid, path, data.draw(JSON, label="replacement"))
    try:
        parsed = model.from_dict(body)
    except GUARDED:
        return
    assert parsed.raw is body
    json.dumps(parsed.to_dict(), default=str)  # what was read can be written back


@settings(max_examples=200, deadline=None)
@given(body=st.dictionaries(st.sampled_from(sorted(FULL_RUN)), JSON, max_size=8) | JSON)
def test_any_json_as_a_run_is_read_or_fails_only_with_a_guarded_exception(body: Any) -> None:
    try:
        parsed = Run.from_dict(body)
    except GUARDED:
        return
    assert parsed.raw is body
