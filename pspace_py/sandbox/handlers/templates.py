"""osTemplates-list (from the catalog) and customTemplates-*."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import RequiredName, TemplateCreate, list_query_model
from pspace_py.sandbox.state import lists, templates
from pspace_py.sandbox.state.kinds import CUSTOM_TEMPLATE

OsTemplatesListQuery = list_query_model("osTemplates-list", ("name",), ("name",))
CustomTemplatesListQuery = list_query_model(
    "customTemplates-list", ("dtCreated", "name"), ("name", "machineId")
)


def list_os_templates(ctx: Ctx) -> Any:
    listing = templates.os_templates(ctx.tx, ctx.parse_query(OsTemplatesListQuery))
    return ctx.listed(listing, ctx.render.os_template)


def list_custom_templates(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, CUSTOM_TEMPLATE, ctx.parse_query(CustomTemplatesListQuery))
    return ctx.listed(listing, ctx.render.custom_template)


def get_custom_template(ctx: Ctx) -> Any:
    return ctx.render.custom_template(ctx.tx.get(CUSTOM_TEMPLATE, ctx.params["id"]))


def create_custom_template(ctx: Ctx) -> Any:
    body = ctx.parse(TemplateCreate)
    template, event = templates.create(ctx.tx, body.machineId, body.name)
    return ctx.with_event(ctx.render.custom_template(template), event)


def update_custom_template(ctx: Ctx) -> Any:
    body = ctx.parse(RequiredName)
    return ctx.render.custom_template(ctx.tx.rename(CUSTOM_TEMPLATE, ctx.params["id"], body.name))


def delete_custom_template(ctx: Ctx) -> Any:
    return ctx.render.custom_template(templates.delete(ctx.tx, ctx.params["id"]))
