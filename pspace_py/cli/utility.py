"""The official CLI's utility commands: ``completion``, ``upgrade``, ``docs``, ``console``.

``docs`` and ``console`` print their URL (stdout: data a script can use) and open it in a
browser only for a person at a terminal, never in CI. ``upgrade`` says how to upgrade this
installation and runs that command only with ``--run``: pspace-py is a Python package, so
replacing it is the job of the tool that installed it (the official CLI, a single binary,
replaces itself).
"""

from __future__ import annotations

import os
from enum import Enum
from typing import Annotated

import typer

from pspace_py.cli.context import app_context
from pspace_py.cli.options import JsonOpt, command_app
from pspace_py.errors import PspaceError, RefusedError

DOCS_URL = "https://docs.digitalocean.com/products/paperspace/"  # Paperspace's docs moved here
CONSOLE_URL = "https://console.paperspace.com/"
# The official CLI's variables for moving these pages (it reads them at start-up).
DOCS_URL_VARIABLE = "PAPERSPACE_DOCS_URL"
CONSOLE_URL_VARIABLE = "PAPERSPACE_CONSOLE_URL"


completion_app = command_app("Print the shell completion script.")
upgrade_app = command_app("Say how to upgrade pspace-py.")
docs_app = command_app("Open Paperspace's documentation.")
console_app = command_app("Open the Paperspace console.")


# -- completion ----------------------------------------------------------------------------------


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


@completion_app.command("completion")
def completion(
    ctx: typer.Context,
    shell: Annotated[
        Shell | None, typer.Argument(help="bash, zsh, fish or powershell.", show_default=False)
    ] = None,
) -> None:
    """Print the completion script for a shell (the files in completions/).

    \b
    bash:        source <(pspace completion bash)
    zsh:         pspace completion zsh > "${fpath[1]}/_pspace"
    fish:        pspace completion fish > ~/.config/fish/completions/pspace.fish
    powershell:  pspace completion powershell | Out-String | Invoke-Expression
    """
    if shell is None:
        typer.echo(ctx.get_help())
        return
    from pspace_py.completion_scripts import script

    typer.echo(script(shell.value), nl=False)  # verbatim: a script, not text to tidy


# -- upgrade -------------------------------------------------------------------------------------


@upgrade_app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    run: Annotated[
        bool,
        typer.Option("--run", help="Run the upgrade command too (nothing runs without it)."),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Say how to upgrade this installation (pip, pipx, uv or a source checkout); --run runs it."""
    import shlex

    from pspace_py import __version__, installation

    out = app_context(ctx).output(json_mode=json_)
    found = installation.current()
    if json_ and not run:
        out.report({**found._asdict(), "version": __version__})
        return
    if found.command is None:
        out.text(f"pspace-py {__version__} runs from a source checkout at {found.location}:")
        out.text(f"  cd {shlex.quote(found.location)} && git pull && pip install -e .")
        if run:
            raise RefusedError(
                "A source checkout is updated with git, not by pspace.",
                hint="Run the commands above yourself.",
            )
        return
    command = shlex.join(found.command)
    out.text(command)
    if not run:
        out.info(
            f"pspace-py {__version__}, installed with {found.installer}. "
            "Run that, or 'pspace upgrade --run' to have pspace run it."
        )
        return
    _run(found.command, command)


def _run(command: list[str], shown: str) -> None:
    import subprocess

    try:
        # No shell: the command is a list, each argument passed as it is.
        done = subprocess.run(command, check=False)
    except OSError as error:
        raise PspaceError(
            f"Could not run '{shown}': {error.strerror or error}.",
            hint=f"Is {command[0]} installed and on PATH?",
        ) from None
    if done.returncode != 0:
        raise PspaceError(f"'{shown}' failed (exit {done.returncode}).")


# -- docs, console -------------------------------------------------------------------------------


class Topic(str, Enum):
    machines = "machines"
    d = "d"
    deployment = "deployment"


# The official CLI's topics (d, deployment) and the machines pages, under the docs URL.
_TOPIC_PATHS = {
    Topic.machines: "machines/",
    Topic.d: "deployments/",
    Topic.deployment: "deployments/",
}

NoOpenOpt = Annotated[
    bool, typer.Option("--no-open", help="Only print the URL, even at a terminal.")
]


@docs_app.command("docs")
def docs(
    ctx: typer.Context,
    topic: Annotated[
        Topic | None,
        typer.Argument(help="machines, or d/deployment (the official topic).", show_default=False),
    ] = None,
    no_open: NoOpenOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Print the URL of Paperspace's documentation; at a terminal, open it too."""
    base = _base_url(DOCS_URL_VARIABLE, DOCS_URL)
    url = base + (_TOPIC_PATHS[topic] if topic is not None else "")
    _show_url(ctx, url, "Paperspace's documentation", no_open=no_open, json_mode=json_)


@console_app.command("console")
def console(ctx: typer.Context, no_open: NoOpenOpt = False, json_: JsonOpt = False) -> None:
    """Print the URL of the Paperspace console; at a terminal, open it too."""
    url = _base_url(CONSOLE_URL_VARIABLE, CONSOLE_URL)
    _show_url(ctx, url, "the Paperspace console", no_open=no_open, json_mode=json_)


def may_open_browser() -> bool:
    """A person is at a terminal and this is not CI (the rule for prompts, too)."""
    from pspace_py.cli.prompts import can_prompt

    return can_prompt()


def _base_url(variable: str, default: str) -> str:
    value = os.environ.get(variable, "").strip() or default
    return value if value.endswith("/") else value + "/"


def _show_url(ctx: typer.Context, url: str, what: str, *, no_open: bool, json_mode: bool) -> None:
    out = app_context(ctx).output(json_mode=json_mode)
    if json_mode:
        out.report({"url": url})
    else:
        out.text(url)
    if no_open or json_mode or not may_open_browser():
        return
    import webbrowser

    out.info(f"Opening {what} in your browser...")
    if not webbrowser.open(url):
        out.info("No browser could be opened here; open it yourself.")
