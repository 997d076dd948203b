"""Resolve who we are talking to: key, API URL, profile and client limits.

:data:`PRECEDENCE` is the one table of where each setting comes from, highest
first: command-line flags, then environment variables, then the chosen profile,
then the default. :func:`resolve_settings` walks it, and the commands that store
a setting read it to say what outranks the stored value (:func:`env_override`).

A stored key belongs to the API it was stored for, as gh keeps a token per host: a
profile's key to the profile's ``api_url`` (the default API when it has none), the
official CLI's login to the default API. It is sent to no other origin (scheme, host
and port), so an API URL from ``--api-url`` or ``PAPERSPACE_API_URL`` never receives
it, and a real key never reaches the sandbox, built in or served. A key given with
``--api-key`` or ``PAPERSPACE_API_KEY`` is the user's choice for whatever URL is used.
"""

from __future__ import annotations

import math
import os
from typing import NamedTuple

# Public here too: what callers of the settings name.
from pspace_py.api_url import API_KEYS_PAGE as API_KEYS_PAGE
from pspace_py.api_url import SANDBOX_BASE_URL as SANDBOX_BASE_URL
from pspace_py.api_url import SANDBOX_URL_ALIAS as SANDBOX_URL_ALIAS
from pspace_py.api_url import check_api_url as check_api_url
from pspace_py.api_url import clean_api_key as clean_api_key
from pspace_py.api_url import is_loopback_host as is_loopback_host
from pspace_py.api_url import key_scope, shown_origin, truthy
from pspace_py.config import MAX_RETRIES, ConfigFile, stored_setting
from pspace_py.errors import UsageError

DEFAULT_API_URL = "https://api.paperspace.com/v1"
SANDBOX_DEFAULT_KEY = "sandbox-key"
DEFAULT_RETRIES = 3
DEFAULT_HTTP_TIMEOUT = 60.0
# A day: more than any API call needs, and what the socket layer can still represent.
MAX_HTTP_TIMEOUT = 86400.0

# Layers that are neither a flag ("--...") nor an environment variable (upper case).
PROFILE = "profile"
DEFAULT = "default"
SANDBOX_DEFAULT = "sandbox default"
# Keys other Paperspace tools stored, for a real API only (pspace_py/official_login.py): the
# official CLI's login for its current team, then the older tools' ~/.paperspace/config.json.
OFFICIAL_LOGIN = "official CLI login"
LEGACY_LOGIN = "legacy config.json"

# Where each setting comes from, highest first; the first layer that says anything wins.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "profile": ("--profile", "PSPACE_PROFILE", DEFAULT),  # default: the file's default_profile
    "api_key": (
        "--api-key",
        "PAPERSPACE_API_KEY",
        PROFILE,
        OFFICIAL_LOGIN,
        LEGACY_LOGIN,
        SANDBOX_DEFAULT,
    ),
    "api_url": ("--sandbox", "--api-url", "PSPACE_SANDBOX", "PAPERSPACE_API_URL", PROFILE, DEFAULT),
    "retries": ("--retries", "PSPACE_RETRIES", PROFILE, DEFAULT),
    "http_timeout": ("--http-timeout", "PSPACE_HTTP_TIMEOUT", PROFILE, DEFAULT),
}


class Settings(NamedTuple):
    """The settings in force (a NamedTuple: a frozen dataclass costs ~0.5 ms to define, on the
    path of every command that talks to the API)."""

    profile: str
    api_key: str | None
    # Where the key came from: "--api-key", "PAPERSPACE_API_KEY", "profile 'x'", another
    # tool's file, "sandbox default", or None. Shown by `whoami`; the key itself never is.
    key_source: str | None
    api_url: str
    sandbox: bool
    # The team the profile's key belongs to, when that key is the one in use.
    team: str | None
    retries: int
    http_timeout: float
    # Where the API URL came from: a flag, an env var, "profile 'x'" or "default".
    api_url_source: str = "default"
    # The PRECEDENCE layer that gave the key (None: no key).
    key_layer: str | None = None
    # With no key: the stored key that belongs to another API, said for the user.
    key_withheld: str | None = None


def _is_env(layer: str) -> bool:
    return layer.isupper()


