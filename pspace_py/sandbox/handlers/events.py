"""machineEvents-list and machineEvents-get."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import list_query_model

KIND = "event"
EventsListQuery = list_query_model("machineEvents-list", ("dtCreated",), ("machineId",))


def list_events(ctx: Ctx) -> Any:
    query = ctx.parse_query(EventsListQuery)
    return ctx.list_response(KIND, query, lambda record: ctx.wire.event(record, ctx.now_ms))


def get_event(ctx: Ctx) -> Any:
    return ctx.wire.event(ctx.get_or_404(KIND, ctx.params["id"], "Machine event"), ctx.now_ms)
