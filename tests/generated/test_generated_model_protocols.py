"""What the generated models are as Python objects (scripts/templates/model.py.jinja, types.py.jinja).

- Pages (schemas marked ``x-items-field``) are sequences of their items: ``for``, ``len``, ``[i]``, slices;
  a field name in brackets is a ``TypeError`` saying where the field is.
- Records (models with declared fields) are not mappings: ``model[key]`` is a ``TypeError`` naming the
  attribute (or ``.additional_properties[key]`` for an unknown field), never a ``KeyError``.
- Maps (schemas with no declared fields: inputs, metadata, headers) are mutable mappings of their keys.
- ``request_id``: every model read by an operation carries the answer's ``x-request-id`` (a page's items too);
  it is not part of init, repr, equality or ``to_dict``; an error envelope keeps its own.
- ``to_dict`` writes every timestamp as ISO-8601 UTC with ``Z``; ``to_json`` is ``to_dict`` as JSON text.
"""

from __future__ import annotations

import asyncio
import datetime
import inspect
import json
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from eigenpal_api import AuthenticatedClient, models
from eigenpal_api.api.executions import get_execution, list_executions
from eigenpal_api.api.workflows import get_workflow, list_workflows
from eigenpal_api.models import (
    ApiErrorEnvelope,
    Execution,
    ExecutionPage,
    FileUploadSessionHeaders,
    Run,
    RunEvents,
    RunPage,
    RunSteps,
    RunWorkflowMultipartBody,
    UploadedFile,
    Workflow,
    WorkflowPage,
    WorkflowVersionPage,
)
from eigenpal_api.types import File, format_timestamp, remember_request_id

from tests.generated.conftest import REQUEST_ID
from tests.generated.test_generated_forward_compat import TOP_LEVEL
from tests.generated.test_generated_runs_responses import SUCCESS
from tests.support import load_file

MakeClient = Callable[[int, object], AuthenticatedClient]

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))["components"]["schemas"]
TS = "2026-11-27T10:00:00.000+02:00"
WORKFLOW = {"id": "wf_1", "name": "echo", "createdAt": TS}
SUMMARY = {"id": "exec_1", "workflowId": "wf_1", "status": "completed", "createdAt": TS}

# Schema name -> the field holding its items, as openapi.yaml marks them.
ITEMS_FIELDS = {name: schema["x-items-field"] for name, schema in SPEC.items() if "x-items-field" in schema}
PAGE_BODIES: dict[str, dict[str, Any]] = {
    "WorkflowPage": {"data": [WORKFLOW, {**WORKFLOW, "id": "wf_2"}], "total": 9, "limit": 2, "offset": 0},
    "WorkflowVersionPage": {"data": [{"id": "v1", "workflowId": "wf_1"}], "total": 1, "limit": 5, "offset": 0},
    "ExecutionPage": {"data": [SUMMARY, {**SUMMARY, "id": "exec_2"}], "total": 2, "limit": 50, "offset": 0},
    "RunPage": {"runs": [{"id": "exec_1"}, {"id": "exec_2"}, {"id": "exec_3"}], "nextCursor": "c"},
    "RunSteps": {"steps": [{"stepId": "a"}, "as sent"]},
    "RunEvents": {"events": [{"type": "run.created", "timestamp": TS}]},
}


def model_classes() -> list[type[Any]]:
    return [cls for _, cls in inspect.getmembers(models, inspect.isclass) if attrs.has(cls)]


def is_map(cls: type[Any]) -> bool:
    return all(field.name in {"additional_properties", "raw", "request_id"} for field in attrs.fields(cls))


RECORDS = [
    cls
    for cls in model_classes()
    if not is_map(cls) and cls.__name__ not in ITEMS_FIELDS and not hasattr(cls, "to_multipart")
]


# --- pages --------------------------------------------------------------------------------------------------


def test_the_pages_are_the_list_answers() -> None:
    # A guard, so the parametrised tests below cannot pass by testing nothing.
    assert set(ITEMS_FIELDS) == set(PAGE_BODIES)
    assert {name for name, field in ITEMS_FIELDS.items() if field == "data"} == {
        "WorkflowPage",
        "WorkflowVersionPage",
        "ExecutionPage",
    }


@pytest.mark.parametrize("name", sorted(PAGE_BODIES))
def test_a_page_is_a_sequence_of_its_items(name: str) -> None:
    body = PAGE_BODIES[name]
    page = getattr(models, name).from_dict(body)
    items = getattr(page, ITEMS_FIELDS[name])

    assert isinstance(page, Sequence)
    assert list(page) == items
    assert len(page) == len(items) == len(body[ITEMS_FIELDS[name]])
    assert page[0] is items[0]
    assert page[-1] is items[-1]
    assert page[0:1] == items[0:1]
    assert items[0] in page
    with pytest.raises(IndexError):
        page[len(items)]
    with pytest.raises(TypeError, match=rf"{name} is a sequence of its items \(\.{ITEMS_FIELDS[name]}\)"):
        page[ITEMS_FIELDS[name]]


