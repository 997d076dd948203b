"""``pspace sandbox``: serve the local Paperspace API, empty its state, add team members."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pspace_py import serve_flags as flags
from pspace_py.cli.context import app_context
from pspace_py.cli.options import JsonOpt, QuietOpt, group
from pspace_py.errors import PspaceError, UsageError

app = group("Run the built-in sandbox: a local, stateful Paperspace API for trying and testing.")


# Names, help and defaults come from `serve_flags`, which `python -m pspace_py.sandbox` reads too.
@app.command("serve", help=flags.SUMMARY)
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(flags.HOST.name, help=flags.HOST.help)] = flags.HOST.default,
    port: Annotated[
        int,
        typer.Option(
            flags.PORT.name, min=flags.PORT.minimum, max=flags.PORT.maximum, help=flags.PORT.help
        ),
    ] = flags.PORT.default,
    state: Annotated[
        Path | None, typer.Option(flags.STATE.name, help=flags.STATE.help)
    ] = flags.STATE.default,
    instant: Annotated[
        bool, typer.Option(flags.INSTANT.name, help=flags.INSTANT.help)
    ] = flags.INSTANT.default,
    key: Annotated[
        list[str] | None, typer.Option(flags.KEY.name, help=flags.KEY.help)
    ] = flags.KEY.default,
    fault: Annotated[
        list[str] | None, typer.Option(flags.FAULT.name, help=flags.FAULT.help)
    ] = flags.FAULT.default,
    allow_remote: Annotated[
        bool, typer.Option(flags.ALLOW_REMOTE.name, help=flags.ALLOW_REMOTE.help)
    ] = flags.ALLOW_REMOTE.default,
) -> None:
    from pspace_py.sandbox.command import serve_from_flags
    from pspace_py.sandbox.server import ServeError

    app_context(ctx).output()
    try:
        serve_from_flags(
            host=host,
            port=port,
            state=state,
            instant=instant,
            key=key,
            fault=fault,
            allow_remote=allow_remote,
        )
    except ServeError as error:
        kind = UsageError if error.usage else PspaceError
        raise kind(error.message, hint=error.hint) from None


@app.command("reset")
def reset(
    ctx: typer.Context,
    state_file: Annotated[
        Path | None, typer.Option("--state", help="State file [default: the --sandbox file].")
    ] = None,
) -> None:
    """Empty the sandbox's state (what `pspace --sandbox` uses, or --state FILE)."""
    from pspace_py.sandbox import SandboxStateError, default_state_path, reset_state

    out = app_context(ctx).output()
    path = state_file or default_state_path()
    try:
        reset_state(path)
    except SandboxStateError as error:
        raise UsageError(str(error), hint="Give --state a sandbox state file.") from None
    out.success(f"Sandbox state in {path} emptied.")


@app.command("add-user")
def add_user(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The new member's email.", show_default=False)],
    first_name: Annotated[
        str | None, typer.Option("--first-name", help="First name.", show_default=False)
    ] = None,
    last_name: Annotated[
        str | None, typer.Option("--last-name", help="Last name.", show_default=False)
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Make them an admin.")] = False,
    key: Annotated[
        str | None,
        typer.Option("--key", help="The team's key [default: sandbox-key].", show_default=False),
    ] = None,
    state_file: Annotated[
        Path | None, typer.Option("--state", help="State file [default: the --sandbox file].")
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Add a member to a sandbox team (who `machine access add` can then give access to)."""
    from pspace_py.output import access_columns
    from pspace_py.sandbox import SandboxStateError, create_app, default_state_path
    from pspace_py.sandbox.errors import SandboxError

    out = app_context(ctx).output(json_mode=json_, quiet=quiet)
    path = state_file or default_state_path()
    try:
        sandbox = create_app(state_path=path, api_keys=[key] if key else ())
    except SandboxStateError as error:
        raise UsageError(str(error), hint="Give --state a sandbox state file.") from None
    try:
        member = sandbox.add_team_member(
            email,
            first_name=first_name,
            last_name=last_name,
            is_admin=admin,
            **({"api_key": key} if key else {}),
        )
    except (SandboxError, ValueError) as error:
        raise UsageError(str(error)) from None
    finally:
        sandbox.close()
    out.resource(member, access_columns.TEAM_MEMBER, key="user.id")
