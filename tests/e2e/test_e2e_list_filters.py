"""The executions list's filters against the local server: what the client sends as written, the server reads.

A status this client does not know goes to the server, which answers 400 naming ``status``; ``limit`` has
no client-side cap; the relative forms the API documents (``now()``, ``now()-7d``) and ISO-8601 strings
reach the server as written and are resolved there, on the server's clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from eigenpal_ext import EigenpalClient, EigenpalValidationError
from eigenpal_ext.testing import LocalEigenpalServer


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        yield local


@pytest.fixture(scope="module")
def client(server: LocalEigenpalServer) -> Iterator[EigenpalClient]:
    with server.client() as ready:
        yield ready


@pytest.fixture(scope="module")
def finished_id(client: EigenpalClient) -> str:
    return client.workflows.executions.run_and_wait("echo", {"n": 1}, timeout_seconds=20).execution_id


def test_a_status_unknown_to_both_is_a_validation_error_naming_status(client: EigenpalClient) -> None:
    with pytest.raises(EigenpalValidationError) as info:
        client.workflows.executions.list("echo", status="queued")
    assert info.value.status == 400
    assert [issue.field for issue in info.value.issues] == ["query.status"]
    assert "queued" in info.value.message


def test_limit_above_100_is_accepted(client: EigenpalClient, finished_id: str) -> None:
    page = client.workflows.executions.list("echo", limit=200)
    assert page.limit == 200
    assert finished_id in [item.id for item in page.data]


def test_documented_relative_dates_include_an_execution_created_just_now(
    client: EigenpalClient, finished_id: str
) -> None:
    page = client.workflows.executions.list("echo", from_date="now()-7d", to_date="now()")
    assert finished_id in [item.id for item in page.data]
    assert client.workflows.executions.list("echo", to_date="now()-7d").data == []


def test_a_client_resolved_upper_bound_includes_the_same_millisecond(client: EigenpalClient) -> None:
    created = client.workflows.run("echo", {"n": 2})
    found = client.workflows.executions.list("echo", from_date=timedelta(minutes=5), to_date=datetime.now(UTC))
    assert created.execution_id in [item.id for item in found.data]


def test_iso_dates_are_read_by_the_server(client: EigenpalClient, finished_id: str) -> None:
    today = datetime.now(UTC).date().isoformat()
    page = client.workflows.executions.list("echo", from_date="2000-01-01", to_date="2999-12-31T23:59:59Z")
    assert finished_id in [item.id for item in page.data]
    assert finished_id in [item.id for item in client.workflows.executions.list("echo", to_date=today).data]
    assert client.workflows.executions.list("echo", to_date="2000-01-01").data == []


@pytest.mark.parametrize("malformed", ["20261127xx", "2026112799"])
def test_the_server_refuses_malformed_dates_the_client_would_also_refuse(
    server: LocalEigenpalServer, malformed: str
) -> None:
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}) as http:
        answer = http.get("/api/v1/workflows/echo/executions", params={"fromDate": malformed})
    assert answer.status_code == 400
    assert answer.json()["issues"][0]["field"] == "query.fromDate"
