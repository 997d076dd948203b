"""`Tx`: one transaction of one team at one moment, what every state function takes first.

It carries the connection, the team, "now" (read once per request, so every timestamp of a
call agrees) and the `Runtime` (what stays the same from request to request), and wraps the
store's calls in the team's partition.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from pspace_py.catalog import Catalog, Region
from pspace_py.sandbox import store
from pspace_py.sandbox.errors import SandboxError, bad_request
from pspace_py.sandbox.ids import IdGenerator
from pspace_py.sandbox.lifecycle import Timing
from pspace_py.sandbox.state.failures import EventFailures
from pspace_py.sandbox.state.kinds import Kind
from pspace_py.sandbox.store import Record as Record  # what every state function passes
from pspace_py.sandbox.teams import Team


@dataclass
class Runtime:
    """What stays the same from request to request."""

    catalog: Catalog
    timing: Timing
    ids: IdGenerator
    failures: EventFailures = field(default_factory=EventFailures)

    @cached_property
    def _region_names(self) -> dict[str, str]:
        return {region.code: region.name for region in self.catalog.regions}

    def region_name(self, code: str) -> str:
        """A region code's full name (`NY2` -> `East Coast (NY2)`), as the API shows regions."""
        return self._region_names.get(code, code)


@dataclass
class Tx:
    conn: sqlite3.Connection
    team: Team
    now_ms: int
    runtime: Runtime

    @property
    def namespace(self) -> str:
        return self.team.namespace

    @property
    def catalog(self) -> Catalog:
        return self.runtime.catalog

    @property
    def ids(self) -> IdGenerator:
        return self.runtime.ids

    # -- the team's records ----------------------------------------------------------------------

    def get(self, kind: Kind, resource_id: str) -> Record:
        """The record, or 404 "<Kind> '<id>' not found." (also for another team's)."""
        record = store.get(self.conn, kind.name, self.namespace, resource_id)
        if record is None:
            raise SandboxError(404, f"{kind.label} {resource_id!r} not found.")
        return record

    def find(self, kind: Kind, *, machine_id: str | None = None) -> list[Record]:
        return store.find(self.conn, kind.name, self.namespace, machine_id=machine_id)

    def lookup(self, kind: Kind, resource_id: str) -> Record | None:
        return store.get(self.conn, kind.name, self.namespace, resource_id)

    def insert(self, kind: Kind, record: Record) -> None:
        store.insert(self.conn, kind.name, self.namespace, record)

    def update(self, kind: Kind, record: Record) -> None:
        store.update(self.conn, kind.name, self.namespace, record)

    def delete(self, kind: Kind, resource_id: str) -> None:
        store.delete(self.conn, kind.name, self.namespace, resource_id)

    def rename(self, kind: Kind, resource_id: str, name: str | None) -> Record:
        """The record with its new name (None: as it was, and nothing is written)."""
        record = self.get(kind, resource_id)
        if name is not None:
            record["name"] = name
            self.update(kind, record)
        return record

    def remove(self, kind: Kind, resource_id: str) -> Record:
        """Delete the record; what it was, with `dtDeleted` now (as the delete call shows it)."""
        record = self.get(kind, resource_id)
        self.delete(kind, record["id"])
        record["dtDeleted"] = self.now_ms
        return record

    def new_id(self, kind: Kind, make: Callable[[], str]) -> str:
        """A fresh ID from `make` that no record of this kind has yet."""
        while True:
            candidate = make()
            if not store.exists(self.conn, kind.name, self.namespace, candidate):
                return candidate

    # -- catalog values --------------------------------------------------------------------------

    def region(self, value: str, *, field_name: str = "region") -> Region:
        """A region in any spelling (`NY2`, `ny2`, `East Coast (NY2)`); 400 naming the field."""
        try:
            return self.catalog.normalize_region(value)
        except ValueError as exc:
            raise bad_request(f"`{field_name}`: {exc}.") from None

    def region_name(self, code: str) -> str:
        return self.runtime.region_name(code)
