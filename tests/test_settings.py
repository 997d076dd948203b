"""Which key, URL, profile and limits a run uses: flag > env > profile > default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pspace_py.config import ConfigFile
from pspace_py.errors import ConfigError, UsageError
from pspace_py.settings import (
    DEFAULT_API_URL,
    DEFAULT_HTTP_TIMEOUT,
    DEFAULT_RETRIES,
    SANDBOX_BASE_URL,
    SANDBOX_DEFAULT_KEY,
    check_api_url,
    clean_api_key,
    is_loopback_host,
    resolve_settings,
)

PROFILE_KEY = "k-profile-000111"
ENV_KEY = "k-env-222333"
FLAG_KEY = "k-flag-444555"
OTHER_KEY = "k-other-666777"


def config(_default_profile: str = "default", **profiles: dict[str, Any]) -> ConfigFile:
    return ConfigFile(
        default_profile=_default_profile, profiles=dict(profiles), path=Path("/cfg/config.toml")
    )


FULL = config(
    default={
        "api_key": PROFILE_KEY,
        "api_url": "https://profile.example/v1",
        "team": "t-default",
        "retries": 7,
        "http_timeout": 33.0,
    },
    other={"api_key": OTHER_KEY, "team": "t-other", "retries": 1},
)


# -- API key -----------------------------------------------------------------


def test_key_from_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = resolve_settings(FULL)
    assert (settings.api_key, settings.key_source) == (PROFILE_KEY, "profile 'default'")
    assert settings.team == "t-default"


def test_env_key_beats_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", ENV_KEY)
    settings = resolve_settings(FULL)
    assert (settings.api_key, settings.key_source) == (ENV_KEY, "PAPERSPACE_API_KEY")
    # The profile's team belongs to the profile's key, not to this one.
    assert settings.team is None


def test_flag_key_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", ENV_KEY)
    settings = resolve_settings(FULL, api_key=FLAG_KEY)
    assert (settings.api_key, settings.key_source) == (FLAG_KEY, "--api-key")


def test_no_key_anywhere() -> None:
    settings = resolve_settings(config())
    assert (settings.api_key, settings.key_source) == (None, None)


def test_blank_env_key_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", "  \n")
    assert resolve_settings(FULL).key_source == "profile 'default'"


def test_keys_lose_surrounding_whitespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", f" {ENV_KEY}\n")
    assert resolve_settings(config()).api_key == ENV_KEY


@pytest.mark.parametrize("bad", ["k-with space-123", "k-tab\t-123", "k-newline\nx-123", "kéy-123"])
def test_keys_with_odd_characters_are_refused_without_showing_them(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", bad)
    with pytest.raises(UsageError) as caught:
        resolve_settings(config())
    assert "PAPERSPACE_API_KEY" in caught.value.message
    assert bad not in caught.value.message
    assert bad not in (caught.value.hint or "")


def test_clean_api_key() -> None:
    assert clean_api_key(None, "x") is None
    assert clean_api_key("   ", "x") is None
    assert clean_api_key("\tabc-123\n", "x") == "abc-123"


# -- profile choice ----------------------------------------------------------


def test_profile_defaults_to_the_files_default() -> None:
    assert resolve_settings(config("other", other={"team": "t"})).profile == "other"


def test_profile_default_is_default() -> None:
    assert resolve_settings(config()).profile == "default"


def test_env_profile_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_PROFILE", "other")
    settings = resolve_settings(FULL)
    assert settings.profile == "other"
    assert (settings.api_key, settings.key_source) == (OTHER_KEY, "profile 'other'")
    assert settings.retries == 1


def test_flag_profile_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_PROFILE", "other")
    settings = resolve_settings(FULL, profile="default")
    assert settings.profile == "default"
    assert settings.api_key == PROFILE_KEY


def test_a_profile_that_does_not_exist_is_empty() -> None:
    settings = resolve_settings(FULL, profile="nowhere")
    assert settings.api_key is None
    assert settings.api_url == DEFAULT_API_URL
    assert settings.retries == DEFAULT_RETRIES


# -- API URL -----------------------------------------------------------------


def test_url_default() -> None:
    settings = resolve_settings(config())
    assert (settings.api_url, settings.api_url_source) == (DEFAULT_API_URL, "default")


def test_url_from_profile() -> None:
    settings = resolve_settings(FULL)
    assert (settings.api_url, settings.api_url_source) == (
        "https://profile.example/v1",
        "profile 'default'",
    )


def test_env_url_beats_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_URL", "https://env.example/v1/")
    settings = resolve_settings(FULL)
    assert (settings.api_url, settings.api_url_source) == (
        "https://env.example/v1",
        "PAPERSPACE_API_URL",
    )
    # The profile's key belongs to the profile's URL: another one never gets it.
    assert settings.api_key is None
    assert settings.key_withheld is not None
    assert "https://profile.example" in settings.key_withheld


def test_flag_url_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_URL", "https://env.example/v1")
    settings = resolve_settings(FULL, api_url="https://flag.example/v1")
    assert (settings.api_url, settings.api_url_source) == ("https://flag.example/v1", "--api-url")


# -- a stored key belongs to its API (issue 16 item 6) ------------------------


@pytest.mark.parametrize(
    ("stored_for", "used_with", "sent"),
    [
        (None, None, True),  # the default API, both times
        (None, "https://api.paperspace.com/v1/", True),
        (None, "HTTPS://API.PAPERSPACE.COM:443/v1", True),
        (None, "https://proxy.example/v1", False),
        (None, "http://127.0.0.1:8080/v1", False),  # a served sandbox
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v2", True),  # same origin
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8081/v1", False),  # another port
        ("http://127.0.0.1:8080/v1", "http://localhost:8080/v1", False),  # another host
        ("https://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1", False),  # another scheme
        ("sandbox", "http://127.0.0.1:8080/v1", False),
        (None, "sandbox", False),
    ],
)
def test_a_profiles_key_goes_only_to_the_origin_it_was_stored_for(
    monkeypatch: pytest.MonkeyPatch, stored_for: str | None, used_with: str | None, sent: bool
) -> None:
    profile = {"api_key": PROFILE_KEY, "team": "t"}
    if stored_for is not None:
        profile["api_url"] = stored_for
    if used_with is not None:
        monkeypatch.setenv("PAPERSPACE_API_URL", used_with)
    settings = resolve_settings(config(default=profile))
    assert (settings.api_key == PROFILE_KEY) is sent
    if not sent:  # with no key at all, the error says whose key was kept back
        assert settings.api_key == SANDBOX_DEFAULT_KEY or settings.key_withheld


def test_a_key_for_the_run_goes_to_any_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", ENV_KEY)
    settings = resolve_settings(FULL, api_url="http://127.0.0.1:9/v1")
    assert (settings.api_key, settings.key_source) == (ENV_KEY, "PAPERSPACE_API_KEY")


# -- sandbox -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "env", "profiles"),
    [
        ({"sandbox": True}, {}, {}),
        ({}, {"PSPACE_SANDBOX": "1"}, {}),
        ({}, {"PSPACE_SANDBOX": "true"}, {}),
        ({"api_url": "sandbox"}, {}, {}),
        ({}, {"PAPERSPACE_API_URL": "sandbox"}, {}),
        ({}, {}, {"default": {"api_url": "sandbox"}}),
    ],
    ids=["flag", "env-1", "env-true", "api-url-flag", "api-url-env", "profile"],
)
def test_sandbox_is_chosen_by_flag_env_or_profile(
    monkeypatch: pytest.MonkeyPatch,
    kwargs: dict[str, Any],
    env: dict[str, str],
    profiles: dict[str, dict[str, Any]],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = resolve_settings(config(**profiles), **kwargs)
    assert settings.sandbox is True
    assert settings.api_url == SANDBOX_BASE_URL
    assert (settings.api_key, settings.key_source) == (SANDBOX_DEFAULT_KEY, "sandbox default")


@pytest.mark.parametrize("value", ["0", "", "no", "false"])
def test_sandbox_env_off_values(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PSPACE_SANDBOX", value)
    assert resolve_settings(config()).sandbox is False


def test_sandbox_profile_key_is_used_in_the_sandbox() -> None:
    cfg = config(default={"api_key": "alice-key", "api_url": "sandbox", "team": "alice"})
    settings = resolve_settings(cfg)
    assert settings.sandbox
    assert (settings.api_key, settings.key_source) == ("alice-key", "profile 'default'")
    assert settings.team == "alice"


def test_a_real_profile_key_is_never_sent_to_the_sandbox() -> None:
    settings = resolve_settings(FULL, sandbox=True)
    assert settings.api_key == SANDBOX_DEFAULT_KEY
    assert settings.key_source == "sandbox default"
    assert settings.team is None


def test_a_sandbox_profile_key_is_never_sent_to_a_real_api() -> None:
    cfg = config(default={"api_key": "alice-key", "api_url": "sandbox"})
    settings = resolve_settings(cfg, api_url="https://api.example/v1")
    assert settings.sandbox is False
    assert settings.api_key is None


def test_explicit_keys_are_used_in_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_settings(config(), sandbox=True, api_key=FLAG_KEY).api_key == FLAG_KEY
    monkeypatch.setenv("PAPERSPACE_API_KEY", ENV_KEY)
    assert resolve_settings(config(), sandbox=True).api_key == ENV_KEY


def test_api_url_flag_beats_sandbox_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_SANDBOX", "1")
    settings = resolve_settings(config(), api_url="https://flag.example/v1")
    assert settings.sandbox is False
    assert settings.api_url == "https://flag.example/v1"


def test_sandbox_env_beats_url_env_and_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_SANDBOX", "1")
    monkeypatch.setenv("PAPERSPACE_API_URL", "https://env.example/v1")
    assert resolve_settings(FULL).sandbox is True


def test_sandbox_flag_and_api_url_flag_conflict() -> None:
    with pytest.raises(UsageError, match="--sandbox and --api-url"):
        resolve_settings(config(), sandbox=True, api_url="https://x.example/v1")
    assert resolve_settings(config(), sandbox=True, api_url="sandbox").sandbox


# -- URL safety --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v1",
        "http://10.0.0.5:8080/v1",
        "http://127.evil.example/v1",
        "http://localhost.evil.example/v1",
    ],
)
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(UsageError, match="plain HTTP"):
        resolve_settings(config(), api_url=url)


def test_insecure_url_is_allowed_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_ALLOW_INSECURE_URL", "1")
    url = "http://api.example.com/v1"
    assert resolve_settings(config(), api_url=url).api_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8080/v1",
        "http://127.0.0.1:8080/v1",
        "http://127.1.2.3/v1",
        "http://[::1]:9000/v1",
        "https://api.example.com/v1",
    ],
)
def test_loopback_http_and_https_are_fine(url: str) -> None:
    assert check_api_url(url) == url


def test_insecure_url_from_env_or_profile_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError):
        resolve_settings(config(default={"api_url": "http://evil.example/v1"}))
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://evil.example/v1")
    with pytest.raises(UsageError):
        resolve_settings(config())


@pytest.mark.parametrize(
    "url", ["ftp://api.example.com", "api.paperspace.com/v1", "https://", "https://u:p@x.example"]
)
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        check_api_url(url)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("::1", True),
        ("127.evil.example", False),
        ("10.0.0.1", False),
        ("example.com", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


# -- retries and http_timeout ------------------------------------------------


def test_limits_default() -> None:
    settings = resolve_settings(config())
    assert (settings.retries, settings.http_timeout) == (DEFAULT_RETRIES, DEFAULT_HTTP_TIMEOUT)


def test_limits_from_profile() -> None:
    settings = resolve_settings(FULL)
    assert (settings.retries, settings.http_timeout) == (7, 33.0)


def test_env_limits_beat_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_RETRIES", "2")
    monkeypatch.setenv("PSPACE_HTTP_TIMEOUT", "9.5")
    settings = resolve_settings(FULL)
    assert (settings.retries, settings.http_timeout) == (2, 9.5)


def test_flag_limits_beat_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSPACE_RETRIES", "2")
    monkeypatch.setenv("PSPACE_HTTP_TIMEOUT", "9.5")
    settings = resolve_settings(FULL, retries=0, http_timeout=4.0)
    assert (settings.retries, settings.http_timeout) == (0, 4.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PSPACE_RETRIES", "many"),
        ("PSPACE_RETRIES", "-1"),
        ("PSPACE_RETRIES", "11"),
        ("PSPACE_HTTP_TIMEOUT", "0"),
        ("PSPACE_HTTP_TIMEOUT", "-5"),
        ("PSPACE_HTTP_TIMEOUT", "nan"),
        ("PSPACE_HTTP_TIMEOUT", "soon"),
    ],
)
def test_bad_env_limits_are_usage_errors(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(UsageError, match=name):
        resolve_settings(config())


@pytest.mark.parametrize(
    ("setting", "value"),
    [("retries", "3"), ("retries", True), ("retries", 99), ("http_timeout", 0), ("api_url", 5)],
)
def test_bad_stored_values_name_the_setting(setting: str, value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_settings(config(default={setting: value}))
    assert f"'{setting}'" in caught.value.message
    assert "/cfg/config.toml" in caught.value.message


def test_bad_values_in_other_profiles_do_not_matter() -> None:
    cfg = config(default={"retries": 2}, broken={"retries": "x"})
    assert resolve_settings(cfg).retries == 2
