"""Run one action over many machines with bounded concurrency.

The threads share the process's one ``ApiClient`` (and so one connection
pool). Each item's outcome is collected, never raised, so one failure does
not stop the others; the caller decides the exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pspace_py.errors import ExitCode, exit_code_for

T = TypeVar("T")
# IDs named per group in an interrupted run's message; the rest are counted.
_IDS_SHOWN = 10


class Ledger:
    """Which items of a run are done, in progress or never sent: what an interrupt reports.

    Set as ``AppContext.operation`` while the run goes, so the error boundary's one line
    after Ctrl-C or SIGTERM names each group (pspace_py/cli/boundary.py).
    """

    def __init__(self, items: Sequence[dict[str, Any]], verb: str, noun: str = "machine"):
        self.items = items
        self.verb = verb
        self.noun = noun
        self.started: set[int] = set()
        self.finished: set[int] = set()

    def when_interrupted(self) -> tuple[str, str | None]:
        from pspace_py.output.format import plural

        started = frozenset(self.started)  # one copy: workers may still be adding to it
        groups = {
            "done": sorted(self.finished),
            "in progress (may still change on the server)": sorted(started - self.finished),
            "never sent": [i for i in range(len(self.items)) if i not in started],
        }
        said = [
            f"{len(indexes)} {what}: {self._ids(indexes)}"
            for what, indexes in groups.items()
            if indexes
        ]
        message = f"{self.verb} of {plural(len(self.items), self.noun)}: {'; '.join(said)}."
        hint = None
        if started - self.finished:
            hint = f"Check those in progress with 'pspace {self.noun} get ID' before trying again."
        return message, hint

    def _ids(self, indexes: list[int]) -> str:
        from pspace_py.redact import excerpt

        shown = [excerpt(str(self.items[i].get("id")), 40) for i in indexes[:_IDS_SHOWN]]
        more = len(indexes) - len(shown)
        return " ".join(shown) + (f" and {more} more" if more > 0 else "")


class ItemOutcome(Generic[T]):
    """What happened to one item: its value, or the error it raised.

    A plain class (a generic NamedTuple needs Python 3.11; a dataclass costs ~0.5 ms to define,
    and this module is on the path of every power command, one machine or many)."""

    __slots__ = ("error", "item", "value")

    def __init__(
        self, item: dict[str, Any], value: T | None = None, error: BaseException | None = None
    ) -> None:
        self.item = item
        self.value = value
        self.error = error

    def __repr__(self) -> str:
        return f"ItemOutcome(item={self.item!r}, value={self.value!r}, error={self.error!r})"

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.error is None else exit_code_for(self.error)


def run_each(
    items: Sequence[dict[str, Any]],
    action: Callable[[dict[str, Any]], T],
    *,
    parallel: int,
    on_done: Callable[[ItemOutcome[T]], None] = lambda _: None,
    ledger: Ledger | None = None,
) -> list[ItemOutcome[T]]:
    """Apply ``action`` to every item, at most ``parallel`` at a time; outcomes in input order.

    The workers are daemon threads, not a ``ThreadPoolExecutor``: at exit Python joins an
    executor's threads, so after Ctrl-C a worker in the middle of a request (or of a
    ``--wait``) would hold the process for minutes. Here the main thread stops handing out
    work at once, and whatever is in flight is abandoned with the process; ``ledger`` (for
    ``items``) keeps count of what was done, started and never sent.
    """
    import queue
    import threading

    pending: queue.SimpleQueue[tuple[int, dict[str, Any]]] = queue.SimpleQueue()
    finished: queue.SimpleQueue[tuple[int, ItemOutcome[T]]] = queue.SimpleQueue()
    for index, item in enumerate(items):
        pending.put((index, item))
    stopping = threading.Event()

    def work() -> None:
        while not stopping.is_set():
            try:
                index, item = pending.get_nowait()
            except queue.Empty:
                return
            if ledger is not None:
                ledger.started.add(index)
            if stopping.is_set():  # interrupted meanwhile: it stays unsent (or counts as started)
                return
            try:
                outcome: ItemOutcome[T] = ItemOutcome(item, value=action(item))
            except BaseException as error:  # reported per item, never lost
                outcome = ItemOutcome(item, error=error)
            finished.put((index, outcome))

    for _ in range(max(1, min(parallel, len(items)))):
        threading.Thread(target=work, name="pspace-bulk", daemon=True).start()
    outcomes: dict[int, ItemOutcome[T]] = {}
    try:
        while len(outcomes) < len(items):
            index, outcome = finished.get()
            outcomes[index] = outcome
            if ledger is not None:
                ledger.finished.add(index)
            on_done(outcome)
    except BaseException:
        stopping.set()  # Ctrl-C: queued items never start
        raise
    return [outcomes[index] for index in range(len(items))]
