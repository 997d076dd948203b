"""machines-*Accessor(s): the team members who may use a machine; and machines-getDesktop.

Bodies may repeat the path's IDs (`{"id": ..., "userId": ...}`, as the docs' curl lines send,
DELETE included): extra keys are ignored like everywhere else.
"""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import AccessorAdd, list_query_model
from pspace_py.sandbox.state import desktop, users

AccessorsListQuery = list_query_model("machines-listAccessors", ("id",), ())


def list_accessors(ctx: Ctx) -> Any:
    query = ctx.parse_query(AccessorsListQuery)
    return ctx.listed(users.list_accessors(ctx.tx, ctx.params["id"], query), ctx.render.accessor)


def add_accessor(ctx: Ctx) -> Any:
    body = ctx.parse(AccessorAdd)
    return ctx.render.accessor(users.add_accessor(ctx.tx, ctx.params["id"], body.userId))


def get_accessor(ctx: Ctx) -> Any:
    return ctx.render.accessor(users.get_accessor(ctx.tx, ctx.params["id"], ctx.params["userId"]))


def remove_accessor(ctx: Ctx) -> Any:
    removed = users.remove_accessor(ctx.tx, ctx.params["id"], ctx.params["userId"])
    return ctx.render.accessor(removed)


def get_desktop(ctx: Ctx) -> Any:
    found = desktop.desktop(ctx.tx, ctx.params["id"])
    return ctx.render.desktop(
        found.machine, ctx.now_ms, kind=found.kind, port=found.port, password=found.password
    )
