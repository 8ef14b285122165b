"""The batch journal: what a ``run_batch`` sent, started and finished, in one SQLite file, so that a batch killed
at any moment resumes without a duplicate execution and without losing an execution id.

**Storage.** The standard library's ``sqlite3``, in WAL mode with ``synchronous=NORMAL``. Every transition of
an input is one small transaction, committed before the step it records goes ahead. A committed transaction
survives the process being killed at any instant (SIGKILL, the OOM killer, a closed laptop); only the
operating system crashing or the power failing can lose the last ones (WAL with ``NORMAL`` syncs at
checkpoints, not at every commit), and then the batch resumes from a slightly older state, which the rules
below keep safe. Readers in other processes (``BatchJournal``) see a consistent snapshot while the batch writes.

**One writer.** The process running the batch holds an exclusive lock on ``PATH.lock`` for as long as the
journal is open (``flock``; released by the kernel when the process ends, however it ends). A second batch
on the same journal is refused with ``EigenpalJournalError`` naming the process that holds it.

**Local disk only.** SQLite's WAL mode shares memory between the processes that open a database, which
network file systems (NFS, SMB, sshfs, ...) cannot provide: locks and that memory silently stop working there.
A journal on a network file system is refused before anything is sent (Linux: its mount's file system type
in ``/proc/self/mountinfo``); put it on the disk of the machine that runs the batch.

**The schema** (``PRAGMA user_version`` is ``SCHEMA_VERSION``; a journal of a newer version is refused):

- ``batch``: one row saying what the journal is for (workflow, version, overrides, shard; for a batch of the
  runs API, ``surface`` and the caller's ``metadata`` too) and the batch's id (``batch_id``, made when the
  journal is created: a runs batch tags each of its runs with it). A journal keeps one batch; opening it for
  another (another surface included) is refused, since its idempotency keys belong to those requests.
- ``inputs``: one row per input key, in the order first seen: its ``state``, the ``Idempotency-Key`` of its
  run (the same on every attempt, across processes), the execution id, the file, when it was sent, the
  outcome once finished, the last error.
- ``servers``: per base URL, whether that server was seen to honour ``Idempotency-Key`` (a new process has
  not learned it yet; the journal remembers it for the recovery of unknown inputs).

**States** of an input: ``pending`` (nothing of it can exist on the server: never sent, or refused with
nothing created), ``sent`` (recorded *before* its run is sent: the run may have reached the server, no id
is known), ``started`` (the execution id is known), ``finished`` (the execution ended; its outcome is kept).
What resuming does with each is decided by the batch (``_batch``), not here.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final, Literal

import attrs

from eigenpal_ext._errors import EigenpalJournalError

SCHEMA_VERSION: Final = 1
State = Literal["pending", "sent", "started", "finished"]
STATES: Final[tuple[State, ...]] = ("pending", "sent", "started", "finished")
# How long a statement waits for another connection's lock (a reader's checkpoint, a user's sqlite3 shell).
BUSY_TIMEOUT_SECONDS = 5.0
# File system types where SQLite's WAL mode does not work (no shared memory, unreliable locks).
NETWORK_FILE_SYSTEMS: Final = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "9p", "afs", "ceph", "glusterfs", "lustre", "gpfs",
        "beegfs", "davfs", "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs", "fuse.s3fs", "fuse.gcsfuse",
        "fuse.rclone", "fuse.davfs2", "fuse.juicefs", "fuse.mountpoint-s3",
    }
)  # fmt: skip

_SCHEMA = """
CREATE TABLE batch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    batch_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE inputs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    file TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'started', 'finished')),
    idempotency_key TEXT NOT NULL,
    execution_id TEXT,
    sent_at TEXT,
    outcome TEXT,
    last_error TEXT,
    run_token TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX inputs_state ON inputs (state);
