"""Where the config file lives and how it is read and written (what it means: config.py).

The file lives in platformdirs' user config dir for ``pspace-py``, or in
``$PSPACE_CONFIG_DIR``. Writes hold an exclusive lock on a sibling lock file,
write a temporary file created 0600, fsync it and rename it over the old one,
so a crash or a concurrent writer never leaves a truncated file. A directory
pspace creates is 0700; one that exists is left as it is. Reading tightens a
config file of the user's own that other users could open (never one behind a
symlink), and records a warning for the CLI to show. A file that is not valid
TOML is reported with its line and column and never rewritten; anything but a
regular file is refused without being read. Every problem with the file is a
:class:`ConfigError`, exit 2.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pspace_py.config_open import (
    DIR_HINT,
    FIX_HINT,
    O_CLOEXEC,
    O_NOFOLLOW,
    O_NONBLOCK,
    opened_config,
)
from pspace_py.errors import ConfigError, ExitCode

APP_NAME = "pspace-py"
CONFIG_FILE_NAME = "config.toml"
LOCK_FILE_NAME = ".config.lock"
DEFAULT_PROFILE = "default"
# How long a writer waits for another writer before giving up.
LOCK_TIMEOUT_SECONDS = 10.0
_LOCK_POLL_SECONDS = 0.02


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
    # Top-level keys this version does not know, kept so that a write never drops them.
    extra: dict[str, Any] = field(default_factory=dict)
    # Where it was read from (None: built in memory), for messages about its values.
    path: Path | None = None
    # Problems found (and fixed) while reading, for the CLI to show as warnings.
    warnings: list[str] = field(default_factory=list)

    def profile(self, name: str) -> dict[str, Any]:
        return self.profiles.get(name, {})

    def drain_warnings(self) -> list[str]:
        """The warnings not yet shown; each is returned once, so it is shown once."""
        pending, self.warnings = self.warnings, []
        return pending

    def to_toml_dict(self) -> dict[str, Any]:
        profiles = {
            name: {key: value for key, value in settings.items() if value is not None}
            for name, settings in self.profiles.items()
        }
        return {**self.extra, "default_profile": self.default_profile, "profiles": profiles}


# -- reading -----------------------------------------------------------------


_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _describe_toml_error(error: Exception, text: str) -> str:
    """tomllib's message with the position said plainly: "line 3, column 7: Invalid value"."""
    message = str(error)
    position = _POSITION.search(message)
    if position:
        reason = message[: position.start()]
        return f"line {position.group(1)}, column {position.group(2)}: {reason}"
    at_end = _AT_END.search(message)
    if at_end:
        last_line = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        return f"line {max(last_line, 1)} (end of file): {message[: at_end.start()]}"
    return message


def _parse_toml(raw: bytes, path: Path) -> dict[str, Any]:
    from pspace_py.toml_reader import tomllib as toml_module

    tomllib = toml_module()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"Config file {path} is not valid TOML: line {line}: the file is not UTF-8 text.",
            hint=FIX_HINT,
        ) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"Config file {path} is not valid TOML: {_describe_toml_error(error, text)}.",
            hint=FIX_HINT,
        ) from None
    except RecursionError:
        raise ConfigError(
            f"Config file {path} nests tables or arrays too deeply to be a pspace config.",
            hint=FIX_HINT,
        ) from None
    return data


def load_config(path: Path | None = None) -> ConfigFile:
    """Read the config file; a missing file is an empty config.

    Only a regular file is read (a FIFO, device or directory is refused at once, never
    waited on), and at most :data:`MAX_CONFIG_BYTES` of it. A file other users could open
    is made 0600 once it has been read as a config, with a warning recorded in
    ``ConfigFile.warnings``; a file behind a symlink, or someone else's, is only warned
    about: pspace changes no file it did not create.
    """
    path = path or config_path()
    with opened_config(path) as opened:
        if opened is None:
            return ConfigFile(path=path)
        config = _validate(_parse_toml(opened.read(), path), path)
        config.warnings = opened.tighten()
    return config


