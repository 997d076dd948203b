"""The ``machine`` group and what its commands share."""

from __future__ import annotations

from typing import Any

from pspace_py.api.client import ApiClient, AsyncResult
from pspace_py.api.machines import MachinesApi
from pspace_py.cli.context import AppContext
from pspace_py.cli.options import group
from pspace_py.cli.refs import resolve
from pspace_py.output import Output
from pspace_py.output import columns as cols
from pspace_py.waiting import Progress, WaitResult

app = group("Create, list, start, stop, resize and deactivate machines.")

LIST_COMMAND = "pspace machine list"


def resolve_machine(client: ApiClient, ref: str) -> dict[str, Any]:
    """A machine by ID or exact name."""
    return resolve(MachinesApi(client), ref, list_command=LIST_COMMAND)


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


def show_async_result(state: AppContext, out: Output, result: AsyncResult, verb: str) -> None:
    """A mutating call's answer: what happened on stderr, then the machine and its event."""
    from pspace_py.cli.machine.cost_column import cost_column
    from pspace_py.cli.resource_commands import show_async_result as show_resource_result

    machine = result.resource
    out.note(f"Machine {machine.get('id')} ({machine.get('name')}): {verb}.", success=True)
    show_resource_result(out, result, [*cols.MACHINE_DETAIL, cost_column(state)])


def operation_label(machine: dict[str, Any], verb: str, event: dict[str, Any] | None = None) -> str:
    text = f"machine {machine.get('id')} ({machine.get('name')}) {verb}"
    if event and event.get("id"):
        text += f", event {event.get('id')}"
    return text
