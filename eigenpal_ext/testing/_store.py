"""Persistence of the local server: executions (runs), their lifecycle events, their uploaded files and the
reusable files of the files API, in SQLite; file contents on disk.

With a data directory, everything lives under it (``eigenpal.sqlite3`` in WAL mode, ``files/``), so
stopping and restarting the server loses nothing. Without one (the in-memory mode for tests) the
database is ``:memory:`` and files go to a temporary directory removed on ``close()``. Opening a data
directory removes upload files no execution refers to (the partial uploads of a killed server), and
opening a database of an older server replaces values nesting too deep to read back safely by a
placeholder, once (``_json_limits``).

One connection, guarded by a lock: the server's request handlers and its worker threads all go through
this class, and SQLite serialises writers anyway. Timestamps are stored as ISO-8601 UTC strings with
milliseconds (``2026-11-27T10:00:00.123Z``), which sort and compare correctly as text.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
from eigenpal_api.models import ExecutionStatus

from eigenpal_ext import TERMINAL_STATUSES
from eigenpal_ext.dates import format_utc
from eigenpal_ext.testing._json_limits import load_stored_json, stored_json_problem, unreadable

logger = logging.getLogger("eigenpal_ext.testing")

# The statuses are the contract's (the generated enum) and the client's idea of terminal, as plain strings:
# that is what the database stores and compares.
KNOWN_STATUSES = tuple(status.value for status in ExecutionStatus)
TERMINAL = frozenset(status.value for status in TERMINAL_STATUSES)
NOT_TERMINAL = tuple(status for status in KNOWN_STATUSES if status not in TERMINAL)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    workflow_name TEXT NOT NULL,
    version_id TEXT NOT NULL,
    status TEXT NOT NULL,
    input_json TEXT NOT NULL,
    overrides_json TEXT,
    trigger TEXT NOT NULL,
    example_id TEXT,
    idempotency_key TEXT,
    result_json TEXT,
    error TEXT,
    steps_json TEXT NOT NULL DEFAULT '[]',
    decision TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    cancel_requested_at TEXT,
    request_fingerprint TEXT,
    UNIQUE (tenant, idempotency_key)
);
CREATE INDEX IF NOT EXISTS executions_by_workflow ON executions (tenant, workflow_id, created_at);
CREATE INDEX IF NOT EXISTS executions_by_status ON executions (status);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL REFERENCES executions (id),
    input_key TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_execution ON files (execution_id);
CREATE TABLE IF NOT EXISTS run_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    execution_id TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT,
    previous_status TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_events_by_execution ON run_events (execution_id, seq);
CREATE TABLE IF NOT EXISTS pool_files (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    purpose TEXT,
    created_at TEXT NOT NULL
);
"""

# The lifecycle events the store records (``run_events.type``); the runs API's timeline shows them.
RUN_CREATED = "run.created"
RUN_STATUS_CHANGED = "run.status_changed"
RUN_CANCEL_REQUESTED = "run.cancel_requested"


def now_text() -> str:
    return format_utc(datetime.now(UTC))


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@attrs.frozen
class StoredFile:
    """An uploaded file input, written under the store's files directory."""

    input_key: str
    filename: str
    media_type: str
    size: int
    sha256: str
    path: Path


@attrs.frozen
class Execution:
    """One execution row, decoded."""

    id: str
    tenant: str
    workflow_id: str
    workflow_name: str
    version_id: str
    status: str
    input: dict[str, Any]
    overrides: dict[str, Any] | None
    trigger: str
    example_id: str | None
    idempotency_key: str | None
    result: Any
    error: str | None
    steps: list[dict[str, Any]]
    decision: str | None
    created_at: str
    started_at: str | None
    completed_at: str | None
    cancel_requested_at: str | None
    request_fingerprint: str | None = None
    """What the run asked for (``_idempotency.request_fingerprint``); None for rows of an older server."""
    metadata: Any = None
    """The caller's ``metadata`` of a run started on the runs API (None otherwise), as sent."""
    seq: int = 0
    """The row's insertion order (the tie-breaker of every ordering, and part of a list cursor)."""

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL


