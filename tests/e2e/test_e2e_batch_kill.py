"""``eigenpal batch`` killed and interrupted for real, then resumed, against the local server (issue 17).

SIGKILL at seeded random moments: a batch of 10 files runs through a gateway that delays each run's answer
after the server created the execution (so a kill often lands between "sent" and "id known", the window
that duplicates or loses executions), is killed once or twice, then run to its end with the same command.
The executions the server holds are counted per file:

- ``honour`` (the server deduplicates by ``Idempotency-Key``, as the local server does by default): exactly
  one execution per file, every file completed, one output line each;
- ``ignore`` (it does not, as EigenPal documents): at most one execution per file, and every file whose
  execution id never arrived is listed as unknown (exit 1), never silently run twice.

SIGINT: exit 130 within a bound, every started execution in the journal, and the same command run again
finishes the batch without a duplicate (``--cancel-on-interrupt`` cancels the running ones instead).

"Within a bound" is bounded polling with a generous bound for a loaded machine; the time taken is printed.
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig
from tests.e2e.gateway import Gateway, LateRunAnswers, kill_after_some_runs
from tests.support import until

FILES = 10
SEEDS = (1, 2, 3)
INTERRUPT_BOUND_SECONDS = 5.0  # the issue asks for 3 s; the bound leaves room for a loaded machine
RUN_BOUND_SECONDS = 60.0


def documents(folder: Path, tag: str) -> list[Path]:
    folder.mkdir(parents=True)
    paths = [folder / f"{tag}-doc-{number}.pdf" for number in range(FILES)]
    for number, path in enumerate(paths):
        path.write_bytes(f"%PDF-1.4 {tag} {number}\n".encode())
    return paths


def batch_command(folder: Path, journal: Path, output: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "eigenpal_ext", "batch", "echo", str(folder), "--field", "doc", "--journal", str(journal),
        "--output", str(output), "--concurrency", "4", "--poll-interval", "0.2", *extra,
    ]  # fmt: skip


def environment(base_url: str, api_key: str) -> dict[str, str]:
    return {**os.environ, "EIGENPAL_BASE_URL": base_url, "EIGENPAL_API_KEY": api_key, "PYTHONUNBUFFERED": "1"}


def executions_per_file(server: LocalEigenpalServer, tag: str) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for execution in server.store.all_executions():
        for stored in server.store.files_of(execution.id):
            if stored.filename.startswith(f"{tag}-"):
                counts[stored.filename] += 1
    return counts


def output_lines(output: Path, *, killed: bool = False) -> list[dict[str, Any]]:
    """The output's lines, each whole JSON. After a kill, the very last line may lack its newline (the kernel can
    cut a write short when the process dies in it); it is cut short then, and the next run repairs it."""
    text = output.read_text()
    whole, _, cut = text.rpartition("\n")
    assert killed or cut == ""  # a finished run's output ends with a whole line
    return [json.loads(line) for line in whole.splitlines()]


@pytest.fixture(params=["honour", "ignore"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(mode: str) -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(workers=8, idempotency_keys=mode)) as local:  # type: ignore[arg-type]
        yield local


def test_a_batch_killed_at_seeded_moments_never_duplicates_an_execution(
    mode: str, server: LocalEigenpalServer, tmp_path: Path
) -> None:
    for seed in SEEDS:
        draw = random.Random(seed)
        tag = f"{mode}{seed}"
        folder, journal, output = tmp_path / tag, tmp_path / f"{tag}.journal", tmp_path / f"{tag}.jsonl"
        paths = documents(folder, tag)
        policy = LateRunAnswers(seed)
        with Gateway(server.base_url, policy) as gateway:
            env = environment(gateway.base_url, server.api_key)
            command = batch_command(folder, journal, output)
            for _ in range(1 + seed % 2):  # seeds 1 and 3 are killed once, seed 2 twice
                kill_after_some_runs(command, env, policy, runs=draw.randint(1, 5), then=draw.uniform(0.0, 0.3))
                if output.exists():
                    output_lines(output, killed=True)  # whole lines, but for a last line cut short
            final = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=RUN_BOUND_SECONDS, check=False
            )
        counts = executions_per_file(server, tag)
        lines = output_lines(output)
        by_file = {Path(line["file"]).name: line for line in lines}
        print(f"{mode}, seed {seed}: runs forwarded {policy.runs}, executions per file {dict(sorted(counts.items()))}")
        print(f"  final run exit {final.returncode}: {final.stderr.strip()}")
        assert len(lines) == FILES == len(by_file)  # one line per file, none twice
        assert set(by_file) == {path.name for path in paths}
        assert all(count <= 1 for count in counts.values()), counts  # never a duplicate
        if mode == "honour":
            assert final.returncode == 0, final.stderr
            assert all(counts[path.name] == 1 for path in paths), counts  # exactly once
            assert all(line["status"] == "completed" for line in lines)
            assert {line["executionId"] for line in lines} == {
                e.id for e in server.store.all_executions() if executions_of_tag(server, e.id, tag)
            }
        else:
            unknown = {name for name, line in by_file.items() if line["status"] == "unknown"}
            for name, line in by_file.items():
                if line["status"] == "completed":
                    assert counts[name] == 1
                else:
                    assert line["status"] == "unknown", line
                    assert name in final.stderr  # listed, not silently resent
            assert final.returncode == (1 if unknown else 0)


def executions_of_tag(server: LocalEigenpalServer, execution_id: str, tag: str) -> bool:
    return any(stored.filename.startswith(f"{tag}-") for stored in server.store.files_of(execution_id))


def journaled_ids(journal: Path) -> set[str]:
    """The execution ids in the journal, read beside it (a reader, as any process may)."""
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT execution_id FROM inputs WHERE execution_id IS NOT NULL")}


@pytest.mark.parametrize("cancel", [False, True], ids=["keep-running", "cancel-on-interrupt"])
def test_ctrl_c_exits_130_at_once_with_every_id_journaled_and_the_same_command_resumes(
    cancel: bool, tmp_path: Path
) -> None:
    with LocalEigenpalServer(ServerConfig(workers=8)) as server:
        folder, journal, output = tmp_path / "docs", tmp_path / "j", tmp_path / "out.jsonl"
        paths = documents(folder, "int")
        extra = ["-i", "seconds:=2", "--cancel-on-interrupt"] if cancel else ["-i", "seconds:=2"]
        command = batch_command(folder, journal, output, *extra)
        command[command.index("echo")] = "sleep"
        env = environment(server.base_url, server.api_key)
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def running() -> list[str]:
            return [e.id for e in server.store.all_executions() if e.status == "running"]

        assert until(lambda: len(running()) == 4)
        started = set(running())
        child.send_signal(signal.SIGINT)
        sent = time.monotonic()
        exited = until(lambda: child.poll() is not None, timeout=INTERRUPT_BOUND_SECONDS)
        took = time.monotonic() - sent
        if not exited:
            child.kill()
        _out, err = child.communicate(timeout=10)
        print(f"SIGINT ({'cancel' if cancel else 'keep'}): exit {child.returncode} {took:.2f}s after; {err.strip()}")
        assert exited, err
        assert child.returncode == 130, err
        assert "run the same command again to resume" in err
        assert started <= journaled_ids(journal)  # every started execution's id is in the journal
        if cancel:
            assert until(lambda: all(server.store.get(i).status == "cancelled" for i in started))  # type: ignore[union-attr]
        created_before_resume = server.store.count_executions()
        assert created_before_resume == 4  # nothing was started after the interrupt

        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RUN_BOUND_SECONDS, check=False)
        counts = executions_per_file(server, "int")
        print(f"  resumed: exit {final.returncode}; executions per file {dict(sorted(counts.items()))}")
        assert all(counts[path.name] == 1 for path in paths), counts  # resumed without a duplicate
        lines = output_lines(output)
        assert len(lines) == FILES
        statuses = collections.Counter(line["status"] for line in lines)
        if cancel:
            assert statuses == {"completed": 6, "cancelled": 4}
            assert final.returncode == 1
        else:
            assert statuses == {"completed": 10}
            assert final.returncode == 0


LIBRARY_CHILD = """
import json, sys
from eigenpal_ext import BatchInterrupted, EigenpalClient

