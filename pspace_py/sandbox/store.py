"""The sandbox's state: one SQLite database (a file, or `:memory:` for tests).

Every resource is one row of `resources`: its record as a JSON document plus the columns that
lists filter and sort on (copied from the record on every write, so they never disagree).
Records use the same key names for those columns whatever their kind: `name`, `region` (a
region code), `machineId` (an event's or snapshot's machine, a template's parent, an IP's
assigned machine), `machineType`, `agentType`, `state` and `busy` (a machine's stable state and
its current transition), `dtCreated` (epoch milliseconds).

Concurrency: one connection per `Store`, guarded by a lock, because waitress serves requests on
several threads; every request runs in one transaction (`BEGIN IMMEDIATE` when it writes), and
files use WAL, so several processes can share one file (SQLite's own locking orders them).
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pspace_py.sandbox.errors import SandboxError, SandboxStateError

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

# A machine's state as of `?` (now, ms): the transition's state until it ends, then the stable one.
STATE_AT_SQL = "CASE WHEN busy_until > ? THEN busy_state ELSE state END"


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
    if path != MEMORY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
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
    try:
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
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


# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------

Record = dict[str, Any]

_COLUMNS = (
    "created_ms",
    "name",
    "region",
    "machine_id",
    "machine_type",
    "agent_type",
    "state",
    "busy_state",
    "busy_until",
    "doc",
)


def _column_values(record: Mapping[str, Any]) -> tuple[Any, ...]:
    busy = record.get("busy") or {}
    return (
        record["dtCreated"],
        record.get("name") or "",
        record.get("region"),
        record.get("machineId"),
        record.get("machineType"),
        record.get("agentType"),
        record.get("state"),
        busy.get("state"),
        busy.get("until"),
        json.dumps(record, separators=(",", ":")),
    )


def get(conn: sqlite3.Connection, kind: str, team: str, resource_id: str) -> Record | None:
    row = conn.execute(
        "SELECT doc FROM resources WHERE kind = ? AND team = ? AND id = ?",
        (kind, team, resource_id),
    ).fetchone()
    return None if row is None else _load(row[0])


def exists(conn: sqlite3.Connection, kind: str, team: str, resource_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM resources WHERE kind = ? AND team = ? AND id = ?",
        (kind, team, resource_id),
    ).fetchone()
    return row is not None


def insert(conn: sqlite3.Connection, kind: str, team: str, record: Record) -> None:
    conn.execute(
        "INSERT INTO resources (kind, team, id, created_ms, name, region, machine_id, "
        "machine_type, agent_type, state, busy_state, busy_until, doc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, team, record["id"], *_column_values(record)),
    )


def insert_many(conn: sqlite3.Connection, kind: str, team: str, records: Iterable[Record]) -> None:
    conn.executemany(
        "INSERT INTO resources (kind, team, id, created_ms, name, region, machine_id, "
        "machine_type, agent_type, state, busy_state, busy_until, doc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((kind, team, record["id"], *_column_values(record)) for record in records),
    )


def update(conn: sqlite3.Connection, kind: str, team: str, record: Record) -> None:
    assignments = ", ".join(f"{column} = ?" for column in _COLUMNS)
    conn.execute(
        f"UPDATE resources SET {assignments} WHERE kind = ? AND team = ? AND id = ?",  # noqa: S608
        (*_column_values(record), kind, team, record["id"]),
    )


def delete(conn: sqlite3.Connection, kind: str, team: str, resource_id: str) -> None:
    conn.execute(
        "DELETE FROM resources WHERE kind = ? AND team = ? AND id = ?", (kind, team, resource_id)
    )


def ids(conn: sqlite3.Connection, kind: str, team: str) -> set[str]:
    rows = conn.execute("SELECT id FROM resources WHERE kind = ? AND team = ?", (kind, team))
    return {row[0] for row in rows}


def find(
    conn: sqlite3.Connection, kind: str, team: str, *, machine_id: str | None = None
) -> list[Record]:
    """Every record of a kind in a team (optionally of one machine), oldest first."""
    if machine_id is None:
        rows = conn.execute(
            "SELECT doc FROM resources WHERE kind = ? AND team = ? ORDER BY created_ms, seq",
            (kind, team),
        )
    else:
        rows = conn.execute(
            "SELECT doc FROM resources WHERE kind = ? AND team = ? AND machine_id = ? "
            "ORDER BY created_ms, seq",
            (kind, team, machine_id),
        )
    return [_load(row[0]) for row in rows]


def count(conn: sqlite3.Connection, kind: str, team: str, **equal: str) -> int:
    where, params = _filters(equal)
    row = conn.execute(
        f"SELECT COUNT(*) FROM resources WHERE kind = ? AND team = ?{where}",  # noqa: S608
        (kind, team, *params),
    ).fetchone()
    return int(row[0])


def _load(doc: str) -> Record:
    record: Record = json.loads(doc)
    return record


_FILTER_COLUMNS = {
    "name": "name",
    "region": "region",
    "machineId": "machine_id",
    "machineType": "machine_type",
    "agentType": "agent_type",
}


def _filters(equal: Mapping[str, str]) -> tuple[str, list[Any]]:
    clauses = "".join(f" AND {_FILTER_COLUMNS[key]} = ?" for key in equal)
    return clauses, list(equal.values())


# ---------------------------------------------------------------------------------------------
# Keyset pagination
# ---------------------------------------------------------------------------------------------

# The sort keys lists accept -> the SQL expression they sort on.
_SORT_EXPRESSIONS = {"dtCreated": "created_ms", "name": "name", "state": STATE_AT_SQL}


@dataclass(frozen=True)
class PageRequest:
    order_by: str  # a key of _SORT_EXPRESSIONS
    descending: bool
    limit: int
    after: str | None  # the opaque cursor of the previous page


@dataclass(frozen=True)
class Page:
    records: list[Record]
    next_cursor: str | None


def list_page(
    conn: sqlite3.Connection,
    kind: str,
    team: str,
    page: PageRequest,
    *,
    now_ms: int,
    filters: Mapping[str, str] | None = None,
) -> Page:
    """One page in (sort key, seq) order: an index range scan, O(limit) for dtCreated/name."""
    sql, params = page_query(kind, team, page, now_ms=now_ms, filters=filters)
    rows = conn.execute(sql, params).fetchall()
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = (
        encode_cursor(page.order_by, page.descending, rows[-1][1], rows[-1][0])
        if has_more
        else None
    )
    return Page([_load(row[2]) for row in rows], next_cursor)


def page_query(
    kind: str,
    team: str,
    page: PageRequest,
    *,
    now_ms: int,
    filters: Mapping[str, str] | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """The SELECT behind `list_page` (limit + 1 rows, to know whether more follow)."""
    expression = _SORT_EXPRESSIONS[page.order_by]
    # The state expression compares with "now"; every use of it takes that parameter.
    now = [now_ms] if page.order_by == "state" else []
    where, filter_params = _filters(filters or {})
    keyset, keyset_params = "", []
    if page.after is not None:
        key, seq = decode_cursor(page.after, page.order_by, page.descending)
        op = "<" if page.descending else ">"
        # `expr <= key AND (...)` first, so SQLite turns it into an index range.
        keyset = f" AND {expression} {op}= ? AND ({expression} {op} ? OR seq {op} ?)"
        keyset_params = [*now, key, *now, key, seq]
    direction = "DESC" if page.descending else "ASC"
    sql = (
        f"SELECT seq, {expression}, doc FROM resources "  # noqa: S608 -- fixed expressions
        f"WHERE kind = ? AND team = ?{where}{keyset} "
        f"ORDER BY {expression} {direction}, seq {direction} LIMIT ?"
    )
    params = (*now, kind, team, *filter_params, *keyset_params, *now, page.limit + 1)
    return sql, params


def encode_cursor(order_by: str, descending: bool, key: Any, seq: int) -> str:
    raw = json.dumps([order_by, "desc" if descending else "asc", key, seq], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order_by: str, descending: bool) -> tuple[Any, int]:
    """The (sort key, seq) a cursor points after; 400 if it is not one of ours for this order."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        cursor_order_by, direction, key, seq = json.loads(base64.urlsafe_b64decode(padded))
        valid = (
            isinstance(seq, int)
            and isinstance(key, (str, int))
            and not isinstance(seq, bool)
            and direction in ("asc", "desc")
        )
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise SandboxError(
            400, f"Invalid `after` cursor {cursor!r}: pass the `nextPage` value of a previous page."
        )
    if cursor_order_by != order_by or (direction == "desc") != descending:
        raise SandboxError(
            400,
            f"The `after` cursor was issued for orderBy={cursor_order_by} order={direction}; "
            "use the same orderBy and order for every page.",
        )
    return key, seq


