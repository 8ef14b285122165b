"""The real work of the local server's ``extract-invoice`` workflow, and the sample PDF the demo uploads.

- ``write_sample_invoice`` writes a small, valid, deterministic PDF 1.4 invoice built by hand with the
  standard library (no reportlab: the server extra should not need a PDF *writer*).
- ``describe_file`` computes the facts the workflow returns about an uploaded file: size, media type,
  SHA-256 and, for PDFs, the page count and the text of page 1. Uploads may be hundreds of MiB, so the
  file is hashed in 1 MiB chunks and pypdf is handed an open file, which it seeks instead of loading.
- ``extract_invoice_fields`` pulls invoice number, total and recipient out of that text with small regex
  heuristics, so the demo's result says something about the document rather than only about its bytes.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pypdf import PdfReader

PDF_MEDIA_TYPE = "application/pdf"
FALLBACK_MEDIA_TYPE = "application/octet-stream"
PDF_MAGIC = b"%PDF-"
HASH_CHUNK_BYTES = 1024 * 1024
FIRST_PAGE_TEXT_LIMIT = 2000

# A4 in PDF points (1/72 inch).
_PAGE_WIDTH = 595
_PAGE_HEIGHT = 842
_FONT_SIZE = 14
_LINE_SPACING = 20
_SAMPLE_TITLE = "Sample invoice"


class DocumentError(ValueError):
    """An uploaded file claims to be a PDF (``%PDF-`` magic) but cannot be read as one."""


# --------------------------------------------------------------------------------------------------
# Writing the sample invoice
# --------------------------------------------------------------------------------------------------


def write_sample_invoice(path: Path, *, invoice_number: str = "INV-2026-0042", pages: int = 2) -> Path:
    """Write a ``pages``-page sample invoice PDF to ``path`` and return ``path``.

    The output depends only on the arguments (no timestamps, no random file ID), so tests and demos can
    compare hashes. Text is drawn with the standard Helvetica font in WinAnsiEncoding, so
    ``invoice_number`` must be encodable as cp1252; anything else raises ``ValueError``.
    """
    if pages < 1:
        raise ValueError(f"pages must be at least 1, got {pages}")
    path.write_bytes(_sample_invoice_bytes(invoice_number, pages))
    return path


def _sample_invoice_lines(invoice_number: str, page: int, pages: int) -> list[str]:
    if page == 1:
        return [
            f"INVOICE {invoice_number}",
            "Bill to: ACME GmbH, Hauptstrasse 1, Berlin",
            "Date: 2026-11-27",
            "Total due: EUR 1,234.56",
        ]
    return ["Terms: payment within 30 days", f"Page {page} of {pages}"]


def _sample_invoice_bytes(invoice_number: str, pages: int) -> bytes:
    # Object numbers: 1 Catalog, 2 Pages, 3 Font, 4 Info, then a (Page, content stream) pair per page.
    first_page_number = 5
    page_refs = [first_page_number + 2 * index for index in range(pages)]
    kids = " ".join(f"{ref} 0 R" for ref in page_refs)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _pdf_string(_SAMPLE_TITLE) + b" /Producer " + _pdf_string("eigenpal-ext") + b" >>",
    ]
    for index, page_ref in enumerate(page_refs):
        lines = _sample_invoice_lines(invoice_number, index + 1, pages)
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}]"
                f" /Resources << /Font << /F1 3 0 R >> >> /Contents {page_ref + 1} 0 R >>"
            ).encode("ascii")
        )
        content = _text_content_stream(lines)
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return _serialise_pdf(objects, root=1, info=4)


def _text_content_stream(lines: Sequence[str]) -> bytes:
    # The first Td positions the first baseline near the top-left corner; each later Td is relative to
    # the start of the previous line, hence the constant negative offset.
    parts = [b"BT", b"/F1 %d Tf" % _FONT_SIZE]
    for number, line in enumerate(lines):
        offset = b"72 770 Td" if number == 0 else b"0 -%d Td" % _LINE_SPACING
        parts.append(offset + b" " + _pdf_string(line) + b" Tj")
    parts.append(b"ET")
    return b"\n".join(parts)


def _pdf_string(text: str) -> bytes:
    """``text`` as a PDF literal string: ``(...)`` with ``\\``, ``(`` and ``)`` escaped.

    Bytes outside printable ASCII are written as octal escapes so the file stays 7-bit in its text
    parts and no raw CR/LF inside a string can be normalised away by a reader.
    """
    try:
        encoded = text.encode("cp1252")
    except UnicodeEncodeError as error:
        raise ValueError(f"{text!r} cannot be drawn with the standard Helvetica font (cp1252): {error}") from None
    out = bytearray(b"(")
    for byte in encoded:
        if byte in b"\\()":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    out += b")"
    return bytes(out)


def _serialise_pdf(objects: Sequence[bytes], *, root: int, info: int) -> bytes:
    """Objects numbered from 1 in order → a complete PDF with an exact cross-reference table."""
    # The binary comment on line 2 tells transfer tools the file is binary (PDF 1.4 §3.4.1).
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(out)
    size = len(objects) + 1
    # Every xref entry must be exactly 20 bytes, so the end of line is the two-byte "\r\n".
    out += b"xref\n0 %d\n" % size + b"0000000000 65535 f\r\n"
    for offset in offsets:
        out += b"%010d 00000 n\r\n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (size, root, info)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


# --------------------------------------------------------------------------------------------------
# Describing an uploaded file
# --------------------------------------------------------------------------------------------------


def describe_file(path: Path, *, filename: str, media_type: str | None) -> dict[str, Any]:
    """The JSON-ready facts about the file at ``path``, uploaded as ``filename`` with ``media_type``.

    ``mediaType`` is the declared type when one was given (an empty string counts as none), else guessed
    from ``filename``'s extension, else ``application/pdf`` for ``%PDF-`` magic, else
    ``application/octet-stream``. Whether ``pdf`` is filled in depends only on the magic bytes, never on
    the declared type: clients often upload PDFs as ``application/octet-stream``.

    Raises ``DocumentError`` when the file starts with ``%PDF-`` but pypdf cannot read it or it has no
    pages.
    """
    size, sha256, head = _hash_file(path)
    is_pdf = head.startswith(PDF_MAGIC)
    if media_type:
        resolved_type = media_type
    else:
        guessed, _encoding = mimetypes.guess_type(filename, strict=False)
        resolved_type = guessed or (PDF_MEDIA_TYPE if is_pdf else FALLBACK_MEDIA_TYPE)
    return {
        "filename": filename,
        "size": size,
        "mediaType": resolved_type,
        "sha256": sha256,
        "pdf": _describe_pdf(path, filename) if is_pdf else None,
    }


def _hash_file(path: Path) -> tuple[int, str, bytes]:
    """Size, SHA-256 hex digest and first bytes of the file, in one streaming pass.

    Size is counted from the bytes actually hashed rather than taken from ``stat``, so the two always
    describe the same content even if the file is being replaced concurrently.
    """
    digest = hashlib.sha256()
    size = 0
    head = b""
    with path.open("rb") as file:
        while chunk := file.read(HASH_CHUNK_BYTES):
            if size < len(PDF_MAGIC):
                head = (head + chunk)[: len(PDF_MAGIC)]
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest(), head


def _describe_pdf(path: Path, filename: str) -> dict[str, Any]:
    # pypdf's PdfReader(path) copies the whole file into a BytesIO; given an open file it seeks and reads
    # only what it needs, which keeps memory flat for large uploads.
    with path.open("rb") as file, _quiet_pypdf():
        try:
            reader = PdfReader(file)
            page_count = len(reader.pages)
            if page_count == 0:
                raise DocumentError(f"{filename!r} is not a readable PDF: it has no pages")
            text = reader.pages[0].extract_text()
        except DocumentError:
            raise
        # Uploaded bytes are untrusted and pypdf surfaces malformed input as many exception types
        # (PdfReadError, but also KeyError, ValueError, RecursionError...); all of them mean "corrupt".
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"
            raise DocumentError(f"{filename!r} is not a readable PDF ({reason})") from error
    return {"pageCount": page_count, "firstPageText": normalise_whitespace(text)[:FIRST_PAGE_TEXT_LIMIT]}


def normalise_whitespace(text: str) -> str:
    """Runs of whitespace (including newlines) → one space; leading and trailing whitespace removed."""
    return " ".join(text.split())


class _LoggerQuieter:
    """Raises a logger's level for the duration of a block, safely across threads.

    The server describes files on worker threads; a naive save/set/restore per call could interleave and
    leave the logger stuck at ERROR. Here the first entrant saves the level and the last one out restores.
    """

    def __init__(self, name: str, level: int) -> None:
        self._logger = logging.getLogger(name)
        self._level = level
        self._lock = threading.Lock()
        self._depth = 0
        self._saved_level = logging.NOTSET

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved_level = self._logger.level
                self._logger.setLevel(self._level)
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._logger.setLevel(self._saved_level)


# pypdf logs a warning for every repairable defect of a malformed file ("incorrect startxref pointer"...);
# for uploads that is noise, and unrecoverable problems arrive as exceptions anyway.
_quiet_pypdf = _LoggerQuieter("pypdf", logging.ERROR)


# --------------------------------------------------------------------------------------------------
# Invoice fields
# --------------------------------------------------------------------------------------------------

# Ends on a word character so a trailing hyphen ("INV-2026-0042-") is not part of the number.
_INVOICE_NUMBER = re.compile(r"\bINV-[\w-]*\w")
# "Total", "Total due", "TOTAL amount" ... then ':' and an amount, optionally preceded by a currency code
# or symbol. The amount must start and end with a digit so a sentence's full stop is not included.
_TOTAL = re.compile(r"\b(?i:total)\b[^:\n]{0,30}:\s*(?P<value>(?:[A-Z]{3}\s?|[€$£]\s?)?\d(?:[\d.,']*\d)?)")
# Everything after "Bill to:" up to the end of the line or the next "Label:" / "Two words:" field, which
# is where the recipient ends once the text has been whitespace-normalised into a single line.
_BILL_TO = re.compile(r"\b(?i:bill\s+to)\s*:[ \t]*(?P<value>[^\n]+?)[ \t,;]*(?=\s+[A-Z][a-z]+(?: [a-z]+)?:|\n|$)")


def extract_invoice_fields(first_page_text: str) -> dict[str, str | None]:
    """Invoice number, total and recipient found in ``first_page_text``; ``None`` for each one not found."""
    number = _INVOICE_NUMBER.search(first_page_text)
    total = _TOTAL.search(first_page_text)
    bill_to = _BILL_TO.search(first_page_text)
    return {
        "invoiceNumber": number.group(0) if number else None,
        "total": total.group("value") if total else None,
        "billTo": bill_to.group("value") if bill_to else None,
    }
