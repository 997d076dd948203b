"""Turning API values into text a person can read safely.

Everything shown comes from the network, so every string is stripped of
terminal control sequences before it reaches a terminal.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A value from the API is one cell: a newline in it must not start a row of its own.
_LINE_BREAKS = str.maketrans({"\n": "\\n", "\t": "\\t"})
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
# Sizes as the API and the console write them: "8 GB" of RAM is 8 x 1024^3 bytes.
_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")
_REGION_CODE = re.compile(r"\(([A-Za-z0-9]+)\)\s*$")
MISSING = "-"


def plural(count: int, noun: str) -> str:
    """``1 machine``, ``2 machines``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def sanitize(text: str) -> str:
    """Neutralise control characters (ESC, BEL, CR, ...) by showing them escaped."""
    return _CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


# A word (a run of non-spaces) longer than this is shown cut, with its length: what the user
# typed or the API sent can be any size, and a message or a cell must stay readable.
LONGEST_WORD = 300
_KEPT = 100
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def bounded(text: str) -> str:
    """``text`` with every word longer than :data:`LONGEST_WORD` cut (``aaaa...(100000
    characters)``), for people: JSON and ``-q`` IDs are never cut."""
    if len(text) <= LONGEST_WORD:
        return text
    return _LONG_WORD.sub(lambda m: f"{m.group()[:_KEPT]}...({len(m.group())} characters)", text)


def one_line(text: str) -> str:
    """:func:`sanitize`, and newlines and tabs shown escaped too: for one table cell."""
    return sanitize(text).translate(_LINE_BREAKS)


def region_code(value: Any) -> str:
    """``East Coast (NY2)`` -> ``NY2``: what a table has room for (records keep the name)."""
    if not isinstance(value, str):
        return format_value(value)
    match = _REGION_CODE.search(value)
    return match.group(1) if match else one_line(value)


def format_bytes(value: Any) -> str:
    """Bytes in the largest unit that keeps the number at 1 or more (``8 GB``, ``1.5 TB``)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return format_value(value)
    amount = float(value)
    for unit in _BYTE_UNITS:
        if abs(amount) < 1024 or unit == _BYTE_UNITS[-1]:
            text = f"{amount:.1f}".rstrip("0").rstrip(".") if unit != "B" else str(int(amount))
            return f"{text} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def format_datetime(value: str) -> str:
    """``2024-01-02T03:04:05.000Z`` -> ``2024-01-02 03:04 UTC``."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return sanitize(value)
    if moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0:  # type: ignore[union-attr]
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M %z").strip()


def format_value(value: Any) -> str:
    """The default cell text for any JSON value."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            return format_datetime(value)
        return bounded(one_line(value))
    if isinstance(value, list):
        return ", ".join(format_value(item) for item in value) if value else MISSING
    if isinstance(value, dict):
        import json

        return sanitize(json.dumps(value, separators=(",", ":")))
    return bounded(one_line(str(value)))


def pick(obj: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path (``accelerators.0.name``); ``default`` when the path leads
    nowhere (a key the object lacks, an index past the end, a step through null)."""
    current = obj
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(current) <= index < len(current):
                return default
            current = current[index]
        else:
            return default
    return current
