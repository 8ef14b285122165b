"""``with_raw_response`` of ``client.runs`` and ``client.files`` over real sockets (issue 18, item 8), sync and
async, against the local server: each twin's status, headers and request id are the answer's, and ``parse()``
is what the plain method returns (the v1 resources' twins: tests/unit/test_raw_responses.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from eigenpal_api.models import FileDeletion, Run, RunCancelResult, RunEvents, RunPage, RunSteps, UploadedFile

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient, EigenpalNotFoundError
from eigenpal_ext.testing import LocalEigenpalServer
from eigenpal_ext.types import RawResponse


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        yield local


def _check(raw: RawResponse[object], kind: type) -> object:
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.request_id is not None
    assert raw.request_id.startswith("req_")
    assert raw.headers["content-type"].startswith("application/json")
    parsed = raw.parse()
    assert isinstance(parsed, kind)
    assert parsed.request_id == raw.request_id  # type: ignore[attr-defined]
    return parsed


def test_the_runs_and_files_twins_sync(server: LocalEigenpalServer, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("hello")
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
        run = client.runs.start("workflows.echo", {"a": 1})
        raw_runs = client.runs.with_raw_response
        got = _check(raw_runs.get(run.id), Run)
        assert got.id == run.id  # type: ignore[attr-defined]
        _check(raw_runs.list(), RunPage)
        _check(raw_runs.steps(run.id), RunSteps)
        _check(raw_runs.events(run.id), RunEvents)
        _check(raw_runs.cancel(run.id), RunCancelResult)
        uploaded = client.files.upload(tmp_path / "note.txt")
        _check(client.files.with_raw_response.get(uploaded.id), UploadedFile)
        _check(client.files.with_raw_response.delete(uploaded.id), FileDeletion)
        with pytest.raises(EigenpalNotFoundError):
            client.files.with_raw_response.get(uploaded.id)


def test_the_runs_and_files_twins_async(server: LocalEigenpalServer, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("hello")

    async def main() -> None:
        async with AsyncEigenpalClient(api_key=server.api_key, base_url=server.base_url) as client:
            run = await client.runs.start("workflows.echo", {"a": 1})
            raw_runs = client.runs.with_raw_response
            _check(await raw_runs.get(run.id), Run)
            _check(await raw_runs.list(), RunPage)
            _check(await raw_runs.steps(run.id), RunSteps)
            _check(await raw_runs.events(run.id), RunEvents)
            _check(await raw_runs.cancel(run.id), RunCancelResult)
            uploaded = await client.files.upload(tmp_path / "note.txt")
            _check(await client.files.with_raw_response.get(uploaded.id), UploadedFile)
            _check(await client.files.with_raw_response.delete(uploaded.id), FileDeletion)

    asyncio.run(main())
