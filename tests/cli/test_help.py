"""Every command's --help works with no config, no key and no network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from pspace_py.cli.main import ALIASES, LAZY_COMMANDS, app


def command_paths() -> Iterator[list[str]]:
    root = typer.main.get_command(app)
    with typer.Context(root, info_name="pspace") as ctx:  # type: ignore[arg-type]

        def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
            yield path
            if isinstance(command, TyperGroup):
                for name in command.list_commands(ctx):
                    child = command.get_command(ctx, name)
                    if child is not None and not child.hidden:
                        yield from walk(child, [*path, name])

        yield from walk(root, [])


PATHS = list(command_paths())


def test_the_tree_covers_every_group() -> None:
    groups = {path[0] for path in PATHS if path}
    assert set(LAZY_COMMANDS) <= groups
    assert len(PATHS) > 60


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "pspace")
def test_help_needs_nothing(path: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_URL", "https://api.invalid/v1")  # would fail if used
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(("alias", "name"), sorted(ALIASES.items()))
def test_official_group_names_are_aliases(alias: str, name: str) -> None:
    by_alias = CliRunner().invoke(app, [alias, "list", "--help"])
    by_name = CliRunner().invoke(app, [name, "list", "--help"])
    assert by_alias.exit_code == 0
    assert by_alias.stdout.replace(f" {alias} ", f" {name} ") == by_name.stdout


def test_bare_group_prints_its_help() -> None:
    result = CliRunner().invoke(app, ["machine"])
    assert "create" in result.output
    assert "Traceback" not in result.output
