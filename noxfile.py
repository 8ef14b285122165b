"""The Python-version matrix (``make matrix``): the unit and generated-layer suites under 3.11, 3.12 and 3.13.

Each session is a fresh virtual environment with the project installed editable with its ``server`` extra
and the ``test`` dependency group (PEP 735), so the suites import the code of this checkout under that
interpreter. The interpreters are looked up on ``PATH`` (``python3.11``, ...); a missing one is an error,
not a skipped session (``error_on_missing_interpreters``), so the matrix cannot pass by running less.
pytest exiting 5 (no tests collected) fails the session like any other non-zero status.

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

import nox

PYTHONS = ["3.11", "3.12", "3.13"]


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
nox.options.sessions = ["tests"]
# Kept between runs of `make matrix` and refreshed by the install step; a clean clone creates them.
nox.options.reuse_venv = "yes"


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """tests/unit and tests/generated under one Python version."""
    session.install("--disable-pip-version-check", "--quiet", "-e", ".[server]", "--group", "test")
    session.run(
        "python", "-m", "pytest", "tests/unit", "tests/generated", "-q", "-p", "no:cacheprovider", *session.posargs
    )
