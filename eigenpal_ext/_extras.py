"""Whether the optional ``server`` extra is installed, and the one-line message when it is not (and the install
command of any extra: ``dask`` too).

``eigenpal_ext.testing`` (the local server) needs starlette, uvicorn, python-multipart, pypdf, PyYAML and
jsonschema, which a plain ``pip install eigenpal-ext`` does not bring. Rather than letting the first of
them fail deep inside an import chain (``No module named 'pypdf'``), the package checks all of them up
front with ``importlib.util.find_spec`` (which locates a module without importing it) and names the
install command.

The command must work where the user is. Until eigenpal-ext is on the package index, ``pip install
"eigenpal-ext[server]"`` finds nothing, so the command adds the extra from wherever this installation came
from, as pip recorded it (``direct_url.json``, PEP 610): a wheel file or a checkout (editable or not), by its
path; another URL as a direct reference. An installation from an index has no such record and gets the
index command.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import shlex
import sys
from urllib.parse import unquote, urlsplit, urlunsplit

DISTRIBUTION = "eigenpal-ext"
SERVER_EXTRA_INSTALL = f'pip install "{DISTRIBUTION}[server]"'
# What bash, zsh and sh leave alone between double quotes (and history expansion's "!").
_SAFE_IN_DOUBLE_QUOTES = re.compile(r'[^"$`\\!]*')

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
    return f"{feature} needs the server extra (missing: {names}); install it with: {server_extra_install_command()}"


def server_extra_install_command() -> str:
    """The pip command that adds the ``server`` extra to this installation, from where it was installed."""
    return extra_install_command("server")


def extra_install_command(extra: str) -> str:
    """The pip command that adds ``extra`` to this installation, from where it was installed."""
    try:
        recorded = importlib.metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
        origin = json.loads(recorded) if recorded else None
    except (importlib.metadata.PackageNotFoundError, OSError, ValueError):
        origin = None
    if not isinstance(origin, dict) or not isinstance(origin.get("url"), str):
        return f'pip install "{DISTRIBUTION}[{extra}]"'
    return install_command_for(origin, extra)


def install_command_for(origin: dict[str, object], extra: str = "server") -> str:
    """The command for a PEP 610 record: local files by path (``-e`` if editable), other URLs by reference."""
    url = urlsplit(str(origin["url"]))
    # A URL may carry credentials (user:token@host); they are not the user's to see in a message.
    netloc = url.netloc.rsplit("@", 1)[-1]
    dir_info = origin.get("dir_info")
    if url.scheme == "file":
        editable = isinstance(dir_info, dict) and dir_info.get("editable") is True
        return f"pip install {'-e ' if editable else ''}{_quoted(unquote(url.path) + f'[{extra}]')}"
    vcs_info = origin.get("vcs_info")
    vcs = vcs_info.get("vcs") if isinstance(vcs_info, dict) else None
    scheme = f"{vcs}+{url.scheme}" if isinstance(vcs, str) and not url.scheme.startswith(f"{vcs}+") else url.scheme
    reference = urlunsplit((scheme, netloc, url.path, url.query, ""))
    return f"pip install {_quoted(f'{DISTRIBUTION}[{extra}] @ {reference}')}"


def _quoted(argument: str) -> str:
    """In double quotes, as the documentation writes it (``[server]`` is a glob to zsh), unless unsafe there."""
    return f'"{argument}"' if _SAFE_IN_DOUBLE_QUOTES.fullmatch(argument) else shlex.quote(argument)


def require_server_extra(feature: str = "eigenpal_ext.testing") -> None:
    """Raise ``ModuleNotFoundError`` (one line, naming the install command) unless the extra is complete.

    A plain ``ModuleNotFoundError``, so the traceback's last line names a built-in type and code that
    handles a missing optional dependency (``except ImportError``) keeps working.
    """
    problem = server_extra_problem(feature)
    if problem is not None:
        raise ModuleNotFoundError(problem, name=missing_server_modules()[0][0])
