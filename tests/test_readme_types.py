"""The README's Python examples pass ``mypy --strict`` as written: a reader's copy type-checks (the batch
example's outcomes narrow with ``if outcome.succeeded:``).

Run from the repository root, so mypy reads ``pyproject.toml`` (``mypy_path``) and reuses the cache that
``make typecheck`` leaves in ``.mypy_cache``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_the_readme_python_examples_pass_mypy_strict(tmp_path: Path) -> None:
    blocks = PYTHON_BLOCK.findall((ROOT / "README.md").read_text())
    assert any("run_batch" in block for block in blocks)  # the batch example is among them
    files = []
    for number, block in enumerate(blocks):
        path = tmp_path / f"readme_example_{number}.py"
        path.write_text(block)
        files.append(str(path))
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *files], cwd=ROOT, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
