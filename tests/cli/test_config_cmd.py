"""`pspace config list/get/set/unset/use/path` through the real command line."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from pspace_py.config import load_config

KEY = "alice-key"
OTHER_KEY = "Zq9xOpaque0Key77abcdef"


@pytest.fixture
def sandbox() -> Any:
    from pspace_py.sandbox import create_app

    return create_app(instant=True, seed=1, api_keys=[KEY, OTHER_KEY])


def assert_no_key(run: Any) -> None:
    for key in (KEY, OTHER_KEY):
        assert key not in run.stdout
        assert key not in run.stderr


@pytest.fixture
def two_profiles(pspace: Any) -> None:
    assert pspace("login", "--api-key", KEY).exit_code == 0
    assert pspace("login", "--profile", "other", "--api-key", OTHER_KEY).exit_code == 0


# -- list --------------------------------------------------------------------


@pytest.mark.usefixtures("two_profiles")
def test_list_shows_profiles_and_never_the_key(pspace: Any) -> None:
    run = pspace("config", "list")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split()[:3] == ["PROFILE", "DEFAULT", "TEAM"]
    default_row = next(line for line in lines if line.startswith("default"))
    assert "*" in default_row
    assert "alice" in default_row
    assert "(set)" in default_row
    assert "sandbox" in default_row
    assert any(line.startswith("other") for line in lines)
    assert_no_key(run)


@pytest.mark.usefixtures("two_profiles")
def test_list_json(pspace: Any) -> None:
    run = pspace("config", "list", "--json")
    assert run.exit_code == 0, run.stderr
    rows = {row["profile"]: row for row in run.json()}
    assert rows["default"] == {
        "profile": "default",
        "default": True,
        "api_key": "(set)",
        "team": "alice",
        "api_url": "sandbox",
    }
    assert rows["other"]["default"] is False
    assert_no_key(run)


@pytest.mark.usefixtures("two_profiles")
def test_list_one_profile(pspace: Any) -> None:
    run = pspace("config", "list", "--profile", "other", "--json")
    assert run.exit_code == 0
    assert [row["profile"] for row in run.json()] == ["other"]
    missing = pspace("config", "list", "--profile", "nope")
    assert missing.exit_code == 4
    assert "default, other" in missing.stderr


def test_list_with_nothing_stored(pspace: Any, config_file: Path) -> None:
    run = pspace("config", "list")
    assert run.exit_code == 0
    assert run.stdout == ""
    assert "pspace login" in run.stderr
    assert pspace("config", "list", "--json").json() == []
    assert not config_file.exists()


def test_list_shows_only_known_settings(pspace: Any, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[profiles.default]\nteam = "t"\nsecret_note = "hunter2-xyz"\n')
    config_file.chmod(0o600)
    run = pspace("config", "list", "--json")
    assert run.exit_code == 0
    assert "hunter2-xyz" not in run.stdout


# -- get / set / unset -------------------------------------------------------


def test_set_get_unset_round_trip(pspace: Any, config_file: Path) -> None:
    run = pspace("config", "set", "retries", "5")
    assert run.exit_code == 0, run.stderr
    assert "retries = 5" in run.stderr
    assert load_config(config_file).profiles["default"] == {"retries": 5}

    got = pspace("config", "get", "retries")
    assert (got.exit_code, got.stdout) == (0, "5\n")

    assert pspace("config", "set", "http_timeout", "12.5").exit_code == 0
    assert pspace("config", "get", "http_timeout").stdout == "12.5\n"

    run = pspace("config", "unset", "retries")
    assert run.exit_code == 0
    assert load_config(config_file).profiles["default"] == {"http_timeout": 12.5}

    got = pspace("config", "get", "retries")
    assert got.exit_code == 4
    assert "not set" in got.stderr


def test_unset_of_the_last_setting_removes_the_profile(pspace: Any, config_file: Path) -> None:
    assert pspace("config", "set", "team", "t0abc").exit_code == 0
    assert pspace("config", "unset", "team").exit_code == 0
    assert load_config(config_file).profiles == {}


def test_unset_of_a_missing_setting_is_fine(pspace: Any, config_file: Path) -> None:
    run = pspace("config", "unset", "retries")
    assert run.exit_code == 0
    assert "nothing changed" in run.stderr
    assert not config_file.exists()


def test_delete_is_the_official_name_for_unset(pspace: Any, config_file: Path) -> None:
    assert pspace("config", "set", "retries", "2").exit_code == 0
    assert pspace("config", "delete", "retries").exit_code == 0
    assert load_config(config_file).profiles == {}


def test_set_on_another_profile_with_profile_after_the_command(
    pspace: Any, config_file: Path
) -> None:
    run = pspace("config", "set", "retries", "1", "--profile", "work")
    assert run.exit_code == 0, run.stderr
    assert "profile 'work'" in run.stderr
    assert load_config(config_file).profiles == {"work": {"retries": 1}}
    assert pspace("config", "get", "retries", "--profile", "work").stdout == "1\n"
    assert pspace("config", "get", "retries").exit_code == 4


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("retries", "lots"),
        ("retries", "11"),
        ("http_timeout", "0"),
        ("api_url", "http://api.example.com/v1"),
        ("api_url", "not a url"),
        ("colour", "blue"),
    ],
)
def test_set_refuses_bad_values(pspace: Any, config_file: Path, name: str, value: str) -> None:
    run = pspace("config", "set", name, value)
    assert run.exit_code == 2
    assert not config_file.exists()


@pytest.mark.parametrize(
    "value", ["sandbox", "https://api.example.com/v1", "http://localhost:9/v1"]
)
def test_set_accepts_api_urls(pspace: Any, config_file: Path, value: str) -> None:
    assert pspace("config", "set", "api_url", value).exit_code == 0
    assert load_config(config_file).profiles["default"]["api_url"] == value


def test_set_api_key_is_refused_and_nothing_is_shown(pspace: Any, config_file: Path) -> None:
    run = pspace("config", "set", "api_key", KEY)
    assert run.exit_code == 2
    assert "pspace login" in run.stderr
    assert "--with-key-stdin" in run.stderr
    assert_no_key(run)
    assert not config_file.exists()


@pytest.mark.usefixtures("two_profiles")
def test_get_api_key_is_refused(pspace: Any) -> None:
    run = pspace("config", "get", "api_key")
    assert run.exit_code == 2
    assert "never printed" in run.stderr
    assert_no_key(run)


@pytest.mark.usefixtures("two_profiles")
def test_unset_api_key_removes_only_the_key(pspace: Any, config_file: Path) -> None:
    run = pspace("config", "unset", "api_key")
    assert run.exit_code == 0
    assert "stored API key" in run.stderr
    assert "api_key" not in load_config(config_file).profiles["default"]
    assert KEY not in config_file.read_text()
    assert_no_key(run)


def test_set_warns_when_an_env_var_wins(pspace: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_RETRIES", "1")
    run = pspace("config", "set", "retries", "4")
    assert run.exit_code == 0
    assert "PSPACE_RETRIES is set" in run.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_config_set_writes_0600_in_0700(pspace: Any, config_file: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        assert pspace("config", "set", "team", "t0abc").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_file.parent.stat().st_mode) == 0o700


# -- use / path --------------------------------------------------------------


@pytest.mark.usefixtures("two_profiles")
def test_use_changes_the_default_profile(pspace: Any, config_file: Path) -> None:
    run = pspace("config", "use", "other")
    assert run.exit_code == 0, run.stderr
    assert "'other'" in run.stderr
    assert load_config(config_file).default_profile == "other"
    whoami = pspace("whoami", "--json")
    assert whoami.json()["profile"] == "other"
    assert whoami.json()["team"].startswith("team-")


@pytest.mark.usefixtures("two_profiles")
def test_use_of_a_missing_profile_fails(pspace: Any, config_file: Path) -> None:
    before = config_file.read_bytes()
    run = pspace("config", "use", "nope")
    assert run.exit_code == 4
    assert "pspace login --profile nope" in run.stderr
    assert config_file.read_bytes() == before


@pytest.mark.usefixtures("two_profiles")
def test_use_warns_when_pspace_profile_wins(pspace: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_PROFILE", "default")
    run = pspace("config", "use", "other")
    assert run.exit_code == 0
    assert "PSPACE_PROFILE" in run.stderr


def test_path_prints_the_config_path_without_reading_it(pspace: Any, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("broken = [\n")
    run = pspace("config", "path")
    assert run.exit_code == 0
    assert run.stdout == f"{config_file}\n"


# -- file safety through the CLI ---------------------------------------------


def test_a_corrupt_file_is_reported_with_line_and_kept(pspace: Any, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[profiles.default]\nteam = "x"\nretries = = 3\n')
    before = config_file.read_bytes()
    for args in (("config", "list"), ("config", "set", "retries", "2"), ("logout",)):
        run = pspace(*args)
        assert run.exit_code == 2, args
        assert str(config_file) in run.stderr
        assert "line 3" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
    assert config_file.read_bytes() == before


def test_a_bad_stored_value_is_reported_and_fixable(pspace: Any, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[profiles.default]\nretries = "many"\n')
    config_file.chmod(0o600)
    run = pspace("whoami")
    assert run.exit_code == 2
    assert "'retries'" in run.stderr
    assert "pspace config set retries" in run.stderr
    assert pspace("config", "set", "retries", "2").exit_code == 0
    assert pspace("whoami").exit_code == 0


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.usefixtures("two_profiles")
def test_a_loose_file_is_tightened_with_one_warning(pspace: Any, config_file: Path) -> None:
    config_file.chmod(0o644)
    run = pspace("config", "list")
    assert run.exit_code == 0
    assert run.stderr.count("Warning:") == 1
    assert str(config_file) in run.stderr
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert "Warning:" not in pspace("config", "list").stderr
    assert_no_key(run)
