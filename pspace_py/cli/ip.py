"""``pspace ip`` (official name: ``public-ip``): static public IPs."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from pspace_py.api.client import JsonObject
from pspace_py.api.machines import MachinesApi
from pspace_py.api.public_ips import PublicIpsApi
from pspace_py.cli.context import app_context
from pspace_py.cli.listing import ByCreationOpt, paging, show_list
from pspace_py.cli.options import (
    AfterOpt,
    AllOpt,
    AscOpt,
    DescOpt,
    FieldsOpt,
    JsonOpt,
    LimitOpt,
    MachineOpt,
    NoHeaderOpt,
    QuietOpt,
    RegionOpt,
    YesOpt,
    group,
)
from pspace_py.cli.refs import resolve
from pspace_py.cli.resource_commands import (
    confirm_destructive,
    label,
    optional_region_value,
    region_code,
    region_for,
    same_region,
)
from pspace_py.errors import NotFoundError, RefusedError, UsageError
from pspace_py.output import columns

app = group("Claim static public IPs, assign them to machines, and release them.")

LIST_COMMAND = "pspace ip list"
IpArg = Annotated[
    str, typer.Argument(metavar="IP", help="The address, e.g. 203.0.113.7.", show_default=False)
]


def _address(value: str) -> str:
    """The address as the API writes it; refused before any request when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise UsageError(f"'{value}' is not an IP address.") from None


def _claimed(ips: PublicIpsApi, address: str) -> JsonObject:
    found = ips.find(address)
    if found is None:
        raise NotFoundError(
            f"The team has not claimed the public IP {address}.",
            hint=f"List the team's IPs with '{LIST_COMMAND}'.",
        )
    return found


@app.command("list")
def list_ips(
    ctx: typer.Context,
    region: RegionOpt = None,
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
    """List the team's public IPs, newest first (-q prints the addresses)."""
    state = app_context(ctx)
    region_value = optional_region_value(state, region)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    show_list(
        out,
        PublicIpsApi(state.client()),
        {"region": region_value},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=columns.PUBLIC_IP,
        empty_message="No public IPs.",
        list_command=LIST_COMMAND,
        key="ip",
    )


@app.command("claim")
def claim_ip(
    ctx: typer.Context,
    region: Annotated[
        str, typer.Option("--region", "-r", help="Region: NY2, CA1 or AMS1 (any spelling).")
    ],
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Claim a new static public IP in a region (-q prints the address)."""
    state = app_context(ctx)
    region_value = region_for(state, region).api_value
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    state.operation = f"public IP claim ({region_value})"
    out.resource(PublicIpsApi(state.client()).claim(region_value), columns.PUBLIC_IP, key="ip")


@app.command("assign")
def assign_ip(
    ctx: typer.Context,
    ip: IpArg,
    machine: MachineOpt,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Assign a public IP to a machine in the same region."""
    state = app_context(ctx)
    address = _address(ip)
    out = state.output(json_mode=json_, fields=fields)
    client = state.client()
    ips = PublicIpsApi(client)
    target = resolve(MachinesApi(client), machine, list_command="pspace machine list")
    claimed = _claimed(ips, address)
    if not same_region(state, claimed.get("region"), target.get("region")):
        raise RefusedError(
            f"Public IP {address} is in {claimed.get('region')} but machine {label(target)} is "
            f"in {target.get('region')}; an IP can only be assigned in its own region.",
            hint="Claim one there with "
            f"'pspace ip claim --region {region_code(state, target.get('region'))}'.",
        )
    state.operation = f"public IP assign ({address} to machine {target['id']})"
    out.resource(ips.assign(address, str(target["id"])), columns.PUBLIC_IP, key="ip")


@app.command("unassign")
def unassign_ip(
    ctx: typer.Context,
    ip: IpArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Take a public IP off its machine; the team keeps the IP (asks first)."""
    state = app_context(ctx)
    address = _address(ip)
    out = state.output(json_mode=json_, fields=fields)
    ips = PublicIpsApi(state.client())
    claimed = _claimed(ips, address)
    machine_id = claimed.get("assignedMachineId")
    if not machine_id:
        out.info(f"Public IP {address} is not assigned to a machine; nothing to do.")
        out.resource(claimed, columns.PUBLIC_IP, key="ip")
        return
    confirm_destructive(
        out,
        yes=yes,
        action=f"unassign public IP {address} from machine {machine_id}",
        consequence="The machine stops answering on this address (open connections drop); "
        "the team keeps the IP and can assign it again.",
    )
    state.operation = f"public IP unassign ({address} from machine {machine_id})"
    out.resource(ips.assign(address, None), columns.PUBLIC_IP, key="ip")


@app.command("release")
def release_ip(
    ctx: typer.Context,
    ip: IpArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Give a public IP back to Paperspace, unassigning it first (asks first)."""
    state = app_context(ctx)
    address = _address(ip)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    ips = PublicIpsApi(state.client())
    claimed = _claimed(ips, address)
    machine_id = claimed.get("assignedMachineId")
    on_machine = f" Machine {machine_id} loses it now." if machine_id else ""
    confirm_destructive(
        out,
        yes=yes,
        action=f"release public IP {address}",
        consequence="The address goes back to Paperspace and may never be yours again."
        + on_machine,
    )
    state.operation = f"public IP release ({address})"
    if machine_id:
        # Unassign first: an API that refuses to release an assigned address (409) then
        # accepts, and one that unassigns on release is unaffected.
        ips.assign(address, None)
    answer = ips.release(address)
    out.removed(answer, f"Released public IP {address}.", key="ip")
