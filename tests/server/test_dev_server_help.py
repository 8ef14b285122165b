"""``eigenpal-dev-server``'s help is plain text, and ``--write-sample-invoice`` writes the examples' PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eigenpal_ext import _dev_server
from eigenpal_ext.testing import write_sample_invoice


def test_the_help_has_no_restructuredtext_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _dev_server.main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: eigenpal-dev-server")
    assert "A local EigenPal-compatible API server" in text
    assert "--write-sample-invoice PATH" in text
    assert not re.search(r"``|:(func|class|meth|mod):`", text)


def test_write_sample_invoice_writes_the_sample_and_exits_without_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "contract.pdf"
    assert _dev_server.main(["--write-sample-invoice", str(target)]) == 0
    assert capsys.readouterr().out == f"wrote the sample invoice to {target}\n"
    assert target.read_bytes() == write_sample_invoice(tmp_path / "expected.pdf").read_bytes()


def test_write_sample_invoice_to_a_missing_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _dev_server.main(["--write-sample-invoice", str(tmp_path / "nowhere" / "contract.pdf")])
    assert exited.value.code == 2
    assert "--write-sample-invoice: cannot write" in capsys.readouterr().err
