"""Drawing rows of cells: plain aligned text for pipes, a rich table on a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.text import Text

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


def plain_table(headers: list[str], rows: list[list[str]], *, no_header: bool) -> str:
    """Columns padded to their widest cell, two spaces apart; no colour, no box drawing."""
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = [] if no_header else [_join(headers, widths)]
    lines.extend(_join(row, widths) for row in rows)
    return "\n".join(lines) + "\n"


def draw_rich_table(
    stream: TextIO,
    headers: list[str],
    rows: list[list[str]],
    *,
    no_header: bool,
    no_color: bool,
) -> None:
    """A table for a terminal: bold headers, states in colour, long cells folded."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD, show_header=not no_header, header_style="bold", pad_edge=False
    )
    for header in headers:
        table.add_column(header, overflow="fold")
    state_column = headers.index("STATE") if "STATE" in headers else None
    for row in rows:
        cells: list[str | Text] = list(row)
        if state_column is not None:
            state = row[state_column]
            cells[state_column] = Text(state, style=_STATE_STYLES.get(state, "yellow"))
        table.add_row(*cells)
    Console(file=stream, no_color=no_color, highlight=False).print(table, markup=False)


def _join(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
