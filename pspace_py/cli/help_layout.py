"""How help text is laid out: two aligned columns, wrapping that never cuts a token, and
example lines cut at token boundaries (pspace_py/cli/help.py draws the page's parts with it).

Option names and values are never cut: a name too long for its column puts its help on the
next line, and words are wrapped whole (no split at hyphens, nothing broken inside ``[...]``,
a ``{choice|list}`` or a quoted word).
"""

from __future__ import annotations

import re
import shlex
import textwrap
from collections.abc import Iterable, Iterator

INDENT = "  "
COLUMN_MAX = 30
COLUMN_GAP = 2
# A space that wrapping does not break at: it keeps "[default: 3]" and the like whole.
_KEEP = "\xa0"
_BRACKETED = re.compile(r"\[[^\[\]]{1,30}\]|\{[^{}]{1,30}\}|'[^']{1,30}'")
# Shell operators in an example stay as typed (quoting them would change the line).
SHELL_OPERATORS = frozenset({"<", ">", ">>", "|", "&&", "||", ";", "2>", "2>&1"})
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def rows(pairs: Iterable[tuple[str, str]], width: int) -> Iterator[str]:
    """Two columns: a name that fits COLUMN_MAX has its help beside it, a longer one above it."""
    listed = list(pairs)
    first = min(max((width_of(name) for name, _ in listed), default=0), COLUMN_MAX)
    help_start = len(INDENT) + first + COLUMN_GAP
    help_width = max(width - help_start, 20)
    for name, text in listed:
        lines = wrap(text, help_start + help_width, " " * help_start) if text else []
        if width_of(name) <= first:
            head = f"{INDENT}{name}{' ' * (first - width_of(name) + COLUMN_GAP)}"
            if lines:
                yield head + lines[0][help_start:]
                yield from lines[1:]
            else:
                yield f"{INDENT}{name}\n"
        else:
            yield from wrap(name, width, INDENT + "    ", first=INDENT)
            yield from lines


def example_lines(examples: Iterable[tuple[str, str]], width: int) -> Iterator[str]:
    for index, (comment, line) in enumerate(examples):
        if index:
            yield "\n"
        if comment:
            yield from wrap(f"# {comment}", width, INDENT + "# ", first=INDENT)
        yield from shell_lines(line, width)


def shell_lines(line: str, width: int) -> Iterator[str]:
    """``$ pspace ...`` cut at token boundaries, each cut continued with a backslash."""
    tokens = [t if t in SHELL_OPERATORS else shlex.quote(t) for t in shlex.split(line)]
    current = f"{INDENT}$ "
    lead = f"{INDENT}    "
    for token in tokens:
        if current.strip() not in ("$", "") and len(current) + len(token) + 2 > width:
            yield current.rstrip() + " \\\n"
            current = lead
        current += token + " "
    yield current.rstrip() + "\n"


def paragraphs(text: str, width: int) -> Iterator[str]:
    for index, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        if index:
            yield "\n"
        if paragraph.startswith("\b"):
            for line in paragraph[1:].strip("\n").splitlines():
                yield f"{INDENT}{line}\n"
        else:
            yield from wrap(" ".join(paragraph.split()), width, INDENT, first=INDENT)


def wrap(text: str, width: int, indent: str, *, first: str | None = None) -> list[str]:
    """``text`` wrapped at spaces only; a short ``[...]`` or ``{...}`` stays on one line."""
    kept = _BRACKETED.sub(lambda m: m.group().replace(" ", _KEEP), text)
    wrapper = textwrap.TextWrapper(
        width=max(width, len(indent) + 20),
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line.replace(_KEEP, " ") + "\n" for line in wrapper.wrap(kept)]


def width_of(text: str) -> int:
    return len(_ANSI.sub("", text))
