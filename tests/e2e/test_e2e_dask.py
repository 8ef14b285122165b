"""A batch's shards as Dask tasks (``eigenpal_ext.dask``) on a ``LocalCluster`` of two worker processes, against
the local server: the shards together run every input once, their outcomes are merged into one output, a
second run resumes every shard from its journal (nothing sent), and a shard whose journal is out of reach
(claimed by another machine, or gone) refuses with a clear message instead of sending its inputs again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed  # the dask extra is in the dev group (make setup): missing, this test fails instead of skipping
import pytest

from eigenpal_ext.dask import ShardJournalUnreachable, run_shards
from eigenpal_ext.testing import LocalEigenpalServer, ServerConfig

FILES = 12


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEigenpalServer]:
    with LocalEigenpalServer(ServerConfig(workers=8)) as local:
        yield local


@pytest.fixture(scope="module")
def cluster(server: LocalEigenpalServer) -> Iterator[Any]:
    mp = pytest.MonkeyPatch()
    mp.setenv("EIGENPAL_API_KEY", server.api_key)  # the workers read the key from their environment
    try:
        workers = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        with workers as local, distributed.Client(local) as client:
            yield client
    finally:
        mp.undo()


def documents(folder: Path) -> list[dict[str, Path]]:
    folder.mkdir()
    inputs = []
    for number in range(FILES):
        path = folder / f"scan-{number:02d}.pdf"
        path.write_bytes(f"%PDF-1.4 scan {number}\n".encode())
        inputs.append({"doc": path})
    return inputs


def test_shards_run_on_dask_merge_resume_and_refuse_an_unreachable_journal(
    server: LocalEigenpalServer, cluster: Any, tmp_path: Path
) -> None:
    inputs = documents(tmp_path / "scans")
    output, journals = tmp_path / "results.jsonl", tmp_path / "journals"
    options: dict[str, Any] = {
        "shards": 3, "output": output, "journal_dir": journals, "batch_name": "scans",
        "client_options": {"base_url": server.base_url}, "poll_interval_seconds": 0.2,
    }  # fmt: skip

    report = run_shards(cluster, "echo", inputs, **options)
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert (report.inputs, report.completed, report.failed) == (FILES, FILES, 0)
    assert sum(report.per_shard) == FILES
    assert all(report.per_shard)
    assert sorted(Path(line["file"]).name for line in lines) == sorted(i["doc"].name for i in inputs)
    assert server.store.count_executions() == FILES
    assert len(list(journals.glob("scans-shard-*-of-3.journal"))) == 3  # one journal per shard, on the worker's disk
    claims = json.loads(output.with_name("results.jsonl.shards.json").read_text())
    assert sorted(claims) == ["0", "1", "2"]

    again = run_shards(cluster, "echo", inputs, **options)  # resumed: every shard from its journal
    assert (again.inputs, again.completed) == (FILES, FILES)
    assert server.store.count_executions() == FILES  # nothing sent again
    assert output.read_text().count("\n") == FILES

    claims_file = output.with_name("results.jsonl.shards.json")
    moved = {**claims, "0": {**claims["0"], "host": "10.255.0.7"}}  # shard 0's journal is on another machine
    claims_file.write_text(json.dumps(moved))
    elsewhere = r"shard 0/3 of batch 'scans' first ran on 10\.255\.0\.7"
    with pytest.raises(ShardJournalUnreachable, match=elsewhere) as caught:
        run_shards(cluster, "echo", inputs, **options)
    assert "run the shard on 10.255.0.7" in str(caught.value)
    assert server.store.count_executions() == FILES
    assert output.read_text().count("\n") == FILES - again.per_shard[0]  # the other shards' outcomes are merged

    claims_file.write_text(json.dumps(claims))
    Path(claims["1"]["journal"]).unlink()  # shard 1's disk was wiped
    with pytest.raises(ShardJournalUnreachable, match=r"shard 1/3 .* is gone"):
        run_shards(cluster, "echo", inputs, **options)
    assert server.store.count_executions() == FILES
