"""``client.runs`` and ``client.files`` against the local server over real sockets, under both of EigenPal's layouts
(``base_url`` the server's root: ``/api/v1/...``; with ``/v1``: ``/v1/...``; with ``/api``, as the official SDK is
given it), sync and async: what the official SDK 0.11.2 does in ``tests/official_0112`` (JSON and file runs, a
pre-uploaded ``$fileId``, ``wait_for_completion``, cancel, list with filters and cursors, a 404), and what it does
not (typed answers, the ``finished`` rule, relative dates resolved here, cursor paging, handles, lookup data).

A run of one surface is an execution of the other (one store): a run started here is read with
``client.workflows.executions``. Waits are bounded by each call's own ``timeout_seconds``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalNotFoundError, ExecutionStatus
from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig, write_sample_invoice
from eigenpal_ext.types import Run, RunHandle, RunResult

LAYOUTS = {"root": "", "v1": "/v1", "api": "/api"}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(runs_hold_window_seconds=20.0)) as running:
        yield running


@pytest.fixture(params=list(LAYOUTS))
def client(request: pytest.FixtureRequest, server: LocalEigenpalServer) -> Iterator[EigenpalClient]:
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url + LAYOUTS[request.param]) as made:
        yield made


@pytest.fixture
def sample_pdf(tmp_path: Path) -> Path:
    return write_sample_invoice(tmp_path / "contract.pdf")


def test_a_json_run_waits_to_its_output_and_keeps_its_metadata(client: EigenpalClient) -> None:
    handle = client.runs.start("workflows.echo", {"a": 1}, metadata={"batch": "b1", "key": "k1"})
    assert isinstance(handle, RunHandle)
    assert handle.finished is False
    result = handle.wait(timeout_seconds=20)
    assert isinstance(result, RunResult)
    assert (result.status, result.finished, result.output) == (ExecutionStatus.COMPLETED, True, {"a": 1})
    assert result.run.source is not None
    assert result.run.source.name == "echo"
    expanded = client.runs.get(handle.id, expand=["input", "usage"])
    assert expanded.input_ is not None
    assert expanded.input_.metadata == {"batch": "b1", "key": "k1"}
    assert expanded.input_.args == {"a": 1}
    # The same record on the v1 surface.
    assert client.workflows.executions.get(handle.id).result == {"a": 1}


def test_run_and_wait_with_a_file_goes_as_multipart(client: EigenpalClient, sample_pdf: Path) -> None:
    result = client.runs.run_and_wait(
        "workflows.extract-invoice", {"contract_document": sample_pdf, "language": "de"}, timeout_seconds=30
    )
    assert result.status == "completed", result.error
    document = result.output["document"]
    assert (document["filename"], document["sha256"]) == (
        "contract.pdf",
        hashlib.sha256(sample_pdf.read_bytes()).hexdigest(),
    )
    assert result.output["fields"]["invoiceNumber"] == "INV-2026-0042"
    args = client.runs.get(result.run_id, expand="input").input_.args  # type: ignore[union-attr]
    assert args == {"language": "de"}  # the file travelled as a files.contract_document part


def test_a_file_uploaded_first_is_run_by_id_and_the_run_keeps_its_copy(
    client: EigenpalClient, sample_pdf: Path
) -> None:
    uploaded = client.files.upload(sample_pdf)
    assert uploaded.id.startswith("file_")
    assert uploaded.size == sample_pdf.stat().st_size
    assert client.files.get(uploaded.id).filename == "contract.pdf"
    assert client.files.content(uploaded.id) == sample_pdf.read_bytes()
    result = client.runs.run_and_wait(
        "workflows.extract-invoice", {"contract_document": {"$fileId": uploaded.id}}, timeout_seconds=30
    )
    assert result.status == "completed", result.error
    assert client.files.delete(uploaded.id).deleted is True
    with pytest.raises(EigenpalNotFoundError):
        client.files.get(uploaded.id)
    assert client.runs.get(result.run_id).output == result.output


def test_files_over_multipart_max_bytes_are_uploaded_first(server: LocalEigenpalServer, sample_pdf: Path) -> None:
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url + "/v1", multipart_max_bytes=0) as client:
        result = client.runs.run_and_wait("workflows.extract-invoice", {"contract_document": sample_pdf},
                                          timeout_seconds=30)  # fmt: skip
        assert result.status == "completed", result.error
        args = client.runs.get(result.run_id, expand="input").input_.args  # type: ignore[union-attr]
    assert args is not None
    assert set(args["contract_document"]) == {"$fileId"}
    assert result.output["document"]["size"] == sample_pdf.stat().st_size


def test_a_hold_answers_the_finished_run_and_a_short_one_does_not(client: EigenpalClient) -> None:
    held = client.runs.start("workflows.echo", {"held": True}, wait_for_completion=20)
    assert held.finished is True
    assert held.output == {"held": True}
    not_yet = client.runs.start("workflows.sleep", {"seconds": 30}, wait_for_completion=1)
    assert not_yet.finished is False
    assert str(not_yet.cancel().cancellation.state) in {"cancelled", "requested"}  # type: ignore[union-attr]
    assert not_yet.wait(timeout_seconds=15).status == "cancelled"


def test_server_hold_true_is_one_request_for_a_quick_run(client: EigenpalClient) -> None:
    result = client.runs.run_and_wait("workflows.echo@1.0.0", {"v": 1}, server_hold=True, timeout_seconds=20)
    assert result.status == "completed"
    assert result.run.source is not None
    assert result.run.source.version == "1.0.0"


def test_a_failed_run_is_a_result_with_its_error(client: EigenpalClient) -> None:
    result = client.runs.run_and_wait("workflows.fail", {}, timeout_seconds=20)
    assert (result.status, result.finished) == ("failed", True)
    assert result.error


def test_steps_and_events(client: EigenpalClient) -> None:
    result = client.runs.run_and_wait("workflows.echo", {"n": 2}, timeout_seconds=20)
    assert len(client.runs.steps(result.run_id)) >= 1
    events = [event.type_ for event in client.runs.events(result.run_id)]
    assert events[0] == "run.created"
    assert "run.status_changed" in events


def test_a_missing_run_is_a_404_naming_it(client: EigenpalClient) -> None:
    with pytest.raises(EigenpalNotFoundError) as caught:
        client.runs.get("exec_does_not_exist")
    assert caught.value.execution_id == "exec_does_not_exist"
    with pytest.raises(EigenpalNotFoundError):
        client.runs.run_and_wait("workflows.no-such-workflow", {})


def test_list_filters_by_relative_dates_and_pages_by_cursor(server: LocalEigenpalServer) -> None:
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
        started = datetime.now(UTC) - timedelta(seconds=1)
        ids = {client.runs.start("workflows.echo", {"i": i}).id for i in range(5)}
        page = client.runs.list(created_after=started, limit=2)
        assert len(page) == 2
        assert page.next_cursor
        assert all(isinstance(run, Run) for run in page)
        listed = [run.id for run in client.runs.iter(created_after="now()-1m", page_size=2)]
        assert ids <= set(listed)
        assert len(listed) == len(set(listed))
        assert {run.id for run in client.runs.iter(ids=sorted(ids), page_size=2)} == ids
        none_yet = client.runs.list(created_after="now()+1h")
        assert len(none_yet) == 0
        for run_id in ids:
            client.runs.wait(run_id, timeout_seconds=20)
        done = list(client.runs.iter(ids=sorted(ids), status=["completed"]))
        assert {run.id for run in done} == ids


def test_a_pickled_handle_reattaches_in_another_client(server: LocalEigenpalServer) -> None:
    import pickle

    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as first:
        payload = pickle.dumps(first.runs.start("workflows.echo", {"p": 1}))
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url + "/v1") as second:
        assert second.runs.handle(pickle.loads(payload)).wait(timeout_seconds=20).output == {"p": 1}


def test_the_async_client_runs_waits_lists_and_uploads(server: LocalEigenpalServer, sample_pdf: Path) -> None:
    async def scenario() -> None:
        async with AsyncEigenpalClient(api_key=server.api_key, base_url=server.base_url + "/v1") as client:
            handle = await client.runs.start("workflows.echo", {"x": 1})
            results = await asyncio.gather(
                handle.wait(timeout_seconds=20),
                client.runs.run_and_wait("workflows.extract-invoice", {"contract_document": sample_pdf},
                                         timeout_seconds=30),
            )  # fmt: skip
            assert [str(result.status) for result in results] == ["completed", "completed"]
            uploaded = await client.files.upload(sample_pdf)
            assert await client.files.content(uploaded.id) == sample_pdf.read_bytes()
            assert handle.id in [run.id async for run in client.runs.iter(created_after="now()-1m", page_size=1)]

    asyncio.run(scenario())
