"""start, stop, restart and deactivate of one machine, idempotent and aware of transitions.

A machine already where the action leads is left alone ("already off", exit 0); one on its way
there is waited for with ``--wait``. A refusal (400 on the real API, 409 on older sandboxes)
while the machine is between states is waited out with ``--wait`` (then the action is sent
again), and names ``--wait`` without it. The real API's "This machine is currently starting."
(a start already queued while the list still says off) counts as on its way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from pspace_py.errors import RefusedError

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient
    from pspace_py.api.decode import AsyncResult
    from pspace_py.api.machines import MachinesApi
    from pspace_py.waiting import Progress

STABLE = frozenset({"off", "ready"})
# Sending the action again after waiting out a transition: enough for any real sequence.
_MAX_ATTEMPTS = 3
_CURRENTLY = re.compile(r"currently (\w+)", re.IGNORECASE)


class Action(NamedTuple):
    verb: str  # start | stop | restart | deactivate
    wanted: frozenset[str]  # where it leads ("gone" for deactivate): what --wait waits for
    # States on the way to ``wanted``: nothing to send, only (with --wait) to wait for.
    heading: frozenset[str]
    send: Callable[[MachinesApi, str], AsyncResult]
    # Where there is nothing to do at all (a restart of a running machine still restarts it).
    already: frozenset[str] = frozenset()


class Done(NamedTuple):
    """What happened to one machine: the answer (or the machine as found) and, when nothing
    had to be sent, why ("already off")."""

    result: AsyncResult
    already: str | None = None
    waited: bool = False


def _call(name: str) -> Callable[[MachinesApi, str], AsyncResult]:
    def send(machines: MachinesApi, machine_id: str) -> AsyncResult:
        method: Callable[[str], AsyncResult] = getattr(machines, name)
        return method(machine_id)

    return send


START = Action(
    "start",
    frozenset({"ready"}),
    frozenset({"starting", "serviceready"}),
    _call("start"),
    frozenset({"ready"}),
)
STOP = Action(
    "stop", frozenset({"off"}), frozenset({"stopping"}), _call("stop"), frozenset({"off"})
)
RESTART = Action("restart", frozenset({"ready"}), frozenset({"restarting"}), _call("restart"))
DEACTIVATE = Action("deactivate", frozenset({"gone"}), frozenset(), _call("delete"))

_ALREADY = {"ready": "running", "off": "off"}


def run_action(
    client: ApiClient,
    machine: dict[str, Any],
    action: Action,
    *,
    wait: bool,
    timeout: float | None,
    on_progress: Callable[[Progress], None] = lambda _: None,
    on_sent: Callable[[AsyncResult], None] = lambda _: None,
) -> Done:
    """Bring one machine where ``action`` leads; see the module's docstring for the rules.

    ``on_sent`` hears the API's answer as soon as it comes (a Ctrl-C then names its event).
    """
    from pspace_py.api.decode import AsyncResult
    from pspace_py.api.errors import ApiError, BadRequestError, ConflictError
    from pspace_py.api.machines import MachinesApi

    machines = MachinesApi(client)
    machine_id = str(machine["id"])
    current = machine
    for _ in range(_MAX_ATTEMPTS):
        state = str(current.get("state"))
        if state in action.already:
            return Done(AsyncResult(current, None), f"already {_ALREADY.get(state, state)}")
        if state in action.heading:
            return _on_its_way(client, current, action, state, wait, timeout, on_progress)
        try:
            result = action.send(machines, machine_id)
        except (BadRequestError, ConflictError) as refusal:
            named = _CURRENTLY.search(refusal.message)
            current = machines.get(machine_id)
            state = named.group(1).lower() if named else str(current.get("state"))
            if state in action.already or state in action.heading:
                return _on_its_way(client, current, action, state, wait, timeout, on_progress)
            if state in STABLE:
                raise
            if not wait:
                raise RefusedError(
                    f"Machine {machine_id} ({machine.get('name')}) is {state}, so it cannot "
                    f"{action.verb} now.",
                    hint=f"Pass --wait to wait until it is {' or '.join(sorted(STABLE))}, then "
                    f"{action.verb} it: 'pspace machine {action.verb} {machine_id} --wait'.",
                ) from None
            current = _settle(client, machine_id, timeout, on_progress)
            continue
        on_sent(result)
        if not wait:
            return Done(result)
        try:
            return Done(_wait_for(client, result, action, timeout, on_progress), waited=True)
        except ApiError as error:  # accepted, then the API failed the wait: not "try again"
            from pspace_py.waiting import unconfirmed

            name = result.resource.get("name") or machine.get("name")
            label = f"Machine {machine_id}" + (f" ({name})" if name else "")
            done = f"{label}: {action.verb} was accepted"
            raise unconfirmed(done, machine_id, action.wanted, error) from None
    raise RefusedError(
        f"Machine {machine_id} kept changing state; it was not sent to {action.verb}.",
        hint=f"See 'pspace machine get {machine_id}' and try again.",
    )


def _on_its_way(
    client: ApiClient,
    machine: dict[str, Any],
    action: Action,
    state: str,
    wait: bool,
    timeout: float | None,
    on_progress: Callable[[Progress], None],
) -> Done:
    from pspace_py.api.decode import AsyncResult

    note = f"already {_ALREADY.get(state, state)}"
    if not wait or state in action.already:
        return Done(AsyncResult(machine, None), note)
    waited = _wait_machine(client, str(machine["id"]), action.wanted, None, timeout, on_progress)
    return Done(AsyncResult(waited.machine or machine, waited.event), note, waited=True)


def _settle(
    client: ApiClient,
    machine_id: str,
    timeout: float | None,
    on_progress: Callable[[Progress], None],
) -> dict[str, Any]:
    """The machine once it is off or ready again (or gone: then as last seen, marked so)."""
    from pspace_py.waiting import GONE

    waited = _wait_machine(client, machine_id, {*STABLE, GONE}, None, timeout, on_progress)
    return waited.machine or {"id": machine_id, "state": GONE}


def _wait_for(
    client: ApiClient,
    result: AsyncResult,
    action: Action,
    timeout: float | None,
    on_progress: Callable[[Progress], None],
) -> AsyncResult:
    from pspace_py.api.decode import AsyncResult

    event_id = result.event.get("id") if result.event else None
    machine_id = str(result.resource["id"])
    waited = _wait_machine(client, machine_id, action.wanted, event_id, timeout, on_progress)
    return AsyncResult(waited.machine or result.resource, waited.event or result.event)


def _wait_machine(
    client: ApiClient,
    machine_id: str,
    wanted: set[str] | frozenset[str],
    event_id: str | None,
    timeout: float | None,
    on_progress: Callable[[Progress], None],
) -> Any:
    from pspace_py.waiting import wait_for_machine

    return wait_for_machine(
        client, machine_id, wanted, event_id=event_id, timeout=timeout, on_progress=on_progress
    )
