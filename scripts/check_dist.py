"""``make dist`` / ``make check-dist``: build the distributions and use them the way a user would.

1. Build the wheel and the sdist (hatchling), run ``twine check --strict`` on both, check the wheel's
   contents and metadata, and check that the sdist alone builds a wheel with the same files. The build
   tools come from this Python if it has them (the project's ``.venv``), else from a throwaway virtual
   environment made for this run, so ``make dist`` needs nothing but ``python3`` (no ``make setup``).
   ``--dist-dir dist`` keeps the distributions there (``make dist``); ``--use-dist DIR`` checks the ones
   already in ``DIR`` instead of building (the release workflow tests the files it will publish).
2. The README's ``## Install`` section, run as written: its commands for a built wheel
   (``pip install dist/eigenpal_ext-*.whl``) in a fresh virtual environment and a scratch project outside
   the repository, with the wheel in that project's ``dist/``: import both packages, run ``eigenpal --help``
   and ``python -m eigenpal_ext``, run pytest on an unrelated suite (the plugin is loaded and has imported no
   server code), and check that ``import eigenpal_ext.testing``, ``eigenpal-dev-server`` and a test asking
   for ``eigenpal_server`` each fail with one line naming an install command; then run that command as
   printed, and the extra is there.
3. In another fresh environment, both wheel commands (the second adds ``[server]``): write the sample
   invoice with ``eigenpal-dev-server --write-sample-invoice``, run the unrelated suite again (with the
   extra installed the plugin still imports no server code until a fixture is requested), run a user's
   test suite that uses the fixtures (with a ``conftest.py`` override), and run ``eigenpal run`` against a
   running ``eigenpal-dev-server``.
4. In a third, the commands for a checkout (``pip install .``, then ``pip install ".[server]"``), run in
   this checkout; the command named without the extra is checked to name the checkout. The section's
   index commands cannot run before the first release: they must be labelled "after the first release".

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
import tomllib
import venv
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALL_HINT = re.compile(r"install it with: (pip install .+)$")
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


def build_requirements() -> list[str]:
    """What building and checking need, as pyproject.toml pins them: the build backend and twine."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    twine = [item for item in project["dependency-groups"]["dev"] if isinstance(item, str) and item.startswith("twine")]
    return [*project["build-system"]["requires"], *twine]


def build_tools(scratch: Path, figures: dict[str, str]) -> Path:
    """A Python with hatchling and twine: this one if it has them, else a throwaway venv made for this run."""
    probe = [sys.executable, "-c", "import hatchling, twine"]
    if subprocess.run(probe, capture_output=True, check=False, timeout=60).returncode == 0:
        return Path(sys.executable)
    python = fresh_venv(scratch / "venv-build")
    figures["install: build tools (throwaway venv)"] = f"{install(python, *build_requirements(), cwd=scratch):.1f} s"
    return python


def build(tools: Path, dist: Path) -> tuple[Path, Path]:
    run([tools, "-m", "hatchling", "build", "-d", dist], cwd=ROOT, env=dict(os.environ))
    return distributions(dist)


def distributions(dist: Path) -> tuple[Path, Path]:
    wheels, sdists = sorted(dist.glob("eigenpal_ext-*.whl")), sorted(dist.glob("eigenpal_ext-*.tar.gz"))
    check(len(wheels) == 1 and len(sdists) == 1, f"{dist} must hold one wheel and one sdist: {wheels + sdists}")
    return wheels[0], sdists[0]


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


