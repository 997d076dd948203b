"""teamMemberships-*: list a team's members, make one an admin or not, remove one."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import MembershipUpdate, list_query_model
from pspace_py.sandbox.state import users

TeamUsersQuery = list_query_model("teamMemberships-listByTeamId", ("dtConfirmed",), ("role",))


def list_members(ctx: Ctx) -> Any:
    query = ctx.parse_query(TeamUsersQuery)
    role = query.filter_values().get("role")
    listing = users.list_members(ctx.tx, ctx.params["teamId"], query, role)
    return ctx.listed(listing, ctx.render.team_member)


def update_member(ctx: Ctx) -> Any:
    body = ctx.parse(MembershipUpdate)
    record = users.set_admin(ctx.tx, ctx.params["teamId"], ctx.params["userId"], body.isAdmin)
    return ctx.render.membership(record)


def remove_member(ctx: Ctx) -> Any:
    record = users.remove(ctx.tx, ctx.params["teamId"], ctx.params["userId"])
    return ctx.render.membership(record)
