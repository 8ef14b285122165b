"""The official SDK 0.11.2 suite (``tests/official_0112``) runs in ``make matrix``, and only there.

It needs ``eigenpal==0.11.2`` while the main environment holds 0.4.12 (the same distribution), so the
main run must not collect it, and the nox session ``official_sdk_0112`` must run it. Neither half may
pass by running nothing: the main run's exclusion is checked here by collecting ``tests/`` the way the
main run does (only the folders a test can be in at the top are left out, to keep it fast), and the
session fails on pytest's exit status 5 (no test collected) like on any failure.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "official_0112"


def noxfile_constants() -> dict[str, Any]:
    """The noxfile's module-level constants and default sessions, read without running it (running it
    again would register its sessions twice in this process)."""
    found: dict[str, Any] = {}
    for node in ast.parse((ROOT / "noxfile.py").read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            name = target.id if isinstance(target, ast.Name) else ast.unparse(target)
            try:
                found[name] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def test_the_suite_has_tests() -> None:
    functions = [
        node.name
        for path in SUITE.glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    assert len(functions) >= 10


def test_make_matrix_runs_the_suite() -> None:
    constants = noxfile_constants()
    assert "official_sdk_0112" in constants["nox.options.sessions"]
    assert constants["OFFICIAL_0112_SUITE"] == "tests/official_0112"
    assert constants["OFFICIAL_0112"] == "eigenpal==0.11.2"
    assert '@nox.session(name="official_sdk_0112"' in (ROOT / "noxfile.py").read_text()


def test_the_main_run_does_not_collect_it() -> None:
    skipped = [f"--ignore={ROOT / 'tests' / name}" for name in ("unit", "e2e", "generated", "server")]
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *skipped, "tests"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "tests/test_official_0112_session.py" in completed.stdout  # the collection did run
    assert "official_0112/" not in completed.stdout
