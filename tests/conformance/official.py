"""The official CLI's commands and flags, as its source declares them (data/official_cli.json).

`wire_name` answers "under which query parameter or body key does the official CLI send this
flag's value", read from the command's API call in the same file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
_FLAG_EXPRESSION = re.compile(r'^flags(?:\.([\w]+)|\["([\w-]+)"\])$')
_PARSED_EXPRESSION = re.compile(r"^parsed(\w+)\.data$")


@dataclass(frozen=True)
class Flag:
    long: str
    short: str | None
    type: str  # string | number | boolean | enum | array
    enum: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class Command:
    name: str  # "machine create"
    current: bool  # False: the docs' legacy `template` group (official CLI <= 1.9.2)
    takes_id: bool
    flags: tuple[Flag, ...]
    http: tuple[str, str]  # ("POST", "/machines"): the call that carries the flags
    params: dict[str, str]  # API field -> the CLI expression it is sent from

    def wire_name(self, flag: Flag) -> str | None:
        """The API field the official CLI sends `flag` as (None: it sends it nowhere)."""
        for field, expression in self.params.items():
            if _flag_of(expression) == flag.long:
                return field
        return None


def _flag_of(expression: str) -> str | None:
    found = _FLAG_EXPRESSION.match(expression)
    if found:
        return "--" + (found.group(1) or found.group(2))
    parsed = _PARSED_EXPRESSION.match(expression)
    if parsed:  # parsedPublicIpType.data: the --public-ip-type flag, checked against its enum
        return "--" + re.sub(r"(?<!^)([A-Z])", r"-\1", parsed.group(1)).lower()
    if expression == 'flags.asc ? "asc" : undefined':
        return "--asc"
    if re.fullmatch(r"[a-z]+", expression):  # a local copy of the flag (public-ip claim)
        return "--" + expression
    return None


def _flag(entry: dict[str, Any]) -> Flag:
    return Flag(
        long=entry["long"],
        short=entry.get("short"),
        type=entry["type"],
        enum=tuple(entry.get("enum") or ()),
        required=bool(entry.get("required")),
    )


@cache
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "official_cli.json").read_text())
    return loaded


@cache
def commands() -> dict[str, Command]:
    found = {}
    for name, entry in data()["commands"].items():
        if not entry["present_in_current_official"]:
            # `template x` (<= 1.9.2) had custom-template's flags on /templates, a route the
            # API no longer has; pspace-py's `template` is custom-template under that name.
            entry = {**entry, "api": data()["commands"]["custom-" + name]["api"]}
        calls = [call for call in entry["api"] if "when" not in call]
        method, path = calls[0]["http"].split(" ", 1)
        found[name] = Command(
            name=name,
            current=entry["present_in_current_official"],
            takes_id=bool(entry["args"]),
            flags=tuple(_flag(f) for f in entry["flags"]),
            http=(method, path),
            params=dict(calls[0].get("params") or {}),
        )
    return found


@cache
def global_flags() -> tuple[Flag, ...]:
    return tuple(_flag(f) for f in data()["global"])
