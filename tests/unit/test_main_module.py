"""``python -m eigenpal_ext`` runs this package's ``eigenpal`` command, whatever ``eigenpal`` is on ``PATH``.

EigenPal's npm CLI installs a command of the same name; here a decoy ``eigenpal`` that would fail loudly
comes first on ``PATH``, and ``python -m eigenpal_ext`` still answers as this package's command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import eigenpal_ext

DECOY = "#!/bin/sh\necho 'the other eigenpal command ran' >&2\nexit 99\n"


def run_module(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    decoys = tmp_path / "bin"
    decoys.mkdir(exist_ok=True)
    (decoys / "eigenpal").write_text(DECOY)
    (decoys / "eigenpal").chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    env["PATH"] = f"{decoys}{os.pathsep}{env.get('PATH', '')}"
    decoy = subprocess.run(["eigenpal", "--version"], env=env, capture_output=True, text=True, timeout=30, check=False)
    assert decoy.returncode == 99  # the decoy is what `eigenpal` means in this environment
    return subprocess.run(
        [sys.executable, "-m", "eigenpal_ext", *args], env=env, cwd=tmp_path, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


def test_python_m_eigenpal_ext_is_this_packages_command(tmp_path: Path) -> None:
    version = run_module(tmp_path, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"eigenpal (eigenpal-ext) {eigenpal_ext.__version__}"
    assert "the other eigenpal command ran" not in version.stderr

    usage = run_module(tmp_path, "--help")
    assert usage.returncode == 0
    assert "usage: eigenpal" in usage.stdout
    assert "executions" in usage.stdout


def test_python_m_eigenpal_ext_has_the_commands_exit_codes(tmp_path: Path) -> None:
    missing_key = run_module(tmp_path, "workflows", "list")  # no EIGENPAL_API_KEY: a usage error, exit 2
    assert missing_key.returncode == 2
    assert missing_key.stderr.startswith("error: no API key")