def _validate(data: dict[str, Any], path: Path) -> ConfigFile:
    default = data.get("default_profile", DEFAULT_PROFILE)
    profiles = data.get("profiles", {})
    if not isinstance(default, str) or not isinstance(profiles, dict):
        raise ConfigError(
            f"Config file {path} has an unexpected layout: 'default_profile' must be a string "
            "and 'profiles' a table.",
            hint=FIX_HINT,
        )
    for name, settings in profiles.items():
        if not isinstance(settings, dict):
            raise ConfigError(
                f"Config file {path}: profile '{name}' must be a table.", hint=FIX_HINT
            )
    extra = {k: v for k, v in data.items() if k not in {"default_profile", "profiles"}}
    return ConfigFile(
        default_profile=default,
        profiles={name: dict(settings) for name, settings in profiles.items()},
        extra=extra,
        path=path,
    )


# -- writing -----------------------------------------------------------------


def _ensure_private_dir(directory: Path) -> None:
    """Create the config directory 0700 if there is none; one that exists is left as it is
    (``PSPACE_CONFIG_DIR`` may name a directory others use: pspace did not create it)."""
    try:
        directory.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        if not directory.is_dir():
            raise ConfigError(
                f"Cannot prepare config directory {directory}: it is not a directory.",
                hint=DIR_HINT,
            ) from None
        return
    except OSError as error:
        raise ConfigError(
            f"Cannot prepare config directory {directory}: {error.strerror or error}.",
            hint=DIR_HINT,
        ) from None
    if os.name == "posix":  # created here: private whatever the umask
        with contextlib.suppress(OSError):
            directory.chmod(0o700)


@contextlib.contextmanager
def _exclusive_lock(directory: Path) -> Iterator[None]:
    """Hold the config directory's lock; wait at most LOCK_TIMEOUT_SECONDS for it."""
    lock_path = directory / LOCK_FILE_NAME
    try:
        # Never through a symlink, never waiting on a FIFO: the lock is pspace's own file.
        flags = os.O_RDWR | os.O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
        fd = os.open(lock_path, flags, 0o600)
    except OSError as error:
        raise ConfigError(
            f"Cannot open lock file {lock_path}: {error.strerror}.", hint=DIR_HINT
        ) from None
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows has no flock; rename is still atomic
            yield
            return
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ConfigError(
                        f"Another pspace is changing {directory / CONFIG_FILE_NAME}.",
                        hint="Try again in a moment.",
                        exit_code=ExitCode.GENERAL,  # busy, not wrong
                    ) from None
                time.sleep(_LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _real_target(path: Path) -> Path:
    """Write through a symlinked config file (dotfile managers) instead of replacing the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_config_atomically(config: ConfigFile, path: Path) -> None:
    """Write ``config`` to ``path`` through a 0600 temp file, fsync and rename.

    Until the rename, the old file is untouched; if anything fails before it,
    the temp file is removed.
    """
    import tomli_w

    target = _real_target(path)
    try:
        payload = tomli_w.dumps(config.to_toml_dict()).encode()
    except RecursionError:  # read, but nested too deeply to write back (a few hundred levels)
        raise ConfigError(
            f"Config file {path} nests tables or arrays too deeply to be written back.",
            hint=FIX_HINT,
        ) from None
    try:
        # mkstemp creates the file 0600 whatever the umask.
        import tempfile  # only writes pay for it

        fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise ConfigError(f"Cannot write config file {path}: {error.strerror}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(error, OSError):
            raise ConfigError(
                f"Cannot write config file {path}: {error.strerror or error}.",
                hint="The previous file was left as it was.",
            ) from None
        raise
    if os.name == "posix":
        with contextlib.suppress(OSError):
            dir_fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


@contextlib.contextmanager
def editing_config(path: Path | None = None) -> Iterator[ConfigFile]:
    """Read-modify-write the config under an exclusive lock.

    The block edits the yielded :class:`ConfigFile`; it is written only when the
    block finishes without an exception and changed something, so a failure
    leaves the file untouched.
    """
    path = path or config_path()
    _ensure_private_dir(path.parent)
    with _exclusive_lock(path.parent):
        config = load_config(path)
        before = copy.deepcopy(config.to_toml_dict())
        yield config
        if config.to_toml_dict() != before:
            write_config_atomically(config, path)
