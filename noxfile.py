"""The matrix (``make matrix``): the unit and generated-layer suites under 3.11, 3.12 and 3.13, and under
both ends of the supported httpx range; and the official SDK 0.11.2 against the local server.

Each supported Python runs the suites once, each time with other dependency versions, so that the matrix
costs three runs rather than five (CI time is bounded): 3.11 with the lowest httpx (``httpx-lowest``),
3.13 with the newest (``httpx-newest``), and 3.12 with the versions pip resolves today (``tests``). The
main ``make pytest`` runs every suite again under ``.venv``'s Python with those same resolved versions.

Each session is a fresh virtual environment with the project installed editable with its ``server`` extra
and the ``test`` dependency group (PEP 735), so the suites import the code of this checkout under that
interpreter. The interpreters are looked up on ``PATH`` (``python3.11``, ...); a missing one is an error,
not a skipped session (``error_on_missing_interpreters``), so the matrix cannot pass by running less.
pytest exiting 5 (no tests collected) fails the session like any other non-zero status.

The httpx sessions exist because three places of ``eigenpal_ext`` rely on httpx and httpcore internals
(``_urls.py``: ``Client._merge_url``; ``_limits.py``: ``Response._content``; ``_socket_deadline.py``: the
connection pool's ``_network_backend``). ``httpx-lowest`` runs the suites with the lowest httpx that
``pyproject.toml`` accepts and the lowest httpcore that httpx accepts, under the lowest supported Python;
``httpx-newest`` with the newest releases on the package index, under the newest Python. Both print the
versions they ran with.

``official_sdk_0112`` runs ``tests/official_0112`` (the official SDK ``eigenpal==0.11.2`` on the runs API,
against the local server) in a venv of its own: the main test environment holds the official 0.4.12, the
same distribution name, so the two releases cannot share one. The session installs 0.11.2, the project
with its ``server`` extra and pytest, nothing else; the main run never collects that folder
(``norecursedirs`` in ``pyproject.toml``), and the session fails when pytest collects no test (exit 5).

With pyenv, ``python3.12`` on ``PATH`` is a shim that runs only when version 3.12 is *selected*
(``pyenv global``/``PYENV_VERSION``); otherwise it prints "command not found" and the interpreter looks
missing. So when pyenv is there, this file adds every installed 3.11/3.12/3.13 to ``PYENV_VERSION`` for
the sessions, after whatever is selected already (which keeps deciding what ``python3`` is). Versions
that are not installed stay missing and fail the run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import nox

PYTHONS = ["3.11", "3.12", "3.13"]
# The lowest httpcore that every httpx of the supported range accepts (httpx requires httpcore==1.*).
HTTPCORE_LOWEST = "1.0.0"
SUITES = ("tests/unit", "tests/generated")
# Two pytest-xdist workers, a module at a time (as `make pytest`).
WORKERS = ("-n", "2", "--dist", "loadscope")
# The generator's drift check runs openapi-python-client and ruff, both pinned, on the spec: its outcome does not
# depend on the interpreter or the httpx under test, and `make pytest` runs it already (make check-generated too).
ONCE_ONLY = ("--ignore", "tests/generated/test_check_generated.py")
OFFICIAL_0112_SUITE = "tests/official_0112"
OFFICIAL_0112 = "eigenpal==0.11.2"
VERSIONS = "import httpx, httpcore; print('httpx', httpx.__version__, 'httpcore', httpcore.__version__)"


def _select_pyenv_versions() -> None:
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return

    def lines(*args: str) -> list[str]:
        result = subprocess.run([pyenv, *args], capture_output=True, text=True, check=False, timeout=30)
        return result.stdout.split() if result.returncode == 0 else []

    selected = [name for line in lines("version-name") for name in line.split(":")]  # honours PYENV_VERSION
    wanted = re.compile(r"^(" + "|".join(re.escape(version) for version in PYTHONS) + r")\.\d+$")
    installed = [version for version in lines("versions", "--bare") if wanted.match(version)]
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys(selected + installed))


_select_pyenv_versions()

nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests", "httpx-lowest", "httpx-newest", "official_sdk_0112"]
# Kept between runs of `make matrix` and refreshed by the install step; a clean clone creates them.
nox.options.reuse_venv = "yes"


def httpx_lowest() -> str:
    """The lowest httpx ``pyproject.toml`` accepts: ``httpx>=0.27,<1`` gives ``0.27.0``."""
    dependencies = tomllib.loads(Path("pyproject.toml").read_text())["project"]["dependencies"]
    (spec,) = [item for item in dependencies if re.match(r"httpx\b", item)]
    lowest = re.search(r">=\s*([\d.]+)", spec)
    if lowest is None:
        raise RuntimeError(f"pyproject.toml names no lowest httpx: {spec!r}")
    version = lowest[1]
    return version if version.count(".") >= 2 else f"{version}.0"


def install_and_test(session: nox.Session, *pins: str, upgrade: tuple[str, ...] = ()) -> None:
    session.install("--disable-pip-version-check", "--quiet", "-e", ".[server]", "--group", "test", *pins)
    if upgrade:
        # A separate step: in one resolution with the test group, openapi-python-client's own cap on httpx
        # (< 0.29) would hold httpx back. Only make check-generated runs the generator; it fetches nothing.
        session.install("--disable-pip-version-check", "--quiet", "--upgrade", *upgrade)
    session.run("python", "-c", VERSIONS)
    session.run(
        "python", "-m", "pytest", *SUITES, *ONCE_ONLY, *WORKERS, "-q", "-p", "no:cacheprovider", *session.posargs
    )


@nox.session(python=PYTHONS[1:-1])
def tests(session: nox.Session) -> None:
    """tests/unit and tests/generated under the Python versions between the two httpx sessions' (3.12)."""
    install_and_test(session)


@nox.session(name="httpx-lowest", python=PYTHONS[0])
def httpx_lowest_session(session: nox.Session) -> None:
    """The suites with the lowest supported httpx and httpcore, under the lowest supported Python."""
    install_and_test(session, f"httpx=={httpx_lowest()}", f"httpcore=={HTTPCORE_LOWEST}")


@nox.session(name="httpx-newest", python=PYTHONS[-1])
def httpx_newest_session(session: nox.Session) -> None:
    """The suites with the newest httpx and httpcore on the package index, under the newest Python."""
    install_and_test(session, upgrade=("httpx", "httpcore"))


@nox.session(name="official_sdk_0112", python=PYTHONS[0])
def official_sdk_0112(session: nox.Session) -> None:
    """The official SDK 0.11.2 on the runs API against the local server (``tests/official_0112``), in its own venv."""
    session.install("--disable-pip-version-check", "--quiet", "-e", ".[server]", "pytest>=8.3", OFFICIAL_0112)
    session.run("python", "-c", "from importlib.metadata import version; print('eigenpal', version('eigenpal'))")
    session.run("python", "-m", "pytest", OFFICIAL_0112_SUITE, "-q", "-p", "no:cacheprovider", *session.posargs)
