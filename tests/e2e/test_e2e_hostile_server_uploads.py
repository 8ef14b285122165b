"""Hostile uploads against the local server over raw sockets: no failure leaves a file behind, and text
parts cannot make the server buffer more than one ``_json`` part.

Every test counts the ``*.upload`` files in the server's files directory once the answer is in: a run
that was refused, whatever the reason, owns no file. Before the fix a failure that was not one of the
server's own 4xx answers (a 500, e.g. a ``_json`` part too deep for the parser) left its files on disk,
and text parts other than ``_json`` were buffered whole (a 1 MiB part at a time, 63 per request) before
the request was refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig
from eigenpal_ext.testing._spec import Issue
from tests.e2e.hostile_server_raw import (
    MULTIPART_TYPE,
    RawConnection,
    deep_array,
    file_part,
    file_part_head,
    multipart_request,
    request_head,
    text_part,
    upload_files,
    wait_until,
)

RUN_INVOICE = "/api/v1/workflows/extract-invoice/run"
RUN_ECHO = "/api/v1/workflows/echo/run"
MIB = 1024 * 1024
PDF = b"%PDF-1.4\n" + b"0" * (256 * 1024)
UPLOAD_LIMIT = 8 * MIB


@pytest.fixture
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(max_upload_bytes=UPLOAD_LIMIT)) as local:
        yield local


@pytest.fixture
def roomy_server() -> Iterator[LocalEigenpalServer]:
    """The default upload limit (2 GiB), for requests that announce tens of MiB they never send."""
    with LocalEigenpalServer() as local:
        yield local


def no_files_left(server: LocalEigenpalServer) -> None:
    # The answer may be written before the handler's last line ran; the files must be gone right after.
    wait_until(lambda: not upload_files(server.store.files_dir), seconds=2.0, what="the upload files to be removed")


def post(server: LocalEigenpalServer, request: bytes) -> Any:
    with RawConnection(server.port) as connection:
        connection.send(request)
        return connection.read_response()


def test_a_too_deep_json_part_after_a_file_leaves_no_file(server: LocalEigenpalServer) -> None:
    parts = [file_part("contract_document", PDF), text_part("_json", f'{{"input": {{"x": {deep_array(5_000)}}}}}')]
    answer = post(server, multipart_request(RUN_INVOICE, parts, key=server.api_key))

    assert answer.status == 400, answer.body[:300]
    assert answer.issues[0]["field"].startswith("body._json")
    no_files_left(server)
    assert server.store.count_executions() == 0


class ExplodingValidator:
    """The server's validator with ``check_body`` replaced by a bug: any exception, not an API error."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def check_body(self, schema_name: str, value: Any, *, field: str = "body") -> list[Issue]:
        raise RuntimeError("a bug while checking the body")


def test_a_server_bug_after_the_files_arrived_answers_500_and_leaves_no_file(server: LocalEigenpalServer) -> None:
    server.state.validator = ExplodingValidator(server.state.validator)  # type: ignore[assignment]
    parts = [file_part("contract_document", PDF), text_part("_json", '{"input": {}}')]
    answer = post(server, multipart_request(RUN_INVOICE, parts, key=server.api_key))

    assert answer.status == 500, answer.body[:300]
    assert answer.issues[0]["code"] == "internal_error"
    no_files_left(server)


@pytest.mark.parametrize(
    ("parts", "status", "field"),
    [
        ([file_part("contract_document", PDF), text_part("_json", "{not json")], 400, "body._json"),
        ([file_part("contract_document", PDF), text_part("_json", '{"input": 5}')], 400, "body._json.input"),
        ([file_part("contract_document", PDF), text_part("note", "hello")], 400, "body.note"),
        ([file_part("contract_document", PDF), file_part("contract_document", PDF)], 400, "body.contract_document"),
        ([file_part("contract_document", PDF), file_part("other", b"x" * UPLOAD_LIMIT)], 413, "body"),
        ([file_part("unknown_input", PDF), text_part("_json", '{"input": {}}')], 400, "body.input."),
    ],
    ids=["bad-json", "json-not-an-object", "extra-text-part", "file-twice", "too-large", "unknown-input"],
)
def test_a_refused_run_leaves_no_file(server: LocalEigenpalServer, parts: list[bytes], status: int, field: str) -> None:
    answer = post(server, multipart_request(RUN_INVOICE, parts, key=server.api_key))

    assert answer.status == status, answer.body[:300]
    assert answer.issues[0]["field"].startswith(field), answer.issues
    no_files_left(server)
    assert server.store.count_executions() == 0


def test_a_client_that_disconnects_mid_file_leaves_no_file(server: LocalEigenpalServer) -> None:
    body_start = file_part_head("contract_document") + b"0" * MIB
    head = request_head("POST", RUN_INVOICE, key=server.api_key, content_length=4 * MIB, content_type=MULTIPART_TYPE)
    with RawConnection(server.port) as connection:
        connection.send(head + body_start)
        wait_until(lambda: bool(upload_files(server.store.files_dir)), what="the partial upload file")
    no_files_left(server)


def test_text_parts_other_than_json_are_refused_as_they_arrive(roomy_server: LocalEigenpalServer) -> None:
    server = roomy_server
    # The request announces 63 text parts of 1 MiB; the server must answer after the first part's
    # headers, without waiting for (or buffering) the rest: this client sends 16 bytes of content.
    announced = 63 * (MIB + 200)
    head = request_head("POST", RUN_ECHO, key=server.api_key, content_length=announced, content_type=MULTIPART_TYPE)
    first_part_start = text_part("padding_00", b"p" * 16)[: -len(b"\r\n")]
    with RawConnection(server.port) as connection:
        connection.send(head + first_part_start)
        answer = connection.read_response(deadline_seconds=5.0)

    assert answer.status == 400, answer.body[:300]
    assert answer.issues[0]["field"] == "body.padding_00"
    assert "_json" in answer.issues[0]["message"]
    assert server.store.count_executions() == 0


def test_a_text_part_after_a_file_is_refused_before_its_content(roomy_server: LocalEigenpalServer) -> None:
    server = roomy_server
    parts = file_part("contract_document", PDF) + text_part("note", b"")[: -len(b"\r\n")]
    head = request_head("POST", RUN_INVOICE, key=server.api_key, content_length=64 * MIB, content_type=MULTIPART_TYPE)
    with RawConnection(server.port) as connection:
        connection.send(head + parts)
        answer = connection.read_response(deadline_seconds=5.0)

    assert answer.status == 400, answer.body[:300]
    assert answer.issues[0]["field"] == "body.note"
    no_files_left(server)


def test_the_json_part_may_be_as_large_as_a_json_body(server: LocalEigenpalServer) -> None:
    # 3 MiB of input: refused by the old 1 MiB text-part limit, accepted like the same body sent as JSON.
    big = '{"input": {"text": "' + "a" * (3 * MIB) + '"}}'
    answer = post(server, multipart_request(RUN_ECHO, [text_part("_json", big)], key=server.api_key))

    assert answer.status == 201, answer.body[:300]
