"""``client.runs.run_batch`` on a mock transport (sync and async clients through ``any_client``): each run tagged in
its ``metadata`` with the batch's id and the input's key beside the caller's metadata; an unknown input (its
run sent, its id never arrived) reconciled by listing: the run with this batch's id and this input's key is
adopted and nothing is sent again, other batches' and other inputs' runs are ignored, an input whose run is
not found is reported unknown (sent again only with ``resend_unknown=True``), a failed listing leaves it
unknown (never "nothing was created"); a user metadata name that collides with a tag is refused before
anything is sent; a journal of the other surface is refused."""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from eigenpal_ext import ArgumentValueError, EigenpalJournalError, Failed, Succeeded
from eigenpal_ext._batch_surface import RECONCILE_SETTLE_SECONDS, TAG_BATCH, TAG_INPUT
from eigenpal_ext.cli import ExitCode
from tests.support import FakeTime, run_cli
from tests.unit.conftest import ClientFactory

CREATED = "2026-12-07T10:00:00Z"
EARLIER = "2026-12-07T09:59:00Z"


class RunsApi:
    """A fake runs API: ``POST /runs`` creates a run that is finished at once (its output is its input);
    ``GET /runs`` lists every run (newest first, ``page_size`` a page, items without their input, as the
    published list), only once ``visible``; ``GET /runs/{id}`` shows the input and metadata with
    ``expand=input``. ``lose_answers``: a start reaches the "server" (the run is created) and the client gets
    a broken connection instead of its answer."""

    def __init__(self, *, page_size: int = 2) -> None:
        self.lock = threading.Lock()
        self.runs: dict[str, dict[str, Any]] = {}
        self.starts: list[dict[str, Any]] = []
        self.numbers = itertools.count()
        self.page_size = page_size
        self.visible = True
        self.lose_answers = False
        self.list_fails = False
        self.lists = 0
        self.triggers: list[str | None] = []
        # With a FakeTime: the runs are listed once its clock reaches visible_from, even when not `visible`.
        self.time: FakeTime | None = None
        self.visible_from = 0.0

    def add(self, metadata: dict[str, Any], args: Any = None, slug: str = "echo", created: str = CREATED) -> str:
        run_id = f"run_{next(self.numbers)}"
        self.runs[run_id] = {"metadata": metadata, "args": args, "slug": slug, "created": created}
        return run_id

    def body(self, run_id: str, *, expand: bool) -> dict[str, Any]:
        run = self.runs[run_id]
        body: dict[str, Any] = {
            "id": run_id, "type": "workflow", "finished": True, "sampleRank": 0.5,
            "timing": {"createdAt": run["created"], "completedAt": run["created"]}, "source": {"slug": run["slug"]},
            "trigger": {"type": "api"}, "execution": {"status": "completed"}, "output": run["args"], "error": None,
        }  # fmt: skip
        if expand:
            body["input"] = {"args": run["args"], "files": [], "metadata": run["metadata"]}
        return body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            path = request.url.path
            if request.method == "POST" and path.endswith("/runs"):
                sent = json.loads(request.content)
                self.starts.append(sent)
                self.triggers.append(request.headers.get("X-Eigenpal-Trigger"))
                run_id = self.add(sent.get("metadata"), sent.get("input"), sent["target"].partition(".")[2])
                if self.lose_answers:
                    raise httpx.ReadError("connection reset after the request was sent", request=request)
                return httpx.Response(201, json=self.body(run_id, expand=False))
            if request.method == "GET" and path.endswith("/runs"):
                self.lists += 1
                if self.list_fails:
                    return httpx.Response(400, json={"error": {"message": "no listing today"}})
                visible = self.visible or (self.time is not None and self.time.now >= self.visible_from)
                ids = sorted(self.runs, key=lambda run_id: -int(run_id.split("_")[1])) if visible else []
                start = int(request.url.params.get("cursor") or 0)
                page = ids[start : start + self.page_size]
                more = start + self.page_size < len(ids)
                return httpx.Response(
                    200,
                    json={
                        "runs": [self.body(run_id, expand=False) for run_id in page],
                        "nextCursor": str(start + self.page_size) if more else None,
                    },
                )
            if request.method == "GET" and "/runs/" in path:
                run_id = path.rsplit("/", 1)[1]
                expand = "input" in request.url.params.get("expand", "")
                return httpx.Response(200, json=self.body(run_id, expand=expand))
        return httpx.Response(404, json={"error": {"message": f"not here: {request.method} {path}"}})


