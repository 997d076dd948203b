"""The state file: one SQLite database (a file, or `:memory:` for tests), its schema and version.

Concurrency: one connection per `Store`, guarded by a lock, because waitress serves requests on
several threads; every request runs in one transaction (`BEGIN IMMEDIATE` when it writes), and
files use WAL, so several processes can share one file (SQLite's own locking orders them).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pspace_py.sandbox.errors import SandboxError, SandboxStateError
from pspace_py.sandbox.store import state_file
from pspace_py.sandbox.store.resources import CONTAINS_FOLDED, contains_folded

MEMORY = ":memory:"
SCHEMA_VERSION = 1
_BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    team TEXT NOT NULL,
    id TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    name TEXT NOT NULL,
    region TEXT,
    machine_id TEXT,
    machine_type TEXT,
    agent_type TEXT,
    state TEXT,
    busy_state TEXT,
    busy_until INTEGER,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX resources_by_id ON resources (kind, team, id);
CREATE INDEX resources_by_created ON resources (kind, team, created_ms, seq);
CREATE INDEX resources_by_name ON resources (kind, team, name, seq);
CREATE INDEX resources_by_machine ON resources (kind, team, machine_id, created_ms, seq);
CREATE TABLE ip_leases (
    team TEXT NOT NULL,
    pool TEXT NOT NULL,
    ip TEXT NOT NULL,
    owner TEXT NOT NULL,
    PRIMARY KEY (team, pool, ip)
) WITHOUT ROWID;
CREATE TABLE counters (
    team TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (team, name)
) WITHOUT ROWID;
CREATE TABLE team_settings (
    team TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (team, key)
) WITHOUT ROWID;
"""
_DATA_TABLES = ("resources", "ip_leases", "counters", "team_settings")


class Store:
    """The database and its lock; `read()`/`write()` yield a connection inside a transaction."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = MEMORY if path is None or str(path) == MEMORY else str(Path(path).resolve())
        self._lock = threading.RLock()
        self._conn = _connect(self.path)
        try:
            _prepare_schema(self._conn, self.path)
        except BaseException:
            self._conn.close()
            raise

    @property
    def is_file(self) -> bool:
        return self.path != MEMORY

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._transaction("BEGIN") as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._transaction("BEGIN IMMEDIATE") as conn:
            yield conn

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute(begin)
            except sqlite3.OperationalError as exc:
                raise _busy_error(exc) from exc
            try:
                yield self._conn
            except BaseException:
                self._conn.rollback()
                raise
            try:
                self._conn.commit()
            except sqlite3.OperationalError as exc:
                self._conn.rollback()
                raise _busy_error(exc) from exc

    def clear(self) -> None:
        """Delete every resource, lease, counter and team setting (the schema stays)."""
        with self.write() as conn:
            for table in _DATA_TABLES:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 -- fixed table names
            conn.execute("DELETE FROM sqlite_sequence WHERE name = 'resources'")

    def get_meta(self, key: str) -> str | None:
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _busy_error(exc: sqlite3.OperationalError) -> SandboxError:
    # Another process held the file's write lock for longer than the busy timeout.
    return SandboxError(
        503, f"The sandbox state file is busy ({exc}); retry the request.", code="TIMEOUT"
    )


def _connect(path: str) -> sqlite3.Connection:
    kind = state_file.kind_of(Path(path)) if path != MEMORY else "ours"
    if kind == "missing":
        state_file.create_private(Path(path))
    # isolation_level=None: transactions are explicit (BEGIN / BEGIN IMMEDIATE above).
    try:
        conn = sqlite3.connect(
            path,
            timeout=_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            cached_statements=256,
        )
    except sqlite3.Error as exc:
        raise SandboxStateError(
            path, f"Cannot open {path} as a sandbox state file: {exc}."
        ) from exc
    conn.create_function(CONTAINS_FOLDED, 2, contains_folded, deterministic=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        if kind != "ours":  # before WAL, so that the main file's header carries it at once
            conn.execute(f"PRAGMA application_id = {state_file.APPLICATION_ID}")
        if path != MEMORY:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SandboxStateError(
            path, f"{path} is not a pspace sandbox state file (SQLite says: {exc})."
        ) from exc
    return conn


def _prepare_schema(conn: sqlite3.Connection, path: str) -> None:
    """Create the schema in a new database; refuse a database of another version or kind."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if "meta" not in tables:
                if tables:
                    raise SandboxStateError(
                        path,
                        f"{path} is an SQLite database but not a pspace sandbox state file; "
                        "choose another file with --state.",
                    )
                # Statement by statement: executescript() would commit our BEGIN IMMEDIATE.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            else:
                _check_version(conn, path)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    except sqlite3.DatabaseError as exc:
        raise SandboxStateError(
            path, f"{path} is not a pspace sandbox state file (SQLite says: {exc})."
        ) from exc


def _check_version(conn: sqlite3.Connection, path: str) -> None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        found = int(row[0]) if row is not None else None
    except ValueError:
        found = None
    if found != SCHEMA_VERSION:
        shown = "unknown" if found is None else str(found)
        raise SandboxStateError(
            path,
            f"{path} holds sandbox state of schema version {shown}, but this pspace reads only "
            f"version {SCHEMA_VERSION}. Use the pspace that wrote it, or start over with "
            f"`pspace sandbox reset --state {path}` (this deletes its contents).",
            found_version=found,
            expected_version=SCHEMA_VERSION,
        )
