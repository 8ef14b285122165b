"""What a batch yields and writes: ``Succeeded``/``Failed`` (they narrow for type checkers; ``to_dict()`` is the
exported line) and the JSON Lines output (rewritten atomically from the journal, appended line by line, whole
lines only even when the writer is killed)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from eigenpal_api.models import ExecutionStatus

from eigenpal_ext import (
    BatchOutcome,
    EigenpalConnectionError,
    EigenpalWaitTimeoutError,
    ExecutionResult,
    Failed,
    Succeeded,
)
from eigenpal_ext._batch_outcomes import from_dict, from_error, from_result
from eigenpal_ext._batch_output import BatchOutput, json_line
from tests.support import killed_while_writing

SENT = datetime.datetime(2026, 12, 7, 1, 0, tzinfo=datetime.UTC)
DONE = SENT + datetime.timedelta(seconds=3)
KEYS = ["key", "file", "executionId", "status", "result", "error", "sentAt", "createdAt", "completedAt", "finishedAt"]


def result(status: str, **fields: object) -> ExecutionResult:
    values: dict[str, object] = {"result": None, "error": None, "created_at": SENT, "completed_at": DONE, **fields}
    return ExecutionResult(execution_id="exec_1", status=ExecutionStatus(status), **values)  # type: ignore[arg-type]


def summary(outcome: BatchOutcome) -> str:
    """A user's code: mypy --strict checks it (tests are type-checked), so the narrowing is pinned too."""
    if outcome.succeeded:
        return f"{outcome.key} {outcome.execution_id} {outcome.result['total']}"
    return f"{outcome.key} {outcome.status}: {outcome.error}"


def test_a_completed_execution_is_succeeded_and_exports_exactly_the_documented_keys() -> None:
    outcome = from_result("k1", "a.pdf", result("completed", result={"total": 3}), sent_at=SENT, finished_at=DONE)
    assert isinstance(outcome, Succeeded)
    assert summary(outcome) == "k1 exec_1 3"
    data = outcome.to_dict()
    assert list(data) == KEYS
    assert data == {
        "key": "k1", "file": "a.pdf", "executionId": "exec_1", "status": "completed", "result": {"total": 3},
        "error": None, "sentAt": "2026-12-07T01:00:00Z", "createdAt": "2026-12-07T01:00:00Z",
        "completedAt": "2026-12-07T01:00:03Z", "finishedAt": "2026-12-07T01:00:03Z",
    }  # fmt: skip
    assert json.loads(json.dumps(data)) == data
    assert from_dict(data) == outcome
    assert from_dict(data).resumed


@pytest.mark.parametrize(("status", "error"), [("failed", "boom"), ("cancelled", None), ("rejected", None)])
def test_other_ends_are_failed_with_words(status: str, error: str | None) -> None:
    outcome = from_result("k", None, result(status, error=error), sent_at=SENT, finished_at=DONE)
    assert isinstance(outcome, Failed)
    assert (outcome.status, outcome.execution_id, outcome.result) == (status, "exec_1", None)
    assert outcome.error == (error or f"the execution ended {status}")
    assert summary(outcome).startswith(f"k {status}: ")
    assert list(outcome.to_dict()) == KEYS
    assert from_dict(outcome.to_dict()) == outcome


def test_errors_become_failed_outcomes_with_what_is_known() -> None:
    lost = EigenpalConnectionError("the connection dropped after the run was sent")
    unknown = from_error("k", "a.pdf", lost, status="unknown", execution_id=None, sent_at=SENT, finished_at=DONE)
    assert unknown.unknown
    assert unknown.exception is lost
    assert unknown.to_dict()["status"] == "unknown"
    assert "exception" not in unknown.to_dict()
    timeout = EigenpalWaitTimeoutError("did not finish", execution_id="exec_1", last_status="running")
    waited = from_error("k", None, timeout, status="error", execution_id="exec_1", sent_at=SENT, finished_at=DONE)
    assert (waited.status, waited.execution_id, waited.error) == ("running", "exec_1", "did not finish")
    other = from_error("k", None, KeyError("x"), status="error", execution_id=None, sent_at=None, finished_at=DONE)
    assert other.error == "KeyError: 'x'"


def test_the_output_is_rewritten_from_the_journal_then_appended(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("a torn line from a killed batc")
    with BatchOutput(path) as output:
        output.start([{"key": "a"}, {"key": "b"}])
        output.append({"key": "c", "text": "é\ud800"})  # any string: escaped, so it always encodes
    lines = path.read_text().splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["a", "b", "c"]
    assert path.read_bytes().isascii()
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left behind
    with BatchOutput(path) as again:
        again.start([])
    assert path.read_text() == ""


def test_appending_before_start_is_a_bug() -> None:
    with pytest.raises(RuntimeError, match="start"):
        BatchOutput("x.jsonl").append({})


def test_a_writer_killed_at_any_moment_leaves_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    killed_while_writing(
        f"""
        import itertools
        from eigenpal_ext._batch_output import BatchOutput
        output = BatchOutput({str(path)!r})
        output.start([])
        for number in itertools.count():
            output.append({{"key": number, "result": "x" * 3000}})
            if number == 100:
                print("writing", flush=True)
        """,
        then=0.1,
    )
    text = path.read_text()
    # Every line that ends with a newline is whole. The kernel may cut the last write short at a page boundary
    # when the process is killed during it: then the last line lacks its newline (the next run repairs it).
    whole, _, cut = text.rpartition("\n")
    keys = [json.loads(line)["key"] for line in whole.splitlines()]
    assert keys == list(range(len(keys)))
    assert len(keys) > 100
    assert json_line({"key": len(keys), "result": "x" * 3000}).decode().startswith(cut)  # "" or a cut prefix
