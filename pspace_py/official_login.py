"""The keys other Paperspace tools stored: read when pspace-py has none, never written.

The official CLI (Paperspace/cli) keeps its login in ``$HOME/.paperspace``:
``credentials.toml`` (``version = 1`` and a ``[keys]`` table, team name -> API key;
src/credentials.ts) and ``config.toml`` (``team``, the current team, absent after a logout;
src/config.ts). It uses the current team's key (src/commands/mod.ts), and so does pspace-py.
Older Paperspace tools wrote ``$HOME/.paperspace/config.json`` (``{"apiKey": "..."}``), which
SkyPilot still reads (sky/provision/paperspace/utils.py). The official CLI has no variable
that moves the directory; it follows ``$HOME``.

Nothing here creates, changes or chmods these files: they belong to the other tools.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from pspace_py.errors import ConfigError

DIRECTORY = ".paperspace"
_HINT = (
    "Fix or remove it with the tool that wrote it, or give pspace its own key "
    "('pspace login' or PAPERSPACE_API_KEY)."
)


class StoredKey(NamedTuple):
    key: str
    # Where it came from, as `whoami` shows it: the file, and the team when the file says.
    source: str
    team: str | None


def paperspace_dir() -> Path:
    return Path.home() / DIRECTORY


def official_cli_key() -> StoredKey | None:
    """The official CLI's key for its current team (None: not logged in there)."""
    directory = paperspace_dir()
    config = _read_toml(directory / "config.toml")
    team = config.get("team") if config is not None else None
    if team is None:
        return None
    if not isinstance(team, str):
        raise _unreadable(directory / "config.toml", "'team' is not a team name")
    path = directory / "credentials.toml"
    credentials = _read_toml(path) or {}
    keys = credentials.get("keys", {})
    if not isinstance(keys, dict):
        raise _unreadable(path, "[keys] is not a table of team names and keys")
    key = keys.get(team)
    if key is None:
        return None
    if not isinstance(key, str):
        raise _unreadable(path, f"the key of team {team} is not a string")
    return StoredKey(key, f"{path} (team {team})", team)


def legacy_key() -> StoredKey | None:
    """The ``apiKey`` of ``~/.paperspace/config.json`` (None: no such file or key)."""
    import json

    path = paperspace_dir() / "config.json"
    text = _read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise _unreadable(path, f"not valid JSON ({error})") from None
    key = data.get("apiKey") if isinstance(data, dict) else None
    if key is None:
        return None
    if not isinstance(key, str):
        raise _unreadable(path, "'apiKey' is not a string")
    return StoredKey(key, str(path), None)


def _read_toml(path: Path) -> dict[str, Any] | None:
    from pspace_py.toml_reader import tomllib

    text = _read_text(path)
    if text is None:
        return None
    parser = tomllib()
    try:
        return parser.loads(text)
    except parser.TOMLDecodeError as error:
        raise _unreadable(path, f"not valid TOML ({error})") from None


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise _unreadable(path, f"cannot be read: {reason}") from None


def _unreadable(path: Path, reason: str) -> ConfigError:
    return ConfigError(f"{path}: {reason}; pspace has no key of its own to use.", hint=_HINT)
