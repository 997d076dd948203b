"""start, stop, restart and deactivate: one machine or many, optionally waiting.

Which machines: ``selection``; what one action does to one machine (idempotent, transition
aware): ``actions``; running it on one or many, with progress and a result each: ``runner``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.cli.context import app_context
from pspace_py.cli.machine._app import app
from pspace_py.cli.machine.actions import DEACTIVATE, RESTART, START, STOP, Action, Done, run_action
from pspace_py.cli.machine.filters import NameGlobOpt, StateFilterOpt
from pspace_py.cli.machine.selection import (
    AllMachinesOpt,
    MachineTypeFilterOpt,
    ParallelOpt,
    Selection,
    act_on,
    listing,
)
from pspace_py.cli.options import (
    FieldsOpt,
    JsonOpt,
    MachineRefsArg,
    QuietOpt,
    RegionOpt,
    WaitOpt,
    WaitTimeoutOpt,
    YesOpt,
)

if TYPE_CHECKING:
    from pspace_py.cli.machine.runner import OnProgress, OnSent
    from pspace_py.output import Output

# --parallel's default. Here, not in pspace_py.bulk: one machine never loads the bulk runner.
DEFAULT_PARALLEL = 8


def power_command(
    ctx: typer.Context,
    action: Action,
    selection: Selection,
    *,
    wait: bool,
    timeout: float | None,
    yes: bool,
    parallel: int,
    json_: bool,
    fields: list[str] | None,
    quiet: bool,
) -> None:
    from pspace_py.cli.machine.runner import run_many, run_one

    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    # What looks like an ID is sent the action at once: one request a machine.
    machines = selection.machines(state, parallel, act_on_ids=True)

    def act(machine: dict[str, Any], seen: OnProgress, sent: OnSent) -> Done:
        client = state.client()
        return act_on(
            client,
            machine,
            lambda found: run_action(
                client,
                found,
                action,
                wait=wait,
                timeout=timeout,
                on_progress=seen,
                on_sent=sent,
            ),
        )

    if not selection.is_bulk:
        run_one(state, out, machines[0], action.verb, act, wait=wait)
        return
    if not machines:
        out.info("No machine matches; nothing to do.")
        out.bulk([])
        return
    if selection.by_filter:
        confirm_many(out, action.verb, machines, yes=yes)
    run_many(state, out, machines, action.verb, act, wait=wait, parallel=parallel)


def confirm_many(out: Output, verb: str, machines: list[dict[str, Any]], *, yes: bool) -> None:
    from pspace_py.cli.prompts import confirm
    from pspace_py.output.format import plural

    how_many = plural(len(machines), "machine")
    out.info(f"This will {verb} {how_many}: {listing(machines)}.")
    confirm(f"{verb.capitalize()} {how_many}?", yes=yes, action=f"{verb} {how_many}")


def _power(action: Action, past: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        refs: MachineRefsArg = None,
        all_machines: AllMachinesOpt = False,
        name_glob: NameGlobOpt = None,
        region: RegionOpt = None,
        machine_type: MachineTypeFilterOpt = None,
        state: StateFilterOpt = None,
        parallel: ParallelOpt = DEFAULT_PARALLEL,
        wait: WaitOpt = False,
        timeout: WaitTimeoutOpt = None,
        yes: YesOpt = False,
        json_: JsonOpt = False,
        fields: FieldsOpt = None,
        quiet: QuietOpt = False,
    ) -> None:
        selection = Selection(
            refs,
            all_machines,
            name_glob=name_glob,
            region=region,
            machine_type=machine_type,
            state=state,
        )
        power_command(
            ctx,
            action,
            selection,
            wait=wait,
            timeout=timeout,
            yes=yes,
            parallel=parallel,
            json_=json_,
            fields=fields,
            quiet=quiet,
        )

    command.__doc__ = (
        f"{action.verb.capitalize()} machines by ID or name, or --all with filters. "
        f"--wait waits until {past}."
    )
    return command


app.command("start")(_power(START, "ready"))
app.command("stop")(_power(STOP, "off"))
app.command("restart")(_power(RESTART, "ready again"))


@app.command("deactivate")
def deactivate_machines(
    ctx: typer.Context,
    refs: MachineRefsArg = None,
    all_machines: AllMachinesOpt = False,
    name_glob: NameGlobOpt = None,
    region: RegionOpt = None,
    machine_type: MachineTypeFilterOpt = None,
    state: StateFilterOpt = None,
    stop: Annotated[
        bool, typer.Option("--stop", help="Stop the machine first if it is on.")
    ] = False,
    release_ip: Annotated[
        bool,
        typer.Option("--release-ip", help="Also release its static IP (billed until released)."),
    ] = False,
    parallel: ParallelOpt = DEFAULT_PARALLEL,
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete machines for good: their disks and snapshots are deleted too."""
    from pspace_py.cli.machine.deactivate import confirm_deactivation, deactivate_one
    from pspace_py.cli.machine.runner import run_many, run_one

    selection = Selection(
        refs,
        all_machines,
        name_glob=name_glob,
        region=region,
        machine_type=machine_type,
        state=state,
    )
    app_state = app_context(ctx)
    out = app_state.output(json_mode=json_, fields=fields, quiet=quiet)
    machines = selection.machines(app_state, parallel)
    if selection.is_bulk and not machines:
        out.info("No machine matches; nothing to do.")
        out.bulk([])
        return
    # What deactivating these means, said before the typed confirmation.
    stop_first = confirm_deactivation(
        app_state, out, machines, stop=stop, release_ip=release_ip, yes=yes
    )

    def act(machine: dict[str, Any], seen: OnProgress, sent: OnSent) -> Done:
        return deactivate_one(
            app_state,
            machine,
            stop_first=stop_first,
            release_ip=release_ip,
            wait=wait,
            timeout=timeout,
            on_progress=seen,
            on_sent=sent,
        )

    if not selection.is_bulk:
        run_one(app_state, out, machines[0], DEACTIVATE.verb, act, wait=wait)
        return
    run_many(app_state, out, machines, DEACTIVATE.verb, act, wait=wait, parallel=parallel)


# The official CLI's name for deactivate.
app.command("delete", hidden=False, help="Alias of deactivate.")(deactivate_machines)
