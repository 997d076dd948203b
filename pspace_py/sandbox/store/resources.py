"""The `resources` table: every resource is one row, its record as a JSON document plus the
columns that lists filter and sort on (copied from the record on every write, so they never
disagree).

Records use the same key names for those columns whatever their kind: `name`, `region` (a
region code), `machineId` (an event's or snapshot's machine, a template's parent, an IP's
assigned machine), `machineType`, `agentType`, `state` and `busy` (a machine's stable state and
its current transition), `dtCreated` (epoch milliseconds).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# A machine's state as of `?` (now, ms): the transition's state until it ends, then the stable one.
STATE_AT_SQL = "CASE WHEN busy_until > ? THEN busy_state ELSE state END"


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
    return None if row is None else load_record(row[0])


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
    return [load_record(row[0]) for row in rows]


def load_record(doc: str) -> Record:
    record: Record = json.loads(doc)
    return record


_FILTER_COLUMNS = {
    "name": "name",
    "region": "region",
    "machineId": "machine_id",
    "machineType": "machine_type",
    "agentType": "agent_type",
}
# SQL function: whether the first text contains the second, ignoring case (Unicode casefold;
# SQLite's own LIKE folds ASCII letters only). Registered on every connection (`database`).
CONTAINS_FOLDED = "pspace_contains_folded"


def contains_folded(haystack: str | None, needle: str) -> bool:
    return haystack is not None and needle.casefold() in haystack.casefold()


@dataclass(frozen=True)
class Match:
    """One list filter: the record key's column equals `value`, or (`part`) contains it in any
    case."""

    key: str
    value: str
    part: bool = False


def filter_clauses(matches: Iterable[Match]) -> tuple[str, list[Any]]:
    """` AND <condition>` per filter, and the values they take."""
    clauses, values = [], []
    for match in matches:
        column = _FILTER_COLUMNS[match.key]
        clauses.append(
            f" AND {CONTAINS_FOLDED}({column}, ?)" if match.part else f" AND {column} = ?"
        )
        values.append(match.value)
    return "".join(clauses), values
