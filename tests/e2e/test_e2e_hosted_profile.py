"""The local server's hosted profile (``ServerConfig(hosted=HostedProfile(...))``), over raw httpx: what
EigenPal's hosted service and its gateway answer that a plain server does not.

- a body over 4.5 MiB: a ``text/plain`` 413 from the gateway (declared length or chunked), nothing stored;
- lists: at most ``page_cap`` items a page whatever ``limit`` asks, with the right ``total``;
- an answer slower than the gateway timeout (a long hold): a ``text/plain`` 504, the execution created.

Raw requests, because these are the answers clients must survive; how the client reads them is tested
with the client. Without the profile, the same requests get the API's own answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from eigenpal_ext.testing import HostedProfile, LocalEigenpalServer, ServerConfig

LIMIT = 4_718_592  # 4.5 MiB
GATEWAY_TIMEOUT = 0.5


@pytest.fixture(scope="module")
def hosted() -> Iterator[LocalEigenpalServer]:
    profile = HostedProfile(gateway_timeout_seconds=GATEWAY_TIMEOUT)
    with LocalEigenpalServer(ServerConfig(hosted=profile, hold_window_seconds=10.0)) as server:
        yield server


def _http(server: LocalEigenpalServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}, timeout=30.0)


def _upload(size: int) -> dict[str, Any]:
    return {
        "files": {"document": ("big.bin", b"\0" * size, "application/octet-stream")},
        "data": {"_json": json.dumps({"input": {"n": 1}})},
    }


def _assert_gateway_answer(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert "x-request-id" not in response.headers  # the API never answered this
    assert "idempotency-key" not in response.headers
    with pytest.raises(json.JSONDecodeError):
        response.json()


# --- the body limit ----------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_the_gateways_text_413(hosted: LocalEigenpalServer) -> None:
    before = hosted.store.count_executions()
    with _http(hosted) as http:
        response = http.post("/api/v1/workflows/echo/run", **_upload(LIMIT), headers={"Idempotency-Key": "k"})
    _assert_gateway_answer(response, 413)
    assert str(LIMIT) in response.text
    assert hosted.store.count_executions() == before
    assert list(hosted.store.files_dir.iterdir()) == []


def test_a_chunked_body_over_the_limit_is_refused_the_same_way(hosted: LocalEigenpalServer) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the gateway counts as the body arrives
        boundary = b'--b\r\nContent-Disposition: form-data; name="document"; filename="big.bin"\r\n\r\n'
        yield boundary
        for _ in range(6):
            yield b"\0" * (1024 * 1024)
        yield b"\r\n--b--\r\n"

    before = hosted.store.count_executions()
    with _http(hosted) as http:
        response = http.post(
            "/api/v1/workflows/echo/run", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"}
        )
    _assert_gateway_answer(response, 413)
    assert hosted.store.count_executions() == before
    assert list(hosted.store.files_dir.iterdir()) == []  # the part written before the limit was removed


def test_a_body_under_the_limit_reaches_the_api(hosted: LocalEigenpalServer) -> None:
    with _http(hosted) as http:
        response = http.post("/api/v1/workflows/echo/run?wait_for_completion=5", **_upload(LIMIT - 1024))
    assert response.status_code == 201, response.text
    assert response.json()["result"]["document"]["size"] == LIMIT - 1024


# --- the page cap ------------------------------------------------------------------------------------


def test_lists_return_at_most_the_cap_with_the_right_total() -> None:
    with LocalEigenpalServer(ServerConfig(hosted=HostedProfile())) as server, _http(server) as http:
        ids = [
            http.post("/api/v1/workflows/echo/run", json={"input": {"n": n}}).json()["executionId"] for n in range(57)
        ]
        seen: list[str] = []
        for offset in (0, 20, 40):
            page = http.get("/api/v1/workflows/echo/executions", params={"limit": 50, "offset": offset}).json()
            assert page["total"] == 57
            assert page["limit"] == 20  # the page size used
            assert len(page["data"]) == (20 if offset < 40 else 17)
            seen += [item["id"] for item in page["data"]]
        assert sorted(seen) == sorted(ids)
        small = http.get("/api/v1/workflows/echo/executions", params={"limit": 5}).json()
        assert (len(small["data"]), small["limit"]) == (5, 5)  # a smaller limit is kept
        workflows = http.get("/v1/workflows", params={"limit": 100}).json()
        assert workflows["limit"] == 20


# --- the gateway timeout -----------------------------------------------------------------------------


def test_a_hold_longer_than_the_gateway_timeout_is_a_text_504_and_the_execution_exists(
    hosted: LocalEigenpalServer,
) -> None:
    with _http(hosted) as http:
        response = http.post(
            "/api/v1/workflows/sleep/run?wait_for_completion=10",
            json={"input": {"seconds": 2}},
            headers={"Idempotency-Key": "held-504"},
        )
        _assert_gateway_answer(response, 504)
        [execution] = [e for e in hosted.store.all_executions() if e.idempotency_key == "held-504"]
        assert execution.workflow_name == "sleep"
        assert hosted.state.holds.active("dev") == 0  # the cut hold let go of its slot
        # The same request sent again with its key gets that execution back (a recovery resend, no hold).
        again = http.post(
            "/api/v1/workflows/sleep/run", json={"input": {"seconds": 2}}, headers={"Idempotency-Key": "held-504"}
        )
        assert again.json()["executionId"] == execution.id


def test_an_answer_within_the_gateway_timeout_passes(hosted: LocalEigenpalServer) -> None:
    with _http(hosted) as http:
        held = http.post("/api/v1/workflows/echo/run?wait_for_completion=10", json={"input": {"n": 1}})
        listed = http.get("/api/v1/workflows/echo/executions")
    assert held.status_code == 201
    assert held.json()["status"] == "completed"
    assert listed.status_code == 200


# --- without the profile -----------------------------------------------------------------------------


def test_without_the_profile_none_of_this_happens() -> None:
    with LocalEigenpalServer(ServerConfig(hold_window_seconds=10.0)) as server, _http(server) as http:
        big = http.post("/api/v1/workflows/echo/run", **_upload(LIMIT + 1))
        assert big.status_code == 201
        for n in range(25):
            http.post("/api/v1/workflows/echo/run", json={"input": {"n": n}})
        page = http.get("/api/v1/workflows/echo/executions", params={"limit": 50}).json()
        assert (len(page["data"]), page["limit"], page["total"]) == (26, 50, 26)
        held = http.post("/api/v1/workflows/sleep/run?wait_for_completion=10", json={"input": {"seconds": 1}})
        assert held.json()["status"] == "completed"
