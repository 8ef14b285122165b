"""Every ```python example in README.md runs, unchanged, against the local EigenPal server.

The examples build their clients from ``EIGENPAL_BASE_URL``/``EIGENPAL_API_KEY``, which point at a
``LocalEigenpalServer`` on 127.0.0.1 for this test. The blocks run in order in one namespace, as a reader
would paste them into one session, in a temporary folder holding the ``contract.pdf`` (a real sample
invoice) they upload. Their effects are then checked on the server.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext.testing import LocalEigenpalServer, write_sample_invoice
from eigenpal_ext.testing.pytest_plugin import EigenpalServerFixture

ROOT = Path(__file__).resolve().parents[2]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def readme_blocks() -> list[str]:
    return PYTHON_BLOCK.findall((ROOT / "README.md").read_text())


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        monkeypatch.setenv("EIGENPAL_BASE_URL", local.base_url)
        monkeypatch.setenv("EIGENPAL_API_KEY", local.api_key)
        monkeypatch.chdir(tmp_path)
        write_sample_invoice(tmp_path / "contract.pdf")
        yield local


def test_the_readme_has_the_examples_this_test_expects() -> None:
    blocks = readme_blocks()
    assert len(blocks) >= 12
    assert any("run_and_wait" in block for block in blocks)
    assert any("AsyncEigenpalClient" in block for block in blocks)
    assert any("def test_invoice_flow(eigenpal_server)" in block for block in blocks)


def test_every_readme_example_runs_against_the_local_server(
    server: LocalEigenpalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace: dict[str, Any] = {}
    fixture_examples = 0
    for index, block in enumerate(readme_blocks()):
        exec(compile(block, f"README.md python block {index + 1}", "exec"), namespace)
        # A block that defines a pytest test (the fixture example) is run with the fixture's value.
        for name, value in list(namespace.items()):
            if name.startswith("test_") and callable(value):
                with server.client() as client:
                    value(EigenpalServerFixture(server=server, client=client))
                fixture_examples += 1
                del namespace[name]

    assert fixture_examples == 1
    # quick start 1, resources 1, files 4, waiting 1, async 1, fixture example 1 (the server example has its own)
    assert server.store.count_executions() >= 9

    output = capsys.readouterr().out
    # The quick start printed a completed extraction of the sample invoice.
    assert re.search(r"exec_[0-9a-f]+ completed", output)
    assert "INV-2026-0042" in output
    # Every upload arrived whole: the server recorded the file's SHA-256.
    pdf_sha256 = hashlib.sha256((Path.cwd() / "contract.pdf").read_bytes()).hexdigest()
    uploads = [stored for execution in server.store.all_executions() for stored in server.store.files_of(execution.id)]
    assert any(stored.sha256 == pdf_sha256 and stored.filename == "contract.pdf" for stored in uploads)
    assert any(stored.filename == "c.pdf" for stored in uploads)
    # The errors example hit a real 404 with the execution id and request id.
    assert re.search(r"404 exec_does_not_exist req_[0-9a-f]+", output)
    # The waiting example reported status changes through on_status.
    assert "status: completed" in output
    # The many-documents example ran three extractions and reported each.
    assert output.count("done: ") == 3
    assert output.count("'invoiceNumber': 'INV-2026-0042'") >= 3
