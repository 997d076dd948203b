"""Progress of a bulk action with ``--wait``: a live table of every machine on a terminal
(rich Live, on stderr), one line per change otherwise (CI logs, pipes)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.live import Live
    from rich.table import Table

    from pspace_py.output import Output
    from pspace_py.waiting import Progress

_HEADERS = ("MACHINE", "ID", "STATE", "EVENT", "TIME", "RESULT")


class BulkProgress:
    """Rows by machine ID: name, state, event state, seconds waited, and the outcome."""

    def __init__(self, out: Output, machines: Sequence[dict[str, Any]], verb: str) -> None:
        self.out = out
        self.verb = verb
        self.live_table = out.interactive_stderr
        self._lock = threading.Lock()
        self._rows = {str(m.get("id")): _row(m) for m in machines}
        self._live: Live | None = None

    def __enter__(self) -> BulkProgress:
        if self.live_table:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=self.out.stderr, no_color=not self.out.color)
            self._live = Live(self._table(), console=console, refresh_per_second=4)
            self._live.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._live is not None:
            with self._lock:
                self._live.update(self._table())
            self._live.__exit__(None, None, None)
            self._live = None

    def watcher(self, machine_id: str) -> Callable[[Progress], None]:
        """The ``on_progress`` callback of one machine's wait."""

        def seen(progress: Progress) -> None:
            with self._lock:
                row = self._rows.get(machine_id)
                if row is None:
                    return
                row[2], row[3] = progress.state, progress.event_state or "-"
                row[4] = f"{progress.elapsed:.0f}s"
                self._refresh()
            if progress.changed and not self.live_table:
                event = f", event {progress.event_state}" if progress.event_state else ""
                self.out.note(f"{row[0]} ({machine_id}): {progress.state}{event}")

        return seen

    def named(self, machine_id: str, machine: dict[str, Any]) -> None:
        """The API answered for a machine given by ID: its row gets the name."""
        with self._lock:
            row = self._rows.get(machine_id)
            if row is not None and machine.get("name") is not None:
                row[0] = str(machine["name"])
                self._refresh()

    def finished(self, machine_id: str, state: str | None, result: str) -> None:
        with self._lock:
            row = self._rows.get(machine_id)
            if row is None:
                return
            if state:
                row[2] = state
            row[5] = result
            self._refresh()

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._table())

    def _table(self) -> Table:
        from rich.table import Table

        table = Table(*_HEADERS, title=f"{self.verb}: {len(self._rows)} machines", box=None)
        for row in self._rows.values():
            table.add_row(*row)
        return table


def _row(machine: dict[str, Any]) -> list[str]:
    """MACHINE, ID, STATE, EVENT, TIME, RESULT."""
    # A machine given by ID is named, and its state known, once the API has answered.
    name, machine_id, state = (str(machine.get(key, "-")) for key in ("name", "id", "state"))
    return [name, machine_id, state, "-", "", ""]
