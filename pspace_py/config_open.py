"""Opening the config file as it was found, and reading it only if it is what it should be.

pspace changes no file it did not create, and waits on nothing: the file is opened once,
without blocking (a FIFO there must not hang the command) and without following a symlink
that was not one a moment before; only a regular file of at most :data:`MAX_CONFIG_BYTES`
is read. Tightening its mode goes through the same open file, and only for the user's own
file: never behind a symlink (:meth:`OpenedConfig.tighten`).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from pspace_py.errors import ConfigError

FIX_HINT = "Fix or delete the file; it was left as it is."
DIR_HINT = "Set PSPACE_CONFIG_DIR to a directory you own."
# A config is a few hundred bytes; anything this large is something else.
MAX_CONFIG_BYTES = 1024 * 1024
# Not on every platform (Windows has none of them).
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class OpenedConfig:
    """The config file, open for reading, as it was found (whatever replaces it meanwhile)."""

    def __init__(self, path: Path, fd: int, behind_symlink: bool) -> None:
        self.path = path
        self.fd = fd
        self.behind_symlink = behind_symlink
        self.stat = os.fstat(fd)

    def read(self) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CONFIG_BYTES:
            chunk = os.read(self.fd, 64 * 1024)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        raise _too_large(self.path)

    def tighten(self) -> list[str]:
        """Make the file 0600 if it is pspace's to change; what was done, as warnings."""
        mode = stat.S_IMODE(self.stat.st_mode)
        if os.name != "posix" or mode & 0o077 == 0:
            return []
        shown = f"Config file {self.path}"
        if self.behind_symlink:
            target = os.path.realpath(self.path)
            return [
                f"{shown} is a symlink to {target}, which other users can open (mode "
                f"{mode:04o}); pspace does not change a file behind a symlink. Fix it with "
                f"'chmod 600 {target}'."
            ]
        if self.stat.st_uid != os.geteuid():
            return [
                f"{shown} belongs to another user and others can open it (mode {mode:04o}); "
                "it was left as it is."
            ]
        try:
            os.fchmod(self.fd, 0o600)
        except OSError as error:
            return [
                f"{shown} can be read by other users and could not be made private "
                f"({error.strerror}). Fix it with 'chmod 600 {self.path}'."
            ]
        return [
            f"{shown} was open to other users (mode {mode:04o}); it is now 0600. "
            "If anyone else can use this machine, consider replacing the API keys in it."
        ]


@contextlib.contextmanager
def opened_config(path: Path) -> Iterator[OpenedConfig | None]:
    """``path`` open for reading if it is a regular file; None when there is no file."""
    try:
        behind_symlink = stat.S_ISLNK(os.lstat(path).st_mode)
        # O_NONBLOCK: opening a FIFO must not wait for a writer. A symlink is followed (a
        # dotfile manager's), anything else is not (it was not one a moment ago).
        flags = os.O_RDONLY | O_NONBLOCK | O_CLOEXEC | (0 if behind_symlink else O_NOFOLLOW)
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        if path.parent.exists() and not path.parent.is_dir():
            raise ConfigError(
                f"Config directory {path.parent} is not a directory.", hint=DIR_HINT
            ) from None
        yield None
        return
    except PermissionError:
        raise ConfigError(f"Cannot read config file {path}: permission denied.") from None
    except OSError as error:
        raise ConfigError(f"Cannot read config file {path}: {error.strerror}.") from None
    try:
        opened = OpenedConfig(path, fd, behind_symlink)
        kind = _file_kind(opened.stat.st_mode)
        if kind is not None:
            raise ConfigError(
                f"Config file {path} is {kind}, not a regular file; pspace reads only a "
                "regular file there.",
                hint=FIX_HINT,
            )
        if opened.stat.st_size > MAX_CONFIG_BYTES:
            raise _too_large(path)
        yield opened
    finally:
        os.close(fd)


def _file_kind(mode: int) -> str | None:
    """What a file that is not a regular file is (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a regular file")


def _too_large(path: Path) -> ConfigError:
    return ConfigError(
        f"Config file {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB; it is not a pspace "
        "config.",
        hint=FIX_HINT,
    )
