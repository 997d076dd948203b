"""Reading machines: list, get, events, types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from pspace_py.api.machines import MachinesApi
from pspace_py.cli.context import app_context
from pspace_py.cli.listing import ByCreationOpt, order_by_option, paging, show_list
from pspace_py.cli.machine._app import LIST_COMMAND, app, resolve_machine
from pspace_py.cli.machine.cost_column import cost_column
from pspace_py.cli.machine.filters import NameGlobOpt, StateFilterOpt, check_state, machine_filter
from pspace_py.cli.options import (
    AfterOpt,
    AllOpt,
    AscOpt,
    DescOpt,
    FieldsOpt,
    JsonOpt,
    LimitOpt,
    MachineRefArg,
    NoHeaderOpt,
    QuietOpt,
    RegionOpt,
)
from pspace_py.cli.resource_commands import optional_region_value
from pspace_py.errors import UsageError
from pspace_py.output import columns as cols

if TYPE_CHECKING:
    from decimal import Decimal

MachineOrderOpt = Annotated[
    Literal["dtCreated", "name", "state"] | None, order_by_option("dtCreated")
]


@app.command("list")
def list_machines(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Option("--name", "-n", help="Filter by name (the API matches part of it)."),
    ] = None,
    region: RegionOpt = None,
    machine_type: Annotated[
        str | None, typer.Option("--machine-type", "-m", help="Machine type, e.g. C5.")
    ] = None,
    agent_type: Annotated[
        str | None, typer.Option("--agent-type", "-a", help="Agent type.")
    ] = None,
    state: StateFilterOpt = None,
    name_glob: NameGlobOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: MachineOrderOpt = None,
    all_pages: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List machines (one page; --all for every page)."""
    state_ = app_context(ctx)
    out = state_.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    filters = {
        "name": name,
        "region": optional_region_value(state_, region),
        "machineType": machine_type,
        "agentType": agent_type,
    }
    page_flags = paging(
        limit=limit, after=after, asc=asc, desc=desc, follow=all_pages, order_by=order_by
    )
    shown = show_list(
        out,
        MachinesApi(state_.client()),
        filters,
        page_flags,
        columns=[*cols.MACHINE, cost_column(state_)],
        empty_message="No machines found.",
        list_command=LIST_COMMAND,
        keep=machine_filter(check_state(state), name_glob),
    )
    if shown and not fields:
        from pspace_py.cli.prices import COST_DEFINITION

        out.note(COST_DEFINITION)


@app.command("get")
def get_machine(
    ctx: typer.Context,
    ref: MachineRefArg,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Show one machine."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    machine = resolve_machine(state.client(), ref)
    out.resource(machine, [*cols.MACHINE_DETAIL, cost_column(state)])


@app.command("events")
def machine_events(
    ctx: typer.Context,
    ref: MachineRefArg,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: ByCreationOpt = None,
    all_pages: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List a machine's events (a shortcut for 'pspace machine-event list -m REF')."""
    from pspace_py.cli.machine_event import show_machine_events

    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    machine = resolve_machine(state.client(), ref)
    show_machine_events(
        state,
        out,
        machine_id=str(machine["id"]),
        event_state_filter=None,
        page_flags=paging(
            limit=limit, after=after, asc=asc, desc=desc, follow=all_pages, order_by=order_by
        ),
    )


@app.command("types")
def machine_types(
    ctx: typer.Context,
    region: RegionOpt = None,
    gpu: Annotated[bool, typer.Option("--gpu", help="Only GPU types.")] = False,
    cpu: Annotated[bool, typer.Option("--cpu", help="Only CPU types.")] = False,
    max_price: Annotated[
        str | None, typer.Option("--max-price", help="Only types at most this many USD per hour.")
    ] = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    no_header: NoHeaderOpt = False,
) -> None:
    """Machine types with specs, price per hour and per 24/7 month, and regions."""
    from pspace_py.cli.prices import MACHINE_TYPE, machine_type_row

    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, no_header=no_header)
    if gpu and cpu:
        raise UsageError("--gpu and --cpu cannot be used together.")
    catalog = state.catalog()
    region_code = _region_code(catalog, region)
    types = catalog.filter_machine_types(
        region=region_code,
        kind="gpu" if gpu else "cpu" if cpu else None,
        max_hourly=_price(max_price),
    )
    rows = [machine_type_row(machine_type) for machine_type in types]
    out.resources(rows, MACHINE_TYPE, empty_message="No machine type matches.", key="label")
    out.note(f"Prices of {catalog.prices_date} from {catalog.prices_source}.")


def _region_code(catalog: Any, region: str | None) -> str | None:
    if region is None:
        return None
    try:
        return str(catalog.normalize_region(region).code)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _price(text: str | None) -> Decimal | None:
    if text is None:
        return None
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation:
        raise UsageError(f"--max-price must be an amount in USD, not '{text}'.") from None
    if not value.is_finite():  # nan would compare as nothing; inf is no limit at all
        raise UsageError(f"--max-price must be a finite amount in USD, not '{text}'.")
    if value < 0:
        raise UsageError("--max-price must not be negative.")
    return value
