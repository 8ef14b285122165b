"""docs/architecture.md stays a map of the code: it names every module, and CONTRIBUTING.md links to it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"


def test_the_module_map_names_every_module() -> None:
    text = DOC.read_text()
    modules = [
        *sorted((ROOT / "eigenpal_ext").glob("*.py")),
        *sorted((ROOT / "eigenpal_ext" / "cli").glob("*.py")),
        *sorted((ROOT / "eigenpal_ext" / "testing").glob("*.py")),
    ]
    assert len(modules) > 40  # the package was found
    missing = [str(path.relative_to(ROOT)) for path in modules if f"`{path.name}`" not in text]
    assert missing == []


def test_contributing_links_to_it() -> None:
    assert "(docs/architecture.md)" in (ROOT / "CONTRIBUTING.md").read_text()