# ---------------------------------------------------------------------------------------------
# IP leases, counters and team settings
# ---------------------------------------------------------------------------------------------


def lease_ip(
    conn: sqlite3.Connection, team: str, pool: str, candidates: Sequence[str], owner: str
) -> str | None:
    """Lease the first free address of `candidates`, starting after the last one leased."""
    start = next_counter(conn, team, f"pool:{pool}") % len(candidates)
    for offset in range(len(candidates)):
        index = (start + offset) % len(candidates)
        address = candidates[index]
        taken = conn.execute(
            "SELECT 1 FROM ip_leases WHERE team = ? AND pool = ? AND ip = ?", (team, pool, address)
        ).fetchone()
        if taken is None:
            conn.execute(
                "INSERT INTO ip_leases (team, pool, ip, owner) VALUES (?, ?, ?, ?)",
                (team, pool, address, owner),
            )
            set_counter(conn, team, f"pool:{pool}", index + 1)
            return address
    return None


def lease_many(
    conn: sqlite3.Connection, team: str, pool: str, candidates: Sequence[str], owners: Sequence[str]
) -> list[str] | None:
    """Lease one address per owner in one pass (the seed route); None if the pool is too small."""
    taken = {
        row[0]
        for row in conn.execute(
            "SELECT ip FROM ip_leases WHERE team = ? AND pool = ?", (team, pool)
        )
    }
    free = [address for address in candidates if address not in taken]
    if len(free) < len(owners):
        return None
    chosen = free[: len(owners)]
    conn.executemany(
        "INSERT INTO ip_leases (team, pool, ip, owner) VALUES (?, ?, ?, ?)",
        ((team, pool, address, owner) for address, owner in zip(chosen, owners, strict=True)),
    )
    set_counter(conn, team, f"pool:{pool}", candidates.index(chosen[-1]) + 1 if chosen else 0)
    return chosen


