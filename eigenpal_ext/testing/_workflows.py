"""The local server's workflows: built-ins for demos and tests, as small step pipelines.

- ``extract-invoice``: a file ``contract_document`` (and an optional ``language``). Reads the file: name,
  size, media type and SHA-256; for a PDF also the page count, the first page's text and invoice fields.
- ``echo``: returns its input (files as their name, size and SHA-256).
- ``sleep``: sleeps ``seconds`` (0..3600, default 1), checking for cancellation; for timing tests.
- ``fail``: ends ``failed`` with the input ``message`` (or a default one).
- ``review``: parks in ``waiting`` until approved or rejected (the admin endpoint), then ends
  ``completed`` or ``rejected``.

Each workflow has two released versions (``1.0.0`` and the current ``1.1.0``); ``version=`` pins
either by id or tag. A step is a function of a ``StepContext``; it returns its output, raises
``WorkflowFailure`` to fail the execution, or calls ``context.park()`` to wait for a review decision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from eigenpal_ext.testing._documents import DocumentError, describe_file, extract_invoice_fields
from eigenpal_ext.testing._store import Execution, StoredFile

CREATED_AT = "2026-01-05T09:00:00.000Z"


class WorkflowFailure(Exception):
    """A step failed: the execution ends ``failed`` with this message as its ``error``."""


class ReviewRejected(Exception):
    """The reviewer rejected the execution: it ends ``rejected``."""


class Parked(Exception):
    """The step waits for an outside decision: the worker releases the execution in ``waiting``."""


@attrs.frozen
class StepContext:
    """What a step sees: the execution, its uploaded files, earlier outputs, and the worker's hooks."""

    execution: Execution
    files: Mapping[str, StoredFile]
    outputs: Mapping[str, Any]
    sleep: Callable[[float], None]  # sleeps, but raises at a cancellation or shutdown checkpoint

    def park(self) -> None:
        raise Parked


@attrs.frozen
class Step:
    id: str
    run: Callable[[StepContext], Any]


@attrs.frozen
class WorkflowVersion:
    id: str
    tag: str
    yaml: str
    created_at: str
    is_current: bool


@attrs.frozen
class Workflow:
    id: str
    name: str
    kind: str
    steps: tuple[Step, ...]
    versions: tuple[WorkflowVersion, ...]  # newest first
    file_inputs: frozenset[str] = frozenset()  # required file inputs
    check_inputs: Callable[[Mapping[str, Any]], list[tuple[str, str]]] = lambda _inputs: []
    build_result: Callable[[Mapping[str, Any], Execution], Any] = lambda outputs, _execution: dict(outputs)

    @property
    def current(self) -> WorkflowVersion:
        return next(version for version in self.versions if version.is_current)

    def version(self, wanted: str | None) -> WorkflowVersion | None:
        """``None``/``latest`` → current; else a version id or release tag."""
        if wanted in (None, "latest"):
            return self.current
        return next((v for v in self.versions if wanted in (v.id, v.tag)), None)

    def input_issues(self, inputs: Mapping[str, Any], file_keys: frozenset[str]) -> list[tuple[str, str]]:
        """(field, message) for each input problem: a missing file, a file where a value belongs, ..."""
        issues = [
            (f"body.input.{key}", f"the file input {key!r} is required (send it as a multipart file part)")
            for key in sorted(self.file_inputs - file_keys)
        ]
        issues += [
            (f"body.input.{key}", f"{key!r} is not a file input of {self.name}")
            for key in sorted(file_keys - self.file_inputs)
            if self.file_inputs  # workflows without file inputs accept any file (echo reports them)
        ]
        return issues + self.check_inputs(inputs)


def _versions(slug: str, yaml_body: str) -> tuple[WorkflowVersion, ...]:
    def render(tag: str) -> str:
        return f"name: {slug}\nversion: {tag}\n{yaml_body}"

    return (
        WorkflowVersion(
            f"wfh_{slug.replace('-', '_')}_110", "1.1.0", render("1.1.0"), "2026-03-01T09:00:00.000Z", True
        ),
        WorkflowVersion(f"wfh_{slug.replace('-', '_')}_100", "1.0.0", render("1.0.0"), CREATED_AT, False),
    )


# --- extract-invoice -----------------------------------------------------------------------------------


def _read_document(context: StepContext) -> dict[str, Any]:
    document = context.files["contract_document"]
    try:
        return describe_file(document.path, filename=document.filename, media_type=document.media_type)
    except DocumentError as exc:
        raise WorkflowFailure(str(exc)) from exc


def _extract_fields(context: StepContext) -> dict[str, Any]:
    pdf = context.outputs["read-document"].get("pdf")
    return extract_invoice_fields(pdf["firstPageText"]) if pdf else {}


