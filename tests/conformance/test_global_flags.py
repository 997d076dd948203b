"""The official CLI's global flags, after the command path (where the official CLI takes them),
on every command of the machine groups: `--json/-j`, `--log-level/-l`, `--api-key`,
`--api-url`, `--help/-h` (data/official_cli.json, "global").

Each is shown to act: JSON on stdout, a debug trace on stderr, the key and URL used instead of
the environment's, the help instead of a request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.conformance.conftest import Pspace
from tests.conformance.lines import line, the_request
from tests.conformance.official import Command, commands, global_flags
from tests.conformance.world import SANDBOX_KEY, Api, World
from tests.run import Run

OTHER_URL = "http://127.0.0.2:9/v1"  # also the in-process sandbox (its transport answers)


def is_json(stdout: str) -> bool:
    try:
        json.loads(stdout)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Spelling:
    tokens: tuple[str, ...]
    env: dict[str, str]  # what the environment says instead
    check: Callable[[Run, list[dict[str, object]]], None]
    sends: bool = True  # False: nothing reaches the API (help)


def _json(run: Run, logged: list[dict[str, object]]) -> None:
    assert is_json(run.stdout), run.stdout


def _not_json(run: Run, logged: list[dict[str, object]]) -> None:
    assert not run.stdout or not is_json(run.stdout), run.stdout


def _debug(run: Run, logged: list[dict[str, object]]) -> None:
    assert "/v1/" in run.stderr, run.stderr  # each request is traced


def _quiet_log(run: Run, logged: list[dict[str, object]]) -> None:
    assert "/v1/" not in run.stderr, run.stderr


def _key_used(run: Run, logged: list[dict[str, object]]) -> None:
    assert all(entry["team"] == "sandbox" for entry in logged), logged


def _url_used(run: Run, logged: list[dict[str, object]]) -> None:
    hosts = {entry["headers"]["host"] for entry in logged}  # type: ignore[index]
    assert hosts == {"127.0.0.2:9"}, hosts


def _help(run: Run, logged: list[dict[str, object]]) -> None:
    assert run.stdout.startswith("Usage: pspace "), run.stdout
    assert logged == []


WRONG_KEY = {"PAPERSPACE_API_KEY": "not-a-key-of-this-sandbox"}
SPELLINGS = {
    "--json": Spelling(("--json",), {}, _json),
    "-j": Spelling(("-j",), {}, _json),
    "--json=true": Spelling(("--json=true",), {}, _json),
    "-j=false": Spelling(("-j=false",), {}, _not_json),
    "-l debug": Spelling(("-l", "debug"), {}, _debug),
    "--log-level=error": Spelling(("--log-level=error",), {}, _quiet_log),
    "--api-key KEY": Spelling(("--api-key", SANDBOX_KEY), WRONG_KEY, _key_used),
    "--api-url=URL": Spelling((f"--api-url={OTHER_URL}",), {}, _url_used),
    "-h": Spelling(("-h",), {}, _help, sends=False),
    "--help": Spelling(("--help",), {}, _help, sends=False),
}
CASES = [(command, name) for command in commands().values() for name in SPELLINGS]


def test_the_spellings_cover_every_official_global_flag() -> None:
    spelled = {spelling.tokens[0].split("=")[0] for spelling in SPELLINGS.values()}
    official = {f.long for f in global_flags()} | {f.short for f in global_flags() if f.short}
    assert spelled == official
    assert {"debug", "error"} <= set(next(f for f in global_flags() if f.short == "-l").enum)


@pytest.mark.parametrize(
    ("command", "name"), CASES, ids=[f"{command.name}: {name}" for command, name in CASES]
)
def test_official_global_flag_after_the_command(
    command: Command, name: str, pspace: Pspace, api: Api, world: World
) -> None:
    spelling = SPELLINGS[name]
    typed = line(command, world, spelling.tokens)

    run = pspace(*typed, env=spelling.env)

    assert run.exit_code == 0, f"pspace {' '.join(typed)}\n{run.describe()}"
    logged = [entry for entry in api.requests() if str(entry["path"]).startswith("/v1/")]
    if spelling.sends:
        the_request(api, command, world)
    spelling.check(run, logged)


def test_log_level_takes_every_official_level(pspace: Pspace, api: Api, world: World) -> None:
    (level_flag,) = [f for f in global_flags() if f.long == "--log-level"]
    for level in level_flag.enum:
        run = pspace("machine", "list", "--log-level", level, "-j")
        assert run.exit_code == 0, run.describe()
        assert is_json(run.stdout)
