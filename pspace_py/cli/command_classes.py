"""The Click classes every pspace command and group is made of, and the Typer app that uses them.

Their only difference from Typer's is who draws the help: pspace_py/cli/help.py, imported
when help is shown. Kept apart from options.py so that the lazy groups (lazy.py), which
options.py builds, can use them without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# Help is plain text drawn by pspace_py/cli/help.py (bold headings on a terminal), never
# Typer's rich panels: those cost start-up time, eat "[env: ...]" as markup and draw boxes.
HELP_MARKUP = None


class HelpCommand(TyperCommand):
    """A command whose help (and usage line) pspace_py/cli/help.py draws."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from pspace_py.cli.help import write_help

        write_help(self, ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        from pspace_py.cli.help import write_usage

        write_usage(self, ctx, formatter)


class HelpGroup(TyperGroup):
    """A group whose help pspace_py/cli/help.py draws."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from pspace_py.cli.help import write_help

        write_help(self, ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        from pspace_py.cli.help import write_usage

        write_usage(self, ctx, formatter)


class PspaceTyper(typer.Typer):
    """A Typer app whose commands are :class:`HelpCommand` unless they say otherwise."""

    def command(self, name: str | None = None, **options: Any) -> Callable[[Any], Any]:
        options.setdefault("cls", HelpCommand)
        return super().command(name, **options)
