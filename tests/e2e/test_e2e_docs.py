"""Every example in README.md, docs/**/*.md and the public docstrings runs as written, against a local EigenPal
server.

The docstrings' examples are the fenced blocks in the docstrings of the public surface
(tests/unit/test_docstrings.py's SURFACE: the clients, resources, handles, results, errors, dates, types,
webhooks), which the reference pages render; they follow the same rules as the pages' blocks.

The convention (CONTRIBUTING.md, "Examples in the documentation"):

- A ```python block is a program: it runs alone in a fresh interpreter, in a fresh folder holding the
  sample invoice as ``contract.pdf`` (written by ``eigenpal-dev-server --write-sample-invoice``), with
  ``EIGENPAL_BASE_URL`` and ``EIGENPAL_API_KEY`` pointing at the server this module starts on an
  ephemeral port of 127.0.0.1. It must exit 0.
- A ```python block whose first line is ``# conftest.py`` or ``# test_<name>.py`` is a file of a user's
  test suite: the page's files are written to one folder and run by pytest (with the installed
  ``pytest_eigenpal`` plugin), and every test in them must pass.
- A ```bash block with a command of this package (``eigenpal``, ``eigenpal-dev-server``,
  ``python -m eigenpal_ext``) runs as written in bash (``set -euo pipefail``), with the same folder and
  environment. Other shell blocks (``pip install``, ``export``, ``make``) are not run here; the install
  commands are run by ``make dist`` (scripts/check_dist.py).
- A block whose first line is ``# needs an EigenPal account`` or, for a shell block, ``# runs until
  Ctrl-C`` is not run: a Python block is compiled, a shell block is parsed (``bash -n``).
- Every fenced block names its language; only python, bash, text, json, yaml and toml are allowed, so an
  example cannot escape these rules by being labelled ``py`` or ``sh``.

The examples run in parallel subprocesses (a few at a time), once for the module; each test then reports
one example. Some pages' output is also checked (``EXPECTED_OUTPUT``), so an example that runs but
silently stops doing what the page says fails too.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest

from eigenpal_ext.testing import LocalEigenpalServer
from tests.unit.test_docstrings import SURFACE

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
# A fence inside a docstring's section (indented): the indent, the language, the code up to the closing fence.
INDENTED_FENCE = re.compile(r"^([ \t]*)```([^\n`]*)\n(.*?)^\1```[ \t]*$", re.S | re.M)
LANGUAGES = {"python", "bash", "text", "json", "yaml", "toml"}
NEEDS_ACCOUNT = "# needs an EigenPal account"
RUNS_UNTIL_STOPPED = "# runs until Ctrl-C"
SUITE_FILE = re.compile(r"\A# (conftest\.py|test_\w+\.py)\b")
OUR_COMMAND = re.compile(r"^\s*(?:\w+=\$\()?(eigenpal|eigenpal-dev-server|python -m eigenpal_ext)\b", re.M)
EXAMPLE_TIMEOUT_SECONDS = 120
PARALLEL = 4

# Output that a page's examples must print (all of its examples' stdout together), by page.
EXPECTED_OUTPUT: dict[str, list[str]] = {
    "README.md": [r"exec_\w+ completed", "INV-2026-0042"],
    "docs/guides/quickstart.md": [
        r"exec_\w+ completed",
        "INV-2026-0042",
        "cancelled|cancellation-requested|already-terminal",
    ],
    "docs/guides/waiting.md": ["status: completed"],
    "docs/guides/async.md": [r"(status: \w+\n)+completed\n"],
    "docs/guides/models.md": [
        r"page of 2, 5 in all: \['\S+', '\S+'\]",
        r"request id: req_[0-9a-f]+",
        r'"createdAt": "[0-9T:.-]+Z"',
        r"exec_\w+ completed \(request req_[0-9a-f]+\)",
        r"200 application/json True",
    ],
    "docs/guides/errors.md": [r"404 exec_does_not_exist req_[0-9a-f]+"],
    "docs/guides/testing.md": [
        "200 completed INV-2026-0042",
        "True None",
        r"\['run.created', 'run.status_changed', 'run.status_changed', 'run.status_changed', 'run.status_changed'\]",
        r"\['', 'completed', 'finalizing', 'pending', 'running'\]",
    ],
    "docs/guides/batches.md": [
        r"invoice-0\.pdf INV-2026-0042",
        r"\b5 lines",
        r"\b3\n",  # the second run of the same command: three lines, rewritten from the journal
        r"completed \{'customer': 'ACME'\}",
        r"6 completed of 6 in \(\d, \d, \d\)",
        r"completed \{'customer': 'Globex'\} \['eigenpal_ext_batch', 'eigenpal_ext_input', 'team'\]",
    ],
    "docs/guides/many.md": [r"done: 0 exec_", r"done: 2 exec_", r"'invoiceNumber': 'INV-2026-0042'"],
    "docs/guides/cli.md": ["INV-2026-0042", r"wf_abc123\s+extract-invoice"],
    "docs/guides/webhooks.md": [r"\Arun finished: exec_7f3a \{'invoiceNumber': 'INV-2026-0042'\}\n\Z"],
}


@attrs.frozen
class Example:
    page: str
    line: int
    language: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def first_line(self) -> str:
        return self.code.split("\n", 1)[0].strip()

    @property
    def not_run(self) -> bool:
        return self.first_line in {NEEDS_ACCOUNT, RUNS_UNTIL_STOPPED}

    @property
    def suite_file(self) -> str | None:
        match = SUITE_FILE.match(self.code) if self.language == "python" else None
        return match[1] if match else None

    @property
    def runs(self) -> bool:
        """Whether this block is run as a program on its own (not a suite file, not marked)."""
        if self.not_run or self.suite_file:
            return False
        return self.language == "python" or (self.language == "bash" and bool(OUR_COMMAND.search(self.code)))


def examples() -> list[Example]:
    found = []
    for path in PAGES:
        text = path.read_text()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(Example(str(path.relative_to(ROOT)), line, match[1].strip(), match[2]))
    return found + docstring_examples()


def docstring_examples() -> list[Example]:
    """The fenced examples in the docstrings of the public surface (the reference pages show them); each is
    named ``docstring:<qualified name>`` and follows the pages' rules."""
    found = []
    for name, documented in sorted(SURFACE.items()):
        doc = inspect.getdoc(documented) or ""
        for match in INDENTED_FENCE.finditer(doc):
            line = doc.count("\n", 0, match.start()) + 1
            found.append(Example(f"docstring:{name}", line, match[2].strip(), textwrap.dedent(match[3])))
    return found


