"""The official SDK ``eigenpal==0.11.2`` against the local server: its own virtual environment only.

Both official releases this project tests against are the distribution ``eigenpal``, so they cannot share
a virtual environment. The main test run (``.venv``, which holds 0.4.12) never collects this folder
(``norecursedirs`` in ``pyproject.toml``); the nox session ``official_sdk_0112`` (``make matrix``) installs
0.11.2 with the project's ``server`` extra and runs only this folder, and fails when it collects no test.

Collected anywhere else (another release installed), every test of the folder fails at collection with
the version found, instead of passing or skipping.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig, write_sample_invoice

OFFICIAL_RELEASE = "0.11.2"

_installed = version("eigenpal")
if _installed != OFFICIAL_RELEASE:
    raise RuntimeError(
        f"tests/official_0112 runs against eigenpal=={OFFICIAL_RELEASE}, but {_installed} is installed: "
        "run it with `nox -s official_sdk_0112` (make matrix), not in the main test run"
    )


@pytest.fixture(scope="session")
def server() -> Iterator[LocalEigenpalServer]:
    """One in-memory server for the folder (127.0.0.1, ephemeral port)."""
    with LocalEigenpalServer(ServerConfig(runs_hold_window_seconds=30.0)) as running:
        yield running


@pytest.fixture
def sample_pdf(tmp_path: Path) -> Path:
    """The 2-page sample invoice (``INV-2026-0042``) as ``contract.pdf``."""
    return write_sample_invoice(tmp_path / "contract.pdf")
