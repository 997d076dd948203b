"""autoscalingGroups-*: list, create, get, update, delete (the official CLI's spec only)."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import (
    AutoscalingGroupCreate,
    AutoscalingGroupUpdate,
    list_query_model,
)
from pspace_py.sandbox.state import autoscaling_groups
from pspace_py.sandbox.state.kinds import AUTOSCALING_GROUP

AutoscalingGroupsListQuery = list_query_model(
    "autoscalingGroups-list", ("dtCreated", "name"), ("clusterId", "machineType")
)


def list_groups(ctx: Ctx) -> Any:
    listing = autoscaling_groups.list_groups(ctx.tx, ctx.parse_query(AutoscalingGroupsListQuery))
    return ctx.listed(listing, ctx.render.autoscaling_group)


def create_group(ctx: Ctx) -> Any:
    group = autoscaling_groups.create(ctx.tx, ctx.parse(AutoscalingGroupCreate))
    return ctx.render.autoscaling_group(group)


def get_group(ctx: Ctx) -> Any:
    return ctx.render.autoscaling_group(ctx.tx.get(AUTOSCALING_GROUP, ctx.params["id"]))


def update_group(ctx: Ctx) -> Any:
    body = ctx.parse(AutoscalingGroupUpdate)
    return ctx.render.autoscaling_group(autoscaling_groups.update(ctx.tx, ctx.params["id"], body))


def delete_group(ctx: Ctx) -> Any:
    return {"id": autoscaling_groups.delete(ctx.tx, ctx.params["id"])["id"]}
