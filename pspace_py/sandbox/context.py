"""What an operation handler gets: the transaction, the caller's team, the time and the parsed
request, plus helpers that every resource uses (body validation, lists, events, standing)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pspace_py.catalog import Catalog, Region
from pspace_py.sandbox import store
from pspace_py.sandbox.errors import SandboxError, bad_request
from pspace_py.sandbox.ids import IdGenerator
from pspace_py.sandbox.lifecycle import Timing, new_event
from pspace_py.sandbox.models import ListQuery
from pspace_py.sandbox.render import Wire
from pspace_py.sandbox.teams import Team

ModelT = TypeVar("ModelT", bound=BaseModel)

GOOD_STANDING: dict[str, Any] = {
    "hasPaymentMethod": True,
    "isAdminLocked": False,
    "isInGoodStanding": True,
    "messages": [],
}
# Team-settings row that applies to every team without its own (the admin route's default).
ALL_TEAMS = "*"


@dataclass
class EventFailure:
    """Make the next `times` events called `name` (optionally of one machine) end in error."""

    name: str
    error: str
    times: int = 1  # 0 = every matching event from now on
    machine_id: str | None = None
    used: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "error": self.error,
            "times": self.times,
            "machineId": self.machine_id,
            "used": self.used,
        }


class EventFailures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[EventFailure] = []

    def add(self, rule: EventFailure) -> None:
        with self._lock:
            self._rules.append(rule)

    def take(self, name: str, machine_id: str | None) -> str | None:
        """The error text for an event about to start, if a rule claims it."""
        with self._lock:
            for rule in self._rules:
                exhausted = rule.times and rule.used >= rule.times
                matches = rule.name == name and rule.machine_id in (None, machine_id)
                if matches and not exhausted:
                    rule.used += 1
                    return rule.error
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()


@dataclass
class Runtime:
    """What stays the same from request to request."""

    catalog: Catalog
    timing: Timing
    ids: IdGenerator
    wire: Wire
    failures: EventFailures = field(default_factory=EventFailures)


@dataclass
class Ctx:
    conn: sqlite3.Connection
    team: Team
    now_ms: int
    runtime: Runtime
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: Any

    @property
    def catalog(self) -> Catalog:
        return self.runtime.catalog

    @property
    def wire(self) -> Wire:
        return self.runtime.wire

    @property
    def ids(self) -> IdGenerator:
        return self.runtime.ids

    @property
    def namespace(self) -> str:
        return self.team.namespace

    # -- request parsing -----------------------------------------------------------------------

    def parse(self, model: type[ModelT]) -> ModelT:
        body = {} if self.body is None else self.body
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            raise validation_error("request body", exc) from None

    def parse_query(self, model: type[ModelT]) -> ModelT:
        try:
            return model.model_validate(dict(self.query))
        except ValidationError as exc:
            raise validation_error("query", exc) from None

    def region(self, value: str, *, field_name: str = "region") -> Region:
        try:
            return self.catalog.normalize_region(value)
        except ValueError as exc:
            raise bad_request(f"`{field_name}`: {exc}.") from None

    # -- helpers shared by resources -----------------------------------------------------------

    def new_id(self, kind: str, make: Callable[[], str]) -> str:
        while True:
            candidate = make()
            if not store.exists(self.conn, kind, self.namespace, candidate):
                return candidate

    def get_or_404(self, kind: str, resource_id: str, what: str) -> dict[str, Any]:
        record = store.get(self.conn, kind, self.namespace, resource_id)
        if record is None:
            raise SandboxError(404, f"{what} {resource_id!r} not found.")
        return record

    def start_event(self, name: str, machine_id: str | None) -> dict[str, Any]:
        """Record a new event; it ends in error when an event-failure rule claims it."""
        event = new_event(
            event_id=self.new_id("event", self.ids.uuid),
            name=name,
            machine_id=machine_id,
            now_ms=self.now_ms,
            timing=self.runtime.timing,
            error=self.runtime.failures.take(name, machine_id),
        )
        store.insert(self.conn, "event", self.namespace, event)
        return event

    def require_good_standing(self, action: str) -> None:
        standing = account_standing(self.conn, self.namespace)
        if not standing["isInGoodStanding"]:
            reasons = " ".join(standing["messages"]) or "No reason was given."
            raise SandboxError(
                412,
                f"Cannot {action}: the account is not in good standing. {reasons} "
                "(Sandbox: POST /_sandbox/account-standing to change this.)",
            )

    def list_response(
        self,
        kind: str,
        query: ListQuery,
        render: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        filters: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        page = store.list_page(
            self.conn,
            kind,
            self.namespace,
            page_request(query),
            now_ms=self.now_ms,
            filters=filters if filters is not None else query.filter_values(),
        )
        return list_envelope([render(record) for record in page.records], page.next_cursor)


def page_request(query: ListQuery) -> store.PageRequest:
    order_by = query.orderBy or "dtCreated"
    # Newest first by default; names and states read naturally A to Z.
    default_order = "desc" if order_by == "dtCreated" else "asc"
    return store.PageRequest(
        order_by=order_by,
        descending=(query.order or default_order) == "desc",
        limit=query.limit,
        after=query.after,
    )


def list_envelope(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {"hasMore": next_cursor is not None, "items": items, "nextPage": next_cursor}


def validation_error(where: str, exc: ValidationError) -> SandboxError:
    issues = [_issue_text(error) for error in exc.errors(include_url=False)]
    return bad_request(f"Invalid {where}: " + "; ".join(issues), issues=issues)


def _issue_text(error: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(body)"
    if error["type"] == "missing":
        return f"`{location}` is required"
    return f"`{location}`: {error['msg']}"


def account_standing(conn: sqlite3.Connection, namespace: str) -> dict[str, Any]:
    for team in (namespace, ALL_TEAMS):
        standing = store.get_setting(conn, team, "standing")
        if standing is not None:
            return {**GOOD_STANDING, **standing}
    return dict(GOOD_STANDING)
