"""The real command tree, walked the way a user reaches each command."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

from pspace_py.cli.main import app


def root_command() -> Any:
    return typer.main.get_command(app)


def walk() -> Iterator[tuple[list[str], Any]]:
    """(path below ``pspace``, Click command) for every visible command, the root first."""
    root = root_command()
    with typer.Context(root, info_name="pspace") as ctx:  # type: ignore[arg-type]

        def visit(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
            yield path, command
            if hasattr(command, "list_commands"):
                for name in command.list_commands(ctx):
                    child = command.get_command(ctx, name)
                    if child is not None and not child.hidden:
                        yield from visit(child, [*path, name])

        yield from visit(root, [])


COMMANDS = list(walk())
PATHS = [path for path, _ in COMMANDS]


def path_id(path: list[str]) -> str:
    return " ".join(path) or "pspace"
