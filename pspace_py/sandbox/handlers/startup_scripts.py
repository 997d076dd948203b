"""startupScripts-*: list, create, get, update, delete, assign, unassign.

The script body is stored but never returned (contract §3.9).
"""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox import store
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.handlers.machines import assign_script, machine_or_404
from pspace_py.sandbox.models import (
    MachineReference,
    StartupScriptCreate,
    StartupScriptUpdate,
    list_query_model,
)

KIND = "startup_script"
StartupScriptsListQuery = list_query_model("startupScripts-list", ("dtCreated", "name"), ("name",))


def list_scripts(ctx: Ctx) -> Any:
    query = ctx.parse_query(StartupScriptsListQuery)
    return ctx.list_response(KIND, query, ctx.wire.startup_script)


def get_script(ctx: Ctx) -> Any:
    return ctx.wire.startup_script(script_or_404(ctx, ctx.params["id"]))


def create_script(ctx: Ctx) -> Any:
    body = ctx.parse(StartupScriptCreate)
    script = {
        "id": ctx.new_id(KIND, lambda: ctx.ids.prefixed("sc")),
        "name": body.name,
        "script": body.script,
        "isRunOnce": bool(body.isRunOnce),
        "isEnabled": True,
        "assignedMachineIds": [],
        "dtCreated": ctx.now_ms,
        "dtDeleted": None,
    }
    store.insert(ctx.conn, KIND, ctx.namespace, script)
    return ctx.wire.startup_script(script)


def update_script(ctx: Ctx) -> Any:
    body = ctx.parse(StartupScriptUpdate)
    script = script_or_404(ctx, ctx.params["id"])
    for key in ("name", "script", "isRunOnce", "isEnabled"):
        value = getattr(body, key)
        if value is not None:
            script[key] = value
    store.update(ctx.conn, KIND, ctx.namespace, script)
    return ctx.wire.startup_script(script)


def delete_script(ctx: Ctx) -> Any:
    script = script_or_404(ctx, ctx.params["id"])
    store.delete(ctx.conn, KIND, ctx.namespace, script["id"])
    script["dtDeleted"] = ctx.now_ms
    return ctx.wire.startup_script(script)


def assign(ctx: Ctx) -> Any:
    body = ctx.parse(MachineReference)
    script = script_or_404(ctx, ctx.params["id"])
    machine = machine_or_404(ctx, body.machineId)
    assign_script(ctx, script, machine["id"])
    return ctx.wire.startup_script(script)


def unassign(ctx: Ctx) -> Any:
    body = ctx.parse(MachineReference)
    script = script_or_404(ctx, ctx.params["id"])
    machine = machine_or_404(ctx, body.machineId)
    if machine["id"] in script["assignedMachineIds"]:
        script["assignedMachineIds"].remove(machine["id"])
        store.update(ctx.conn, KIND, ctx.namespace, script)
    return ctx.wire.startup_script(script)


def script_or_404(ctx: Ctx, script_id: str) -> dict[str, Any]:
    return ctx.get_or_404(KIND, script_id, "Startup script")
