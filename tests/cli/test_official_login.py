"""A user logged in only with the official CLI runs pspace with no `pspace login` (issue 12, 5).

The files under tests/fixtures/official-cli were written by the official CLI itself (see the
README there). pspace-py reads them when it has no key of its own, and never writes, creates
or chmods anything under ~/.paperspace.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official-cli"
LOOPBACK_URL = "http://127.0.0.1:8080/v1"
ALICE_KEY = "alice-key-123"  # team-5d684145 in the sandbox, as the official CLI stored it


@pytest.fixture
def sandbox() -> Any:
    """This module's sandbox also accepts the second key the official CLI logged in with."""
    from pspace_py.sandbox import create_app

    return create_app(instant=True, seed=1, api_keys=[ALICE_KEY])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's home; pspace talks to a "real" API (the sandbox on loopback), not --sandbox.

    The loopback URL stands in for the default API itself: the official CLI's key belongs to
    the real API, and pspace sends it to no other (tests/reliability/test_key_scope.py).
    """
    from pspace_py import settings

    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    monkeypatch.delenv("PSPACE_SANDBOX", raising=False)
    monkeypatch.setattr(settings, "DEFAULT_API_URL", LOOPBACK_URL)
    return path


def official_login(home: Path, *cases: str) -> Path:
    """Put the official CLI's files of ``cases`` in ~/.paperspace; returns that directory."""
    directory = home / ".paperspace"
    directory.mkdir(exist_ok=True)
    for case in cases:
        for source in (FIXTURES / case).iterdir():
            shutil.copy(source, directory / source.name)
    return directory


def whoami(pspace: Invoke, *args: str) -> dict[str, Any]:
    run = pspace("whoami", "--json", *args)
    assert run.exit_code == 0, run.stderr
    identity: dict[str, Any] = run.json()
    return identity


