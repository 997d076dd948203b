"""Lists: which records a list query selects (its filters), in which order, and which page.

Filters match exactly and case-sensitively, except `region`, which takes any spelling of a
region (`NY2`, `ny2`, `East Coast (NY2)`). What a filter means is decided here; the store turns
the result into SQL. Pages are keyset pages (see `store.pages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from pspace_py.sandbox import store
from pspace_py.sandbox.models import ListQuery
from pspace_py.sandbox.state.kinds import Kind
from pspace_py.sandbox.state.tx import Record, Tx

ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Listing(Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None  # None on the last page


def page_request(query: ListQuery, *, default_order_by: str = "dtCreated") -> store.PageRequest:
    order_by = query.orderBy or default_order_by
    # Newest first by default; names and states read naturally A to Z.
    default_order = "desc" if order_by == "dtCreated" else "asc"
    return store.PageRequest(
        order_by=order_by,
        descending=(query.order or default_order) == "desc",
        limit=query.limit,
        after=query.after,
    )


def filters(tx: Tx, query: ListQuery) -> dict[str, str]:
    """The query's filters as the store compares them (exact values)."""
    wanted = query.filter_values()
    if "region" in wanted:
        wanted["region"] = tx.region(wanted["region"]).code
    return wanted


def page(tx: Tx, kind: Kind, query: ListQuery) -> Listing[Record]:
    found = store.list_page(
        tx.conn,
        kind.name,
        tx.namespace,
        page_request(query),
        now_ms=tx.now_ms,
        filters=filters(tx, query),
    )
    return Listing(found.records, found.next_cursor)
