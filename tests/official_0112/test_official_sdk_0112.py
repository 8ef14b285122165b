"""Wire compatibility on the runs API: the official SDK ``eigenpal==0.11.2``, used unchanged, against the
local server, with ``base_url`` set to the server's root plus ``/api`` (its paths are ``/v1/...``, so it
reaches the ``/api/v1/...`` layout of studio.eigenpal.com).

What a user of that SDK does: check the key, start JSON and file runs (multipart with ``files.<key>``
parts; the files API and its upload negotiation for a pre-uploaded ``{"$fileId": ...}``, by hand and by the
SDK's own pre-upload above ``multipart_max_bytes``), hold with ``wait_for_completion`` (200 finished, 202
not yet), ``run_and_wait``, cancel, list with filters and cursors, steps and events, and a 404. The SDK
answers with plain dicts (attribute access too), so each test checks the fields it reads.

Waits are bounded polls with the SDK's own ``runs.get``.
"""

from __future__ import annotations

import hashlib
import importlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext.testing import LocalEigenpalServer

# The SDK 0.11.2, untyped on purpose: mypy runs in the main environment, whose `eigenpal` is the 0.4.12 of
# the test group (another API under the same name), and every answer of 0.11.2 is a plain dict anyway.
eigenpal: Any = importlib.import_module("eigenpal")

TERMINAL = {"completed", "failed", "cancelled", "rejected"}


@pytest.fixture
def official(server: LocalEigenpalServer) -> Iterator[Any]:
    with eigenpal.EigenpalClient(
        api_key=server.api_key, base_url=server.base_url + "/api", timeout_seconds=30.0, max_retries=0
    ) as client:
        yield client


