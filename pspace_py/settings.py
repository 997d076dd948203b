"""Resolve who we are talking to: key, API URL, profile and client limits.

Precedence, for every setting: command-line flag, then environment, then the
chosen profile, then the default. The profile is ``--profile``, else
``$PSPACE_PROFILE``, else the config file's ``default_profile``.

The API URL is decided by the first layer that says anything: the flags
(``--sandbox``, ``--api-url``), then the environment (``PSPACE_SANDBOX=1``,
``PAPERSPACE_API_URL``), then the profile's ``api_url``. A profile's stored key
is used only for the kind of API it was stored for: a real key is never sent to
the sandbox, and a sandbox profile's key never to a real API.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from pspace_py.config import MAX_RETRIES, ConfigFile, stored_setting
from pspace_py.errors import UsageError
from pspace_py.loopback import is_loopback_host as is_loopback_host  # public here too

DEFAULT_API_URL = "https://api.paperspace.com/v1"
SANDBOX_URL_ALIAS = "sandbox"
SANDBOX_BASE_URL = "http://sandbox.pspace.invalid/v1"
SANDBOX_DEFAULT_KEY = "sandbox-key"
DEFAULT_RETRIES = 3
DEFAULT_HTTP_TIMEOUT = 60.0
# A day: more than any API call needs, and what the socket layer can still represent.
MAX_HTTP_TIMEOUT = 86400.0
API_KEYS_PAGE = "https://console.paperspace.com/settings/apikeys"


@dataclass(frozen=True)
class Settings:
    profile: str
    api_key: str | None
    # Where the key came from: "--api-key", "PAPERSPACE_API_KEY", "profile 'x'",
    # "sandbox default", or None. Shown by `whoami`; the key itself never is.
    key_source: str | None
    api_url: str
    sandbox: bool
    # The team the profile's key belongs to, when that key is the one in use.
    team: str | None
    retries: int
    http_timeout: float
    # Where the API URL came from: a flag, an env var, "profile 'x'" or "default".
    api_url_source: str = "default"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def check_api_url(url: str) -> str:
    """Refuse URLs that would send the key in clear text to another machine."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UsageError(
            f"API URL '{url}' is not an http(s) URL.",
            hint="Use e.g. https://api.paperspace.com/v1, or 'sandbox'.",
        )
    if parts.username or parts.password:
        raise UsageError(
            "The API URL must not contain a user name or password.",
            hint="The API key is the only credential pspace sends.",
        )
    insecure = parts.scheme == "http" and not is_loopback_host(parts.hostname)
    if insecure and not _truthy(os.environ.get("PSPACE_ALLOW_INSECURE_URL")):
        raise UsageError(
            f"Refusing to send the API key over plain HTTP to {parts.hostname}.",
            hint="Use https, a loopback address, or set PSPACE_ALLOW_INSECURE_URL=1.",
        )
    return url.strip().rstrip("/")


def clean_api_key(raw: str | None, source: str) -> str | None:
    """The key without surrounding whitespace; None when empty.

    A key with spaces or control characters inside cannot be sent in a header,
    and the HTTP library's error would quote it, so it is refused up front
    without ever being shown.
    """
    if raw is None:
        return None
    key = raw.strip()
    if not key:
        return None
    if any(not (0x21 <= ord(char) <= 0x7E) for char in key):
        raise UsageError(
            f"The API key from {source} contains spaces, control or non-ASCII characters; "
            "API keys do not.",
            hint=f"Copy the key again from {API_KEYS_PAGE}.",
        )
    return key


def _setting_from_env(
    name: str, parse: type[int] | type[float], maximum: int | None = None
) -> int | float | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
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
    if maximum is not None and value > maximum:
        raise UsageError(f"{name} must be at most {maximum}.")
    return value