def batch_id_of(journal: Path) -> str:
    with sqlite3.connect(journal) as db:
        return str(db.execute("SELECT batch_id FROM batch").fetchone()[0])


def test_each_run_is_tagged_with_the_batch_and_its_input_beside_the_callers_metadata(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = RunsApi()
    client = any_client(api)
    journal = tmp_path / "j"
    outcomes = list(
        client.runs.run_batch("workflows.echo", [{"n": n} for n in range(3)], journal=journal, metadata={"team": "a"})
    )
    assert all(isinstance(outcome, Succeeded) for outcome in outcomes)
    batch_id = batch_id_of(journal)
    assert len(batch_id) == 32
    by_key = {outcome.key: outcome for outcome in outcomes}
    assert len(api.starts) == 3
    for sent in api.starts:
        assert sent["target"] == "workflows.echo"
        metadata = sent["metadata"]
        assert metadata["team"] == "a"
        assert metadata[TAG_BATCH] == batch_id
        outcome = by_key[metadata[TAG_INPUT]]  # the input's key, the outcome's key
        assert outcome.result == sent["input"]
        assert api.runs[str(outcome.execution_id)]["metadata"] == metadata  # the outcome names the run


def test_a_tag_name_in_the_callers_metadata_is_refused_before_anything_is_sent(any_client: ClientFactory) -> None:
    api = RunsApi()
    client = any_client(api)
    for name in (TAG_BATCH, TAG_INPUT):
        with pytest.raises(ArgumentValueError) as caught:
            client.runs.run_batch("workflows.echo", [{"n": 1}], metadata={name: "mine"})
        assert caught.value.argument == "metadata"
        assert name in str(caught.value)
    assert api.starts == []
    assert api.lists == 0


def test_a_resumed_batch_adopts_its_unknown_inputs_runs_and_ignores_other_batches_and_inputs(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = RunsApi()
    client = any_client(api)
    journal = tmp_path / "j"
    inputs = [{"n": n} for n in range(3)]
    api.lose_answers, api.visible = True, False
    first = list(client.runs.run_batch("workflows.echo", inputs, journal=journal))
    assert [outcome.status for outcome in first] == ["unknown"] * 3  # looked for, not visible yet: not resent
    assert len(api.starts) == 3
    batch_id = batch_id_of(journal)
    ours = {run["metadata"][TAG_INPUT]: run_id for run_id, run in api.runs.items()}
    # Decoys, listed first and stamped earlier (a match among them would win): another batch's runs with the same
    # input keys, runs of this batch under other keys and of another workflow, an untagged run.
    for key in ours:
        api.add({TAG_BATCH: "another-batch", TAG_INPUT: key}, {"decoy": True}, created=EARLIER)
        api.add({TAG_BATCH: batch_id, TAG_INPUT: key}, {"decoy": "other workflow"}, slug="other", created=EARLIER)
    api.add({TAG_BATCH: batch_id, TAG_INPUT: "some-other-input"}, {"decoy": True})
    api.add({}, {"untagged": True})
    api.lose_answers, api.visible = False, True

    second = list(client.runs.run_batch("workflows.echo", inputs, journal=journal))

    assert len(api.starts) == 3  # nothing sent again
    assert {outcome.key: outcome.execution_id for outcome in second} == ours  # each adopted its own run
    assert all(isinstance(outcome, Succeeded) for outcome in second)
    assert sorted(outcome.result["n"] for outcome in second if isinstance(outcome, Succeeded)) == [0, 1, 2]


def test_an_unknown_input_whose_run_is_not_found_stays_unknown_and_is_not_sent_again(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = RunsApi()
    client = any_client(api)
    journal = tmp_path / "j"
    api.lose_answers, api.visible = True, False
    list(client.runs.run_batch("workflows.echo", [{"n": 1}], journal=journal))
    api.runs.clear()  # the run never became visible (or the request never got through)
    api.lose_answers = False
    api.visible = True
    again = list(client.runs.run_batch("workflows.echo", [{"n": 1}], journal=journal))
    assert len(again) == 1
    assert isinstance(again[0], Failed)
    assert again[0].status == "unknown"
    assert "resend_unknown" in again[0].error
    assert len(api.starts) == 1
    assert api.lists >= 1
    # Opting in sends it again, with the same tags.
    resent = list(client.runs.run_batch("workflows.echo", [{"n": 1}], journal=journal, resend_unknown=True))
    assert isinstance(resent[0], Succeeded)
    assert len(api.starts) == 2
    assert api.starts[1]["metadata"] == api.starts[0]["metadata"]


def test_a_lost_answer_is_reconciled_at_once_when_its_run_is_already_listed(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    api = RunsApi()
    client = any_client(api)
    api.lose_answers = True  # the run is created and listed; only its answer is lost
    outcomes = list(client.runs.run_batch("workflows.echo", [{"n": n} for n in range(2)], journal=tmp_path / "j"))
    assert all(isinstance(outcome, Succeeded) for outcome in outcomes)
    assert len(api.starts) == 2
    assert {outcome.execution_id for outcome in outcomes} == set(api.runs)


def test_a_run_not_yet_visible_when_its_answer_is_lost_is_found_once_its_request_has_settled(
    any_client: ClientFactory, tmp_path: Path
) -> None:
    # The server is still committing the run when the client learns its answer is lost (the run shows in the
    # list only after a few seconds): the lookup waits until the request is RECONCILE_SETTLE_SECONDS old, then
    # finds it. Looking at once would report the input unknown although its run exists.
    time = FakeTime()
    api = RunsApi()
    api.lose_answers = True
    api.visible = False
    api.visible_from = RECONCILE_SETTLE_SECONDS / 2  # simulated seconds: the run appears after half the settle time
    api.time = time
    client = any_client(api, time=time)
    outcomes = list(client.runs.run_batch("workflows.echo", [{"n": 1}], journal=tmp_path / "j"))
    assert [type(outcome) for outcome in outcomes] == [Succeeded]
    assert len(api.starts) == 1
    assert max(time.sleeps) <= RECONCILE_SETTLE_SECONDS
    assert time.now >= RECONCILE_SETTLE_SECONDS / 2


def test_a_failed_listing_leaves_the_input_unknown_never_pending(any_client: ClientFactory, tmp_path: Path) -> None:
    api = RunsApi()
    client = any_client(api)
    journal = tmp_path / "j"
    api.lose_answers, api.list_fails = True, True
    first = list(client.runs.run_batch("workflows.echo", [{"n": 1}], journal=journal))
    assert first[0].status == "unknown"
    api.lose_answers = False
    again = list(client.runs.run_batch("workflows.echo", [{"n": 1}], journal=journal))
    assert again[0].status == "unknown"
    assert "no listing today" in str(again[0].error)
    assert len(api.starts) == 1  # a run may exist: never sent again without the caller's opt-in


def test_a_journal_of_the_executions_batch_is_refused(any_client: ClientFactory, tmp_path: Path) -> None:
    api = RunsApi()
    client = any_client(api)
    journal = tmp_path / "j"
    list(client.runs.run_batch("workflows.echo", [{"n": 1}], journal=journal))
    with pytest.raises(EigenpalJournalError, match="belongs to another batch"):
        list(client.workflows.executions.run_batch("echo", [{"n": 1}], journal=journal))


def test_eigenpal_batch_runs_reconciles_on_the_command_line(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(f'{{"n": {number}}}\n' for number in range(3)))
    argv = ["batch", "--runs", "workflows.echo", "--inputs", str(rows), "--journal", str(tmp_path / "j"),
            "--output", str(tmp_path / "out.jsonl")]  # fmt: skip
    api = RunsApi()
    api.lose_answers, api.visible = True, False
    first = run_cli(argv, api)
    assert first.code == ExitCode.FAILED
    assert "3 inputs: 0 completed, 3 did not (3 unknown)" in first.err
    assert api.triggers == ["cli"] * 3
    api.lose_answers, api.visible = False, True
    again = run_cli(argv, api)
    assert again.code == ExitCode.OK, again.err
    assert len(api.starts) == 3  # adopted, not sent again
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert sorted(line["result"]["n"] for line in lines) == [0, 1, 2]
    assert {line["executionId"] for line in lines} == set(api.runs)