def release_ip(conn: sqlite3.Connection, team: str, pool: str, address: str) -> None:
    conn.execute(
        "DELETE FROM ip_leases WHERE team = ? AND pool = ? AND ip = ?", (team, pool, address)
    )


def next_counter(conn: sqlite3.Connection, team: str, name: str) -> int:
    row = conn.execute(
        "SELECT value FROM counters WHERE team = ? AND name = ?", (team, name)
    ).fetchone()
    return 0 if row is None else int(row[0])


def set_counter(conn: sqlite3.Connection, team: str, name: str, value: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO counters (team, name, value) VALUES (?, ?, ?)", (team, name, value)
    )


def get_setting(conn: sqlite3.Connection, team: str, key: str) -> Any:
    row = conn.execute(
        "SELECT value FROM team_settings WHERE team = ? AND key = ?", (team, key)
    ).fetchone()
    return None if row is None else json.loads(row[0])


def set_setting(conn: sqlite3.Connection, team: str, key: str, value: Any) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO team_settings (team, key, value) VALUES (?, ?, ?)",
        (team, key, json.dumps(value)),
    )


def delete_setting(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM team_settings WHERE key = ?", (key,))


def lease_owners(conn: sqlite3.Connection, team: str, pool: str) -> list[str]:
    rows = conn.execute("SELECT owner FROM ip_leases WHERE team = ? AND pool = ?", (team, pool))
    return [row[0] for row in rows]
