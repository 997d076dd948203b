"""``pspace user``: the members of your team, and finding one by ID, email or name.

Every argument that names a user (here, in ``machine access`` and in ``machine create
--accessor-ids``) takes the user's ID, email (any case) or full name ("Ada Lovelace", any
case), resolved against the team's member list. The official CLI has a ``user list`` in its
source (flags ``--team-id/-t`` and the list flags) that it never registers.
"""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from pspace_py.api.decode import JsonObject
from pspace_py.api.team_users import TeamUsersApi, member_user
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
    NoHeaderOpt,
    QuietOpt,
    YesOpt,
    group,
)
from pspace_py.cli.resource_commands import confirm_destructive
from pspace_py.errors import NotFoundError, UsageError
from pspace_py.output import access_columns

app = group("Your team's members: the users who can be given access to machines.")

LIST_COMMAND = "pspace user list"
_MAX_CANDIDATES_SHOWN = 10

UserArg = Annotated[
    str,
    typer.Argument(metavar="USER", help="User ID, email or full name.", show_default=False),
]
TeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team-id",
        "-t",
        help="Team ID or namespace [default: the API key's team].",
        show_default=False,
    ),
]
RoleOpt = Annotated[
    Literal["owner", "admin", "member"] | None,
    typer.Option("--role", help="Only members with this role.", show_default=False),
]
OrderOpt = Annotated[Literal["dtConfirmed"] | None, order_by_option("dtConfirmed")]


def team_users(state: AppContext, team: str | None = None) -> TeamUsersApi:
    """The member list of ``team``, or of the API key's team (one GET /auth/session)."""
    if team is not None:
        return TeamUsersApi(state.client(), team)
    from pspace_py.api.auth import AuthApi

    session_team = AuthApi(state.client()).session()["team"]
    return TeamUsersApi(
        state.client(), str(session_team["id"]), name=str(session_team["namespace"])
    )


class Directory:
    """A team's members, read once, to resolve any number of user references."""

    def __init__(self, members: TeamUsersApi) -> None:
        self.team = members.team
        self.members = list(members.iter({}))

    def find(self, ref: str) -> JsonObject:
        """The membership whose user has this ID, email or full name (case ignored)."""
        ref = ref.strip()
        if not ref:
            raise UsageError("An empty user reference was given.")
        for member in self.members:
            if member_user(member)["id"] == ref:
                return member
        wanted = ref.casefold()
        matches = [
            m for m in self.members if str(member_user(m).get("email", "")).casefold() == wanted
        ]
        if not matches:
            matches = [
                m
                for m in self.members
                if access_columns.full_name(member_user(m)).casefold() == wanted
            ]
        if not matches:
            raise NotFoundError(
                f"No member of team '{self.team}' has the ID, email or name '{ref}'.",
                hint=f"List them with '{LIST_COMMAND}'; only team members can be given access.",
            )
        if len(matches) > 1:
            shown = ", ".join(
                f"{member_user(m).get('email')} ({member_user(m)['id']})"
                for m in matches[:_MAX_CANDIDATES_SHOWN]
            )
            raise UsageError(
                f"The name '{ref}' matches {len(matches)} members: {shown}.",
                hint="Use the email or the user ID instead.",
            )
        return matches[0]


def describe(member: JsonObject) -> str:
    """``ada@example.com (Ada Lovelace)`` for messages."""
    user = member_user(member)
    name = access_columns.full_name(user)
    email = str(user.get("email") or user["id"])
    return f"{email} ({name})" if name else email


@app.command("list")
def list_users(
    ctx: typer.Context,
    team: TeamOpt = None,
    role: RoleOpt = None,
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
    """List your team's members, the most recently confirmed first."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    show_list(
        out,
        team_users(state, team),
        {"role": role},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=access_columns.TEAM_MEMBER,
        empty_message="No members.",
        list_command=LIST_COMMAND,
        default_order_by=None,
        key="user.id",
    )


@app.command("update")
def update_user(
    ctx: typer.Context,
    ref: UserArg,
    admin: Annotated[
        bool | None,
        typer.Option(
            "--admin/--no-admin",
            help="Make the member an admin of the team, or a plain member.",
            show_default=False,
        ),
    ] = None,
    team: TeamOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Make a member an admin of the team, or not."""
    if admin is None:
        raise UsageError("Nothing to change.", hint="Pass --admin or --no-admin.")
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    members = team_users(state, team)
    member = Directory(members).find(ref)
    user_id = str(member_user(member)["id"])
    state.operation = f"user update ({user_id})"
    answer = members.update(user_id, is_admin=admin)
    out.resource({"user": member["user"], **answer}, access_columns.MEMBERSHIP, raw=answer)


@app.command("remove")
def remove_user(
    ctx: typer.Context,
    ref: UserArg,
    team: TeamOpt = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Remove a member from the team (asks first)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    members = team_users(state, team)
    member = Directory(members).find(ref)
    user_id = str(member_user(member)["id"])
    confirm_destructive(
        out,
        yes=yes,
        action=f"remove {describe(member)} from team '{members.team}'",
        consequence="They lose access to the team and to every machine they were given.",
    )
    state.operation = f"user remove ({user_id})"
    answer = members.remove(user_id)
    out.removed(
        {"user": member["user"], **answer},
        f"Removed {describe(member)} from team '{members.team}'.",
        key="user.id",
        raw=answer,
    )
