"""Command lines written for the official CLI run as written (issue 12, items 1 and 2).

Paperspace's how-to pages write `-F` with no value before other flags, the official parser
takes `--flag=true|false` for every boolean, and its global flags (`--json`, `--api-key`,
`-l/--log-level`, `-h`) go anywhere on the line. The official parser's rules are in its
source: src/flags.ts and zcli's flags-parser.ts.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from pspace_py.cli.main import app
from tests.cli.test_machine import CREATE, create, operations
from tests.conftest import Invoke

SEED = (
    "machine", "create", "-F", "--name", "your-machine-name", "--machine-type", "a100-80g",
    "--template-id", "tx98gvxz", "--region", "NY2", "--disk-size", "50",
)  # fmt: skip


def without_request_id(text: str) -> str:
    return re.sub(r"request sandbox-[0-9]+", "request ...", text)


def dry_run_body(pspace: Invoke, *extra: str) -> dict[str, Any]:
    run = pspace(*CREATE, "--dry-run", "--json", *extra)
    assert run.exit_code == 0, run.stderr
    body: dict[str, Any] = run.json()["request"]["body"]
    return body


# -- -F with no value ---------------------------------------------------------------------------


def test_the_seed_documents_command_parses(pspace: Invoke) -> None:
    with_f = pspace(*SEED)
    without_f = pspace(*(arg for arg in SEED if arg != "-F"))
    assert "Missing option" not in with_f.stderr
    assert "requires an argument" not in with_f.stderr
    # Whatever happens after parsing (here: the sandbox knows no template tx98gvxz), -F alone
    # changes nothing about it but the request's ID.
    assert with_f.exit_code == without_f.exit_code
    assert without_request_id(with_f.stderr) == without_request_id(without_f.stderr)
    assert "tx98gvxz" in with_f.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["machine", "list", "-F"],
        ["machine", "list", "-F", "--no-header"],
        ["machine", "list", "--fields"],
        ["machine", "list", "--fields", "--limit", "5"],
    ],
)
def test_F_alone_means_the_default_fields(pspace: Invoke, args: list[str]) -> None:
    create(pspace, "web-1")
    plain = pspace(*(arg for arg in args if arg not in {"-F", "--fields"}))
    alone = pspace(*args)
    assert alone.exit_code == plain.exit_code == 0, alone.stderr
    assert alone.stdout == plain.stdout
    assert "web-1" in alone.stdout


def test_F_alone_keeps_the_json_whole(pspace: Invoke) -> None:
    create(pspace, "web-1")
    assert (
        pspace("machine", "list", "-F", "--json").json()
        == pspace("machine", "list", "--json").json()
    )


def test_F_with_values_still_picks_fields(pspace: Invoke) -> None:
    machine = create(pspace, "web-1")
    repeated = pspace("machine", "get", "web-1", "-F", "id", "-F", "name", "--json")
    listed = pspace("machine", "get", "web-1", "-F", "id,name", "--json")
    assert repeated.json() == listed.json() == {"id": machine["id"], "name": "web-1"}


def test_F_before_a_negative_looking_value_is_still_a_value(pspace: Invoke) -> None:
    # The official parser takes "-5" as a value, not a flag: a field of that name, which no
    # machine has (so nothing is picked), rather than the default fields.
    create(pspace, "web-1")
    run = pspace("machine", "get", "web-1", "-F", "-5", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json() == pspace("machine", "get", "web-1", "-F", "nothing", "--json").json()
    assert "name" not in run.json()


# -- booleans -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        (["--start-on-create"], True),
        (["--start-on-create=true"], True),
        (["--start-on-create", "true"], True),
        (["--start-on-create=false"], False),
        (["--start-on-create", "false"], False),
        (["--no-start-on-create"], False),
    ],
)
def test_a_boolean_takes_the_official_spellings(
    pspace: Invoke, spelling: list[str], expected: bool
) -> None:
    assert dry_run_body(pspace, *spelling)["startOnCreate"] is expected


def test_a_flag_with_no_negative_takes_false_as_leaving_it_out(
    pspace: Invoke, sandbox: Any
) -> None:
    create(pspace, "web-1")
    headed = pspace("machine", "list", "--no-header=false")
    bare = pspace("machine", "list", "--no-header=true")
    assert headed.stdout.splitlines()[0].startswith("ID")
    assert not bare.stdout.splitlines()[0].startswith("ID")
    assert (
        pspace("machine", "list", "--json=true").json()
        == pspace("machine", "list", "--json").json()
    )
    assert pspace("machine", "list", "--json=false").stdout == headed.stdout


def test_dry_run_false_creates(pspace: Invoke, sandbox: Any) -> None:
    run = pspace(*CREATE, "--dry-run=false", "--json")
    assert run.exit_code == 0, run.stderr
    assert len(operations(sandbox, "machines-create")) == 1


def test_a_boolean_with_another_value_is_a_usage_error(pspace: Invoke) -> None:
    run = pspace("machine", "list", "--json=maybe")
    assert run.exit_code == 2
    assert run.stderr.startswith("Error: ")
    assert len(run.stderr.strip().splitlines()) == 1


def command_tree() -> list[Any]:
    root = typer.main.get_command(app)
    found = []
    with typer.Context(root, info_name="pspace") as ctx:  # type: ignore[arg-type]

        def walk(command: Any) -> None:
            found.append(command)
            if isinstance(command, TyperGroup):
                for name in command.list_commands(ctx):
                    walk(command.get_command(ctx, name))

        walk(root)
    return found


def test_every_flag_without_a_negative_is_off_by_default() -> None:
    """`--x=false` leaves such a flag out, which is only right when leaving it out means off."""
    on_by_default = [
        f"{command.name} {param.opts[0]}"
        for command in command_tree()
        for param in command.params
        if getattr(param, "is_bool_flag", False) and not param.secondary_opts and param.default
    ]
    assert on_by_default == []


# -- global flags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "machine", "list"],
        ["-j", "machine", "list"],
        ["machine", "--json", "list"],
        ["machine", "list", "--json"],
        ["machine", "list", "-j"],
    ],
)
def test_json_before_or_after_the_command(pspace: Invoke, args: list[str]) -> None:
    machine = create(pspace, "web-1")
    run = pspace(*args)
    assert run.exit_code == 0, run.stderr
    assert [item["id"] for item in run.json()["items"]] == [machine["id"]]


@pytest.mark.parametrize(
    "args",
    [
        ["--api-key", "k-not-a-key", "machine", "list"],
        ["machine", "list", "--api-key", "k-not-a-key"],
        ["machine", "list", "--api-key=k-not-a-key"],
    ],
)
def test_api_key_before_or_after_the_command(pspace: Invoke, args: list[str]) -> None:
    assert pspace("machine", "list").exit_code == 0  # the sandbox's own key
    run = pspace(*args)
    assert run.exit_code == 3  # the key given on the line, wherever it stands
    assert "Invalid or missing API key" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["-h", "machine", "list"],
        ["--help", "machine", "list"],
        ["machine", "-h", "list"],
        ["machine", "list", "-h"],
        ["machine", "list", "--help"],
    ],
)
def test_help_anywhere_is_the_commands_help(pspace: Invoke, args: list[str]) -> None:
    run = pspace(*args)
    assert run.exit_code == 0
    usage = run.stdout.splitlines()[0]
    assert usage.startswith("Usage: ")
    assert usage.endswith(" machine list [OPTIONS]")


@pytest.mark.parametrize(
    "args",
    [
        ["-l", "debug", "machine", "list"],
        ["--log-level", "debug", "machine", "list"],
        ["machine", "list", "-l", "debug"],
        ["machine", "list", "--log-level=debug"],
    ],
)
def test_log_level_debug_is_the_debug_trace(pspace: Invoke, args: list[str]) -> None:
    run = pspace(*args)
    assert run.exit_code == 0, run.stderr
    assert "debug: > GET" in run.stderr
    assert "Bearer ****" in run.stderr


@pytest.mark.parametrize("level", ["info", "warning", "error", "critical", "INFO"])
def test_other_log_levels_send_no_trace(pspace: Invoke, level: str) -> None:
    run = pspace("machine", "list", "--log-level", level)
    assert run.exit_code == 0, run.stderr
    assert "debug: >" not in run.stderr


def test_an_unknown_log_level_is_one_usage_line(pspace: Invoke) -> None:
    run = pspace("machine", "list", "-l", "loud")
    assert run.exit_code == 2
    [line] = run.stderr.strip().splitlines()
    assert "loud" in line
    assert "debug" in line


def test_options_after_double_dash_stay_where_they_are(pspace: Invoke) -> None:
    run = pspace("machine", "get", "--json", "--", "--api-key")
    # `--api-key` after `--` is the machine reference, not the global option.
    assert run.exit_code == 4
    assert "--api-key" in run.stderr
    assert json.dumps("k-not-a-key") not in run.stderr
