"""All printing happens here: data on stdout, everything else on stderr.

Modes, chosen per command: JSON (``--json``; the API's own objects, streamed,
never wrapped), quiet (``-q``; one ID per line), or a table. Tables are drawn
with rich on a terminal and as plain aligned text otherwise, so pipes never
see colour or box-drawing characters.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

from pspace_py.output.columns import Column, columns_for_fields
from pspace_py.output.format import one_line, pick, sanitize

# JSON allows DEL and the C1 controls raw inside strings, but a terminal acts on them
# (U+009B starts an escape sequence): write them as \u escapes, which parse the same.
_TERMINAL_SAFE_JSON = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
# A state's colour on a terminal: settled states plain or green/red, the rest in motion.
_STATE_STYLES = {
    "ready": "green",
    "done": "green",
    "off": "dim",
    "error": "red",
    "cancelled": "red",
    "ok": "green",
    "failed": "red",
    "-": "",
}
_STYLES = {"error": "1;31", "warning": "33", "success": "32", "hint": "2", "bold": "1"}


def parse_fields(raw: Sequence[str] | None) -> list[str]:
    """``-F id,name -F state`` -> ``["id", "name", "state"]``."""
    fields: list[str] = []
    for entry in raw or ():
        fields.extend(part.strip() for part in entry.split(",") if part.strip())
    return fields


def is_ci() -> bool:
    value = os.environ.get("CI", "")
    return value != "" and value.lower() != "false"


class Output:
    def __init__(
        self,
        *,
        json_mode: bool = False,
        fields: Sequence[str] = (),
        quiet: bool = False,
        no_header: bool = False,
        no_color: bool = False,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.json_mode = json_mode
        self.fields = list(fields)
        self.quiet = quiet
        self.no_header = no_header
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._no_color = no_color or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"

    # -- terminal facts --------------------------------------------------------

    @property
    def stdout_is_tty(self) -> bool:
        return _isatty(self.stdout)

    @property
    def stderr_is_tty(self) -> bool:
        return _isatty(self.stderr)

    @property
    def color(self) -> bool:
        return not self._no_color and self.stdout_is_tty

    @property
    def interactive_stderr(self) -> bool:
        """Whether live lines and spinners may be drawn (never in CI or a pipe)."""
        return self.stderr_is_tty and not is_ci()

    # -- data: stdout ----------------------------------------------------------

    def json(self, data: Any) -> None:
        """Pretty JSON, written directly so nothing can wrap or restyle it."""
        text = json.dumps(self._pick(data), indent=2, ensure_ascii=False)
        self.stdout.write(text.translate(_TERMINAL_SAFE_JSON))
        self.stdout.write("\n")
        self.stdout.flush()

    def json_items(self, items: Iterable[dict[str, Any]]) -> int:
        """Stream a JSON array item by item; returns how many were written.

        Each item is written as soon as it arrives, so memory stays flat however
        many pages are walked. Same text as ``json.dumps(items, indent=2)``.
        """
        from pspace_py.output.pretty_json import dumps_indented

        count = 0
        write = self.stdout.write
        for item in items:
            write("[\n  " if count == 0 else ",\n  ")
            write(dumps_indented(self._pick(item), "  ").translate(_TERMINAL_SAFE_JSON))
            count += 1
        write("\n]\n" if count else "[]\n")
        self.stdout.flush()
        return count

    def ids(self, items: Iterable[dict[str, Any]], key: str = "id") -> int:
        count = 0
        for item in items:
            value = pick(item, key)
            if value is not None:
                self.stdout.write(f"{one_line(str(value))}\n")
                count += 1
        self.stdout.flush()
        return count

    def table(self, items: Iterable[dict[str, Any]], columns: Sequence[Column]) -> int:
        columns = columns_for_fields(self.fields) if self.fields else list(columns)
        # Rows are gathered (pages fetched) before the table is drawn: spin meanwhile.
        with self.spinner("Loading…"):
            rows = [[column.cell(item) for column in columns] for item in items]
        if not rows:
            return 0
        headers = [column.header for column in columns]
        if self.stdout_is_tty:
            self._rich_table(headers, rows)
        else:
            self._plain_table(headers, rows)
        return len(rows)

    def record(self, obj: dict[str, Any], columns: Sequence[Column]) -> None:
        """One resource as ``FIELD  value`` lines."""
        columns = columns_for_fields(self.fields) if self.fields else list(columns)
        width = max(len(column.header) for column in columns)
        for column in columns:
            header = column.header.ljust(width)
            if self.color:
                header = _style(header, "bold")
            self.stdout.write(f"{header}  {column.cell(obj)}\n")
        self.stdout.flush()

    def resource(
        self, obj: dict[str, Any], columns: Sequence[Column], *, raw: Any = None, key: str = "id"
    ) -> None:
        """Show one resource in the chosen mode; ``raw`` is what ``--json`` prints."""
        if self.json_mode:
            self.json(obj if raw is None else raw)
        elif self.quiet:
            self.ids([obj], key)
        else:
            self.record(obj, columns)

    def resources(
        self,
        items: Iterable[dict[str, Any]],
        columns: Sequence[Column],
        *,
        empty_message: str,
        key: str = "id",
    ) -> int:
        """Show a list in the chosen mode; an empty table says so on stderr."""
        if self.json_mode:
            return self.json_items(items)
        if self.quiet:
            return self.ids(items, key)
        count = self.table(items, columns)
        if count == 0:
            self.info(empty_message)
        return count

    def text(self, line: str) -> None:
        """A line of data for people (e.g. a summary) on stdout."""
        self.stdout.write(sanitize(line) + "\n")
        self.stdout.flush()

    # -- diagnostics: stderr ---------------------------------------------------

    def info(self, message: str) -> None:
        self._diagnostic(message)

    def success(self, message: str) -> None:
        self._diagnostic(message, "success")

    def warn(self, message: str) -> None:
        self._diagnostic(f"Warning: {message}", "warning")

    def error(self, message: str, hint: str | None = None) -> None:
        """One line: what went wrong, then what to do about it."""
        text = f"Error: {message.rstrip()}"
        if hint:
            if not text.endswith((".", "?", "!", ")")):
                text += "."
            text += f" {hint}"
        self._diagnostic(text, "error")

    def _diagnostic(self, message: str, style: str | None = None) -> None:
        from pspace_py.redact import redact

        text = one_line(redact(message))
        if style and self.stderr_is_tty and not self._no_color:
            text = _style(text, style)
        self.stderr.write(text + "\n")
        self.stderr.flush()

    @contextlib.contextmanager
    def spinner(self, message: str) -> Iterator[None]:
        """A spinner on stderr while a request runs, only on an interactive terminal."""
        if not self.interactive_stderr:
            yield
            return
        from rich.console import Console

        console = Console(file=self.stderr, no_color=self._no_color)
        with console.status(sanitize(message)):
            yield

    @contextlib.contextmanager
    def live_line(self) -> Iterator[Callable[[str], None]]:
        """A status line: redrawn in place on a terminal, one plain line per change otherwise."""
        if not self.interactive_stderr:
            yield self.info
            return
        from rich.console import Console

        console = Console(file=self.stderr, no_color=self._no_color)
        with console.status("") as status:
            yield lambda text: status.update(sanitize(text))

    # -- internals -------------------------------------------------------------

    def _pick(self, data: Any) -> Any:
        if not self.fields or not isinstance(data, dict):
            return data
        return {path: pick(data, path) for path in self.fields}

    def _plain_table(self, headers: list[str], rows: list[list[str]]) -> None:
        widths = [len(header) for header in headers]
        for row in rows:
            widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
        lines = [] if self.no_header else [_join(headers, widths)]
        lines.extend(_join(row, widths) for row in rows)
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.flush()

    def _rich_table(self, headers: list[str], rows: list[list[str]]) -> None:
        from rich import box
        from rich.console import Console
        from rich.table import Table

        table = Table(
            box=box.SIMPLE_HEAD,
            show_header=not self.no_header,
            header_style="bold",
            pad_edge=False,
        )
        from rich.text import Text

        for header in headers:
            table.add_column(header, overflow="fold")
        state_column = headers.index("STATE") if "STATE" in headers else None
        for row in rows:
            cells: list[str | Text] = list(row)
            if state_column is not None:
                state = row[state_column]
                cells[state_column] = Text(state, style=_STATE_STYLES.get(state, "yellow"))
            table.add_row(*cells)
        Console(file=self.stdout, no_color=self._no_color, highlight=False).print(
            table, markup=False
        )


def _join(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _style(text: str, style: str) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
