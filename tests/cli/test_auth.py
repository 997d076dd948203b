"""`pspace login`, `logout` and `whoami` against the sandbox (MockTransport only for a null
session, a 403 and a server failure, which the sandbox does not produce on /auth/session)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from pspace_py.config import load_config
from pspace_py.toml_reader import tomllib as toml_module

tomllib = toml_module()

ALICE_KEY = "alice-key"
OPAQUE_KEY = "Zq9xOpaque0Key77abcdef"
UNKNOWN_KEY = "k-unknown-9f8e7d6c5b"
ALL_KEYS = (ALICE_KEY, OPAQUE_KEY, UNKNOWN_KEY)
API_KEYS_PAGE = "https://console.paperspace.com/settings/apikeys"
LOOPBACK_URL = "http://127.0.0.1:8080/v1"


@pytest.fixture
def sandbox() -> Any:
    """This module's sandbox also accepts alice-key (team alice) and an opaque key."""
    from pspace_py.sandbox import create_app

    return create_app(instant=True, seed=1, api_keys=[ALICE_KEY, OPAQUE_KEY])


def assert_no_key(run: Any, *keys: str) -> None:
    for key in keys or ALL_KEYS:
        assert key not in run.stdout, f"key leaked to stdout: {run.stdout!r}"
        assert key not in run.stderr, f"key leaked to stderr: {run.stderr!r}"


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def no_sandbox_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `pspace` fixture sets PSPACE_SANDBOX=1; some tests need a "real" API URL."""
    monkeypatch.delenv("PSPACE_SANDBOX", raising=False)


# -- login -------------------------------------------------------------------


def test_login_with_api_key_stores_key_team_and_sandbox_url(pspace: Any, config_file: Path) -> None:
    run = pspace("login", "--api-key", ALICE_KEY)

    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert 'Logged in to team "alice" as alice@sandbox.pspace.invalid (profile "default").' in (
        run.stderr
    )
    assert_no_key(run)
    data = read_toml(config_file)
    assert data["default_profile"] == "default"
    assert data["profiles"]["default"] == {
        "api_key": ALICE_KEY,
        "team": "alice",
        "api_url": "sandbox",
    }
    if os.name == "posix":
        assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(config_file.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "args",
    [
        ("--api-key", OPAQUE_KEY, "login"),
        ("login", f"--api-key={OPAQUE_KEY}"),
        ("login", OPAQUE_KEY),
    ],
    ids=["root-option", "after-subcommand", "positional"],
)
def test_login_takes_the_key_anywhere_on_the_line(
    pspace: Any, config_file: Path, args: tuple[str, ...]
) -> None:
    run = pspace(*args)
    assert run.exit_code == 0, run.stderr
    assert_no_key(run)
    assert load_config(config_file).profiles["default"]["api_key"] == OPAQUE_KEY


def test_login_with_key_on_stdin_strips_whitespace(pspace: Any, config_file: Path) -> None:
    run = pspace("login", "--with-key-stdin", input=f"  {ALICE_KEY}\n\n")
    assert run.exit_code == 0, run.stderr
    assert_no_key(run)
    assert load_config(config_file).profiles["default"]["api_key"] == ALICE_KEY


def test_login_with_empty_stdin_is_a_usage_error(pspace: Any, config_file: Path) -> None:
    run = pspace("login", "--with-key-stdin", input="\n")
    assert run.exit_code == 2
    assert "No API key on stdin" in run.stderr
    assert not config_file.exists()


def test_login_refuses_a_key_with_spaces_without_showing_it(pspace: Any, config_file: Path) -> None:
    bad = "k-two words-123456"
    run = pspace("login", "--with-key-stdin", input=bad)
    assert run.exit_code == 2
    assert bad not in run.stdout + run.stderr
    assert not config_file.exists()


def test_login_refuses_stdin_and_a_key_together(pspace: Any, config_file: Path) -> None:
    run = pspace("login", "--api-key", ALICE_KEY, "--with-key-stdin", input=OPAQUE_KEY)
    assert run.exit_code == 2
    assert_no_key(run)
    assert not config_file.exists()


# CliRunner's stdin is no terminal, so getpass reads it with echo (and says so).
@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_login_prompts_on_a_terminal_without_echo(
    pspace: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sandbox_env(monkeypatch)
    monkeypatch.setattr("pspace_py.cli.prompts.can_prompt", lambda: True)

    run = pspace("--api-url", LOOPBACK_URL, "login", input=f"{ALICE_KEY}\n")

    assert run.exit_code == 0, run.stderr
    assert API_KEYS_PAGE in run.stderr
    assert "API key" in run.stderr
    assert_no_key(run)
    stored = load_config(config_file).profiles["default"]
    assert stored == {"api_key": ALICE_KEY, "team": "alice", "api_url": LOOPBACK_URL}


# CliRunner's stdin is no terminal, so getpass reads it with echo (and says so).
@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_login_with_an_empty_prompt_answer_stores_nothing(
    pspace: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sandbox_env(monkeypatch)
    monkeypatch.setattr("pspace_py.cli.prompts.can_prompt", lambda: True)
    run = pspace("--api-url", LOOPBACK_URL, "login", input="\n")
    assert run.exit_code == 2
    assert "nothing was stored" in run.stderr
    assert not config_file.exists()


def test_login_without_key_or_terminal_names_with_key_stdin(
    pspace: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sandbox_env(monkeypatch)
    run = pspace("login")
    assert run.exit_code == 2
    assert "--with-key-stdin" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not config_file.exists()


def test_login_in_the_sandbox_needs_no_key(pspace: Any, config_file: Path) -> None:
    run = pspace("login")
    assert run.exit_code == 0, run.stderr
    assert 'team "sandbox"' in run.stderr
    assert load_config(config_file).profiles["default"]["api_url"] == "sandbox"


def test_a_rejected_key_is_not_stored(pspace: Any, config_file: Path) -> None:
    run = pspace("login", "--api-key", UNKNOWN_KEY)

    assert run.exit_code == 3
    assert "rejected" in run.stderr
    assert "no session" in run.stderr  # the sandbox answers 200 null, as the real API does
    assert API_KEYS_PAGE in run.stderr
    assert_no_key(run)
    assert not config_file.exists()


def test_a_rejected_key_leaves_an_existing_file_byte_identical(
    pspace: Any, config_file: Path
) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    before = config_file.read_bytes()

    run = pspace("login", "--api-key", UNKNOWN_KEY)

    assert run.exit_code == 3
    assert config_file.read_bytes() == before
    assert_no_key(run)


def session_body(namespace: str = "t0fake") -> dict[str, Any]:
    return {
        "team": {"id": "te1", "namespace": namespace, "analyticsId": 1, "isPrivate": False},
        "user": {"id": "u1", "email": "fake@example.com"},
    }


@pytest.mark.parametrize(
    ("status", "body", "detail"),
    [
        (200, None, "no session"),
        (200, {"team": {"id": "te1"}, "user": {}}, "not attached to a team"),
        (403, {"code": "FORBIDDEN", "message": "Nope"}, "HTTP 403"),
    ],
    ids=["null-session", "no-namespace", "forbidden"],
)
def test_sessions_the_sandbox_cannot_produce_are_rejections(
    pspace_with: Any,
    config_file: Path,
    status: int,
    body: Any,
    detail: str,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # json.dumps: a JSON `null` body, which json=None would leave out.
        return httpx.Response(
            status, content=json.dumps(body), headers={"content-type": "application/json"}
        )

    run = pspace_with(handler, "login", "--api-key", OPAQUE_KEY)

    assert run.exit_code == 3
    assert detail in run.stderr
    assert "nothing was stored" in run.stderr
    assert_no_key(run)
    assert not config_file.exists()


def test_login_sends_the_key_as_bearer_to_auth_session(pspace_with: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=session_body())

    run = pspace_with(handler, "login", "--api-key", OPAQUE_KEY)

    assert run.exit_code == 0, run.stderr
    (request,) = pspace_with.requests
    assert request.method == "GET"
    assert str(request.url) == "https://api.paperspace.com/v1/auth/session"
    assert request.headers["authorization"] == f"Bearer {OPAQUE_KEY}"


def test_login_against_the_default_url_stores_no_url(pspace_with: Any, config_file: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=session_body())

    run = pspace_with(handler, "login", "--api-key", OPAQUE_KEY)
    assert run.exit_code == 0
    assert load_config(config_file).profiles["default"] == {
        "api_key": OPAQUE_KEY,
        "team": "t0fake",
    }


def test_an_unreachable_api_stores_nothing(pspace_with: Any, config_file: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"code": "UNAVAILABLE", "message": "Down"})

    run = pspace_with(handler, "--retries", "0", "login", "--api-key", OPAQUE_KEY)
    assert run.exit_code == 6
    assert_no_key(run)
    assert not config_file.exists()


def test_login_json(pspace: Any) -> None:
    run = pspace("login", "--api-key", ALICE_KEY, "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json() == {
        "profile": "default",
        "team": "alice",
        "user": "alice@sandbox.pspace.invalid",
        "apiUrl": "sandbox",
    }
    assert_no_key(run)


def test_first_profile_becomes_the_default(pspace: Any, config_file: Path) -> None:
    run = pspace("login", "--profile", "work", "--api-key", ALICE_KEY)
    assert run.exit_code == 0, run.stderr
    assert '(profile "work")' in run.stderr
    assert load_config(config_file).default_profile == "work"


def test_a_second_profile_does_not_take_over_the_default(pspace: Any, config_file: Path) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    run = pspace("login", "--profile", "other", "--api-key", OPAQUE_KEY)

    assert run.exit_code == 0, run.stderr
    assert "pspace config use other" in run.stderr
    config = load_config(config_file)
    assert config.default_profile == "default"
    assert config.profiles["default"]["api_key"] == ALICE_KEY
    assert config.profiles["other"]["api_key"] == OPAQUE_KEY
    assert_no_key(run)


def test_login_again_replaces_the_key(pspace: Any, config_file: Path) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    assert pspace("login", "--api-key", OPAQUE_KEY).exit_code == 0
    assert load_config(config_file).profiles["default"]["api_key"] == OPAQUE_KEY


def test_pspace_profile_env_chooses_the_profile(
    pspace: Any, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSPACE_PROFILE", "ci")
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    assert set(load_config(config_file).profiles) == {"ci"}


def test_a_bad_profile_name_is_refused(pspace: Any, config_file: Path) -> None:
    run = pspace("login", "--profile", "a/b", "--api-key", ALICE_KEY)
    assert run.exit_code == 2
    assert not config_file.exists()


def test_login_warns_when_the_env_key_will_win(
    pspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", OPAQUE_KEY)
    run = pspace("login", "--api-key", ALICE_KEY)
    assert run.exit_code == 0, run.stderr
    assert "PAPERSPACE_API_KEY is set" in run.stderr
    assert_no_key(run)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_login_writes_0600_in_0700_whatever_the_umask(
    pspace: Any, config_file: Path, umask: int
) -> None:
    old = os.umask(umask)
    try:
        run = pspace("login", "--api-key", ALICE_KEY)
    finally:
        os.umask(old)
    assert run.exit_code == 0, run.stderr
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_file.parent.stat().st_mode) == 0o700


# -- whoami ------------------------------------------------------------------


def test_whoami_from_the_profile(pspace: Any) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    run = pspace("whoami")

    assert run.exit_code == 0, run.stderr
    assert "alice" in run.stdout
    assert "alice@sandbox.pspace.invalid" in run.stdout
    assert "profile 'default'" in run.stdout
    assert "sandbox" in run.stdout
    assert_no_key(run)


def test_whoami_json(pspace: Any) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    run = pspace("whoami", "--json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert data["team"] == "alice"
    assert data["user"] == "alice@sandbox.pspace.invalid"
    assert data["profile"] == "default"
    assert data["apiUrl"] == "sandbox"
    assert data["keySource"] == "profile 'default'"
    assert_no_key(run)


@pytest.mark.parametrize(
    ("args", "env", "source", "team"),
    [
        (("whoami", "--api-key", OPAQUE_KEY), {}, "--api-key", "team-"),
        (("--api-key", OPAQUE_KEY, "whoami"), {}, "--api-key", "team-"),
        (("whoami",), {"PAPERSPACE_API_KEY": ALICE_KEY}, "PAPERSPACE_API_KEY", "alice"),
        (("whoami",), {}, "sandbox default", "sandbox"),
    ],
    ids=["flag-after", "flag-before", "env", "sandbox-default"],
)
def test_whoami_names_where_the_key_came_from(
    pspace: Any,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
    source: str,
    team: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = pspace(*args, "--json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert data["keySource"] == source
    assert data["team"].startswith(team)
    assert_no_key(run)


def test_whoami_with_debug_never_shows_the_key(pspace: Any) -> None:
    run = pspace("--debug", "whoami", "--api-key", OPAQUE_KEY)
    assert run.exit_code == 0, run.stderr
    assert "Bearer ****" in run.stderr
    assert_no_key(run)


def test_whoami_with_a_rejected_key_names_the_source(pspace: Any) -> None:
    run = pspace("whoami", "--api-key", UNKNOWN_KEY)
    assert run.exit_code == 3
    assert "--api-key" in run.stderr
    assert "rejected" in run.stderr
    assert_no_key(run)


def test_whoami_not_logged_in(pspace: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    no_sandbox_env(monkeypatch)
    run = pspace("whoami")
    assert run.exit_code == 3
    assert "pspace login" in run.stderr


def test_a_real_profile_key_is_not_sent_to_the_sandbox(
    pspace_with: Any, pspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sandbox_env(monkeypatch)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=session_body("realteam"))

    assert pspace_with(handler, "login", "--api-key", OPAQUE_KEY).exit_code == 0
    run = pspace("--sandbox", "whoami", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["keySource"] == "sandbox default"
    assert_no_key(run)


# -- logout ------------------------------------------------------------------


def test_logout_removes_the_profile(pspace: Any, config_file: Path) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    run = pspace("logout")

    assert run.exit_code == 0, run.stderr
    assert 'removed profile "default"' in run.stderr
    assert 'team "alice"' in run.stderr
    assert_no_key(run)
    assert load_config(config_file).profiles == {}
    assert ALICE_KEY not in config_file.read_text()


def test_logout_of_a_real_key_says_it_still_works(pspace_with: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=session_body())

    assert pspace_with(handler, "login", "--api-key", OPAQUE_KEY).exit_code == 0
    run = pspace_with(handler, "logout")
    assert run.exit_code == 0
    assert API_KEYS_PAGE in run.stderr
    assert_no_key(run)


def test_logout_one_profile_keeps_the_others(pspace: Any, config_file: Path) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    assert pspace("login", "--profile", "other", "--api-key", OPAQUE_KEY).exit_code == 0

    run = pspace("logout", "--profile", "other")

    assert run.exit_code == 0, run.stderr
    config = load_config(config_file)
    assert set(config.profiles) == {"default"}
    assert OPAQUE_KEY not in config_file.read_text()


def test_logout_of_the_default_lists_the_other_profiles(pspace: Any) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    assert pspace("login", "--profile", "other", "--api-key", OPAQUE_KEY).exit_code == 0
    run = pspace("logout")
    assert run.exit_code == 0
    assert "Other profiles: other" in run.stderr


def test_logout_all(pspace: Any, config_file: Path) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    assert pspace("login", "--profile", "other", "--api-key", OPAQUE_KEY).exit_code == 0

    run = pspace("logout", "--all")

    assert run.exit_code == 0, run.stderr
    assert "2 profiles" in run.stderr
    config = load_config(config_file)
    assert config.profiles == {}
    assert config.default_profile == "default"
    text = config_file.read_text()
    assert ALICE_KEY not in text
    assert OPAQUE_KEY not in text


def test_logout_when_not_logged_in(pspace: Any, config_file: Path) -> None:
    run = pspace("logout")
    assert run.exit_code == 0
    assert "Not logged in" in run.stderr
    assert not config_file.parent.exists()
    run = pspace("logout", "--all")
    assert run.exit_code == 0
    assert "Not logged in" in run.stderr


def test_logout_all_with_profile_is_a_usage_error(pspace: Any) -> None:
    assert pspace("logout", "--all", "--profile", "x").exit_code == 2


def test_logout_mentions_a_key_still_in_the_environment(
    pspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", OPAQUE_KEY)
    run = pspace("logout")
    assert run.exit_code == 0
    assert "PAPERSPACE_API_KEY is still set" in run.stderr
    assert_no_key(run)


# -- help and broken configs -------------------------------------------------

COMMANDS = [
    ("login",),
    ("logout",),
    ("whoami",),
    ("config",),
    ("config", "list"),
    ("config", "get"),
    ("config", "set"),
    ("config", "unset"),
    ("config", "use"),
    ("config", "path"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_works_without_a_config(pspace: Any, config_file: Path, command: tuple[str]) -> None:
    run = pspace(*command, "--help")
    assert run.exit_code == 0, run.stderr
    assert "Usage:" in run.stdout
    assert not config_file.parent.exists()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_works_with_a_corrupt_config(
    pspace: Any, config_file: Path, command: tuple[str]
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("not = [valid\n")
    run = pspace(*command, "--help")
    assert run.exit_code == 0, run.stderr


def test_a_corrupt_config_stops_login_with_file_and_line(pspace: Any, config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('default_profile = "default"\n[profiles.default]\napi_key = \n')
    before = config_file.read_bytes()

    run = pspace("login", "--api-key", ALICE_KEY)

    assert run.exit_code == 2  # a config file to fix is input to fix
    assert str(config_file) in run.stderr
    assert "line 3" in run.stderr
    assert config_file.read_bytes() == before
    assert_no_key(run)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_loose_config_is_tightened_with_a_warning_on_whoami(
    pspace: Any, config_file: Path
) -> None:
    assert pspace("login", "--api-key", ALICE_KEY).exit_code == 0
    config_file.chmod(0o644)

    run = pspace("whoami")

    assert run.exit_code == 0, run.stderr
    assert run.stderr.count("Warning:") == 1
    assert "0644" in run.stderr
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert_no_key(run)
    assert json.dumps(run.stdout)  # the data still went to stdout
