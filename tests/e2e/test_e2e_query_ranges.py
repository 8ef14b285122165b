"""Every integer query parameter out of range is a 400 naming it, never a 500.

``limit=2**63`` on the executions list used to reach SQLite, which cannot bind it: an ``OverflowError``,
answered 500, which clients retry as transient. The spec now gives every integer query parameter a
maximum (the 64-bit range where the API documents none), and the server refuses what lies outside.
The parameters are read from ``openapi.yaml``, so a parameter added later is covered too.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig
from eigenpal_ext.testing._spec import Operation, SpecValidator

INT64_MAX = 2**63 - 1
VALIDATOR = SpecValidator()


def _integer_parameters() -> list[tuple[Operation, str, int]]:
    found = []
    for operation in VALIDATOR.operations.values():
        for parameter in operation.query_parameters:
            if "integer" in VALIDATOR.parameter_types(operation.operation_id, parameter.name):
                maximum = VALIDATOR.max_value(operation.operation_id, parameter.name)
                assert maximum is not None, f"{operation.operation_id}: {parameter.name} has no maximum"
                found.append((operation, parameter.name, maximum))
    return found


INTEGER_PARAMETERS = _integer_parameters()


def test_every_integer_query_parameter_is_bounded_within_64_bits() -> None:
    assert {(operation.operation_id, name) for operation, name, _ in INTEGER_PARAMETERS} >= {
        ("list_executions", "limit"),
        ("list_executions", "offset"),
        ("list_workflows", "limit"),
        ("run_workflow", "wait_for_completion"),
        ("list_runs", "limit"),
        ("start_run", "wait_for_completion"),
    }
    assert all(maximum <= INT64_MAX for _, _, maximum in INTEGER_PARAMETERS)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(hold_window_seconds=0.2, runs_hold_window_seconds=0.2)) as local:
        yield local


def _request(server: LocalEigenpalServer, operation: Operation, name: str, value: int) -> httpx.Response:
    path = operation.path.replace("{id}", "echo").replace("{executionId}", "exec_missing")
    headers = {"Authorization": f"Bearer {server.api_key}"}
    return httpx.request(
        operation.method, server.base_url + path, params={name: str(value)}, headers=headers, timeout=10.0
    )


@pytest.mark.parametrize(
    ("operation", "name", "maximum"),
    INTEGER_PARAMETERS,
    ids=[f"{operation.operation_id}.{name}" for operation, name, _ in INTEGER_PARAMETERS],
)
def test_an_integer_above_its_maximum_is_a_400(
    server: LocalEigenpalServer, operation: Operation, name: str, maximum: int
) -> None:
    for value in sorted({maximum + 1, 2**63, 2**65, 10**400}):
        response = _request(server, operation, name, value)
        assert response.status_code == 400, (value, response.text)
        assert response.headers["content-type"] == "application/json"
        [issue] = response.json()["issues"]
        assert issue["field"] == f"query.{name}"
        assert issue["code"] == "out_of_range"
    at_maximum = _request(server, operation, name, maximum)
    assert at_maximum.status_code < 500, at_maximum.text
