"""What the config file holds: profiles and their settings, and every change made to them.

Layout (TOML)::

    default_profile = "default"

    [profiles.default]
    api_key = "..."
    api_url = "https://api.paperspace.com/v1"   # or "sandbox"
    team = "t0abcd123"
    retries = 3
    http_timeout = 60

Commands change the file only through the functions at the end of this module, each
applied to the :class:`ConfigFile` that :func:`editing_config` yields (under its lock);
how the file is stored is :mod:`pspace_py.config_file`'s business.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pspace_py.config_file import (
    DEFAULT_PROFILE,
    ConfigFile,
    config_dir,
    config_path,
    editing_config,
    load_config,
)
from pspace_py.errors import ConfigError, UsageError

__all__ = [
    "DEFAULT_PROFILE",
    "ConfigFile",
    "config_dir",
    "config_path",
    "editing_config",
    "load_config",
]

PROFILE_SETTINGS = ("api_key", "api_url", "team", "retries", "http_timeout")
MAX_RETRIES = 10
_INT_SETTINGS = {"retries"}
_FLOAT_SETTINGS = {"http_timeout"}
# key_url: where login checked the key, when that is not the profile's api_url (login's own
# record, not a setting a user sets).
_STRING_SETTINGS = {"api_key", "api_url", "team", "key_url"}
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_profile_name(name: str) -> str:
    """A profile name that is safe as a TOML key and readable in messages."""
    if not _PROFILE_NAME.match(name):
        raise UsageError(
            f"'{name}' is not a usable profile name.",
            hint="Use letters, digits, '.', '_' and '-' (at most 64, starting with a letter "
            "or digit).",
        )
    return name


def check_setting_name(name: str) -> str:
    if name not in PROFILE_SETTINGS:
        allowed = ", ".join(PROFILE_SETTINGS)
        raise UsageError(f"Unknown setting '{name}'.", hint=f"Settings are: {allowed}.")
    return name


def parse_setting(name: str, raw: str) -> Any:
    """Turn a ``config set`` value into the type the setting needs."""
    check_setting_name(name)
    if name in _INT_SETTINGS or name in _FLOAT_SETTINGS:
        try:
            number = float(raw) if name in _FLOAT_SETTINGS else int(raw)
        except ValueError:
            number = None
        if number is not None and setting_value_problem(name, number) is None:
            return number
        raise UsageError(f"Setting '{name}' must be {_expected(name)}, not '{raw}'.")
    value = raw.strip()
    if not value:
        raise UsageError(
            f"Setting '{name}' cannot be empty.", hint=f"Use 'pspace config unset {name}'."
        )
    return value


def _expected(name: str) -> str:
    if name in _INT_SETTINGS:
        return f"a whole number from 0 to {MAX_RETRIES}"
    if name in _FLOAT_SETTINGS:
        return "a number of seconds > 0"
    return "a non-empty string"


def setting_value_problem(name: str, value: Any) -> str | None:
    """What is wrong with a stored setting's value (None: nothing), e.g. ``retries = "x"``."""
    if name in _INT_SETTINGS:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_RETRIES
    elif name in _FLOAT_SETTINGS:
        ok = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value > 0
        )
    elif name in _STRING_SETTINGS:
        ok = isinstance(value, str) and value.strip() != ""
    else:
        return None
    return None if ok else f"must be {_expected(name)}"


def stored_setting(config: ConfigFile, profile: str, name: str) -> Any:
    """A profile's setting, checked; a bad value names the file, profile and the fix."""
    value = config.profile(profile).get(name)
    if value is None:
        return None
    problem = setting_value_problem(name, value)
    if problem is None:
        return value
    where = f"Config file {config.path}" if config.path else "The config"
    shown = "(hidden)" if name == "api_key" else _bounded_repr(value)
    fix = "pspace login" if name == "api_key" else f"pspace config set {name} VALUE"
    raise ConfigError(
        f"{where}: setting '{name}' of profile '{profile}' {problem}, not {shown}.",
        hint=f"Run '{fix}' or 'pspace config unset {name}' (with --profile {profile}).",
    )


def _bounded_repr(value: Any) -> str:
    from pspace_py.redact import excerpt

    return excerpt(repr(value), 80)


# -- changes -----------------------------------------------------------------


def store_key(
    config: ConfigFile,
    profile: str,
    *,
    api_key: str,
    team: str,
    api_url: str | None,
    key_url: str | None = None,
) -> None:
    """Keep a checked key with its team and API (None: the default API) in ``profile``.

    ``key_url``: the API the key was checked against when the profile does not use it
    (``api_url`` None); the key is sent there only. The first profile stored becomes the
    default.
    """
    had_default = config.default_profile in config.profiles
    entry = config.profiles.setdefault(profile, {})
    entry["api_key"] = api_key
    entry["team"] = team
    for name, value in (("api_url", api_url), ("key_url", key_url)):
        if value is None:
            entry.pop(name, None)
        else:
            entry[name] = value
    if not had_default:
        config.default_profile = profile


def remove_profiles(config: ConfigFile, name: str | None) -> dict[str, dict[str, Any]]:
    """Remove profile ``name`` (None: every profile); returns what was removed."""
    if name is None:
        removed = dict(config.profiles)
        config.profiles.clear()
        config.default_profile = DEFAULT_PROFILE
        return removed
    settings = config.profiles.pop(name, None)
    return {} if settings is None else {name: settings}


def set_setting(config: ConfigFile, profile: str, name: str, value: Any) -> None:
    """Set one checked setting (see :func:`parse_setting`), creating the profile if needed."""
    config.profiles.setdefault(check_profile_name(profile), {})[check_setting_name(name)] = value


def unset_setting(config: ConfigFile, profile: str, name: str) -> bool:
    """Remove one setting; a profile left empty goes too. False when it was not set."""
    settings = config.profiles.get(profile)
    if settings is None or name not in settings:
        return False
    del settings[name]
    if not settings:
        del config.profiles[profile]
    return True


def use_profile(config: ConfigFile, profile: str) -> dict[str, Any] | None:
    """Make ``profile`` the default; returns its settings (None: there is no such profile)."""
    if profile not in config.profiles:
        return None
    config.default_profile = profile
    return config.profiles[profile]