CREATE TABLE servers (
    base_url TEXT PRIMARY KEY,
    keys_honoured INTEGER NOT NULL,
    seen_at TEXT NOT NULL
);
"""


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@attrs.frozen
class BatchIdentity:
    """What a journal is for: a journal keeps one batch (its inputs' idempotency keys belong to these requests)."""

    workflow_id: str
    version: str | None = None
    overrides: Mapping[str, Any] | None = None
    shard: tuple[int, int] | None = None
    trigger: str | None = None
    surface: str | None = None  # None: the v1 executions; "runs": the runs API (workflow_id is its target)
    metadata: Mapping[str, Any] | None = None  # the caller's metadata of a runs batch

    def text(self) -> str:
        """The identity as canonical JSON (stored, and compared when a journal is opened again). Everything a
        run sends besides its input is here: a recovery resend must be the same request as the first. A v1
        batch's identity has no ``surface`` (as before the runs API), so its journals open as they did."""
        data: dict[str, Any] = {
            "workflowId": self.workflow_id,
            "version": self.version,
            "overrides": self.overrides,
            "shard": list(self.shard) if self.shard else None,
        }
        if self.trigger is not None:
            data["trigger"] = self.trigger
        if self.surface is not None:
            data["surface"] = self.surface
            data["metadata"] = self.metadata
        return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)

    def describe(self) -> str:
        noun = "workflow" if self.surface is None else f"{self.surface} target"
        parts = [f"{noun} {self.workflow_id!r}"]
        if self.version is not None:
            parts.append(f"version {self.version!r}")
        if self.overrides:
            parts.append("overrides")
        if self.shard is not None:
            parts.append(f"shard {self.shard[0]}/{self.shard[1]}")
        if self.trigger is not None:
            parts.append(f"trigger {self.trigger!r}")
        return ", ".join(parts)


def _identity_description(text: str) -> str:
    try:
        data = json.loads(text)
        shard = data.get("shard")
        return BatchIdentity(
            data["workflowId"],
            data.get("version"),
            data.get("overrides"),
            tuple(shard) if shard else None,
            data.get("trigger"),
            data.get("surface"),
        ).describe()
    except (ValueError, KeyError, TypeError, AttributeError):
        return "another batch"


@attrs.frozen
class Entry:
    """One input as the journal knows it."""

    seq: int
    key: str
    file: str | None
    state: State
    idempotency_key: str
    execution_id: str | None
    sent_at: datetime.datetime | None
    outcome: dict[str, Any] | None
    last_error: str | None
    run_token: str | None


