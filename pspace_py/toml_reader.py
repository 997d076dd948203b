"""Reading TOML on every supported Python: tomllib from 3.11, its backport tomli on 3.10.

Imported only where a TOML file is read, so a run without one never loads the parser.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Protocol


class TomlParser(Protocol):
    """What both modules offer: ``loads`` and the error it raises."""

    @property
    def TOMLDecodeError(self) -> type[ValueError]: ...  # noqa: N802 - the modules' name

    def loads(self, s: str, /, *, parse_float: Callable[[str], Any] = ...) -> dict[str, Any]: ...


def tomllib() -> TomlParser:
    """The TOML parser module."""
    if sys.version_info >= (3, 11):
        import tomllib as parser
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as parser
    return parser
