"""``eigenpal runs ...`` end to end: the CLI as a subprocess against a local EigenPal server on 127.0.0.1.

Each test runs ``python -m eigenpal_ext.cli runs ...`` with ``EIGENPAL_BASE_URL``/``EIGENPAL_API_KEY`` pointing at one
module-wide server (its root: ``/api/v1/...``; one test also under ``/v1``). Covered: start with and without
``--wait`` (a file input, ``--metadata`` stored with the run), get with ``--expand``, wait, steps, events, cancel,
list with filters and cursor paging (``--all``, ``--cursor``), the exit codes of a wait (0 completed, 1 failed,
3 cancelled, 5 timed out), 2 for a bad target, 6 for a missing run, and Ctrl-C (130, the run named and cancelled).
A run started here is an execution of the v1 surface too (one store): the checks read it back with the client.
Every wait is bounded.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from eigenpal_ext import EigenpalClient
from eigenpal_ext.testing import LocalEigenpalServer, write_sample_invoice

CLI = [sys.executable, "-m", "eigenpal_ext.cli"]
RUN_TIMEOUT_SECONDS = 30.0
RUN_ID = re.compile(r"exec_\w+")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: LocalEigenpalServer) -> Iterator[EigenpalClient]:
    with EigenpalClient(api_key=server.api_key, base_url=server.base_url) as made:
        yield made


@pytest.fixture(scope="module")
def env(server: LocalEigenpalServer) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("EIGENPAL_")}
    environment.update(EIGENPAL_BASE_URL=server.base_url, EIGENPAL_API_KEY=server.api_key, PYTHONIOENCODING="utf-8")
    return environment


def cli(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "runs", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )  # fmt: skip


def run_status(client: EigenpalClient, run_id: str) -> str:
    run = client.runs.get(run_id)
    return str(None if run.execution is None else run.execution.status)


def wait_for_status(client: EigenpalClient, run_id: str, wanted: Collection[str], timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while (status := run_status(client, run_id)) not in wanted:
        if time.monotonic() > deadline:
            pytest.fail(f"{run_id} is {status}, not one of {sorted(wanted)}, after {timeout}s")
        time.sleep(0.05)
    return status


@pytest.mark.parametrize("layout", ["", "/v1"], ids=["api-v1", "v1"])
def test_start_wait_with_a_file_prints_the_output(env: dict[str, str], tmp_path: Path, layout: str) -> None:
    write_sample_invoice(tmp_path / "contract.pdf")
    env = {**env, "EIGENPAL_BASE_URL": env["EIGENPAL_BASE_URL"] + layout}
    done = cli(env, "start", "workflows.extract-invoice", "-i", "contract_document=@contract.pdf", "--wait",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert re.search(r"^run:\s+exec_\w+$", done.stdout, re.MULTILINE)
    assert re.search(r"^status:\s+completed$", done.stdout, re.MULTILINE)
    assert "INV-2026-0042" in done.stdout

    as_json = cli(env, "start", "workflows.echo", "-i", "a:=1", "--wait", "--json")
    assert as_json.returncode == 0, as_json.stderr
    result = json.loads(as_json.stdout)
    assert (result["finished"], result["execution"]["status"], result["output"]) == (True, "completed", {"a": 1})


def test_start_prints_the_id_and_get_shows_the_metadata(env: dict[str, str], client: EigenpalClient) -> None:
    started = cli(env, "start", "workflows.echo", "-i", "note=hi", "--metadata", '{"batch": "b1"}')
    assert started.returncode == 0, started.stderr
    run_id = started.stdout.strip()
    assert RUN_ID.fullmatch(run_id)
    wait_for_status(client, run_id, {"completed"})
    shown = cli(env, "get", run_id, "--expand", "input", "--json")
    assert shown.returncode == 0, shown.stderr
    run = json.loads(shown.stdout)
    assert run["input"]["metadata"] == {"batch": "b1"}
    assert run["input"]["args"] == {"note": "hi"}
    assert run["trigger"]["type"] == "cli"
    text = cli(env, "get", run_id)
    assert re.search(r"^status:\s+completed$", text.stdout, re.MULTILINE)
    assert re.search(r"^target:\s+echo", text.stdout, re.MULTILINE)
    started_json = cli(env, "start", "workflows.echo", "--json")
    assert RUN_ID.fullmatch(json.loads(started_json.stdout)["id"])


def test_wait_steps_and_events(env: dict[str, str], client: EigenpalClient) -> None:
    run_id = client.runs.start("workflows.echo", {"a": 2}).id
    waited = cli(env, "wait", run_id, "--timeout", "20")
    assert waited.returncode == 0, waited.stderr
    assert '"a": 2' in waited.stdout
    steps = cli(env, "steps", run_id)
    assert steps.returncode == 0, steps.stderr
    assert re.search(r"^echo\s+completed\s", steps.stdout, re.MULTILINE), steps.stdout
    events = cli(env, "events", run_id, "--json")
    assert events.returncode == 0, events.stderr
    kinds = [event["type"] for event in json.loads(events.stdout)]
    assert kinds[0] == "run.created"
    assert "run.status_changed" in kinds


def test_exit_codes_of_a_wait(env: dict[str, str], client: EigenpalClient) -> None:
    failed = cli(env, "start", "workflows.fail", "--wait")
    assert failed.returncode == 1
    assert re.search(r"^status:\s+failed$", failed.stdout, re.MULTILINE)

    timed_out = cli(env, "start", "workflows.sleep", "-i", "seconds:=30", "--wait", "--timeout", "0.5", "--json")
    assert timed_out.returncode == 5
    stopped = json.loads(timed_out.stdout)
    assert stopped["outcome"] == "timeout"
    assert stopped["status"] in {"created", "pending", "running"}
    assert f"eigenpal runs wait {stopped['runId']}" in timed_out.stderr

    cancelled = cli(env, "cancel", stopped["runId"])
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.startswith(f"{stopped['runId']}: ")
    waited = cli(env, "wait", stopped["runId"], "--timeout", "20")
    assert waited.returncode == 3
    assert re.search(r"^status:\s+cancelled$", waited.stdout, re.MULTILINE)


def test_list_filters_and_pages_by_cursor(env: dict[str, str], client: EigenpalClient) -> None:
    ids = {client.runs.start("workflows.echo", {"n": n}).id for n in range(3)}
    for run_id in ids:
        wait_for_status(client, run_id, {"completed"})
    every = cli(env, "list", "--status", "completed", "--from", "now()-10m", "--all", "--limit", "1", "--json")
    assert every.returncode == 0, every.stderr
    listed = [run["id"] for run in json.loads(every.stdout)]
    assert ids <= set(listed)
    assert len(listed) == len(set(listed))

    first = cli(env, "list", "--limit", "1")
    assert first.returncode == 0, first.stderr
    cursor = re.search(r"--cursor (\S+) shows the next page", first.stderr)
    assert cursor is not None, first.stderr
    second = cli(env, "list", "--limit", "1", "--cursor", cursor.group(1), "--json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)[0]["id"] not in first.stdout

    none = cli(env, "list", "--to", "now()-30d")
    assert none.returncode == 0
    assert "no runs found" in none.stderr


def test_usage_and_api_errors(env: dict[str, str]) -> None:
    bad_target = cli(env, "start", "echo")
    assert bad_target.returncode == 2
    assert "TARGET must be workflows.<slug> or agents.<slug>" in bad_target.stderr
    bad_metadata = cli(env, "start", "workflows.echo", "--metadata", "[1]")
    assert bad_metadata.returncode == 2
    assert "--metadata must be a JSON object" in bad_metadata.stderr
    missing = cli(env, "get", "exec_does_not_exist")
    assert missing.returncode == 6
    assert re.fullmatch(r"error: HTTP 404: .*exec_does_not_exist.* \(request id req_\w+\)\n", missing.stderr)


def test_ctrl_c_names_the_run_and_cancels_it(env: dict[str, str], client: EigenpalClient) -> None:
    process = subprocess.Popen(
        [*CLI, "runs", "start", "workflows.sleep", "-i", "seconds:=30", "--wait", "--cancel-on-interrupt", "--json"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    run_id = None
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while run_id is None and time.monotonic() < deadline:
        line = process.stderr.readline()  # the progress lines: "exec_... running (0.6s)"
        match = re.match(r"^(exec_\w+) running ", line)
        run_id = match.group(1) if match else None
        if not line:
            break
    assert run_id is not None, "no running line"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
    assert process.returncode == 130
    assert f"interrupted: run {run_id} is still running" in err
    stopped = json.loads(out)
    assert (stopped["runId"], stopped["outcome"]) == (run_id, "interrupted")
    assert stopped["cancel"]["id"] == run_id
    assert wait_for_status(client, run_id, {"cancelled"}) == "cancelled"
