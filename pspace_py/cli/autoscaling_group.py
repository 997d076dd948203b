"""``pspace autoscaling-group``: pools of machines a cluster's autoscaler grows and shrinks.

The official CLI's commands and flags (its reference page marks the command private, and the
public API reference does not list the endpoints). Networks and startup scripts are named by ID
or exact name; a group by ID or exact name.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pspace_py.api.autoscaling_groups import AutoscalingGroupsApi
from pspace_py.api.decode import JsonObject
from pspace_py.api.private_networks import PrivateNetworksApi
from pspace_py.api.startup_scripts import StartupScriptsApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.listing import ByCreationOrNameOpt, paging, show_list
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
    YesOpt,
    group,
)
from pspace_py.cli.refs import resolve
from pspace_py.cli.resource_commands import confirm_destructive, label, without_unset
from pspace_py.errors import UsageError
from pspace_py.output import access_columns

app = group("Autoscaling groups: machines a cluster's autoscaler adds and removes.")

LIST_COMMAND = "pspace autoscaling-group list"
GroupArg = Annotated[
    str,
    typer.Argument(metavar="GROUP", help="Autoscaling group ID or exact name.", show_default=False),
]
ClusterOpt = Annotated[str, typer.Option("--cluster-id", help="The cluster's ID.")]
MachineTypeOpt = Annotated[
    str, typer.Option("--machine-type", help="The machines' type, e.g. C5 or A4000.")
]
NetworkOpt = Annotated[str, typer.Option("--network-id", help="Private network ID or exact name.")]
TemplateOpt = Annotated[str, typer.Option("--template-id", help="OS or custom template ID.")]


def _optional(flag: str, help_text: str, **extra: Any) -> Any:
    return typer.Option(flag, help=help_text, show_default=False, **extra)


ScriptOpt = Annotated[
    str | None,
    _optional("--startup-script-id", "Startup script (ID or exact name) the machines run."),
]
TimeoutOpt = Annotated[
    float | None,
    _optional("--provisioning-timeout", "Minutes a new machine may take to be ready."),
]


def _groups(state: AppContext) -> AutoscalingGroupsApi:
    return AutoscalingGroupsApi(state.client())


def _group(groups: AutoscalingGroupsApi, ref: str) -> JsonObject:
    # The API has no name filter for groups: a name is looked up in the whole list.
    return resolve(groups, ref, list_command=LIST_COMMAND, name_filter=False)


def _network_id(state: AppContext, ref: str | None) -> str | None:
    if ref is None:
        return None
    networks = PrivateNetworksApi(state.client())
    return str(resolve(networks, ref, list_command="pspace network list")["id"])


def _script_id(state: AppContext, ref: str | None) -> str | None:
    if ref is None:
        return None
    scripts = StartupScriptsApi(state.client())
    return str(resolve(scripts, ref, list_command="pspace startup-script list")["id"])


def _minutes(value: float | None) -> float | int | None:
    if value is None:
        return None
    if not value > 0 or value == float("inf"):
        raise UsageError(
            f"--provisioning-timeout must be a positive number of minutes, not {value}."
        )
    return int(value) if value.is_integer() else value


def _check_range(minimum: int | None, maximum: int | None) -> None:
    if minimum is not None and maximum is not None and minimum > maximum:
        raise UsageError(f"--min ({minimum}) must not be greater than --max ({maximum}).")


@app.command("list")
def list_groups(
    ctx: typer.Context,
    cluster_id: Annotated[
        str | None, _optional("--cluster-id", "Only the groups of this cluster.")
    ] = None,
    machine_type: Annotated[
        str | None, _optional("--machine-type", "Only groups of this machine type.")
    ] = None,
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
    """List autoscaling groups, newest first."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    show_list(
        out,
        _groups(state),
        {"clusterId": cluster_id, "machineType": machine_type},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=access_columns.AUTOSCALING_GROUP,
        empty_message="No autoscaling groups.",
        list_command=LIST_COMMAND,
    )


