"""Whether the optional ``server`` extra is installed, and the one-line message when it is not.

``eigenpal_ext.testing`` (the local server) needs starlette, uvicorn, python-multipart, pypdf, PyYAML and
jsonschema, which a plain ``pip install eigenpal-ext`` does not bring. Rather than letting the first of
them fail deep inside an import chain (``No module named 'pypdf'``), the package checks all of them up
front with ``importlib.util.find_spec`` (which locates a module without importing it) and names the
install command.
"""

from __future__ import annotations

import importlib.util
import sys

SERVER_EXTRA_INSTALL = 'pip install "eigenpal-ext[server]"'

# (import name, distribution name) for every third-party module eigenpal_ext.testing imports.
SERVER_EXTRA_MODULES = (
    ("starlette", "starlette"),
    ("uvicorn", "uvicorn"),
    ("python_multipart", "python-multipart"),
    ("pypdf", "pypdf"),
    ("yaml", "PyYAML"),
    ("jsonschema", "jsonschema"),
)


def _importable(module: str) -> bool:
    if module in sys.modules:  # imported already, or blocked with None (how tests simulate an absent module)
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken installation counts as missing
        return False


def missing_server_modules() -> list[tuple[str, str]]:
    """(import name, distribution) of each module of the ``server`` extra that cannot be imported."""
    return [(module, dist) for module, dist in SERVER_EXTRA_MODULES if not _importable(module)]


def server_extra_problem(feature: str) -> str | None:
    """One line saying what ``feature`` misses and how to install it, or None when the extra is complete."""
    missing = missing_server_modules()
    if not missing:
        return None
    names = ", ".join(dist for _, dist in missing)
    return f"{feature} needs the server extra (missing: {names}); install it with: {SERVER_EXTRA_INSTALL}"


def require_server_extra(feature: str = "eigenpal_ext.testing") -> None:
    """Raise ``ModuleNotFoundError`` (one line, naming the install command) unless the extra is complete.

    A plain ``ModuleNotFoundError``, so the traceback's last line names a built-in type and code that
    handles a missing optional dependency (``except ImportError``) keeps working.
    """
    problem = server_extra_problem(feature)
    if problem is not None:
        raise ModuleNotFoundError(problem, name=missing_server_modules()[0][0])
