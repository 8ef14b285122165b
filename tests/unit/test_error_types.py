"""What a user catches for three everyday mistakes (issue 18, item 12), sync and async:

- no API key: ``EigenpalMissingAPIKeyError``, an ``EigenpalError`` that is also a ``ValueError`` (and an
  ``ArgumentValueError`` naming ``api_key``), raised by the constructor;
- a closed client used again (itself, a ``with_options`` client of it, its ``raw`` client):
  ``EigenpalClientClosedError``, an ``EigenpalError`` (and, as httpx's own error was, a ``RuntimeError``), with
  nothing sent;
- a server that refuses the connection: the message names the host and the port (the real-socket case is in
  ``tests/e2e/test_e2e_api_errors.py``).
"""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import httpx
import pytest
from eigenpal_api.api.workflows import list_workflows

from eigenpal_ext import (
    ArgumentValueError,
    AsyncEigenpalClient,
    EigenpalClient,
    EigenpalClientClosedError,
    EigenpalConnectionError,
    EigenpalError,
    EigenpalMissingAPIKeyError,
)
from tests.support import Recorder, make_async_client, make_client, raise_
from tests.unit.conftest import ClientFactory


@pytest.mark.parametrize("client_class", [EigenpalClient, AsyncEigenpalClient])
@pytest.mark.parametrize("given", [None, "", "   "], ids=["none", "empty", "blank"])
def test_a_missing_api_key_is_an_eigenpal_error_and_a_value_error(
    client_class: type[Any], given: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EIGENPAL_API_KEY", raising=False)
    with pytest.raises(EigenpalError) as raised:
        client_class(api_key=given)
    error = raised.value
    assert type(error) is EigenpalMissingAPIKeyError
    assert isinstance(error, ValueError)
    assert isinstance(error, ArgumentValueError)
    assert (error.argument, error.execution_id, error.request_id) == ("api_key", None, None)
    assert str(error) == error.message == f"api_key {error.reason}"
    assert "EIGENPAL_API_KEY" in str(error)
    assert "eig_live_" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.argument) == (EigenpalMissingAPIKeyError, str(error), "api_key")


def test_an_empty_variable_is_as_missing_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_API_KEY", "")
    with pytest.raises(EigenpalMissingAPIKeyError):
        EigenpalClient()


def test_a_malformed_key_stays_an_argument_error_without_the_key() -> None:
    with pytest.raises(ArgumentValueError) as raised:
        EigenpalClient(api_key="eig_live_abc def")
    assert not isinstance(raised.value, EigenpalMissingAPIKeyError)
    assert "abc" not in str(raised.value)


def _closed_calls(client: Any) -> dict[str, Any]:
    executions = client.workflows.executions
    return {
        "list": lambda: client.workflows.list(),
        "get": lambda: executions.get("exec_1"),
        "run_and_wait": lambda: executions.run_and_wait("echo", {"n": 1}),
        "wait": lambda: executions.wait("exec_1"),
    }


@pytest.mark.parametrize("call", ["list", "get", "run_and_wait", "wait"])
def test_a_closed_client_raises_client_closed_and_sends_nothing(any_client: ClientFactory, call: str) -> None:
    recorder = Recorder()
    client = any_client(recorder)
    client.close()
    with pytest.raises(EigenpalClientClosedError) as raised:
        _closed_calls(client)[call]()
    assert isinstance(raised.value, EigenpalError)
    assert isinstance(raised.value, RuntimeError)
    assert "has been closed" in str(raised.value)
    assert recorder.requests == []


def test_a_with_options_client_of_a_closed_client_raises_client_closed(any_client: ClientFactory) -> None:
    recorder = Recorder()
    client = any_client(recorder)
    borrower = client.with_options(max_retries=0)
    client.close()
    with pytest.raises(EigenpalClientClosedError, match="made with with_options"):
        borrower.workflows.list()
    assert recorder.requests == []


def test_run_many_on_a_closed_client_reports_client_closed_per_input_and_creates_nothing() -> None:
    recorder = Recorder()
    client = make_client(recorder)
    client.close()
    outcomes = client.workflows.executions.run_many("echo", [{"n": 1}, {"n": 2}])
    assert [type(outcome.error) for outcome in outcomes] == [EigenpalClientClosedError] * 2
    assert [outcome.execution_id for outcome in outcomes] == [None, None]
    assert recorder.requests == []


def test_the_raw_client_of_a_closed_client_raises_client_closed() -> None:
    client = make_client(Recorder())
    client.close()
    with pytest.raises(EigenpalClientClosedError):
        list_workflows.sync(client=client.raw)

    async def main() -> None:
        async_client = make_async_client(Recorder())
        await async_client.aclose()
        with pytest.raises(EigenpalClientClosedError):
            await list_workflows.asyncio(client=async_client.raw)

    asyncio.run(main())


def test_could_not_connect_names_the_host_and_port_of_the_base_url(any_client: ClientFactory) -> None:
    client = any_client(raise_(httpx.ConnectError), base_url="http://127.0.0.1:8765", max_retries=0)
    with pytest.raises(EigenpalConnectionError) as raised:
        client.workflows.list()
    assert raised.value.message.startswith("could not connect to 127.0.0.1:8765 (ConnectError:")
