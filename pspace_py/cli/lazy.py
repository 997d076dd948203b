"""Command groups that import and convert a command only when it is used.

Start-up is a goal (bench/run.py): ``pspace machine list --help`` must not import
``machine create``'s module, nor turn every machine command from Typer into Click.
This is done on Typer's public surface only:

- a group's Click class is given with ``typer.Typer(cls=...)`` and is a
  ``typer.core.TyperGroup`` that overrides ``list_commands``/``get_command``
  (Click's documented hooks for lazy groups);
- a command is converted with ``typer.main.get_command`` on a Typer app that
  holds that one command, registered with the public ``Typer.command``.

A group's help lists its commands from the one-line help kept in its table, so
listing them imports nothing. ``tests/cli/test_lazy.py`` fails loudly if a Typer
upgrade changes any of this (the converted commands must equal an eager
conversion, and the tables must match the commands they name).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NamedTuple

import typer

from pspace_py.cli.command_classes import HelpCommand, HelpGroup


class Lazy(NamedTuple):
    """Where a command lives, and the line that lists it in its group's help."""

    module: str
    help: str
    # For a whole group: the name of the Typer app in ``module`` (None: the module
    # registers its commands on a :class:`LazyTyper`, one converted at a time).
    attribute: str | None = None
    hidden: bool = False


class LazyGroup(HelpGroup):
    """A Typer group whose commands (``lazy``) are loaded on first use."""

    lazy: ClassVar[Mapping[str, Lazy]] = {}
    # Other names a command answers to (the official CLI's spellings).
    aliases: ClassVar[Mapping[str, str]] = {}

    def own_commands(self, ctx: Any) -> list[str]:
        return [*super().own_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd_name = self.aliases.get(cmd_name, cmd_name)
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)  # `help`, or None
        if self._listing:
            # Help only needs the line and whether it is hidden: nothing is imported.
            return HelpCommand(name=cmd_name, help=entry.help, hidden=entry.hidden)
        command = self.load(cmd_name, entry)
        command.name = cmd_name
        self.commands[cmd_name] = command
        return command

    def load(self, name: str, entry: Lazy) -> Any:
        """The Click command ``entry`` names, importing its module."""
        module = importlib.import_module(entry.module)
        if entry.attribute is None:
            raise TypeError(f"{entry.module} has no app for '{name}'")
        return typer.main.get_command(getattr(module, entry.attribute))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            # Typer suggests only among commands already loaded: here every command, and
            # every alias, can be meant (`machin`, `snapshots`, `Machine`).
            from pspace_py.cli.refs import did_you_mean

            with self.listing():
                known = [n for n in self.list_commands(ctx) if not self.get_command(ctx, n).hidden]
            suggestion = did_you_mean(name, [*known, *self.aliases])
            if suggestion:
                ctx.fail(f"No such command '{name}'. {suggestion}")
        return super().resolve_command(ctx, args)


Recorded = tuple[dict[str, Any], Callable[..., Any]]


class LazyTyper(typer.Typer):
    """A Typer group whose ``@app.command(name)`` records the command instead of converting it.

    Modules register commands on it as on any Typer app. The group (a
    :class:`LazyGroup` made for this app) imports a command's module from
    ``lazy`` when the command is used, then converts that command alone.
    """

    def __init__(self, *, lazy: Mapping[str, Lazy], **settings: Any) -> None:
        self.recorded: dict[str, Recorded] = {}
        # What a one-command app needs to convert its command as this group would.
        self._command_settings = {
            key: settings[key]
            for key in ("rich_markup_mode", "pretty_exceptions_enable", "pretty_exceptions_short")
            if key in settings
        }
        app = self

        class Group(LazyGroup):
            def load(self, name: str, entry: Lazy) -> Any:
                if entry.attribute is not None:  # a group of its own, in its module
                    return super().load(name, entry)
                if name not in app.recorded:
                    importlib.import_module(entry.module)
                return app.convert(name)

        Group.lazy = dict(lazy)
        # A callback makes Typer build a group even before any command is recorded.
        super().__init__(cls=Group, callback=_no_options, **settings)

    def command(self, name: str | None = None, **options: Any) -> Callable[[Any], Any]:
        if name is None:
            raise TypeError("commands of a LazyTyper need a name: @app.command('name')")

        options.setdefault("cls", HelpCommand)

        def record(function: Callable[..., Any]) -> Callable[..., Any]:
            self.recorded[name] = (options, function)
            return function

        return record

    def convert(self, name: str) -> Any:
        """One recorded command as a Click command, through Typer's public conversion."""
        options, function = self.recorded[name]
        single = typer.Typer(add_completion=False, **self._command_settings)
        typer.Typer.command(single, name, **options)(function)
        return typer.main.get_command(single)


def _no_options() -> None:
    """The group itself takes no options; its help comes from ``help=``."""
