"""The distribution: one wheel with both packages, the spec for the server, typed markers, the license,
entry points, the published metadata (classifiers, URLs, one version) and exactly three runtime
dependencies; the sdist with everything needed to rebuild it. ``make check-dist`` installs the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

import eigenpal_ext
from tests.support import load_file

ROOT = Path(__file__).resolve().parents[1]


def build(tmp_path: Path, target: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", target, "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (built,) = tmp_path.glob("eigenpal_ext-*.whl" if target == "wheel" else "eigenpal_ext-*.tar.gz")
    return built


def build_wheel(tmp_path: Path) -> Path:
    return build(tmp_path, "wheel")


def test_the_wheel_ships_both_packages_the_spec_and_the_entry_points(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        entry_points = wheel.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
        packaged_spec = wheel.read("eigenpal_ext/testing/openapi.yaml")

    assert {"eigenpal_api/py.typed", "eigenpal_ext/py.typed", "eigenpal_api/api/workflows/run_workflow.py"} <= names
    assert {"pytest_eigenpal.py", "eigenpal_ext/_dev_server.py"} <= names
    assert f"eigenpal_ext-{eigenpal_ext.__version__}.dist-info/licenses/LICENSE" in names
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
    assert "eigenpal-dev-server = eigenpal_ext._dev_server:main" in entry_points
    assert "eigenpal = eigenpal_ext.cli:main" in entry_points
    assert "eigenpal = pytest_eigenpal" in entry_points


def test_the_wheel_metadata_is_complete_and_has_one_version(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    headers = metadata.split("\n\n", 1)[0]

    assert f"Version: {eigenpal_ext.__version__}" in headers.splitlines()
    assert "License-Expression: MIT" in headers
    assert "License-File: LICENSE" in headers
    assert re.search(r"^Project-URL: \w+, https://", headers, re.M)
    classifiers = {line.removeprefix("Classifier: ") for line in headers.splitlines() if line.startswith("Classifier:")}
    assert {
        "Development Status :: 3 - Alpha",
        "Framework :: Pytest",
        "Typing :: Typed",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    } <= classifiers
    # The extras are the server and Dask; the development tools are a dependency group, not published.
    extras = [line for line in headers.splitlines() if line.startswith("Provides-Extra:")]
    assert sorted(extras) == ["Provides-Extra: dask", "Provides-Extra: server"]
    assert "pytest" not in headers
    assert "Description-Content-Type: text/markdown" in headers


def test_the_version_is_a_plain_literal_in_one_place() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert not re.search(r"^version\s*=", pyproject, re.M)
    init = (ROOT / "eigenpal_ext" / "__init__.py").read_text()
    assert re.findall(r'^__version__ = "([^"]+)"$', init, re.M) == [eigenpal_ext.__version__]


def test_the_sdist_carries_the_license_the_docs_and_what_rebuilding_needs(tmp_path: Path) -> None:
    with tarfile.open(build(tmp_path, "sdist")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {
        "LICENSE", "README.md", "CHANGELOG.md", "CONTRIBUTING.md", "pyproject.toml", "openapi.yaml",
        "eigenpal_ext/__init__.py", "generated/eigenpal_api/__init__.py", "scripts/generate.py",
    } <= names  # fmt: skip
    assert not any(part in {".venv", "node_modules", "__pycache__"} for name in names for part in name.split("/"))


def check_dist_module() -> Any:
    return load_file(ROOT / "scripts" / "check_dist.py", "check_dist")


def test_the_readme_install_section_is_what_make_dist_runs() -> None:
    """Every install command of the README is run by `make dist`, or labelled as not working yet."""
    check_dist = check_dist_module()
    readme = (ROOT / "README.md").read_text()
    section = check_dist.InstallSection(readme)
    assert section.checkout == ["pip install .", 'pip install ".[server]"']
    assert section.wheel == [
        "pip install dist/eigenpal_ext-*.whl",
        'pip install "$(echo dist/eigenpal_ext-*.whl)[server]"',
    ]
    assert section.index == ["pip install eigenpal-ext", 'pip install "eigenpal-ext[server]"']

    unlabelled = readme.replace("After the first release, from the package index:", "From the package index:")
    with pytest.raises(check_dist.CheckFailed, match="not labelled"):
        check_dist.InstallSection(unlabelled)
    unknown = readme.replace("What you get:", "```bash\npip install --upgrade eigenpal-ext\n```\n\nWhat you get:")
    with pytest.raises(check_dist.CheckFailed, match="does not run or check"):
        check_dist.InstallSection(unknown)
