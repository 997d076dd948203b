"""All printing happens here: data on stdout, everything else on stderr.

Commands say what happened (one resource, a list, a removal, what a bulk action did to each
item, a document such as a price plan) and :class:`Output` shows it in the mode the user
chose: JSON (``--json``; the API's own objects, streamed, never wrapped), quiet (``-q``; one ID
per line), or for people: a table or record on stdout, notes on stderr. A table in a pipe is
plain, every column whole; on a terminal it is fitted to the width (output/tables.py), so no
value is ever wrapped inside a token.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from pspace_py.output.columns import Column, columns_for_fields
from pspace_py.output.format import MISSING, bounded, one_line, pick, sanitize

if TYPE_CHECKING:
    from pspace_py.output.results import ItemResult

_ABSENT = object()
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

    # -- what happened: the command says it, the mode decides how it looks -----------------

    def resource(
        self, obj: dict[str, Any], columns: Sequence[Column], *, raw: Any = None, key: str = "id"
    ) -> None:
        """One resource; ``raw`` is what ``--json`` prints (default: ``obj``)."""
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
        """A list, streamed; an empty table says so on stderr. Returns how many were shown."""
        if self.json_mode:
            return self.json_items(items)
        if self.quiet:
            return self.ids(items, key)
        count = self.table(items, columns)
        if count == 0:
            self.info(empty_message)
        return count

    def page(
        self,
        items: Iterable[dict[str, Any]],
        columns: Sequence[Column],
        *,
        has_more: bool,
        next_page: str | None,
        empty_message: str,
        key: str = "id",
        resume: Callable[[], str | None] | None = None,
    ) -> int:
        """A page of a list (all of them, with ``has_more`` False): for scripts the API's
        envelope, items streamed, as the official CLI prints it; for people as ``resources``.

        ``resume`` is given when the items are a walk over pages that may fail part of the way:
        it returns the cursor to go on from, and the envelope then ends with it (docs/json.md).
        """
        if not self.json_mode:
            return self.resources(items, columns, empty_message=empty_message, key=key)
        from pspace_py.output.pretty_json import write_page

        # The official CLI prints the API's page as it came (hasMore first); with -F it builds
        # {items, hasMore, nextPage} itself, and a walk's hasMore is known only at its end.
        streamed = self.fields or resume is not None
        keys = ("items", "hasMore", "nextPage") if streamed else ("hasMore", "items", "nextPage")
        picked = (self._pick(item) for item in items)
        return write_page(
            self.stdout, picked, has_more=has_more, next_page=next_page, keys=keys, resume=resume
        )

    def removed(
        self, answer: dict[str, Any], message: str, *, key: str = "id", raw: Any = None
    ) -> None:
        """A deletion: ``--json`` prints the API's answer (``raw``, default ``answer``), ``-q``
        the answer's key, people ``message`` on stderr, after the ``-F`` fields' table of the
        answer on stdout (the official CLI prints every result as a table)."""
        if self.json_mode:
            self.json(answer if raw is None else raw)
        elif self.quiet:
            self.ids([answer], key)
        else:
            if self.fields:
                self.table([answer], ())
            self.success(message)

    def bulk(self, results: Sequence[ItemResult]) -> None:
        """What an action on many items did to each (docs/json.md: one object per item)."""
        from pspace_py.output.results import BULK_RESULT

        if self.json_mode:
            self.json_items(result.to_json() for result in results)
        elif self.quiet:
            self.ids({"id": result.id} for result in results if result.ok)
        else:
            self.table([result.row() for result in results], BULK_RESULT)

    def report(self, document: Any, people: Callable[[], None] | None = None) -> None:
        """A document that is not an API object (a plan, a spend summary): ``--json`` prints
        it, otherwise ``people`` shows it (when there is more to show than the notes)."""
        if self.json_mode:
            self.json(document)
        elif people is not None:
            people()

    def note(self, message: str, *, success: bool = False) -> None:
        """A line for people on stderr; ``--json`` and ``-q`` leave it out (scripts have the
        data, and a stderr they read stays quiet)."""
        if not self.json_mode and not self.quiet:
            self._diagnostic(message, "success" if success else None)

    def text(self, line: str) -> None:
        """A line of data for people (e.g. a summary) on stdout."""
        self.stdout.write(sanitize(line) + "\n")
        self.stdout.flush()

    # -- the forms: stdout -----------------------------------------------------------------

    def json(self, data: Any) -> None:
        """Indented JSON, written directly so nothing can wrap or restyle it."""
        from pspace_py.output.pretty_json import write_value

        write_value(self.stdout, self._pick(data))

    def json_items(self, items: Iterable[dict[str, Any]]) -> int:
        """A JSON array streamed item by item (memory stays flat); returns how many."""
        from pspace_py.output.pretty_json import write_array

        return write_array(self.stdout, (self._pick(item) for item in items))

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
        from pspace_py.output.tables import plain_table, terminal_table

        columns = columns_for_fields(self.fields) if self.fields else list(columns)
        # Rows are gathered (pages fetched) before the table is drawn: spin meanwhile.
        with self.spinner("Loading…"):
            rows = [[column.cell(item) for column in columns] for item in items]
        if not rows:
            return 0
        unsent = {i for i, column in enumerate(columns) if column.optional} - {
            i for row in rows for i, cell in enumerate(row) if cell != MISSING
        }
        if unsent:
            columns = [column for i, column in enumerate(columns) if i not in unsent]
            rows = [[cell for i, cell in enumerate(row) if i not in unsent] for row in rows]
        headers = [column.header for column in columns]
        if self.stdout_is_tty:
            import shutil

            text, dropped = terminal_table(
                headers,
                rows,
                width=shutil.get_terminal_size().columns,
                priorities=[column.priority for column in columns],
                truncatable=[column.truncate for column in columns],
                no_header=self.no_header,
                color=self.color,
            )
            self.stdout.write(text)
            if dropped:
                left_out = ", ".join(dropped)
                self.note(f"{left_out} left out to fit the terminal; -F picks the columns.")
        else:
            self.stdout.write(plain_table(headers, rows, no_header=self.no_header))
        self.stdout.flush()
        return len(rows)

    def record(self, obj: dict[str, Any], columns: Sequence[Column]) -> None:
        """One resource as ``FIELD  value`` lines."""
        columns = columns_for_fields(self.fields) if self.fields else list(columns)
        width = max(len(column.header) for column in columns)
        for column in columns:
            header = column.header.ljust(width)
            if self.color:
                header = _style(header, "bold")
            self.stdout.write(f"{header}  {column.record_cell(obj)}\n")
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

        text = bounded(one_line(redact(message)))
        if self.stderr_is_tty:
            text = _wrapped(text)
            if style and not self._no_color:
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
        # A path the object lacks is left out, as the official CLI's pick leaves it undefined.
        picked = {path: pick(data, path, _ABSENT) for path in self.fields}
        return {path: value for path, value in picked.items() if value is not _ABSENT}


def _wrapped(text: str) -> str:
    """A long message broken between words at the terminal's width (a pipe keeps one line)."""
    import shutil
    import textwrap

    width = shutil.get_terminal_size().columns
    if len(text) <= width:
        return text
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def _style(text: str, style: str) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
