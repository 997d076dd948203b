"""``pspace machine wait``: block until a machine reaches a state."""

from __future__ import annotations

from typing import Annotated

import typer

from pspace_py.cli.context import app_context
from pspace_py.cli.machine._app import app, resolve_machine, wait_until
from pspace_py.cli.machine.cost_column import cost_column
from pspace_py.cli.options import FieldsOpt, JsonOpt, MachineRefArg, QuietOpt, WaitTimeoutOpt
from pspace_py.errors import NotFoundError, UsageError
from pspace_py.output import columns as cols
from pspace_py.waiting import GONE, WAITABLE_STATES, within_wait


@app.command("wait")
def wait_for_state(
    ctx: typer.Context,
    ref: MachineRefArg,
    wanted: Annotated[
        list[str],
        typer.Option(
            "--state", "-s", help=f"State to wait for, repeatable ({', '.join(WAITABLE_STATES)})."
        ),
    ],
    event_id: Annotated[
        str | None, typer.Option("--event-id", help="Also wait for this event to finish.")
    ] = None,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Wait until a machine is in one of the given states (or gone)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    unknown = [value for value in wanted if value not in WAITABLE_STATES]
    if unknown:
        raise UsageError(
            f"Unknown state '{unknown[0]}'.", hint=f"Use one of: {', '.join(WAITABLE_STATES)}."
        )
    client = state.client()
    with within_wait(timeout, ref):  # finding the machine is part of the wait
        try:
            machine = resolve_machine(client, ref)
        except NotFoundError:
            if GONE not in wanted:
                raise
            # Waiting for a machine to be gone, and no machine has that ID or name: it is.
            out.success(f"Machine {ref} is {GONE} (no machine has that ID or name).")
            out.report({"data": None, "event": None})
            return
        state.operation = f"waiting for machine {machine.get('id')}"
        waited = wait_until(
            state, out, str(machine["id"]), set(wanted), event_id=event_id, timeout=timeout
        )
    state.operation = None
    if waited.machine is None:
        out.success(f"Machine {machine.get('id')} is {GONE}.")
        out.report({"data": None, "event": waited.event})
        return
    columns = [*cols.MACHINE_DETAIL, cost_column(state)]
    # With --event-id the event is part of the answer, as in the API's {data, event}.
    raw = {"data": waited.machine, "event": waited.event} if event_id else None
    out.resource(waited.machine, columns, raw=raw)
