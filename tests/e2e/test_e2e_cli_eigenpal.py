"""The ``eigenpal`` command end to end: the CLI as a subprocess against a local EigenPal server on 127.0.0.1.

Each test runs ``python -m eigenpal_ext.cli`` (or, for the README examples, the literal shell lines through
bash with an ``eigenpal`` shim on PATH) with ``EIGENPAL_BASE_URL``/``EIGENPAL_API_KEY`` pointing at one
module-wide server. Covered: results on stdout (table and JSON, JSON through a pipe into
``python -m json.tool``), progress on stderr in a pseudo-terminal (live redrawn line) and in a pipe (plain
lines; ``eigenpal batch``'s live line on a terminal only), every exit code (0 1 2 3 4 5 6 7 130), Ctrl-C with
and without ``--cancel-on-interrupt``, and ``--all`` paging. Every wait is bounded; the whole file takes well
under 40 s.
"""

from __future__ import annotations

import json
import os
import pty
import queue
import re
import select
import shlex
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import IO

import attrs
import httpx
import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext.cli._progress import ASCII_SPINNER, CLEAR_TO_END_OF_LINE, UNICODE_SPINNER
from eigenpal_ext.testing import LocalEigenpalServer, write_sample_invoice

CLI = [sys.executable, "-m", "eigenpal_ext.cli"]
RUN_TIMEOUT_SECONDS = 20.0
STATUS_LINE = re.compile(r"^(exec_\w+) (\w+) \((\d+\.\d)s\)$")
SPINNER_CHARS = set(UNICODE_SPINNER + ASCII_SPINNER)


# --------------------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="module")
def cli_server() -> Iterator[LocalEigenpalServer]:
    """One server for the whole file: starting one per test would cost more than the tests themselves."""
    with LocalEigenpalServer() as server:
        yield server


@pytest.fixture(scope="module")
def cli_client(cli_server: LocalEigenpalServer) -> Iterator[EigenpalClient]:
    with EigenpalClient(api_key=cli_server.api_key, base_url=cli_server.base_url) as client:
        yield client


