"""Help that reads well at 80 columns and in a pipe (issue 15 item 1).

What a user sees with `pspace ... --help`: no text lost to markup ([env: ...] and
[default: ...] stay), option names and choices never cut, arguments named as nouns,
examples on every page, and plain text without boxes when piped.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pspace_py.cli.command_classes import HelpCommand, HelpGroup
from pspace_py.cli.main import app
from tests.cli.command_tree import COMMANDS, path_id

PSPACE = str(Path(sys.executable).parent / "pspace")
BOX_DRAWING = re.compile("[\u2500-\u257f]")


def help_text(path: list[str], columns: int = 80) -> str:
    run = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(columns)})
    assert run.exit_code == 0, run.output
    return run.stdout


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path_id(p) for p, _ in COMMANDS])
def test_help_at_80_columns_keeps_every_name_bracket_and_choice(
    path: list[str], command: Any
) -> None:
    text = help_text(path, 80)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    flat = one_line(text)
    for param in command.params:
        if param.param_type_name != "option" or param.hidden:
            continue
        for name in (*param.opts, *param.secondary_opts):
            # A flag and its --no- side are shown as one: --[no-]name.
            both = f"--[no-]{name.removeprefix('--').removeprefix('no-')}"
            whole = re.search(rf"(?<![\w\[\]-]){re.escape(name)}(?![\w-])", text)
            assert whole or both in text, f"{name} is missing or cut in:\n{text}"
        for bracketed in re.findall(r"\[[^\]]*\]", param.help or ""):
            assert one_line(bracketed) in flat, f"{bracketed} was lost:\n{text}"
        choices = getattr(param.type, "choices", None)
        if choices:
            listed = "{" + "|".join(map(str, choices)) + "}"
            assert any(listed in line for line in text.splitlines()), text


@pytest.mark.slow
@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path_id(p) for p, _ in COMMANDS])
def test_usage_names_arguments_as_nouns_and_every_page_has_examples(
    path: list[str], command: Any
) -> None:
    text = help_text(path, 80)
    usage = text.split("\n\n")[0]
    assert "{" not in usage
    for param in command.params:
        if param.param_type_name == "argument":
            # The metavar, or the parameter's name in capitals: a noun, not "REF".
            noun = (param.metavar or (param.name or "").upper()).strip("[].")
            assert noun.isupper(), f"{param.name}: {noun!r}"
            assert noun not in {"REF", "REFS"}, f"{param.name}: {noun!r}"
            assert noun in usage
    assert "\nExamples:\n  # " in text
    assert "\n  $ pspace " in text


def test_every_command_draws_its_help_with_the_one_renderer() -> None:
    strays = [
        path_id(path)
        for path, command in COMMANDS
        if not isinstance(command, HelpCommand | HelpGroup)
    ]
    assert strays == []


def test_a_long_option_puts_its_help_below_it_instead_of_cutting_it() -> None:
    text = help_text(["machine", "create"], 80)
    assert "      --auto-snapshot-save-count int\n" in text
    assert "      --[no-]auto-snapshot-enabled\n" in text
    assert "{hourly|daily|weekly|monthly}" in text
    assert "…" not in text


def test_global_options_keep_their_env_and_default_text() -> None:
    text = one_line(help_text([], 80))
    assert "Profile to use [env: PSPACE_PROFILE]." in text
    assert "Retries per request [default: 3]." in text
    assert "Talk to the built-in sandbox API [env: PSPACE_SANDBOX=1]." in text
    assert "No colour [env: NO_COLOR]." in text


def test_a_command_page_says_the_global_options_work_there_too() -> None:
    text = one_line(help_text(["snapshot", "get"], 80))
    assert "Global options (--api-key, --api-url, --profile, --sandbox," in text
    assert "see 'pspace --help'" in text


def test_an_example_too_long_for_the_width_continues_with_a_backslash() -> None:
    text = help_text(["machine", "create"], 80)
    first = text.split("\n  $ pspace machine create -n train")[1].split("\n\n")[0]
    assert first.splitlines()[0].endswith(" \\")
    assert first.splitlines()[1].startswith("      ")


def test_wide_terminals_get_the_same_help_not_longer_lines() -> None:
    wide = help_text(["machine", "create"], 120)
    assert all(len(line) <= 100 for line in wide.splitlines())
    assert "--auto-snapshot-save-count int" in wide


@pytest.mark.parametrize(
    "args", [["cost", "--help"], ["machine", "create", "--help"], ["--help"], ["ip"]]
)
def test_piped_help_is_plain_text(args: list[str]) -> None:
    run = subprocess.run(
        [PSPACE, *args], capture_output=True, text=True, timeout=30, env={"COLUMNS": "80"}
    )
    assert "Usage: pspace" in run.stdout
    assert not BOX_DRAWING.search(run.stdout)
    assert "\x1b[" not in run.stdout
