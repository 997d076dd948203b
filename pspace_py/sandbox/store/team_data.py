"""What a team has besides its resources: leased IP addresses, counters, settings."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any


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
    chosen: list[str] = []
    for address in candidates:  # stops as soon as there are enough
        if len(chosen) == len(owners):
            break
        if address not in taken:
            chosen.append(address)
    if len(chosen) < len(owners):
        return None
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