@pytest.fixture(scope="module")
def cli_env(cli_server: LocalEigenpalServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of every CLI subprocess, with ``eigenpal`` and ``python`` shims first on PATH."""
    shims = tmp_path_factory.mktemp("bin")
    for name, command in (("eigenpal", [*CLI]), ("python", [sys.executable])):
        shim = shims / name
        shim.write_text(f'#!/bin/sh\nexec {shlex.join(command)} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    env.update(
        EIGENPAL_BASE_URL=cli_server.base_url,
        EIGENPAL_API_KEY=cli_server.api_key,
        PATH=f"{shims}{os.pathsep}{env.get('PATH', '')}",
        PYTHONIOENCODING="utf-8",
    )
    return env


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working directory holding the sample invoice as ``contract.pdf`` (INV-2026-0042)."""
    write_sample_invoice(tmp_path / "contract.pdf")
    return tmp_path


def cli(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
    )


def shell(env: dict[str, str], script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run README lines verbatim with bash (``set -e``: a failing line fails the script)."""
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail\n{script}"], env=env, cwd=cwd, capture_output=True, text=True,
        timeout=RUN_TIMEOUT_SECONDS, check=False,
    )  # fmt: skip


class LineReader:
    """Reads a subprocess pipe on a thread, so a test can wait for a line with a deadline."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if predicate(line):
                return line
        pytest.fail(f"no matching line within {timeout}s; got {self.lines!r}")

    def rest(self, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
        return self.lines


@attrs.define
class Running:
    """A CLI subprocess whose stdout and stderr are each read by a ``LineReader``."""

    process: subprocess.Popen[str]
    out: LineReader
    err: LineReader

    def finish(self, timeout: float = 15.0) -> tuple[int, str, str]:
        """Wait for the exit; return the exit code, stdout and stderr."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the CLI did not exit within {timeout}s")
        return code, "\n".join(self.out.rest()), "\n".join(self.err.rest())


def start(env: dict[str, str], *args: str) -> Running:
    """Start the CLI with stdin closed (not a terminal), reading stdout and stderr line by line."""
    process = subprocess.Popen(
        [*CLI, *args], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stderr is not None
    return Running(process, LineReader(process.stdout), LineReader(process.stderr))


def first_status_line(reader: LineReader) -> tuple[str, str]:
    match = STATUS_LINE.match(reader.wait_for(lambda line: STATUS_LINE.match(line) is not None))
    assert match is not None
    return match.group(1), match.group(2)


def wait_for_status(client: EigenpalClient, execution_id: str, wanted: Collection[str], timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        status = str(client.workflows.executions.get(execution_id).status)
        if status in wanted:
            return status
        if time.monotonic() > deadline:
            pytest.fail(f"{execution_id} is {status}, not one of {sorted(wanted)}, after {timeout}s")
        time.sleep(0.05)


class PtySession:
    """The CLI with stdin, stdout and stderr on a pseudo-terminal, as in an interactive shell."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.master, slave = pty.openpty()
        termios.tcsetwinsize(slave, (24, 100))
        self.process = subprocess.Popen([*CLI, *args], env=env, stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        self.output = b""

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def read_until(self, predicate: Callable[[str], bool], timeout: float = 10.0) -> bool:
        """Read until ``predicate(all output so far)`` holds or the terminal closes; False on the deadline."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.text):
                return True
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: every holder of the terminal's other end has closed it
                return predicate(self.text)
            if not chunk:
                return predicate(self.text)
            self.output += chunk
        return predicate(self.text)

    def write(self, text: str) -> None:
        os.write(self.master, text.encode())

    def finish(self, timeout: float = 15.0) -> int:
        self.read_until(lambda _text: False, timeout=timeout)  # returns once the terminal closes
        try:
            code = self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail("the CLI did not exit")
        finally:
            os.close(self.master)
        return code


# --------------------------------------------------------------------------------------------------------
# Results and exit code 0


def test_run_extract_invoice_wait_prints_the_result(cli_env: dict[str, str], workdir: Path) -> None:
    done = cli(cli_env, "run", "extract-invoice", "-i", "contract_document=@contract.pdf", "--wait", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert "INV-2026-0042" in done.stdout
    assert re.search(r"^status:\s+completed$", done.stdout, re.MULTILINE)
    assert re.search(r"^execution:\s+exec_\w+$", done.stdout, re.MULTILINE)


def test_run_json_is_parseable_and_pipes_into_json_tool(cli_env: dict[str, str], workdir: Path) -> None:
    done = cli(cli_env, "--json", "run", "extract-invoice", "-i", "contract_document=@contract.pdf", "--wait",
               cwd=workdir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert parsed["status"] == "completed"
    assert parsed["result"]["fields"]["invoiceNumber"] == "INV-2026-0042"

    producer = subprocess.Popen(
        [*CLI, "run", "extract-invoice", "-i", "contract_document=@contract.pdf", "--wait", "--json"],
        env=cli_env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert producer.stdout is not None
    tool = subprocess.run(
        [sys.executable, "-m", "json.tool"], stdin=producer.stdout, capture_output=True, text=True,
        timeout=RUN_TIMEOUT_SECONDS, check=False,
    )  # fmt: skip
    producer.stdout.close()
    assert producer.wait(timeout=RUN_TIMEOUT_SECONDS) == 0
    assert tool.returncode == 0, tool.stderr
    assert json.loads(tool.stdout)["result"]["fields"]["invoiceNumber"] == "INV-2026-0042"


def test_exit_0_echo_with_json_and_text_inputs(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "run", "echo", "-i", "greeting=hello", "-i", "n:=3", "-i", 'tags:=["a","b"]', "-i", "id=7",
               "-i", "version=1.10", "-i", "big=1e400", "-i", "zip=01234", "-i", "handle=@@me", "-i", 'quoted:="7"',
               "--wait", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == {
        "greeting": "hello", "n": 3, "tags": ["a", "b"], "id": "7", "version": "1.10", "big": "1e400",
        "zip": "01234", "handle": "@me", "quoted": "7",
    }  # fmt: skip


def test_run_without_wait_prints_the_execution_id(cli_env: dict[str, str], cli_client: EigenpalClient) -> None:
    done = cli(cli_env, "run", "echo", "-i", "n=1")
    assert done.returncode == 0, done.stderr
    execution_id = done.stdout.strip()
    assert re.fullmatch(r"exec_\w+", execution_id)
    assert cli_client.workflows.executions.get(execution_id).execution_id == execution_id
    as_json = cli(cli_env, "run", "echo", "--json")
    assert set(json.loads(as_json.stdout)) == {"executionId"}


def test_workflows_list_table_has_the_builtin_workflows(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "workflows", "list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "VERSION", "UPDATED"]
    names = {line.split()[1] for line in lines[1:]}
    assert {"extract-invoice", "echo", "sleep", "fail", "review"} <= names


def test_executions_list_all_follows_every_page(cli_env: dict[str, str], cli_client: EigenpalClient) -> None:
    for n in range(5):
        cli_client.workflows.run("echo", {"n": n})
    expected = {item.id for item in cli_client.workflows.executions.list("echo", limit=100).data}
    assert len(expected) >= 5

    everything = cli(cli_env, "executions", "list", "echo", "--all", "--limit", "2", "--json")
    assert everything.returncode == 0, everything.stderr
    assert {item["id"] for item in json.loads(everything.stdout)} >= expected

    one_page = cli(cli_env, "executions", "list", "echo", "--limit", "2", "--json")
    assert len(json.loads(one_page.stdout)) == 2
    table = cli(cli_env, "executions", "list", "echo", "--limit", "2")
    assert "--all lists them all" in table.stderr
    assert table.stdout.splitlines()[0].split() == ["ID", "STATUS", "CREATED", "DURATION"]


# --------------------------------------------------------------------------------------------------------
# Progress: a terminal gets a live line, a pipe gets plain lines


def test_wait_in_a_terminal_shows_a_live_progress_line(cli_env: dict[str, str]) -> None:
    session = PtySession(cli_env, "run", "sleep", "-i", "seconds:=1.5", "--wait")
    code = session.finish(timeout=15.0)
    assert code == 0, session.text
    text = session.text
    redraws = re.findall(r"\r(?!\n)([^\r\n]*)", text)  # the terminal turns "\n" into "\r\n"; those are not redraws
    assert len(redraws) >= 8, text
    assert text.count(CLEAR_TO_END_OF_LINE) >= 8
    assert any(redraw[:1] in SPINNER_CHARS for redraw in redraws)
    assert len({redraw[0] for redraw in redraws if redraw[:1] in SPINNER_CHARS}) >= 3  # the spinner turns
    assert any(" running " in redraw for redraw in redraws)
    elapsed = {float(value) for value in re.findall(r" (\d+\.\d)s", "\n".join(redraws))}
    assert len(elapsed) >= 8  # redrawn about ten times a second, not only on status changes
    assert max(elapsed) >= 1.4
    assert re.search(r"exec_\w+ completed \d+\.\ds" + re.escape(CLEAR_TO_END_OF_LINE) + r"\r\n", text)
    assert '"slept": 1.5' in text


def test_wait_in_a_pipe_prints_one_plain_line_per_status_change(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "run", "sleep", "-i", "seconds:=1.5", "--wait")
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr
    assert "\x1b" not in done.stderr
    lines = done.stderr.splitlines()
    matches = [STATUS_LINE.match(line) for line in lines]
    assert all(matches), lines
    statuses = [match.group(2) for match in matches if match]
    assert statuses[-1] == "completed"
    assert "running" in statuses
    assert len(statuses) == len(set(statuses))  # a line per change, not per poll
    assert len({match.group(1) for match in matches if match}) == 1


def batch_of_sleeps(folder: Path, name: str) -> list[str]:
    """``eigenpal batch sleep`` over four 0.5 s runs, two at a time, with its journal and output in ``folder``."""
    rows = folder / "rows.jsonl"
    rows.write_text("".join(f'{{"seconds": 0.5, "n": {number}}}\n' for number in range(4)))
    return ["batch", "sleep", "--inputs", str(rows), "--journal", str(folder / f"{name}.journal"),
            "--output", str(folder / f"{name}.jsonl"), "--concurrency", "2", "--poll-interval", "0.2"]  # fmt: skip


def test_batch_in_a_terminal_shows_a_live_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    session = PtySession(cli_env, *batch_of_sleeps(tmp_path, "live"))
    code = session.finish(timeout=RUN_TIMEOUT_SECONDS)
    assert code == 0, session.text
    redraws = re.findall(r"\r(?!\n)([^\r\n]*)", session.text)
    assert any(redraw[:1] in SPINNER_CHARS and " running" in redraw for redraw in redraws), session.text
    assert any(re.search(r"[1-3]/4 done, \d running, [\d.]+/(s|min), about [\d.]+(s|m)\w* left", r) for r in redraws)
    # The last state stays on the line, without the spinner, then the summary.
    assert re.search(r"\r4/4 done, 0 running, [\d.]+/(s|min)" + re.escape(CLEAR_TO_END_OF_LINE) + r"\r\n", session.text)
    assert "4 inputs: 4 completed, 0 did not" in session.text


def test_batch_in_a_pipe_prints_only_its_summary(cli_env: dict[str, str], tmp_path: Path) -> None:
    done = cli(cli_env, *batch_of_sleeps(tmp_path, "piped"))
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr
    assert "\x1b" not in done.stderr
    assert done.stderr.splitlines()[0] == "4 inputs: 4 completed, 0 did not"
    assert len((tmp_path / "piped.jsonl").read_text().splitlines()) == 4


# --------------------------------------------------------------------------------------------------------
# Exit codes 1 to 7


def test_exit_1_when_the_execution_fails(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "run", "fail", "--wait")
    assert done.returncode == 1
    assert re.search(r"^status:\s+failed$", done.stdout, re.MULTILINE)
    assert "the fail workflow failed" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bogus"], "invalid choice: 'bogus'"),
        (["run", "extract-invoice", "-i", "contract_document=@missing.pdf"], "input 'contract_document': file not"),
        # A near-miss of a known status is refused before any request (other values go to the server).
        (["executions", "list", "echo", "--status", "completd"], "--status 'completd' is not an execution status"),
        (["executions", "list", "echo", "--from", "yesterday"], "argument --from: not a date: 'yesterday'; use ISO"),
        (["run", "echo", "--version", "1.0.0"], "pin the workflow version with --workflow-version 1.0.0"),
    ],
)
def test_exit_2_on_usage_errors(cli_env: dict[str, str], args: list[str], message: str, workdir: Path) -> None:
    done = cli(cli_env, *args, cwd=workdir)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_exit_2_without_an_api_key(cli_env: dict[str, str]) -> None:
    env = {key: value for key, value in cli_env.items() if key != "EIGENPAL_API_KEY"}
    done = cli(env, "workflows", "list")
    assert done.returncode == 2
    assert "--api-key" in done.stderr
    assert "EIGENPAL_API_KEY" in done.stderr


def test_exit_3_when_cancelled_while_waiting(cli_env: dict[str, str], cli_client: EigenpalClient) -> None:
    execution_id = cli_client.workflows.run("sleep", {"seconds": 10}).execution_id
    wait_for_status(cli_client, execution_id, {"running"})
    running = start(cli_env, "executions", "wait", execution_id, "--poll-interval", "0.2")
    assert first_status_line(running.err) == (execution_id, "running")
    cli_client.workflows.executions.cancel(execution_id)
    code, out, _ = running.finish()
    assert code == 3
    assert re.search(r"^status:\s+cancelled$", out, re.MULTILINE)


def test_exit_4_when_the_review_is_rejected(
    cli_env: dict[str, str], cli_server: LocalEigenpalServer, cli_client: EigenpalClient
) -> None:
    running = start(cli_env, "run", "review", "-i", "invoice=42", "--wait", "--poll-interval", "0.2")
    execution_id, _ = first_status_line(running.err)
    wait_for_status(cli_client, execution_id, {"waiting"})
    rejected = httpx.post(
        f"{cli_server.base_url}/admin/executions/{execution_id}/reject",
        headers={"Authorization": f"Bearer {cli_server.api_key}"},
        timeout=10.0,
    )
    assert rejected.status_code == 200, rejected.text
    code, out, _ = running.finish()
    assert code == 4
    assert re.search(r"^status:\s+rejected$", out, re.MULTILINE)


def test_exit_5_on_timeout_names_the_execution_and_last_status(cli_env: dict[str, str]) -> None:
    # The run sleeps 30 s: a command that waited for it instead of its 0.5 s deadline would report a terminal
    # status (and take 30 s); the last status named below must be one of a run still going.
    done = cli(cli_env, "run", "sleep", "-i", "seconds:=30", "--wait", "--timeout", "0.5")
    assert done.returncode == 5
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    match = re.search(r"execution (exec_\w+) did not finish within 0.5s \(last status: (\w+)", errors[0])
    assert match is not None, errors
    assert match.group(2) in {"created", "pending", "running"}
    assert f"eigenpal executions wait {match.group(1)}" in errors[0]
    assert "Traceback" not in done.stderr


def test_json_timeout_prints_one_object_with_the_execution_and_last_status(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "run", "sleep", "-i", "seconds:=5", "--wait", "--timeout", "0.5", "--json")
    assert done.returncode == 5
    stopped = json.loads(done.stdout)  # one JSON document, nothing else on stdout
    assert re.fullmatch(r"exec_\w+", stopped["executionId"])
    assert stopped["status"] in {"created", "pending", "running"}
    assert stopped["outcome"] == "timeout"
    assert len([line for line in done.stderr.splitlines() if line.startswith("error:")]) == 1

    shown = cli(cli_env, "executions", "get", stopped["executionId"], "--json")
    assert shown.returncode == 0, shown.stderr
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", json.loads(shown.stdout)["createdAt"])


def test_exit_6_on_an_api_error_with_its_request_id(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "executions", "get", "exec_does_not_exist")
    assert done.returncode == 6
    assert done.stdout == ""
    assert re.fullmatch(r"error: HTTP 404: .*exec_does_not_exist.* \(request id req_\w+\)\n", done.stderr)


def test_a_status_the_client_does_not_know_is_judged_by_the_server(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "executions", "list", "echo", "--status", "done")
    assert done.returncode == 6
    assert re.fullmatch(r"error: HTTP 400: query\.status: .*'done'.* \(request id req_\w+\)\n", done.stderr)


def test_exit_7_on_a_connection_error(cli_env: dict[str, str]) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, and now has nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = cli(cli_env, "--base-url", f"http://127.0.0.1:{port}", "workflows", "list")
    assert done.returncode == 7
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("error: ")
    assert cli_env["EIGENPAL_API_KEY"] not in done.stderr


# --------------------------------------------------------------------------------------------------------
# Ctrl-C: exit 130, the execution id is always printed


def test_exit_130_on_sigint_cancels_with_cancel_on_interrupt(
    cli_env: dict[str, str], cli_client: EigenpalClient
) -> None:
    running = start(cli_env, "run", "sleep", "-i", "seconds:=10", "--wait", "--cancel-on-interrupt")
    execution_id, _ = first_status_line(running.err)
    running.process.send_signal(signal.SIGINT)
    code, out, err = running.finish()
    assert code == 130
    assert f"interrupted: execution {execution_id} is still running" in err
    assert f"{execution_id}: cancel" in err  # "cancelled" or "cancellation-requested"
    assert "Traceback" not in err
    assert out == ""
    assert wait_for_status(cli_client, execution_id, {"cancelled"}) == "cancelled"


def test_sigint_with_json_prints_one_object_naming_the_execution(
    cli_env: dict[str, str], cli_client: EigenpalClient
) -> None:
    running = start(cli_env, "run", "sleep", "-i", "seconds:=10", "--wait", "--json", "--cancel-on-interrupt")
    execution_id, _ = first_status_line(running.err)
    running.process.send_signal(signal.SIGINT)
    code, out, err = running.finish()
    assert code == 130
    stopped = json.loads(out)
    assert stopped["executionId"] == execution_id
    assert stopped["status"] in {"created", "pending", "running"}
    assert stopped["outcome"] == "interrupted"
    assert stopped["cancel"]["executionId"] == execution_id
    assert "Traceback" not in err
    assert wait_for_status(cli_client, execution_id, {"cancelled"}) == "cancelled"


def test_sigint_in_a_terminal_asks_before_cancelling(cli_env: dict[str, str], cli_client: EigenpalClient) -> None:
    session = PtySession(cli_env, "run", "sleep", "-i", "seconds:=10", "--wait")
    assert session.read_until(lambda text: " running " in text), session.text
    session.process.send_signal(signal.SIGINT)
    assert session.read_until(lambda text: "[y/N]" in text), session.text
    session.write("y\n")
    code = session.finish()
    match = re.search(r"Cancel execution (exec_\w+)\? \[y/N\]", session.text)
    assert code == 130
    assert match is not None
    assert f"interrupted: execution {match.group(1)} is still running" in session.text
    assert wait_for_status(cli_client, match.group(1), {"cancelled"}) == "cancelled"


# --------------------------------------------------------------------------------------------------------
# Examples of the command-line guide (docs/guides/cli.md), verbatim, with their output checked (every example
# of the guide runs in tests/e2e/test_e2e_docs.py)


def test_readme_run_examples(cli_env: dict[str, str], workdir: Path) -> None:
    done = shell(cli_env, "eigenpal run extract-invoice -i contract_document=@contract.pdf -i language=en --wait",
                 workdir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "INV-2026-0042" in done.stdout

    done = shell(cli_env, "eigenpal run extract-invoice -i contract_document=@contract.pdf --wait --json "
                 "| python -m json.tool", workdir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["fields"]["invoiceNumber"] == "INV-2026-0042"

    command = """eigenpal run echo -i note=hello -i version=1.10 -i count:=2 -i 'tags:=["a","b"]' --wait --json"""
    done = shell(cli_env, command, workdir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == {"note": "hello", "version": "1.10", "count": 2, "tags": ["a", "b"]}


def test_readme_executions_examples(cli_env: dict[str, str], workdir: Path) -> None:
    script = """
ID=$(eigenpal run sleep -i seconds:=2)
eigenpal executions get "$ID" --steps
eigenpal executions wait "$ID" --timeout 30
eigenpal executions cancel "$ID"
eigenpal executions list sleep --status completed,cancelled --from 'now()-1h' --all --json
"""
    done = shell(cli_env, script, workdir)
    assert done.returncode == 0, done.stderr
    execution_id = done.stdout.split()[1]  # "execution:  exec_..." opens the `get` block
    assert re.fullmatch(r"exec_\w+", execution_id)
    assert "steps:" in done.stdout
    assert f"{execution_id}: already-terminal (was completed)" in done.stdout
    listed = json.loads(done.stdout[done.stdout.index("\n[") :])
    assert execution_id in {item["id"] for item in listed}


def test_readme_workflows_examples(cli_env: dict[str, str], workdir: Path) -> None:
    script = """
eigenpal workflows list
eigenpal workflows list --kind block --json
eigenpal workflows get extract-invoice
eigenpal workflows versions extract-invoice
"""
    done = shell(cli_env, script, workdir)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^wf_abc123\s+extract-invoice\s+1\.1\.0", done.stdout, re.MULTILINE)
    assert '"name": "fail"' in done.stdout
    assert re.search(r"^name:\s+extract-invoice$", done.stdout, re.MULTILINE)
    assert re.search(r"^wfh_extract_invoice_110\s+1\.1\.0\s+yes", done.stdout, re.MULTILINE)
