"""One docstring style on the public surface: Google style (Args/Returns/Raises), as the reference renders it.

Every public method and function of the surface that takes arguments (tests/unit/test_docstrings.py's SURFACE:
what users reach from ``eigenpal_ext`` and its public modules) documents each argument under ``Args:`` (no
more, no fewer), and says what it returns under ``Returns:`` unless it returns None. Methods of the async
classes may instead name the sync method they mirror (``Workflows.list``, awaited): the arguments are the same,
and the reference shows the sync method's. The docstrings are read by griffe, the parser the reference pages
are built with (the docs dependency group, so this runs in the project's venv, not in the nox matrix).
"""

from __future__ import annotations

import inspect
import re

import pytest

griffe = pytest.importorskip("griffe", reason="the docs dependency group (make setup) provides griffe")

import eigenpal_ext.dask  # noqa: E402
from tests.unit.test_docstrings import SURFACE  # noqa: E402 - after the import check above

# eigenpal_ext.dask needs the dask extra (in the dev group, as griffe is; not in the nox matrix, so it is not in
# tests/unit's SURFACE): its functions are checked here.
DASK = {f"dask.{name}": getattr(eigenpal_ext.dask, name) for name in eigenpal_ext.dask.__all__}
CHECKED = {
    name: function
    for name, function in {**SURFACE, **DASK}.items()
    if inspect.isfunction(function)
    and [parameter for parameter in inspect.signature(function).parameters if parameter not in ("self", "cls")]
}


def sections(function: object) -> dict[str, object]:
    docstring = griffe.Docstring(inspect.getdoc(function) or "", parser=griffe.Parser.google)
    return {section.kind.value: section.value for section in docstring.parse()}


def mirrored(name: str, doc: str) -> bool:
    """An async class's method whose docstring names the sync method it mirrors."""
    owner, _, method = name.rpartition(".")
    return owner.startswith("Async") and f"``{owner.removeprefix('Async')}.{method}``" in doc


def test_the_checked_surface_is_what_users_call() -> None:
    for name in ("Workflows.run", "Executions.run_and_wait", "Executions.list", "resolve_date", "verify_signature",
                 "dask.run_shards"):  # fmt: skip
        assert name in CHECKED
    assert len(CHECKED) > 40


@pytest.mark.parametrize("name", sorted(CHECKED))
def test_every_argument_is_documented_under_args(name: str) -> None:
    function = CHECKED[name]
    doc = inspect.getdoc(function) or ""
    if mirrored(name, doc):
        return
    found = sections(function)
    wanted = [parameter for parameter in inspect.signature(function).parameters if parameter not in ("self", "cls")]
    documented = [parameter.name for parameter in found.get("parameters", [])]  # type: ignore[attr-defined]
    assert documented == wanted, f"{name}: Args: documents {documented}, the signature has {wanted}"
    returns = inspect.signature(function).return_annotation
    if returns not in (None, "None", inspect.Signature.empty):
        assert "returns" in found or "yields" in found, f"{name} returns {returns} but has no Returns: section"


@pytest.mark.parametrize("name", sorted(CHECKED))
def test_no_section_is_left_as_plain_text(name: str) -> None:
    # A header griffe does not read as a section ("Arguments:", "Return:") renders as text: the table is lost.
    doc = inspect.getdoc(CHECKED[name]) or ""
    stray = re.findall(r"^(Arguments|Parameters|Return|Throws|Exceptions):\s*$", doc, re.M)
    assert stray == [], f"{name}: use Args:, Returns:, Raises: (found {stray})"


def test_the_clients_constructor_arguments_are_documented_on_the_class() -> None:
    # The reference shows a class's docstring above its constructor's signature: that is where its Args live.
    from eigenpal_ext import AsyncEigenpalClient, EigenpalClient

    wanted = [name for name in inspect.signature(EigenpalClient.__init__).parameters if name != "self"]
    documented = [parameter.name for parameter in sections(EigenpalClient).get("parameters", [])]  # type: ignore[attr-defined]
    assert documented == wanted
    assert "raises" in sections(EigenpalClient)
    async_wanted = [name for name in inspect.signature(AsyncEigenpalClient.__init__).parameters if name != "self"]
    assert async_wanted == wanted  # the async client's docstring refers to these, naming what differs
    assert "``EigenpalClient``" in (AsyncEigenpalClient.__doc__ or "")
