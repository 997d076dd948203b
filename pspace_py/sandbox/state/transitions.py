"""Machine lifecycles, decided: which action may start from which state, and the transition.

Every action that touches a running (or stopped) machine asks `require()` first: it answers the
state the machine is in, or a 400 in the real API's words. The rules follow what real clients
send and expect (docs/sandbox.md, "Rules and their sources"): delete is accepted in every state,
stop on the way up as well as when ready. How long a transition takes and what a read shows
meanwhile is `lifecycle`'s business (computed from timestamps and the clock).
"""

from __future__ import annotations

from dataclasses import dataclass

from pspace_py.machine_states import MACHINE_STATES
from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.lifecycle import (
    TRANSITIONAL_STATES,
    begin_transition,
    machine_state,
)
from pspace_py.sandbox.state.kinds import EVENT
from pspace_py.sandbox.state.tx import Record, Tx

# The real API's refusal of a start while one is pending (SkyPilot matches it verbatim); the
# sandbox says the same of every transitional state.
CURRENTLY = "This machine is currently {state}."
_STOP_FIRST = (
    "Cannot {action} machine {id} while it is {state}: stop it first (`pspace machine stop {id}`)."
)


@dataclass(frozen=True)
class Rule:
    may_start_from: frozenset[str]
    refusal: str = CURRENTLY  # for a stable state it cannot start from


_OFF = frozenset({"off"})
_READY = frozenset({"ready"})
_STABLE = frozenset({"off", "ready"})
# SkyPilot's stop_instances stops machines in these states on purpose (instance.py:190-191).
_RUNNING_OR_ON_THE_WAY_UP = frozenset(
    {"ready", "serviceready", "upgrading", "provisioning", "starting", "restarting"}
)

# action (as the refusals word it) -> where it may start from.
RULES = {
    "start": Rule(_OFF, "Machine {id} is {state}; only an off machine can start."),
    "stop": Rule(_RUNNING_OR_ON_THE_WAY_UP, "Machine {id} is already off."),
    "restart": Rule(_READY, "Machine {id} is off; start it instead of restarting it."),
    "resize": Rule(_OFF, _STOP_FIRST),
    "delete": Rule(frozenset(MACHINE_STATES)),
    "create a template from": Rule(_OFF, _STOP_FIRST),
    "snapshot": Rule(_STABLE),
    "restore a snapshot onto": Rule(_STABLE),
}


def require(tx: Tx, machine: Record, action: str) -> str:
    """The machine's state, when `action` may start from it; 400 saying why not otherwise."""
    state = machine_state(machine, tx.now_ms)
    rule = RULES[action]
    if state in rule.may_start_from:
        return state
    refusal = CURRENTLY if state in TRANSITIONAL_STATES else rule.refusal
    raise bad_request(refusal.format(action=action, id=machine["id"], state=state))


def begin(tx: Tx, machine: Record, event: Record, *, settles_in: str) -> None:
    """The machine shows the event's transitional state until it ends, then `settles_in`."""
    begin_transition(machine, event, settles_in=settles_in)
    machine["dtModified"] = tx.now_ms


def cut_short(tx: Tx, machine: Record, *, cancel: bool = False) -> None:
    """End the transition under way now (a stop or a delete takes over): its event finishes at
    this moment with the outcome it had, or `cancelled` (an event state of the API's enum).
    The machine keeps the stable state the transition was heading for until the caller begins
    the next one."""
    busy = machine.get("busy")
    if busy is None or busy["until"] <= tx.now_ms:
        return
    event = tx.lookup(EVENT, busy["eventId"])
    if event is not None:
        event["startsAt"] = min(event["startsAt"], tx.now_ms)
        event["endsAt"] = tx.now_ms
        event["cancelled"] = cancel
        tx.update(EVENT, event)
    machine["busy"] = None
