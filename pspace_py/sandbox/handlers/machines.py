"""machines-*: list, create, get, update (sync settings or an async resize), delete, start,
stop, restart."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.models import MachineCreate, MachineUpdate, list_query_model
from pspace_py.sandbox.state import lists, machines
from pspace_py.sandbox.state.kinds import MACHINE

MachinesListQuery = list_query_model(
    "machines-list", ("dtCreated", "name", "state"), ("name", "region", "agentType", "machineType")
)


def list_machines(ctx: Ctx) -> Any:
    listing = lists.page(ctx.tx, MACHINE, ctx.parse_query(MachinesListQuery))
    return ctx.listed(listing, lambda record: ctx.render.machine(record, ctx.now_ms))


def get_machine(ctx: Ctx) -> Any:
    return ctx.render.machine(ctx.tx.get(MACHINE, ctx.params["id"]), ctx.now_ms)


def create_machine(ctx: Ctx) -> Any:
    return ctx.machine_with_event(*machines.create(ctx.tx, ctx.parse(MachineCreate)))


def update_machine(ctx: Ctx) -> Any:
    machine, event = machines.update(ctx.tx, ctx.params["id"], ctx.parse(MachineUpdate))
    if event is None:
        # A synchronous change: the contract's one wrapper whose `event` may be left out.
        return {"data": ctx.render.machine(machine, ctx.now_ms)}
    return ctx.machine_with_event(machine, event)


def delete_machine(ctx: Ctx) -> Any:
    return ctx.machine_with_event(*machines.delete(ctx.tx, ctx.params["id"]))


def start_machine(ctx: Ctx) -> Any:
    return ctx.machine_with_event(*machines.start(ctx.tx, ctx.params["id"]))


def stop_machine(ctx: Ctx) -> Any:
    return ctx.machine_with_event(*machines.stop(ctx.tx, ctx.params["id"]))


def restart_machine(ctx: Ctx) -> Any:
    return ctx.machine_with_event(*machines.restart(ctx.tx, ctx.params["id"]))
