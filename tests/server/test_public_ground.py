"""The local server stands on the client's public ground: it imports no private module of ``eigenpal_ext``.

The server is a second implementation of the contract; if it borrowed the client's internals, a change
there would change both sides of every end-to-end test at once. What they share lives in public modules
(``eigenpal_ext.dates`` for the date grammar, ``eigenpal_api.models.ExecutionStatus`` for the statuses).
The one exception is ``eigenpal_ext._extras``: the install check for the ``server`` extra itself, which must
run before any of the server's modules is imported and is shared with the ``eigenpal-dev-server`` entry point.
"""

from __future__ import annotations

import ast
from pathlib import Path

import eigenpal_ext.testing

TESTING = Path(eigenpal_ext.testing.__file__).parent
ALLOWED_PRIVATE = {"eigenpal_ext._extras"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def private_client_modules(names: set[str]) -> set[str]:
    """The private modules of ``eigenpal_ext`` (outside ``eigenpal_ext.testing``) that ``names`` reach into."""
    top_two = {".".join(name.split(".")[:2]) for name in names if name.startswith("eigenpal_ext.")}
    return {name for name in top_two if name.split(".")[1].startswith("_")}


def test_the_server_imports_no_private_client_module() -> None:
    files = sorted(TESTING.glob("*.py"))
    assert len(files) > 10  # the package was found
    found = {path.name: private_client_modules(imported_modules(path)) - ALLOWED_PRIVATE for path in files}
    assert {name: modules for name, modules in found.items() if modules} == {}


def test_the_check_sees_a_private_import() -> None:
    assert private_client_modules(
        {"eigenpal_ext._dates.format_utc", "eigenpal_ext.dates", "eigenpal_ext.testing._app"}
    ) == {"eigenpal_ext._dates"}


def test_the_client_options_of_the_server_are_the_clients_own() -> None:
    # server.client(**options) passes them on; a constructor argument added later must be added there too.
    import inspect

    from eigenpal_ext import AsyncEigenpalClient, EigenpalClient
    from eigenpal_ext.testing._server import AsyncClientOptions, ClientOptions

    for client_type, options in ((EigenpalClient, ClientOptions), (AsyncEigenpalClient, AsyncClientOptions)):
        parameters = set(inspect.signature(client_type).parameters) - {"api_key", "base_url"}
        assert set(options.__annotations__) == parameters
