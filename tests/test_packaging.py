"""The distribution: one wheel with both packages, the spec for the server, typed markers, entry points,
and exactly the three runtime dependencies."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_wheel(tmp_path: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = tmp_path.glob("eigenpal_ext-*.whl")
    return wheel


def test_the_wheel_ships_both_packages_the_spec_and_the_entry_points(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        entry_points = wheel.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
        packaged_spec = wheel.read("eigenpal_ext/testing/openapi.yaml")

    assert {"eigenpal_api/py.typed", "eigenpal_ext/py.typed", "eigenpal_api/api/workflows/run_workflow.py"} <= names
    assert "eigenpal_ext/testing/_app.py" in names
    assert packaged_spec == (ROOT / "openapi.yaml").read_bytes()
    assert not any(name.startswith(("tests/", "generated/", "scripts/")) for name in names)

    runtime = sorted(
        line.removeprefix("Requires-Dist: ").split(">")[0].split("<")[0].split("=")[0]
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    )
    assert runtime == ["attrs", "httpx", "python-dateutil"]
    assert "Requires-Python: >=3.11" in metadata
    assert "eigenpal-dev-server = eigenpal_ext.testing._cli:main" in entry_points
    assert "eigenpal = eigenpal_ext.cli:main" in entry_points
    assert "eigenpal = eigenpal_ext.testing.pytest_plugin" in entry_points
