"""Every command's --help works with no config, no key and no network."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pspace_py.cli.main import ALIASES, LAZY_COMMANDS, app
from tests.cli.command_tree import PATHS


def test_the_tree_covers_every_group() -> None:
    groups = {path[0] for path in PATHS if path}
    assert set(LAZY_COMMANDS) <= groups
    assert len(PATHS) > 60


@pytest.mark.slow
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


# Every top-level command of the official CLI 1.10.2 in the machines' scope, and `template`,
# which it renamed but Paperspace's docs still use; plus what pspace-py adds for users.
OFFICIAL_TOP_LEVEL = [
    "autoscaling-group",
    "completion",
    "config",
    "console",
    "custom-template",
    "docs",
    "login",
    "logout",
    "machine",
    "machine-event",
    "os-template",
    "private-network",
    "public-ip",
    "shared-drive",
    "snapshot",
    "startup-script",
    "template",
    "upgrade",
    "version",
]


@pytest.mark.parametrize("name", [*OFFICIAL_TOP_LEVEL, "user"])
def test_official_top_level_commands_exist(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: root {name}" in result.stdout or f"Usage: pspace {name}" in result.stdout


@pytest.mark.parametrize(
    "path",
    [
        ["machine", "access", "list"],
        ["machine", "access", "add"],
        ["machine", "access", "remove"],
        ["user", "list"],
        ["user", "update"],
        ["user", "remove"],
        *(["autoscaling-group", verb] for verb in ("list", "get", "create", "update", "delete")),
    ],
    ids=" ".join,
)
def test_the_new_commands_are_in_the_tree(path: list[str]) -> None:
    assert path in PATHS
