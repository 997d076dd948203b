"""Resolve who we are talking to: key, API URL, profile and client limits.

Precedence, for every setting: command-line flag, then environment, then the
chosen profile, then the default. The profile is ``--profile``, else
``$PSPACE_PROFILE``, else the config file's ``default_profile``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from pspace_py.config import ConfigFile
from pspace_py.errors import UsageError

DEFAULT_API_URL = "https://api.paperspace.com/v1"
SANDBOX_URL_ALIAS = "sandbox"
SANDBOX_BASE_URL = "http://sandbox.pspace.invalid/v1"
SANDBOX_DEFAULT_KEY = "sandbox-key"
DEFAULT_RETRIES = 3
DEFAULT_HTTP_TIMEOUT = 60.0
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Settings:
    profile: str
    api_key: str | None
    key_source: str | None
    api_url: str
    sandbox: bool
    team: str | None
    retries: int
    http_timeout: float


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def is_loopback_host(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def check_api_url(url: str) -> str:
    """Refuse URLs that would send the key in clear text to another machine."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UsageError(
            f"API URL '{url}' is not an http(s) URL.",
            hint="Use e.g. https://api.paperspace.com/v1, or 'sandbox'.",
        )
    insecure = parts.scheme == "http" and not is_loopback_host(parts.hostname)
    if insecure and not _truthy(os.environ.get("PSPACE_ALLOW_INSECURE_URL")):
        raise UsageError(
            f"Refusing to send the API key over plain HTTP to {parts.hostname}.",
            hint="Use https, a loopback address, or set PSPACE_ALLOW_INSECURE_URL=1.",
        )
    return url.rstrip("/")


def _setting_from_env(name: str, parse: type[int] | type[float]) -> int | float | None:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = parse(raw)
    except ValueError:
        raise UsageError(f"{name} must be a number, not '{raw}'.") from None
    if value < 0:
        raise UsageError(f"{name} must not be negative.")
    return value


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
    profile_name = profile or os.environ.get("PSPACE_PROFILE") or config.default_profile
    stored = config.profile(profile_name)

    key, key_source = _resolve_key(api_key, stored, profile_name)
    url = api_url or os.environ.get("PAPERSPACE_API_URL") or stored.get("api_url") or ""
    use_sandbox = sandbox or _truthy(os.environ.get("PSPACE_SANDBOX")) or url == SANDBOX_URL_ALIAS
    if use_sandbox:
        url = SANDBOX_BASE_URL
        if key is None:
            key, key_source = SANDBOX_DEFAULT_KEY, "sandbox default"
    else:
        url = check_api_url(url or DEFAULT_API_URL)

    env_retries = _setting_from_env("PSPACE_RETRIES", int)
    env_timeout = _setting_from_env("PSPACE_HTTP_TIMEOUT", float)
    return Settings(
        profile=profile_name,
        api_key=key,
        key_source=key_source,
        api_url=url,
        sandbox=use_sandbox,
        team=stored.get("team"),
        retries=int(_first(retries, env_retries, stored.get("retries"), DEFAULT_RETRIES)),
        http_timeout=float(
            _first(http_timeout, env_timeout, stored.get("http_timeout"), DEFAULT_HTTP_TIMEOUT)
        ),
    )


def _first(*values: object) -> int | float:
    for value in values:
        if value is not None:
            return value  # type: ignore[return-value]
    raise AssertionError("the last value is a default")  # pragma: no cover


def _resolve_key(
    flag: str | None, stored: dict[str, object], profile_name: str
) -> tuple[str | None, str | None]:
    if flag:
        return flag, "--api-key"
    env_key = os.environ.get("PAPERSPACE_API_KEY")
    if env_key:
        return env_key, "PAPERSPACE_API_KEY"
    stored_key = stored.get("api_key")
    if isinstance(stored_key, str) and stored_key:
        return stored_key, f"profile '{profile_name}'"
    return None, None
