"""Machine and event lifecycles, computed when read from timestamps and the clock.

A call that starts work (create, start, stop, restart, resize, delete, snapshot and template
operations) decides everything up front: the transitional state the machine shows, the stable
state it settles in (the pre-operation state when the event is made to fail), and when the
event starts and finishes. Reads compare those timestamps with the clock; nothing runs in the
background, so a stopped process loses nothing and a fake clock drives every step.

The response of the call itself always shows the transition as it begins (machine
`provisioning`, event `new`), even in instant mode, where the very next read shows the end.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

# Machine states in which a machine is between two stable states.
TRANSITIONAL_STATES = frozenset(
    {"provisioning", "starting", "stopping", "restarting", "upgrading", "serviceready"}
)
# States in which a machine has a running VM (a dynamic public IP is shown only then).
RUNNING_STATES = frozenset({"ready", "serviceready", "restarting", "stopping"})

EVENT_NAMES = (
    "bill-sessions",
    "bill-upgrade",
    "create",
    "deactivate",
    "restart",
    "snapshot-create",
    "snapshot-delete",
    "snapshot-restore",
    "start",
    "stop",
    "template-create",
    "template-delete",
    "template-distribute",
    "template-import",
    "vm-migrate",
    "vm-shutdown-force",
    "vm-upgrade",
)

# The machine state shown while an event of this name is running.
TRANSITION_STATE = {
    "create": "provisioning",
    "start": "starting",
    "stop": "stopping",
    "vm-shutdown-force": "stopping",
    "restart": "restarting",
    "vm-upgrade": "upgrading",
}


@dataclass(frozen=True)
class Timing:
    """Seconds each kind of work takes; `queued` is how long an event stays `new` first."""

    provisioning: float = 8.0
    starting: float = 4.0
    stopping: float = 3.0
    restarting: float = 5.0
    upgrading: float = 6.0
    deactivating: float = 3.0
    snapshot: float = 2.0
    template: float = 5.0
    queued: float = 0.5

    @classmethod
    def instant(cls) -> Timing:
        return cls(**{field.name: 0.0 for field in fields(cls)})

    def seconds_for(self, event_name: str) -> float:
        return {
            "create": self.provisioning,
            "start": self.starting,
            "stop": self.stopping,
            "vm-shutdown-force": self.stopping,
            "restart": self.restarting,
            "vm-upgrade": self.upgrading,
            "deactivate": self.deactivating,
            "snapshot-create": self.snapshot,
            "snapshot-delete": self.snapshot,
            "snapshot-restore": self.snapshot,
            "template-create": self.template,
        }.get(event_name, self.snapshot)


def new_event(
    *,
    event_id: str,
    name: str,
    machine_id: str | None,
    now_ms: int,
    timing: Timing,
    error: str | None = None,
) -> dict[str, Any]:
    """An event record: queued now, started after `timing.queued`, finished when the work ends."""
    duration_ms = round(timing.seconds_for(name) * 1000)
    queued_ms = min(round(timing.queued * 1000), duration_ms)
    return {
        "id": event_id,
        "name": name,
        "machineId": machine_id,
        "dtCreated": now_ms,
        "startsAt": now_ms + queued_ms,
        "endsAt": now_ms + duration_ms,
        "error": error,
    }


@dataclass(frozen=True)
class EventView:
    state: str
    started_ms: int | None
    finished_ms: int | None
    error: str | None


def event_view(event: dict[str, Any], now_ms: int, *, at_call: bool = False) -> EventView:
    if at_call or now_ms < event["startsAt"]:
        return EventView("new", None, None, None)
    if now_ms < event["endsAt"]:
        return EventView("in progress", event["startsAt"], None, None)
    if event.get("cancelled"):
        return EventView("cancelled", event["startsAt"], event["endsAt"], None)
    failed = event["error"] is not None
    return EventView(
        "error" if failed else "done", event["startsAt"], event["endsAt"], event["error"]
    )


def begin_transition(machine: dict[str, Any], event: dict[str, Any], *, settles_in: str) -> None:
    """Put the machine in the event's transitional state until the event ends."""
    machine["busy"] = {
        "state": TRANSITION_STATE[event["name"]],
        "until": event["endsAt"],
        "eventId": event["id"],
    }
    machine["state"] = settles_in


def machine_state(machine: dict[str, Any], now_ms: int, *, at_call: bool = False) -> str:
    busy = machine.get("busy")
    if busy is not None and (at_call or now_ms < busy["until"]):
        return str(busy["state"])
    return str(machine["state"])


def machine_modified_ms(machine: dict[str, Any], now_ms: int) -> int:
    """dtModified moves when a transition completes, as if the platform had written it then."""
    busy = machine.get("busy")
    modified = int(machine["dtModified"])
    if busy is not None and busy["until"] <= now_ms:
        return max(modified, int(busy["until"]))
    return modified
