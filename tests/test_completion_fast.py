"""A bash Tab press on a machine argument is answered from a warm cache without building the
command tree (issue 17): the same lines as the full path, or no answer and the full path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pspace_py import completion
from pspace_py.cli.main import app

URL = "http://127.0.0.1:9/v1"  # a closed loopback port: any refresh fails at once
KEY = "some-key"
MACHINES = [
    ("web-1", "psweb001 (ready, NY2)"),
    ("psweb001", "web-1 (ready, NY2)"),
    ("db", "psdb0002 (off, CA1)"),
    ("psdb0002", "db (off, CA1)"),
]


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache written a moment ago for this API and key."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("PSPACE_CACHE_DIR", str(cache))
    monkeypatch.setenv("PAPERSPACE_API_URL", URL)
    monkeypatch.setenv("PAPERSPACE_API_KEY", KEY)
    completion.write_cache(cache / "machines.json", completion.scope_for(URL, KEY), MACHINES)
    return cache


def bash_env(line: str) -> dict[str, str]:
    """What completions/pspace.bash sets for ``line`` (as bash splits it) before Tab."""
    words = line.split() + ([""] if line.endswith(" ") else [])
    return {
        "_PSPACE_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(words),
        "COMP_CWORD": str(len(words) - 1),
    }


def full_path(line: str) -> str:
    """The answer of the whole app: the command tree built, the argument's completer run."""
    result = CliRunner().invoke(app, [], env=bash_env(line), prog_name="pspace")
    assert result.exit_code == 0, result.output
    return result.stdout


def fast_path(line: str) -> str | None:
    return completion.bash_from_cache({**os.environ, **bash_env(line)})


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
@pytest.mark.parametrize("line", ANSWERED)
def test_answered_from_the_cache_as_the_full_path_answers(line: str) -> None:
    answer = fast_path(line)
    assert answer is not None
    assert answer == full_path(line)


@pytest.mark.usefixtures("warm")
def test_the_answer_is_the_matching_values() -> None:
    assert fast_path("pspace machine stop ps") == "psweb001\npsdb0002\n"
    assert fast_path("pspace machine stop zz") == "\n"


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
        "pspace machines stop ",  # an alias, a typo: the full path says
        "pspace snapshot get ",
        "pspace machine ",
        "pspace ",
        "pspace machine stop 'web",
    ],
)
def test_any_other_line_goes_the_full_path(line: str) -> None:
    assert fast_path(line) is None


def test_a_stale_cache_goes_the_full_path(warm: Path) -> None:
    path = warm / "machines.json"
    data = json.loads(path.read_text())
    data["written"] -= completion.CACHE_TTL_SECONDS + 1
    path.write_text(json.dumps(data))
    assert fast_path("pspace machine stop ") is None


def test_another_keys_cache_goes_the_full_path(warm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", "another-key")
    assert fast_path("pspace machine stop ") is None


def test_no_cache_no_key_or_another_shell_goes_the_full_path(
    warm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {**os.environ, **bash_env("pspace machine stop ")}
    assert completion.bash_from_cache({**environ, "_PSPACE_COMPLETE": "complete_zsh"}) is None
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
    assert found == completion.MACHINE_ARGUMENT


def test_a_warm_tab_press_loads_neither_typer_nor_httpx(warm: Path) -> None:
    child = (
        "import sys\n"
        "from pspace_py.cli.entry import run\n"
        "run()\n"
        "loaded = [m for m in ('typer', 'httpx', 'pspace_py.cli.main') if m in sys.modules]\n"
        "sys.stderr.write(repr(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child],
        env={**os.environ, **bash_env("pspace machine stop ")},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "web-1\npsweb001\ndb\npsdb0002\n"
    assert done.stderr == "[]"
