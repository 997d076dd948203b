"""Lazy command loading (pspace_py/cli/lazy.py) on Typer's public surface.

These fail loudly when a Typer upgrade changes what the lazy path relies on: that
``typer.Typer(cls=...)`` builds our group class, that a one-command app converts to
that command, and that a command converted alone is the command Typer would build
in a whole group. They also keep the help tables honest.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from pspace_py.cli.command_classes import HELP_MARKUP, HelpGroup
from pspace_py.cli.lazy import LazyGroup, LazyTyper
from pspace_py.cli.machine._app import COMMANDS, app
from pspace_py.cli.main import LAZY_COMMANDS
from pspace_py.cli.main import app as root_app

# The table's single commands (recorded on the machine group) and its groups (an app each).
COMMAND_NAMES = sorted(name for name, entry in COMMANDS.items() if entry.attribute is None)
GROUP_NAMES = sorted(name for name, entry in COMMANDS.items() if entry.attribute is not None)
COMMAND_NAMES_IN_ORDER = [name for name, entry in COMMANDS.items() if entry.attribute is None]


def all_machine_modules() -> None:
    for entry in COMMANDS.values():
        importlib.import_module(entry.module)


def eager_machine_app() -> typer.Typer:
    """The machine commands registered on a plain Typer app, as Typer usually has them."""
    all_machine_modules()
    eager = typer.Typer(
        cls=HelpGroup,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=HELP_MARKUP,
    )
    # In the table's order, as the lazy group lists them: `app.recorded` is in the order the
    # modules happened to be imported, which depends on the tests that ran before.
    for name in COMMAND_NAMES_IN_ORDER:
        options, function = app.recorded[name]
        eager.command(name, **options)(function)
    for name in GROUP_NAMES:
        entry = COMMANDS[name]
        assert entry.attribute is not None
        eager.add_typer(getattr(importlib.import_module(entry.module), entry.attribute), name=name)
    return eager


def eager_machine_group() -> Any:
    """The machine commands as plain Typer builds a group of them, all at once."""
    return typer.main.get_command(eager_machine_app())


def describe(command: Any) -> list[tuple[Any, ...]]:
    return [
        (
            param.name,
            param.param_type_name,
            tuple(getattr(param, "opts", ())),
            tuple(getattr(param, "secondary_opts", ())),
            getattr(param, "is_flag", None),
            param.multiple,
            param.default,
            param.required,
            getattr(param, "help", None),
        )
        for param in command.params
    ]


def test_typer_builds_the_lazy_group_class() -> None:
    assert isinstance(typer.main.get_command(app), LazyGroup)
    assert isinstance(typer.main.get_command(root_app), LazyGroup)


def test_the_machine_table_names_every_recorded_command() -> None:
    all_machine_modules()
    assert set(app.recorded) == set(COMMAND_NAMES)
    for name in COMMAND_NAMES:
        entry = COMMANDS[name]
        module = importlib.import_module(entry.module)
        assert getattr(app.recorded[name][1], "__module__", None) in {module.__name__, None}, name


@pytest.mark.slow
@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_a_command_converted_alone_is_the_one_typer_builds_in_a_group(name: str) -> None:
    eager = eager_machine_group().commands[name]
    alone = app.convert(name)
    assert type(alone) is type(eager)
    assert alone.name == eager.name == name
    assert describe(alone) == describe(eager)
    assert (alone.help, alone.hidden, alone.context_settings) == (
        eager.help,
        eager.hidden,
        eager.context_settings,
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("limit", [30, 45, 80, 200])
def test_the_listing_line_is_the_commands_own(name: str, limit: int) -> None:
    listed = typer.core.TyperCommand(name=name, help=COMMANDS[name].help)
    real = eager_machine_group().commands[name]
    assert listed.get_short_help_str(limit) == real.get_short_help_str(limit)
    assert COMMANDS[name].hidden == real.hidden


def test_group_help_lists_what_an_eager_group_lists() -> None:
    lazy_help = CliRunner().invoke(root_app, ["machine", "--help"]).stdout
    eager_help = CliRunner().invoke(eager_machine_app(), ["--help"]).stdout
    assert "Commands:" in lazy_help

    def listing(text: str) -> str:
        return text.split("Commands:")[1].split("\n\nExamples:")[0]

    assert listing(lazy_help) == listing(eager_help)


def test_every_root_group_loads_and_is_named_as_listed() -> None:
    group = typer.main.get_command(root_app)
    with typer.Context(group, info_name="pspace") as ctx:  # type: ignore[arg-type]
        for name in LAZY_COMMANDS:
            command = group.get_command(ctx, name)
            assert command is not None
            assert command.name == name


def test_a_lazy_typer_refuses_a_command_without_a_name() -> None:
    lazy = LazyTyper(lazy={})

    with pytest.raises(TypeError, match="need a name"):

        @lazy.command()
        def unnamed() -> None:
            """Never registered."""
