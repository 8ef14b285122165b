"""The public surface documents itself: every public class, method, property and function has a docstring.

The surface is what ``eigenpal_ext.__all__`` exports, the public modules ``eigenpal_ext.dates`` and
``eigenpal_ext.webhooks``, plus the clients' resources (``client.workflows``,
``client.workflows.executions``, sync and async). Docstrings live on what they describe (no ``__doc__ = ...``
assignment, which IDE hover and generated stubs do not see) and name no private module: a user cannot
import ``_paging``, so "see ``_paging``" tells them nothing.

The reference pages of the documentation site show these docstrings: tests/test_docs_site.py builds the site
and checks that every name of this surface (plus ``eigenpal_ext.dates``, ``eigenpal_ext.testing``, the pytest
fixtures and the generated client's operations) is documented there.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import eigenpal_ext
import eigenpal_ext.dates
import eigenpal_ext.types
import eigenpal_ext.webhooks

PACKAGE = Path(eigenpal_ext.__file__).parent
# Public modules users import by name (not re-exported at the top level).
PUBLIC_MODULES = [eigenpal_ext.dates, eigenpal_ext.types, eigenpal_ext.webhooks]
PRIVATE_MODULES = sorted(path.stem for path in PACKAGE.glob("_*.py") if path.stem != "__init__")


def resource_classes() -> list[type]:
    sync = eigenpal_ext.EigenpalClient(api_key="eg_test_key_0123456789", base_url="http://127.0.0.1:9")
    asynchronous = eigenpal_ext.AsyncEigenpalClient(api_key="eg_test_key_0123456789", base_url="http://127.0.0.1:9")
    try:
        return [
            type(sync.workflows),
            type(sync.workflows.executions),
            type(asynchronous.workflows),
            type(asynchronous.workflows.executions),
            type(sync.runs),
            type(asynchronous.runs),
            type(sync.files),
            type(asynchronous.files),
        ]
    finally:
        sync.close()


def own(cls: type) -> bool:
    return (cls.__module__ or "").startswith("eigenpal_ext")


def unwrap(member: object) -> object:
    if isinstance(member, staticmethod | classmethod):
        return member.__func__
    if hasattr(member, "func") and hasattr(member, "attrname"):  # functools.cached_property
        return member.func
    return member


def surface() -> Iterator[tuple[str, object]]:
    """(qualified name, object) for every documented thing: public classes, their public members, functions."""
    classes = [getattr(eigenpal_ext, name) for name in eigenpal_ext.__all__]
    modules = [getattr(module, name) for module in PUBLIC_MODULES for name in module.__all__]
    for value in [*classes, *modules, *resource_classes()]:
        if inspect.isclass(value) and own(value):
            yield value.__name__, value
            members: dict[str, object] = {}
            for klass in reversed(value.__mro__):
                if own(klass):
                    members.update({k: v for k, v in vars(klass).items() if not k.startswith("_")})
            for name, member in members.items():
                target = unwrap(member)
                if inspect.isfunction(target) or isinstance(target, property):
                    yield f"{value.__name__}.{name}", target
        elif inspect.isfunction(value):
            yield value.__name__, value


SURFACE = dict(surface())


def test_the_surface_is_what_users_reach() -> None:
    # A guard on surface(), so that the checks below cannot pass by checking nothing.
    for name in (
        "EigenpalClient.with_options",
        "AsyncEigenpalClient.workflows",
        "Workflows.run",
        "AsyncWorkflows.iter",
        "Executions.run_and_wait",
        "AsyncExecutions.run_many",
        "ExecutionHandle.wait",
        "AsyncExecutionHandle.cancel",
        "ExecutionResult.to_dict",
        "is_terminal",
        "resolve_date",
        "verify_signature",
        "RunStatusChangedEvent",
        "WebhookVerificationError",
    ):
        assert name in SURFACE
    assert len(SURFACE) > 80


@pytest.mark.parametrize("name", sorted(SURFACE))
def test_every_public_thing_has_its_own_docstring(name: str) -> None:
    doc = SURFACE[name].__doc__
    assert doc is not None, f"{name} has no docstring"
    assert doc.strip(), f"{name} has an empty docstring"


@pytest.mark.parametrize("name", sorted(SURFACE))
def test_no_public_docstring_names_a_private_module(name: str) -> None:
    doc = SURFACE[name].__doc__ or ""
    named = [module for module in PRIVATE_MODULES if re.search(rf"(?<![\w.]){module}(\.py)?\b", doc)]
    assert named == [], f"{name}'s docstring names private modules {named}"


def test_no_docstring_is_assigned_after_the_fact() -> None:
    assigned = [
        f"{path.name}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"__doc__\s*(=|,)", line) and not line.lstrip().startswith("#")
    ]
    assert assigned == []


def test_the_flow_protocol_is_documented_where_it_is_defined() -> None:
    from eigenpal_ext import _flow

    doc = _flow.__doc__ or ""
    for term in ("yield Send(call)", "yield Sleep(seconds)", "yield Emit(value)", "flow.throw", "return value"):
        assert term in doc
