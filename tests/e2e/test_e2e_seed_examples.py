# The product documentation's lines below are kept verbatim, including one longer than the line limit.
# ruff: noqa: E501
"""The product documentation's examples, run unchanged against the local EigenPal server.

Each test defines the names the documentation assumes (``client``, ``execution_id``, ``input``, ``id``,
``api_key``), runs the documented lines exactly as written (between ``# fmt: off``/``# fmt: on``), and
checks the outcome on the server. The unit-level twin (tests/unit/test_seed_examples.py) runs the same
lines against a MockTransport.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext.testing import LocalEigenpalServer, write_sample_invoice

TERMINAL = {"completed", "failed", "cancelled", "rejected"}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        yield local


@pytest.fixture
def client(server: LocalEigenpalServer) -> Iterator[EigenpalClient]:
    with server.client() as ready:
        yield ready


def test_get_run_and_wait_list_and_cancel(
    server: LocalEigenpalServer, client: EigenpalClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_sample_invoice(tmp_path / "contract.pdf")
    execution_id = client.workflows.run("sleep", input={"seconds": 5}).execution_id

    # fmt: off
    exec = client.workflows.executions.get(execution_id)
    detail = client.workflows.executions.get(execution_id, include_steps=True)
    final = client.workflows.executions.run_and_wait("extract-invoice", input={"contract_document": Path("contract.pdf")},
                                                     poll_interval_seconds=2.0, timeout_seconds=5 * 60.0)
    executions = client.workflows.executions.list("wf_abc123", status=["failed", "cancelled"],
                                                  from_date="now()-7d", to_date="now()", limit=50)
    client.workflows.executions.cancel(execution_id)
    # fmt: on

    assert exec.execution_id == execution_id
    assert exec.status not in TERMINAL
    assert detail.execution_id == execution_id
    assert isinstance(detail.steps, list)
    assert final.status == "completed"
    assert final.result["fields"]["invoiceNumber"] == "INV-2026-0042"
    assert executions.data == [] or all(item.status in {"failed", "cancelled"} for item in executions.data)
    stored = server.store.get(execution_id)
    assert stored is not None
    assert stored.cancel_requested_at is not None or stored.status == "cancelled"


def test_run_then_poll_and_server_hold(client: EigenpalClient) -> None:
    input = {"greeting": "hello"}
    id = "echo"

    triggered = client.workflows.run(id, input=input)
    status = client.workflows.executions.get(triggered.execution_id)
    # fmt: off
    held = client.workflows.run(id, input, wait_for_completion=60)                 # server hold
    # fmt: on

    assert triggered.execution_id.startswith("exec_")
    assert status.execution_id == triggered.execution_id
    assert held.status == "completed"
    assert held.result == input
    # `status.status in TERMINAL` works on what get returns, once it is done.
    final = client.workflows.executions.wait(triggered.execution_id, timeout_seconds=10)
    assert client.workflows.executions.get(final.execution_id).status in TERMINAL


def test_the_documented_trigger_line_verbatim(client: EigenpalClient, tmp_path: Path) -> None:
    contract = write_sample_invoice(tmp_path / "contract.pdf")
    input = {"contract_document": contract}

    # fmt: off
    triggered = client.workflows.run("extract-invoice", input=input)        # then poll .get(triggered.execution_id)
    # fmt: on

    final = client.workflows.executions.wait(triggered.execution_id, timeout_seconds=20)
    assert final.status == "completed"


def test_the_context_manager_line(server: LocalEigenpalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIGENPAL_BASE_URL", server.base_url)
    api_key = server.api_key

    # fmt: off
    with EigenpalClient(api_key=api_key) as client: ...
    # fmt: on

    assert client._http.is_closed
