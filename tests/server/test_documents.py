"""Tests for eigenpal_ext.testing._documents: the sample invoice PDF, file facts, invoice field heuristics."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from eigenpal_ext.testing._documents import (
    DocumentError,
    describe_file,
    extract_invoice_fields,
    write_sample_invoice,
)

SAMPLE_FIRST_PAGE_TEXT = (
    "INVOICE INV-2026-0042 Bill to: ACME GmbH, Hauptstrasse 1, Berlin Date: 2026-11-27 Total due: EUR 1,234.56"
)
MIB = 1024 * 1024


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_sample_invoice(tmp_path / "invoice.pdf")


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


# --------------------------------------------------------------------------------------------------
# Cross-reference table parsing, done independently of pypdf (which silently repairs bad offsets)
# --------------------------------------------------------------------------------------------------

_STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\n\Z")
_XREF_HEADER = re.compile(rb"xref\n(\d+) (\d+)\n")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\r\n")


def parse_xref(data: bytes) -> tuple[int, dict[int, int]]:
    """(offset of the ``xref`` keyword, {object number: byte offset}) of a single-section PDF."""
    startxref = _STARTXREF.search(data)
    assert startxref is not None, "the file must end with startxref <offset> %%EOF"
    xref_offset = int(startxref.group(1))
    header = _XREF_HEADER.match(data, xref_offset)
    assert header is not None, f"no xref table at offset {xref_offset}"
    first, count = int(header.group(1)), int(header.group(2))
    assert first == 0
    offsets: dict[int, int] = {}
    position = header.end()
    for number in range(count):
        entry = data[position : position + 20]
        match = _XREF_ENTRY.fullmatch(entry)
        assert match is not None, f"xref entry {number} is not 20 bytes of 'oooooooooo ggggg n\\r\\n': {entry!r}"
        if number == 0:
            assert match.groups() == (b"0000000000", b"65535", b"f")
        else:
            assert match.group(2, 3) == (b"00000", b"n")
            offsets[number] = int(match.group(1))
        position += 20
    trailer = re.compile(rb"trailer\n<< /Size (\d+) ").match(data, position)
    assert trailer is not None, "the trailer must follow the xref table"
    assert int(trailer.group(1)) == count
    return xref_offset, offsets


def write_padded_pdf(source: bytes, target: Path, *, padding: int) -> None:
    """Write ``source`` to ``target`` with ``padding`` bytes of comment lines after the header.

    Object bodies hold no absolute offsets, so only the xref entries and ``startxref`` move. The padding
    is written in 1 MiB lines so the test itself never holds the large file in memory.
    """
    xref_offset, offsets = parse_xref(source)
    body_start = offsets[1]
    line = b"%" + b"x" * (MIB - 2) + b"\n"
    assert padding % len(line) == 0
    with target.open("wb") as file:
        file.write(source[:body_start])
        for _ in range(padding // len(line)):
            file.write(line)
        file.write(source[body_start:xref_offset])
        file.write(b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(offsets) + 1))
        for number in sorted(offsets):
            file.write(b"%010d 00000 n\r\n" % (offsets[number] + padding))
        trailer_start = source.index(b"trailer\n", xref_offset)
        trailer_end = source.index(b"startxref\n", trailer_start)
        file.write(source[trailer_start:trailer_end])
        file.write(b"startxref\n%d\n%%%%EOF\n" % (xref_offset + padding))


# --------------------------------------------------------------------------------------------------
# write_sample_invoice
# --------------------------------------------------------------------------------------------------


def test_sample_invoice_is_a_pdf_14_that_pypdf_reads(sample: Path) -> None:
    data = sample.read_bytes()
    assert data.startswith(b"%PDF-1.4\n")
    reader = PdfReader(sample, strict=True)
    assert len(reader.pages) == 2
    assert reader.metadata is not None
    assert reader.metadata.title == "Sample invoice"
    for page in reader.pages:
        assert [float(value) for value in page.mediabox] == [0, 0, 595, 842]


def test_sample_invoice_text(sample: Path) -> None:
    first, second = page_texts(sample)
    assert "INVOICE INV-2026-0042" in first
    assert "Bill to: ACME GmbH, Hauptstrasse 1, Berlin" in first
    assert "Date: 2026-11-27" in first
    assert "Total due: EUR 1,234.56" in first
    assert "Terms: payment within 30 days" in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("pages", [1, 2, 5])
def test_sample_invoice_page_count(tmp_path: Path, pages: int) -> None:
    path = write_sample_invoice(tmp_path / "invoice.pdf", pages=pages)
    texts = page_texts(path)
    assert len(texts) == pages
    assert "ACME GmbH" in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {pages}" in text


def test_sample_invoice_returns_its_path(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    assert write_sample_invoice(target) == target
    assert target.is_file()


@pytest.mark.parametrize("pages", [1, 3])
def test_sample_invoice_xref_offsets_are_exact(tmp_path: Path, pages: int) -> None:
    data = write_sample_invoice(tmp_path / "invoice.pdf", pages=pages).read_bytes()
    xref_offset, offsets = parse_xref(data)
    # Catalog, Pages, Font, Info, then a Page and a content stream per page.
    assert sorted(offsets) == list(range(1, 5 + 2 * pages))
    for number, offset in offsets.items():
        assert data[offset:].startswith(b"%d 0 obj\n" % number), f"object {number} is not at {offset}"
    assert data[xref_offset:].startswith(b"xref\n")


def test_sample_invoice_stream_lengths_are_exact(sample: Path) -> None:
    data = sample.read_bytes()
    streams = list(re.finditer(rb"<< /Length (\d+) >>\nstream\n", data))
    assert len(streams) == 2
    for match in streams:
        end = match.end() + int(match.group(1))
        assert data[end:].startswith(b"\nendstream\n")


def test_sample_invoice_is_deterministic(tmp_path: Path) -> None:
    first = write_sample_invoice(tmp_path / "a.pdf").read_bytes()
    second = write_sample_invoice(tmp_path / "b.pdf").read_bytes()
    assert first == second
    assert write_sample_invoice(tmp_path / "c.pdf", invoice_number="INV-1").read_bytes() != first
    assert write_sample_invoice(tmp_path / "d.pdf", pages=3).read_bytes() != first


@pytest.mark.parametrize(
    "invoice_number",
    [
        "INV-(2026)-0042",
        r"INV-2026\0042",
        "INV-)( unbalanced (",
        "INV-\\(both\\)",
        "INV-café",  # non-ASCII cp1252: written as an octal escape
    ],
)
def test_sample_invoice_escapes_strings(tmp_path: Path, invoice_number: str) -> None:
    path = write_sample_invoice(tmp_path / "invoice.pdf", invoice_number=invoice_number)
    first, _ = page_texts(path)
    assert f"INVOICE {invoice_number}" in first
    # The xref still lines up: escapes must not have been miscounted.
    data = path.read_bytes()
    _, offsets = parse_xref(data)
    assert all(data[offset:].startswith(b"%d 0 obj" % number) for number, offset in offsets.items())


def test_sample_invoice_escapes_are_in_the_content_stream(tmp_path: Path) -> None:
    data = write_sample_invoice(tmp_path / "invoice.pdf", invoice_number="INV-(1)\\2").read_bytes()
    assert b"(INVOICE INV-\\(1\\)\\\\2) Tj" in data


def test_sample_invoice_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pages must be at least 1"):
        write_sample_invoice(tmp_path / "zero.pdf", pages=0)
    with pytest.raises(ValueError, match="Helvetica"):
        write_sample_invoice(tmp_path / "cjk.pdf", invoice_number="INV-发票")
    assert not (tmp_path / "zero.pdf").exists()
    assert not (tmp_path / "cjk.pdf").exists()


# --------------------------------------------------------------------------------------------------
# describe_file
# --------------------------------------------------------------------------------------------------


def test_describe_sample_pdf(sample: Path) -> None:
    data = sample.read_bytes()
    facts = describe_file(sample, filename="invoice.pdf", media_type=None)
    assert facts == {
        "filename": "invoice.pdf",
        "size": len(data),
        "mediaType": "application/pdf",
        "sha256": hashlib.sha256(data).hexdigest(),
        "pdf": {"pageCount": 2, "firstPageText": SAMPLE_FIRST_PAGE_TEXT},
    }
    assert json.loads(json.dumps(facts)) == facts


def test_describe_file_keeps_the_declared_media_type(sample: Path) -> None:
    # The declared type wins for mediaType, but PDF analysis depends only on the magic bytes.
    facts = describe_file(sample, filename="upload", media_type="application/octet-stream")
    assert facts["mediaType"] == "application/octet-stream"
    assert facts["pdf"]["pageCount"] == 2
    # An empty declared type is treated as none.
    assert describe_file(sample, filename="upload.pdf", media_type="")["mediaType"] == "application/pdf"


def test_describe_text_file(tmp_path: Path) -> None:
    path = tmp_path / "stored-under-another-name"
    path.write_bytes(b"Total due: EUR 1,234.56\n")
    facts = describe_file(path, filename="notes.txt", media_type=None)
    assert facts == {
        "filename": "notes.txt",
        "size": 24,
        "mediaType": "text/plain",
        "sha256": hashlib.sha256(b"Total due: EUR 1,234.56\n").hexdigest(),
        "pdf": None,
    }


def test_describe_file_declared_pdf_without_magic_is_not_analysed(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"not a pdf at all")
    facts = describe_file(path, filename="fake.pdf", media_type="application/pdf")
    assert facts["mediaType"] == "application/pdf"
    assert facts["pdf"] is None


@pytest.mark.parametrize("filename", ["scan", "scan.eigenpal-unknown-extension"])
def test_describe_file_pdf_magic_without_known_extension(sample: Path, filename: str) -> None:
    facts = describe_file(sample, filename=filename, media_type=None)
    assert facts["mediaType"] == "application/pdf"
    assert facts["pdf"]["pageCount"] == 2


@pytest.mark.parametrize("content", [b"", b"%PDF", b"\x00\x01binary"])
def test_describe_file_unknown_type_falls_back_to_octet_stream(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blob"
    path.write_bytes(content)
    facts = describe_file(path, filename="blob", media_type=None)
    assert facts["mediaType"] == "application/octet-stream"
    assert facts["size"] == len(content)
    assert facts["sha256"] == hashlib.sha256(content).hexdigest()
    assert facts["pdf"] is None


def test_describe_corrupt_pdf_raises_document_error(tmp_path: Path) -> None:
    path = tmp_path / "stored"
    path.write_bytes(b"%PDF-1.4\ngarbage")
    with pytest.raises(DocumentError, match=r"'broken\.pdf' is not a readable PDF \(\w+: .+\)") as caught:
        describe_file(path, filename="broken.pdf", media_type="application/pdf")
    assert isinstance(caught.value, ValueError)
    assert caught.value.__cause__ is not None


def test_describe_truncated_sample_raises_document_error(sample: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(sample.read_bytes()[:200])
    with pytest.raises(DocumentError, match=r"truncated\.pdf"):
        describe_file(truncated, filename="truncated.pdf", media_type=None)


def test_describe_pdf_without_pages_raises_document_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    PdfWriter().write(path)
    with pytest.raises(DocumentError, match=r"'empty\.pdf' is not a readable PDF: it has no pages"):
        describe_file(path, filename="empty.pdf", media_type=None)


def test_describe_file_first_page_text_is_capped(tmp_path: Path) -> None:
    long_number = "INV-" + "9" * 2500
    path = write_sample_invoice(tmp_path / "long.pdf", invoice_number=long_number)
    text = describe_file(path, filename="long.pdf", media_type=None)["pdf"]["firstPageText"]
    assert len(text) == 2000
    assert text.startswith(f"INVOICE INV-{'9' * 100}")


@pytest.fixture
def pypdf_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("pypdf")
    level = logger.level
    yield logger
    logger.setLevel(level)


def test_describe_file_silences_pypdf_warnings(
    sample: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, pypdf_logger: logging.Logger
) -> None:
    # A wrong startxref is repairable: pypdf scans for objects and logs warnings while doing so.
    data = sample.read_bytes()
    broken = tmp_path / "bad-startxref.pdf"
    broken.write_bytes(re.sub(rb"startxref\n\d+", b"startxref\n7", data))
    pypdf_logger.setLevel(logging.INFO)
    with caplog.at_level(logging.DEBUG):
        facts = describe_file(broken, filename="bad-startxref.pdf", media_type=None)
    assert facts["pdf"]["firstPageText"] == SAMPLE_FIRST_PAGE_TEXT
    assert [record for record in caplog.records if record.name.startswith("pypdf")] == []
    assert pypdf_logger.level == logging.INFO

    # Sanity check that the same file does make pypdf warn outside describe_file.
    with caplog.at_level(logging.DEBUG):
        PdfReader(broken).pages[0].extract_text()
    assert any(record.name.startswith("pypdf") for record in caplog.records)


def test_describe_file_restores_the_pypdf_log_level_across_threads(
    sample: Path, tmp_path: Path, pypdf_logger: logging.Logger
) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\ngarbage")
    pypdf_logger.setLevel(logging.WARNING)

    def describe(index: int) -> bool:
        path = corrupt if index % 2 else sample
        try:
            describe_file(path, filename=path.name, media_type=None)
        except DocumentError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(describe, range(64)))
    assert results == [index % 2 == 0 for index in range(64)]
    assert pypdf_logger.level == logging.WARNING


@pytest.mark.parametrize("kind", ["text", "pdf"])
def test_describe_large_file_streams(sample: Path, tmp_path: Path, kind: str) -> None:
    size = 64 * MIB
    path = tmp_path / f"large.{kind}"
    if kind == "pdf":
        write_padded_pdf(sample.read_bytes(), path, padding=size)
    else:
        with path.open("wb") as file:
            for index in range(size // MIB):
                file.write(bytes([index % 256]) * MIB)
    expected = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MIB):
            expected.update(chunk)

    # Warm up pypdf's lazily built caches so the measurement below is about the file, not imports.
    describe_file(sample, filename="warm-up.pdf", media_type=None)
    tracemalloc.start()
    try:
        facts = describe_file(path, filename=path.name, media_type=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert facts["size"] == path.stat().st_size
    assert facts["sha256"] == expected.hexdigest()
    # A guard against reading the file whole, not a precise budget: a 64 MiB file read at once would
    # peak at 64 MiB or more.
    assert peak < 8 * MIB, f"peak traced memory {peak / MIB:.1f} MiB"
    if kind == "pdf":
        assert facts["mediaType"] == "application/pdf"
        assert facts["pdf"] == {"pageCount": 2, "firstPageText": SAMPLE_FIRST_PAGE_TEXT}
    else:
        assert facts["mediaType"] == "text/plain"
        assert facts["pdf"] is None


# --------------------------------------------------------------------------------------------------
# extract_invoice_fields
# --------------------------------------------------------------------------------------------------


def test_extract_invoice_fields_from_the_sample(sample: Path) -> None:
    text = describe_file(sample, filename="invoice.pdf", media_type=None)["pdf"]["firstPageText"]
    assert extract_invoice_fields(text) == {
        "invoiceNumber": "INV-2026-0042",
        "total": "EUR 1,234.56",
        "billTo": "ACME GmbH, Hauptstrasse 1, Berlin",
    }


def test_extract_invoice_fields_from_unnormalised_text(sample: Path) -> None:
    # pypdf's own output, with newlines between lines, gives the same fields.
    first, _ = page_texts(sample)
    assert extract_invoice_fields(first) == {
        "invoiceNumber": "INV-2026-0042",
        "total": "EUR 1,234.56",
        "billTo": "ACME GmbH, Hauptstrasse 1, Berlin",
    }


@pytest.mark.parametrize("text", ["", "Hello world", "INVOICE INV- Total: none Bill to:"])
def test_extract_invoice_fields_without_matches(text: str) -> None:
    assert extract_invoice_fields(text) == {"invoiceNumber": None, "total": None, "billTo": None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ref INV-7-A- TOTAL amount: $99.00. Bill to:  Jane Doe, 1 Main St;\nThanks",
            {"invoiceNumber": "INV-7-A", "total": "$99.00", "billTo": "Jane Doe, 1 Main St"},
        ),
        (
            "Total: 1.234,56 EUR",
            {"invoiceNumber": None, "total": "1.234,56", "billTo": None},
        ),
        (
            "bill to: Example Ltd Due date: tomorrow",
            {"invoiceNumber": None, "total": None, "billTo": "Example Ltd"},
        ),
    ],
)
def test_extract_invoice_fields_variants(text: str, expected: dict[str, str | None]) -> None:
    assert extract_invoice_fields(text) == expected
