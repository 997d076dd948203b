"""Lists of what a team has only a few of (its members, a machine's accessors, its autoscaling
groups): sorted and paged in memory, with the store's cursors, so their pages behave like every
other list's (`nextPage` until the last page, a cursor tied to the orderBy and order it came
from). `order` defaults to desc for every orderBy, as the API reference gives it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pspace_py.sandbox import store
from pspace_py.sandbox.models import ListQuery
from pspace_py.sandbox.state.lists import Listing
from pspace_py.sandbox.state.tx import Record

# A record's place in one order, unique among the records listed (the ID breaks ties).
SortKey = Callable[[Record], str]


def by_text(field: str, *, tie: str = "id") -> SortKey:
    return lambda record: f"{record[field]}\x00{record[tie]}"


def by_time(field: str, *, tie: str = "id") -> SortKey:
    """Epoch milliseconds, zero-padded so that text order is time order."""
    return lambda record: f"{record[field]:016d}\x00{record[tie]}"


def page(
    records: Iterable[Record],
    query: ListQuery,
    sort_keys: Mapping[str, SortKey],
    *,
    default_order_by: str,
) -> Listing[Record]:
    """One page of `records` in the query's order; `sort_keys` has a key per orderBy value."""
    order_by = query.orderBy or default_order_by
    descending = (query.order or "desc") == "desc"
    key_of = sort_keys[order_by]
    keyed = sorted(
        ((key_of(record), record) for record in records),
        key=lambda pair: pair[0],
        reverse=descending,
    )
    if query.after is not None:
        after, _ = store.decode_cursor(query.after, order_by, descending)
        keyed = [pair for pair in keyed if (pair[0] < after if descending else pair[0] > after)]
    shown = keyed[: query.limit]
    next_cursor = (
        store.encode_cursor(order_by, descending, shown[-1][0], 0)
        if len(keyed) > query.limit
        else None
    )
    return Listing([record for _, record in shown], next_cursor)
