"""Both ends of the supported httpx range are tested (``make matrix``), and each use of an httpx or httpcore
internal says why it is there.

Three places of ``eigenpal_ext`` reach into httpx/httpcore internals; a new httpx could change them. The
nox sessions ``httpx-lowest`` and ``httpx-newest`` run the unit and generated-layer suites on the lowest
version ``pyproject.toml`` accepts and on the newest release, inside ``make matrix``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support import load_file

ROOT = Path(__file__).resolve().parents[1]
# (module, the code that touches the internal)
INTERNALS = [
    ("eigenpal_ext/_urls.py", "def _merge_url(self"),
    ("eigenpal_ext/_limits.py", "response._content = body"),
    ("eigenpal_ext/_socket_deadline.py", 'backend = getattr(pool, "_network_backend", None)'),
]


@functools.cache  # executed once: each execution registers the sessions with nox again
def noxfile() -> Any:
    return load_file(ROOT / "noxfile.py", "noxfile")


def test_make_matrix_runs_both_ends_of_the_httpx_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    nox_module = noxfile()
    import nox

    assert {"tests", "httpx-lowest", "httpx-newest"} <= set(nox.options.sessions or ())
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (httpx,) = [item for item in dependencies if item.startswith("httpx")]
    lower = re.search(r">=\s*([\d.]+)", httpx)
    assert lower is not None
    assert nox_module.httpx_lowest().startswith(lower[1])
    assert re.fullmatch(r"\d+\.\d+\.\d+", nox_module.httpx_lowest())
    assert "make matrix" in (ROOT / "Makefile").read_text()


@pytest.mark.parametrize(("module", "code"), INTERNALS, ids=[module for module, _ in INTERNALS])
def test_each_use_of_an_internal_says_why_and_where_it_is_tested(module: str, code: str) -> None:
    lines = (ROOT / module).read_text().splitlines()
    (index,) = [number for number, line in enumerate(lines) if code in line]
    comment = " ".join(
        line.strip().lstrip("#").strip() for line in lines[max(0, index - 6) : index] if line.strip().startswith("#")
    )
    assert "internal" in comment, f"{module}: no comment saying that {code!r} uses an internal"
    assert "httpx-lowest" in comment
    assert "httpx-newest" in comment


def test_every_supported_python_runs_the_suites_in_the_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    """3.11, 3.12 and 3.13 each run the unit and generated suites in one of the default sessions (each with
    other dependency versions), and the classifiers name exactly those versions."""
    monkeypatch.chdir(ROOT)
    nox_module = noxfile()
    import nox.registry

    sessions = nox.registry.get()
    pythons: list[str] = []
    for name in ("tests", "httpx-lowest", "httpx-newest"):
        python = sessions[name].python
        assert isinstance(python, str | list), f"{name}: python={python!r}"
        pythons += [python] if isinstance(python, str) else python
    assert sorted(pythons) == sorted(nox_module.PYTHONS)
    classifiers = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["classifiers"]
    named = sorted(item.rsplit(":: ", 1)[1] for item in classifiers if re.fullmatch(r".*Python :: 3\.\d+", item))
    assert named == sorted(nox_module.PYTHONS)