base_url, journal = sys.argv[1], sys.argv[2]
inputs = [{"seconds": 30, "n": n} for n in range(6)]
print("started", flush=True)
with EigenpalClient(api_key="eg_dev_local_key", base_url=base_url) as client:
    try:
        for _ in client.workflows.executions.run_batch(
            "sleep", inputs, journal=journal, concurrency=3, cancel_on_interrupt=True
        ):
            pass
    except BatchInterrupted as stopped:
        report = {
            "running": stopped.running_ids, "cancelled": stopped.cancelled_ids, "unknown": stopped.unknown_keys,
            "journal": str(stopped.journal), "keyboard_interrupt": isinstance(stopped, KeyboardInterrupt),
        }
        print(json.dumps(report), flush=True)
"""


def test_ctrl_c_in_the_library_raises_batch_interrupted_naming_and_cancelling_what_runs(tmp_path: Path) -> None:
    with LocalEigenpalServer(ServerConfig(workers=8)) as server:
        journal = tmp_path / "j"
        child = subprocess.Popen(
            [sys.executable, "-c", LIBRARY_CHILD, server.base_url, str(journal)], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "started"
        assert until(lambda: sum(e.status == "running" for e in server.store.all_executions()) == 3)
        child.send_signal(signal.SIGINT)
        assert until(lambda: child.poll() is not None, timeout=INTERRUPT_BOUND_SECONDS)
        out, err = child.communicate(timeout=10)
        report = json.loads(out.strip().splitlines()[-1])
        started = {e.id for e in server.store.all_executions()}
        assert report["keyboard_interrupt"], err
        assert set(report["running"]) == set(report["cancelled"]) == started
        assert (report["unknown"], report["journal"]) == ([], str(journal))
        assert until(lambda: all(e.status == "cancelled" for e in server.store.all_executions()))
        assert journaled_ids(journal) == started