def choose_profile(config: ConfigFile, profile: str | None) -> str:
    """``--profile``, else ``$PSPACE_PROFILE``, else the file's default profile."""
    return profile or os.environ.get("PSPACE_PROFILE") or config.default_profile


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
    profile_label = f"profile '{profile_name}'"

    url, url_source, use_sandbox = _resolve_url(config, profile_name, api_url, sandbox)
    stored_url = stored_setting(config, profile_name, "api_url")
    profile_is_sandbox = stored_url == SANDBOX_URL_ALIAS

    key, key_source = _resolve_key(api_key)
    team = None
    if key is None and profile_is_sandbox == use_sandbox:
        key = stored_setting(config, profile_name, "api_key")
        key = clean_api_key(key, f"{profile_label} of {config.path or 'the config file'}")
        if key is not None:
            key_source = profile_label
            team = stored_setting(config, profile_name, "team")
    if use_sandbox and key is None:
        key, key_source = SANDBOX_DEFAULT_KEY, "sandbox default"

    env_retries = _setting_from_env("PSPACE_RETRIES", int, MAX_RETRIES)
    env_timeout = _setting_from_env("PSPACE_HTTP_TIMEOUT", float)
    stored_retries = stored_setting(config, profile_name, "retries")
    stored_timeout = stored_setting(config, profile_name, "http_timeout")
    timeout = float(_first(http_timeout, env_timeout, stored_timeout, DEFAULT_HTTP_TIMEOUT))
    if not 0 < timeout <= MAX_HTTP_TIMEOUT:  # also false for nan
        raise UsageError(
            f"The HTTP timeout must be more than 0 and at most {MAX_HTTP_TIMEOUT:g} seconds, "
            f"not {timeout:g}.",
            hint="Change --http-timeout, PSPACE_HTTP_TIMEOUT or the profile's http_timeout.",
        )
    return Settings(
        profile=profile_name,
        api_key=key,
        key_source=key_source,
        api_url=url,
        sandbox=use_sandbox,
        team=team,
        retries=int(_first(retries, env_retries, stored_retries, DEFAULT_RETRIES)),
        http_timeout=timeout,
        api_url_source=url_source,
    )


def _resolve_url(
    config: ConfigFile, profile_name: str, flag_url: str | None, flag_sandbox: bool
) -> tuple[str, str, bool]:
    """(base URL, where it came from, sandbox?) from the first layer that sets one."""
    if flag_sandbox and flag_url and flag_url.strip() != SANDBOX_URL_ALIAS:
        raise UsageError("--sandbox and --api-url cannot be used together.")
    env_sandbox = _truthy(os.environ.get("PSPACE_SANDBOX"))
    layers = [
        ("--sandbox", SANDBOX_URL_ALIAS if flag_sandbox else None),
        ("--api-url", flag_url),
        ("PSPACE_SANDBOX", SANDBOX_URL_ALIAS if env_sandbox else None),
        ("PAPERSPACE_API_URL", os.environ.get("PAPERSPACE_API_URL")),
        (f"profile '{profile_name}'", stored_setting(config, profile_name, "api_url")),
    ]
    for source, value in layers:
        if value and value.strip():
            if value.strip() == SANDBOX_URL_ALIAS:
                return SANDBOX_BASE_URL, source, True
            return check_api_url(value), source, False
    return DEFAULT_API_URL, "default", False


def _first(*values: object) -> int | float:
    for value in values:
        if value is not None:
            return value  # type: ignore[return-value]
    raise AssertionError("the last value is a default")  # pragma: no cover


def _resolve_key(flag: str | None) -> tuple[str | None, str | None]:
    """The key from ``--api-key`` or ``PAPERSPACE_API_KEY``; the profile comes later."""
    flag_key = clean_api_key(flag, "--api-key")
    if flag_key:
        return flag_key, "--api-key"
    env_key = clean_api_key(os.environ.get("PAPERSPACE_API_KEY"), "PAPERSPACE_API_KEY")
    if env_key:
        return env_key, "PAPERSPACE_API_KEY"
    return None, None
