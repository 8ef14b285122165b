"""A bad argument is refused before anything is sent with ``ArgumentValueError``/``ArgumentTypeError``: still a
``ValueError``/``TypeError`` (what users catch), and naming the argument as data (``argument``, ``reason``) so
that the command line names its own flag without reading the message."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any, cast

import pytest

from eigenpal_ext import ArgumentTypeError, ArgumentValueError, EigenpalClient
from tests.support import Recorder
from tests.unit.conftest import ClientFactory

Case = tuple[Callable[[EigenpalClient], Any], type[Exception], str]
CASES: dict[str, Case] = {
    "from_date": (lambda c: c.workflows.executions.list("wf", from_date="yesterday"), ArgumentValueError, "from_date"),
    "to_date type": (lambda c: c.workflows.executions.list("wf", to_date=cast(Any, 3)), ArgumentTypeError, "to_date"),
    "status": (lambda c: c.workflows.executions.list("wf", status="canceled"), ArgumentValueError, "status"),
    "limit": (lambda c: c.workflows.list(limit=500), ArgumentValueError, "limit"),
    "page_size": (lambda c: c.workflows.iter(page_size=0), ArgumentValueError, "page_size"),
    "workflow_id": (lambda c: c.workflows.get(""), ArgumentValueError, "workflow_id"),
    "execution_id": (lambda c: c.workflows.executions.cancel(" "), ArgumentValueError, "execution_id"),
    "input value": (lambda c: c.workflows.run("wf", {"when": object()}), ArgumentTypeError, "input['when']"),
    "nested input": (lambda c: c.workflows.run("wf", {"a": [1, {2}]}), ArgumentTypeError, "input['a'][1]"),
    "overrides": (lambda c: c.workflows.run("wf", None, overrides=cast(Any, [1])), ArgumentTypeError, "overrides"),
    "hold": (lambda c: c.workflows.run("wf", None, wait_for_completion=61), ArgumentValueError, "wait_for_completion"),
    "key": (lambda c: c.workflows.run("wf", None, idempotency_key="a b"), ArgumentValueError, "idempotency_key"),
    "timeout_seconds": (
        lambda c: c.workflows.executions.wait("exec_1", timeout_seconds=-1), ArgumentValueError, "timeout_seconds"
    ),
    "on_status": (
        lambda c: c.workflows.executions.wait("exec_1", on_status=cast(Any, 3)), ArgumentTypeError, "on_status"
    ),
    "server_hold": (
        lambda c: c.workflows.executions.run_and_wait("wf", server_hold=cast(Any, "yes")),
        ArgumentTypeError,
        "server_hold",
    ),
    "request timeout": (
        lambda c: c.workflows.get("wf", request_timeout_seconds=0), ArgumentValueError, "request_timeout_seconds"
    ),
    "run_many input": (
        lambda c: c.workflows.executions.run_many("wf", [{"a": 1}, {"a": {1}}]), ArgumentTypeError,
        "inputs[1]: input['a']",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_bad_argument_is_refused_before_sending_and_named_as_data(any_client: ClientFactory, case: Case) -> None:
    call, kind, argument = case
    recorder = Recorder()
    with pytest.raises(kind) as raised:
        call(any_client(recorder))
    error = raised.value
    assert isinstance(error, ArgumentValueError | ArgumentTypeError)
    assert isinstance(error, ValueError if kind is ArgumentValueError else TypeError)
    assert error.argument == argument
    assert str(error) == f"{argument} {error.reason}"
    assert recorder.requests == []


def test_client_settings_name_their_argument_too() -> None:
    with pytest.raises(ArgumentValueError) as raised:
        EigenpalClient(api_key="eg_key_0123456789", base_url="ftp://example.com")
    assert raised.value.argument == "base_url"
    with pytest.raises(ArgumentValueError) as retries:
        EigenpalClient(api_key="eg_key_0123456789", max_retries=-1)
    assert retries.value.argument == "max_retries"


def test_argument_errors_pickle_with_their_data() -> None:
    error = ArgumentValueError("from_date", "'x' is not a date")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.argument, copy.reason, str(copy)) == (
        ArgumentValueError, "from_date", "'x' is not a date", "from_date 'x' is not a date",
    )  # fmt: skip
