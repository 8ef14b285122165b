"""The documentation site builds strictly, checks its links, and its reference covers every public name.

``make docs`` builds the site with ``mkdocs build --strict``. This module builds it once more, into a
temporary folder, and reads the inventory mkdocstrings writes beside the pages (``objects.inv``: every
identifier the reference documents), so a public name that no reference page shows fails here: a new
export, a new method of a client or resource, a new error, a new fixture. The docstrings themselves are
checked by tests/unit/test_docstrings.py, whose notion of the public surface this module extends.

A second, tiny site with a broken link and a broken anchor, built with this site's own validation
settings, shows that the strict build really fails on them.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import eigenpal_api.api
import pytest
import yaml

import eigenpal_ext
from eigenpal_ext import testing
from tests.unit.test_docstrings import own, resource_classes, unwrap

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs"]
OPERATION_FUNCTIONS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site)], cwd=config.parent,
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    built = build(ROOT / "mkdocs.yml", folder)
    assert built.returncode == 0, built.stderr[-4000:]
    return folder


def inventory(site: Path) -> set[str]:
    """The identifiers in a Sphinx-format ``objects.inv`` (four header lines, then zlib-compressed lines)."""
    data = (site / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):
        header_end = data.index(b"\n", header_end) + 1
    return {line.split(" ", 1)[0] for line in zlib.decompress(data[header_end:]).decode().splitlines() if line}


def members(cls: type) -> set[str]:
    """The public methods and properties a user reaches on ``cls`` (as tests/unit/test_docstrings.py counts them)."""
    found: dict[str, object] = {}
    for klass in reversed(cls.__mro__):
        if own(klass):
            found.update({name: value for name, value in vars(klass).items() if not name.startswith("_")})
    targets = {name: unwrap(value) for name, value in found.items()}
    return {name for name, target in targets.items() if inspect.isfunction(target) or isinstance(target, property)}


def with_members(path: str, value: Any) -> set[str]:
    if inspect.isclass(value) and own(value):
        return {path, *(f"{path}.{member}" for member in members(value))}
    return {path}


def fixtures() -> list[str]:
    tree = ast.parse((ROOT / "pytest_eigenpal.py").read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list)
    ]


def public_modules() -> list[Any]:
    """The public modules of eigenpal_ext with an ``__all__`` (dates, testing, webhooks, ...), the CLI's aside:
    ``eigenpal_ext.cli`` is public as a command (its flags and exit codes, documented in its guide)."""
    found = [testing]
    for info in pkgutil.iter_modules(eigenpal_ext.__path__, "eigenpal_ext."):
        short = info.name.rsplit(".", 1)[1]
        if short.startswith("_") or short in {"cli", "testing"}:
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "__all__"):
            found.append(module)
    return found


def public_identifiers() -> set[str]:
    names: set[str] = set()
    for name in eigenpal_ext.__all__:
        names |= with_members(f"eigenpal_ext.{name}", getattr(eigenpal_ext, name))
    for cls in resource_classes():
        names |= with_members(f"{cls.__module__}.{cls.__qualname__}", cls)
    # A public module's name that eigenpal_ext also exports (eigenpal_ext.types.ExecutionResult) is documented
    # with its members once, under eigenpal_ext; the module's page names it.
    exported = {id(getattr(eigenpal_ext, name)) for name in eigenpal_ext.__all__}
    for module in public_modules():
        for name in module.__all__:
            value = getattr(module, name)
            path = f"{module.__name__}.{name}"
            names |= {path} if id(value) in exported else with_members(path, value)
    names |= {f"pytest_eigenpal.{name}" for name in fixtures()}
    names |= {"eigenpal_api.Client", "eigenpal_api.AuthenticatedClient"}
    for group in pkgutil.iter_modules(eigenpal_api.api.__path__, "eigenpal_api.api."):
        package = __import__(group.name, fromlist=["*"])
        for operation in pkgutil.iter_modules(package.__path__, f"{group.name}."):
            names |= {f"{operation.name}.{function}" for function in OPERATION_FUNCTIONS}
    return names


def test_the_surface_checked_is_what_users_reach() -> None:
    # A guard on public_identifiers(), so that the check below cannot pass by checking nothing.
    names = public_identifiers()
    for name in (
        "eigenpal_ext.EigenpalClient.with_options",
        "eigenpal_ext.executions.AsyncExecutions.run_many",
        "eigenpal_ext.ExecutionHandle.wait",
        "eigenpal_ext.EigenpalWaitTimeoutError",
        "eigenpal_ext.dates.resolve_date",
        "eigenpal_ext.webhooks.verify_event",
        "eigenpal_ext.types.Execution",
        "eigenpal_ext.types.ExecutionResult",
        "eigenpal_ext.testing.LocalEigenpalServer.client",
        "pytest_eigenpal.eigenpal_server",
        "eigenpal_api.api.workflows.run_workflow.sync_detailed",
    ):
        assert name in names
    assert len(names) > 150


def test_the_reference_documents_every_public_name(site: Path) -> None:
    documented = inventory(site)
    assert [name for name in sorted(public_identifiers()) if name not in documented] == []


def test_the_pages_are_all_in_the_navigation(site: Path) -> None:
    pages = {path.relative_to(ROOT / "docs").with_suffix("") for path in (ROOT / "docs").rglob("*.md")}
    built = {path.relative_to(site).parent for path in site.rglob("index.html")}
    assert {page for page in pages if page.name != "index" and page not in built} == set()
    assert len(pages) >= 25


def test_a_broken_link_or_anchor_fails_the_strict_build(tmp_path: Path) -> None:
    """This site's validation settings, on two pages with a broken link and a broken anchor."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the guide](guide.md#waiting).\n")
    (docs / "guide.md").write_text("# Guide\n\n## Polling\n\nSee [nothing](missing.md).\n")
    small = {
        "site_name": "broken",
        "docs_dir": "docs",
        "validation": config["validation"],
        "markdown_extensions": ["toc"],
        "nav": ["index.md", "guide.md"],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(small))
    built = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0
    assert "missing.md" in built.stderr
    assert "#waiting" in built.stderr
