"""A stop, begun: what `machines-stop` and an auto-shutdown both do to a machine."""

from __future__ import annotations

from pspace_py.sandbox.lifecycle import TRANSITIONAL_STATES, machine_state
from pspace_py.sandbox.state import events, public_ips, transitions
from pspace_py.sandbox.state.tx import Record, Tx


def begin_stop(tx: Tx, machine: Record, *, event_name: str = "stop") -> Record:
    """Stop a ready machine, or one on its way up (the transition under way is cut short): it
    ends off. A failed stop leaves the machine as it was, transition and all. The caller
    stores the machine."""
    state = machine_state(machine, tx.now_ms)
    event = events.start(tx, event_name, machine["id"])
    if not events.succeeded(event):
        if state not in TRANSITIONAL_STATES:
            transitions.begin(tx, machine, event, settles_in=state)
        return event
    transitions.cut_short(tx, machine)
    # The lease ends now; the address is still shown until the machine is off.
    public_ips.release_dynamic(tx, machine, forget=False)
    transitions.begin(tx, machine, event, settles_in="off")
    return event
