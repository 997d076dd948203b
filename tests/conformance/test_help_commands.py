"""The official CLI's help subcommands on every in-scope group (its parser, zcli, adds `help
[COMMAND]` and `help commands [-a]` to each group): `pspace GROUP help COMMAND` is that
command's --help, `pspace help GROUP` is the group's, and `help commands` lists the group's
commands, each official one among them. Run in-process against the arranged sandbox; nothing
is sent."""

from __future__ import annotations

import pytest

from tests.conformance.conftest import Pspace
from tests.conformance.official import commands

LEAVES = sorted(commands())
GROUPS = sorted({name.split()[0] for name in LEAVES})


def help_of(pspace: Pspace, *path: str) -> str:
    run = pspace(*path, "--help")
    assert run.exit_code == 0, run.describe()
    return run.stdout


@pytest.mark.parametrize("name", LEAVES)
def test_group_help_command_is_the_commands_help(pspace: Pspace, name: str) -> None:
    group, command = name.split()
    expected = help_of(pspace, group, command)

    for typed in ([group, "help", command], ["help", group, command]):
        run = pspace(*typed)
        assert (run.exit_code, run.stdout, run.stderr) == (0, expected, ""), typed


@pytest.mark.parametrize("group", GROUPS)
def test_help_group_and_group_help_commands(pspace: Pspace, group: str) -> None:
    assert pspace("help", group).stdout == help_of(pspace, group)
    assert pspace(group, "help").stdout == help_of(pspace, group)

    listing = pspace(group, "help", "commands", "-a")

    assert listing.exit_code == 0, listing.describe()
    listed = {line.split()[0] for line in listing.lines[1:-1] if line.startswith("  ")}
    official = {name.split()[1] for name in LEAVES if name.split()[0] == group}
    assert official <= listed
    assert "help" in listed


def test_help_commands_lists_every_official_group(pspace: Pspace) -> None:
    run = pspace("help", "commands")

    assert run.exit_code == 0, run.describe()
    listed = {line.split()[0] for line in run.lines[1:-1]}
    aliases = {"private-network": "network", "public-ip": "ip", "template": "custom-template"}
    assert {aliases.get(group, group) for group in GROUPS} <= listed
