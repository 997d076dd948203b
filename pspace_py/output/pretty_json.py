"""The one way JSON reaches stdout: 2-space indented UTF-8, written as it is encoded.

orjson encodes (``OPT_INDENT_2``: the layout of ``json.dumps(obj, indent=2,
ensure_ascii=False)``, numbers spelled as JavaScript's ``JSON.stringify`` spells them,
NaN and the infinities as ``null``). What orjson does not take (an integer beyond 64 bits,
a key that is not a string, nesting deeper than 255, a lone surrogate, an object of another
type) goes through ``json.dumps`` instead, so its output and its errors are the reference
there. DEL and the C1 controls are written as ``\\u`` escapes: JSON allows them raw in a
string, but a terminal acts on them (U+009B starts an escape sequence).

A list is encoded item by item and written in blocks of 64 KiB (to a terminal, item by item),
so a list of any length costs the memory of one block. docs/performance.md has the
measurement against the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

import orjson

_OPTIONS = orjson.OPT_INDENT_2
# DEL is one byte in UTF-8; U+0080..U+009F are C2 80..C2 9F.
_TERMINAL_ACTS_ON = re.compile(rb"\x7f|\xc2[\x80-\x9f]")
# Encoded items are written in blocks of about this size (to a terminal: one by one): stdout's
# own buffer cannot be relied on (under PYTHONUNBUFFERED, common in containers, every write is
# a system call).
_BLOCK_BYTES = 64 * 1024


def encode(obj: Any, indent: bytes = b"") -> bytes:
    """``obj`` as 2-space indented JSON, every line after the first prefixed with ``indent``."""
    try:
        data = orjson.dumps(obj, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        data = _standard_library(obj)
    if b"\x7f" in data or b"\xc2" in data:
        data = _TERMINAL_ACTS_ON.sub(_escape, data)
    return data.replace(b"\n", b"\n" + indent) if indent else data


def _escape(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode())


def _standard_library(obj: Any) -> bytes:
    import json

    try:
        text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        if "not JSON compliant" not in str(error):  # a cycle, say: as json.dumps fails
            raise
        # A NaN or infinity somewhere: null, as above.
        text = json.dumps(_finite(obj), indent=2, ensure_ascii=False)
    # A lone surrogate cannot be UTF-8: its \u escape, as JSON.stringify writes it.
    return text.encode("utf-8", "backslashreplace")


def _finite(obj: Any) -> Any:
    """``obj`` with every NaN and infinity made None (the rare path: not plain JSON types)."""
    if isinstance(obj, float):
        return obj if obj - obj == 0 else None
    if isinstance(obj, dict):
        return {key: _finite(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(item) for item in obj]
    return obj


class _BlockWriter:
    """UTF-8 bytes to ``stream`` in blocks: to its binary buffer, after what was already
    written to it as text, or (a text-only stream) as text."""

    def __init__(self, stream: TextIO) -> None:
        buffer = getattr(stream, "buffer", None)
        self._write: Callable[[bytes], Any]
        if buffer is None:
            self._write, self._flush = (lambda data: stream.write(data.decode())), stream.flush
        else:
            stream.flush()
            self._write, self._flush = buffer.write, buffer.flush
        self._parts: list[bytes] = []
        self._size = 0
        # Someone watching a terminal sees each item as it comes.
        self._block = 1 if _isatty(stream) else _BLOCK_BYTES

    def write(self, data: bytes) -> None:
        self._parts.append(data)
        self._size += len(data)
        if self._size >= self._block:
            self._write_block()

    def _write_block(self) -> None:
        if self._parts:
            self._write(b"".join(self._parts))
            self._parts.clear()
            self._size = 0
            if self._block == 1:
                self._flush()

    def close(self) -> None:
        """Write what is pending (also when the items failed midway) and flush."""
        self._write_block()
        self._flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def write_value(stream: TextIO, obj: Any) -> None:
    """``obj`` as indented JSON and a newline."""
    out = _BlockWriter(stream)
    out.write(encode(obj) + b"\n")
    out.close()


def write_array(stream: TextIO, items: Iterable[Any]) -> int:
    """A JSON array written item by item as ``items`` yields them; returns how many."""
    out = _BlockWriter(stream)
    count = 0
    try:
        for item in items:
            out.write((b",\n  " if count else b"[\n  ") + encode(item, b"  "))
            count += 1
        out.write(b"\n]\n" if count else b"[]\n")
    finally:
        out.close()
    return count


def write_page(
    stream: TextIO,
    items: Iterable[Any],
    *,
    has_more: bool,
    next_page: str | None,
    keys: Sequence[str] = ("hasMore", "items", "nextPage"),
    resume: Callable[[], str | None] | None = None,
) -> int:
    """A list envelope ``{"hasMore", "items", "nextPage"}`` in the order ``keys`` gives, the
    items written one by one as they arrive; returns how many.

    With ``resume`` (``items`` first in ``keys``), reading the items may fail part of the way:
    the envelope is still closed, with the items written so far, ``"hasMore": true`` and
    ``"nextPage": resume()`` (the cursor to go on from), and then the error is raised."""
    values = {"hasMore": has_more, "nextPage": next_page}
    out = _BlockWriter(stream)
    count = 0
    failure: Exception | None = None
    try:
        for position, key in enumerate(keys):
            out.write((b",\n  " if position else b"{\n  ") + orjson.dumps(key) + b": ")
            if key != "items":
                out.write(encode(values[key], b"  "))
                continue
            try:
                for item in items:
                    out.write((b",\n    " if count else b"[\n    ") + encode(item, b"    "))
                    count += 1
            except Exception as error:
                if resume is None:
                    raise
                failure, values = error, {"hasMore": True, "nextPage": resume()}
            out.write(b"\n  ]" if count else b"[]")
        out.write(b"\n}\n")
    finally:
        out.close()
    if failure is not None:
        raise failure
    return count
