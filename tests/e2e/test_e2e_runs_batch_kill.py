"""``client.runs.run_batch`` killed for real and resumed, against the local server that does *not* honour
``Idempotency-Key`` (``idempotency_keys="ignore"``, as EigenPal documents its runs API): exactly one run per
input, by reconciliation instead of keys.

A batch of 10 JSON inputs runs in a child process through a gateway that holds back each run's answer a
seeded random 0..0.4 s *after* the server created the run, so a kill often lands between "sent" and "id
known" (the window that duplicates or loses runs). Each seed kills the batch once or twice (SIGKILL, at a
seeded moment after a seeded number of runs reached the server), then runs it to its end with the same
journal. The runs the server holds are counted per input by their tags: exactly one each, every input
completed, one output line each, and the journal's unknown inputs were adopted, not resent (the server saw
exactly one run per input, so nothing was sent twice).
"""

from __future__ import annotations

import collections
import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eigenpal_ext._batch_surface import TAG_BATCH, TAG_INPUT
from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig
from tests.e2e.gateway import Gateway, LateRunAnswers, is_run_start, kill_after_some_runs

INPUTS = 10
SEEDS = (1, 2)
RUN_BOUND_SECONDS = 60.0

BATCH = """
import sys
from eigenpal_ext import EigenpalClient

journal, output = sys.argv[1], sys.argv[2]
with EigenpalClient() as client:
    batch = client.runs.run_batch(
        "workflows.echo", ({"n": n} for n in range({inputs})), journal=journal, output=output, concurrency=4,
        poll_interval_seconds=0.2,
    )
    failed = 0
    for outcome in batch:
        failed += not outcome.succeeded
        print(outcome.key, outcome.status, outcome.execution_id, flush=True)
sys.exit(1 if failed else 0)
""".replace("{inputs}", str(INPUTS))


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(workers=8, idempotency_keys="ignore")) as local:
        yield local


def environment(base_url: str, api_key: str) -> dict[str, str]:
    return {**os.environ, "EIGENPAL_BASE_URL": base_url, "EIGENPAL_API_KEY": api_key, "PYTHONUNBUFFERED": "1"}


def journal_state(journal: Path) -> tuple[str, collections.Counter[str]]:
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
        batch_id = str(db.execute("SELECT batch_id FROM batch").fetchone()[0])
        states = collections.Counter(str(row[0]) for row in db.execute("SELECT state FROM inputs"))
    return batch_id, states


@pytest.mark.parametrize("seed", SEEDS)
def test_a_runs_batch_killed_at_seeded_moments_makes_exactly_one_run_per_input(
    seed: int, server: LocalEigenpalServer, tmp_path: Path
) -> None:
    draw = random.Random(seed)
    journal, output = tmp_path / "runs.journal", tmp_path / "runs.jsonl"
    command = [sys.executable, "-c", BATCH, str(journal), str(output)]
    policy = LateRunAnswers(seed, is_run_start)
    unknown_after_kills: collections.Counter[str] = collections.Counter()
    with Gateway(server.base_url, policy) as gateway:
        env = environment(gateway.base_url, server.api_key)
        for _ in range(seed):  # seed 1 is killed once, seed 2 twice
            kill_after_some_runs(command, env, policy, runs=draw.randint(1, 5), then=draw.uniform(0.0, 0.3))
            unknown_after_kills += journal_state(journal)[1]
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RUN_BOUND_SECONDS, check=False)
    batch_id, states = journal_state(journal)
    runs = [
        execution
        for execution in server.store.all_executions()
        if (execution.metadata or {}).get(TAG_BATCH) == batch_id
    ]
    per_input = collections.Counter(str(execution.metadata[TAG_INPUT]) for execution in runs)
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    print(
        f"seed {seed}: starts forwarded {policy.runs}, runs of the batch {len(runs)}, inputs left sent by the "
        f"kills {unknown_after_kills['sent']}; final exit {final.returncode}: {final.stderr.strip()[-500:]}"
    )
    assert final.returncode == 0, final.stdout + final.stderr
    assert states == {"finished": INPUTS}
    assert len(per_input) == INPUTS
    assert set(per_input.values()) == {1}, per_input  # exactly one run per input
    assert policy.runs == INPUTS  # nothing was sent twice (an unknown input was adopted, not resent)
    assert len(lines) == INPUTS
    assert {line["key"] for line in lines} == set(per_input)
    assert all(line["status"] == "completed" for line in lines)
    assert {line["executionId"] for line in lines} == {execution.id for execution in runs}


def test_eigenpal_batch_runs_on_the_command_line(server: LocalEigenpalServer, tmp_path: Path) -> None:
    rows, journal, output = tmp_path / "rows.jsonl", tmp_path / "cli.journal", tmp_path / "cli.jsonl"
    rows.write_text("".join(f'{{"n": {number}}}\n' for number in range(3)))
    command = [sys.executable, "-m", "eigenpal_ext", "batch", "--runs", "workflows.echo", "--inputs", str(rows),
               "--journal", str(journal), "--output", str(output), "--poll-interval", "0.2"]  # fmt: skip
    env = environment(server.base_url, server.api_key)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RUN_BOUND_SECONDS, check=False)
    assert done.returncode == 0, done.stderr
    batch_id, states = journal_state(journal)
    assert states == {"finished": 3}
    runs = [e for e in server.store.all_executions() if (e.metadata or {}).get(TAG_BATCH) == batch_id]
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(line["result"]["n"] for line in lines) == [0, 1, 2]
    assert {line["executionId"] for line in lines} == {run.id for run in runs}
    assert {run.metadata[TAG_INPUT] for run in runs} == {line["key"] for line in lines}
