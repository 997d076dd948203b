"""A Tab press on a machine argument is answered from a warm cache without building the
command tree (issue 17): the same output and exit status as the app's, for bash, zsh and fish,
or no answer and the app answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer._completion_classes import _sanitize_help_text
from typer.testing import CliRunner

from pspace_py import completion, completion_fast
from pspace_py.cli.main import app

URL = "http://127.0.0.1:9/v1"  # a closed loopback port: any refresh fails at once
KEY = "some-key"
MACHINES = [
    ("web-1", "psweb001 (ready, NY2)"),
    ("psweb001", "web-1 (ready, NY2)"),
    ("db", "psdb0002 (off, CA1)"),
    ("psdb0002", "db (off, CA1)"),
]
SHELLS = ["bash", "zsh", "fish get-args", "fish is-args"]


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache written a moment ago for this API and key."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("PSPACE_CACHE_DIR", str(cache))
    monkeypatch.setenv("PAPERSPACE_API_URL", URL)
    monkeypatch.setenv("PAPERSPACE_API_KEY", KEY)
    completion.write_cache(cache / "machines.json", completion.scope_for(URL, KEY), MACHINES)
    return cache


def shell_env(line: str, shell: str = "bash") -> dict[str, str]:
    """What the scripts in completions/ set for ``line`` (as the shell splits it) at Tab."""
    if shell == "bash":
        words = line.split() + ([""] if line.endswith(" ") else [])
        return {
            "_PSPACE_COMPLETE": "complete_bash",
            "COMP_WORDS": " ".join(words),
            "COMP_CWORD": str(len(words) - 1),
        }
    name, _, action = shell.partition(" ")
    env = {"_PSPACE_COMPLETE": f"complete_{name}", "_TYPER_COMPLETE_ARGS": line}
    return {**env, "_TYPER_COMPLETE_FISH_ACTION": action} if action else env


def full_path(line: str, shell: str) -> tuple[str, int]:
    """The app's answer: the command tree built, the argument's completer run."""
    result = CliRunner().invoke(app, [], env=shell_env(line, shell), prog_name="pspace")
    return result.stdout, result.exit_code


def fast_path(line: str, shell: str = "bash") -> tuple[str, int] | None:
    return completion_fast.answer({**os.environ, **shell_env(line, shell)})


ANSWERED = [
    "pspace machine stop ",
    "pspace machine stop we",
    "pspace machine stop ps",
    "pspace machine stop web-1 ",
    "pspace machine stop web-1 d",
    "pspace machine start zz",
    "pspace machine restart ",
    "pspace machine deactivate ",
    "pspace machine delete ",
    "pspace machine get ",
    "pspace machine get d",
    "pspace machine wait ",
    "pspace machine ssh ",
    "pspace machine events ",
    "pspace machine resize ",
    "pspace machine update ",
]


@pytest.mark.usefixtures("warm")
@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("line", ANSWERED)
def test_answered_from_the_cache_as_the_app_answers(line: str, shell: str) -> None:
    answer = fast_path(line, shell)
    assert answer is not None
    assert answer == full_path(line, shell)


@pytest.mark.usefixtures("warm")
def test_the_answer_is_the_matching_values() -> None:
    assert fast_path("pspace machine stop ps") == ("psweb001\npsdb0002\n", 0)
    assert fast_path("pspace machine stop zz") == ("\n", 0)
    assert fast_path("pspace machine stop zz", "zsh") == ("_files\n", 0)
    assert fast_path("pspace machine stop zz", "fish is-args") == ("", 1)
    assert fast_path("pspace machine stop d", "fish get-args") == ("db\tpsdb0002 (off, CA1)\n", 0)


@pytest.mark.usefixtures("warm")
@pytest.mark.parametrize(
    "line",
    [
        "pspace --sandbox machine stop ",  # a root option may change the API or the key
        "pspace -p work machine stop ",
        "pspace machine stop --wait ",
        "pspace machine stop -",
        "pspace machine get web-1 ",  # one machine only: nothing more to complete
        "pspace machine list ",
        "pspace machine create ",
        "pspace machines stop ",  # an alias, a typo: the app says
        "pspace snapshot get ",
        "pspace machine ",
        "pspace ",
        "pspace machine stop 'web",
    ],
)
@pytest.mark.parametrize("shell", SHELLS)
def test_any_other_line_goes_to_the_app(line: str, shell: str) -> None:
    assert fast_path(line, shell) is None


def test_a_description_rich_would_change_goes_to_the_app(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = [("web[1]", "psodd001 (ready, NY2)"), ("psodd001", "web[1] (ready, NY2)")]
    completion.write_cache(warm / "machines.json", completion.scope_for(URL, KEY), odd)
    assert fast_path("pspace machine stop ", "zsh") is None
    assert fast_path("pspace machine stop ", "fish get-args") is None
    assert fast_path("pspace machine stop ") == ("web[1]\npsodd001\n", 0)  # bash shows no text
    monkeypatch.setenv("COLUMNS", "20")
    completion.write_cache(warm / "machines.json", completion.scope_for(URL, KEY), MACHINES)
    assert fast_path("pspace machine stop ", "zsh") is None


@given(st.from_regex(completion_fast._PLAIN_TEXT, fullmatch=True))
def test_what_it_writes_itself_rich_leaves_as_it_is(text: str) -> None:
    # Imported at the top: importing it inside the first example (rich comes with it) took
    # 640 ms under -n 8, past hypothesis's 200 ms deadline for an example.
    assert _sanitize_help_text(text) == text


def test_a_stale_cache_goes_to_the_app(warm: Path) -> None:
    path = warm / "machines.json"
    data = json.loads(path.read_text())
    data["written"] -= completion.CACHE_TTL_SECONDS + 1
    path.write_text(json.dumps(data))
    assert fast_path("pspace machine stop ") is None


def test_another_keys_cache_goes_to_the_app(warm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", "another-key")
    assert fast_path("pspace machine stop ") is None


def test_no_cache_no_key_or_another_shell_goes_to_the_app(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {**os.environ, **shell_env("pspace machine stop ")}
    assert completion_fast.answer({**environ, "_PSPACE_COMPLETE": "complete_powershell"}) is None
    monkeypatch.delenv("PAPERSPACE_API_KEY")
    assert fast_path("pspace machine stop ") is None
    monkeypatch.setenv("PAPERSPACE_API_KEY", KEY)
    (warm / "machines.json").unlink()
    assert fast_path("pspace machine stop ") is None


def test_the_commands_it_answers_for_are_those_with_a_machine_argument() -> None:
    import typer

    from pspace_py.cli.machine._app import COMMANDS

    group = typer.main.get_command(app).get_command(None, "machine")  # type: ignore[attr-defined]
    found = {}
    for name in COMMANDS:
        command = group.get_command(None, name)
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        if [str(p.metavar).strip("[].") for p in arguments] == ["MACHINE"]:
            found[name] = arguments[0].nargs == -1
    assert found == completion_fast.MACHINE_ARGUMENT


@pytest.mark.parametrize("shell", ["bash", "fish is-args"])
def test_a_warm_tab_press_loads_neither_typer_nor_httpx(warm: Path, shell: str) -> None:
    child = (
        "import sys\n"
        "from pspace_py.cli.entry import run\n"
        "try:\n"
        "    run()\n"
        "finally:\n"
        "    loaded = [m for m in ('typer', 'httpx', 'rich', 'pspace_py.cli.main')\n"
        "              if m in sys.modules]\n"
        "    sys.stderr.write(repr(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child],
        env={**os.environ, **shell_env("pspace machine stop ", shell)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.stdout, done.returncode) == (
        ("web-1\npsweb001\ndb\npsdb0002\n", 0) if shell == "bash" else ("", 0)
    )
    assert done.stderr == "[]"
