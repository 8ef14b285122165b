"""The shared test support does what the tests rely on: ``any_client`` really gives both clients, and the
async one seen through ``SyncView`` keeps iteration lazy and closes at the end of the test."""

from __future__ import annotations

import httpx
import pytest

from eigenpal_ext import AsyncEigenpalClient, EigenpalClient
from tests.support import Recorder, SyncView
from tests.unit.conftest import ClientFactory


def one_page_each(request: httpx.Request) -> httpx.Response:
    offset = int(request.url.params.get("offset", "0"))
    item = {"id": f"wf_{offset}", "createdAt": "2026-05-09T12:00:00Z"}
    return httpx.Response(200, json={"data": [item], "total": 3, "limit": 1, "offset": offset})


def test_any_client_gives_the_client_its_parameter_names(
    any_client: ClientFactory, request: pytest.FixtureRequest
) -> None:
    client = any_client(Recorder())
    expected = {"sync": EigenpalClient, "async": AsyncEigenpalClient}[request.node.callspec.params["any_client"]]
    target = client._target if isinstance(client, SyncView) else client
    assert type(target) is expected


def test_iteration_stays_lazy_on_both(any_client: ClientFactory) -> None:
    recorder = Recorder(one_page_each)
    items = any_client(recorder).workflows.iter(page_size=1)
    assert recorder.requests == []
    assert next(items).id == "wf_0"
    assert len(recorder.requests) == 1
    assert [item.id for item in items] == ["wf_1", "wf_2"]
    assert len(recorder.requests) == 3