def test_an_empty_page_is_empty_and_falsy() -> None:
    page = ExecutionPage.from_dict({"data": [], "total": 0, "limit": 50, "offset": 0})
    assert (len(page), list(page), bool(page)) == (0, [], False)


def test_a_page_from_the_raw_client_iterates_without_another_request(
    make_client: MakeClient, captured: list[Any]
) -> None:
    client = make_client(200, PAGE_BODIES["WorkflowPage"])
    page = list_workflows.sync(client=client)
    assert isinstance(page, WorkflowPage)
    assert [workflow.id for workflow in page] == ["wf_1", "wf_2"]  # was KeyError: 0
    assert len(captured) == 1


def test_a_page_keeps_its_attributes_equality_and_dict() -> None:
    body = PAGE_BODIES["WorkflowPage"]
    page = WorkflowPage.from_dict(body)
    assert (page.total, page.limit, page.offset) == (9, 2, 0)
    assert page == WorkflowPage.from_dict(body)
    assert page.to_dict()["data"][1]["id"] == "wf_2"
    assert isinstance(page.data[0], Workflow)


# --- records and maps ---------------------------------------------------------------------------------------


def test_the_records_are_most_models() -> None:
    names = {cls.__name__ for cls in RECORDS}
    assert {"Execution", "Workflow", "StartedExecution", "ExecutionSummary", "Run", "ApiErrorEnvelope"} <= names
    assert len(RECORDS) > 40


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_subscripting_a_record_is_a_type_error_never_a_key_error(cls: type[Any]) -> None:
    model = object.__new__(cls)  # fields unset: subscripting must not depend on them
    model.additional_properties = {"queue": "fast"} if "additional_properties" in attrs.fields_dict(cls) else {}
    with pytest.raises(TypeError, match=rf"{cls.__name__}\['someField'\]: {cls.__name__} is not a mapping"):
        model["someField"]
    with pytest.raises(TypeError, match=r"is neither a sequence nor a mapping"):
        list(model)
    assert not isinstance(model, Mapping | Sequence)


def test_the_type_error_says_where_the_value_is() -> None:
    execution = Execution.from_dict({"executionId": "e", "status": "running", "createdAt": TS, "queue": "q"})
    # Each `type: ignore[index]` is itself a check: mypy --strict (warn_unused_ignores) fails if a type
    # checker stops rejecting model[key].
    with pytest.raises(TypeError, match=r"'createdAt' is \.created_at"):
        execution["createdAt"]  # type: ignore[index]
    with pytest.raises(TypeError, match=r"read it as \.additional_properties\['queue'\]"):
        execution["queue"]  # type: ignore[index]
    with pytest.raises(TypeError, match=r"the JSON as received is \.raw"):
        execution["status"]  # type: ignore[index]


def test_a_map_model_is_a_mutable_mapping_of_its_keys() -> None:
    headers = FileUploadSessionHeaders.from_dict({"Content-Type": "application/pdf", "x-amz-acl": "private"})
    assert isinstance(headers, MutableMapping)
    assert dict(headers) == {"Content-Type": "application/pdf", "x-amz-acl": "private"}
    assert (len(headers), headers["x-amz-acl"], headers.get("missing"), "Content-Type" in headers) == (
        2,
        "private",
        None,
        True,
    )
    headers["extra"] = "1"
    del headers["x-amz-acl"]
    assert list(headers) == ["Content-Type", "extra"]
    with pytest.raises(KeyError):
        headers["x-amz-acl"]  # a true KeyError: this map has no such key


def test_a_multipart_body_still_takes_its_file_parts_by_name(tmp_path: Path) -> None:
    body = RunWorkflowMultipartBody(field_json=None)
    with (tmp_path / "a.pdf").open("wb+") as handle:
        body["invoice"] = File(payload=handle, file_name="a.pdf", mime_type="application/pdf")
        assert "invoice" in body
        assert body["invoice"].file_name == "a.pdf"


# --- the request id -----------------------------------------------------------------------------------------

# (operation, status, call returning the parsed model, body): every success answer of every operation.
OPERATIONS: list[tuple[str, int, Callable[[AuthenticatedClient], Any], dict[str, Any]]] = [
    *((name, status, call, body) for name, status, body, call, _ in TOP_LEVEL if status < 300),
    *((name, status, lambda c, call=call: call(c).parsed, body) for name, call, status, _, body in SUCCESS),
]


def test_every_answering_operation_is_covered() -> None:
    assert len(OPERATIONS) >= 20


@pytest.mark.parametrize(
    ("name", "status", "call", "body"), OPERATIONS, ids=[f"{case[0]}-{case[1]}" for case in OPERATIONS]
)
def test_every_model_read_by_an_operation_carries_the_request_id(
    make_client: MakeClient, name: str, status: int, call: Callable[[AuthenticatedClient], Any], body: dict[str, Any]
) -> None:
    parsed = call(make_client(status, body))
    assert parsed.request_id == REQUEST_ID
    assert "request_id" not in repr(parsed)
    assert REQUEST_ID not in json.dumps(parsed.to_dict())


