"""Machine lifecycles, decided: which action may start from which state, and the transition.

Every action that touches a running (or stopped) machine asks `require()` first: it answers the
state the machine is in, or a 409 that says what to do. How long a transition takes and what a
read shows meanwhile is `lifecycle`'s business (computed from timestamps and the clock).
"""

from __future__ import annotations

from dataclasses import dataclass

from pspace_py.sandbox.errors import conflict
from pspace_py.sandbox.lifecycle import TRANSITIONAL_STATES, begin_transition, machine_state
from pspace_py.sandbox.state.tx import Record, Tx

_STOP_FIRST = (
    "Cannot {action} machine {id} while it is {state}: stop it first (`pspace machine stop {id}`)."
)
_WAIT = (
    "Cannot {action} machine {id} while it is {state}; wait until it is ready or off "
    "(e.g. `pspace machine wait`) and try again."
)


@dataclass(frozen=True)
class Rule:
    may_start_from: frozenset[str]
    refusal: str  # for any other stable state; a transitional one gets _WAIT


_OFF = frozenset({"off"})
_READY = frozenset({"ready"})
_STABLE = frozenset({"off", "ready"})

# action (as the refusals word it) -> where it may start from.
RULES = {
    "start": Rule(_OFF, "Machine {id} is already {state}; only an off machine can start."),
    "stop": Rule(_READY, "Machine {id} is already off."),
    "restart": Rule(_READY, "Machine {id} is off; start it instead of restarting it."),
    "resize": Rule(_OFF, _STOP_FIRST),
    "delete": Rule(_OFF, _STOP_FIRST),
    "create a template from": Rule(_OFF, _STOP_FIRST),
    "snapshot": Rule(_STABLE, _WAIT),
    "restore a snapshot onto": Rule(_STABLE, _WAIT),
}


def require(tx: Tx, machine: Record, action: str) -> str:
    """The machine's state, when `action` may start from it; 409 saying what to do otherwise."""
    state = machine_state(machine, tx.now_ms)
    rule = RULES[action]
    if state in rule.may_start_from:
        return state
    refusal = _WAIT if state in TRANSITIONAL_STATES else rule.refusal
    raise conflict(refusal.format(action=action, id=machine["id"], state=state))


def begin(tx: Tx, machine: Record, event: Record, *, settles_in: str) -> None:
    """The machine shows the event's transitional state until it ends, then `settles_in`."""
    begin_transition(machine, event, settles_in=settles_in)
    machine["dtModified"] = tx.now_ms
