"""Drawing rows of cells: every column whole for pipes, fitted to the width on a terminal.

Widths are display cells (rich's ``cell_len``), so wide characters align. On a terminal
a table never wraps a value inside a token; it is fitted the way gh fits its tables:

1. long values in columns that may be cut (names, descriptions) end in an ellipsis,
   down to a readable width, the least important of them first;
2. then the least important columns are left out, one at a time (the caller says which);
3. then the cuttable columns are cut further, and last any column, widest first.

A pipe gets every column whole, however wide: scripts read it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size

GAP = "  "
ELLIPSIS = "…"
# A cut value keeps at least this many cells before its ellipsis (step 1).
READABLE = 16
# The least a column is cut to in the end (step 3), besides its header's width.
SMALLEST = 4

# A state's colour on a terminal: settled states plain or green/red, the rest in motion.
_STATE_STYLES = {
    "ready": "32",
    "done": "32",
    "ok": "32",
    "off": "2",
    "error": "31",
    "cancelled": "31",
    "failed": "31",
    "-": "",
}
_MOVING = "33"


class Fitted(NamedTuple):
    widths: list[int]
    rows: list[list[str]]
    dropped: list[int]


def plain_table(headers: list[str], rows: list[list[str]], *, no_header: bool) -> str:
    """Columns padded to their widest cell, two spaces apart; no colour, no box drawing."""
    widths = _natural(headers, rows)
    lines = [] if no_header else [_join(headers, widths)]
    lines.extend(_join(row, widths) for row in rows)
    return "\n".join(lines) + "\n"


def terminal_table(
    headers: list[str],
    rows: list[list[str]],
    *,
    width: int,
    priorities: Sequence[int],
    truncatable: Sequence[bool],
    no_header: bool,
    color: bool,
) -> tuple[str, list[str]]:
    """The table fitted to ``width``, bold headers and coloured states when ``color``;
    and the headers of the columns left out to fit."""
    fitted = fit(headers, rows, width=width, priorities=priorities, truncatable=truncatable)
    kept = [index for index in range(len(headers)) if index not in fitted.dropped]
    shown_headers = [_cut(headers[index], fitted.widths[index]) for index in kept]
    widths = [fitted.widths[index] for index in kept]
    state = headers.index("STATE") if "STATE" in headers else None
    lines = []
    if not no_header:
        line = _join(shown_headers, widths)
        lines.append(f"\x1b[1m{line}\x1b[0m" if color else line)
    for row in fitted.rows:
        cells = [row[index] for index in kept]
        styles = [""] * len(kept)
        if color and state is not None and state in kept:
            value = row[state]
            styles[kept.index(state)] = _STATE_STYLES.get(value, _MOVING)
        lines.append(_join(cells, widths, styles))
    return "\n".join(lines) + "\n", [headers[index] for index in fitted.dropped]


def fit(
    headers: list[str],
    rows: list[list[str]],
    *,
    width: int,
    priorities: Sequence[int],
    truncatable: Sequence[bool],
) -> Fitted:
    """Column widths, rows cut to them, and the columns left out (indexes), for ``width``.

    ``priorities``: 0 is never left out; the highest number goes first (the rightmost of
    equals first). ``truncatable``: may be cut to :data:`READABLE` cells before any column
    is left out.
    """
    natural = _natural(headers, rows)
    kept = list(range(len(headers)))
    widths = list(natural)

    def over() -> int:
        return sum(widths[index] for index in kept) + len(GAP) * (len(kept) - 1) - width

    def cut_the_cuttable() -> None:
        # The least important cuttable columns give up their width first.
        for level in sorted({priorities[i] for i in kept if truncatable[i]}, reverse=True):
            group = [i for i in kept if truncatable[i] and priorities[i] == level]
            _shrink(widths, kept, over, group, READABLE)

    cut_the_cuttable()
    while over() > 0:
        droppable = [index for index in kept if priorities[index] > 0]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda index: (priorities[index], index)))
        widths = list(natural)
        cut_the_cuttable()
    floors = {index: max(SMALLEST, min(cell_len(headers[index]), natural[index])) for index in kept}
    _shrink(widths, kept, over, [i for i in kept if truncatable[i]], 0, floors)
    _shrink(widths, kept, over, kept, 0, floors)
    cut_rows = [[_cut(cell, widths[index]) for index, cell in enumerate(row)] for row in rows]
    return Fitted(widths, cut_rows, [index for index in range(len(headers)) if index not in kept])


def _shrink(
    widths: list[int],
    kept: list[int],
    over: Callable[[], int],
    columns: list[int],
    floor: int,
    floors: dict[int, int] | None = None,
) -> None:
    """Take one cell at a time from the widest of ``columns`` until nothing is over."""
    while over() > 0:
        candidates = [
            index
            for index in columns
            if index in kept and widths[index] > (floors or {}).get(index, floor)
        ]
        if not candidates:
            return
        widest = max(candidates, key=lambda index: widths[index])
        widths[widest] -= 1


def _cut(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    return set_cell_size(text, width - 1).rstrip() + ELLIPSIS


def _natural(headers: list[str], rows: list[list[str]]) -> list[int]:
    widths = [cell_len(header) for header in headers]
    for row in rows:
        widths = [max(width, cell_len(cell)) for width, cell in zip(widths, row, strict=True)]
    return widths


def _join(cells: Sequence[str], widths: Sequence[int], styles: Sequence[str] = ()) -> str:
    parts = []
    for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        padded = cell + " " * (width - cell_len(cell))
        style = styles[index] if index < len(styles) else ""
        parts.append(f"\x1b[{style}m{cell}\x1b[0m{padded[len(cell) :]}" if style else padded)
    return GAP.join(parts).rstrip()
