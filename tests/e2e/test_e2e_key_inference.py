"""Whether a server honours ``Idempotency-Key`` is an inference, and a wrong one must never cost a duplicate
or a lost id (issue 15, items 1 and 2).

EigenPal documents no ``Idempotency-Key``; only the local server honours it. The client infers it from a
*successful* run answer that echoes the key (``client.keys_honoured``, shared with ``with_options``
siblings). An inferred honour permits only **recovery** resends: the same key, no hold, to learn the id
of a run whose answer was lost (a cut hold, a dropped answer). **Optional** resends (holding by default,
re-sending a held trigger, retrying a run answered 5xx) need ``idempotent_runs=True``. A replay that
comes back with another execution withdraws the inference, and that second execution is named
(``duplicate_execution_ids``), logged at WARNING and can be cancelled.

Everything runs over real sockets on 127.0.0.1: a local server (``idempotency_keys="honour"``,
``"echo-only"``: echoes the key and deduplicates nothing, like a gateway that echoes headers, or
``"ignore"``: EigenPal as documented) behind a small gateway from ``tests/e2e/gateway.py`` that answers
502 after forwarding, or cuts a hold like a middlebox with a short idle timeout.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from eigenpal_ext import EigenpalClient, EigenpalConnectionError, EigenpalServerError
from eigenpal_ext.testing import HostedProfile, LocalEigenpalServer, ServerConfig
from eigenpal_ext.testing._idempotency import IdempotencyMode
from tests.e2e.gateway import Gateway, answer_502_after_forwarding, cut_when_idle, is_run, relay


@contextmanager
def behind_gateway(
    mode: IdempotencyMode = "honour", policy: Any = relay, **config: Any
) -> Iterator[tuple[LocalEigenpalServer, Gateway]]:
    with (
        LocalEigenpalServer(ServerConfig(idempotency_keys=mode, **config)) as server,
        Gateway(server.base_url, policy) as gateway,
    ):
        yield server, gateway


def client_for(server: LocalEigenpalServer, gateway: Gateway, **options: Any) -> EigenpalClient:
    return EigenpalClient(api_key=server.api_key, base_url=gateway.base_url, **options)


def runs_sent(gateway: Gateway) -> list[Any]:
    return [request for request in gateway.requests if is_run(request)]


def created_ids(server: LocalEigenpalServer, workflow: str | None = None) -> list[str]:
    return [e.id for e in server.store.all_executions() if workflow is None or e.workflow_name == workflow]


# --- item 1: learned only from a successful run answer; optional resends need idempotent_runs=True ---------------


def test_a_502_from_an_echoing_non_deduplicating_gateway_creates_one_execution_and_reports_it() -> None:
    """Today: the echo on the 502 itself marks the server as honouring keys, the run is sent twice more,
    3 executions exist and the error reports none."""
    with behind_gateway("echo-only", answer_502_after_forwarding) as (server, gateway):
        with client_for(server, gateway) as client:
            before = time.time()
            with pytest.raises(EigenpalServerError) as raised:
                client.workflows.run("echo", {"n": 1})
            assert client.keys_honoured is False
        created = server.store.all_executions()

    assert len(runs_sent(gateway)) == 1
    assert [e.input for e in created] == [{"n": 1}]
    error = raised.value
    assert error.execution_may_exist is True
    assert error.execution_id is None
    assert error.workflow_id == "echo"
    assert error.created_after is not None
    assert error.created_before is not None
    assert error.created_after.timestamp() <= before <= error.created_before.timestamp()
    assert "executions.list('echo'" in str(error)


def test_the_lookup_window_of_such_an_error_finds_the_execution() -> None:
    with behind_gateway("echo-only", answer_502_after_forwarding) as (server, gateway):
        with client_for(server, gateway) as client, pytest.raises(EigenpalServerError) as raised:
            client.workflows.run("echo", {"n": 1})
        with server.client() as direct:
            error = raised.value
            listed = direct.workflows.executions.list(
                error.workflow_id or "", from_date=error.created_after, to_date=error.created_before
            )
        assert [summary.id for summary in listed.data] == created_ids(server)


def test_an_inferred_honour_does_not_retry_a_run_answered_5xx_nor_hold_by_default() -> None:
    with behind_gateway("echo-only") as (server, gateway):
        with client_for(server, gateway) as client:
            assert client.keys_honoured is False
            client.workflows.run("echo", {"n": 0})  # a successful answer that echoes the key
            assert client.keys_honoured is True  # inferred
            final = client.workflows.executions.run_and_wait("sleep", {"seconds": 0.3}, timeout_seconds=20)
            assert final.status == "completed"
            held = [r for r in runs_sent(gateway) if "wait_for_completion" in r.target]
            assert held == []  # holding by default needs idempotent_runs=True

            gateway.policy = answer_502_after_forwarding
            with pytest.raises(EigenpalServerError) as raised:
                client.workflows.run("echo", {"n": 1})
        echoes = [e.input for e in server.store.all_executions() if e.workflow_name == "echo"]
    assert raised.value.execution_may_exist is True
    assert echoes == [{"n": 0}, {"n": 1}]


def test_with_options_siblings_share_what_was_learned_and_get_no_more_than_the_inference() -> None:
    """Today a sibling made after the echo was built with idempotent_runs=True: an explicit opt-in."""
    with behind_gateway("echo-only") as (server, gateway):
        with client_for(server, gateway) as client:
            early = client.with_options(max_retries=2)
            client.workflows.run("echo", {"n": 0})
            late = client.with_options(max_retries=2)
            assert (client.keys_honoured, early.keys_honoured, late.keys_honoured) == (True, True, True)

            gateway.policy = answer_502_after_forwarding
            with pytest.raises(EigenpalServerError):
                late.workflows.run("echo", {"n": 1})
        created = created_ids(server, "echo")
    assert len([r for r in runs_sent(gateway) if b'"n":1' in r.body]) == 1
    assert len(created) == 2


def test_idempotent_runs_true_retries_a_5xx_on_a_deduplicating_server_without_duplicates() -> None:
    with behind_gateway("honour", answer_502_after_forwarding) as (server, gateway):
        with (
            client_for(server, gateway, idempotent_runs=True, max_retries=2) as client,
            pytest.raises(EigenpalServerError),
        ):
            client.workflows.run("echo", {"n": 1})
        created = created_ids(server)
    assert len(runs_sent(gateway)) == 3  # the optional resends the user asked for
    assert len(created) == 1  # the server deduplicated them


def test_a_replay_that_returns_another_execution_withdraws_the_honour_and_names_the_duplicate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The user said keys are honoured (idempotent_runs=True), the server does not deduplicate: the held
    replay of run_and_wait creates a second execution. It is named, logged and can be cancelled, and the
    client stops resending runs."""
    with behind_gateway("echo-only") as (server, gateway):
        client = client_for(server, gateway, idempotent_runs=True)
        sibling = client.with_options(max_retries=1)
        with caplog.at_level(logging.WARNING, logger="eigenpal_ext"):
            final = client.workflows.executions.run_and_wait("sleep", {"seconds": 0.5}, timeout_seconds=20)
        assert (client.keys_honoured, sibling.keys_honoured) == (False, False)
        first, second = created_ids(server)
        assert final.execution_id == first
        assert final.status == "completed"
        assert final.duplicate_execution_ids == (second,)
        outcome = client.workflows.executions.cancel(second)
        assert outcome.execution_id == second

        before = len(runs_sent(gateway))
        again = client.workflows.executions.run_and_wait("sleep", {"seconds": 0.2}, timeout_seconds=20)
        assert again.duplicate_execution_ids == ()
        assert len(runs_sent(gateway)) == before + 1  # withdrawn: no replay any more
        assert len(created_ids(server)) == 3
        client.close()
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert any(second in record.getMessage() and first in record.getMessage() for record in warnings)


