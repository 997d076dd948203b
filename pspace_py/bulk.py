"""Run one action over many machines with bounded concurrency.

The threads share the process's one ``ApiClient`` (and so one connection
pool). Each item's outcome is collected, never raised, so one failure does
not stop the others; the caller decides the exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pspace_py.errors import ExitCode, exit_code_for

if TYPE_CHECKING:
    from concurrent.futures import Future

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
    """Apply ``action`` to every item, at most ``parallel`` at a time, in input order."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    outcomes: dict[int, ItemOutcome[T]] = {}
    executor = ThreadPoolExecutor(max_workers=max(1, min(parallel, len(items) or 1)))
    try:
        futures: dict[Future[T], int] = {
            executor.submit(action, item): index for index, item in enumerate(items)
        }
        for future in as_completed(futures):
            index = futures[future]
            error = future.exception()
            outcome = (
                ItemOutcome(items[index], error=error)
                if error is not None
                else ItemOutcome(items[index], value=future.result())
            )
            outcomes[index] = outcome
            on_done(outcome)
    except BaseException:
        # Ctrl-C: queued items never start; running requests finish on their own.
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    return [outcomes[index] for index in range(len(items))]
