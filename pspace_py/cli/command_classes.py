"""The Click classes every pspace command and group is made of, and the Typer app that uses them.

They differ from Typer's in who draws the help (pspace_py/cli/help.py, imported when help
is shown) and in completing values (pspace_py/completion.py, imported when a shell asks).
Kept apart from options.py so that the lazy groups (lazy.py), which options.py builds, can
use them without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
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


class HelpGroup(_PspaceParts, TyperGroup):
    """A group whose help pspace_py/cli/help.py draws, and whose option values complete."""


class PspaceTyper(typer.Typer):
    """A Typer app whose commands are :class:`HelpCommand` unless they say otherwise."""

    def command(self, name: str | None = None, **options: Any) -> Callable[[Any], Any]:
        options.setdefault("cls", HelpCommand)
        return super().command(name, **options)
