"""The one way JSON reaches stdout: 2-space indented, written as it is encoded.

:func:`write_value` and :func:`write_array` write what ``json.dumps(obj, indent=2,
ensure_ascii=False)`` gives, but for DEL and the C1 controls, which are written as ``\\u``
escapes (:data:`TERMINAL_SAFE`). An array is written item by item, so a list of any length
costs the memory of one item.

The standard library only has a C encoder for compact output; with ``indent`` it falls
back to a generator-based Python encoder, which made encoding, not the API, the cost of
``pspace machine list --all --json`` over thousands of machines. This encoder handles the
plain JSON types (what ``json.loads`` gives back) two to three times faster, using the
C-accelerated string escaper. Anything else (subclasses, tuples, non-string keys, custom
objects, cycles) is handed to ``json.dumps`` itself, so its output and errors stay the
reference.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring
from typing import Any, TextIO

# JSON allows DEL and the C1 controls raw inside strings, but a terminal acts on them
# (U+009B starts an escape sequence): write them as \u escapes, which parse the same.
TERMINAL_SAFE = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}

_INFINITY = float("inf")
_int_repr = int.__repr__
_float_repr = float.__repr__
# Encoded '"key": ' prefixes: list items share their keys, so most are seen thousands of times.
_KEYS: dict[str, str] = {}
_MAX_CACHED_KEYS = 4096


class _NotPlainError(Exception):
    """Met something other than dict, list, str, int, float, bool or None."""


def dumps_indented(obj: Any, indent: str = "") -> str:
    """``obj`` as 2-space indented JSON, every line after the first prefixed with ``indent``.

    ``indent + dumps_indented(obj, indent)`` equals ``json.dumps(obj, indent=2,
    ensure_ascii=False)`` with ``indent`` put before every line.
    """
    try:
        return _value(obj, indent)
    except (_NotPlainError, RecursionError):
        try:
            text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
        except ValueError as error:
            if "not JSON compliant" not in str(error):  # a cycle, say: as json.dumps fails
                raise
            # A NaN or infinity somewhere: null, as above.
            text = json.dumps(_finite(obj), indent=2, ensure_ascii=False)
        return text.replace("\n", "\n" + indent) if indent else text


def _finite(obj: Any) -> Any:
    """``obj`` with every NaN and infinity made None (the rare path: not plain JSON types)."""
    if isinstance(obj, float):
        return obj if obj - obj == 0 else None
    if isinstance(obj, dict):
        return {key: _finite(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(item) for item in obj]
    return obj


def _value(value: Any, indent: str) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return _int_repr(value)
    if kind is float:
        return _float(value)
    if kind is dict:
        return _object(value, indent)
    if kind is list:
        return _array(value, indent)
    raise _NotPlainError


def _float(value: float) -> str:
    # NaN and the infinities are not JSON: null, as JSON.stringify (the official CLI) writes
    # them. (The API's answers cannot hold them, api/decode.py; 1e999 reads as infinity.)
    if value != value or value in (_INFINITY, -_INFINITY):
        return "null"
    return _float_repr(value)


def _object(obj: dict[Any, Any], indent: str) -> str:
    if not obj:
        return "{}"
    inner = indent + "  "
    parts: list[str] = []
    append = parts.append
    keys = _KEYS
    for key, value in obj.items():
        prefix = keys.get(key) if type(key) is str else None
        if prefix is None:
            if type(key) is not str:
                raise _NotPlainError
            prefix = encode_basestring(key) + ": "
            if len(keys) < _MAX_CACHED_KEYS:
                keys[key] = prefix
        # The common leaf types inline: this loop is where the time goes.
        kind = type(value)
        if kind is str:
            append(prefix + encode_basestring(value))
        elif value is None:
            append(prefix + "null")
        elif value is True:
            append(prefix + "true")
        elif value is False:
            append(prefix + "false")
        elif kind is int:
            append(prefix + _int_repr(value))
        else:
            append(prefix + _value(value, inner))
    return "{\n" + inner + (",\n" + inner).join(parts) + "\n" + indent + "}"


def _array(items: list[Any], indent: str) -> str:
    if not items:
        return "[]"
    inner = indent + "  "
    return (
        "[\n"
        + inner
        + (",\n" + inner).join([_value(item, inner) for item in items])
        + "\n"
        + indent
        + "]"
    )


def write_value(stream: TextIO, obj: Any) -> None:
    """``obj`` as indented JSON and a newline."""
    stream.write(dumps_indented(obj).translate(TERMINAL_SAFE))
    stream.write("\n")
    stream.flush()


def write_array(stream: TextIO, items: Iterable[Any]) -> int:
    """A JSON array written item by item as ``items`` yields them; returns how many."""
    count = 0
    write = stream.write
    for item in items:
        write("[\n  " if count == 0 else ",\n  ")
        write(dumps_indented(item, "  ").translate(TERMINAL_SAFE))
        count += 1
    write("\n]\n" if count else "[]\n")
    stream.flush()
    return count


def write_page(
    stream: TextIO,
    items: Iterable[Any],
    *,
    has_more: bool,
    next_page: str | None,
    keys: Sequence[str] = ("hasMore", "items", "nextPage"),
) -> int:
    """A list envelope ``{"hasMore", "items", "nextPage"}`` in the order ``keys`` gives, the
    items written one by one as they arrive; returns how many."""
    values = {"hasMore": has_more, "nextPage": next_page}
    write = stream.write
    count = 0
    for position, key in enumerate(keys):
        write(("{\n  " if position == 0 else ",\n  ") + encode_basestring(key) + ": ")
        if key != "items":
            write(dumps_indented(values[key], "  ").translate(TERMINAL_SAFE))
            continue
        for item in items:
            write("[\n    " if count == 0 else ",\n    ")
            write(dumps_indented(item, "    ").translate(TERMINAL_SAFE))
            count += 1
        write("\n  ]" if count else "[]")
    write("\n}\n")
    stream.flush()
    return count
