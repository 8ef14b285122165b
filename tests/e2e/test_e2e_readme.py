"""Every ```python example in README.md and the guides (docs/) runs, unchanged, against the local EigenPal server.

The examples build their clients from ``EIGENPAL_BASE_URL``/``EIGENPAL_API_KEY``, which point at a
``LocalEigenpalServer`` on 127.0.0.1 for this test. The blocks run in order in one namespace, as a reader
would paste them into one session, in a temporary folder holding the ``contract.pdf`` (a real sample
invoice) they upload. Their effects are then checked on the server.

The blocks that are files of a user's test suite (their first line is ``# conftest.py`` or
``# test_....py``) are written to those files in a fresh folder and run by pytest in a subprocess, with
the fixtures the installed plugin provides, as the user's own suite would.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext.testing import LocalEigenpalServer, write_sample_invoice

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
TEST_SUITE_FILE = re.compile(r"\A# (conftest\.py|test_\w+\.py)\b")


# In the order a reader meets them; a test below checks that no page is left out.
PAGES = [
    "README.md",
    *(f"docs/guides/{name}.md" for name in (
        "quickstart", "files", "waiting", "listing", "compatibility", "many", "errors", "configuration",
        "async", "testing", "raw-client", "cli", "benchmarks",
    )),
    "docs/architecture.md",
]  # fmt: skip


def readme_blocks() -> list[str]:
    return [block for page in PAGES for block in PYTHON_BLOCK.findall((ROOT / page).read_text())]


def test_every_page_is_read() -> None:
    pages = {"README.md", *(str(path.relative_to(ROOT)) for path in (ROOT / "docs").rglob("*.md"))}
    assert pages == set(PAGES)


def session_blocks() -> list[str]:
    """The examples a reader pastes into one Python session."""
    return [block for block in readme_blocks() if not TEST_SUITE_FILE.match(block)]


def user_suite_files() -> dict[str, str]:
    """The examples that are files of a user's test suite, by file name."""
    files: dict[str, str] = {}
    for block in readme_blocks():
        match = TEST_SUITE_FILE.match(block)
        if match:
            assert match[1] not in files, f"two README examples are both {match[1]}"
            files[match[1]] = block
    return files


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
    assert {"conftest.py", "test_my_invoices.py", "test_contracts.py"} <= set(user_suite_files())


def test_every_readme_example_runs_against_the_local_server(
    server: LocalEigenpalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace: dict[str, Any] = {}
    for index, block in enumerate(session_blocks()):
        exec(compile(block, f"README.md python block {index + 1}", "exec"), namespace)

    # quick start 1, resources 1, files 4, waiting 1, many documents 3, async 1 (the server example has its own)
    assert server.store.count_executions() >= 11

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


def test_the_readme_test_suite_examples_pass_under_pytest(pytester: pytest.Pytester) -> None:
    files = user_suite_files()
    for name, block in files.items():
        (pytester.path / name).write_text(block)
    tests = sum(block.count("\ndef test_") for block in files.values())

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=tests)
    assert tests >= 3