def test_a_pages_items_carry_the_pages_request_id(make_client: MakeClient) -> None:
    page = list_executions.sync("wf_1", client=make_client(200, PAGE_BODIES["ExecutionPage"]))
    assert isinstance(page, ExecutionPage)
    assert [item.request_id for item in page] == [REQUEST_ID, REQUEST_ID]
    assert page.data[0].workflow is None  # nested objects have none of their own


def test_the_async_calls_carry_it_too(make_client: MakeClient) -> None:
    workflow = asyncio.run(get_workflow.asyncio("wf_1", client=make_client(200, WORKFLOW)))
    assert isinstance(workflow, Workflow)
    assert workflow.request_id == REQUEST_ID


def test_the_request_id_is_not_part_of_init_equality_or_dict() -> None:
    read = Execution.from_dict({"executionId": "e", "status": "running", "createdAt": TS})
    assert read.request_id is None  # from_dict alone: no answer
    remember_request_id(read, "req_1")
    assert read.request_id == "req_1"
    assert read == Execution.from_dict({"executionId": "e", "status": "running", "createdAt": TS})
    assert "request_id" not in {field.name for field in attrs.fields(Execution) if field.init}


def test_an_error_envelope_keeps_its_own_request_id(make_client: MakeClient) -> None:
    envelope = {"issues": [], "requestId": "req_from_the_body"}
    parsed = get_execution.sync("exec_1", client=make_client(404, envelope))
    assert isinstance(parsed, ApiErrorEnvelope)
    assert parsed.request_id == "req_from_the_body"


def test_no_request_id_header_leaves_it_none() -> None:
    page = RunPage.from_dict(PAGE_BODIES["RunPage"])
    remember_request_id(page, None)
    assert page.request_id is None
    assert all(run.request_id is None for run in page)


# --- to_dict and to_json ------------------------------------------------------------------------------------

UTC = datetime.UTC
AT = datetime.datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


STEPS = [{"stepId": "a", "startedAt": TS}]


@pytest.mark.parametrize(
    "model",
    [
        Execution.from_dict({"executionId": "e", "status": "running", "createdAt": TS, "completedAt": TS}),
        Workflow.from_dict({**WORKFLOW, "updatedAt": TS}),
        UploadedFile.from_dict({"id": "file_1", "createdAt": TS}),
        Run.from_dict({"id": "r", "timing": {"createdAt": TS, "startedAt": TS}}),  # nested
        RunEvents.from_dict(PAGE_BODIES["RunEvents"]),  # in items
        Execution.from_dict({"executionId": "e", "status": "completed", "createdAt": TS, "steps": STEPS}),
    ],
    ids=["execution", "workflow", "file", "run-timing", "events", "steps"],
)
def test_every_timestamp_is_written_in_utc_with_z(model: Any) -> None:
    text = json.dumps(model.to_dict())
    assert "2026-11-27T08:00:00Z" in text
    assert "+00:00" not in text
    assert "+02:00" not in text


def test_the_form_is_the_one_of_execution_result_and_the_command_line() -> None:
    assert format_timestamp(AT) == "2026-11-27T08:00:00Z"
    assert format_timestamp(datetime.datetime(2026, 11, 27, 8, 0, 0, 250000)) == "2026-11-27T08:00:00.250000Z"


def test_to_json_is_to_dict_as_json_text() -> None:
    execution = Execution.from_dict({"executionId": "e", "status": "running", "createdAt": TS, "queue": "q"})
    assert json.loads(execution.to_json()) == execution.to_dict()
    assert "\n" not in execution.to_json()
    assert execution.to_json(indent=2).startswith('{\n  "')
    page = WorkflowPage.from_dict(PAGE_BODIES["WorkflowPage"])
    assert json.loads(page.to_json())["data"][0]["createdAt"] == "2026-11-27T08:00:00Z"
    steps = RunSteps.from_dict(PAGE_BODIES["RunSteps"])
    assert json.loads(steps.to_json()) == PAGE_BODIES["RunSteps"]


def test_every_answer_model_has_to_json() -> None:
    missing = [cls.__name__ for cls in model_classes() if not callable(getattr(cls, "to_json", None))]
    assert missing == ["FileUploadMultipartBody", "RunStartMultipartBody", "RunWorkflowMultipartBody"]


def test_versions_page_is_a_sequence_too() -> None:
    assert issubclass(WorkflowVersionPage, Sequence)


# --- the x-items-field mark, checked before generating ------------------------------------------------------


def _generate_module() -> Any:
    return load_file(ROOT / "scripts" / "generate.py", "generate_script")


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "x-items-field": "items", "properties": {"data": {"type": "array"}}},  # no such field
        {"type": "object", "x-items-field": "data", "properties": {"data": {"type": "array"}}},  # not required
        {"type": "object", "x-items-field": "data", "required": ["data"], "properties": {"data": {"type": "string"}}},
    ],
    ids=["missing", "optional", "not-an-array"],
)
def test_a_wrong_items_field_stops_the_generation(schema: dict[str, Any]) -> None:
    check = _generate_module().check_items_fields
    with pytest.raises(SystemExit, match="x-items-field"):
        check({"components": {"schemas": {"Broken": schema}}})
    check({"components": {"schemas": SPEC}})  # the real contract passes
