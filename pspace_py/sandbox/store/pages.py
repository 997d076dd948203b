"""Keyset pagination over `resources`: a page costs O(limit) whatever the total, and its
cursor is opaque to clients but tied to the order it was issued for."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pspace_py.sandbox.errors import SandboxError
from pspace_py.sandbox.store.resources import (
    STATE_AT_SQL,
    Match,
    Record,
    filter_clauses,
    load_record,
)

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
    filters: Sequence[Match] = (),
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
    return Page([load_record(row[2]) for row in rows], next_cursor)


def page_query(
    kind: str,
    team: str,
    page: PageRequest,
    *,
    now_ms: int,
    filters: Sequence[Match] = (),
) -> tuple[str, tuple[Any, ...]]:
    """The SELECT behind `list_page` (limit + 1 rows, to know whether more follow)."""
    expression = _SORT_EXPRESSIONS[page.order_by]
    # The state expression compares with "now"; every use of it takes that parameter.
    now = [now_ms] if page.order_by == "state" else []
    where, filter_params = filter_clauses(filters)
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