# --- item 2: a held trigger that is cut -----------------------------------------------------------------------


def test_a_hold_cut_by_a_middlebox_is_recovered_with_the_same_key_and_no_hold() -> None:
    """Today: EigenpalConnectionError with execution_id=None, although the execution exists."""
    with behind_gateway("honour", cut_when_idle(0.5)) as (server, gateway):
        with client_for(server, gateway, max_retries=2) as client:
            client.workflows.run("echo", {"n": 0})  # infer: the server echoes keys on a successful answer
            final = client.workflows.executions.run_and_wait(
                "sleep", {"seconds": 4}, server_hold=True, timeout_seconds=30
            )
        sleeps = [e for e in server.store.all_executions() if e.workflow_name == "sleep"]

    assert final.status == "completed"
    assert [e.id for e in sleeps] == [final.execution_id]
    held, *resends = [r for r in runs_sent(gateway) if b"seconds" in r.body]
    assert "wait_for_completion" in held.target
    assert resends
    assert all("wait_for_completion" not in r.target for r in resends)
    assert {r.headers["idempotency-key"] for r in resends} == {held.headers["idempotency-key"]}


def test_a_cut_hold_is_recovered_by_a_plain_run_with_wait_for_completion_too() -> None:
    with behind_gateway("honour", cut_when_idle(0.5)) as (server, gateway):
        with client_for(server, gateway, idempotent_runs=True) as client:
            handle = client.workflows.run("sleep", {"seconds": 4}, wait_for_completion=30)
            assert handle.wait(timeout_seconds=20).status == "completed"
        assert created_ids(server) == [handle.execution_id]