EXAMPLES = examples()
RUN = [example for example in EXAMPLES if example.runs]
NOT_RUN = [example for example in EXAMPLES if example.not_run]
SUITE_PAGES = sorted({example.page for example in EXAMPLES if example.suite_file})


def environment(server: LocalEigenpalServer) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    env.update(
        EIGENPAL_BASE_URL=server.base_url,
        EIGENPAL_API_KEY=server.api_key,
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",  # eigenpal, eigenpal-dev-server and python of this venv
        PYTHONIOENCODING="utf-8",
    )
    return env


@attrs.frozen
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_example(example: Example, env: dict[str, str], sample: Path, folder: Path) -> Ran:
    folder.mkdir(parents=True)
    shutil.copy(sample, folder / "contract.pdf")
    if example.language == "python":
        (folder / "example.py").write_text(example.code)
        argv = [str(BIN / "python"), "example.py"]
    else:
        argv = ["bash", "-c", f"set -euo pipefail\n{example.code}"]
    try:
        done = subprocess.run(
            argv, cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=EXAMPLE_TIMEOUT_SECONDS, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as expired:
        return Ran(-1, str(expired.stdout or ""), f"timed out after {EXAMPLE_TIMEOUT_SECONDS} s")
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as local:
        yield local


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample invoice, written by the command the docs tell readers to use."""
    folder = tmp_path_factory.mktemp("sample")
    subprocess.run(
        [str(BIN / "eigenpal-dev-server"), "--write-sample-invoice", "contract.pdf"], cwd=folder, check=True,
        capture_output=True, timeout=60,
    )  # fmt: skip
    return folder / "contract.pdf"


@pytest.fixture(scope="module")
def outcomes(server: LocalEigenpalServer, sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ran]:
    """Every runnable example, run once, a few at a time."""
    env = environment(server)
    scratch = tmp_path_factory.mktemp("examples")
    with ThreadPoolExecutor(PARALLEL) as pool:
        futures = {
            example.name: pool.submit(run_example, example, env, sample, scratch / f"example-{index}")
            for index, example in enumerate(RUN)
        }
        return {name: future.result() for name, future in futures.items()}


def test_the_examples_are_found() -> None:
    # Guards on the parsing, so that the tests below cannot pass by finding nothing.
    pages = {example.page for example in RUN}
    assert {"README.md", "docs/guides/quickstart.md", "docs/guides/cli.md", "docs/guides/async.md"} <= pages
    assert sum(example.language == "python" for example in RUN) >= 15
    assert sum(example.language == "bash" for example in RUN) >= 6
    assert "docs/guides/testing.md" in SUITE_PAGES
    assert {"docstring:Workflows.run", "docstring:Executions.run_and_wait"} <= pages
    assert any(example.first_line == RUNS_UNTIL_STOPPED for example in NOT_RUN)


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_every_fence_names_an_allowed_language(example: Example) -> None:
    assert example.language in LANGUAGES, f"{example.name}: ```{example.language} (allowed: {sorted(LANGUAGES)})"


@pytest.mark.parametrize("example", RUN, ids=[example.name for example in RUN])
def test_the_example_runs_as_written(example: Example, outcomes: dict[str, Ran]) -> None:
    ran = outcomes[example.name]
    assert ran.returncode == 0, f"{example.name} exited {ran.returncode}\n{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}"


@pytest.mark.parametrize("example", NOT_RUN, ids=[example.name for example in NOT_RUN])
def test_an_example_marked_not_run_is_still_valid_code(example: Example, tmp_path: Path) -> None:
    if example.language == "python":
        compile(example.code, example.name, "exec")
    else:
        assert example.language == "bash", f"{example.name}: only python and bash examples take a marker"
        (tmp_path / "example.sh").write_text(example.code)
        parsed = subprocess.run(["bash", "-n", "example.sh"], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert parsed.returncode == 0, parsed.stderr


@pytest.mark.parametrize("page", sorted(EXPECTED_OUTPUT))
def test_the_pages_examples_print_what_the_page_says(page: str, outcomes: dict[str, Ran]) -> None:
    printed = "\n".join(outcomes[example.name].stdout for example in RUN if example.page == page)
    assert printed, f"no example of {page} ran"
    missing = [pattern for pattern in EXPECTED_OUTPUT[page] if not re.search(pattern, printed)]
    assert missing == [], f"{page}'s examples printed:\n{printed[-3000:]}"


def test_the_uploads_reached_the_server_whole(
    server: LocalEigenpalServer, sample: Path, outcomes: dict[str, Ran]
) -> None:
    assert outcomes  # every example has run
    sha256 = hashlib.sha256(sample.read_bytes()).hexdigest()
    uploads = [stored for execution in server.store.all_executions() for stored in server.store.files_of(execution.id)]
    assert any(stored.sha256 == sha256 and stored.filename == "contract.pdf" for stored in uploads)
    assert any(stored.filename == "c.pdf" for stored in uploads)  # the file-inputs guide's in-memory upload


@pytest.mark.parametrize("page", SUITE_PAGES)
def test_the_pages_test_suite_files_pass_under_pytest(page: str, tmp_path: Path) -> None:
    files = {example.suite_file: example.code for example in EXAMPLES if example.page == page and example.suite_file}
    for name, code in files.items():
        assert name is not None
        (tmp_path / name).write_text(code)
    tests = sum(len(re.findall(r"^def test_", code, re.M)) for code in files.values())
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    done = subprocess.run(
        [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(rf"\b{tests} passed\b", done.stdout), done.stdout[-2000:]
    assert tests >= 3
