"""The sandbox's storage, one SQLite database: `database` (the file, its schema, transactions),
`resources` (one row per resource), `pages` (keyset pagination), `team_data` (IP leases,
counters, team settings). Only the state layer (`sandbox/state/`) reads and writes through it."""

from __future__ import annotations

from pspace_py.sandbox.store.database import MEMORY, SCHEMA_VERSION, Store
from pspace_py.sandbox.store.pages import (
    Page,
    PageRequest,
    decode_cursor,
    encode_cursor,
    list_page,
    page_query,
)
from pspace_py.sandbox.store.resources import (
    Match,
    Record,
    contains_folded,
    delete,
    exists,
    find,
    get,
    ids,
    insert,
    insert_many,
    update,
)
from pspace_py.sandbox.store.team_data import (
    delete_setting,
    get_setting,
    lease_ip,
    lease_many,
    lease_owners,
    next_counter,
    release_ip,
    set_counter,
    set_setting,
)

__all__ = [
    "MEMORY",
    "SCHEMA_VERSION",
    "Match",
    "Page",
    "PageRequest",
    "Record",
    "Store",
    "contains_folded",
    "decode_cursor",
    "delete",
    "delete_setting",
    "encode_cursor",
    "exists",
    "find",
    "get",
    "get_setting",
    "ids",
    "insert",
    "insert_many",
    "lease_ip",
    "lease_many",
    "lease_owners",
    "list_page",
    "next_counter",
    "page_query",
    "release_ip",
    "set_counter",
    "set_setting",
    "update",
]
