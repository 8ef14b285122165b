"""``GET /runs`` over real sockets: each filter of the contract, sort and order, and cursor pages that
neither repeat nor skip a run when runs are created while a client pages (keyset, not offset)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from eigenpal_ext.testing import HostedProfile, LocalEigenpalServer, ServerConfig


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(runs_hold_window_seconds=20.0)) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: LocalEigenpalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}) as client:
        yield client


@pytest.fixture(scope="module")
def runs(http: httpx.Client) -> dict[str, str]:
    """A few finished runs of different workflows, versions, triggers and outcomes, by name."""

    def start(name: str, target: str, **extra: Any) -> tuple[str, str]:
        params = {"wait_for_completion": 20, **extra.pop("params", {})}
        answer = http.post("/v1/runs", params=params, json={"target": target, **extra}, headers=extra.pop("h", {}))
        assert answer.status_code == 200, answer.text
        return name, answer.json()["id"]

    made = [
        start("echo_new", "workflows.echo", input={"n": 1}),
        start("echo_old", "workflows.echo", params={"version": "1.0.0"}),
        start("failed", "workflows.fail"),
    ]
    cli = http.post(
        "/v1/runs?wait_for_completion=20", json={"target": "workflows.echo"}, headers={"X-Eigenpal-Trigger": "cli"}
    )
    made.append(("cli", cli.json()["id"]))
    return dict(made)


def _ids(http: httpx.Client, **params: Any) -> list[str]:
    answer = http.get("/v1/runs", params={"limit": 100, **params})
    assert answer.status_code == 200, answer.text
    return [run["id"] for run in answer.json()["runs"]]


def test_the_list_is_newest_first_with_list_items(http: httpx.Client, runs: dict[str, str]) -> None:
    page = http.get("/v1/runs", params={"limit": 100}).json()
    assert page["nextCursor"] is None
    listed = [run["id"] for run in page["runs"]]
    assert listed.index(runs["cli"]) < listed.index(runs["echo_new"])
    item = next(run for run in page["runs"] if run["id"] == runs["failed"])
    assert item["error"] == "the fail workflow failed, as it always does"
    assert item["finished"] is True
    assert not {"output", "files", "input", "usage", "debug"} & set(item)
    assert item["source"]["name"] == "fail"


def test_each_filter(http: httpx.Client, runs: dict[str, str]) -> None:
    assert set(_ids(http, status="failed")) == {runs["failed"]}
    assert runs["failed"] in _ids(http, status="failed,cancelled")
    assert set(_ids(http, source="fail")) == {runs["failed"]}
    assert set(_ids(http, source="wf_fail")) == {runs["failed"]}
    assert _ids(http, source="no-such-workflow") == []
    assert set(_ids(http, source="echo", sourceRef="1.0.0")) == {runs["echo_old"]}
    assert set(_ids(http, sourceRef="wfh_echo_100")) == {runs["echo_old"]}
    assert set(_ids(http, trigger="cli")) == {runs["cli"]}
    assert set(_ids(http, ids=f"{runs['cli']},{runs['failed']}")) == {runs["cli"], runs["failed"]}
    assert set(_ids(http, type="workflow")) >= set(runs.values())
    assert _ids(http, type="agent") == []  # no agents here
    assert _ids(http, triggeredBy="user_1") == []  # runs are started with keys, not by users
    assert _ids(http, batchId="batch_1") == []
    assert _ids(http, exampleId="ex_1") == []  # no run of this server comes from an eval example


def test_the_date_filters(http: httpx.Client, runs: dict[str, str]) -> None:
    assert set(_ids(http, **{"from": "now()-1h", "to": "now()"})) >= set(runs.values())
    assert _ids(http, **{"from": "now()+1h"}) == []
    assert _ids(http, createdBefore="2020-01-01T00:00:00Z") == []
    assert set(_ids(http, createdAfter="2020-01-01")) >= set(runs.values())
    assert set(_ids(http, completedAfter="now()-1h")) >= set(runs.values())
    assert _ids(http, completedBefore="2020-01-01") == []
    bad = http.get("/v1/runs", params={"createdAfter": "last tuesday"})
    assert bad.status_code == 400
    assert bad.json()["issues"][0]["field"] == "query.createdAfter"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "query.status"),
        ({"sort": "name"}, "query.sort"),
        ({"order": "sideways"}, "query.order"),
        ({"cursor": "not-a-cursor"}, "query.cursor"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 101}, "query.limit"),
        ({"type": "robot"}, "query.type"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(http: httpx.Client, params: dict[str, Any], field: str) -> None:
    answer = http.get("/v1/runs", params=params)
    assert answer.status_code == 400
    assert answer.json()["issues"][0]["field"] == field


def test_sort_and_order(http: httpx.Client, runs: dict[str, str]) -> None:
    for sort in ("createdAt", "startedAt", "completedAt"):
        newest_first = http.get("/v1/runs", params={"sort": sort, "limit": 100}).json()["runs"]
        oldest_first = http.get("/v1/runs", params={"sort": sort, "order": "asc", "limit": 100}).json()["runs"]
        assert [run["id"] for run in oldest_first] == [run["id"] for run in reversed(newest_first)]
        moments = [run["timing"][sort] or "" for run in oldest_first]
        assert moments == sorted(moments)


def test_cursor_pages_survive_new_runs(http: httpx.Client, runs: dict[str, str]) -> None:
    existing = _ids(http)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = http.get("/v1/runs", params=params).json()
        assert len(page["runs"]) <= 2
        seen += [run["id"] for run in page["runs"]]
        http.post("/v1/runs", json={"target": "workflows.echo"})  # a new run between pages: on no later page
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == existing


def test_a_cursor_keeps_its_sort(http: httpx.Client, runs: dict[str, str]) -> None:
    cursor = http.get("/v1/runs", params={"limit": 1}).json()["nextCursor"]
    assert cursor is not None
    answer = http.get("/v1/runs", params={"limit": 1, "cursor": cursor, "order": "asc"})
    assert answer.status_code == 400
    assert answer.json()["issues"][0]["field"] == "query.cursor"
    ascending = http.get("/v1/runs", params={"limit": 1, "order": "asc"}).json()["nextCursor"]
    assert http.get("/v1/runs", params={"limit": 1, "cursor": ascending, "order": "asc"}).status_code == 200


def test_offset_skips_after_the_cursor(http: httpx.Client, runs: dict[str, str]) -> None:
    everything = _ids(http)
    assert _ids(http, offset=1)[:2] == everything[1:3]


def test_the_hosted_profile_caps_the_page() -> None:
    with LocalEigenpalServer(ServerConfig(hosted=HostedProfile(page_cap=2))) as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        for _ in range(3):
            httpx.post(f"{server.base_url}/v1/runs", json={"target": "workflows.echo"}, headers=headers)
        page = httpx.get(f"{server.base_url}/v1/runs", params={"limit": 100}, headers=headers).json()
        assert len(page["runs"]) == 2
        assert page["nextCursor"] is not None
        rest = httpx.get(f"{server.base_url}/v1/runs", params={"limit": 100, "cursor": page["nextCursor"]},
                         headers=headers).json()  # fmt: skip
        assert len(rest["runs"]) == 1
        assert rest["nextCursor"] is None


def test_the_default_page_is_50_runs() -> None:
    with LocalEigenpalServer() as server:
        server.state.engine.pause()  # nothing needs to run: only listed
        headers = {"Authorization": f"Bearer {server.api_key}"}
        with httpx.Client(base_url=server.base_url, headers=headers) as client:
            for _ in range(51):
                client.post("/v1/runs", json={"target": "workflows.echo"})
            page = client.get("/v1/runs").json()
            assert len(page["runs"]) == 50
            assert len(client.get("/v1/runs", params={"cursor": page["nextCursor"]}).json()["runs"]) == 1
