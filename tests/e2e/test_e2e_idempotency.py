"""``Idempotency-Key`` on the local server, end to end over raw httpx: what is the same request, what is
refused, and the three behaviours a server may have (``honour``, ``echo-only``, ``ignore``).

Raw requests, because the point is the server's answer to each request as sent; the client's use of
these answers is tested with the client.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig

RUN = "/api/v1/workflows/echo/run"


def _http(server: LocalEigenpalServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}, timeout=10.0)


@pytest.fixture
def honouring() -> Iterator[tuple[LocalEigenpalServer, httpx.Client]]:
    with LocalEigenpalServer(ServerConfig(hold_window_seconds=2.0)) as server, _http(server) as http:
        yield server, http


def _multipart(content: bytes, *, filename: str = "a.bin", n: int = 1) -> dict[str, Any]:
    return {
        "files": {"document": (filename, content, "application/octet-stream")},
        "data": {"_json": json.dumps({"input": {"n": n}})},
    }


FIRST: dict[str, Any] = {"url": RUN, "json": {"input": {"n": 1}}}

# Each differs from FIRST in one thing a request asks for.
DIFFERENT: dict[str, dict[str, Any]] = {
    "another workflow": {"url": "/api/v1/workflows/fail/run", "json": {"input": {"n": 1}}},
    "another input": {"url": RUN, "json": {"input": {"n": 2}}},
    "another version": {"url": RUN + "?version=1.0.0", "json": {"input": {"n": 1}}},
    "overrides": {"url": RUN, "json": {"input": {"n": 1}, "overrides": {"steps": {"echo": {"x": 1}}}}},
    "another trigger": {"url": RUN, "json": {"input": {"n": 1}, "trigger": "cli"}},
    "a file": {"url": RUN, **_multipart(b"abc")},
}


@pytest.mark.parametrize("change", sorted(DIFFERENT))
def test_a_key_reused_with_a_different_request_is_a_422(
    honouring: tuple[LocalEigenpalServer, httpx.Client], change: str
) -> None:
    server, http = honouring
    first = http.post(**FIRST, headers={"Idempotency-Key": "order-42"})
    assert first.status_code == 201, first.text
    reused = http.post(**DIFFERENT[change], headers={"Idempotency-Key": "order-42"})
    assert reused.status_code == 422, reused.text
    assert reused.headers["content-type"] == "application/json"
    body = reused.json()
    assert body["requestId"] == reused.headers["x-request-id"]
    [issue] = body["issues"]
    assert issue["code"] == "idempotency_key_reused"
    assert issue["field"] == "header.idempotency-key"
    assert server.store.count_executions() == 1
    assert server.state.idempotent_replays == 0
    assert list(server.store.files_dir.iterdir()) == []  # the refused request's upload is not kept


def test_the_same_request_with_the_same_key_is_the_same_execution_with_or_without_a_hold(
    honouring: tuple[LocalEigenpalServer, httpx.Client],
) -> None:
    server, http = honouring
    held = http.post(RUN + "?wait_for_completion=2", json={"input": {"n": 1}}, headers={"Idempotency-Key": "k1"})
    resent = http.post(RUN, json={"input": {"n": 1}}, headers={"Idempotency-Key": "k1"})
    # Key order in the JSON, `latest` and the tag of the current version are the same request too.
    same = http.post(RUN + "?version=latest", content=b'{"input": {"n": 1}}', headers={"Idempotency-Key": "k1"})
    tagged = http.post(RUN + "?version=1.1.0", json={"input": {"n": 1}}, headers={"Idempotency-Key": "k1"})
    ids = {response.json()["executionId"] for response in (held, resent, same, tagged)}
    assert len(ids) == 1, [held.text, resent.text, same.text, tagged.text]
    assert held.json()["status"] == "completed"
    assert server.store.count_executions() == 1
    assert server.state.idempotent_replays == 3


def test_a_file_is_the_same_request_when_its_content_is_the_same(
    honouring: tuple[LocalEigenpalServer, httpx.Client],
) -> None:
    server, http = honouring
    first = http.post(RUN, **_multipart(b"content"), headers={"Idempotency-Key": "f1"})
    again = http.post(RUN, **_multipart(b"content"), headers={"Idempotency-Key": "f1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["executionId"] == again.json()["executionId"]
    changed = http.post(RUN, **_multipart(b"CONTENT"), headers={"Idempotency-Key": "f1"})
    renamed = http.post(RUN, **_multipart(b"content", filename="b.bin"), headers={"Idempotency-Key": "f1"})
    assert changed.status_code == renamed.status_code == 422
    assert server.store.count_executions() == 1
    assert len(list(server.store.files_dir.iterdir())) == 1  # only the first upload is kept


def test_an_older_database_without_fingerprints_keeps_its_keys(tmp_path: Path) -> None:
    """A row stored before fingerprints existed is compared by workflow only, as that server did."""
    with LocalEigenpalServer(ServerConfig(data_dir=tmp_path)) as server, _http(server) as http:
        first = http.post(RUN, json={"input": {"n": 1}}, headers={"Idempotency-Key": "old"}).json()["executionId"]
    with sqlite3.connect(tmp_path / "eigenpal.sqlite3") as database:
        database.execute("ALTER TABLE executions DROP COLUMN request_fingerprint")  # the older schema
    with LocalEigenpalServer(ServerConfig(data_dir=tmp_path)) as server, _http(server) as http:
        again = http.post(RUN, json={"input": {"n": 2}}, headers={"Idempotency-Key": "old"})
        elsewhere = http.post("/api/v1/workflows/fail/run", json={}, headers={"Idempotency-Key": "old"})
        assert again.json()["executionId"] == first
        assert elsewhere.status_code == 422
        fresh = http.post(RUN, json={"input": {"n": 1}}, headers={"Idempotency-Key": "new"})
        assert server.store.get(fresh.json()["executionId"]).request_fingerprint is not None  # type: ignore[union-attr]


# --- not honouring keys (ServerConfig.idempotency_keys, --idempotency-keys / --no-idempotency) ---------------


@pytest.mark.parametrize(("mode", "echoed"), [("ignore", False), ("echo-only", True)])
def test_a_server_not_honouring_keys_creates_an_execution_per_run(mode: str, echoed: bool) -> None:
    config = ServerConfig(idempotency_keys=mode)  # type: ignore[arg-type]
    with LocalEigenpalServer(config) as server, _http(server) as http:
        answers = [http.post(RUN, json={"input": {"n": 1}}, headers={"Idempotency-Key": "same"}) for _ in range(3)]
        assert [answer.status_code for answer in answers] == [201, 201, 201]
        assert len({answer.json()["executionId"] for answer in answers}) == 3
        assert [answer.headers.get("idempotency-key") for answer in answers] == ["same" if echoed else None] * 3
        assert server.store.count_executions() == 3
        assert server.state.idempotent_replays == 0
        # Reusing the key for another request is no error either: the key means nothing here.
        other = http.post("/api/v1/workflows/fail/run", json={}, headers={"Idempotency-Key": "same"})
        assert other.status_code == 201


def test_an_unknown_idempotency_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="idempotency_keys must be one of honour, echo-only, ignore"):
        ServerConfig(idempotency_keys="sometimes")  # type: ignore[arg-type]
