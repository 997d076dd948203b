"""``pspace network`` (official name: ``private-network``): private networks."""

from __future__ import annotations

from typing import Annotated

import typer

from pspace_py.api.client import JsonObject
from pspace_py.api.errors import ConflictError
from pspace_py.api.machines import MachinesApi
from pspace_py.api.private_networks import PrivateNetworksApi
from pspace_py.api.shared_drives import SharedDrivesApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.listing import ByCreationOrNameOpt, NameFilterOpt, paging, show_list
from pspace_py.cli.options import (
    AfterOpt,
    AllOpt,
    AscOpt,
    DescOpt,
    FieldsOpt,
    JsonOpt,
    LimitOpt,
    NoHeaderOpt,
    QuietOpt,
    RegionOpt,
    YesOpt,
    group,
)
from pspace_py.cli.refs import resolve
from pspace_py.cli.resource_commands import (
    NewNameOpt,
    confirm_destructive,
    describe_ids,
    label,
    optional_region_value,
    region_for,
)
from pspace_py.errors import RefusedError
from pspace_py.output import columns

app = group("Private networks: machines on one network reach each other privately.")

LIST_COMMAND = "pspace network list"
NetworkArg = Annotated[
    str, typer.Argument(metavar="NETWORK", help="Network ID or exact name.", show_default=False)
]


def resolve_network(networks: PrivateNetworksApi, ref: str) -> JsonObject:
    return resolve(networks, ref, list_command=LIST_COMMAND)


@app.command("list")
def list_networks(
    ctx: typer.Context,
    name: NameFilterOpt = None,
    region: RegionOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: ByCreationOrNameOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List private networks, newest first."""
    state = app_context(ctx)
    region_value = optional_region_value(state, region)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    show_list(
        out,
        PrivateNetworksApi(state.client()),
        {"name": name, "region": region_value},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=columns.PRIVATE_NETWORK,
        empty_message="No private networks.",
        list_command=LIST_COMMAND,
    )


@app.command("get")
def get_network(
    ctx: typer.Context, ref: NetworkArg, json_: JsonOpt = False, fields: FieldsOpt = None
) -> None:
    """Show one private network."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    network = resolve_network(PrivateNetworksApi(state.client()), ref)
    out.resource(network, columns.PRIVATE_NETWORK)


@app.command("create")
def create_network(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="The network's name.")],
    region: Annotated[
        str, typer.Option("--region", "-r", help="Region: NY2, CA1 or AMS1 (any spelling).")
    ],
    migrate_machines: Annotated[
        bool | None,
        typer.Option(
            "--migrate-machines/--no-migrate-machines",
            help="Move the region's machines that are on no private network into this one.",
            show_default=False,
        ),
    ] = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Create a private network."""
    state = app_context(ctx)
    region_value = region_for(state, region).api_value
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    state.operation = f"private network create ('{name}')"
    networks = PrivateNetworksApi(state.client())
    network = networks.create(name, region_value, migrate_machines=migrate_machines)
    out.resource(network, columns.PRIVATE_NETWORK)


@app.command("update")
def update_network(
    ctx: typer.Context,
    ref: NetworkArg,
    name: NewNameOpt,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Rename a private network."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    networks = PrivateNetworksApi(state.client())
    network = resolve_network(networks, ref)
    state.operation = f"private network update ({network['id']})"
    out.resource(networks.update(str(network["id"]), name=name), columns.PRIVATE_NETWORK)


@app.command("delete")
def delete_network(
    ctx: typer.Context,
    ref: NetworkArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete a private network (asks first; refused while machines are on it)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    networks = PrivateNetworksApi(state.client())
    network = resolve_network(networks, ref)
    confirm_destructive(
        out,
        yes=yes,
        action=f"delete private network {label(network)}",
        consequence=f"Its address range ({network.get('network')}/{network.get('netmask')}) "
        "is released.",
    )
    state.operation = f"private network delete ({network['id']})"
    try:
        answer = networks.delete(str(network["id"]))
    except ConflictError as error:
        raise _network_in_use(state, network, error) from None
    out.removed(answer, f"Deleted private network {label(network)}.")


def _network_in_use(state: AppContext, network: JsonObject, error: ConflictError) -> RefusedError:
    """Say what is still on the network and how to move it off."""
    network_id = network["id"]
    client = state.client()
    machines = [m["id"] for m in MachinesApi(client).iter({}) if m.get("networkId") == network_id]
    drives = [d["id"] for d in SharedDrivesApi(client).iter({}) if d.get("networkId") == network_id]
    attached, steps = [], []
    if machines:
        attached.append(f"{_count(len(machines), 'machine')} ({describe_ids(machines)})")
        steps.append(
            "move each machine to another network ('pspace machine update MACHINE "
            "--network-id OTHER') or delete it"
        )
    if drives:
        attached.append(f"{_count(len(drives), 'shared drive')} ({describe_ids(drives)})")
        steps.append("delete each shared drive ('pspace shared-drive delete DRIVE')")
    if not attached:
        # Something the lists do not show holds the network: pass the API's word on.
        return RefusedError(
            f"Private network {label(network)} cannot be deleted: {error.message}",
            hint="Remove what is using it, then delete the network again.",
        )
    return RefusedError(
        f"Private network {label(network)} cannot be deleted: it still has "
        f"{' and '.join(attached)} on it.",
        hint=f"First {', and '.join(steps)}; then delete the network again.",
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
