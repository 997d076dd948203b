"""osTemplates-list (from the catalog) and customTemplates-*."""

from __future__ import annotations

from typing import Any

from pspace_py.catalog import OsTemplate
from pspace_py.sandbox import store
from pspace_py.sandbox.context import Ctx, list_envelope, page_request
from pspace_py.sandbox.handlers.machines import machine_or_404, require_off
from pspace_py.sandbox.models import RequiredName, TemplateCreate, list_query_model

KIND = "custom_template"
OsTemplatesListQuery = list_query_model("osTemplates-list", ("name",), ("name",))
CustomTemplatesListQuery = list_query_model(
    "customTemplates-list", ("dtCreated", "name"), ("name", "machineId")
)


def list_os_templates(ctx: Ctx) -> Any:
    query = ctx.parse_query(OsTemplatesListQuery)
    page = page_request(query.model_copy(update={"orderBy": query.orderBy or "name"}))
    wanted = query.filter_values().get("name")
    # (name, catalog position) is the sort key; the position breaks ties like `seq` does.
    keyed = _keyed_templates(ctx.catalog.os_templates, wanted)
    if page.descending:
        keyed.reverse()
    if page.after is not None:
        after = store.decode_cursor(page.after, page.order_by, page.descending)
        keyed = [
            item for item in keyed if (item[0] < after if page.descending else item[0] > after)
        ]
    chosen = keyed[: page.limit]
    next_cursor = (
        store.encode_cursor(page.order_by, page.descending, *chosen[-1][0])
        if len(keyed) > page.limit
        else None
    )
    return list_envelope([ctx.wire.os_template(template) for _, template in chosen], next_cursor)


def _keyed_templates(
    templates: tuple[OsTemplate, ...], wanted_name: str | None
) -> list[tuple[tuple[str, int], OsTemplate]]:
    keyed = [
        ((template.name, position), template)
        for position, template in enumerate(templates)
        if wanted_name is None or template.name == wanted_name
    ]
    keyed.sort(key=lambda item: item[0])
    return keyed


def list_custom_templates(ctx: Ctx) -> Any:
    query = ctx.parse_query(CustomTemplatesListQuery)
    return ctx.list_response(KIND, query, ctx.wire.custom_template)


def get_custom_template(ctx: Ctx) -> Any:
    return ctx.wire.custom_template(template_or_404(ctx, ctx.params["id"]))


def create_custom_template(ctx: Ctx) -> Any:
    ctx.require_good_standing("create a custom template")
    body = ctx.parse(TemplateCreate)
    machine = machine_or_404(ctx, body.machineId)
    require_off(ctx, machine, "create a template from")
    template = {
        "id": ctx.new_id(KIND, lambda: ctx.ids.prefixed("t")),
        "name": body.name,
        "machineId": machine["id"],
        "region": machine["region"],
        "agentType": machine["agentType"],
        "operatingSystemLabel": machine["os"],
        "defaultSizeGb": machine["diskSizeGb"],
        "machineTypes": list(machine["templateMachineTypes"]),
        "storageUsed": machine["storageUsed"],
        "dtCreated": ctx.now_ms,
        "dtDeleted": None,
    }
    event = ctx.start_event("template-create", machine["id"])
    if event["error"] is None:  # a failed template never appears
        store.insert(ctx.conn, KIND, ctx.namespace, template)
    return {
        "data": ctx.wire.custom_template(template),
        "event": ctx.wire.event(event, ctx.now_ms, at_call=True),
    }


def update_custom_template(ctx: Ctx) -> Any:
    body = ctx.parse(RequiredName)
    template = template_or_404(ctx, ctx.params["id"])
    template["name"] = body.name
    store.update(ctx.conn, KIND, ctx.namespace, template)
    return ctx.wire.custom_template(template)


def delete_custom_template(ctx: Ctx) -> Any:
    template = template_or_404(ctx, ctx.params["id"])
    store.delete(ctx.conn, KIND, ctx.namespace, template["id"])
    template["dtDeleted"] = ctx.now_ms
    return ctx.wire.custom_template(template)


def template_or_404(ctx: Ctx, template_id: str) -> dict[str, Any]:
    return ctx.get_or_404(KIND, template_id, "Custom template")
