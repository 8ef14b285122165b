"""``ExecutionResult.to_dict()`` and the ``_jsonable`` helpers: plain JSON data, ``Z`` timestamps, enum values,
unknown fields kept."""

from __future__ import annotations

import datetime
import enum
import json
from pathlib import PurePosixPath
from typing import Any

import attrs
import pytest
from eigenpal_api.models import Execution, ExecutionStatus, Workflow
from eigenpal_api.types import UNSET

from eigenpal_ext import ExecutionResult
from eigenpal_ext._jsonable import iso_z, to_jsonable

UTC = datetime.UTC


def status_body(**extra: Any) -> dict[str, Any]:
    return {
        "executionId": "exec_1",
        "status": "completed",
        "createdAt": "2026-11-27T03:40:01.250+00:00",
        "completedAt": "2026-11-27T05:40:02+02:00",
        "result": {"fields": {"total": "EUR 1,234.56", "date": "2026-01-01T00:00:00+00:00"}},
        **extra,
    }


def test_to_dict_is_json_with_z_timestamps_and_enum_values() -> None:
    result = ExecutionResult.from_status(Execution.from_dict(status_body()))
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data  # plain JSON data: no default= needed
    assert data["executionId"] == "exec_1"
    assert data["status"] == "completed"
    assert type(data["status"]) is str
    assert data["createdAt"] == "2026-11-27T03:40:01.250000Z"
    assert data["completedAt"] == "2026-11-27T03:40:02Z"  # converted to UTC
    assert data["error"] is None
    # The workflow's own output is data: a string that looks like a timestamp stays exactly as sent.
    assert data["result"] == {"fields": {"total": "EUR 1,234.56", "date": "2026-01-01T00:00:00+00:00"}}


def test_to_dict_keeps_fields_this_client_does_not_know_and_steps() -> None:
    body = status_body(
        status="failed",
        error="boom",
        result=None,
        steps=[
            {
                "stepId": "extract",
                "status": "failed",
                "startedAt": "2026-11-27T03:40:01+00:00",
                "completedAt": "2026-11-27T03:40:02+00:00",
                "error": "boom",
                "tokensUsed": 12,
            }
        ],
        priority="high",
        costCents=3,
    )
    data = ExecutionResult.from_status(Execution.from_dict(body)).to_dict()
    json.dumps(data)
    assert data["priority"] == "high"
    assert data["costCents"] == 3
    assert data["status"] == "failed"
    assert data["error"] == "boom"
    step = data["steps"][0]
    assert step["startedAt"] == "2026-11-27T03:40:01Z"
    assert step["completedAt"] == "2026-11-27T03:40:02Z"
    assert step["tokensUsed"] == 12


def test_to_dict_without_the_status_response() -> None:
    result = ExecutionResult(
        execution_id="exec_2",
        status=ExecutionStatus.CANCELLED,
        result=None,
        error=None,
        created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        completed_at=None,
    )
    assert result.to_dict() == {
        "executionId": "exec_2",
        "status": "cancelled",
        "result": None,
        "error": None,
        "createdAt": "2026-01-02T08:04:05Z",
        "completedAt": None,
    }


def test_an_unknown_status_keeps_the_servers_string() -> None:
    result = ExecutionResult(
        execution_id="exec_3",
        status=ExecutionStatus("archived-by-admin"),
        result=None,
        error=None,
        created_at=None,
        completed_at=None,
    )
    assert json.dumps(result.to_dict()["status"]) == '"archived-by-admin"'


def test_iso_z() -> None:
    assert iso_z(datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert iso_z(datetime.datetime(2026, 1, 2, 3, 4, 5, 7)) == "2026-01-02T03:04:05.000007Z"  # naive: taken as UTC
    plus_one = datetime.timezone(datetime.timedelta(hours=1))
    assert iso_z(datetime.datetime(2026, 1, 2, 0, 30, tzinfo=plus_one)) == "2026-01-01T23:30:00Z"


class Colour(enum.Enum):
    RED = "red"


@attrs.define
class Opaque:
    value: int


def test_to_jsonable_of_values() -> None:
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    value = {
        1: (moment, datetime.date(2026, 1, 2)),
        "colour": Colour.RED,
        "path": PurePosixPath("/tmp/a.pdf"),
        "unset": UNSET,
        "nested": [{"n": None, "b": True, "f": 1.5}],
    }
    assert to_jsonable(value) == {
        "1": ["2026-01-02T03:04:05Z", "2026-01-02"],
        "colour": "red",
        "path": "/tmp/a.pdf",
        "unset": None,
        "nested": [{"n": None, "b": True, "f": 1.5}],
    }
    with pytest.raises(TypeError, match="Opaque is not JSON serialisable"):
        to_jsonable(Opaque(1))


def test_to_jsonable_of_a_model_rewrites_only_its_timestamps() -> None:
    workflow = Workflow.from_dict(
        {
            "id": "wf_1",
            "name": "extract-invoice",
            "createdAt": "2026-11-27T03:40:01+00:00",
            "updatedAt": "2026-11-27T04:40:01.5+01:00",
            "owner": {"team": "finance", "since": "2020-01-01T00:00:00+00:00"},
        }
    )
    data = to_jsonable(workflow)
    assert data["createdAt"] == "2026-11-27T03:40:01Z"
    assert data["updatedAt"] == "2026-11-27T03:40:01.500000Z"
    assert data["owner"] == {"team": "finance", "since": "2020-01-01T00:00:00+00:00"}  # unknown field: as sent
    assert data["id"] == "wf_1"