@attrs.frozen
class NewExecution:
    """What a run request asks for; the store assigns the id, status and timestamps."""

    tenant: str
    workflow_id: str
    workflow_name: str
    version_id: str
    input: dict[str, Any]
    overrides: dict[str, Any] | None
    trigger: str
    example_id: str | None = None
    idempotency_key: str | None = None
    request_fingerprint: str | None = None
    metadata: Any = None


@attrs.frozen
class StatusChange:
    """A run was created (``previous`` None) or moved from ``previous`` to ``current`` at ``at``."""

    execution_id: str
    previous: str | None
    current: str
    at: str


@attrs.frozen
class RunEvent:
    """One recorded lifecycle event of a run (``run_events``)."""

    type: str
    at: str
    status: str | None
    previous_status: str | None


@attrs.frozen
class PoolFile:
    """A reusable file of the files API (``POST /files``), which runs reference as ``{"$fileId": id}``."""

    id: str
    tenant: str
    filename: str
    content_type: str
    size: int
    sha256: str
    path: Path
    purpose: str | None
    created_at: str


@attrs.frozen
class RunQuery:
    """What ``Store.list_runs`` selects and in which order (every filter optional; see the runs list).

    ``nothing`` makes the query match no run (a filter the local server can never satisfy, such as a
    user or a batch it does not have). ``sort_column`` is one of ``RUN_SORT_COLUMNS``' values;
    ``after`` is the ``(sort value, seq)`` of the last run of the previous page (keyset paging).
    """

    statuses: tuple[str, ...] = ()
    workflow_ids: tuple[str, ...] | None = None
    version_ids: tuple[str, ...] | None = None
    trigger: str | None = None
    example_id: str | None = None
    ids: tuple[str, ...] | None = None
    created_from: str | None = None
    created_to: str | None = None
    created_after: str | None = None
    created_before: str | None = None
    completed_after: str | None = None
    completed_before: str | None = None
    nothing: bool = False
    sort_column: str = "created_at"
    descending: bool = True
    after: tuple[str, int] | None = None
    offset: int = 0
    limit: int = 50


RUN_SORT_COLUMNS = {"createdAt": "created_at", "startedAt": "started_at", "completedAt": "completed_at"}
"""The runs list's ``sort`` values and the columns they order by (a missing time sorts as the earliest)."""


