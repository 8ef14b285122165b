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


def test_contributing_links_to_it_instead_of_keeping_a_map_of_its_own() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text()
    assert "(docs/architecture.md)" in text
    private_modules = sorted(path.name for path in (ROOT / "eigenpal_ext").rglob("_*.py") if path.name != "__init__.py")
    assert [name for name in private_modules if f"`{name}`" in text] == []  # the map is kept in one place
