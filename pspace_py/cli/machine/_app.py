"""The ``machine`` group and what its commands share.

Each command lives in the module its table entry names; ``pspace machine X``
imports only that module (pspace_py/cli/lazy.py). What the commands share is
imported inside the helpers below, so that the group itself stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pspace_py.cli.lazy import Lazy
from pspace_py.cli.options import group

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient
    from pspace_py.api.decode import AsyncResult
    from pspace_py.cli.context import AppContext
    from pspace_py.output import Output
    from pspace_py.waiting import Progress, WaitResult

_PACKAGE = "pspace_py.cli.machine"
# name -> its module and the line `pspace machine --help` shows (tests/cli/test_lazy.py
# checks each line against the command's own help).
COMMANDS = {
    "create": Lazy(f"{_PACKAGE}.create", "Create a machine, after showing what it will cost."),
    "list": Lazy(f"{_PACKAGE}.info", "List machines (one page; --all for every page)."),
    "get": Lazy(f"{_PACKAGE}.info", "Show one machine."),
    "events": Lazy(
        f"{_PACKAGE}.info",
        "List a machine's events (a shortcut for 'pspace machine-event list -m REF').",
    ),
    "types": Lazy(
        f"{_PACKAGE}.info",
        "Machine types with specs, price per hour and per 24/7 month, and regions.",
    ),
    "start": Lazy(
        f"{_PACKAGE}.power",
        "Start machines by ID or name, or --all with filters. --wait waits until ready.",
    ),
    "stop": Lazy(
        f"{_PACKAGE}.power",
        "Stop machines by ID or name, or --all with filters. --wait waits until off.",
    ),
    "restart": Lazy(
        f"{_PACKAGE}.power",
        "Restart machines by ID or name, or --all with filters. --wait waits until ready again.",
    ),
    "deactivate": Lazy(
        f"{_PACKAGE}.power", "Delete machines for good: their disks and snapshots are deleted too."
    ),
    "delete": Lazy(f"{_PACKAGE}.power", "Alias of deactivate."),
    "resize": Lazy(
        f"{_PACKAGE}.resize", "Change a machine's type or grow its disk (the machine must be off)."
    ),
    "update": Lazy(
        f"{_PACKAGE}.resize", "Change a machine's settings; only what you pass is sent."
    ),
    "ssh": Lazy(
        f"{_PACKAGE}.ssh", "Open an SSH session to a machine (arguments after -- go to ssh)."
    ),
    "wait": Lazy(
        f"{_PACKAGE}.wait", "Wait until a machine is in one of the given states (or gone)."
    ),
    # A group of its own (its module's `app`).
    "access": Lazy(
        f"{_PACKAGE}.access", "Who may use a machine: the team members given access to it.", "app"
    ),
}

app = group("Create, list, start, stop, resize and deactivate machines.", lazy=COMMANDS)

LIST_COMMAND = "pspace machine list"


def resolve_machine(client: ApiClient, ref: str) -> dict[str, Any]:
    """A machine by ID or exact name."""
    from pspace_py.api.machines import MachinesApi
    from pspace_py.cli.refs import resolve

    return resolve(MachinesApi(client), ref, list_command=LIST_COMMAND)


def resolve_machine_name(client: ApiClient, ref: str) -> dict[str, Any]:
    """A machine by exact name (no machine has ``ref`` as its ID)."""
    from pspace_py.api.machines import MachinesApi
    from pspace_py.cli.refs import resolve_name

    return resolve_name(MachinesApi(client), ref, list_command=LIST_COMMAND)


def describe_progress(progress: Progress) -> str:
    event = f", event {progress.event_state}" if progress.event_state else ""
    return f"{progress.machine_id}: {progress.state}{event} ({progress.elapsed:.0f}s)"


def wait_until(
    state: AppContext,
    out: Output,
    machine_id: str,
    wanted: set[str],
    *,
    event_id: str | None,
    timeout: float | None,
) -> WaitResult:
    """Wait for a machine state, showing its progress."""
    from pspace_py.cli.resource_commands import wait_with_progress

    return wait_with_progress(
        state,
        out,
        machine_id,
        wanted,
        event_id=event_id,
        timeout=timeout,
        describe=describe_progress,
    )


def machine_label(machine: dict[str, Any]) -> str:
    """``psx3k9a1 (web)``; the ID alone when the name is not known (yet)."""
    name = machine.get("name")
    return f"{machine.get('id')} ({name})" if name is not None else str(machine.get("id"))


def show_async_result(state: AppContext, out: Output, result: AsyncResult, verb: str) -> None:
    """A mutating call's answer: what happened on stderr, then the machine and its event."""
    from pspace_py.cli.machine.cost_column import cost_column
    from pspace_py.cli.resource_commands import show_async_result as show_resource_result
    from pspace_py.output import columns as cols

    machine = result.resource
    out.note(f"Machine {machine.get('id')} ({machine.get('name')}): {verb}.", success=True)
    show_resource_result(out, result, [*cols.MACHINE_DETAIL, cost_column(state)])


def operation_label(machine: dict[str, Any], verb: str, event: dict[str, Any] | None = None) -> str:
    text = f"machine {machine_label(machine)} {verb}"
    if event and event.get("id"):
        text += f", event {event.get('id')}"
    return text
