"""The name-by-name table of ``docs/guides/migrating-0-11.md`` holds every public name of the installed official
client 0.11.2, read from the package itself: the names ``eigenpal`` exports, ``eigenpal.client``'s own names, the
client's arguments and attributes, every method of every resource (``client.runs.reviews.upload_expected``), and
the errors' attributes. A release that adds a name, or a row that goes missing, fails here."""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

# Any-typed: mypy sees the main environment, where the official 0.4.12 is installed.
eigenpal: Any = importlib.import_module("eigenpal")
official_client: Any = importlib.import_module("eigenpal.client")

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "migrating-0-11.md"


def _public(names: typing.Iterable[str]) -> list[str]:
    return sorted(name for name in names if not name.startswith("_"))


def _module_names() -> list[str]:
    """``eigenpal.client``'s public names defined by the package (not what it imports from typing or the stdlib)."""
    found = []
    for name in _public(dir(official_client)):
        value = getattr(official_client, name)
        if name in dir(typing) or name == "annotations" or isinstance(value, ModuleType):
            continue
        if (inspect.isclass(value) or inspect.isfunction(value)) and not value.__module__.startswith("eigenpal"):
            continue
        found.append(name)
    return found


def _resource_names(owner: object, path: str) -> Iterator[str]:
    """``client.x.y.method`` for every method of every resource under ``owner``, and ``client.attr`` for its
    plain attributes."""
    for name, value in sorted(vars(owner).items()):
        if name.startswith("_"):
            continue
        if type(value).__module__ == "eigenpal.client":
            for method in _public(dir(type(value))):
                yield f"{path}.{name}.{method}"
            yield from _resource_names(value, f"{path}.{name}")
        elif path == "client":
            yield f"{path}.{name}"


def _every_public_name() -> list[str]:
    client = eigenpal.EigenpalClient(api_key="eig_live_not_sent")
    try:
        names = [*eigenpal.__all__, *_module_names()]
        names += [f"client.{method}" for method in _public(dir(eigenpal.EigenpalClient))]
        names += list(_resource_names(client, "client"))
        names += [f"{argument}=" for argument in inspect.signature(eigenpal.EigenpalClient).parameters]
        error = eigenpal.EigenpalRateLimitError(envelope=None, retry_after=1)
        names += [f"EigenpalError.{attribute}" for attribute in _public(vars(error)) if attribute != "retry_after"]
        names.append("EigenpalRateLimitError.retry_after")
        return names
    finally:
        client.close()


def test_the_introspection_finds_the_known_surface() -> None:
    names = _every_public_name()
    # Guards against an introspection that finds nothing (and a table that then passes by default).
    for expected in ("client.run", "client.runs.get", "client.files.upload", "client.auth.check", "DEFAULT_BASE_URL"):
        assert expected in names
    assert len(names) > 80


@pytest.mark.parametrize("name", _every_public_name())
def test_the_migration_table_names_it(name: str) -> None:
    end = "" if name.endswith("=") else r"(?![\w])"  # an argument may show its default: max_retries=3
    pattern = rf"(?<![\w]){re.escape(name)}{end}"
    assert re.search(pattern, _official_column()), (
        f"{name} of the official client 0.11.2 is neither mapped nor marked 'not offered' in {GUIDE.name}"
    )


def _official_column() -> str:
    """The first column of the guide's tables (the official names), as one text."""
    cells = []
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells.append(line.split(" | ")[0])
    return "\n".join(cells)
