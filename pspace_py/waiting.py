"""The one wait/poll helper: follow a machine (and its event) until it settles.

Polls with a capped backoff until the machine reaches one of the wanted states
and its event (when there is one) is done, the event ends in error, or the
deadline passes. It never prints: progress goes to the ``on_progress``
callback, which the CLI draws as a live line or as one line per change.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, NamedTuple

from pspace_py.api.errors import NotFoundError as ApiNotFoundError
from pspace_py.api.machine_events import FINAL_EVENT_STATES, MachineEventsApi
from pspace_py.api.machines import MACHINE_STATES, MachinesApi
from pspace_py.errors import OperationFailedError, UsageError, WaitTimeoutError

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient

# Long enough for a large GPU machine to provision; never infinite.
DEFAULT_TIMEOUT = 1800.0
GONE = "gone"
WAITABLE_STATES = (*MACHINE_STATES, GONE)


class PollSchedule(NamedTuple):
    first: float = 1.0
    factor: float = 1.5
    cap: float = 10.0

    def delays(self) -> Callable[[], float]:
        current = self.first

        def next_delay() -> float:
            nonlocal current
            delay = current
            current = min(self.cap, current * self.factor)
            return delay

        return next_delay


class Progress(NamedTuple):
    machine_id: str
    state: str
    event_state: str | None
    elapsed: float
    # False when nothing moved since the last poll (a live line still updates its clock).
    changed: bool = True


class WaitResult(NamedTuple):
    machine: dict[str, Any] | None  # None once the machine is gone
    event: dict[str, Any] | None
    elapsed: float


def default_timeout() -> float:
    raw = os.environ.get("PSPACE_WAIT_TIMEOUT")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"PSPACE_WAIT_TIMEOUT must be a number of seconds, not '{raw}'.") from None
    if not math.isfinite(value) or value <= 0:
        raise UsageError(
            f"PSPACE_WAIT_TIMEOUT must be a finite number of seconds above 0, not '{raw}'."
        )
    return value


def default_schedule() -> PollSchedule:
    # Tests and the sandbox's fast mode poll faster; real machines take minutes.
    raw = os.environ.get("PSPACE_POLL_INTERVAL")
    if raw:
        try:
            first = max(0.01, float(raw))
        except ValueError:
            raise UsageError(f"PSPACE_POLL_INTERVAL must be seconds, not '{raw}'.") from None
        return PollSchedule(first=first, cap=max(first, 10.0))
    return PollSchedule()


def wait_for_machine(
    client: ApiClient,
    machine_id: str,
    wanted: Collection[str],
    *,
    event_id: str | None = None,
    timeout: float | None = None,
    on_progress: Callable[[Progress], None] = lambda _: None,
    schedule: PollSchedule | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> WaitResult:
    """Poll until ``machine_id`` is in one of ``wanted`` (``gone`` = deleted)."""
    machines = MachinesApi(client)
    events = MachineEventsApi(client)
    deadline_seconds = default_timeout() if timeout is None else timeout
    if not math.isfinite(deadline_seconds) or deadline_seconds <= 0:
        # nan would never compare as passed: a wait without an end.
        raise UsageError(
            f"The wait timeout must be a finite number of seconds above 0, not {deadline_seconds}."
        )
    started = clock()
    next_delay = (schedule or default_schedule()).delays()
    last: tuple[str, str | None] | None = None
    while True:
        event = events.get(event_id) if event_id else None
        event_state = event.get("state") if event else None
        if event is not None and event_state in {"error", "cancelled"}:
            reason = event.get("error") or f"the event was {event_state}"
            raise OperationFailedError(
                f"Machine {machine_id}: {event.get('name', 'operation')} failed: {reason}.",
                hint=f"See 'pspace machine-event get {event_id}' and "
                f"'pspace machine get {machine_id}'.",
            )
        machine, state = _machine_state(machines, machine_id)
        elapsed = clock() - started
        changed = (state, event_state) != last
        on_progress(Progress(machine_id, state, event_state, elapsed, changed))
        last = (state, event_state)
        event_settled = event is None or event_state in FINAL_EVENT_STATES
        if state in wanted and event_settled:
            return WaitResult(machine=machine, event=event, elapsed=elapsed)
        if elapsed >= deadline_seconds:
            raise WaitTimeoutError(
                f"Gave up waiting after {deadline_seconds:g}s: machine {machine_id} is "
                f"{state}, not {' or '.join(sorted(wanted))}.",
                hint="The operation goes on server-side; wait again with "
                f"'pspace machine wait {machine_id} --state {sorted(wanted)[0]}'.",
            )
        remaining = deadline_seconds - elapsed
        sleep(max(0.0, min(next_delay(), remaining)))


def _machine_state(machines: MachinesApi, machine_id: str) -> tuple[dict[str, Any] | None, str]:
    try:
        machine = machines.get(machine_id)
    except ApiNotFoundError:
        return None, GONE
    return machine, str(machine.get("state", "unknown"))
