"""start, stop, restart and deactivate: one machine or many, optionally waiting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pspace_py.api.client import AsyncResult
from pspace_py.api.machines import MachinesApi
from pspace_py.bulk import DEFAULT_PARALLEL, ItemOutcome, run_each
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.machine._app import (
    app,
    operation_label,
    resolve_machine,
    show_async_result,
    wait_until,
)
from pspace_py.cli.machine.info import (
    NameGlobOpt,
    StateFilterOpt,
    check_state,
    machine_filter,
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
from pspace_py.cli.prompts import confirm, confirm_by_typing
from pspace_py.cli.refs import resolve_many
from pspace_py.cli.resource_commands import optional_region_value
from pspace_py.errors import PartialFailureError, UsageError, describe_error, is_expected
from pspace_py.output import Output
from pspace_py.output.format import plural
from pspace_py.output.results import ItemResult
from pspace_py.waiting import wait_for_machine

AllMachinesOpt = Annotated[
    bool, typer.Option("--all", help="Act on every machine matching the filters.")
]
MachineTypeFilterOpt = Annotated[
    str | None, typer.Option("--machine-type", help="With --all: only this machine type.")
]
ParallelOpt = Annotated[
    int, typer.Option("--parallel", min=1, max=64, help="Machines acted on at once.")
]


class Selection:
    """Which machines a bulk command acts on: named ones, or ``--all`` with filters."""

    def __init__(
        self,
        refs: list[str] | None,
        all_machines: bool,
        *,
        name_glob: str | None,
        region: str | None,
        machine_type: str | None,
        state: str | None,
    ) -> None:
        filters_given = any(v is not None for v in (name_glob, region, machine_type, state))
        if refs and all_machines:
            raise UsageError("Name machines or use --all with filters, not both.")
        if not refs and not all_machines:
            raise UsageError("Name at least one machine (ID or name), or use --all.")
        if refs and filters_given:
            raise UsageError("--name-glob, --region, --machine-type and --state go with --all.")
        self.refs = refs or []
        self.by_filter = all_machines
        self.name_glob = name_glob
        self.region = region
        self.machine_type = machine_type
        self.state = check_state(state)

    @property
    def is_bulk(self) -> bool:
        return self.by_filter or len(self.refs) > 1

    def machines(self, state: AppContext, parallel: int) -> list[dict[str, Any]]:
        client = state.client()
        if not self.by_filter:
            return resolve_many(
                self.refs, lambda ref: resolve_machine(client, ref), parallel=parallel
            )
        region = optional_region_value(state, self.region)
        query = {"region": region, "machineType": self.machine_type}
        listed = MachinesApi(client).iter({k: v for k, v in query.items() if v is not None})
        keep = machine_filter(self.state, self.name_glob)
        wanted_type = self.machine_type.casefold() if self.machine_type else None
        return [
            machine
            for machine in listed
            if (keep is None or keep(machine))
            # The API's filter matches part of the type (A4000 lists A4000x2): act on exact ones.
            and (
                wanted_type is None or str(machine.get("machineType", "")).casefold() == wanted_type
            )
        ]


def power_command(
    ctx: typer.Context,
    verb: str,
    selection: Selection,
    act: Callable[[AppContext, Output, dict[str, Any]], AsyncResult],
    *,
    yes: bool,
    parallel: int,
    json_: bool,
    fields: list[str] | None,
    quiet: bool,
    confirm_single: Callable[[dict[str, Any]], None] | None = None,
    confirm_bulk: bool = False,
    waited: bool = False,
) -> None:
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    machines = selection.machines(state, parallel)
    if not selection.is_bulk:
        machine = machines[0]
        if confirm_single is not None:
            confirm_single(machine)
        show_async_result(
            state, out, act(state, out, machine), f"{verb} {'done' if waited else 'requested'}"
        )
        return
    if not machines:
        out.info("No machine matches; nothing to do.")
        out.bulk([])
        return
    how_many = plural(len(machines), "machine")
    if confirm_bulk or selection.by_filter:
        listing = ", ".join(f"{m.get('name')} ({m.get('id')})" for m in machines[:20])
        more = f" and {len(machines) - 20} more" if len(machines) > 20 else ""
        out.info(f"This will {verb} {how_many}: {listing}{more}.")
        confirm(
            f"{verb.capitalize()} {how_many}?",
            yes=yes,
            action=f"{verb} {how_many}",
        )
    state.operation = f"{verb} of {how_many}"
    outcomes = run_each(
        machines,
        lambda machine: act(state, out, machine),
        parallel=parallel,
        on_done=lambda outcome: report_outcome(out, verb, outcome),
    )
    state.operation = None
    out.bulk([item_result(outcome) for outcome in outcomes])
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if failed:
        raise PartialFailureError(
            f"{len(failed)} of {len(outcomes)} machines failed to {verb}.",
            hint="See the lines above; run the command again for the failed ones.",
        )


def report_outcome(out: Output, verb: str, outcome: ItemOutcome[AsyncResult]) -> None:
    machine = outcome.item
    label = f"{machine.get('id')} ({machine.get('name')})"
    if outcome.ok:
        out.success(f"ok    {label}: {verb}")
    else:
        assert outcome.error is not None
        message, _ = (
            describe_error(outcome.error)
            if is_expected(outcome.error)
            else (f"{type(outcome.error).__name__}: {outcome.error}", None)
        )
        out.info(f"fail  {label}: {message}")


def item_result(outcome: ItemOutcome[AsyncResult]) -> ItemResult:
    """What the action did to one machine, as ``Output.bulk`` shows it."""
    machine, answer = outcome.item, outcome.value
    error = None
    if outcome.error is not None:
        error = str(outcome.error)
        if is_expected(outcome.error):
            error = describe_error(outcome.error)[0]
    return ItemResult(
        id=machine.get("id"),
        name=machine.get("name"),
        ok=outcome.ok,
        state=(answer.resource.get("state") if answer else None) or machine.get("state"),
        data=answer.resource if answer else None,
        event=answer.event if answer else None,
        error=error,
        exit_code=int(outcome.exit_code),
    )


def action(
    call: Callable[[MachinesApi, str], AsyncResult],
    verb: str,
    *,
    wait: bool,
    wanted: set[str],
    timeout: float | None,
) -> Callable[[AppContext, Output, dict[str, Any]], AsyncResult]:
    """The per-machine work: one API call, then (with --wait) its event to the end."""

    def act(state: AppContext, out: Output, machine: dict[str, Any]) -> AsyncResult:
        client = state.client()
        # One machine: Ctrl-C during the call names it (a bulk run has its own label).
        labelled = state.operation is None or state.operation.startswith("machine ")
        if labelled:
            state.operation = operation_label(machine, verb)
        result = call(MachinesApi(client), str(machine["id"]))
        if not wait:
            return result
        if labelled:
            state.operation = operation_label(machine, verb, result.event)
        event_id = result.event.get("id") if result.event else None
        machine_id = str(machine["id"])
        if labelled:  # one machine: a live line; in bulk, the result lines say enough
            waited = wait_until(state, out, machine_id, wanted, event_id=event_id, timeout=timeout)
        else:
            waited = wait_for_machine(
                client, machine_id, wanted, event_id=event_id, timeout=timeout
            )
        return AsyncResult(waited.machine or result.resource, waited.event or result.event)

    return act


def _options_doc(verb: str) -> str:
    return f"{verb.capitalize()} machines by ID or name, or --all with filters."


def _power(
    verb: str,
    call: Callable[[MachinesApi, str], AsyncResult],
    wanted: set[str],
    past: str,
) -> Callable[..., None]:
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
            verb,
            selection,
            action(call, verb, wait=wait, wanted=wanted, timeout=timeout),
            yes=yes,
            parallel=parallel,
            json_=json_,
            fields=fields,
            quiet=quiet,
            waited=wait,
        )

    command.__doc__ = _options_doc(verb) + f" --wait waits until {past}."
    return command


app.command("start")(_power("start", MachinesApi.start, {"ready"}, "ready"))
app.command("stop")(_power("stop", MachinesApi.stop, {"off"}, "off"))
app.command("restart")(_power("restart", MachinesApi.restart, {"ready"}, "ready again"))


def deactivate_call(
    stop_first: bool, timeout: float | None
) -> Callable[[MachinesApi, str], AsyncResult]:
    def call(machines: MachinesApi, machine_id: str) -> AsyncResult:
        if stop_first:
            current = machines.get(machine_id)
            if current.get("state") != "off":
                stopped = machines.stop(machine_id)
                event_id = stopped.event.get("id") if stopped.event else None
                wait_for_machine(
                    machines.client, machine_id, {"off"}, event_id=event_id, timeout=timeout
                )
        return machines.delete(machine_id)

    return call


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
    parallel: ParallelOpt = DEFAULT_PARALLEL,
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete machines for good: their disks and snapshots are deleted too."""
    selection = Selection(
        refs,
        all_machines,
        name_glob=name_glob,
        region=region,
        machine_type=machine_type,
        state=state,
    )

    def confirm_single(machine: dict[str, Any]) -> None:
        app_context(ctx).output().warn(
            f"Deactivating machine {machine.get('id')} ({machine.get('name')}) deletes it, "
            "its disk and all its snapshots. This cannot be undone."
        )
        confirm_by_typing(
            str(machine.get("name")),
            yes=yes,
            action="deactivating a machine",
            what="the machine's name",
        )

    power_command(
        ctx,
        "deactivate",
        selection,
        action(
            deactivate_call(stop, timeout),
            "deactivate",
            wait=wait,
            wanted={"gone"},
            timeout=timeout,
        ),
        yes=yes,
        parallel=parallel,
        json_=json_,
        fields=fields,
        quiet=quiet,
        confirm_single=confirm_single,
        confirm_bulk=True,
        waited=wait,
    )


# The official CLI's name for deactivate.
app.command("delete", hidden=False, help="Alias of deactivate.")(deactivate_machines)
