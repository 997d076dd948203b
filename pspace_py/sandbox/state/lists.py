"""Lists: which records a list query selects (its filters), in which order, and which page.

String filters (`name`, `machineType`, `agentType`) match part of the value in any case, as the
real API's do: SkyPilot finds `sky-add-key-<hash>` with `name=sky-add-key`, OpenLLM's CI finds
`openllm-ci-<time>` with `name=openllm-ci`. `region` takes any spelling of a region (`NY2`,
`ny2`, `East Coast (NY2)`); IDs (`machineId`) match exactly. `order` is `desc` by default
whatever the `orderBy` (the real openapi.json's default). What a filter means is decided here;
the store turns it into SQL. Pages are keyset pages (see `store.pages`).
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
    return store.PageRequest(
        order_by=query.orderBy or default_order_by,
        descending=(query.order or "desc") == "desc",
        limit=query.limit,
        after=query.after,
    )


_EXACT = frozenset({"machineId"})


def filters(tx: Tx, query: ListQuery) -> list[store.Match]:
    """The query's filters as the store compares them."""
    matches = []
    for key, value in query.filter_values().items():
        if key == "region":
            matches.append(store.Match(key, tx.region(value).code))
        else:
            matches.append(store.Match(key, value, part=key not in _EXACT))
    return matches


def matches_part(value: str, wanted: str) -> bool:
    """A string filter's test, for lists that are not stored (the catalog's OS templates)."""
    return store.contains_folded(value, wanted)


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
