"""The Click classes every pspace command and group is made of, and the Typer app that uses them.

They differ from Typer's in who draws the help (pspace_py/cli/help.py, imported when help
is shown) and in completing values (pspace_py/completion.py, imported when a shell asks).
Kept apart from options.py so that the lazy groups (lazy.py), which options.py builds, can
use them without an import cycle.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# Help is plain text drawn by pspace_py/cli/help.py (bold headings on a terminal), never
# Typer's rich panels: those cost start-up time, eat "[env: ...]" as markup and draw boxes.
HELP_MARKUP = None


def _completing(params: list[Any], ctx: Any) -> list[Any]:
    """The parameters, given their value completers when the shell is asking (a completion
    parses the line resiliently; no other run pays for this)."""
    if ctx.resilient_parsing:
        from pspace_py.completion import attach

        attach(params)
    return params


class _PspaceParts:
    """What both classes below change in Typer's: the help's renderer, value completion."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from pspace_py.cli.help import write_help

        write_help(self, ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        from pspace_py.cli.help import write_usage

        write_usage(self, ctx, formatter)

    def get_params(self, ctx: Any) -> list[Any]:
        return _completing(super().get_params(ctx), ctx)  # type: ignore[misc]


class HelpCommand(_PspaceParts, TyperCommand):
    """A command whose help (and usage line) pspace_py/cli/help.py draws, and whose values
    complete (pspace_py/completion.py)."""


# Every group answers to `help` (the official CLI's zcli adds it to each): `help [COMMAND...]`
# and `help commands [-a]` (pspace_py/cli/help_command.py, imported only when it is used).
HELP_COMMAND = "help"
HELP_LINE = "Show help for a command; 'help commands' lists them."


class HelpGroup(_PspaceParts, TyperGroup):
    """A group whose help pspace_py/cli/help.py draws, whose option values complete, and
    which has a ``help`` command (listed in its table only where ``help_listed``)."""

    help_listed = False
    # Set while the group's help or a completion lists its commands: they need only their
    # names and lines, so nothing is imported or converted for them.
    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.own_commands(ctx), HELP_COMMAND]

    def own_commands(self, ctx: Any) -> list[str]:
        return list(super().list_commands(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name != HELP_COMMAND:
            return command
        hidden = not self.help_listed
        if self._listing:
            return HelpCommand(name=HELP_COMMAND, help=HELP_LINE, hidden=hidden)
        from pspace_py.cli.help_command import show_help

        single = PspaceTyper(
            add_completion=False, rich_markup_mode=HELP_MARKUP, pretty_exceptions_enable=False
        )
        single.command(HELP_COMMAND, help=HELP_LINE, hidden=hidden)(show_help)
        return typer.main.get_command(single)

    @contextlib.contextmanager
    def listing(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        with self.listing():
            return super().shell_complete(ctx, incomplete)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with self.listing():
            super().format_help(ctx, formatter)


class PspaceTyper(typer.Typer):
    """A Typer app whose commands are :class:`HelpCommand` unless they say otherwise."""

    def command(self, name: str | None = None, **options: Any) -> Callable[[Any], Any]:
        options.setdefault("cls", HelpCommand)
        return super().command(name, **options)
