"""The files routes of the local server over real sockets, and runs that reference their files: upload,
get, content, delete, the upload negotiation (``transport: multipart``), ``{"$fileId": ...}`` and
``{"$inline": ...}`` inputs, tenants, limits, restarts, and ``auth/check``."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eigenpal_ext.testing import HostedProfile, LocalEigenpalServer, ServerConfig, write_sample_invoice


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    config = ServerConfig(api_keys={"key-a": "team-a", "key-b": "team-b"}, max_upload_bytes=64 * 1024,
                          runs_hold_window_seconds=20.0)  # fmt: skip
    with LocalEigenpalServer(config) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: LocalEigenpalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer key-a"}) as client:
        yield client


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_invoice(tmp_path_factory.mktemp("files") / "contract.pdf")


def _upload(http: httpx.Client, pdf: Path, **data: str) -> httpx.Response:
    return http.post("/v1/files", files={"file": ("contract.pdf", pdf.read_bytes(), "application/pdf")}, data=data)


def test_upload_get_download_and_delete(http: httpx.Client, pdf: Path) -> None:
    uploaded = _upload(http, pdf, purpose="run-input")
    assert uploaded.status_code == 200, uploaded.text
    file = uploaded.json()
    assert file["id"].startswith("file_")
    assert (file["filename"], file["contentType"], file["size"], file["purpose"]) == (
        "contract.pdf", "application/pdf", pdf.stat().st_size, "run-input",
    )  # fmt: skip
    assert http.get(f"/api/v1/files/{file['id']}").json() == file
    content = http.get(f"/v1/files/{file['id']}/content")
    assert content.status_code == 200
    assert content.content == pdf.read_bytes()
    assert content.headers["content-type"] == "application/pdf"
    assert "x-request-id" in content.headers
    assert http.delete(f"/v1/files/{file['id']}").json() == {"deleted": True}
    for method, path in (("GET", ""), ("GET", "/content"), ("DELETE", "")):
        answer = http.request(method, f"/v1/files/{file['id']}{path}")
        assert answer.status_code == 404
        assert answer.json()["issues"][0]["field"] == "path.id"


def test_a_file_without_purpose_and_the_refusals(server: LocalEigenpalServer, http: httpx.Client, pdf: Path) -> None:
    before = set(server.store.files_dir.iterdir())
    assert _upload(http, pdf).json()["purpose"] is None
    after_one = set(server.store.files_dir.iterdir())
    bad_purpose = _upload(http, pdf, purpose="forever")
    assert bad_purpose.status_code == 400
    assert bad_purpose.json()["issues"][0]["field"] == "body.purpose"
    other_part = http.post("/v1/files", files={"document": ("c.pdf", b"x", "application/pdf")})
    assert other_part.json()["issues"][0]["field"] == "body.document"
    no_file = http.post("/v1/files", files={"purpose": (None, "run-input")})
    assert no_file.json()["issues"][0]["field"] == "body.file"
    assert http.post("/v1/files", json={"file": "x"}).status_code == 400
    too_large = http.post("/v1/files", files={"file": ("big.bin", b"x" * (65 * 1024), "application/octet-stream")})
    assert too_large.status_code == 413
    assert set(server.store.files_dir.iterdir()) == after_one  # no refused upload left a file
    assert len(after_one - before) == 1


def test_each_tenant_sees_only_its_files(server: LocalEigenpalServer, http: httpx.Client, pdf: Path) -> None:
    file_id = _upload(http, pdf).json()["id"]
    with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer key-b"}) as other:
        assert other.get(f"/v1/files/{file_id}").status_code == 404
        assert other.delete(f"/v1/files/{file_id}").status_code == 404
        refused = other.post("/v1/runs", json={"target": "workflows.echo", "input": {"doc": {"$fileId": file_id}}})
        assert refused.status_code == 404
        assert refused.json()["issues"][0]["field"] == "body.input.doc.$fileId"
    assert http.get(f"/v1/files/{file_id}").status_code == 200


def test_a_run_reads_a_file_id_and_keeps_its_copy(http: httpx.Client, pdf: Path) -> None:
    file_id = _upload(http, pdf).json()["id"]
    held = http.post(
        "/v1/runs?wait_for_completion=20",
        json={"target": "workflows.extract-invoice", "input": {"contract_document": {"$fileId": file_id}}},
    )
    assert held.status_code == 200, held.text
    run = held.json()
    assert run["output"]["document"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert run["output"]["fields"]["invoiceNumber"] == "INV-2026-0042"
    assert http.get(f"/v1/runs/{run['id']}?expand=input").json()["input"]["args"] == {
        "contract_document": {"$fileId": file_id}
    }
    http.delete(f"/v1/files/{file_id}")
    assert http.get(f"/v1/runs/{run['id']}").json()["files"][0]["size"] == pdf.stat().st_size
    reran = http.post("/v1/runs", json={"target": "workflows.extract-invoice",
                                        "input": {"contract_document": {"$fileId": file_id}}})  # fmt: skip
    assert reran.status_code == 404  # a deleted file is gone for new runs


def test_the_files_map_inline_files_and_their_refusals(
    server: LocalEigenpalServer, http: httpx.Client, pdf: Path
) -> None:
    file_id = _upload(http, pdf).json()["id"]
    inline = {"$inline": {"filename": "note.txt", "mimeType": "text/plain", "base64": base64.b64encode(b"hi").decode()}}
    held = http.post("/v1/runs?wait_for_completion=20", json={
        "target": "workflows.echo", "input": {"note": inline}, "files": {"doc": [{"$fileId": file_id}]},
    })  # fmt: skip
    assert held.status_code == 200, held.text
    output = held.json()["output"]
    assert output["note"] == {"filename": "note.txt", "size": 2, "sha256": hashlib.sha256(b"hi").hexdigest()}
    assert output["doc"]["filename"] == "contract.pdf"

    mixed = http.post("/v1/runs?wait_for_completion=20", files={
        "target": (None, "workflows.echo"),
        "input": (None, json.dumps({"doc": {"$fileId": file_id}}), "application/json"),
        "files.note": ("note.txt", b"hi", "text/plain"),
    })  # fmt: skip
    assert mixed.status_code == 200, mixed.text
    assert {name: value["filename"] for name, value in mixed.json()["output"].items()} == {
        "doc": "contract.pdf", "note": "note.txt",
    }  # fmt: skip
    before = set(server.store.files_dir.iterdir())
    twice = http.post("/v1/runs", files={
        "target": (None, "workflows.echo"),
        "input": (None, json.dumps({"note": {"$fileId": file_id}}), "application/json"),
        "files.note": ("note.txt", b"hi", "text/plain"),
    })  # fmt: skip
    assert twice.status_code == 400
    assert twice.json()["issues"][0]["field"] == "body.input.note"
    for body, field in (
        ({"input": {"doc": {"$fileId": file_id}}, "files": {"doc": {"$fileId": file_id}}}, "body.files.doc"),
        ({"files": {"doc": [{"$fileId": file_id}, {"$fileId": file_id}]}}, "body.files.doc"),
        ({"input": {"doc": {"$fileId": "file_nope"}}}, "body.input.doc.$fileId"),
        (
            {"input": {"doc": {"$inline": {"filename": "a", "mimeType": "b", "base64": "!!"}}}},
            "body.input.doc.$inline.base64",
        ),
        ({"input": {"doc": {"$inline": "x"}}}, "body.input.doc"),
        ({"input": {"doc": {"$fileId": 7}}}, "body.input.doc.$fileId"),
    ):
        answer = http.post("/v1/runs", json={"target": "workflows.echo", **body})
        assert answer.status_code in (400, 404), answer.text
        assert answer.json()["issues"][0]["field"] == field
    assert set(server.store.files_dir.iterdir()) == before  # no refused run left a copy behind


def test_the_upload_negotiation_answers_multipart_in_the_layout_asked(
    server: LocalEigenpalServer, http: httpx.Client, pdf: Path
) -> None:
    wanted = {"filename": "contract.pdf", "contentType": "application/pdf", "size": pdf.stat().st_size,
              "purpose": "run-input", "idempotencyKey": "5f0c7a56-0000-4000-8000-000000000000"}  # fmt: skip
    for prefix in ("/api/v1", "/v1"):
        session = http.post(f"{prefix}/files/uploads", json=wanted)
        assert session.status_code == 200, session.text
        assert session.json() == {"transport": "multipart", "url": f"{server.base_url}{prefix}/files",
                                  "maxFileSizeBytes": 64 * 1024}  # fmt: skip
        posted = httpx.post(session.json()["url"], headers={"Authorization": "Bearer key-a"},
                            files={"file": ("contract.pdf", pdf.read_bytes(), "application/pdf")})  # fmt: skip
        assert posted.status_code == 200
    too_big = http.post("/v1/files/uploads", json={**wanted, "size": 65 * 1024})
    assert too_big.status_code == 413
    assert too_big.json()["issues"][0]["field"] == "body.size"
    assert http.post("/v1/files/uploads", json={"filename": "a"}).status_code == 400
    for method, path in (("POST", "/v1/files/uploads/upl_1/complete"), ("DELETE", "/v1/files/uploads/upl_1")):
        answer = http.request(method, path)
        assert answer.status_code == 404
        assert answer.json()["issues"][0]["field"] == "path.uploadId"


def test_the_hosted_profile_negotiates_at_most_its_body_limit() -> None:
    with LocalEigenpalServer(ServerConfig(hosted=HostedProfile(max_body_bytes=1000))) as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        big = {"file": ("big.bin", b"x" * 2000, "application/octet-stream")}
        for path in ("/v1/files", "/api/v1/runs"):
            refused = httpx.post(f"{server.base_url}{path}", headers=headers, files=big)
            assert refused.status_code == 413  # the gateway's, in front of the API
            assert refused.headers["content-type"].startswith("text/plain")
        assert server.store.count_executions() == 0
        answer = httpx.post(
            f"{server.base_url}/v1/files/uploads", headers={"Authorization": f"Bearer {server.api_key}"},
            json={"filename": "a.pdf", "contentType": "application/pdf", "size": 10},
        )  # fmt: skip
        assert answer.json()["maxFileSizeBytes"] == 1000


def test_files_survive_a_restart_on_the_same_data_directory(tmp_path: Path, pdf: Path) -> None:
    config = ServerConfig(data_dir=tmp_path / "data")
    with LocalEigenpalServer(config) as first:
        headers = {"Authorization": f"Bearer {first.api_key}"}
        file_id = httpx.post(f"{first.base_url}/v1/files", headers=headers,
                             files={"file": ("c.pdf", pdf.read_bytes(), "application/pdf")}).json()["id"]  # fmt: skip
    with LocalEigenpalServer(config) as second:
        assert second.store.swept_uploads == 0  # the pool's file is not an orphan
        content = httpx.get(f"{second.base_url}/v1/files/{file_id}/content", headers=headers)
        assert content.content == pdf.read_bytes()


def test_auth_check_names_the_tenant_and_never_the_key(server: LocalEigenpalServer, http: httpx.Client) -> None:
    for prefix in ("/api/v1", "/v1"):
        identity = http.get(f"{prefix}/auth/check").json()
        assert identity["ok"] is True
        assert identity["tenantId"] == "team-a"
        assert identity["keyId"].startswith("key_")
        assert "key-a" not in identity["keyId"]
    other = httpx.get(f"{server.base_url}/v1/auth/check", headers={"Authorization": "Bearer key-b"}).json()
    assert other["tenantId"] == "team-b"
    assert other["keyId"] != http.get("/v1/auth/check").json()["keyId"]
    assert httpx.get(f"{server.base_url}/v1/auth/check").status_code == 401
