"""The repository stands on its own: no file refers to documents outside it, and the documents the README
links to exist. Every decision is stated in full where it lives, not by reference to a private note."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {"node_modules", "__pycache__", "generated"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".jinja", ".txt", ".cfg", ".json", ""}
# Built by concatenation so that this file does not match itself.
OUTSIDE_REFERENCES = re.compile(
    "|".join(["fact" + r"\s+sheet", "DEVELOPERS" + r"\.md", r"\.\./" + "shared", "/work/" + "shared"]), re.I
)


def repository_files() -> Iterator[Path]:
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if any(part.startswith(".") or part in SKIPPED_DIRS for part in relative.parts[:-1]):
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES and path.name != "package-lock.json":
            yield path


def test_no_file_refers_to_documents_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in repository_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE_REFERENCES.search(line)
    ]
    assert offenders == []


def test_the_documents_the_readme_links_to_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    local_links = re.findall(r"\]\((?!https?://|#)([^)]+)\)", readme)
    assert {"CONTRIBUTING.md", "CHANGELOG.md"} <= set(local_links)
    assert [link for link in local_links if not (ROOT / link).exists()] == []
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_readme_is_a_landing_page() -> None:
    """What it is, install, a quick start, links into the docs: the reference and the guides live in docs/."""
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 300
    assert "\n## Install\n" in readme
    assert "make demo" in readme
    assert "make test" in readme
    guides = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "docs" / "guides").glob("*.md"))
    linked = set(re.findall(r"\]\((docs/[^)#]+)", readme))
    assert [guide for guide in guides if guide not in linked] == []
