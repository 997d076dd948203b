"""``pspace help [COMMAND...]`` and ``pspace GROUP help [COMMAND...]``: the official CLI's help
subcommands (its parser, zcli, adds ``help`` and ``help commands`` to every group).

``help`` alone is the group's ``--help``; ``help machine list`` is ``pspace machine list
--help``; ``help commands [-a]`` lists the group's commands one a line (``-a``: the hidden ones
too). What is shown is drawn by the one help renderer (pspace_py/cli/help.py). Imported only
when a ``help`` command is used; pspace_py/cli/command_classes.py makes the command.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

LISTING = "commands"


def show_help(
    ctx: typer.Context,
    command: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="COMMAND",
            show_default=False,
            help="The command to show help for (a path: 'machine list'); 'commands' lists them.",
        ),
    ] = None,
    all_commands: Annotated[
        bool, typer.Option("--all", "-a", help="With 'commands': the hidden ones too.")
    ] = False,
) -> None:
    """`help [COMMAND...]`: registered on every group by pspace_py/cli/command_classes.py."""
    group_ctx: Any = ctx.parent  # a group's command: it has one
    words = list(command or ())
    if words[:1] == [LISTING]:
        if words[1:]:
            ctx.fail(f"'{ctx.info_name} {LISTING}' takes no command names (got '{words[1]}').")
        from pspace_py.cli.help import command_list

        width = group_ctx.make_formatter().width
        typer.echo(command_list(group_ctx.command, group_ctx, width, hidden=all_commands), nl=False)
        return
    target = group_ctx
    for word in words:
        target = _subcommand_context(ctx, target, word)
    typer.echo(target.get_help())


def _subcommand_context(ctx: typer.Context, parent: Any, name: str) -> Any:
    """The context ``parent``'s command ``name`` would run in (nothing is parsed)."""
    group: Any = parent.command
    if not hasattr(group, "get_command"):
        ctx.fail(f"'{parent.command_path}' has no commands; there is no help for '{name}'.")
    sub = group.get_command(parent, name)
    if sub is None:
        from pspace_py.cli.refs import did_you_mean

        with group.listing():
            known = [
                n for n in group.list_commands(parent) if not group.get_command(parent, n).hidden
            ]
        suggestion = did_you_mean(name, known)
        ctx.fail(f"No such command '{name}'." + (f" {suggestion}" if suggestion else ""))
    return typer.Context(sub, info_name=name, parent=parent)
