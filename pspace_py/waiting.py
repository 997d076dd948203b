"""The one wait/poll helper: follow a machine (and its event) until it settles.

Polls with a capped backoff until the machine reaches one of the wanted states
and its event (when there is one) is done, the event ends in error, or the
deadline passes. It never prints: progress goes to the ``on_progress``
callback, which the CLI draws as a live line or as one line per change.

The deadline is the wait's whole budget: each poll, and each retry of a poll,
gets only the time left (:mod:`pspace_py.api.deadline`), so a wait ends at its
deadline whether the API is slow, answers 503 with a long ``Retry-After``, or
does not answer at all; the last look is taken just before it.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from pspace_py.api import deadline
from pspace_py.api.errors import ApiError
from pspace_py.api.errors import NotFoundError as ApiNotFoundError
from pspace_py.api.machine_events import FINAL_EVENT_STATES, MachineEventsApi
from pspace_py.api.machines import MachinesApi
from pspace_py.errors import OperationFailedError, UsageError, WaitTimeoutError
from pspace_py.machine_states import MACHINE_STATES

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient

# Long enough for a large GPU machine to provision; never infinite.
DEFAULT_TIMEOUT = 1800.0
# The last poll starts this long (or a quarter of the wait, if shorter) before the deadline.
LAST_LOOK_SECONDS = 1.0
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


def wait_timeout(timeout: float | None) -> float:
    """The wait's budget in seconds: ``timeout``, else PSPACE_WAIT_TIMEOUT, else 30 minutes."""
    seconds = default_timeout() if timeout is None else timeout
    if not math.isfinite(seconds) or seconds <= 0:
        # nan would never compare as passed: a wait without an end.
        raise UsageError(
            f"The wait timeout must be a finite number of seconds above 0, not {seconds}."
        )
    return seconds


@contextlib.contextmanager
def within_wait(timeout: float | None, target: str) -> Iterator[None]:
    """Everything in the block (finding the machine, then waiting for it) shares one
    deadline; a request the deadline cut short is a wait timeout, exit 7."""
    seconds = wait_timeout(timeout)
    with deadline.limit(seconds):
        try:
            yield
        except ApiError as error:
            if not error.out_of_time:
                raise
            raise WaitTimeoutError(
                f"Gave up waiting after {seconds:g}s for {target}: {_last_answer(error)}.",
                hint=f"Check it with 'pspace machine get {target}'.",
            ) from None


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
    deadline_seconds = wait_timeout(timeout)
    with deadline.limit(deadline_seconds):
        return _Wait(
            client, machine_id, wanted, event_id, deadline_seconds, on_progress, sleep, clock
        ).run(schedule or default_schedule())


class _Wait:
    def __init__(
        self,
        client: ApiClient,
        machine_id: str,
        wanted: Collection[str],
        event_id: str | None,
        seconds: float,
        on_progress: Callable[[Progress], None],
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self.machines = MachinesApi(client)
        self.events = MachineEventsApi(client)
        self.machine_id = machine_id
        self.wanted = wanted
        self.event_id = event_id
        self.seconds = seconds
        self.on_progress = on_progress
        self.sleep = sleep
        self.clock = clock
        self.state: str | None = None  # as last seen

    def run(self, schedule: PollSchedule) -> WaitResult:
        started = self.clock()
        next_delay = schedule.delays()
        last: tuple[str, str | None] | None = None
        last_look = min(LAST_LOOK_SECONDS, self.seconds / 4)
        final = False
        while True:
            event, machine, state = self._poll()
            event_state = event.get("state") if event else None
            elapsed = self.clock() - started
            changed = (state, event_state) != last
            self.on_progress(Progress(self.machine_id, state, event_state, elapsed, changed))
            last = (state, event_state)
            event_settled = event is None or event_state in FINAL_EVENT_STATES
            if state in self.wanted and event_settled:
                return WaitResult(machine=machine, event=event, elapsed=elapsed)
            remaining = self.seconds - elapsed
            outer = deadline.remaining()  # an enclosing wait's (within_wait) may come first
            if outer is not None:
                remaining = min(remaining, outer)
            if final or remaining <= 0:
                # The deadline is the wait's promise: it ends there, not before.
                self.sleep(max(0.0, remaining))
                raise self._timed_out(None)
            delay = next_delay()
            if delay >= remaining - last_look:
                # The next poll is the last: take it just before the deadline.
                delay, final = max(0.0, remaining - last_look), True
            self.sleep(delay)

    def _poll(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
        try:
            event = self.events.get(self.event_id) if self.event_id else None
            if event is not None and event.get("state") in {"error", "cancelled"}:
                reason = event.get("error") or f"the event was {event.get('state')}"
                raise OperationFailedError(
                    f"Machine {self.machine_id}: {event.get('name', 'operation')} failed: "
                    f"{reason}.",
                    hint=f"See 'pspace machine-event get {self.event_id}' and "
                    f"'pspace machine get {self.machine_id}'.",
                )
            machine, state = _machine_state(self.machines, self.machine_id)
        except ApiError as error:
            if error.out_of_time:
                raise self._timed_out(error) from None
            raise
        self.state = state
        return event, machine, state

    def _timed_out(self, error: ApiError | None) -> WaitTimeoutError:
        wanted = " or ".join(sorted(self.wanted))
        if error is None:
            what = f"machine {self.machine_id} is {self.state}, not {wanted}"
        else:
            seen = f"was last seen {self.state}" if self.state else "was not seen"
            what = f"machine {self.machine_id} {seen} (waiting for {wanted}); {_last_answer(error)}"
        return WaitTimeoutError(
            f"Gave up waiting after {self.seconds:g}s: {what}.",
            hint="The operation goes on server-side; wait again with "
            f"'pspace machine wait {self.machine_id} --state {sorted(self.wanted)[0]}'.",
        )


def unconfirmed(
    done: str, machine_id: str, wanted: Collection[str], error: ApiError
) -> WaitTimeoutError:
    """A change the API accepted whose wait then failed (the API erring, not the change).

    Exit 7, as a wait that ran out of time: the change goes on server-side, so nothing says
    to send it again (for a create, that would be a second billed machine).
    """
    state = sorted(wanted)[0]
    return WaitTimeoutError(
        f"{done}, but waiting for it to be {' or '.join(sorted(wanted))} failed: "
        f"{_last_answer(error)}.",
        hint=f"It goes on server-side: do not send it again. Wait with 'pspace machine wait "
        f"{machine_id} --state {state}', or see it with 'pspace machine get {machine_id}'.",
    )


def _last_answer(error: ApiError) -> str:
    """What the last request got, for a wait that ran out of time."""
    text = error.message.rstrip(".")
    if error.status:
        text = f"the API answered HTTP {error.status} ({text})"
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int | float):
        text += f" and asked to retry after {retry_after:g}s"
    return text


def _machine_state(machines: MachinesApi, machine_id: str) -> tuple[dict[str, Any] | None, str]:
    try:
        machine = machines.get(machine_id)
    except ApiNotFoundError:
        return None, GONE
    return machine, str(machine.get("state", "unknown"))