@app.command("get")
def get_group(
    ctx: typer.Context, ref: GroupArg, json_: JsonOpt = False, fields: FieldsOpt = None
) -> None:
    """Show one autoscaling group."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    out.resource(_group(_groups(state), ref), access_columns.AUTOSCALING_GROUP_DETAIL)


@app.command("create")
def create_group(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="The group's name.")],
    cluster_id: ClusterOpt,
    machine_type: MachineTypeOpt,
    network_id: NetworkOpt,
    template_id: TemplateOpt,
    max_: Annotated[int, typer.Option("--max", min=0, help="The most machines at a time.")],
    min_: Annotated[int, typer.Option("--min", min=0, help="The fewest machines at a time.")],
    startup_script_id: ScriptOpt = None,
    provisioning_timeout: TimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Create an autoscaling group (it starts with --min machines)."""
    _check_range(min_, max_)
    timeout = _minutes(provisioning_timeout)
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    body = without_unset(
        {
            "name": name,
            "clusterId": cluster_id,
            "machineType": machine_type,
            "networkId": _network_id(state, network_id),
            "templateId": template_id,
            "max": max_,
            "min": min_,
            "startupScriptId": _script_id(state, startup_script_id),
            "provisioningTimeout": timeout,
        }
    )
    state.operation = f"autoscaling group create ('{name}')"
    out.resource(_groups(state).create(body), access_columns.AUTOSCALING_GROUP_DETAIL)


@app.command("update")
def update_group(
    ctx: typer.Context,
    ref: GroupArg,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="The new name.", show_default=False)
    ] = None,
    cluster_id: Annotated[str | None, _optional("--cluster-id", "The cluster's ID.")] = None,
    machine_type: Annotated[str | None, _optional("--machine-type", "The machine type.")] = None,
    network_id: Annotated[
        str | None, _optional("--network-id", "Private network ID or exact name.")
    ] = None,
    template_id: Annotated[
        str | None, _optional("--template-id", "OS or custom template ID.")
    ] = None,
    startup_script_id: ScriptOpt = None,
    max_: Annotated[int | None, _optional("--max", "The most machines at a time.", min=0)] = None,
    min_: Annotated[int | None, _optional("--min", "The fewest machines at a time.", min=0)] = None,
    provisioning_timeout: TimeoutOpt = None,
    current: Annotated[
        int | None, _optional("--current", "The number of machines wanted now.", min=0)
    ] = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Change an autoscaling group: only what is passed changes."""
    _check_range(min_, max_)
    timeout = _minutes(provisioning_timeout)
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    groups = _groups(state)
    changes = without_unset(
        {
            "name": name,
            "clusterId": cluster_id,
            "machineType": machine_type,
            "templateId": template_id,
            "max": max_,
            "min": min_,
            "provisioningTimeout": timeout,
            "current": current,
        }
    )
    if not changes and network_id is None and startup_script_id is None:
        raise UsageError(
            "Nothing to change.",
            hint="Pass at least one of --name, --cluster-id, --machine-type, --network-id, "
            "--template-id, --startup-script-id, --max, --min, --provisioning-timeout, --current.",
        )
    existing = _group(groups, ref)
    changes.update(
        without_unset(
            {
                "networkId": _network_id(state, network_id),
                "startupScriptId": _script_id(state, startup_script_id),
            }
        )
    )
    state.operation = f"autoscaling group update ({existing['id']})"
    updated = groups.update(str(existing["id"]), changes)
    out.resource(updated, access_columns.AUTOSCALING_GROUP_DETAIL)


@app.command("delete")
def delete_group(
    ctx: typer.Context,
    ref: GroupArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete an autoscaling group (asks first)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    groups = _groups(state)
    existing = _group(groups, ref)
    confirm_destructive(
        out,
        yes=yes,
        action=f"delete autoscaling group {label(existing)}",
        consequence="Its cluster can no longer add machines through it.",
    )
    state.operation = f"autoscaling group delete ({existing['id']})"
    answer = groups.delete(str(existing["id"]))
    out.removed(answer, f"Deleted autoscaling group {label(existing)}.")
