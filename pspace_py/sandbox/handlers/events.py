"""machineEvents-list and machineEvents-get."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import list_query_model
from pspace_py.sandbox.state import lists
from pspace_py.sandbox.state.kinds import EVENT

EventsListQuery = list_query_model("machineEvents-list", ("dtCreated",), ("machineId",))


def list_events(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, EVENT, ctx.parse_query(EventsListQuery))
    return ctx.listed(listing, lambda record: ctx.render.event(record, ctx.now_ms))


def get_event(ctx: Ctx) -> Any:
    return ctx.render.event(ctx.tx.get(EVENT, ctx.params["id"]), ctx.now_ms)
