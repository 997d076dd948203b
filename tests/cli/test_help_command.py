"""`pspace help [COMMAND...]`, `pspace GROUP help [COMMAND...]` and `help commands [-a]`: the
official CLI's help subcommands (zcli adds them to every group), drawn by the one renderer."""

from __future__ import annotations

import pytest

from tests.conftest import Invoke


def help_of(pspace: Invoke, *path: str) -> str:
    run = pspace(*path, "--help")
    assert run.exit_code == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        (["help"], []),
        (["help", "machine"], ["machine"]),
        (["help", "machine", "list"], ["machine", "list"]),
        (["machine", "help"], ["machine"]),
        (["machine", "help", "list"], ["machine", "list"]),
        (["help", "private-network", "create"], ["private-network", "create"]),
        (["machine", "access", "help", "add"], ["machine", "access", "add"]),
        (["help", "help"], ["help"]),
    ],
    ids=" ".join,
)
def test_help_is_the_commands_own_help(
    pspace: Invoke, typed: list[str], same_as: list[str]
) -> None:
    run = pspace(*typed)

    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == help_of(pspace, *same_as)


def test_help_commands_lists_every_command_one_a_line(pspace: Invoke) -> None:
    run = pspace("help", "commands")

    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "pspace commands"
    rows = {line.split()[0]: line for line in lines[1:] if line.startswith("  ")}
    for name in ("machine", "snapshot", "network", "help", "version"):
        assert name in rows
    assert "Create, list, start, stop, resize machines." in rows["machine"]
    assert lines[-1] == "Run 'pspace help COMMAND' for a command's options and examples."


def test_a_groups_help_commands_names_the_group(pspace: Invoke) -> None:
    run = pspace("machine", "help", "commands")

    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "pspace machine commands"
    names = [line.split()[0] for line in lines[1:] if line.startswith("  ")]
    assert names[:3] == ["create", "list", "get"]
    assert "help" not in names  # listed by --all, as the other hidden ones
    assert lines[-1] == "Run 'pspace machine help COMMAND' for a command's options and examples."


def test_help_commands_all_adds_the_hidden_ones(pspace: Invoke) -> None:
    shown = pspace("config", "help", "commands").stdout
    every = pspace("config", "help", "commands", "-a")

    assert every.exit_code == 0, every.stderr
    assert "  delete " not in shown
    assert "  delete " in every.stdout
    assert "  help " in every.stdout
    assert every.stdout == pspace("config", "help", "commands", "--all").stdout


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["help", "machin"], "No such command 'machin'. Did you mean 'machine'?"),
        (["machine", "help", "lst"], "No such command 'lst'. Did you mean 'list'?"),
        (["help", "version", "extra"], "'pspace version' has no commands"),
        (["help", "commands", "machine"], "'help commands' takes no command"),
    ],
)
def test_a_wrong_name_is_a_usage_error(pspace: Invoke, typed: list[str], message: str) -> None:
    run = pspace(*typed)

    assert (run.exit_code, run.stdout) == (2, "")
    assert run.error_line.startswith("Error: ")
    assert message in run.error_line


def test_the_root_lists_help_and_the_groups_keep_it_out_of_their_tables(pspace: Invoke) -> None:
    root = help_of(pspace)
    machine = help_of(pspace, "machine")

    assert any(line.split()[:1] == ["help"] for line in root.splitlines())
    assert not any(line.split()[:1] == ["help"] for line in machine.splitlines())


def test_help_sends_nothing(pspace: Invoke, sandbox: object) -> None:
    from pspace_py.sandbox.app import SandboxApp

    assert isinstance(sandbox, SandboxApp)
    sandbox.clear_request_log()
    assert pspace("help", "machine", "create").exit_code == 0
    assert pspace("machine", "help", "commands").exit_code == 0
    assert sandbox.request_log() == []
