"""Workflows under your own slugs (``ServerConfig(workflows=...)`` / ``--workflow SLUG=BUILTIN``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig, write_sample_invoice


def test_a_configured_slug_behaves_like_its_builtin(tmp_path: Path) -> None:
    config = ServerConfig(workflows={"extract-contract": "extract-invoice", "nightly-batch": "sleep"})
    with LocalEigenpalServer(config) as server, server.client() as client:
        names = [workflow.name for workflow in client.workflows.iter()]
        contract = write_sample_invoice(tmp_path / "contract.pdf")
        final = client.workflows.executions.run_and_wait("extract-contract", input={"contract_document": contract})
        workflow = client.workflows.get("extract-contract")
        versions = client.workflows.versions("nightly-batch")

    assert {"extract-contract", "nightly-batch", "extract-invoice"} <= set(names)
    assert final.status == "completed"
    assert final.result["fields"]["invoiceNumber"] == "INV-2026-0042"
    assert workflow.id == "wf_extract_contract"
    assert [version.version for version in versions.data] == ["1.1.0", "1.0.0"]


@pytest.mark.parametrize(
    ("workflows", "message"),
    [
        ({"extract-contract": "ocr"}, "not a built-in"),
        ({"echo": "sleep"}, "is taken"),
        ({"bad/slug": "echo"}, "must be letters"),
    ],
)
def test_a_bad_configuration_is_refused_with_a_clear_message(workflows: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServerConfig(workflows=workflows)


def test_the_command_line_refuses_a_bad_workflow_flag() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "eigenpal_ext.testing", "--port", "0", "--workflow", "extract-contract=ocr"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 2
    assert "not a built-in" in completed.stderr
    assert "Traceback" not in completed.stderr