def _env_value(name: str) -> str | None:
    """An environment variable's value; blank counts as unset, and PSPACE_SANDBOX as a switch."""
    raw = os.environ.get(name, "")
    if name == "PSPACE_SANDBOX":
        return SANDBOX_URL_ALIAS if truthy(raw) else None
    return raw if raw.strip() else None


def env_override(setting: str) -> tuple[str, str] | None:
    """The environment variable that sets ``setting`` here and now, and its value, if any.

    It outranks the profile, so a command that stores the setting says so.
    """
    for layer in PRECEDENCE[setting]:
        value = _env_value(layer) if _is_env(layer) else None
        if value is not None:
            return layer, value.strip()
    return None


def _number_from_env(name: str, parse: type[int] | type[float]) -> int | float | None:
    raw = _env_value(name)
    if raw is None:
        return None
    try:
        value = parse(raw)
    except ValueError:
        kind = "a whole number" if parse is int else "a number"
        raise UsageError(f"{name} must be {kind}, not '{raw}'.") from None
    if not math.isfinite(value):
        raise UsageError(f"{name} must be a finite number, not '{raw}'.")
    if parse is int and value < 0:
        raise UsageError(f"{name} must not be negative.")
    if parse is float and value <= 0:
        raise UsageError(f"{name} must be more than 0.")
    if parse is int and value > MAX_RETRIES:
        raise UsageError(f"{name} must be at most {MAX_RETRIES}.")
    return value


def choose_profile(config: ConfigFile, profile: str | None) -> str:
    """``--profile``, else ``$PSPACE_PROFILE``, else the file's default profile."""
    for layer in PRECEDENCE["profile"]:
        value = profile if layer == "--profile" else _env_value(layer) if _is_env(layer) else None
        if value:
            return value
    return config.default_profile


def resolve_settings(
    config: ConfigFile,
    *,
    api_key: str | None = None,
    api_url: str | None = None,
    profile: str | None = None,
    sandbox: bool = False,
    retries: int | None = None,
    http_timeout: float | None = None,
) -> Settings:
    profile_name = choose_profile(config, profile)
    flags: dict[str, object] = {
        "--api-key": api_key,
        "--api-url": api_url,
        "--sandbox": SANDBOX_URL_ALIAS if sandbox else None,
        "--retries": retries,
        "--http-timeout": http_timeout,
    }
    if sandbox and api_url and api_url.strip() != SANDBOX_URL_ALIAS:
        raise UsageError("--sandbox and --api-url cannot be used together.")
    url, url_source, use_sandbox = _resolve_url(config, profile_name, flags)
    key = _resolve_key(config, profile_name, flags, url)
    timeout = float(_resolve_number("http_timeout", config, profile_name, flags, float))
    if not 0 < timeout <= MAX_HTTP_TIMEOUT:  # also false for nan
        raise UsageError(
            f"The HTTP timeout must be more than 0 and at most {MAX_HTTP_TIMEOUT:g} seconds, "
            f"not {timeout:g}.",
            hint="Change --http-timeout, PSPACE_HTTP_TIMEOUT or the profile's http_timeout.",
        )
    return Settings(
        profile=profile_name,
        api_key=key.key,
        key_source=key.source,
        key_layer=key.layer,
        api_url=url,
        sandbox=use_sandbox,
        team=key.team,
        retries=int(_resolve_number("retries", config, profile_name, flags, int)),
        http_timeout=timeout,
        api_url_source=url_source,
        key_withheld=key.withheld,
    )


def _resolve_url(
    config: ConfigFile, profile_name: str, flags: dict[str, object]
) -> tuple[str, str, bool]:
    """(base URL, where it came from, sandbox?) from the first layer that sets one."""
    for layer in PRECEDENCE["api_url"]:
        source = layer
        if layer == PROFILE:
            source = f"profile '{profile_name}'"
            value = stored_setting(config, profile_name, "api_url")
        elif layer == DEFAULT:
            return DEFAULT_API_URL, DEFAULT, False
        else:
            value = _env_value(layer) if _is_env(layer) else flags[layer]
        if isinstance(value, str) and value.strip():
            if value.strip() == SANDBOX_URL_ALIAS:
                return SANDBOX_BASE_URL, source, True
            return check_api_url(value), source, False
    raise AssertionError("the last layer is the default")  # pragma: no cover


