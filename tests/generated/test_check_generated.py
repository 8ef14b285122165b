"""`make check-generated` catches a hand edit of generated code, and a clean tree passes.

Runs ``scripts/check_generated.py`` as CI does, against a copy of ``generated/eigenpal_api``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "generated" / "eigenpal_api"


def run_check(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_generated.py"), str(tree)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def copied_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "eigenpal_api"
    shutil.copytree(COMMITTED, tree, ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def test_an_untouched_copy_matches_a_fresh_generation(copied_tree: Path) -> None:
    result = run_check(copied_tree)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches openapi.yaml" in result.stdout


def test_a_hand_edit_fails_with_a_readable_diff(copied_tree: Path) -> None:
    edited = copied_tree / "api" / "executions" / "get_execution.py"
    edited.write_text(edited.read_text().replace('"method": "get"', '"method": "post"'))

    result = run_check(copied_tree)

    assert result.returncode == 1
    assert "committed/api/executions/get_execution.py" in result.stdout
    assert '-        "method": "post",' in result.stdout
    assert '+        "method": "get",' in result.stdout
    assert "never edited by hand" in result.stderr


def test_an_added_file_is_reported(copied_tree: Path) -> None:
    (copied_tree / "models" / "handmade.py").write_text("X = 1\n")

    result = run_check(copied_tree)

    assert result.returncode == 1
    assert "committed/models/handmade.py" in result.stdout
