"""Run a power action on the selected machines: one with a live line, many in parallel with a
result each (and, with ``--wait``, a live table); "already off" is a success everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pspace_py.errors import PartialFailureError, describe_error, is_expected

if TYPE_CHECKING:
    from pspace_py.api.decode import AsyncResult
    from pspace_py.bulk import ItemOutcome
    from pspace_py.cli.context import AppContext
    from pspace_py.cli.machine.actions import Done
    from pspace_py.output import Output
    from pspace_py.output.results import ItemResult
    from pspace_py.waiting import Progress

OnProgress = Callable[["Progress"], None]
# Hears the API's answer to the action as soon as it comes (it names the machine and its event).
OnSent = Callable[["AsyncResult"], None]
# act(machine, on_progress, on_sent) -> what happened to it
Act = Callable[[dict[str, Any], OnProgress, OnSent], "Done"]


def run_one(
    state: AppContext, out: Output, machine: dict[str, Any], verb: str, act: Act, *, wait: bool
) -> None:
    """One machine: its progress as a live line, then what happened to it."""
    from pspace_py.cli.machine._app import describe_progress, operation_label, show_async_result

    state.operation = operation_label(machine, verb)
    with out.live_line() as update:

        def seen(progress: Progress) -> None:
            if progress.changed or out.interactive_stderr:
                update(describe_progress(progress))

        def sent(result: AsyncResult) -> None:
            # A Ctrl-C from now on names the event the API answered with.
            state.operation = operation_label({**machine, **result.resource}, verb, result.event)

        done = act(machine, seen, sent)
    state.operation = None
    if done.already is not None:
        show_async_result(state, out, done.result, done.already)
        return
    show_async_result(state, out, done.result, f"{verb} {'done' if done.waited else 'requested'}")


def run_many(
    state: AppContext,
    out: Output,
    machines: list[dict[str, Any]],
    verb: str,
    act: Act,
    *,
    wait: bool,
    parallel: int,
) -> None:
    """Many machines at once; exit 9 only when some could not be brought where asked."""
    from pspace_py.bulk import ItemOutcome, Ledger, run_each
    from pspace_py.cli.machine._app import machine_label
    from pspace_py.cli.machine.progress_table import BulkProgress

    # Interrupted, the one line says which machines were done, in progress or never sent.
    ledger = Ledger(machines, verb)
    state.operation = ledger
    with BulkProgress(out, machines, verb) as progress:
        watch = progress if wait else None

        def finished(outcome: ItemOutcome[Done]) -> None:
            text = _outcome_text(verb, outcome)
            machine = _machine(outcome)
            machine_state = machine.get("state") if outcome.value is not None else None
            progress.named(str(outcome.item.get("id")), machine)
            progress.finished(str(outcome.item.get("id")), machine_state, text)
            if not progress.live_table:
                line = f"{'ok  ' if outcome.ok else 'fail'}  {machine_label(machine)}: {text}"
                out.success(line) if outcome.ok else out.info(line)

        def act_on_one(machine: dict[str, Any]) -> Done:
            # Its line is said by the thread that acted, before it takes the next machine:
            # with --parallel 1 the lines come in order, however late the main thread hears.
            row = str(machine.get("id"))
            try:
                done = act(
                    machine,
                    watch.watcher(row) if watch else lambda _: None,
                    lambda result: progress.named(row, result.resource),
                )
            except BaseException as error:
                finished(ItemOutcome(machine, error=error))
                raise
            finished(ItemOutcome(machine, value=done))
            return done

        outcomes = run_each(machines, act_on_one, parallel=parallel, ledger=ledger)
    state.operation = None
    out.bulk([item_result(outcome) for outcome in outcomes])
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if failed:
        ids = " ".join(str(outcome.item.get("id")) for outcome in failed[:10])
        raise PartialFailureError(
            f"{len(failed)} of {len(outcomes)} machines failed to {verb}.",
            hint=f"See the lines above; for those: 'pspace machine {verb} {ids} --wait'.",
        )


def _outcome_text(verb: str, outcome: ItemOutcome[Done]) -> str:
    if outcome.error is not None:
        error = outcome.error
        if is_expected(error):
            return describe_error(error)[0]
        return f"{type(error).__name__}: {error}"
    done = outcome.value
    assert done is not None
    if done.already is not None:
        return done.already
    return f"{verb} {'done' if done.waited else 'requested'}"


def _machine(outcome: ItemOutcome[Done]) -> dict[str, Any]:
    """The machine as the API last showed it, else as selected (an ID given as it is, found
    by its name after a 404, is named by the answer)."""
    done = outcome.value
    return {**outcome.item, **done.result.resource} if done is not None else outcome.item


def item_result(outcome: ItemOutcome[Done]) -> ItemResult:
    """What the action did to one machine, as ``Output.bulk`` shows it."""
    from pspace_py.output.results import ItemResult

    machine, done = _machine(outcome), outcome.value
    answer = done.result if done is not None else None
    error = None
    if outcome.error is not None:
        error = str(outcome.error)
        if is_expected(outcome.error):
            error = describe_error(outcome.error)[0]
    return ItemResult(
        id=machine.get("id"),
        name=machine.get("name"),
        ok=outcome.ok,
        state=(answer.resource.get("state") if answer else None) or machine.get("state"),
        data=answer.resource if answer else None,
        event=answer.event if answer else None,
        error=error,
        exit_code=int(outcome.exit_code),
    )