def check_sdist_rebuilds(tools: Path, sdist: Path, wheel: Path, scratch: Path) -> None:
    unpacked = scratch / "sdist"
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (source,) = unpacked.iterdir()
    check((source / "LICENSE").is_file(), "the sdist lacks LICENSE")
    rebuilt_dir = scratch / "rebuilt"
    run([tools, "-m", "hatchling", "build", "-t", "wheel", "-d", rebuilt_dir], cwd=source,
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


class InstallSection:
    """The README's ``## Install`` commands, by what they install from (each a list of shell lines)."""

    LABEL = "after the first release"

    def __init__(self, readme: str) -> None:
        start = readme.index("\n## Install\n")
        end = readme.find("\n## ", start + 1)
        section = readme[start : end if end != -1 else len(readme)]
        blocks = [(m.start(), m[1].splitlines()) for m in re.finditer(r"^```bash\n(.*?)^```", section, re.S | re.M)]
        commands = [[line.split(" #")[0].strip() for line in lines if line.strip()] for _, lines in blocks]
        self.checkout = next((block for block in commands if "pip install ." in block), [])
        self.wheel = [line for block in commands if "make dist" in block for line in block if line != "make dist"]
        index = [(offset, block) for (offset, _), block in zip(blocks, commands, strict=True)
                 if any(line.startswith("pip install eigenpal-ext") for line in block)]  # fmt: skip
        self.index = index[0][1] if index else []
        check(self.checkout == ["pip install .", 'pip install ".[server]"'], f"checkout commands: {self.checkout}")
        check(len(self.wheel) == 2 and all("dist/eigenpal_ext-*.whl" in line for line in self.wheel)
              and "[server]" in self.wheel[1], f"wheel commands: {self.wheel}")  # fmt: skip
        check(self.index == ["pip install eigenpal-ext", 'pip install "eigenpal-ext[server]"'], f"index: {self.index}")
        before_index = section[: index[0][0]].rsplit("```", 1)[-1]
        check(self.LABEL in before_index.lower(), f"the index commands are not labelled {self.LABEL!r}")
        documented = {line for block in commands for line in block if line.startswith("pip ")}
        unchecked = documented - {*self.checkout, *self.wheel, *self.index}
        check(not unchecked, f"install commands this script does not run or check: {sorted(unchecked)}")


def activated(python: Path) -> dict[str, str]:
    """A user's shell with the virtual environment of ``python`` activated."""
    env = user_env()
    env["VIRTUAL_ENV"] = str(python.parent.parent)
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def shell(line: str, python: Path, *, cwd: Path) -> float:
    """Run one documented command line as written, in bash, with ``python``'s environment activated."""
    started = time.perf_counter()
    run(["bash", "-c", f"set -euo pipefail; {line}"], cwd=cwd, env=activated(python))
    return time.perf_counter() - started


def hint_of(text: str) -> str:
    """The install command named by a message about the missing extra."""
    found = INSTALL_HINT.search(text.strip().splitlines()[-1] if text.strip() else "")
    check(found is not None, f"no install command in {text[-1000:]!r}")
    assert found is not None
    return found[1]


def user_project(scratch: Path, name: str, wheel: Path) -> Path:
    """A scratch project folder with the built wheel in its ``dist/``, as ``make dist`` leaves it."""
    project = scratch / name
    (project / "dist").mkdir(parents=True)
    shutil.copy2(wheel, project / "dist" / wheel.name)
    return project


def check_runtime_only(wheel: Path, install_section: InstallSection, scratch: Path, figures: dict[str, str]) -> None:
    project = user_project(scratch, "plain-project", wheel)
    python = fresh_venv(scratch / "venv-plain")
    bin_dir = python.parent
    figures["install: wheel, runtime only"] = f"{shell(install_section.wheel[0], python, cwd=project):.1f} s"
    install(python, "pytest", cwd=project)

    where = run([python, "-c", "import eigenpal_api, eigenpal_ext; print(eigenpal_ext.__file__)"], cwd=project)
    check(str(scratch / "venv-plain") in where.stdout, f"eigenpal_ext imported from {where.stdout.strip()}")
    check("usage: eigenpal" in run([bin_dir / "eigenpal", "--help"], cwd=project).stdout, "eigenpal --help")
    by_module = run([python, "-m", "eigenpal_ext", "--version"], cwd=project, env=activated(python)).stdout
    check(by_module.startswith("eigenpal (eigenpal-ext) "), f"python -m eigenpal_ext --version said {by_module!r}")

    imported = run([python, "-c", "import eigenpal_ext.testing"], cwd=project, expect=1)
    last = imported.stderr.strip().splitlines()[-1]
    hint = hint_of(imported.stderr)
    check(last.startswith("ModuleNotFoundError:") and str(project / "dist" / wheel.name) in hint,
          f"import error said {last!r}")  # fmt: skip
    dev_server = run([bin_dir / "eigenpal-dev-server"], cwd=project, expect=2)
    check(dev_server.stderr.count("\n") == 1 and hint_of(dev_server.stderr) == hint,
          f"eigenpal-dev-server said {dev_server.stderr!r}")  # fmt: skip

    (project / "test_unrelated.py").write_text(UNRELATED_SUITE)
    unrelated = run([python, "-m", "pytest", "-p", "no:cacheprovider", "test_unrelated.py"], cwd=project)
    check("2 passed" in unrelated.stdout, f"unrelated suite: {unrelated.stdout[-2000:]}")

    (project / "test_wants_server.py").write_text("def test_it(eigenpal_server):\n    pass\n")
    wants = run([python, "-m", "pytest", "-p", "no:cacheprovider", "test_wants_server.py"], cwd=project, expect=1)
    check("1 error" in wants.stdout and hint in wants.stdout, f"fixture without extra: {wants.stdout[-2000:]}")

    # The command the messages name works, as printed, from another folder.
    figures["install: the extra, by the command the error names"] = f"{shell(hint, python, cwd=scratch):.1f} s"
    run([python, "-c", "import eigenpal_ext.testing"], cwd=project)


def check_with_server(wheel: Path, install_section: InstallSection, scratch: Path, figures: dict[str, str]) -> None:
    project = user_project(scratch, "server-project", wheel)
    python = fresh_venv(scratch / "venv-server")
    bin_dir = python.parent
    seconds = sum(shell(line, python, cwd=project) for line in install_section.wheel)
    figures["install: wheel, then wheel[server]"] = f"{seconds:.1f} s"
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


def check_checkout(install_section: InstallSection, scratch: Path, figures: dict[str, str]) -> None:
    """The commands for a checkout, run in this checkout (``pip install .`` builds it as a user's pip would)."""
    python = fresh_venv(scratch / "venv-checkout")
    figures["install: checkout (pip install .)"] = f"{shell(install_section.checkout[0], python, cwd=ROOT):.1f} s"
    where = run([python, "-c", "import eigenpal_ext; print(eigenpal_ext.__file__)"], cwd=scratch)
    check(str(scratch / "venv-checkout") in where.stdout, f"eigenpal_ext imported from {where.stdout.strip()}")
    imported = run([python, "-c", "import eigenpal_ext.testing"], cwd=scratch, expect=1)
    check(hint_of(imported.stderr) == f'pip install "{ROOT}[server]"', f"without the extra: {imported.stderr[-500:]}")
    seconds = shell(install_section.checkout[1], python, cwd=ROOT)
    figures['install: checkout (pip install ".[server]")'] = f"{seconds:.1f} s"
    run([python.parent / "eigenpal-dev-server", "--write-sample-invoice", "sample.pdf"], cwd=scratch)
    check((scratch / "sample.pdf").read_bytes().startswith(b"%PDF-"), "the sample invoice is not a PDF")


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} KiB ({path.stat().st_size} bytes)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--dist-dir", type=Path, help="build into this folder (emptied first) and keep the files")
    where.add_argument("--use-dist", type=Path, help="check the wheel and sdist in this folder instead of building")
    args = parser.parse_args(argv)

    timings: dict[str, float] = {}
    figures: dict[str, str] = {}
    scratch = Path(tempfile.mkdtemp(prefix="eigenpal-check-dist-"))
    check(not scratch.resolve().is_relative_to(ROOT), "the scratch folder must be outside the repository")
    try:
        install_section = InstallSection((ROOT / "README.md").read_text())
        with step("build tools", timings):
            tools = build_tools(scratch, figures)
        if args.use_dist:
            wheel, sdist = distributions(args.use_dist.resolve())
        else:
            dist = (args.dist_dir or scratch / "dist").resolve()
            if args.dist_dir:
                shutil.rmtree(dist, ignore_errors=True)
            with step("build wheel and sdist", timings):
                wheel, sdist = build(tools, dist)
        figures["wheel"], figures["sdist"] = size(wheel), size(sdist)
        with step("twine check --strict", timings):
            run([tools, "-m", "twine", "check", "--strict", wheel, sdist], cwd=ROOT, env=dict(os.environ))
        with step("wheel contents and metadata", timings):
            check_wheel(wheel)
        with step("the sdist builds the same wheel", timings):
            check_sdist_rebuilds(tools, sdist, wheel, scratch)
        with step("README install, wheel: runtime only, then the extra by the command errors name", timings):
            check_runtime_only(wheel, install_section, scratch, figures)
        with step("README install, wheel with [server], used from a scratch project", timings):
            check_with_server(wheel, install_section, scratch, figures)
        with step("README install, from this checkout", timings):
            check_checkout(install_section, scratch, figures)
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
    if args.dist_dir:
        print(f"check-dist: the distributions are in {args.dist_dir}/: {wheel.name}, {sdist.name}")
    print(f"check-dist: total {sum(timings.values()):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
