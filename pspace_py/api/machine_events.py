"""Machine events: ``/machine-events`` (contract §3.2, §5)."""

from __future__ import annotations

from pspace_py.api.resource import ResourceApi

FINAL_EVENT_STATES = frozenset({"done", "error", "cancelled"})


class MachineEventsApi(ResourceApi):
    path = "machine-events"
    noun = "machine event"