def test_a_hold_cut_by_the_hosted_gateways_504_is_recovered() -> None:
    """The local server's hosted profile answers a hold longer than its gateway timeout with a text/plain 504,
    as EigenPal's gateway does; the run exists all the same. An inferred honour recovers it. Today: the held
    run is sent again, hold and all, and cut again, until the retries run out: EigenpalServerError (504) with
    execution_id None."""
    config = ServerConfig(hosted=HostedProfile(gateway_timeout_seconds=0.5))
    with LocalEigenpalServer(config) as server:
        with server.client() as client:
            client.workflows.run("echo", {"n": 0})  # the key echoed on a successful answer: honour inferred
            final = client.workflows.executions.run_and_wait(
                "sleep", {"seconds": 5}, server_hold=True, timeout_seconds=30
            )
        sleeps = [e.id for e in server.store.all_executions() if e.workflow_name == "sleep"]
    assert final.status == "completed"
    assert sleeps == [final.execution_id]


def test_a_cut_hold_on_a_server_not_known_to_honour_keys_reports_where_to_find_the_execution() -> None:
    with behind_gateway("ignore", cut_when_idle(0.5)) as (server, gateway):
        with client_for(server, gateway) as client, pytest.raises(EigenpalConnectionError) as raised:
            client.workflows.executions.run_and_wait("sleep", {"seconds": 4}, server_hold=True, timeout_seconds=30)
        (created,) = server.store.all_executions()
        with server.client() as direct:
            error = raised.value
            listed = direct.workflows.executions.list(
                "sleep", from_date=error.created_after, to_date=error.created_before
            )

    assert len(runs_sent(gateway)) == 1  # nothing resent: the server was not known to honour keys
    assert error.execution_id is None
    assert error.execution_may_exist is True
    assert error.workflow_id == "sleep"
    assert [summary.id for summary in listed.data] == [created.id]


DOWN_SECONDS = 3.0
LISTENING = re.compile(r"^eigenpal-dev-server listening on (http://127\.0\.0\.1:(\d+)) ")


def dev_server(data_dir: Path, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    """``eigenpal-dev-server`` as a process of its own (so that it can crash); its base URL once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "eigenpal_ext.testing", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:  # the first line says where it listens
        match = LISTENING.match(line)
        if match:
            return process, match[1]
    process.kill()
    pytest.fail("the dev server printed no listening line")


def test_a_server_that_crashes_during_the_hold_and_restarts_is_recovered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server is killed (SIGKILL: no answer to the hold) while holding the trigger, and started again
    ``DOWN_SECONDS`` later on the same port and data: the recovery resend (same key, no hold: an inferred
    honour permits it) waits out the refused connections and gets the same execution back. Today: the held
    run is sent again, hold and all, until the client's 2 retries (about a second) run out on the refused
    connections: EigenpalConnectionError with execution_id None."""
    data = tmp_path / "data"
    first, base_url = dev_server(data)
    processes = [first]
    port = int(base_url.rsplit(":", 1)[1])

    def crash_and_restart_once_the_run_exists() -> None:
        deadline = time.monotonic() + 15
        while len(executions_in(data)) < 2:  # the echo, then the held run
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        first.kill()
        first.wait(timeout=10)
        time.sleep(DOWN_SECONDS)
        processes.append(dev_server(data, port)[0])

    crasher = threading.Thread(target=crash_and_restart_once_the_run_exists)
    try:
        with (
            EigenpalClient(api_key="eg_dev_local_key", base_url=base_url) as client,
            caplog.at_level(logging.INFO, logger="eigenpal_ext"),
        ):
            client.workflows.run("echo", {"n": 0})  # the key echoed on a successful answer: honour inferred
            crasher.start()
            final = client.workflows.executions.run_and_wait(
                "sleep", {"seconds": 3}, server_hold=True, timeout_seconds=60
            )
        crasher.join(timeout=30)
        assert len(processes) == 2, "the server was not restarted"
        assert final.status == "completed"
        assert executions_in(data)[1:] == [final.execution_id]  # after the echo: one execution
        recovering = "sending it again with the same Idempotency-Key and no hold"
        assert any(recovering in record.getMessage() for record in caplog.records)
    finally:
        crasher.join(timeout=30)
        for process in processes:
            process.kill()
            process.wait(timeout=10)


def executions_in(data: Path) -> list[str]:
    """The execution ids in the server's database (read directly: the server may be down)."""
    try:
        with sqlite3.connect(f"file:{data / 'eigenpal.sqlite3'}?mode=ro", uri=True, timeout=1) as db:
            return [row[0] for row in db.execute("SELECT id FROM executions ORDER BY created_at")]
    except sqlite3.Error:
        return []
