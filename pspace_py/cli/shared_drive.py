"""``pspace shared-drive``: network drives that machines on a private network share."""

from __future__ import annotations

from typing import Annotated

import typer

from pspace_py.api.client import JsonObject
from pspace_py.api.private_networks import PrivateNetworksApi
from pspace_py.api.shared_drives import SharedDrivesApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.listing import (
    CreationOrName,
    NameFilterOpt,
    order_by_option,
    paging,
    show_list,
)
from pspace_py.cli.network import resolve_network
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
    label,
    optional_region_value,
    region_code,
    same_region,
)
from pspace_py.errors import RefusedError, UsageError
from pspace_py.output import columns

app = group("Shared drives: storage that the machines of a private network share.")

LIST_COMMAND = "pspace shared-drive list"
DriveArg = Annotated[
    str, typer.Argument(metavar="DRIVE", help="Shared drive ID or exact name.", show_default=False)
]


def _drive(drives: SharedDrivesApi, ref: str) -> JsonObject:
    return resolve(drives, ref, list_command=LIST_COMMAND)


SharedDriveOrderOpt = Annotated[CreationOrName | None, order_by_option("name")]


@app.command("list")
def list_drives(
    ctx: typer.Context,
    name: NameFilterOpt = None,
    region: RegionOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: SharedDriveOrderOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List shared drives by name."""
    state = app_context(ctx)
    region_value = optional_region_value(state, region)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    show_list(
        out,
        SharedDrivesApi(state.client()),
        {"name": name, "region": region_value},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=columns.SHARED_DRIVE,
        empty_message="No shared drives.",
        list_command=LIST_COMMAND,
        default_order_by="name",
    )


@app.command("get")
def get_drive(
    ctx: typer.Context, ref: DriveArg, json_: JsonOpt = False, fields: FieldsOpt = None
) -> None:
    """Show one shared drive (its share's username and password included)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    out.resource(_drive(SharedDrivesApi(state.client()), ref), columns.SHARED_DRIVE)


@app.command("create")
def create_drive(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="The drive's name.")],
    size: Annotated[
        int, typer.Option("--size", min=1, metavar="GB", help="Size in GB (250, 500, 1000...).")
    ],
    network: Annotated[
        str, typer.Option("--network-id", "--network", help="Private network ID or exact name.")
    ],
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            "-r",
            help="Region: NY2, CA1 or AMS1 (any spelling) [default: the network's].",
            show_default=False,
        ),
    ] = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Create a shared drive on a private network."""
    state = app_context(ctx)
    _check_size(state, size)
    region_value = optional_region_value(state, region)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    client = state.client()
    target = resolve_network(PrivateNetworksApi(client), network)
    if region_value is None:
        network_region = state.catalog().region(str(target.get("region")))
        region_value = network_region.api_value if network_region else str(target.get("region"))
    elif not same_region(state, region_value, target.get("region")):
        raise RefusedError(
            f"Private network {label(target)} is in {target.get('region')}, not "
            f"{region_code(state, region_value)}; a shared drive is made in its network's region.",
            hint="Leave --region out to use the network's region, or pick a network in "
            f"{region_code(state, region_value)}.",
        )
    state.operation = f"shared drive create ('{name}')"
    drive = SharedDrivesApi(client).create(
        name=name, size_gb=size, region=region_value, network_id=str(target["id"])
    )
    out.resource(drive, columns.SHARED_DRIVE)


def _check_size(state: AppContext, size_gb: int) -> None:
    """Shared drives come in the sizes the API takes only; refuse others before any request."""
    sizes = state.catalog().accepted_shared_drive_sizes
    if sizes and size_gb not in sizes:
        raise UsageError(
            f"Shared drives cannot be {size_gb} GB.",
            hint="Use one of " + ", ".join(str(size) for size in sizes) + " (GB).",
        )


@app.command("update")
def update_drive(
    ctx: typer.Context,
    ref: DriveArg,
    name: NewNameOpt,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Rename a shared drive."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    drives = SharedDrivesApi(state.client())
    drive = _drive(drives, ref)
    state.operation = f"shared drive update ({drive['id']})"
    out.resource(drives.update(str(drive["id"]), name=name), columns.SHARED_DRIVE)


@app.command("delete")
def delete_drive(
    ctx: typer.Context,
    ref: DriveArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete a shared drive and every file on it (asks you to type its name)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    drives = SharedDrivesApi(state.client())
    drive = _drive(drives, ref)
    confirm_destructive(
        out,
        yes=yes,
        action=f"delete shared drive {label(drive)}",
        consequence="every file on it is lost, for every machine that mounts it.",
        type_to_confirm=("the drive's name", str(drive.get("name") or drive["id"])),
    )
    state.operation = f"shared drive delete ({drive['id']})"
    answer = drives.delete(str(drive["id"]))
    out.removed(answer, f"Deleted shared drive {label(drive)}.")