def _invoice_result(outputs: Mapping[str, Any], execution: Execution) -> dict[str, Any]:
    return {
        "document": outputs["read-document"],
        "fields": outputs["extract-fields"],
        "language": execution.input.get("language", "en"),
    }


def _check_language(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    language = inputs.get("language", "en")
    if not isinstance(language, str) or not 2 <= len(language) <= 8:
        return [("body.input.language", "language must be a language code such as 'en' or 'de'")]
    return []


# --- sleep, fail, review ---------------------------------------------------------------------------------


def _sleep_seconds(inputs: Mapping[str, Any]) -> float:
    value = inputs.get("seconds", 1)
    return float(value)


def _check_sleep(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    value = inputs.get("seconds", 1)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 3600
    ):
        return [("body.input.seconds", "seconds must be a number from 0 to 3600")]
    return []


def _sleep(context: StepContext) -> dict[str, float]:
    seconds = _sleep_seconds(context.execution.input)
    context.sleep(seconds)
    return {"slept": seconds}


def _fail(context: StepContext) -> None:
    raise WorkflowFailure(str(context.execution.input.get("message") or "the fail workflow failed, as it always does"))


def _await_review(context: StepContext) -> dict[str, Any]:
    decision = context.execution.decision
    if decision is None:
        context.park()
    if decision == "rejected":
        raise ReviewRejected("rejected by the reviewer")
    return {"decision": decision}


def builtin_workflows() -> dict[str, Workflow]:
    """The built-in workflows by slug."""
    workflows = [
        Workflow(
            id="wf_abc123",  # the id the product documentation uses in its examples
            name="extract-invoice",
            kind="workflow",
            steps=(Step("read-document", _read_document), Step("extract-fields", _extract_fields)),
            versions=_versions("extract-invoice", "inputs:\n  contract_document: file\n  language: string\n"),
            file_inputs=frozenset({"contract_document"}),
            check_inputs=_check_language,
            build_result=_invoice_result,
        ),
        Workflow(
            id="wf_echo",
            name="echo",
            kind="workflow",
            steps=(Step("echo", lambda context: _echo(context)),),
            versions=_versions("echo", "steps:\n  - echo\n"),
            build_result=lambda outputs, _execution: outputs["echo"],
        ),
        Workflow(
            id="wf_sleep",
            name="sleep",
            kind="workflow",
            steps=(Step("sleep", _sleep),),
            versions=_versions("sleep", "inputs:\n  seconds: number\n"),
            check_inputs=_check_sleep,
            build_result=lambda outputs, _execution: outputs["sleep"],
        ),
        Workflow(
            id="wf_fail",
            name="fail",
            kind="block",
            steps=(Step("fail", _fail),),
            versions=_versions("fail", "steps:\n  - fail\n"),
        ),
        Workflow(
            id="wf_review",
            name="review",
            kind="workflow",
            steps=(
                Step("prepare", lambda context: {"items": len(context.execution.input)}),
                Step("await-review", _await_review),
            ),
            versions=_versions("review", "steps:\n  - prepare\n  - await-review\n"),
            build_result=lambda outputs, execution: {
                "decision": outputs["await-review"]["decision"],
                "input": execution.input,
            },
        ),
    ]
    return {workflow.name: workflow for workflow in workflows}


def _echo(context: StepContext) -> dict[str, Any]:
    echoed = dict(context.execution.input)
    for key, stored in context.files.items():
        echoed[key] = {"filename": stored.filename, "size": stored.size, "sha256": stored.sha256}
    return echoed


def configured_workflows(aliases: Mapping[str, str]) -> dict[str, Workflow]:
    """The built-ins plus, for each ``slug: built-in`` of the configuration, a built-in under your name.

    A test suite whose code runs ``extract-contract`` configures ``{"extract-contract": "extract-invoice"}``
    and gets a workflow of that slug (id ``wf_extract_contract``) that behaves like ``extract-invoice``.
    """
    workflows = builtin_workflows()
    builtins = sorted(workflows)
    for slug, behaviour in aliases.items():
        if not slug or not all(character.isalnum() or character in "-_." for character in slug):
            raise ValueError(f"workflow slug {slug!r} must be letters, digits, '-', '_' or '.'")
        if slug in workflows or slug == "executions":
            raise ValueError(f"workflow slug {slug!r} is taken (built-ins: {', '.join(builtins)})")
        base = workflows.get(behaviour) if behaviour in builtins else None
        if base is None:
            raise ValueError(f"workflow {slug!r}: {behaviour!r} is not a built-in; use one of {', '.join(builtins)}")
        workflows[slug] = attrs.evolve(
            base,
            id="wf_" + slug.replace("-", "_").replace(".", "_"),
            name=slug,
            versions=_versions(slug, f"behaves_like: {behaviour}\n"),
        )
    return workflows