class Store:
    """Executions and files; every method is safe to call from any thread."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self._lock = threading.RLock()
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="eigenpal-dev-server-")
            root = Path(self._scratch.name)
            database = ":memory:"
        else:
            root = Path(data_dir)
            root.mkdir(parents=True, exist_ok=True)
            database = str(root / "eigenpal.sqlite3")
        self.files_dir = root / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.persistent = data_dir is not None
        self.terminal_listeners: list[Callable[[str], None]] = []
        """Called with an execution's id (on the thread that made the change) when it becomes terminal."""
        self.change_listeners: list[Callable[[StatusChange], None]] = []
        """Called (on the thread that made the change, after it is stored) when a run is created and each
        time its status changes; a listener must return quickly (the engine's worker may be the caller)."""
        self._db = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if self.persistent:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()
        self.bounded_values = self._bound_stored_json()
        self.swept_uploads = self._sweep_orphan_uploads() if self.persistent else 0

    def _add_missing_columns(self) -> None:
        """Bring a database of an older server up to the current schema (columns added since, as NULL)."""
        with self._lock:
            present = {row["name"] for row in self._db.execute("PRAGMA table_info(executions)")}
            for column, declaration in _ADDED_COLUMNS.items():
                if column not in present:
                    self._db.execute(f"ALTER TABLE executions ADD COLUMN {column} {declaration}")

    def _bound_stored_json(self) -> int:
        """Once per database: replace stored JSON values too deep to read back safely; how many.

        A server without the request depth limit could store values nesting ~1000 levels deep, which made
        every later read of the row fail. Such values become the ``unreadable`` placeholder here, and the
        database is marked (``PRAGMA user_version``) so the check never runs again: every value stored since
        is bounded by the request limit.
        """
        with self._lock:
            if self._db.execute("PRAGMA user_version").fetchone()[0] >= _JSON_BOUNDED_VERSION:
                return 0
            replaced = 0
            self._db.execute("BEGIN")
            try:
                rows = self._db.execute(f"SELECT id, {', '.join(_JSON_COLUMNS)} FROM executions").fetchall()
                for row in rows:
                    for column in _JSON_COLUMNS:
                        problem = None if row[column] is None else stored_json_problem(row[column])
                        if problem is None:
                            continue
                        value = [] if column == "steps_json" else unreadable(problem)
                        self._db.execute(f"UPDATE executions SET {column} = ? WHERE id = ?",
                                         (json.dumps(value), row["id"]))  # fmt: skip
                        logger.warning("execution %s: %s %s; replaced by a placeholder", row["id"], column, problem)
                        replaced += 1
                self._db.execute(f"PRAGMA user_version = {_JSON_BOUNDED_VERSION}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return replaced

    def _sweep_orphan_uploads(self) -> int:
        """Delete the upload files no execution refers to; how many.

        A file part is written to ``files/`` while it arrives and recorded with its execution only once
        the whole request was accepted. A server that was killed mid-upload (or between the two) leaves
        such files behind; the next server on the same data directory removes them before it serves.
        Files are matched by name, so a data directory that was moved keeps its files.
        """
        with self._lock:
            known = {
                Path(path).name
                for (path,) in self._db.execute("SELECT path FROM files UNION ALL SELECT path FROM pool_files")
            }
        swept = 0
        for path in self.files_dir.glob("*.upload"):
            if path.name not in known:
                path.unlink(missing_ok=True)
                swept += 1
        if swept:
            logger.warning("removed %d partial or orphaned upload file(s) from %s", swept, self.files_dir)
        return swept

    def close(self) -> None:
        with self._lock:
            self._db.close()
        if self._scratch is not None:
            self._scratch.cleanup()

    # --- writes -------------------------------------------------------------------------------------

    def create_execution(self, new: NewExecution, files: Sequence[StoredFile] = ()) -> tuple[Execution, bool]:
        """Insert an execution (status ``created``) and its files; with an idempotency key already used by
        the tenant, return that execution instead and ``False`` (the caller discards its files)."""
        with self._lock:
            if new.idempotency_key is not None:
                existing = self._one("SELECT * FROM executions WHERE tenant = ? AND idempotency_key = ?",
                                     (new.tenant, new.idempotency_key))  # fmt: skip
                if existing is not None:
                    return existing, False
            execution_id = new_id("exec")
            self._db.execute("BEGIN")
            try:
                created_at = now_text()
                self._db.execute(
                    "INSERT INTO executions (id, tenant, workflow_id, workflow_name, version_id, status, input_json,"
                    " overrides_json, trigger, example_id, idempotency_key, created_at, request_fingerprint,"
                    " metadata_json) VALUES (?, ?, ?, ?, ?, 'created', ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        execution_id, new.tenant, new.workflow_id, new.workflow_name, new.version_id,
                        json.dumps(new.input), _json_or_none(new.overrides), new.trigger, new.example_id,
                        new.idempotency_key, created_at, new.request_fingerprint, _json_or_none(new.metadata),
                    ),
                )  # fmt: skip
                self._record(execution_id, RUN_CREATED, "created", None, created_at)
                self._db.executemany(
                    "INSERT INTO files (id, execution_id, input_key, filename, media_type, size, sha256, path)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (new_id("file"), execution_id, f.input_key, f.filename, f.media_type, f.size, f.sha256,
                         str(f.path))
                        for f in files
                    ],
                )  # fmt: skip
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            created = self.get(execution_id)
            assert created is not None
        self._tell(StatusChange(execution_id, None, "created", created.created_at))
        return created, True

    def transition(self, execution_id: str, from_statuses: Iterable[str], to_status: str, **fields: Any) -> bool:
        """Move to ``to_status`` only if the execution is in one of ``from_statuses``; set ``fields`` too.

        Conditional updates are how the worker and the cancel endpoint avoid trampling each other. A move
        to a terminal status is told to ``terminal_listeners`` (the server holds waiting on it).
        """
        allowed = tuple(from_statuses)
        columns = {"status": to_status, **_encode_fields(fields)}
        assignments = ", ".join(f"{name} = ?" for name in columns)
        # The moment of the change: the timestamp the change itself sets, if any, so the timeline agrees.
        at = next((fields[name] for name in ("completed_at", "started_at") if isinstance(fields.get(name), str)),
                  None) or now_text()  # fmt: skip
        with self._lock:
            row = self._db.execute("SELECT status FROM executions WHERE id = ?", (execution_id,)).fetchone()
            if row is None or row["status"] not in allowed:
                return False
            self._db.execute("BEGIN")
            try:
                self._db.execute(f"UPDATE executions SET {assignments} WHERE id = ?", (*columns.values(), execution_id))
                self._record(execution_id, RUN_STATUS_CHANGED, to_status, row["status"], at)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        self._tell(StatusChange(execution_id, row["status"], to_status, at))
        if to_status in TERMINAL:
            for listener in self.terminal_listeners:
                listener(execution_id)
        return True

    def request_cancel(self, execution_id: str, at: str) -> None:
        """Record that a cancel was asked for a run that is under way (the worker stops it at a checkpoint)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                cursor = self._db.execute(
                    "UPDATE executions SET cancel_requested_at = ? WHERE id = ? AND cancel_requested_at IS NULL",
                    (at, execution_id),
                )
                if cursor.rowcount == 1:
                    self._record(execution_id, RUN_CANCEL_REQUESTED, None, None, at)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _record(self, execution_id: str, kind: str, status: str | None, previous: str | None, at: str) -> None:
        self._db.execute(
            "INSERT INTO run_events (execution_id, type, status, previous_status, at) VALUES (?, ?, ?, ?, ?)",
            (execution_id, kind, status, previous, at),
        )

    def _tell(self, change: StatusChange) -> None:
        for listener in self.change_listeners:
            try:
                listener(change)
            except Exception:  # a listener's bug must not undo or hide the change it was told about
                logger.exception("a status listener failed on %s", change.execution_id)

    def update(self, execution_id: str, **fields: Any) -> None:
        """Set fields without changing the status (step records, decisions, cancel requests)."""
        columns = _encode_fields(fields)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        with self._lock:
            self._db.execute(f"UPDATE executions SET {assignments} WHERE id = ?", (*columns.values(), execution_id))

    # --- reads --------------------------------------------------------------------------------------

    def get(self, execution_id: str, tenant: str | None = None) -> Execution | None:
        """The execution, or None; with ``tenant``, None unless it belongs to that tenant."""
        if tenant is None:
            return self._one("SELECT * FROM executions WHERE id = ?", (execution_id,))
        return self._one("SELECT * FROM executions WHERE id = ? AND tenant = ?", (execution_id, tenant))

    def progress(self, execution_id: str) -> tuple[str, str | None] | None:
        """``(status, cancel_requested_at)`` without decoding the row's JSON (for frequent checks)."""
        with self._lock:
            row = self._db.execute(
                "SELECT status, cancel_requested_at FROM executions WHERE id = ?", (execution_id,)
            ).fetchone()
        return None if row is None else (row["status"], row["cancel_requested_at"])

    def events_of(self, execution_id: str) -> list[RunEvent]:
        """The run's recorded lifecycle events, oldest first (none for a run of an older server)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT type, at, status, previous_status FROM run_events WHERE execution_id = ? ORDER BY seq",
                (execution_id,),
            ).fetchall()
        return [RunEvent(row["type"], row["at"], row["status"], row["previous_status"]) for row in rows]

    def files_of(self, execution_id: str) -> list[StoredFile]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM files WHERE execution_id = ? ORDER BY input_key", (execution_id,)
            ).fetchall()
        return [
            StoredFile(
                row["input_key"], row["filename"], row["media_type"], row["size"], row["sha256"], Path(row["path"])
            )
            for row in rows
        ]

    def list_executions(
        self,
        tenant: str,
        workflow_id: str,
        *,
        statuses: Sequence[str] = (),
        from_date: str | None = None,
        to_date: str | None = None,
        example_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Execution], int]:
        """One page, newest first (ties broken by insertion order), and the total over all pages."""
        where, params = ["tenant = ?", "workflow_id = ?"], [tenant, workflow_id]
        if statuses:
            where.append(f"status IN ({', '.join('?' for _ in statuses)})")
            params.extend(statuses)
        if from_date is not None:
            where.append("created_at >= ?")
            params.append(from_date)
        if to_date is not None:
            where.append("created_at <= ?")
            params.append(to_date)
        if example_id is not None:
            where.append("example_id = ?")
            params.append(example_id)
        clause = " AND ".join(where)
        with self._lock:
            total = self._db.execute(f"SELECT COUNT(*) FROM executions WHERE {clause}", params).fetchone()[0]
            rows = self._db.execute(
                f"SELECT * FROM executions WHERE {clause} ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            ).fetchall()
        return [_decode(row) for row in rows], int(total)

    def list_runs(self, tenant: str, wanted: RunQuery) -> list[Execution]:
        """Up to ``wanted.limit`` runs of ``tenant`` matching ``wanted``, in its order (see ``RunQuery``)."""
        if wanted.nothing or wanted.sort_column not in RUN_SORT_COLUMNS.values():
            return []
        where: list[str] = ["tenant = ?"]
        params: list[Any] = [tenant]

        def among(column: str, values: Sequence[str]) -> None:
            where.append(f"{column} IN ({', '.join('?' for _ in values)})" if values else "0")
            params.extend(values)

        if wanted.statuses:
            among("status", wanted.statuses)
        for column, values in (("workflow_id", wanted.workflow_ids), ("version_id", wanted.version_ids),
                               ("id", wanted.ids)):  # fmt: skip
            if values is not None:
                among(column, values)
        for column, value in (("trigger", wanted.trigger), ("example_id", wanted.example_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        for column, operator, value in (
            ("created_at", ">=", wanted.created_from), ("created_at", "<=", wanted.created_to),
            ("created_at", ">", wanted.created_after), ("created_at", "<", wanted.created_before),
            ("completed_at", ">", wanted.completed_after), ("completed_at", "<", wanted.completed_before),
        ):  # fmt: skip
            if value is not None:
                where.append(f"{column} {operator} ?")
                params.append(value)
        key = f"COALESCE({wanted.sort_column}, '')"
        direction = "DESC" if wanted.descending else "ASC"
        if wanted.after is not None:
            where.append(f"({key}, seq) {'<' if wanted.descending else '>'} (?, ?)")
            params.extend(wanted.after)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM executions WHERE {' AND '.join(where)} ORDER BY {key} {direction}, seq {direction}"
                " LIMIT ? OFFSET ?",
                (*params, wanted.limit, wanted.offset),
            ).fetchall()
        return [_decode(row) for row in rows]

    # --- the reusable files of the files API ------------------------------------------------------

    def add_pool_file(
        self, tenant: str, *, filename: str, content_type: str, size: int, sha256: str, path: Path,
        purpose: str | None,
    ) -> PoolFile:  # fmt: skip
        """Record an uploaded reusable file (its content already at ``path``)."""
        pool_file = PoolFile(new_id("file"), tenant, filename, content_type, size, sha256, path, purpose, now_text())
        with self._lock:
            self._db.execute(
                "INSERT INTO pool_files (id, tenant, filename, content_type, size, sha256, path, purpose, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (pool_file.id, tenant, filename, content_type, size, sha256, str(path), purpose,
                 pool_file.created_at),
            )  # fmt: skip
        return pool_file

    def pool_file(self, file_id: str, tenant: str) -> PoolFile | None:
        """The tenant's reusable file, or None."""
        with self._lock:
            row = self._db.execute("SELECT * FROM pool_files WHERE id = ? AND tenant = ?", (file_id, tenant)).fetchone()
        if row is None:
            return None
        return PoolFile(row["id"], row["tenant"], row["filename"], row["content_type"], int(row["size"]),
                        row["sha256"], Path(row["path"]), row["purpose"], row["created_at"])  # fmt: skip

    def delete_pool_file(self, file_id: str, tenant: str) -> PoolFile | None:
        """Forget the tenant's reusable file and delete its content; the file, or None if there was none.
        Runs that used it keep their own copies (``files``)."""
        with self._lock:
            found = self.pool_file(file_id, tenant)
            if found is not None:
                self._db.execute("DELETE FROM pool_files WHERE id = ?", (file_id,))
        if found is not None:
            found.path.unlink(missing_ok=True)
        return found

    def unfinished(self) -> list[Execution]:
        """Executions a restarted server must pick up again, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM executions WHERE status NOT IN ('completed', 'failed', 'cancelled', 'rejected')"
                " ORDER BY seq"
            ).fetchall()
        return [_decode(row) for row in rows]

    def count_executions(self, tenant: str | None = None) -> int:
        with self._lock:
            if tenant is None:
                return int(self._db.execute("SELECT COUNT(*) FROM executions").fetchone()[0])
            return int(self._db.execute("SELECT COUNT(*) FROM executions WHERE tenant = ?", (tenant,)).fetchone()[0])

    def count_by_status(self, tenant: str) -> dict[str, int]:
        """How many executions the tenant has in each status (no row is decoded)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT status, COUNT(*) FROM executions WHERE tenant = ? GROUP BY status ORDER BY status", (tenant,)
            ).fetchall()
        return {status: int(count) for status, count in rows}

    def all_executions(self, tenant: str | None = None) -> list[Execution]:
        """Every execution (for tests and the admin endpoints), oldest first."""
        with self._lock:
            if tenant is None:
                rows = self._db.execute("SELECT * FROM executions ORDER BY seq").fetchall()
            else:
                rows = self._db.execute("SELECT * FROM executions WHERE tenant = ? ORDER BY seq", (tenant,)).fetchall()
        return [_decode(row) for row in rows]

    def _one(self, query: str, params: Sequence[Any]) -> Execution | None:
        with self._lock:
            row = self._db.execute(query, params).fetchone()
        return None if row is None else _decode(row)


