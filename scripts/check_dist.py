"""``make check-dist``: build the distributions and use them the way a user would, outside this checkout.

1. Build the wheel and the sdist (hatchling), run ``twine check --strict`` on both, check the wheel's
   contents and metadata, and check that the sdist alone builds a wheel with the same files.
2. Install the wheel into a fresh virtual environment with its runtime dependencies only (plus pytest,
   to run the user's suite), and in a scratch project in a temporary folder outside the repository:
   import both packages, run ``eigenpal --help``, run pytest on an unrelated suite (the plugin is loaded
   and has imported no server code), and check that ``import eigenpal_ext.testing``,
   ``eigenpal-dev-server`` and a test asking for ``eigenpal_server`` each fail with the install command.
3. Install ``<wheel>[server]`` into another fresh environment, and in another scratch project: write
   the sample invoice with ``eigenpal-dev-server --write-sample-invoice``, run the unrelated suite again
   (with the extra installed the plugin still imports no server code until a fixture is requested), run
   a user's test suite that uses the fixtures (with a ``conftest.py`` override), and run ``eigenpal run``
   against a running ``eigenpal-dev-server``.

Nothing from the checkout is importable in the scratch projects (``PYTHONPATH`` is removed, and they run
from a temporary folder). Installs use pip's cache, so a second run does not download again. Prints each
step's time, the sizes of both distributions and the install times; exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALL_LINE = 'pip install "eigenpal-ext[server]"'
SERVER_MODULES = ("starlette", "uvicorn", "python_multipart", "pypdf", "yaml", "jsonschema")
RUNTIME_DEPENDENCIES = ["attrs", "httpx", "python-dateutil"]
PIP = ("-m", "pip", "install", "--disable-pip-version-check", "--quiet")

UNRELATED_SUITE = f"""
import sys


def test_arithmetic():
    assert 1 + 1 == 2


