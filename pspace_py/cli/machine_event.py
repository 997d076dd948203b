"""``pspace machine-event``: what was done to machines (start, snapshot...) and how it went."""

from __future__ import annotations

from typing import Annotated

import typer

from pspace_py.api.machine_events import MachineEventsApi
from pspace_py.api.machines import MachinesApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.listing import ByCreationOpt, Paging, paging, show_list
from pspace_py.cli.options import (
    AfterOpt,
    AllOpt,
    AscOpt,
    DescOpt,
    FieldsOpt,
    JsonOpt,
    LimitOpt,
    NoHeaderOpt,
    OptionalMachineOpt,
    QuietOpt,
    group,
)
from pspace_py.cli.refs import resolve
from pspace_py.errors import UsageError
from pspace_py.output import Output, columns

app = group("Machine events: the progress of machine, snapshot and template operations.")

LIST_COMMAND = "pspace machine-event list"
EVENT_STATES = ("new", "in progress", "done", "error", "cancelled")

StateOpt = Annotated[
    str | None,
    typer.Option(
        "--state",
        "-s",
        help="Only events in this state: new, 'in progress', done, error or cancelled.",
        show_default=False,
    ),
]


def event_state(value: str) -> str:
    """The API's spelling of an event state; ``in-progress`` and ``IN_PROGRESS`` work too."""
    wanted = value.strip().casefold().replace("-", " ").replace("_", " ")
    if wanted not in EVENT_STATES:
        raise UsageError(
            f"Unknown event state '{value}'.",
            hint="Use one of: " + ", ".join(EVENT_STATES) + ".",
        )
    return wanted


def show_machine_events(
    state: AppContext,
    out: Output,
    *,
    machine_id: str | None,
    event_state_filter: str | None,
    page_flags: Paging,
) -> int:
    """List events (all, or one machine's), newest first; ``machine events REF`` reuses this.

    ``machine_id`` is an ID (already resolved); ``event_state_filter`` is a state as
    :func:`event_state` returns it, applied on the client because the API has no such filter.
    """
    wanted = event_state_filter
    return show_list(
        out,
        MachineEventsApi(state.client()),
        {"machineId": machine_id},
        page_flags,
        columns=columns.MACHINE_EVENT,
        empty_message="No machine events match." if wanted else "No machine events.",
        list_command=LIST_COMMAND,
        keep=None if wanted is None else (lambda event: event.get("state") == wanted),
    )


@app.command("list")
def list_events(
    ctx: typer.Context,
    machine: OptionalMachineOpt = None,
    event_state_filter: StateOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: ByCreationOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List machine events, newest first (all machines', or one machine's)."""
    state = app_context(ctx)
    wanted = None if event_state_filter is None else event_state(event_state_filter)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    machine_id = None
    if machine is not None:
        found = resolve(MachinesApi(state.client()), machine, list_command="pspace machine list")
        machine_id = str(found["id"])
    show_machine_events(
        state,
        out,
        machine_id=machine_id,
        event_state_filter=wanted,
        page_flags=paging(
            limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by
        ),
    )


@app.command("get")
def get_event(
    ctx: typer.Context,
    event_id: Annotated[
        str, typer.Argument(metavar="EVENT_ID", help="Event ID.", show_default=False)
    ],
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Show one machine event."""
    state = app_context(ctx)
    if not event_id.strip():
        raise UsageError("An empty event ID was given.")
    out = state.output(json_mode=json_, fields=fields)
    out.resource(MachineEventsApi(state.client()).get(event_id.strip()), columns.MACHINE_EVENT)
