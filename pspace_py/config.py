"""The config file: profiles with API keys, written atomically at 0600.

Layout (TOML)::

    default_profile = "default"

    [profiles.default]
    api_key = "..."
    api_url = "https://api.paperspace.com/v1"   # or "sandbox"
    team = "t0abcd123"
    retries = 3
    http_timeout = 60

The file lives in platformdirs' user config dir for ``pspace-py``, or in
``$PSPACE_CONFIG_DIR``. Writes hold an exclusive lock on a sibling lock file,
write a temporary file created 0600, fsync it and rename it over the old one,
so a crash or a concurrent writer never leaves a truncated file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pspace_py.errors import ConfigError

APP_NAME = "pspace-py"
CONFIG_FILE_NAME = "config.toml"
DEFAULT_PROFILE = "default"
PROFILE_SETTINGS = ("api_key", "api_url", "team", "retries", "http_timeout")
_INT_SETTINGS = {"retries"}
_FLOAT_SETTINGS = {"http_timeout"}


def config_dir() -> Path:
    override = os.environ.get("PSPACE_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE_NAME


@dataclass
class ConfigFile:
    """The parsed config file; ``profiles`` maps a profile name to its settings."""

    default_profile: str = DEFAULT_PROFILE
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def profile(self, name: str) -> dict[str, Any]:
        return self.profiles.get(name, {})

    def to_toml_dict(self) -> dict[str, Any]:
        return {"default_profile": self.default_profile, "profiles": self.profiles}


def parse_setting(name: str, raw: str) -> Any:
    """Turn a ``config set`` value into the type the setting needs."""
    if name not in PROFILE_SETTINGS:
        allowed = ", ".join(PROFILE_SETTINGS)
        raise ConfigError(f"Unknown setting '{name}'.", hint=f"Settings are: {allowed}.")
    try:
        if name in _INT_SETTINGS:
            value: Any = int(raw)
            if value < 0:
                raise ValueError
            return value
        if name in _FLOAT_SETTINGS:
            value = float(raw)
            if value <= 0:
                raise ValueError
            return value
    except ValueError:
        kind = "a whole number ≥ 0" if name in _INT_SETTINGS else "a number of seconds > 0"
        raise ConfigError(f"Setting '{name}' must be {kind}, not '{raw}'.") from None
    return raw


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"Config file {path} is not valid TOML: {error}.",
            hint="Fix or delete the file; it was left as it is.",
        ) from None


def load_config(path: Path | None = None) -> ConfigFile:
    """Read the config file; a missing file is an empty config."""
    path = path or config_path()
    try:
        data = _load_toml(path)
    except FileNotFoundError:
        return ConfigFile()
    except PermissionError:
        raise ConfigError(f"Cannot read config file {path}: permission denied.") from None
    return _validate(data, path)


def _validate(data: dict[str, Any], path: Path) -> ConfigFile:
    default = data.get("default_profile", DEFAULT_PROFILE)
    profiles = data.get("profiles", {})
    if not isinstance(default, str) or not isinstance(profiles, dict):
        raise ConfigError(
            f"Config file {path} has an unexpected layout.",
            hint="Fix or delete the file; it was left as it is.",
        )
    for name, settings in profiles.items():
        if not isinstance(settings, dict):
            raise ConfigError(
                f"Config file {path}: profile '{name}' must be a table.",
                hint="Fix or delete the file; it was left as it is.",
            )
    return ConfigFile(default_profile=default, profiles={k: dict(v) for k, v in profiles.items()})


def tighten_permissions(path: Path) -> bool:
    """Make an existing config file 0600; True when it was looser (the caller warns)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if os.name != "posix" or mode & 0o077 == 0:
        return False
    path.chmod(0o600)
    return True


def _ensure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        directory.chmod(0o700)


@contextlib.contextmanager
def _exclusive_lock(directory: Path) -> Iterator[None]:
    lock_path = directory / ".config.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows has no flock; rename is still atomic
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def write_config_atomically(config: ConfigFile, path: Path) -> None:
    """Write ``config`` to ``path`` through a 0600 temp file, fsync and rename."""
    import tomli_w

    payload = tomli_w.dumps(config.to_toml_dict()).encode()
    # mkstemp creates the file 0600 whatever the umask.
    fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if os.name == "posix":
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def editing_config(path: Path | None = None) -> Iterator[ConfigFile]:
    """Read-modify-write the config under an exclusive lock.

    The block edits the yielded :class:`ConfigFile`; it is written only when the
    block finishes without an exception, so a failure leaves the file untouched.
    """
    path = path or config_path()
    _ensure_dir(path.parent)
    with _exclusive_lock(path.parent):
        config = load_config(path)
        yield config
        write_config_atomically(config, path)
