"""Machine events: each call that starts work records one, whose outcome is decided at once
(an injected failure, or success) and whose progress the clock shows (`lifecycle.event_view`)."""

from __future__ import annotations

from pspace_py.sandbox.lifecycle import new_event
from pspace_py.sandbox.state.kinds import EVENT
from pspace_py.sandbox.state.tx import Record, Tx


def start(tx: Tx, name: str, machine_id: str | None) -> Record:
    """Record a new event; it ends in error when an event-failure rule claims it."""
    event = new_event(
        event_id=tx.new_id(EVENT, tx.ids.uuid),
        name=name,
        machine_id=machine_id,
        now_ms=tx.now_ms,
        timing=tx.runtime.timing,
        error=tx.runtime.failures.take(name, machine_id),
    )
    tx.insert(EVENT, event)
    return event


def succeeded(event: Record) -> bool:
    return event["error"] is None
