"""A local EigenPal-compatible server, for development, demos and tests (extra ``eigenpal-ext[server]``).

It implements the 7 operations of EigenPal's workflows/executions API v1 and today's runs API with its
files (a run and a v1 execution are one record) with their real semantics (lifecycle advanced by a
background worker, server hold, cancel outcomes, filters, per-step payloads, the error envelope),
persists to SQLite, runs the built-in workflows ``extract-invoice``, ``echo``, ``sleep``, ``fail`` and
``review``, can inject faults (503, 429, dropped connections, latency) and can deliver signed
``run.*`` webhooks to a URL of yours.

    from eigenpal_ext.testing import LocalEigenpalServer

    with LocalEigenpalServer() as server, server.client() as client:
        final = client.workflows.executions.run_and_wait("echo", input={"hello": "world"})

From a terminal: ``eigenpal-dev-server`` (or ``python -m eigenpal_ext.testing``). In pytest: the
``eigenpal_server`` fixture and its relatives (the ``pytest_eigenpal`` plugin), whose types are here.

Without the extra, importing this package raises ``ModuleNotFoundError`` with one line naming what is
missing and the pip command that adds the extra (from where the package was installed: its wheel, its
checkout, or the package index), before any of the server's modules is imported.
"""

from eigenpal_ext._extras import require_server_extra

require_server_extra()

from eigenpal_ext.testing._documents import write_sample_invoice  # noqa: E402 - only once the extra is known
from eigenpal_ext.testing._engine import Pacing  # noqa: E402
from eigenpal_ext.testing._faults import FaultConfig  # noqa: E402
from eigenpal_ext.testing._fixtures import EigenpalServerFactory, EigenpalServerFixture  # noqa: E402
from eigenpal_ext.testing._hosted import HostedProfile  # noqa: E402
from eigenpal_ext.testing._server import DEFAULT_API_KEY, LocalEigenpalServer, ServerConfig  # noqa: E402

__all__ = [
    "DEFAULT_API_KEY",
    "EigenpalServerFactory",
    "EigenpalServerFixture",
    "FaultConfig",
    "HostedProfile",
    "LocalEigenpalServer",
    "Pacing",
    "ServerConfig",
    "write_sample_invoice",
]