def test_the_eigenpal_plugin_is_loaded_and_imported_no_server_code(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("eigenpal")
    assert "eigenpal_ext" not in sys.modules  # the plugin imports only pytest until a fixture is used
    assert not [name for name in sys.modules if name.split(".")[0] in {SERVER_MODULES!r}]
"""

USER_CONFTEST = """
import pytest

from eigenpal_ext.testing import ServerConfig


@pytest.fixture
def eigenpal_server_config():
    return ServerConfig(workflows={"extract-contract": "extract-invoice"}, hold_window_seconds=5.0)
"""

USER_SUITE = """
from pathlib import Path

import eigenpal_ext
from eigenpal_ext.testing import EigenpalServerFactory, EigenpalServerFixture, ServerConfig

CONTRACT = Path(__file__).parent / "contract.pdf"


def test_the_installed_package_is_used():
    assert "site-packages" in eigenpal_ext.__file__


def test_a_contract_is_extracted(eigenpal_server: EigenpalServerFixture):
    final = eigenpal_server.client.workflows.executions.run_and_wait(
        "extract-contract", input={"contract_document": CONTRACT}, timeout_seconds=30.0
    )
    assert final.status == "completed", final.error
    assert final.result["fields"]["invoiceNumber"] == "INV-2026-0042"


def test_state_is_fresh_per_test(eigenpal_server: EigenpalServerFixture):
    assert eigenpal_server.server.store.count_executions() == 0


def test_the_factory(eigenpal_server_factory: EigenpalServerFactory):
    other = eigenpal_server_factory(ServerConfig(api_keys={"eg_other": "other"}))
    assert other.client.workflows.get("echo").name == "echo"
    assert other.api_key == "eg_other"
"""


class CheckFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


@contextmanager
def step(name: str, timings: dict[str, float]) -> Iterator[None]:
    print(f"check-dist: {name} ...", flush=True)
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started
    print(f"check-dist: {name}: ok ({timings[name]:.1f} s)", flush=True)


def user_env() -> dict[str, str]:
    """The environment of a user's shell: nothing of this checkout importable, no inherited venv."""
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(args: Sequence[str | Path], *, cwd: Path, env: dict[str, str] | None = None, expect: int | None = 0,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:  # fmt: skip
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env or user_env(), capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    if expect is not None and result.returncode != expect:
        raise CheckFailed(
            f"{' '.join(map(str, args))} exited {result.returncode} (expected {expect})\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
        )
    return result


def build(dist: Path) -> tuple[Path, Path]:
    run([sys.executable, "-m", "hatchling", "build", "-d", dist], cwd=ROOT, env=dict(os.environ))
    (wheel,) = dist.glob("eigenpal_ext-*.whl")
    (sdist,) = dist.glob("eigenpal_ext-*.tar.gz")
    return wheel, sdist


def check_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    required = {
        "eigenpal_ext/__init__.py", "eigenpal_ext/py.typed", "pytest_eigenpal.py",
        "eigenpal_ext/testing/__init__.py", "eigenpal_ext/testing/openapi.yaml",
        "eigenpal_api/__init__.py", "eigenpal_api/py.typed", f"{info}/licenses/LICENSE",
    }  # fmt: skip
    check(required <= names, f"the wheel lacks {sorted(required - names)}")
    check(not any(name.startswith(("tests/", "generated/", "scripts/")) for name in names), "the wheel has repo files")
    check((ROOT / "openapi.yaml").read_bytes() == zipfile.ZipFile(wheel).read("eigenpal_ext/testing/openapi.yaml"),
          "the packaged openapi.yaml differs from the repository's")  # fmt: skip
    headers = metadata.split("\n\n", 1)[0]
    runtime = sorted(
        re.split(r"[<>=!~; \[]", line.removeprefix("Requires-Dist: "), maxsplit=1)[0]
        for line in headers.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    )
    check(runtime == RUNTIME_DEPENDENCIES, f"runtime dependencies are {runtime}")
    check("License-Expression: MIT" in headers, "no License-Expression: MIT")
    for point in ("eigenpal = eigenpal_ext.cli:main", "eigenpal-dev-server = eigenpal_ext._dev_server:main",
                  "eigenpal = pytest_eigenpal"):  # fmt: skip
        check(point in entry_points, f"entry point missing: {point}")


def check_sdist_rebuilds(sdist: Path, wheel: Path, scratch: Path) -> None:
    unpacked = scratch / "sdist"
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (source,) = unpacked.iterdir()
    check((source / "LICENSE").is_file(), "the sdist lacks LICENSE")
    rebuilt_dir = scratch / "rebuilt"
    run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", rebuilt_dir], cwd=source,
        env=dict(os.environ))  # fmt: skip
    (rebuilt,) = rebuilt_dir.glob("*.whl")
    with zipfile.ZipFile(wheel) as first, zipfile.ZipFile(rebuilt) as second:
        missing = set(first.namelist()) - set(second.namelist())
    check(not missing, f"a wheel built from the sdist lacks {sorted(missing)}")


def fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


def install(python: Path, *requirements: str | Path, cwd: Path) -> float:
    started = time.perf_counter()
    run([python, *PIP, *requirements], cwd=cwd)
    return time.perf_counter() - started


def check_runtime_only(wheel: Path, scratch: Path, figures: dict[str, str]) -> None:
    project = scratch / "plain-project"
    project.mkdir()
    python = fresh_venv(scratch / "venv-plain")
    bin_dir = python.parent
    figures["install: wheel, runtime only"] = f"{install(python, wheel, cwd=project):.1f} s"
    install(python, "pytest", cwd=project)

    where = run([python, "-c", "import eigenpal_api, eigenpal_ext; print(eigenpal_ext.__file__)"], cwd=project)
    check(str(scratch / "venv-plain") in where.stdout, f"eigenpal_ext imported from {where.stdout.strip()}")
    check("usage: eigenpal" in run([bin_dir / "eigenpal", "--help"], cwd=project).stdout, "eigenpal --help")

    imported = run([python, "-c", "import eigenpal_ext.testing"], cwd=project, expect=1)
    last = imported.stderr.strip().splitlines()[-1]
    check(last.startswith("ModuleNotFoundError:") and last.endswith(INSTALL_LINE), f"import error said {last!r}")
    dev_server = run([bin_dir / "eigenpal-dev-server"], cwd=project, expect=2)
    lines = dev_server.stderr.strip().splitlines()
    check(len(lines) == 1 and INSTALL_LINE in lines[0], f"eigenpal-dev-server said {dev_server.stderr!r}")

    (project / "test_unrelated.py").write_text(UNRELATED_SUITE)
    unrelated = run([python, "-m", "pytest", "-p", "no:cacheprovider", "test_unrelated.py"], cwd=project)
    check("2 passed" in unrelated.stdout, f"unrelated suite: {unrelated.stdout[-2000:]}")

    (project / "test_wants_server.py").write_text("def test_it(eigenpal_server):\n    pass\n")
    wants = run([python, "-m", "pytest", "-p", "no:cacheprovider", "test_wants_server.py"], cwd=project, expect=1)
    check("1 error" in wants.stdout and INSTALL_LINE in wants.stdout, f"fixture without extra: {wants.stdout[-2000:]}")


def check_with_server(wheel: Path, scratch: Path, figures: dict[str, str]) -> None:
    project = scratch / "server-project"
    project.mkdir()
    python = fresh_venv(scratch / "venv-server")
    bin_dir = python.parent
    figures["install: wheel[server]"] = f"{install(python, f'{wheel}[server]', cwd=project):.1f} s"
    install(python, "pytest", cwd=project)

    run([bin_dir / "eigenpal-dev-server", "--write-sample-invoice", "contract.pdf"], cwd=project)
    check((project / "contract.pdf").read_bytes().startswith(b"%PDF-"), "the sample invoice is not a PDF")
    unrelated_dir = project / "unrelated"
    unrelated_dir.mkdir()
    (unrelated_dir / "test_unrelated.py").write_text(UNRELATED_SUITE)
    unrelated = run([python, "-m", "pytest", "-p", "no:cacheprovider"], cwd=unrelated_dir)
    check("2 passed" in unrelated.stdout, f"unrelated suite with the extra: {unrelated.stdout[-2000:]}")

    (project / "conftest.py").write_text(USER_CONFTEST)
    (project / "test_my_code.py").write_text(USER_SUITE)
    suite = run([python, "-m", "pytest", "-p", "no:cacheprovider", "test_my_code.py"], cwd=project)
    check("4 passed" in suite.stdout, f"the user's suite: {suite.stdout[-2000:]}")

    key = "eg_check_dist_key"
    server = subprocess.Popen(
        [bin_dir / "eigenpal-dev-server", "--port", "0", "--api-key", key],
        cwd=project, env=user_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", banner)
        check(found is not None, f"eigenpal-dev-server printed {banner!r}")
        assert found is not None
        env = {**user_env(), "EIGENPAL_BASE_URL": found[0], "EIGENPAL_API_KEY": key}
        ran = run([bin_dir / "eigenpal", "run", "extract-invoice", "-i", "contract_document=@contract.pdf", "--wait"],
                  cwd=project, env=env, timeout=120)  # fmt: skip
        check("completed" in ran.stdout and "INV-2026-0042" in ran.stdout, f"eigenpal run printed {ran.stdout!r}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} KiB ({path.stat().st_size} bytes)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args(argv)

    timings: dict[str, float] = {}
    figures: dict[str, str] = {}
    scratch = Path(tempfile.mkdtemp(prefix="eigenpal-check-dist-"))
    check(not scratch.resolve().is_relative_to(ROOT), "the scratch folder must be outside the repository")
    try:
        with step("build wheel and sdist", timings):
            wheel, sdist = build(scratch / "dist")
            figures["wheel"], figures["sdist"] = size(wheel), size(sdist)
        with step("twine check --strict", timings):
            run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist], cwd=ROOT, env=dict(os.environ))
        with step("wheel contents and metadata", timings):
            check_wheel(wheel)
        with step("the sdist builds the same wheel", timings):
            check_sdist_rebuilds(sdist, wheel, scratch)
        with step("runtime-only install, used from a scratch project", timings):
            check_runtime_only(wheel, scratch, figures)
        with step("install with [server], used from a scratch project", timings):
            check_with_server(wheel, scratch, figures)
    except CheckFailed as failure:
        print(f"check-dist: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"check-dist: kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    for name, value in figures.items():
        print(f"check-dist: {name}: {value}")
    print(f"check-dist: total {sum(timings.values()):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
