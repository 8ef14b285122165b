"""Tests for eigenpal_ext.testing._spec: request validation of the local server against openapi.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from eigenpal_ext.testing import _spec
from eigenpal_ext.testing._spec import Issue, SpecValidator, spec_path

REPO_SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
OPERATION_IDS = (
    "list_workflows",
    "get_workflow",
    "list_workflow_versions",
    "run_workflow",
    "list_executions",
    "get_execution",
    "cancel_execution",
)
# The runs core, declared beside the v1 routes; the local server does not serve these yet.
RUNS_OPERATION_IDS = (
    "start_run",
    "list_runs",
    "get_run",
    "cancel_run",
    "list_run_steps",
    "list_run_events",
    "upload_file",
    "create_file_upload",
    "complete_file_upload",
    "abort_file_upload",
    "get_file",
    "delete_file",
    "get_file_content",
    "check_auth",
)


@pytest.fixture(scope="module")
def validator() -> SpecValidator:
    return SpecValidator.load()


@pytest.fixture(scope="module")
def raw_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(REPO_SPEC.read_text(encoding="utf-8"))
    return spec


def fields(issues: list[Issue]) -> list[str]:
    return [issue.field for issue in issues]


def only(issues: list[Issue]) -> Issue:
    assert len(issues) == 1, issues
    return issues[0]


# -- spec_path and operations -----------------------------------------------------------------------


def test_spec_path_finds_the_repository_openapi_yaml() -> None:
    assert spec_path().resolve() == REPO_SPEC


def test_spec_path_prefers_the_packaged_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "site" / "eigenpal_ext" / "testing" / "_spec.py"
    module.parent.mkdir(parents=True)
    (tmp_path / "site" / "openapi.yaml").write_text("openapi: 3.1.0\n")
    monkeypatch.setattr(_spec, "__file__", str(module))
    assert spec_path() == tmp_path / "site" / "openapi.yaml"
    (module.parent / "openapi.yaml").write_text("openapi: 3.1.0\n")
    assert spec_path() == module.parent / "openapi.yaml"


def test_spec_path_without_any_copy_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "site" / "eigenpal_ext" / "testing" / "_spec.py"
    monkeypatch.setattr(_spec, "__file__", str(module))
    with pytest.raises(FileNotFoundError, match=r"openapi\.yaml not found") as caught:
        spec_path()
    assert str(module.parent / "openapi.yaml") in str(caught.value)


def test_load_is_cached_per_process() -> None:
    assert SpecValidator.load() is SpecValidator.load()


def test_explicit_spec_is_used_instead_of_the_file(raw_spec: dict[str, Any]) -> None:
    validator = SpecValidator(raw_spec)
    assert validator.operation("get_workflow").path == "/api/v1/workflows/{id}"


def test_non_3_1_spec_is_refused(raw_spec: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"OpenAPI 3\.1"):
        SpecValidator({**raw_spec, "openapi": "3.0.3"})


@pytest.mark.parametrize("operation_id", OPERATION_IDS + RUNS_OPERATION_IDS)
def test_every_operation_id_resolves(validator: SpecValidator, operation_id: str, raw_spec: dict[str, Any]) -> None:
    operation = validator.operation(operation_id)
    declared = raw_spec["paths"][operation.path][operation.method.lower()]
    assert declared["operationId"] == operation_id
    assert len(operation.parameters) == len(declared.get("parameters", []))


def test_spec_declares_exactly_the_v1_and_the_runs_operations(validator: SpecValidator) -> None:
    assert set(validator.operations) == set(OPERATION_IDS + RUNS_OPERATION_IDS)


def test_operation_details(validator: SpecValidator) -> None:
    run = validator.operation("run_workflow")
    assert run.method == "POST"
    assert run.path == "/api/v1/workflows/{id}/run"
    assert [p.name for p in run.path_parameters] == ["id"]
    assert [p.name for p in run.query_parameters] == ["version", "wait_for_completion"]
    assert run.body_schema == "RunWorkflowBody"
    assert validator.operation("cancel_execution").body_schema is None


def test_unknown_operation_id_names_the_known_ones(validator: SpecValidator) -> None:
    with pytest.raises(KeyError, match="list_workflows"):
        validator.operation("delete_everything")


# -- parse_query ------------------------------------------------------------------------------------


def test_list_executions_valid_values_are_coerced(validator: SpecValidator) -> None:
    values, issues = validator.parse_query(
        "list_executions", {"limit": "10", "offset": "20", "status": "failed,cancelled", "fromDate": "now()-7d"}
    )
    assert issues == []
    assert values == {"limit": 10, "offset": 20, "status": "failed,cancelled", "fromDate": "now()-7d"}


def test_list_executions_defaults_are_applied(validator: SpecValidator) -> None:
    values, issues = validator.parse_query("list_executions", {})
    assert issues == []
    assert values == {"limit": 50}


def test_unknown_query_parameters_are_ignored(validator: SpecValidator) -> None:
    values, issues = validator.parse_query("list_executions", {"page": "2", "LIMIT": "x"})
    assert issues == []
    assert values == {"limit": 50}


@pytest.mark.parametrize(
    ("query", "field", "code", "message"),
    [
        ({"limit": "0"}, "query.limit", "out_of_range", "must be >= 1"),
        ({"limit": "abc"}, "query.limit", "invalid_type", "must be an integer"),
        ({"limit": "1.5"}, "query.limit", "invalid_type", "must be an integer"),
        ({"limit": ""}, "query.limit", "invalid_type", "must be an integer"),
        ({"limit": " 5"}, "query.limit", "invalid_type", "must be an integer"),
        ({"limit": "5\n"}, "query.limit", "invalid_type", "must be an integer"),
        ({"limit": "+5"}, "query.limit", "invalid_type", "must be an integer"),
        ({"offset": "-1"}, "query.offset", "out_of_range", "must be >= 0"),
    ],
)
def test_list_executions_bad_pagination(
    validator: SpecValidator, query: dict[str, str], field: str, code: str, message: str
) -> None:
    values, issues = validator.parse_query("list_executions", query)
    assert only(issues) == Issue(field, message, code)
    assert field.removeprefix("query.") not in values


def test_list_limits_follow_the_spec(validator: SpecValidator) -> None:
    # The workflows list documents a cap of 100; the executions list documents none.
    _, issues = validator.parse_query("list_workflows", {"limit": "101"})
    assert only(issues) == Issue("query.limit", "must be <= 100", "out_of_range")
    values, issues = validator.parse_query("list_executions", {"limit": "1000"})
    assert issues == []
    assert values["limit"] == 1000


def test_several_bad_parameters_are_all_reported(validator: SpecValidator) -> None:
    _, issues = validator.parse_query("list_executions", {"limit": "0", "offset": "x"})
    assert fields(issues) == ["query.limit", "query.offset"]


def test_integer_beyond_the_digit_limit_is_an_issue_not_a_crash(validator: SpecValidator) -> None:
    _, issues = validator.parse_query("list_executions", {"offset": "9" * 5000})
    assert only(issues).field == "query.offset"


def test_list_workflows_unknown_kind_lists_allowed_values(validator: SpecValidator) -> None:
    _, issues = validator.parse_query("list_workflows", {"kind": "bogus"})
    assert only(issues) == Issue("query.kind", "must be one of workflow, block", "unknown_value")


def test_list_workflows_valid_kind_is_kept_as_string(validator: SpecValidator) -> None:
    values, issues = validator.parse_query("list_workflows", {"kind": "block", "name": "extract-invoice"})
    assert issues == []
    assert values == {"kind": "block", "name": "extract-invoice", "limit": 50}


@pytest.mark.parametrize("seconds", ["0", "30", "60"])
def test_run_workflow_wait_within_window(validator: SpecValidator, seconds: str) -> None:
    values, issues = validator.parse_query("run_workflow", {"wait_for_completion": seconds})
    assert issues == []
    assert values == {"wait_for_completion": int(seconds)}


@pytest.mark.parametrize(
    ("seconds", "message"),
    [("61", "must be <= 60"), ("-1", "must be >= 0"), ("3600", "must be <= 60")],
)
def test_run_workflow_wait_out_of_range(validator: SpecValidator, seconds: str, message: str) -> None:
    _, issues = validator.parse_query("run_workflow", {"wait_for_completion": seconds})
    assert only(issues) == Issue("query.wait_for_completion", message, "out_of_range")


def test_run_workflow_without_wait_has_no_default(validator: SpecValidator) -> None:
    assert validator.parse_query("run_workflow", {"version": "1.2.3"}) == ({"version": "1.2.3"}, [])


@pytest.mark.parametrize("flag", ["true", "false"])
def test_get_execution_include_steps_accepted(validator: SpecValidator, flag: str) -> None:
    assert validator.parse_query("get_execution", {"includeSteps": flag}) == ({"includeSteps": flag}, [])


@pytest.mark.parametrize("flag", ["yes", "True", "1", ""])
def test_get_execution_include_steps_rejected(validator: SpecValidator, flag: str) -> None:
    values, issues = validator.parse_query("get_execution", {"includeSteps": flag})
    assert values == {}
    assert only(issues) == Issue("query.includeSteps", "must be one of true, false", "unknown_value")


def test_duplicate_parameter_is_flagged(validator: SpecValidator) -> None:
    values, issues = validator.parse_query("list_executions", QueryParams("limit=1&limit=2&offset=3"))
    assert only(issues) == Issue("query.limit", "given more than once", "invalid_value")
    assert values == {"offset": 3}


def test_multidict_with_single_values_is_parsed(validator: SpecValidator) -> None:
    values, issues = validator.parse_query("list_workflows", QueryParams("kind=workflow&limit=7&other=1&other=2"))
    assert issues == []
    assert values == {"kind": "workflow", "limit": 7}


@settings(max_examples=200, deadline=None)
@given(
    operation_id=st.sampled_from(OPERATION_IDS),
    query=st.dictionaries(
        st.sampled_from(["limit", "offset", "kind", "wait_for_completion", "includeSteps", "status"]) | st.text(),
        st.text() | st.from_regex(r"-?[0-9]{1,6}", fullmatch=True),
    ),
)
def test_parse_query_never_raises(operation_id: str, query: dict[str, str]) -> None:
    values, issues = SpecValidator.load().parse_query(operation_id, query)
    assert all(issue.field.startswith("query.") for issue in issues)
    assert not {issue.field.removeprefix("query.") for issue in issues} & set(values)


# -- check_path -------------------------------------------------------------------------------------


def test_check_path_accepts_ids_and_slugs(validator: SpecValidator) -> None:
    assert validator.check_path("get_workflow", {"id": "extract-invoice"}) == []
    assert validator.check_path("get_execution", {"executionId": "exec_xyz"}) == []


def test_check_path_rejects_empty_and_missing(validator: SpecValidator) -> None:
    assert only(validator.check_path("get_workflow", {"id": ""})).field == "path.id"
    assert only(validator.check_path("cancel_execution", {})) == Issue("path.executionId", "is required", "required")


# -- check_body -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"input": {"a": 1}},
        {"overrides": {"steps": {"s1": {"text": "x"}}}, "trigger": "cli"},
        {"overrides": None},
        {"input": {}, "overrides": {}, "trigger": "api", "extra": True},
    ],
)
def test_run_workflow_body_accepted(validator: SpecValidator, body: Any) -> None:
    assert validator.check_body("RunWorkflowBody", body) == []


def test_body_input_must_be_an_object(validator: SpecValidator) -> None:
    issue = only(validator.check_body("RunWorkflowBody", {"input": []}))
    assert issue == Issue("body.input", "must be an object", "invalid_type")


def test_body_trigger_must_be_known(validator: SpecValidator) -> None:
    issue = only(validator.check_body("RunWorkflowBody", {"trigger": "web"}))
    assert issue == Issue("body.trigger", "must be one of api, cli", "unknown_value")


def test_body_override_step_points_at_the_step(validator: SpecValidator) -> None:
    issue = only(validator.check_body("RunWorkflowBody", {"overrides": {"steps": {"s1": 5}}}))
    assert issue.field.startswith("body.overrides")
    assert issue == Issue("body.overrides.steps.s1", "must be an object", "invalid_type")


def test_body_overrides_of_wrong_type_names_both_allowed_types(validator: SpecValidator) -> None:
    issue = only(validator.check_body("RunWorkflowBody", {"overrides": 5}))
    assert issue == Issue("body.overrides", "must be an object or null", "invalid_type")


@pytest.mark.parametrize("body", [[], "x", 5, None])
def test_non_object_body_is_reported_at_the_root(validator: SpecValidator, body: Any) -> None:
    assert only(validator.check_body("RunWorkflowBody", body)) == Issue("body", "must be an object", "invalid_type")


def test_body_issues_are_sorted_by_path(validator: SpecValidator) -> None:
    issues = validator.check_body("RunWorkflowBody", {"trigger": "web", "input": [], "overrides": 1})
    assert fields(issues) == ["body.input", "body.overrides", "body.trigger"]


def test_required_points_at_the_missing_property(validator: SpecValidator) -> None:
    issues = validator.check_body("ApiErrorIssue", {"field": "x", "message": "m"}, field="body.issues.0")
    assert issues == [
        Issue("body.issues.0.code", "is required", "required"),
        Issue("body.issues.0.severity", "is required", "required"),
    ]


def test_messages_are_capped(validator: SpecValidator) -> None:
    huge_enum_miss = "w" * 10_000
    issue = only(validator.check_body("RunWorkflowBody", {"trigger": huge_enum_miss}))
    assert len(issue.message) <= 200
    assert huge_enum_miss not in issue.message


def test_format_is_not_asserted(validator: SpecValidator) -> None:
    assert validator.check_body("Workflow", {"id": "wf_1", "createdAt": "not a date"}) == []


def test_unknown_schema_name_raises(validator: SpecValidator) -> None:
    with pytest.raises(KeyError, match="NoSuchBody"):
        validator.check_body("NoSuchBody", {})


def test_issue_as_api_error_issue() -> None:
    assert Issue("query.limit", "must be <= 100", "out_of_range").as_dict() == {
        "field": "query.limit",
        "message": "must be <= 100",
        "code": "out_of_range",
        "severity": "error",
    }


# -- max_value (change detector against openapi.yaml) ----------------------------------------------


def test_max_values_come_from_the_spec(validator: SpecValidator, raw_spec: dict[str, Any]) -> None:
    run_params = raw_spec["paths"]["/api/v1/workflows/{id}/run"]["post"]["parameters"]
    wait = next(p for p in run_params if p.get("name") == "wait_for_completion")
    limit = raw_spec["components"]["parameters"]["Limit"]
    assert validator.max_value("run_workflow", "wait_for_completion") == wait["schema"]["maximum"] == 60
    assert validator.max_value("list_workflows", "limit") == limit["schema"]["maximum"] == 100
    # No maximum is documented for these two: the spec bounds them to the 64-bit range.
    assert validator.max_value("list_executions", "limit") == 2**63 - 1
    assert validator.max_value("list_executions", "offset") == 2**63 - 1


def test_max_value_is_none_without_maximum(validator: SpecValidator) -> None:
    assert validator.max_value("list_workflows", "kind") is None
    assert validator.max_value("list_executions", "status") is None


def test_max_value_of_undeclared_parameter_raises(validator: SpecValidator) -> None:
    with pytest.raises(KeyError, match="wait_for_completion"):
        validator.max_value("list_executions", "wait_for_completion")