# Added after the first release of the schema.
_ADDED_COLUMNS = {"request_fingerprint": "TEXT", "metadata_json": "TEXT"}
_JSON_FIELDS = {"result": "result_json", "steps": "steps_json", "overrides": "overrides_json"}
_JSON_COLUMNS = ("input_json", "overrides_json", "result_json", "steps_json", "metadata_json")
_JSON_BOUNDED_VERSION = 1  # PRAGMA user_version once every stored JSON value is known to read back safely


def _encode_fields(fields: dict[str, Any]) -> dict[str, Any]:
    encoded: dict[str, Any] = {}
    for name, value in fields.items():
        if name in _JSON_FIELDS:
            encoded[_JSON_FIELDS[name]] = json.dumps(value)
        else:
            encoded[name] = value
    return encoded


def _no_steps(reason: str) -> list[dict[str, Any]]:
    return []


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _decode(row: sqlite3.Row) -> Execution:
    row_id = row["id"]

    def load(column: str, placeholder: Callable[[str], Any] = unreadable) -> Any:
        text = row[column]
        return None if text is None else load_stored_json(text, column=column, row_id=row_id, placeholder=placeholder)

    return Execution(
        id=row["id"],
        tenant=row["tenant"],
        workflow_id=row["workflow_id"],
        workflow_name=row["workflow_name"],
        version_id=row["version_id"],
        status=row["status"],
        input=load("input_json"),
        overrides=load("overrides_json"),
        trigger=row["trigger"],
        example_id=row["example_id"],
        idempotency_key=row["idempotency_key"],
        result=load("result_json"),
        error=row["error"],
        steps=load("steps_json", _no_steps),
        decision=row["decision"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        cancel_requested_at=row["cancel_requested_at"],
        request_fingerprint=row["request_fingerprint"],
        metadata=load("metadata_json"),
        seq=int(row["seq"]),
    )
