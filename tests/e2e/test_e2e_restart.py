"""A local EigenPal server restarted on the same data directory keeps everything and resumes its work.

The first server creates a completed ``echo``, a failed ``fail``, an ``extract-invoice`` with an
uploaded file, a ``review`` left waiting, and a 3 s ``sleep`` that is still running when the server is
stopped. A new ``LocalEigenpalServer`` on the same ``data_dir`` must answer for all of them unchanged,
keep the uploaded file byte for byte, finish the interrupted sleep and still accept the review decision.
Executions stopped while still ``created`` or while ``finalizing`` are finished by the next server too.
Run with ``-s`` to see the one-line summary.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import httpx
import pytest
from eigenpal_api.models import Execution

from eigenpal_ext import EigenpalClient, ExecutionStatus
from eigenpal_ext.testing import LocalEigenpalServer, Pacing, ServerConfig, write_sample_invoice

DATABASE_NAME = "eigenpal.sqlite3"


def wait_for_status(
    client: EigenpalClient, execution_id: str, wanted: Collection[str], *, timeout: float = 10.0
) -> Execution:
    """Poll until the execution's status is one of ``wanted``; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        execution = client.workflows.executions.get(execution_id)
        if execution.status in wanted:
            return execution
        if time.monotonic() > deadline:
            pytest.fail(f"{execution_id} is still {execution.status}, not one of {sorted(wanted)}, after {timeout}s")
        time.sleep(0.02)


def client_for(server: LocalEigenpalServer) -> EigenpalClient:
    return EigenpalClient(api_key=server.api_key, base_url=server.base_url)


def snapshot(execution: Execution) -> dict[str, Any]:
    return {
        "status": execution.status,
        "result": execution.result,
        "error": execution.error,
        "created_at": execution.created_at,
        "completed_at": execution.completed_at,
    }


def stored_statuses(database: Path) -> dict[str, str]:
    """Status by execution id, read straight from the SQLite file (no server running)."""
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT id, status FROM executions").fetchall())


def journal_mode(database: Path) -> str:
    with sqlite3.connect(database) as db:
        mode: str = db.execute("PRAGMA journal_mode").fetchone()[0]
    return mode


def test_a_restarted_server_keeps_its_executions_and_resumes_unfinished_work(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    config = ServerConfig(data_dir=data_dir)
    pdf = write_sample_invoice(tmp_path / "contract.pdf")
    pdf_sha256 = hashlib.sha256(pdf.read_bytes()).hexdigest()

    # --- first life ------------------------------------------------------------------------------------
    with LocalEigenpalServer(config) as first, client_for(first) as client:
        executions = client.workflows.executions
        echo = executions.run_and_wait("echo", {"kept": True}, timeout_seconds=10.0)
        failed = executions.run_and_wait("fail", {"message": "kept failing"}, timeout_seconds=10.0)
        invoice = executions.run_and_wait("extract-invoice", {"contract_document": pdf}, timeout_seconds=10.0)
        assert (echo.status, failed.status, invoice.status) == ("completed", "failed", "completed")
        review = client.workflows.run("review", {"item": "restart"})
        wait_for_status(client, review.execution_id, {"waiting"})
        sleeper = client.workflows.run("sleep", {"seconds": 3})
        wait_for_status(client, sleeper.execution_id, {"running"})
        finished_ids = [echo.execution_id, failed.execution_id, invoice.execution_id]
        before = {execution_id: snapshot(executions.get(execution_id)) for execution_id in finished_ids}
        [stored_file] = first.store.files_of(invoice.execution_id)
        assert journal_mode(data_dir / DATABASE_NAME) == "wal"
        stopped_at = time.monotonic()
    # The server stopped with the sleep mid-flight: the file says so.
    assert time.monotonic() - stopped_at < 3.0, "stopping must not wait for the 3 s sleep to end"
    statuses = stored_statuses(data_dir / DATABASE_NAME)
    assert statuses[sleeper.execution_id] == "running"
    assert statuses[review.execution_id] == "waiting"
    assert len(statuses) == 5

    # --- second life -----------------------------------------------------------------------------------
    with LocalEigenpalServer(config) as second, client_for(second) as client:
        assert second.base_url.startswith("http://127.0.0.1:")
        executions = client.workflows.executions
        after = {execution_id: snapshot(executions.get(execution_id)) for execution_id in finished_ids}
        assert after == before, "finished executions come back unchanged"
        assert after[invoice.execution_id]["result"]["document"]["sha256"] == pdf_sha256

        listed = {item.id: item for name in ("echo", "fail", "extract-invoice") for item in executions.list(name).data}
        assert set(listed) == set(finished_ids)
        assert listed[failed.execution_id].error == "kept failing"
        assert listed[echo.execution_id].result == {"kept": True}
        assert executions.list("sleep").total == 1
        assert executions.list("review", status="waiting").total == 1

        [kept_file] = second.store.files_of(invoice.execution_id)
        assert kept_file.path == stored_file.path
        assert kept_file.path.is_relative_to(data_dir)
        assert hashlib.sha256(kept_file.path.read_bytes()).hexdigest() == pdf_sha256 == kept_file.sha256

        resumed = wait_for_status(client, sleeper.execution_id, {"completed", "failed", "cancelled"}, timeout=10.0)
        assert resumed.status == ExecutionStatus.COMPLETED
        assert resumed.result == {"slept": 3.0}

        still_waiting = executions.get(review.execution_id)
        assert still_waiting.status == ExecutionStatus.WAITING, "a restart does not decide a review"
        approved = httpx.post(
            f"{second.base_url}/admin/executions/{review.execution_id}/approve",
            headers={"Authorization": f"Bearer {second.api_key}"},
            timeout=5.0,
        )
        assert approved.status_code == 200
        reviewed = executions.wait(review.execution_id, timeout_seconds=5.0)
        assert reviewed.status == ExecutionStatus.COMPLETED
        assert reviewed.result == {"decision": "approved", "input": {"item": "restart"}}
        assert second.store.count_executions() == 5
        assert journal_mode(data_dir / DATABASE_NAME) == "wal"

    kept = len(finished_ids) + 2  # plus the review and the sleep, both still there after the restart
    print(f"\nrestart: {kept} executions kept, 1 resumed to completed, 1 review approved after the restart")


def test_executions_stopped_before_running_or_while_finalizing_finish_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    slow_finish = ServerConfig(data_dir=data_dir, pacing=Pacing(finalizing_seconds=5.0))
    with LocalEigenpalServer(slow_finish) as first, client_for(first) as client:
        finalizing = client.workflows.run("echo", {"stage": "finalizing"})
        wait_for_status(client, finalizing.execution_id, {"finalizing"})
        first.state.engine.pause()
        created = client.workflows.run("echo", {"stage": "created"})
        assert client.workflows.executions.get(created.execution_id).status == ExecutionStatus.CREATED
    statuses = stored_statuses(data_dir / DATABASE_NAME)
    assert statuses == {finalizing.execution_id: "finalizing", created.execution_id: "created"}

    with LocalEigenpalServer(ServerConfig(data_dir=data_dir)) as second, client_for(second) as client:
        done = {
            execution_id: wait_for_status(client, execution_id, {"completed", "failed", "cancelled"})
            for execution_id in (finalizing.execution_id, created.execution_id)
        }
    assert done[finalizing.execution_id].status == ExecutionStatus.COMPLETED
    assert done[finalizing.execution_id].result == {"stage": "finalizing"}
    assert done[created.execution_id].status == ExecutionStatus.COMPLETED
    assert done[created.execution_id].result == {"stage": "created"}
