"""The state file on disk, before SQLite opens it: whose file it is, and making a new one private.

A file is sandbox state when its SQLite header carries the sandbox's application ID (written
first, before the switch to WAL, so the main file always has it), or, for files written before
the ID existed, when the main file already holds the sandbox's tables and a `schema_version`.
A `meta` table alone proves nothing: browsers' History and Cookies databases have one.

Everything here reads bytes, or uses an immutable read-only connection, so a file that is not
ours is refused exactly as it was found: no WAL switch, no -wal or -shm file, no lock. A new file
is created at 0600 and each directory created for it at 0700, whatever the umask; nothing that
already exists is ever chmodded.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Literal

from pspace_py.sandbox.errors import SandboxStateError

APPLICATION_ID = 0x70737062  # b"pspb", at offset 68 of the SQLite header
_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_SANDBOX_TABLES = frozenset({"meta", "resources", "ip_leases", "counters", "team_settings"})

# missing: nothing there; empty: a 0-byte file (mktemp's); ours: stamped with the ID;
# unstamped: ours, from before the ID (stamp it when opening for writing).
FileKind = Literal["missing", "empty", "ours", "unstamped"]


def kind_of(path: Path) -> FileKind:
    """What is at `path`; SandboxStateError for anything that is not (or cannot be) our state."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        raise _cannot_open(path, error) from None
    if stat.S_ISDIR(info.st_mode):
        raise SandboxStateError(str(path), f"{path} is a directory, not a sandbox state file.")
    if not stat.S_ISREG(info.st_mode):
        raise SandboxStateError(str(path), f"{path} is not a regular file.")
    if info.st_size == 0:
        return "empty"
    try:
        with path.open("rb") as file:
            header = file.read(_HEADER_SIZE)
    except OSError as error:
        raise _cannot_open(path, error) from None
    if not header.startswith(_MAGIC) or len(header) < _HEADER_SIZE:
        raise _not_state(path, "it is not an SQLite database")
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return "ours"
    if _has_sandbox_tables(path):
        return "unstamped"
    raise _not_state(path, "it is an SQLite database of another program")


def create_private(path: Path) -> None:
    """Create an empty file at 0600 (and its missing directories at 0700); a no-op if it exists."""
    missing = []
    directory = path.parent
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it: not ours to chmod
        except OSError as error:
            raise _cannot_open(path, error) from None
        directory.chmod(0o700)  # the umask may have taken bits away from 0o700
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise _cannot_open(path, error) from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def _has_sandbox_tables(path: Path) -> bool:
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return False
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not tables >= _SANDBOX_TABLES:
            return False
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return row is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _not_state(path: Path, why: str) -> SandboxStateError:
    return SandboxStateError(
        str(path),
        f"{path} is not a pspace sandbox state file ({why}); it was left as it is.",
    )


def _cannot_open(path: Path, error: OSError) -> SandboxStateError:
    return SandboxStateError(
        str(path), f"Cannot open {path} as a sandbox state file: {error.strerror or error}."
    )
