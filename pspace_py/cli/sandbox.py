"""``pspace sandbox``: serve the local Paperspace API, or empty its state."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pspace_py.cli.context import app_context, sandbox_state_error
from pspace_py.cli.options import group
from pspace_py.errors import PspaceError, UsageError

app = group("Run the built-in sandbox: a local, stateful Paperspace API for trying and testing.")


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (loopback only).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port; 0 picks a free one.")
    ] = 0,
    state_file: Annotated[
        Path | None,
        typer.Option(
            "--state", help="SQLite file that keeps state across restarts [default: memory]."
        ),
    ] = None,
    instant: Annotated[
        bool, typer.Option("--instant", help="Transitions finish at once (for tests).")
    ] = False,
    api_keys: Annotated[
        list[str] | None,
        typer.Option("--api-key", help="Extra accepted key, each its own team (repeatable)."),
    ] = None,
    faults: Annotated[
        list[str] | None,
        typer.Option("--fault", help="Fault rule, e.g. 'machines-create:status=503,times=2'."),
    ] = None,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow binding a non-loopback address.")
    ] = False,
) -> None:
    """Serve the sandbox API; prints PAPERSPACE_API_URL=... first, stops on Ctrl-C."""
    from pspace_py.sandbox.app import validate_fault
    from pspace_py.sandbox.faults import parse_fault_rule
    from pspace_py.sandbox.server import is_loopback
    from pspace_py.sandbox.server import serve as serve_sandbox

    state = app_context(ctx)
    state.output()
    try:
        rules = [validate_fault(parse_fault_rule(rule)) for rule in faults or []]
    except ValueError as error:
        raise UsageError(f"Bad --fault rule: {error}") from None
    if not allow_remote and not is_loopback(host):
        raise UsageError(
            f"Refusing to serve the sandbox on {host}: it has no real authentication.",
            hint="Use a loopback address (127.0.0.1), or pass --allow-remote.",
        )
    from pspace_py.sandbox import SandboxStateError

    try:
        serve_sandbox(
            host=host,
            port=port,
            state_path=state_file,
            api_keys=tuple(api_keys or ()),
            instant=instant,
            faults=rules,
            allow_remote=allow_remote,
        )
    except SandboxStateError as error:
        raise sandbox_state_error(error) from None
    except OSError as error:  # the address is taken or not this machine's
        raise PspaceError(f"Cannot serve on {host}:{port}: {error.strerror or error}.") from None


@app.command("reset")
def reset(
    ctx: typer.Context,
    state_file: Annotated[
        Path | None, typer.Option("--state", help="State file [default: the --sandbox file].")
    ] = None,
) -> None:
    """Empty the sandbox's state (what `pspace --sandbox` uses, or --state FILE)."""
    from pspace_py.sandbox import default_state_path, reset_state

    out = app_context(ctx).output()
    path = state_file or default_state_path()
    reset_state(path)
    out.success(f"Sandbox state in {path} emptied.")
