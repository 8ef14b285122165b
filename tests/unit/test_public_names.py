"""Public classes carry their public name, ``eigenpal_ext.<Name>``: in tracebacks, reprs of types, pickles."""

from __future__ import annotations

import datetime
import inspect
import pickle
import subprocess
import sys
import traceback
import typing

import pytest
from eigenpal_api.models import ExecutionStatus

import eigenpal_ext
from eigenpal_ext._response_errors import error_from_response

# Every class eigenpal_ext defines itself (ExecutionStatus and CancelOutcome belong to eigenpal_api).
OWN_CLASSES = [
    name
    for name in eigenpal_ext.__all__
    if inspect.isclass(getattr(eigenpal_ext, name))
    and getattr(eigenpal_ext, name).__qualname__ == name
    and name not in {"ExecutionStatus", "CancelOutcome"}
]


def test_the_list_of_own_classes_is_complete() -> None:
    # A guard on the comprehension above, so the parametrised tests below cannot silently test nothing.
    assert {"EigenpalClient", "AsyncEigenpalClient", "EigenpalAuthError", "ExecutionResult", "RunOutcome"} <= set(
        OWN_CLASSES
    )
    assert len(OWN_CLASSES) >= 18


@pytest.mark.parametrize("name", OWN_CLASSES)
def test_every_public_class_is_named_after_the_package(name: str) -> None:
    cls = getattr(eigenpal_ext, name)
    assert cls.__module__ == "eigenpal_ext"
    # pickle and `help()` find the class again under that name.
    assert pickle.loads(pickle.dumps(cls)) is cls
    assert repr(cls) == f"<class 'eigenpal_ext.{name}'>"


@pytest.mark.parametrize("name", OWN_CLASSES)
def test_type_hints_of_public_classes_still_resolve(name: str) -> None:
    cls = getattr(eigenpal_ext, name)
    if name == "EigenpalWaitTimeoutError":
        # last_status names ExecutionStatus, imported for type checkers only (to keep `import eigenpal_ext`
        # from loading every model); its own annotation must still be the intended one.
        assert cls.__annotations__["last_status"] == "ExecutionStatus | None"
        return
    if name in {"RunHandle", "AsyncRunHandle"}:
        # A run handle is a generated Run, whose module imports the nested models (RunTiming, ...) for type
        # checkers only; they resolve in the models package, where every generated model is.
        import eigenpal_api.models

        typing.get_type_hints(cls, localns=vars(eigenpal_api.models))
        return
    typing.get_type_hints(cls)


def test_execution_result_hints_are_resolved_objects() -> None:
    hints = typing.get_type_hints(eigenpal_ext.ExecutionResult)
    assert hints["status"] is ExecutionStatus
    assert hints["created_at"] == datetime.datetime | None


def test_traceback_shows_the_public_name() -> None:
    import httpx

    request = httpx.Request("GET", "https://app.eigenpal.com/api/v1/workflows")
    error = error_from_response(httpx.Response(401, json={"message": "bad key"}, request=request))
    lines = traceback.format_exception(error)
    assert lines[-1] == "eigenpal_ext.EigenpalAuthError: HTTP 401: bad key\n"
    assert "_errors.EigenpalAuthError" not in "".join(lines)


def test_an_uncaught_error_prints_the_public_name() -> None:
    # The interpreter's own report of an uncaught exception, as a user sees it in a script.
    code = "import eigenpal_ext; raise eigenpal_ext.EigenpalTimeoutError('gave up', execution_id='exec_1')"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 1
    assert completed.stderr.splitlines()[-1] == "eigenpal_ext.EigenpalTimeoutError: gave up (execution_id=exec_1)"


def test_pickled_errors_and_results_restore_under_the_public_name() -> None:
    error = eigenpal_ext.EigenpalNotFoundError("HTTP 404: gone", status=404, headers={"x-request-id": "req_1"})
    # Protocol 0 spells each global as "module\nname\n", so the class reference can be read off.
    payload = pickle.dumps(error, protocol=0)
    assert b"eigenpal_ext\nEigenpalNotFoundError\n" in payload
    assert b"_errors\nEigenpalNotFoundError" not in payload
    restored = pickle.loads(payload)
    assert type(restored) is eigenpal_ext.EigenpalNotFoundError
    assert restored.headers == {"x-request-id": "req_1"}
    assert repr(restored) == repr(error)

    result = eigenpal_ext.ExecutionResult(
        execution_id="exec_1",
        status=ExecutionStatus.COMPLETED,
        result={"a": 1},
        error=None,
        created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        completed_at=None,
    )
    assert pickle.loads(pickle.dumps(result)) == result
    assert repr(result).startswith("ExecutionResult(execution_id='exec_1', status=<ExecutionStatus.COMPLETED")
