"""startupScripts-*: list, create, get, update, delete, assign, unassign.

The script body is stored but never returned (contract §3.9).
"""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import (
    MachineReference,
    StartupScriptCreate,
    StartupScriptUpdate,
    list_query_model,
)
from pspace_py.sandbox.state import lists, startup_scripts
from pspace_py.sandbox.state.kinds import STARTUP_SCRIPT

StartupScriptsListQuery = list_query_model("startupScripts-list", ("dtCreated", "name"), ("name",))


def list_scripts(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, STARTUP_SCRIPT, ctx.parse_query(StartupScriptsListQuery))
    return ctx.listed(listing, ctx.render.startup_script)


def get_script(ctx: Ctx) -> Any:
    return ctx.render.startup_script(ctx.tx.get(STARTUP_SCRIPT, ctx.params["id"]))


def create_script(ctx: Ctx) -> Any:
    body = ctx.parse(StartupScriptCreate)
    script = startup_scripts.create(
        ctx.tx, name=body.name, script=body.script, run_once=bool(body.isRunOnce)
    )
    return ctx.render.startup_script(script)


def update_script(ctx: Ctx) -> Any:
    changes = ctx.parse(StartupScriptUpdate).model_dump()
    return ctx.render.startup_script(startup_scripts.update(ctx.tx, ctx.params["id"], changes))


def delete_script(ctx: Ctx) -> Any:
    return ctx.render.startup_script(startup_scripts.delete(ctx.tx, ctx.params["id"]))


def assign(ctx: Ctx) -> Any:
    body = ctx.parse(MachineReference)
    script = startup_scripts.assign(ctx.tx, ctx.params["id"], body.machineId)
    return ctx.render.startup_script(script)


def unassign(ctx: Ctx) -> Any:
    body = ctx.parse(MachineReference)
    script = startup_scripts.unassign(ctx.tx, ctx.params["id"], body.machineId)
    return ctx.render.startup_script(script)