def _parse_time(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def _entry(row: sqlite3.Row) -> Entry:
    outcome = json.loads(row["outcome"]) if row["outcome"] else None
    return Entry(
        seq=row["seq"],
        key=row["key"],
        file=row["file"],
        state=row["state"],
        idempotency_key=row["idempotency_key"],
        execution_id=row["execution_id"],
        sent_at=_parse_time(row["sent_at"]),
        outcome=outcome,
        last_error=row["last_error"],
        run_token=row["run_token"],
    )


# --- where a journal may live -------------------------------------------------------------------------------


def mount_file_system(path: Path, mountinfo: str) -> tuple[str, str] | None:
    """The (mount point, file system type) that holds ``path``, from the text of ``/proc/self/mountinfo``.

    ``path`` must be absolute and resolved. The longest mount point that contains it wins. Pure (the text is
    given), so it is tested with any mount table.
    """
    best: tuple[str, str] | None = None
    for line in mountinfo.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        mount_point = _unescape_mount(fields[4])
        fs_type = line.split(" - ", 1)[1].split()[0]
        inside = path == Path(mount_point) or Path(mount_point) in path.parents
        if inside and (best is None or len(mount_point) >= len(best[0])):
            best = (mount_point, fs_type)
    return best


def _unescape_mount(text: str) -> str:
    # The kernel writes a space, tab, newline and backslash in a mount point as \040, \011, \012 and \134.
    for escaped, plain in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(escaped, plain)
    return text


def network_file_system(path: Path) -> tuple[str, str] | None:
    """(mount point, type) when ``path`` is on a network file system (Linux); None otherwise, or when unknown."""
    try:
        mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not Linux: SQLite's own errors are turned into a clear one when it opens the file
    found = mount_file_system(path, mountinfo)
    if found is None or found[1].lower() not in NETWORK_FILE_SYSTEMS:
        return None
    return found


# --- the one-writer lock ------------------------------------------------------------------------------------


class _WriterLock:
    """An exclusive, non-blocking lock on ``PATH.lock``, held while the journal is open. The kernel releases it
    when the process ends, however it ends, so a killed batch never leaves a stale lock behind."""

    def __init__(self, journal_path: Path) -> None:
        self.path = journal_path.with_name(journal_path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self, journal_path: Path) -> None:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open until release()
        try:
            _lock_exclusively(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read(200).strip() or "another process"
            handle.close()
            raise EigenpalJournalError(
                f"the journal {journal_path} is in use by another batch ({holder}); a journal takes one batch at "
                "a time: wait for that batch to end or stop it, then run this one again",
                path=journal_path,
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, since {utc_now():%Y-%m-%dT%H:%M:%SZ}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.truncate(0)
            self._handle.close()  # closing the descriptor releases the lock
            self._handle = None


def _lock_exclusively(handle: IO[str]) -> None:
    """Raise ``OSError`` when another process (or another open of the file) holds the lock."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows
        import msvcrt  # noqa: PLC0415

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


# --- the journal --------------------------------------------------------------------------------------------


class Journal:
    """The journal of one batch: a SQLite file (``open``) or, for a batch without one, an in-memory database
    (``in_memory``) with the same rules and nothing kept after it closes.

    Thread-safe: the sync batch's worker threads record their transitions through one connection, under a lock.
    Every method that changes something commits before it returns.
    """

    def __init__(self, connection: sqlite3.Connection, *, path: Path | None, lock: _WriterLock | None) -> None:
        self._db = connection
        self._db.row_factory = sqlite3.Row
        self.path = path
        self._lock = threading.Lock()
        self._writer_lock = lock
        self.run_token = uuid.uuid4().hex  # marks the inputs this process has taken (duplicates in one run)
        self.batch_id = ""

    # --- opening ----------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], identity: BatchIdentity) -> Journal:
        """The journal at ``path`` for the batch ``identity``, created if missing; ``EigenpalJournalError`` when
        it cannot be used (on a network file system, in use by another batch, another batch's, unreadable)."""
        journal_path = Path(os.fspath(path)).expanduser().absolute()
        if not journal_path.parent.is_dir():
            raise EigenpalJournalError(
                f"the journal's folder {journal_path.parent} does not exist; create it first", path=journal_path
            )
        if journal_path.is_dir():
            raise EigenpalJournalError(f"the journal {journal_path} is a folder; name a file", path=journal_path)
        network = network_file_system(journal_path.parent.resolve())
        if network is not None:
            mount_point, fs_type = network
            raise EigenpalJournalError(
                f"the journal {journal_path} is on a network file system ({fs_type} at {mount_point}); SQLite's "
                "write-ahead log needs a local disk (its locks and shared memory do not work over a network): "
                "put the journal on the local disk of the machine that runs the batch",
                path=journal_path,
            )
        lock = _WriterLock(journal_path)
        try:
            lock.acquire(journal_path)
        except OSError as error:
            raise EigenpalJournalError(
                f"cannot lock the journal {journal_path}: {error.strerror or error}", path=journal_path
            ) from None
        connection: sqlite3.Connection | None = None
        try:
            connection = sqlite3.connect(
                journal_path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None
            )
            journal = cls(connection, path=journal_path, lock=lock)
            journal._prepare(identity, wal=True)
        except BaseException as error:
            if connection is not None:
                connection.close()
            lock.release()
            if isinstance(error, sqlite3.Error):
                raise EigenpalJournalError(
                    f"cannot use the journal {journal_path}: {error} (is it a journal written by eigenpal-ext, on "
                    "a local disk, and not held open by another program?)",
                    path=journal_path,
                ) from None
            raise
        return journal

    @classmethod
    def in_memory(cls, identity: BatchIdentity) -> Journal:
        """A journal that lives as long as the batch (``run_batch`` without ``journal=``)."""
        connection = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        journal = cls(connection, path=None, lock=None)
        journal._prepare(identity, wal=False)
        return journal

    def _prepare(self, identity: BatchIdentity, *, wal: bool) -> None:
        db = self._db
        if wal:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"the file system does not support write-ahead logging ({mode})")
            db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise EigenpalJournalError(
                f"the journal {self.path} was written by a newer eigenpal-ext (schema {version}; this one reads "
                f"schema {SCHEMA_VERSION}): upgrade eigenpal-ext to resume it",
                path=self.path,
            )
        if version == 0:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise EigenpalJournalError(
                    f"{self.path} is a SQLite database but not a batch journal; name a new file for the journal",
                    path=self.path,
                )
            self._create(identity)
            return
        row = db.execute("SELECT batch_id, identity FROM batch WHERE id = 1").fetchone()
        if row is None:
            raise EigenpalJournalError(f"the journal {self.path} is damaged: it names no batch", path=self.path)
        if row["identity"] != identity.text():
            raise EigenpalJournalError(
                f"the journal {self.path} belongs to another batch ({_identity_description(row['identity'])}), "
                f"not this one ({identity.describe()}): its inputs' idempotency keys belong to those requests; "
                "name a new journal for this batch",
                path=self.path,
            )
        self.batch_id = row["batch_id"]

    def _create(self, identity: BatchIdentity) -> None:
        self.batch_id = uuid.uuid4().hex
        with self._lock:  # sqlite3.Error is turned into EigenpalJournalError by ``open``
            self._db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        with self._transaction():
            self._db.execute(
                "INSERT INTO batch (id, batch_id, workflow_id, identity, created_at) VALUES (1, ?, ?, ?, ?)",
                (self.batch_id, identity.workflow_id, identity.text(), utc_now().isoformat()),
            )

    def close(self) -> None:
        """Close the database (a checkpoint folds the write-ahead log into the file) and release the lock."""
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            if self._writer_lock is not None:
                self._writer_lock.release()
                self._writer_lock = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One committed step, under the lock; a SQLite failure becomes ``EigenpalJournalError``."""
        with self._lock:
            try:
                if self._db.in_transaction:
                    yield
                    return
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                raise EigenpalJournalError(f"the journal {self.path} failed: {error}", path=self.path) from None

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                raise EigenpalJournalError(f"the journal {self.path} failed: {error}", path=self.path) from None

    # --- inputs -----------------------------------------------------------------------------------------------

    def lookup(self, key: str) -> Entry | None:
        """The input ``key`` as the journal knows it, or None."""
        rows = self._read("SELECT * FROM inputs WHERE key = ?", (key,))
        return _entry(rows[0]) if rows else None

    def take(self, key: str, file: str | None, idempotency_key: str) -> tuple[Entry, bool]:
        """Mark input ``key`` as taken by this process (adding it, ``pending``, when new); the entry, and whether
        this process had taken it already (the same input twice in one batch)."""
        with self._transaction():
            row = self._db.execute("SELECT * FROM inputs WHERE key = ?", (key,)).fetchone()
            if row is not None and row["run_token"] == self.run_token:
                return _entry(row), True
            now = utc_now().isoformat()
            if row is None:
                self._db.execute(
                    "INSERT INTO inputs (key, file, state, idempotency_key, run_token, updated_at) "
                    "VALUES (?, ?, 'pending', ?, ?, ?)",
                    (key, file, idempotency_key, self.run_token, now),
                )
            else:
                self._db.execute("UPDATE inputs SET run_token = ? WHERE key = ?", (self.run_token, key))
            row = self._db.execute("SELECT * FROM inputs WHERE key = ?", (key,)).fetchone()
        return _entry(row), False

    def sending(self, key: str, sent_at: datetime.datetime) -> None:
        """``key``'s run is about to be sent: from now on it may exist on the server (``sent``)."""
        self._set(key, "sent", sent_at=sent_at.isoformat(), last_error=None)

    def refused(self, key: str, error: str | None) -> None:
        """``key``'s run was refused with nothing created (a 429, a 4xx, a file that went missing): ``pending``."""
        self._set(key, "pending", last_error=error)

    def unknown(self, key: str, error: str) -> None:
        """``key``'s run may have created an execution whose id never arrived: it stays ``sent``, with why."""
        self._set(key, "sent", last_error=error)

    def started(self, key: str, execution_id: str) -> None:
        """``key``'s execution is ``execution_id`` (``started``)."""
        self._set(key, "started", execution_id=execution_id, last_error=None)

    def not_finished(self, key: str, error: str) -> None:
        """Waiting for ``key``'s execution stopped before it ended (a timeout): it stays ``started``."""
        self._set(key, "started", last_error=error)

    def finished(self, key: str, outcome: Mapping[str, Any]) -> None:
        """``key``'s execution ended; ``outcome`` (the outcome's ``to_dict()``) is kept for exports and resumes."""
        text = json.dumps(outcome, ensure_ascii=True, separators=(",", ":"))
        execution_id = outcome.get("executionId")
        self._set(key, "finished", outcome=text, execution_id=execution_id, last_error=None)

    def _set(self, key: str, state: State, **columns: Any) -> None:
        assignments = ", ".join(f"{name} = ?" for name in columns)
        with self._transaction():
            self._db.execute(
                f"UPDATE inputs SET state = ?, updated_at = ?{', ' if columns else ''}{assignments} WHERE key = ?",
                (state, utc_now().isoformat(), *columns.values(), key),
            )

    # --- what the server honours ------------------------------------------------------------------------------

    def keys_honoured(self, base_url: str) -> bool | None:
        """Whether the server at ``base_url`` was seen to honour ``Idempotency-Key`` (None: nothing seen)."""
        rows = self._read("SELECT keys_honoured FROM servers WHERE base_url = ?", (base_url,))
        return bool(rows[0]["keys_honoured"]) if rows else None

    def remember_keys_honoured(self, base_url: str, honoured: bool) -> None:
        """Record what the server at ``base_url`` showed (a withdrawal overwrites an earlier inference)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO servers (base_url, keys_honoured, seen_at) VALUES (?, ?, ?) ON CONFLICT (base_url) "
                "DO UPDATE SET keys_honoured = excluded.keys_honoured, seen_at = excluded.seen_at",
                (base_url, int(honoured), utc_now().isoformat()),
            )

    # --- reading ----------------------------------------------------------------------------------------------

    def counts(self) -> dict[State, int]:
        """How many inputs are in each state."""
        rows = self._read("SELECT state, count(*) AS n FROM inputs GROUP BY state")
        found = {row["state"]: row["n"] for row in rows}
        return {state: found.get(state, 0) for state in STATES}

    def finished_outcomes(self) -> Iterator[dict[str, Any]]:
        """Every finished input's outcome (``to_dict()``), in the order the inputs were first seen; read in pages,
        so memory stays small for any number of inputs."""
        last = 0
        while True:
            rows = self._read(
                "SELECT seq, outcome FROM inputs WHERE state = 'finished' AND seq > ? ORDER BY seq LIMIT 500", (last,)
            )
            if not rows:
                return
            for row in rows:
                yield json.loads(row["outcome"])
            last = rows[-1]["seq"]

    def entries(self, state: State) -> list[Entry]:
        """The inputs in ``state`` (for listing the unknown or running ones; these stay few)."""
        return [_entry(row) for row in self._read("SELECT * FROM inputs WHERE state = ? ORDER BY seq", (state,))]