def poll(client: Any, run_id: str, *, until: set[str], timeout: float = 15.0) -> Any:
    """The run once its status is in ``until``, read with the SDK's ``runs.get`` (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        run = client.runs.get(run_id)
        if run["execution"]["status"] in until:
            return run
        assert time.monotonic() < deadline, f"{run_id} still {run['execution']['status']} after {timeout}s"
        time.sleep(0.05)


def test_auth_check_names_the_tenant_not_the_key(official: Any, server: LocalEigenpalServer) -> None:
    identity = official.auth.check()
    assert identity["ok"] is True
    assert identity.tenantId == "dev"
    assert server.api_key not in str(identity)


def test_a_json_run_is_accepted_then_finishes(official: Any) -> None:
    started = official.run("workflows.echo", input={"a": 1}, metadata={"batch": "b1", "key": "k1"})
    assert started["id"].startswith("exec_")
    assert started["type"] == "workflow"
    assert started["finished"] is False
    final = poll(official, started["id"], until=TERMINAL)
    assert final["finished"] is True
    assert final["execution"]["status"] == "completed"
    assert final["output"] == {"a": 1}
    assert final["source"]["name"] == "echo"
    expanded = official.runs.get(started["id"], expand=["input", "usage"])
    assert expanded["input"]["args"] == {"a": 1}
    assert expanded["input"]["metadata"] == {"batch": "b1", "key": "k1"}
    assert expanded["usage"]["durationMs"] == final["timing"]["durationMs"]


def test_wait_for_completion_answers_the_finished_run(official: Any) -> None:
    held = official.run("workflows.echo", input={"held": True}, wait_for_completion=20)
    assert held["finished"] is True
    assert held["execution"]["status"] == "completed"
    assert held["output"] == {"held": True}


def test_wait_for_completion_that_expires_answers_an_unfinished_run(official: Any) -> None:
    held = official.run("workflows.sleep", input={"seconds": 30}, wait_for_completion=1)
    assert held["finished"] is False
    assert held["execution"]["status"] not in TERMINAL
    official.runs.cancel(held["id"])
    assert poll(official, held["id"], until=TERMINAL)["execution"]["status"] == "cancelled"


def test_a_version_pins_the_run(official: Any) -> None:
    held = official.run("workflows.echo@1.0.0", input={"v": 1}, wait_for_completion=20)
    assert held["source"]["version"] == "1.0.0"


def test_run_and_wait_polls_to_the_end(official: Any) -> None:
    final = official.run_and_wait("workflows.echo", input={"waited": [1, 2]}, poll_interval_seconds=0.1,
                                  timeout_seconds=20)  # fmt: skip
    assert final["execution"]["status"] == "completed"
    assert final["output"] == {"waited": [1, 2]}


def test_a_file_run_goes_as_multipart(official: Any, sample_pdf: Path) -> None:
    held = official.run(
        "workflows.extract-invoice", input={"contract_document": sample_pdf, "language": "de"}, wait_for_completion=20
    )
    assert held["execution"]["status"] == "completed", held.get("error")
    document = held["output"]["document"]
    assert document["filename"] == "contract.pdf"
    assert document["sha256"] == hashlib.sha256(sample_pdf.read_bytes()).hexdigest()
    assert held["output"]["language"] == "de"
    assert held["output"]["fields"]["invoiceNumber"] == "INV-2026-0042"
    assert [artifact["name"] for artifact in held["files"]] == ["contract.pdf"]


def test_a_pre_uploaded_file_id(official: Any, sample_pdf: Path) -> None:
    uploaded = official.files.upload(sample_pdf, purpose="run-input")  # the negotiation, then multipart
    assert uploaded["id"].startswith("file_")
    assert uploaded["size"] == sample_pdf.stat().st_size
    assert official.files.get(uploaded["id"])["filename"] == "contract.pdf"
    assert official.files.download(uploaded["id"]) == sample_pdf.read_bytes()

    held = official.run(
        "workflows.extract-invoice", input={"contract_document": {"$fileId": uploaded["id"]}}, wait_for_completion=20
    )
    assert held["execution"]["status"] == "completed", held.get("error")
    assert held["output"]["document"]["sha256"] == hashlib.sha256(sample_pdf.read_bytes()).hexdigest()

    assert official.files.delete(uploaded["id"])["deleted"] is True
    with pytest.raises(eigenpal.EigenpalNotFoundError):
        official.files.get(uploaded["id"])
    assert official.runs.get(held["id"])["output"] == held["output"]  # the run kept its own copy


def test_files_over_multipart_max_bytes_are_pre_uploaded(server: LocalEigenpalServer, sample_pdf: Path) -> None:
    # multipart_max_bytes=0: every file goes through the files API first and the run carries its $fileId.
    with eigenpal.EigenpalClient(
        api_key=server.api_key, base_url=server.base_url + "/api", multipart_max_bytes=0, max_retries=0
    ) as client:
        held = client.run("workflows.extract-invoice", input={"contract_document": sample_pdf},
                          wait_for_completion=20)  # fmt: skip
        assert held["execution"]["status"] == "completed", held.get("error")
        args = client.runs.get(held["id"], expand="input")["input"]["args"]
    assert set(args["contract_document"]) == {"$fileId"}
    assert held["output"]["document"]["size"] == sample_pdf.stat().st_size


def test_cancel_a_running_run(official: Any) -> None:
    started = official.run("workflows.sleep", input={"seconds": 30})
    poll(official, started["id"], until={"running"}, timeout=10.0)
    first = official.runs.cancel(started["id"])
    assert first["cancellation"]["state"] == "requested"
    assert first["cancellation"]["wasStatus"] == "running"
    final = poll(official, started["id"], until=TERMINAL, timeout=10.0)
    assert final["execution"]["status"] == "cancelled"
    again = official.runs.cancel(started["id"])
    assert again["cancellation"]["state"] == "already_terminal"
    assert again["finished"] is True
    types = [event["type"] for event in official.runs.events(started["id"])["events"]]
    assert types[0] == "run.created"
    assert "run.cancel_requested" in types


def test_list_filters_and_cursor_pages(official: Any) -> None:
    ids = {official.run("workflows.echo", input={"n": n}, wait_for_completion=20)["id"] for n in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        query: dict[str, Any] = {"source": "echo", "status": "completed", "limit": 2}
        if cursor:
            query["cursor"] = cursor
        page = official.runs.list(**query)
        assert len(page["runs"]) <= 2
        assert all(run["execution"]["status"] == "completed" for run in page["runs"])
        seen += [run["id"] for run in page["runs"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))  # no run twice
    assert ids <= set(seen)
    assert official.runs.list(ids=",".join(sorted(ids)))["runs"].__len__() == 5
    assert official.runs.list(status="failed", source="echo")["runs"] == []


def test_steps_and_events(official: Any) -> None:
    held = official.run("workflows.echo", input={"s": 1}, wait_for_completion=20)
    steps = official.runs.steps(held["id"])["steps"]
    assert [step["stepId"] for step in steps] == ["echo"]
    events = official.runs.events(held["id"])["events"]
    statuses = [event["status"] for event in events if event["type"] == "run.status_changed"]
    assert statuses == ["pending", "running", "finalizing", "completed"]
    stamps = [event["timestamp"] for event in events]
    assert stamps == sorted(stamps)


def test_an_unknown_run_is_the_sdks_not_found_error(official: Any) -> None:
    with pytest.raises(eigenpal.EigenpalNotFoundError) as caught:
        official.runs.get("exec_does_not_exist")
    assert caught.value.status == 404
    assert isinstance(caught.value.request_id, str)
    with pytest.raises(eigenpal.EigenpalNotFoundError):
        official.run("workflows.no-such-workflow", input={})


def test_a_bad_input_is_the_sdks_validation_error(official: Any) -> None:
    with pytest.raises(eigenpal.EigenpalValidationError) as caught:
        official.run("workflows.sleep", input={"seconds": "soon"})
    assert caught.value.issues[0]["field"] == "body.input.seconds"


def test_a_wrong_key_is_the_sdks_auth_error(server: LocalEigenpalServer) -> None:
    with (
        eigenpal.EigenpalClient(api_key="eg_wrong", base_url=server.base_url + "/api", max_retries=0) as client,
        pytest.raises(eigenpal.EigenpalAuthError),
    ):
        client.runs.list()