class KeyFound(NamedTuple):
    key: str | None
    source: str | None  # as `whoami` shows it
    team: str | None  # when the layer knows it
    layer: str | None  # the PRECEDENCE layer
    # A key the layer has, withheld because it belongs to another API: why, for the user.
    withheld: str | None = None


_NO_KEY = KeyFound(None, None, None, None)


def _resolve_key(
    config: ConfigFile, profile_name: str, flags: dict[str, object], url: str
) -> KeyFound:
    """The key from the first layer that has one for ``url``."""
    withheld = None
    for layer in PRECEDENCE["api_key"]:
        found = _key_in(layer, config, profile_name, flags, url)
        if found.key:
            return found
        withheld = withheld or found.withheld
    return _NO_KEY._replace(withheld=withheld)


def _belongs_elsewhere(source: str, stored_for: str, url: str) -> KeyFound | None:
    """None when a key stored for ``stored_for`` may go to ``url``; else why it may not."""
    if key_scope(stored_for) == key_scope(url):
        return None
    return _NO_KEY._replace(
        withheld=f"{source} has a key for {shown_origin(stored_for)}, which pspace sends to "
        f"no other host"
    )


def _key_in(
    layer: str, config: ConfigFile, profile_name: str, flags: dict[str, object], url: str
) -> KeyFound:
    if layer == PROFILE:
        source = f"profile '{profile_name}'"
        raw = stored_setting(config, profile_name, "api_key")
        if raw is None:
            return _NO_KEY
        # The API the key was checked against: its own record when login did not keep that URL
        # as the profile's (an exported PAPERSPACE_API_URL), else the profile's URL.
        stored_for = (
            stored_setting(config, profile_name, "key_url")
            or stored_setting(config, profile_name, "api_url")
            or DEFAULT_API_URL
        )
        elsewhere = _belongs_elsewhere(source, stored_for, url)
        if elsewhere is not None:
            return elsewhere
        key = clean_api_key(raw, f"{source} of {config.path or 'the config file'}")
        return KeyFound(key, source, stored_setting(config, profile_name, "team"), layer)
    if layer in (OFFICIAL_LOGIN, LEGACY_LOGIN):
        return _other_tools_key(layer, url)
    if layer == SANDBOX_DEFAULT:
        sandbox = key_scope(url) == SANDBOX_URL_ALIAS
        return KeyFound(SANDBOX_DEFAULT_KEY, layer, None, layer) if sandbox else _NO_KEY
    raw = _env_value(layer) if _is_env(layer) else flags[layer]
    return KeyFound(clean_api_key(raw if isinstance(raw, str) else None, layer), layer, None, layer)


def _other_tools_key(layer: str, url: str) -> KeyFound:
    """The official CLI's (or the older tools') key: a real key, for the real API only."""
    if key_scope(url) == SANDBOX_URL_ALIAS:
        return _NO_KEY  # not even read
    from pspace_py import official_login
    from pspace_py.errors import ConfigError

    read = official_login.official_cli_key if layer == OFFICIAL_LOGIN else official_login.legacy_key
    for_default_api = key_scope(url) == key_scope(DEFAULT_API_URL)
    try:
        stored = read()
    except ConfigError:
        if for_default_api:
            raise
        return _NO_KEY  # a file pspace could not use anyway, for another API
    if stored is None:
        return _NO_KEY
    if not for_default_api:
        return _belongs_elsewhere(stored.source, DEFAULT_API_URL, url) or _NO_KEY
    return KeyFound(clean_api_key(stored.key, stored.source), stored.source, stored.team, layer)


def _resolve_number(
    setting: str,
    config: ConfigFile,
    profile_name: str,
    flags: dict[str, object],
    parse: type[int] | type[float],
) -> int | float:
    defaults = {"retries": DEFAULT_RETRIES, "http_timeout": DEFAULT_HTTP_TIMEOUT}
    for layer in PRECEDENCE[setting]:
        if layer == PROFILE:
            value = stored_setting(config, profile_name, setting)
        elif layer == DEFAULT:
            value = defaults[setting]
        else:
            value = _number_from_env(layer, parse) if _is_env(layer) else flags[layer]
        if isinstance(value, int | float):
            return value
    raise AssertionError("the last layer is the default")  # pragma: no cover
