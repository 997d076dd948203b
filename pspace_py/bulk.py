"""Run one action over many machines with bounded concurrency.

The threads share the process's one ``ApiClient`` (and so one connection
pool). Each item's outcome is collected, never raised, so one failure does
not stop the others; the caller decides the exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pspace_py.errors import ExitCode, exit_code_for

DEFAULT_PARALLEL = 8
T = TypeVar("T")


@dataclass(frozen=True)
class ItemOutcome(Generic[T]):
    item: dict[str, Any]
    value: T | None = None
    error: BaseException | None = None

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
    parallel: int = DEFAULT_PARALLEL,
    on_done: Callable[[ItemOutcome[T]], None] = lambda _: None,
) -> list[ItemOutcome[T]]:
    """Apply ``action`` to every item, at most ``parallel`` at a time; outcomes in input order.

    The workers are daemon threads, not a ``ThreadPoolExecutor``: at exit Python joins an
    executor's threads, so after Ctrl-C a worker in the middle of a request (or of a
    ``--wait``) would hold the process for minutes. Here the main thread stops handing out
    work at once, and whatever is in flight is abandoned with the process.
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
            on_done(outcome)
    except BaseException:
        stopping.set()  # Ctrl-C: queued items never start
        raise
    return [outcomes[index] for index in range(len(items))]
