"""A plain install (runtime dependencies only) is safe: the client, the ``eigenpal`` command and pytest in
a user's project work without the ``server`` extra, and the parts that need it say so in one line.

The extra's modules are made unimportable for a subprocess by a ``sitecustomize`` that sets them to
``None`` in ``sys.modules`` (what Python does for a module that cannot be imported). ``make check-dist``
repeats these checks in a real virtual environment holding only the wheel and its runtime dependencies.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eigenpal_ext import _dev_server, _extras
from eigenpal_ext._extras import SERVER_EXTRA_MODULES, install_command_for, require_server_extra

ROOT = Path(__file__).resolve().parents[2]
# The project is installed editable from this checkout (make setup, nox), so the hint names the checkout.
INSTALL_LINE = f'pip install -e "{ROOT}[server]"'
SERVER_MODULES = [module for module, _ in SERVER_EXTRA_MODULES]
PYTEST = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_eigenpal")

UNRELATED_TEST = """
import sys


def test_unrelated():
    assert 1 + 1 == 2


def test_the_plugin_is_loaded_and_has_imported_no_server_code(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("pytest_eigenpal")
    loaded = {name for name, module in sys.modules.items() if module is not None and name.split(".")[0] in {MODULES}}
    assert "eigenpal_ext" not in sys.modules  # not even the client: the plugin imports only pytest
    assert "httpx" not in sys.modules
    assert not loaded, loaded
"""


def run(tmp_path: Path, *args: str, block_server_extra: bool) -> subprocess.CompletedProcess[str]:
    """Run ``python *args`` in ``tmp_path`` with this checkout importable (and the extra blocked, if asked)."""
    paths = [str(ROOT), str(ROOT / "generated")]
    if block_server_extra:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(
            f"import sys\nfor name in {SERVER_MODULES!r}:\n    sys.modules[name] = None\n"
        )
        paths.insert(0, str(site))
    # pytest loads this checkout's plugin module by name instead of through the installed entry point,
    # which an editable install made before the plugin moved may still point elsewhere; the entry point
    # itself is checked in the built wheel (tests/test_packaging.py) and by make check-dist.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_extra_check_names_what_is_missing_and_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypdf", None)
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ModuleNotFoundError) as caught:
        require_server_extra()
    message = str(caught.value)
    assert "\n" not in message
    assert "missing: pypdf, PyYAML" in message
    assert message.endswith(INSTALL_LINE)
    assert caught.value.name == "pypdf"


def test_the_install_hint_adds_the_extra_from_where_this_installation_came_from() -> None:
    # Not the index command: eigenpal-ext is installed from this checkout, and may not be on the index at all.
    assert _extras.server_extra_install_command() == INSTALL_LINE


@pytest.mark.parametrize(
    ("origin", "command"),
    [
        (
            {"url": "file:///home/me/dist/eigenpal_ext-0.1.0-py3-none-any.whl", "archive_info": {}},
            'pip install "/home/me/dist/eigenpal_ext-0.1.0-py3-none-any.whl[server]"',
        ),
        ({"url": "file:///src/eigenpal-ext", "dir_info": {}}, 'pip install "/src/eigenpal-ext[server]"'),
        ({"url": "file:///src/my%20code", "dir_info": {"editable": True}}, 'pip install -e "/src/my code[server]"'),
        ({"url": "file:///tmp/a$b/x.whl", "archive_info": {}}, "pip install '/tmp/a$b/x.whl[server]'"),
        (
            {"url": "https://user:s3cret@git.example.com/eigenpal-ext.git", "vcs_info": {"vcs": "git"}},
            'pip install "eigenpal-ext[server] @ git+https://git.example.com/eigenpal-ext.git"',
        ),
        (
            {"url": "https://files.example.com/eigenpal_ext-0.1.0.tar.gz", "archive_info": {}},
            'pip install "eigenpal-ext[server] @ https://files.example.com/eigenpal_ext-0.1.0.tar.gz"',
        ),
    ],
    ids=["wheel-file", "checkout", "editable-checkout", "shell-quoting", "vcs-without-credentials", "archive-url"],
)
def test_the_install_hint_for_each_kind_of_origin(origin: dict[str, object], command: str) -> None:
    assert install_command_for(origin) == command


def test_an_installation_from_the_index_gets_the_index_command(monkeypatch: pytest.MonkeyPatch) -> None:
    class FromIndex:
        def read_text(self, name: str) -> None:
            return None  # pip writes direct_url.json only for installs from a URL or a path

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: FromIndex())
    assert _extras.server_extra_install_command() == 'pip install "eigenpal-ext[server]"'


def test_the_extra_check_passes_when_the_extra_is_installed() -> None:
    require_server_extra()


def test_the_dev_server_command_without_the_extra_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert _dev_server.main(["--port", "0"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("eigenpal-dev-server: error: eigenpal-dev-server needs the server extra")
    assert INSTALL_LINE in captured.err


def test_without_the_extra_the_client_and_the_cli_work(tmp_path: Path) -> None:
    imports = "import eigenpal_api, eigenpal_ext, eigenpal_ext.cli, pytest_eigenpal"
    result = run(tmp_path, "-c", f"{imports}; print(eigenpal_ext.__version__)", block_server_extra=True)
    assert result.returncode == 0, result.stderr
    help_run = run(tmp_path, "-m", "eigenpal_ext.cli", "--help", block_server_extra=True)
    assert help_run.returncode == 0, help_run.stderr
    assert "usage: eigenpal" in help_run.stdout


def test_without_the_extra_importing_the_server_fails_with_one_clear_line(tmp_path: Path) -> None:
    result = run(tmp_path, "-c", "import eigenpal_ext.testing", block_server_extra=True)
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ModuleNotFoundError: eigenpal_ext.testing needs the server extra")
    assert last_line.endswith(INSTALL_LINE)
    assert "starlette" in last_line


def test_without_the_extra_the_dev_server_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = run(tmp_path, "-m", "eigenpal_ext._dev_server", block_server_extra=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "eigenpal-dev-server: error: eigenpal-dev-server needs the server extra (missing: starlette, uvicorn, "
        f"python-multipart, pypdf, PyYAML, jsonschema); install it with: {INSTALL_LINE}"
    ]


@pytest.mark.parametrize("block_server_extra", [True, False], ids=["without-extra", "with-extra"])
def test_pytest_on_an_unrelated_suite_works_and_loads_no_server_code(tmp_path: Path, block_server_extra: bool) -> None:
    top_level = sorted({module.split(".")[0] for module in SERVER_MODULES})
    (tmp_path / "test_unrelated.py").write_text(UNRELATED_TEST.replace("{MODULES}", repr(set(top_level))))
    result = run(tmp_path, *PYTEST, block_server_extra=block_server_extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_without_the_extra_a_test_asking_for_the_fixture_errors_with_the_install_command(tmp_path: Path) -> None:
    (tmp_path / "test_fixture.py").write_text("def test_it(eigenpal_server):\n    pass\n")
    result = run(tmp_path, *PYTEST, block_server_extra=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout
    assert INSTALL_LINE in result.stdout
