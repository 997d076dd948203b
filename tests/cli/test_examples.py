"""The Examples section of every --help (pspace_py/cli/examples.py) is real and runnable.

Every command has examples; each line parses against the real command tree and reaches
the command it is listed under; a representative set runs against the sandbox.
"""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from pspace_py.cli.examples import EXAMPLES, examples_for
from pspace_py.cli.help_layout import SHELL_OPERATORS
from tests.cli.command_tree import COMMANDS, PATHS, path_id, root_command
from tests.conftest import Invoke

ALL_EXAMPLES = [(key, line) for key, examples in EXAMPLES.items() for _, line in examples]


def words(line: str) -> list[str]:
    """The pspace command of an example line, without what the shell does around it."""
    tokens = shlex.split(line)
    cut = next((i for i, token in enumerate(tokens) if token in SHELL_OPERATORS), len(tokens))
    return tokens[:cut]


def command_reached(tokens: list[str]) -> str:
    """Parse ``tokens`` as ``pspace`` would (every option and value checked) and name the
    command they reach; any usage error is raised."""
    assert tokens[0] == "pspace"
    command: Any = root_command()
    ctx = command.make_context("pspace", tokens[1:])
    names: list[str] = []
    while hasattr(command, "resolve_command"):
        # What is left for the subcommand, as Click's own completion reads it.
        rest = [*ctx._protected_args, *ctx.args]
        _, command, rest = command.resolve_command(ctx, rest)
        names.append(command.name)
        ctx = command.make_context(command.name, rest, parent=ctx)
    if not (command.context_settings or {}).get("allow_extra_args"):
        assert ctx.args == [], f"left over: {ctx.args}"
    return " ".join(names)


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_every_command_has_an_example(path: list[str]) -> None:
    assert EXAMPLES.get(" ".join(path)), f"add an example for '{path_id(path)}' to examples.py"


def test_every_example_is_for_a_command_that_exists() -> None:
    known = {" ".join(path) for path in PATHS}
    assert set(EXAMPLES) - known == set()


@pytest.mark.parametrize(("key", "line"), ALL_EXAMPLES, ids=[line for _, line in ALL_EXAMPLES])
def test_every_example_parses_and_reaches_its_command(key: str, line: str) -> None:
    reached = command_reached(words(line))
    # A group's examples show its most common subcommand.
    assert reached == key or (reached.startswith(f"{key} ") or key == ""), reached


GROUPS = [" ".join(path) for path, command in COMMANDS if hasattr(command, "list_commands")]


@pytest.mark.parametrize("group", [g for g in GROUPS if g], ids=str)
def test_every_groups_own_help_has_examples_that_reach_it(group: str) -> None:
    """A group's `help` is hidden from its table (only `pspace help` is listed), so the tree
    walk above skips it; its examples come from examples_for's one rule for them."""
    examples = examples_for(f"{group} help")
    assert examples
    for _, line in examples:
        assert command_reached(words(line)) == f"{group} help", line


def test_an_example_with_a_wrong_option_would_fail_the_check() -> None:
    with pytest.raises(Exception, match="No such option"):
        command_reached(["pspace", "machine", "list", "--colour"])
    with pytest.raises(Exception, match="Missing"):
        command_reached(["pspace", "snapshot", "create", "-m", "train"])


# -- a representative set, run against the sandbox ----------------------------------------------

TRAIN = (
    "machine create -n train --machine-type A4000 --template-id t17d1a6i --region NY2 "
    "--disk-size 100 --yes --wait"
)
# (key, index of the example): what a new user copies first, and one of each kind of resource.
RUN = [
    ("machine create", 0),
    ("machine list", 0),
    ("machine list", 1),
    ("machine get", 1),
    ("machine types", 0),
    ("machine stop", 0),
    ("machine update", 1),
    ("machine wait", 0),
    ("snapshot create", 0),
    ("snapshot list", 1),
    ("network create", 0),
    ("ip claim", 0),
    ("os-template list", 1),
    ("cost", 0),
    ("config set", 0),
    ("whoami", 1),
]


@pytest.mark.slow
@pytest.mark.parametrize(("key", "index"), RUN, ids=[f"{k} #{i}" for k, i in RUN])
def test_examples_run_against_the_sandbox(pspace: Invoke, key: str, index: int) -> None:
    line = EXAMPLES[key][index][1]
    if key != "machine create":
        made = pspace(*shlex.split(TRAIN))
        assert made.exit_code == 0, made.stderr
    run = pspace(*words(line)[1:])
    assert run.exit_code == 0, f"{line}\n{run.stderr}"
