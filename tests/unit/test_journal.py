"""The batch journal (``_journal``): states that survive a kill, one writer with readers beside it, and a clear
error for every journal that cannot be used (in use, on a network file system, another batch's, newer, not one).
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from eigenpal_ext import EigenpalJournalError
from eigenpal_ext._journal import SCHEMA_VERSION, BatchIdentity, Journal, mount_file_system, network_file_system
from tests.support import killed_while_writing

ECHO = BatchIdentity("echo")
NOW = datetime.datetime(2026, 12, 7, 1, 0, tzinfo=datetime.UTC)


def test_an_input_goes_through_its_states_and_they_are_there_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "batch.journal"
    with Journal.open(path, ECHO) as journal:
        entry, again = journal.take("k1", "a.pdf", "idem-1")
        assert (entry.state, entry.idempotency_key, entry.file, again) == ("pending", "idem-1", "a.pdf", False)
        journal.sending("k1", NOW)
        assert journal.lookup("k1").state == "sent"  # type: ignore[union-attr]
        journal.started("k1", "exec_1")
        journal.finished("k1", {"key": "k1", "executionId": "exec_1", "status": "completed"})
        journal.take("k2", None, "idem-2")
        journal.sending("k2", NOW)
        journal.unknown("k2", "the answer was lost")
        assert journal.counts() == {"pending": 0, "sent": 1, "started": 0, "finished": 1}
    with Journal.open(path, ECHO) as again_opened:
        first = again_opened.lookup("k1")
        assert first is not None
        assert (first.state, first.execution_id, first.sent_at) == ("finished", "exec_1", NOW)
        assert first.outcome == {"key": "k1", "executionId": "exec_1", "status": "completed"}
        second = again_opened.lookup("k2")
        assert second is not None
        assert (second.state, second.idempotency_key, second.last_error) == ("sent", "idem-2", "the answer was lost")
        # A new process takes an input again without it counting as a duplicate, and keeps its key.
        entry, duplicate = again_opened.take("k2", None, "another-key")
        assert (duplicate, entry.idempotency_key) == (False, "idem-2")
        assert again_opened.take("k2", None, "x")[1] is True  # the second time in this process
        assert [entry.key for entry in again_opened.entries("sent")] == ["k2"]


def test_finished_outcomes_come_in_first_seen_order_across_pages(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j", ECHO) as journal:
        for number in range(1203):
            key = f"k{number:04d}"
            journal.take(key, None, key)
            if number % 3:
                journal.finished(key, {"key": key, "status": "completed"})
        keys = [outcome["key"] for outcome in journal.finished_outcomes()]
    assert keys == [f"k{number:04d}" for number in range(1203) if number % 3]


def test_what_a_server_showed_about_keys_is_kept_per_base_url(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal.open(path, ECHO) as journal:
        assert journal.keys_honoured("http://127.0.0.1:1") is None
        journal.remember_keys_honoured("http://127.0.0.1:1", True)
        journal.remember_keys_honoured("http://127.0.0.1:2", True)
        journal.remember_keys_honoured("http://127.0.0.1:2", False)  # a withdrawal overwrites the inference
    with Journal.open(path, ECHO) as journal:
        assert journal.keys_honoured("http://127.0.0.1:1") is True
        assert journal.keys_honoured("http://127.0.0.1:2") is False


def test_the_file_is_sqlite_in_wal_mode_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "j"
    Journal.open(path, ECHO).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_second_writer_is_refused_naming_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal.open(path, ECHO):
        with pytest.raises(EigenpalJournalError, match=rf"in use by another batch \(pid {os.getpid()} on ") as caught:
            Journal.open(path, ECHO)
        assert caught.value.path == path
    Journal.open(path, ECHO).close()  # released on close


def test_another_process_is_refused_while_a_batch_holds_the_journal_and_not_after_it_was_killed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(
            f"""
            import sys, time
            from eigenpal_ext._journal import BatchIdentity, Journal
            journal = Journal.open({str(path)!r}, BatchIdentity("echo"))
            journal.take("k", None, "idem")
            journal.sending("k", __import__("datetime").datetime.now(__import__("datetime").UTC))
            print("holding", flush=True)
            time.sleep(60)
            """
        )],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(EigenpalJournalError, match=f"pid {holder.pid}"):
            Journal.open(path, ECHO)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    with Journal.open(path, ECHO) as journal:  # the kernel dropped the killed holder's lock
        entry = journal.lookup("k")
        assert entry is not None
        assert entry.state == "sent"  # committed before the kill, so it survived it


def test_a_reader_sees_committed_states_while_the_batch_writes(tmp_path: Path) -> None:
    path = tmp_path / "j"
    with Journal.open(path, ECHO) as journal:
        journal.take("k1", None, "i1")
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            assert reader.execute("SELECT state FROM inputs").fetchall() == [("pending",)]
            journal.sending("k1", NOW)
            journal.started("k1", "exec_1")
            assert reader.execute("SELECT state, execution_id FROM inputs").fetchall() == [("started", "exec_1")]
        finally:
            reader.close()


def test_a_journal_of_another_batch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    Journal.open(path, BatchIdentity("extract-invoice", shard=(1, 4))).close()
    for other in (
        BatchIdentity("echo"),
        BatchIdentity("extract-invoice"),
        BatchIdentity("extract-invoice", shard=(2, 4)),
        BatchIdentity("extract-invoice", version="v2", shard=(1, 4)),
    ):
        with pytest.raises(EigenpalJournalError, match=r"belongs to another batch \(workflow 'extract-invoice'"):
            Journal.open(path, other)
    Journal.open(path, BatchIdentity("extract-invoice", shard=(1, 4))).close()  # the lock was released each time


def test_a_newer_journal_another_database_and_a_folder_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    Journal.open(newer, ECHO).close()
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(EigenpalJournalError, match="newer eigenpal-ext"):
        Journal.open(newer, ECHO)
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE users (id INTEGER)")
    with pytest.raises(EigenpalJournalError, match="not a batch journal"):
        Journal.open(other, ECHO)
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a database at all, but long enough to have a header " * 20)
    with pytest.raises(EigenpalJournalError, match="cannot use the journal"):
        Journal.open(garbage, ECHO)
    with pytest.raises(EigenpalJournalError, match="is a folder"):
        Journal.open(tmp_path, ECHO)
    with pytest.raises(EigenpalJournalError, match="does not exist"):
        Journal.open(tmp_path / "missing" / "j", ECHO)


MOUNTINFO = textwrap.dedent(
    """\
    22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
    40 22 0:35 / /mnt/shared rw,relatime shared:20 - nfs4 fileserver:/export rw,vers=4.2
    41 40 8:2 / /mnt/shared/local rw shared:21 - xfs /dev/sdb1 rw
    42 22 0:36 / /home/ann/with\\040space rw - fuse.sshfs ann@host:/ rw
    43 22 0:37 / /tmp rw - tmpfs tmpfs rw
    """
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/ann/batch.journal", ("/", "ext4")),
        ("/mnt/shared/batch.journal", ("/mnt/shared", "nfs4")),
        ("/mnt/shared/local/j", ("/mnt/shared/local", "xfs")),  # a local disk mounted inside a network one
        ("/mnt/sharedx/j", ("/", "ext4")),  # a name that only starts like a mount point
        ("/home/ann/with space/j", ("/home/ann/with space", "fuse.sshfs")),
        ("/tmp", ("/tmp", "tmpfs")),
    ],
)
def test_the_file_system_of_a_path_is_read_from_the_mount_table(path: str, expected: tuple[str, str]) -> None:
    assert mount_file_system(Path(path), MOUNTINFO) == expected


def test_a_journal_on_a_network_file_system_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mountinfo = f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 22 0:35 / {tmp_path} rw - nfs4 server:/export rw\n"
    real_read_text = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        if str(self) == "/proc/self/mountinfo":
            return mountinfo
        return real_read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", read_text)
    assert network_file_system(tmp_path) == (str(tmp_path), "nfs4")
    with pytest.raises(EigenpalJournalError, match=r"network file system \(nfs4 at .*local disk"):
        Journal.open(tmp_path / "j", ECHO)
    assert list(tmp_path.iterdir()) == []


def test_the_in_memory_journal_follows_the_same_rules() -> None:
    journal = Journal.in_memory(ECHO)
    journal.take("k", "f", "i")
    assert journal.take("k", "f", "i")[1] is True
    journal.sending("k", NOW)
    journal.started("k", "exec_9")
    assert journal.lookup("k").execution_id == "exec_9"  # type: ignore[union-attr]
    journal.close()


def test_writing_to_a_closed_journal_is_a_journal_error(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "j", ECHO)
    journal.close()
    with pytest.raises(EigenpalJournalError, match="failed"):
        journal.take("k", None, "i")


def test_a_kill_in_the_middle_of_a_stream_of_transitions_leaves_a_journal_that_opens(tmp_path: Path) -> None:
    """SIGKILL while a process commits transitions as fast as it can: every committed state is there."""
    path = tmp_path / "j"
    killed_while_writing(
        f"""
        import datetime, itertools
        from eigenpal_ext._journal import BatchIdentity, Journal
        journal = Journal.open({str(path)!r}, BatchIdentity("echo"))
        for number in itertools.count():
            key = f"k{{number}}"
            journal.take(key, None, key)
            journal.sending(key, datetime.datetime.now(datetime.UTC))
            journal.started(key, "exec_" + key)
            journal.finished(key, {{"key": key, "executionId": "exec_" + key, "status": "completed"}})
            if number == 50:
                print("writing", flush=True)
        """,
        then=0.2,
    )
    with Journal.open(path, ECHO) as journal:
        counts = journal.counts()
        finished = list(journal.finished_outcomes())
    assert counts["finished"] >= 50
    assert counts["pending"] + counts["sent"] + counts["started"] <= 1  # at most the one being written
    assert all(json.dumps(outcome) for outcome in finished)
    assert [outcome["key"] for outcome in finished] == [f"k{number}" for number in range(len(finished))]
