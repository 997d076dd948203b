"""``pspace machine ssh``: become ``ssh`` to the machine's public IP."""

from __future__ import annotations

import os
import shutil
from typing import Annotated

import typer

from pspace_py.cli.context import app_context
from pspace_py.cli.machine._app import app, resolve_machine
from pspace_py.cli.options import MachineRefArg
from pspace_py.cli.resource_commands import region_code
from pspace_py.errors import PspaceError, RefusedError


@app.command(
    "ssh",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def ssh_to_machine(
    ctx: typer.Context,
    ref: MachineRefArg,
    user: Annotated[str, typer.Option("--user", "-u", help="Login user.")] = "paperspace",
) -> None:
    """Open an SSH session to a machine (arguments after -- go to ssh)."""
    state = app_context(ctx)
    state.output()
    machine = resolve_machine(state.client(), ref)
    label = f"Machine {machine.get('id')} ({machine.get('name')})"
    if machine.get("state") != "ready":
        raise RefusedError(
            f"{label} is {machine.get('state')}, not ready.",
            hint=f"Start it with 'pspace machine start {machine.get('id')} --wait'.",
        )
    address = machine.get("publicIp")
    if not address:
        region = region_code(state, machine.get("region"))
        raise RefusedError(
            f"{label} has no public IP.",
            hint=f"Give it one: 'pspace ip claim --region {region}', then "
            f"'pspace ip assign <address> -m {machine.get('id')}'.",
        )
    ssh = shutil.which("ssh")
    if ssh is None:
        raise PspaceError("No 'ssh' program was found on PATH.", hint="Install an SSH client.")
    state.close()
    os.execv(ssh, ["ssh", f"{user}@{address}", *ctx.args])  # noqa: S606 - replaces pspace