def test_the_official_clis_login_is_enough(pspace: Invoke, home: Path) -> None:
    directory = official_login(home, "logged-in")
    listed = pspace("machine", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json()["items"] == []
    identity = whoami(pspace)
    assert identity["team"] == "sandbox"
    assert identity["keySource"] == f"{directory / 'credentials.toml'} (team sandbox)"
    assert "sandbox-key" not in listed.stderr + str(identity)


def test_the_official_current_team_chooses_the_key(pspace: Invoke, home: Path) -> None:
    official_login(home, "two-teams-other-current")
    assert whoami(pspace)["team"] == "team-5d684145"


def test_whoami_says_which_file_in_a_table_too(pspace: Invoke, home: Path) -> None:
    directory = official_login(home, "logged-in")
    run = pspace("whoami")
    assert run.exit_code == 0, run.stderr
    [line] = [line for line in run.stdout.splitlines() if line.startswith("KEY FROM")]
    assert line.endswith(f"{directory / 'credentials.toml'} (team sandbox)")


def test_logged_out_of_the_official_cli_is_not_logged_in(pspace: Invoke, home: Path) -> None:
    official_login(home, "logged-out")
    run = pspace("machine", "list")
    assert run.exit_code == 3
    assert run.stderr.startswith("Error: Not logged in.")


def test_the_legacy_config_json_is_used_last(pspace: Invoke, home: Path) -> None:
    directory = official_login(home, "legacy")
    assert whoami(pspace)["keySource"] == str(directory / "config.json")
    official_login(home, "two-teams-other-current")
    assert whoami(pspace)["team"] == "team-5d684145"  # credentials.toml before config.json


def test_pspaces_own_key_comes_first(pspace: Invoke, home: Path) -> None:
    official_login(home, "two-teams-other-current")
    assert pspace("--api-url", LOOPBACK_URL, "login", "--api-key", "sandbox-key").exit_code == 0
    assert whoami(pspace)["keySource"] == "profile 'default'"
    assert whoami(pspace)["team"] == "sandbox"
    assert whoami(pspace, "--api-key", ALICE_KEY)["keySource"] == "--api-key"


def test_pspaces_own_key_needs_no_official_file_to_be_readable(
    pspace: Invoke, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = official_login(home, "logged-in")
    (directory / "credentials.toml").write_text("[keys\n")
    monkeypatch.setenv("PAPERSPACE_API_KEY", "sandbox-key")
    assert whoami(pspace)["keySource"] == "PAPERSPACE_API_KEY"


@pytest.mark.parametrize("how", ["--api-url", "PAPERSPACE_API_URL"])
def test_the_official_key_never_goes_to_another_api_url(
    pspace: Invoke, home: Path, how: str
) -> None:
    directory = official_login(home, "logged-in")
    other = "http://127.0.0.1:9999/v1"  # a served sandbox, say
    args = ("--api-url", other) if how == "--api-url" else ()
    run = pspace(*args, "machine", "list", env={"PAPERSPACE_API_URL": other})
    assert run.exit_code == 3, run.stderr
    assert f"Not logged in to {other}" in run.stderr
    assert f"{directory / 'credentials.toml'} (team sandbox) has a key for" in run.stderr


def test_the_official_key_never_goes_to_the_built_in_sandbox(pspace: Invoke, home: Path) -> None:
    official_login(home, "two-teams-other-current")
    identity = whoami(pspace, "--sandbox")
    assert identity["keySource"] == "sandbox default"
    assert identity["team"] == "sandbox"


@pytest.mark.parametrize(
    ("name", "text", "what"),
    [
        ("credentials.toml", "[keys\nsandbox = 1\n", "not valid TOML"),
        ("credentials.toml", 'version = 1\nkeys = "sandbox-key"\n', "[keys]"),
        ("config.toml", "team = [1]\n", "team"),
        ("config.json", "{apiKey: sandbox-key}", "not valid JSON"),
        ("config.json", '{"apiKey": 12}', "apiKey"),
    ],
)
def test_an_official_file_that_cannot_be_read_is_one_error_line(
    pspace: Invoke, home: Path, name: str, text: str, what: str
) -> None:
    directory = official_login(home, "logged-in" if name != "config.json" else "legacy")
    (directory / name).write_text(text)
    run = pspace("machine", "list")
    assert run.exit_code == 2  # a config file pspace cannot use, as its own (README)
    [line] = run.stderr.strip().splitlines()
    assert line.startswith(f"Error: {directory / name}")
    assert what in line
    assert "Traceback" not in run.stderr


def snapshot(directory: Path) -> dict[str, tuple[int, bytes, int]]:
    return {
        path.name: (stat.S_IMODE(path.stat().st_mode), path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.iterdir())
    }


@pytest.mark.parametrize(
    "command",
    [
        ["machine", "list"],
        ["whoami"],
        ["--api-url", LOOPBACK_URL, "login", "--api-key", "sandbox-key"],
        ["logout"],
        ["logout", "--all"],
        ["config", "set", "retries", "2"],
        ["config", "list"],
    ],
    ids=" ".join,
)
def test_pspace_never_changes_the_official_files(
    pspace: Invoke, home: Path, command: list[str]
) -> None:
    directory = official_login(home, "logged-in", "legacy")
    if os.name == "posix":  # looser than pspace's own file: it must stay so
        for path in directory.iterdir():
            path.chmod(0o644)
    before = snapshot(directory)
    run = pspace(*command)
    assert run.exit_code == 0, run.stderr
    assert snapshot(directory) == before
    assert "sandbox-key" not in run.stdout + run.stderr


def test_no_paperspace_directory_is_created(pspace: Invoke, home: Path) -> None:
    assert pspace("machine", "list").exit_code == 3
    assert pspace("--api-url", LOOPBACK_URL, "login", "--api-key", "sandbox-key").exit_code == 0
    assert pspace("machine", "list").exit_code == 0
    assert not (home / ".paperspace").exists()


def test_logout_says_the_official_login_is_still_used(pspace: Invoke, home: Path) -> None:
    directory = official_login(home, "logged-in")
    assert pspace("--api-url", LOOPBACK_URL, "login", "--api-key", ALICE_KEY).exit_code == 0
    run = pspace("logout")
    assert run.exit_code == 0, run.stderr
    assert str(directory / "credentials.toml") in run.stderr
    assert whoami(pspace)["team"] == "sandbox"
