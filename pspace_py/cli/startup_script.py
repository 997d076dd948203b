"""``pspace startup-script``: scripts machines run when they boot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from pspace_py.api.client import JsonObject
from pspace_py.api.machines import MachinesApi
from pspace_py.api.startup_scripts import StartupScriptsApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.listing import ByCreationOrNameOpt, NameFilterOpt, paging, show_list
from pspace_py.cli.options import (
    AfterOpt,
    AllOpt,
    AscOpt,
    DescOpt,
    FieldsOpt,
    JsonOpt,
    LimitOpt,
    MachineOpt,
    NoHeaderOpt,
    QuietOpt,
    YesOpt,
    group,
)
from pspace_py.cli.refs import resolve
from pspace_py.cli.resource_commands import confirm_destructive, describe_ids, label
from pspace_py.errors import UsageError
from pspace_py.output import columns

app = group("Startup scripts: what machines run when they boot.")

LIST_COMMAND = "pspace startup-script list"
ScriptArg = Annotated[
    str,
    typer.Argument(metavar="SCRIPT", help="Startup script ID or exact name.", show_default=False),
]
ScriptTextOpt = Annotated[
    str | None,
    typer.Option(
        "--script", metavar="TEXT", help="The script itself, as text.", show_default=False
    ),
]
ScriptFileOpt = Annotated[
    str | None,
    typer.Option(
        "--file",
        metavar="PATH",
        help="Read the script from this file ('-' reads standard input).",
        show_default=False,
    ),
]
RunOnceOpt = Annotated[
    bool | None,
    typer.Option(
        "--run-once/--no-run-once",
        help="Run on the first boot only, or on every boot [default: every boot].",
        show_default=False,
    ),
]


def _script(scripts: StartupScriptsApi, ref: str) -> JsonObject:
    return resolve(scripts, ref, list_command=LIST_COMMAND)


def _machine(state: AppContext, ref: str) -> JsonObject:
    return resolve(MachinesApi(state.client()), ref, list_command="pspace machine list")


def script_text(script: str | None, file: str | None, *, required: bool) -> str | None:
    """The script from ``--script`` or ``--file`` (``-`` is stdin); at most one of them."""
    if script is not None and file is not None:
        raise UsageError("Pass the script with --script or --file, not both.")
    if file is not None:
        text = _read_script_file(file)
    elif script is not None:
        text = script
    elif required:
        raise UsageError(
            "A script is required.",
            hint="Pass --script TEXT or --file PATH ('--file -' reads standard input).",
        )
    else:
        return None
    if not text.strip():
        raise UsageError("The script is empty.")
    return text


def _read_script_file(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{file} is not a UTF-8 text file.") from None
    except OSError as error:
        raise UsageError(f"Cannot read {file}: {error.strerror or error}.") from None


@app.command("list")
def list_scripts(
    ctx: typer.Context,
    name: NameFilterOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: ByCreationOrNameOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List startup scripts, newest first."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    show_list(
        out,
        StartupScriptsApi(state.client()),
        {"name": name},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=columns.STARTUP_SCRIPT,
        empty_message="No startup scripts.",
        list_command=LIST_COMMAND,
    )


@app.command("get")
def get_script(
    ctx: typer.Context, ref: ScriptArg, json_: JsonOpt = False, fields: FieldsOpt = None
) -> None:
    """Show one startup script (the API never returns the script's text)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    out.resource(_script(StartupScriptsApi(state.client()), ref), columns.STARTUP_SCRIPT)


@app.command("create")
def create_script(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="The script's name.")],
    script: ScriptTextOpt = None,
    file: ScriptFileOpt = None,
    run_once: RunOnceOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Create a startup script from --script TEXT or --file PATH."""
    state = app_context(ctx)
    text = script_text(script, file, required=True)
    assert text is not None  # required=True either returns text or raises
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    state.operation = f"startup script create ('{name}')"
    created = StartupScriptsApi(state.client()).create(name, text, run_once=run_once)
    out.resource(created, columns.STARTUP_SCRIPT)


@app.command("update")
def update_script(
    ctx: typer.Context,
    ref: ScriptArg,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="The new name.", show_default=False)
    ] = None,
    script: ScriptTextOpt = None,
    file: ScriptFileOpt = None,
    run_once: RunOnceOpt = None,
    enabled: Annotated[
        bool | None,
        typer.Option(
            "--enabled/--no-enabled",
            help="Turn the script on or off for every machine it is assigned to.",
            show_default=False,
        ),
    ] = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Change a startup script: only what is passed changes."""
    state = app_context(ctx)
    changes: dict[str, Any] = {
        key: value
        for key, value in {
            "name": name,
            "script": script_text(script, file, required=False),
            "isRunOnce": run_once,
            "isEnabled": enabled,
        }.items()
        if value is not None
    }
    if not changes:
        raise UsageError(
            "Nothing to change.",
            hint="Pass at least one of --name, --script/--file, --run-once/--no-run-once, "
            "--enabled/--no-enabled.",
        )
    out = state.output(json_mode=json_, fields=fields)
    scripts = StartupScriptsApi(state.client())
    existing = _script(scripts, ref)
    state.operation = f"startup script update ({existing['id']})"
    out.resource(scripts.update(str(existing["id"]), changes), columns.STARTUP_SCRIPT)


@app.command("delete")
def delete_script(
    ctx: typer.Context,
    ref: ScriptArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete a startup script (asks first)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    scripts = StartupScriptsApi(state.client())
    existing = _script(scripts, ref)
    assigned = list(existing.get("assignedMachineIds") or [])
    on_machines = f" Machines {describe_ids(assigned)} stop running it at boot." if assigned else ""
    confirm_destructive(
        out,
        yes=yes,
        action=f"delete startup script {label(existing)}",
        consequence="Its text cannot be read back from the API, so keep a copy." + on_machines,
    )
    state.operation = f"startup script delete ({existing['id']})"
    answer = scripts.delete(str(existing["id"]))
    out.removed(answer, f"Deleted startup script {label(existing)}.")


@app.command("assign")
def assign_script(
    ctx: typer.Context,
    ref: ScriptArg,
    machine: MachineOpt,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Make a machine run a startup script when it boots."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    scripts = StartupScriptsApi(state.client())
    existing = _script(scripts, ref)
    target = _machine(state, machine)
    state.operation = f"startup script assign ({existing['id']} to machine {target['id']})"
    out.resource(scripts.assign(str(existing["id"]), str(target["id"])), columns.STARTUP_SCRIPT)


@app.command("unassign")
def unassign_script(
    ctx: typer.Context,
    ref: ScriptArg,
    machine: MachineOpt,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Stop a machine running a startup script (asks first)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    scripts = StartupScriptsApi(state.client())
    existing = _script(scripts, ref)
    target = _machine(state, machine)
    confirm_destructive(
        out,
        yes=yes,
        action=f"unassign startup script {label(existing)} from machine {label(target)}",
        consequence="The machine no longer runs it when it boots.",
    )
    state.operation = f"startup script unassign ({existing['id']} from machine {target['id']})"
    out.resource(scripts.unassign(str(existing["id"]), str(target["id"])), columns.STARTUP_SCRIPT)
