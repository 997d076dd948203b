"""``pspace machine access``: which team members may use a machine.

The console's "Add Users" step. The official CLI has no command for it ("You cannot use the
Paperspace CLI to grant or revoke user access", DO-USERS); the API has `/machines/{id}/accessors`.
Machines are named by ID or exact name, users by ID, email or full name.
"""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

import typer

from pspace_py.api.decode import JsonObject
from pspace_py.api.machine_accessors import MachineAccessorsApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.listing import order_by_option, paging, show_list
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
    YesOpt,
    group,
)
from pspace_py.cli.resource_commands import confirm_destructive, label
from pspace_py.cli.users import Directory, UserArg, describe, team_users
from pspace_py.output import access_columns

app = group("Who may use a machine: the team members given access to it.")

OrderOpt = Annotated[Literal["id"] | None, order_by_option("id")]


class _Access(NamedTuple):
    machine: JsonObject
    api: MachineAccessorsApi


class _Grant(NamedTuple):
    machine: JsonObject
    api: MachineAccessorsApi
    member: JsonObject  # the user's team membership
    user_id: str


def _access(state: AppContext, ref: str) -> _Access:
    from pspace_py.cli.machine._app import resolve_machine

    machine = resolve_machine(state.client(), ref)
    return _Access(machine, MachineAccessorsApi(state.client(), str(machine["id"])))


def _grant(state: AppContext, machine_ref: str, user_ref: str) -> _Grant:
    """The machine and the member, both resolved before anything changes."""
    machine, api = _access(state, machine_ref)
    member = Directory(team_users(state)).find(user_ref)
    return _Grant(machine, api, member, str(member["user"]["id"]))


@app.command("list")
def list_access(
    ctx: typer.Context,
    machine: MachineRefArg,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: OrderOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List the users with access to a machine."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    target, access = _access(state, machine)
    show_list(
        out,
        access,
        {},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=access_columns.ACCESSOR,
        empty_message=f"No users have been given access to machine {label(target)}.",
        list_command=f"pspace machine access list {target['id']}",
        default_order_by=None,
        key="user.id",
    )


@app.command("add")
def add_access(
    ctx: typer.Context,
    machine: MachineRefArg,
    user: UserArg,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Give a team member access to a machine."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    grant = _grant(state, machine, user)
    target = grant.machine
    state.operation = f"machine access add ({grant.user_id} to machine {target['id']})"
    accessor = grant.api.add(grant.user_id)
    out.note(f"{describe(grant.member)} can use machine {label(target)}.", success=True)
    out.resource(accessor, access_columns.ACCESSOR, key="user.id")


@app.command("remove")
def remove_access(
    ctx: typer.Context,
    machine: MachineRefArg,
    user: UserArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Take a user's access to a machine away (asks first)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    grant = _grant(state, machine, user)
    whose = f"{describe(grant.member)}'s access to machine {label(grant.machine)}"
    confirm_destructive(
        out,
        yes=yes,
        action=f"remove {whose}",
        consequence="They can no longer use it; they stay on the team.",
    )
    state.operation = f"machine access remove ({grant.user_id} from {grant.machine['id']})"
    answer = grant.api.remove(grant.user_id)
    out.removed(answer, f"Removed {whose}.", key="user.id")
