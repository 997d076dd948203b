"""What the command groups around machines share beyond listing (that is ``listing.py``).

Regions checked before any request, async ``{data, event}`` answers shown in every mode,
deletions reported the same way everywhere, and confirmations that say what will be lost.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.api.decode import AsyncResult, JsonObject
from pspace_py.cli import prompts
from pspace_py.cli.context import AppContext
from pspace_py.errors import UsageError
from pspace_py.output import Output
from pspace_py.output.columns import Column

if TYPE_CHECKING:
    from pspace_py.catalog import Region
    from pspace_py.waiting import Progress, WaitResult


def region_for(state: AppContext, value: str) -> Region:
    """The catalog's region for any spelling (``NY2``, ``ny2``, ``East Coast (NY2)``).

    Checked before any request, so a typo costs nothing and the error lists the regions.
    """
    try:
        return state.catalog().normalize_region(value)
    except ValueError:
        known = ", ".join(region.code for region in state.catalog().regions)
        raise UsageError(
            f"Unknown region '{value}'.", hint=f"Use one of {known} (any case)."
        ) from None


def optional_region_value(state: AppContext, value: str | None) -> str | None:
    """The API value for an optional ``--region`` filter (None when it was not given)."""
    return None if value is None else region_for(state, value).api_value


def region_code(state: AppContext, value: str | None) -> str:
    """``NY2`` for any spelling the API returns (``East Coast (NY2)``), for hints to copy."""
    region = state.catalog().region(value) if value else None
    return region.code if region is not None else str(value)


def same_region(state: AppContext, first: str | None, second: str | None) -> bool:
    """Whether two API region values (any spelling) name the same region.

    Unknown spellings compare as text, so a region the catalog lacks never blocks anything.
    """
    if first is None or second is None:
        return True
    catalog = state.catalog()
    first_region, second_region = catalog.region(first), catalog.region(second)
    if first_region is None or second_region is None:
        return first.strip().casefold() == second.strip().casefold()
    return first_region.code == second_region.code


def show_async_result(out: Output, result: AsyncResult, columns: Sequence[Column]) -> None:
    """An async operation's answer: the resource now, and the event to follow.

    ``--json`` prints the ``{data, event}`` wrapper the API returned (what scripts written for
    the official CLI read); a table shows the resource and stderr names the event.
    """
    raw = {"data": result.resource, "event": result.event}
    out.resource(result.resource, columns, raw=raw)
    event = result.event
    if event is not None and event.get("id"):
        from pspace_py.api.machine_events import FINAL_EVENT_STATES

        text = f"Event {event['id']} ({event.get('name', 'operation')}): {event.get('state', '?')}."
        if event.get("state") not in FINAL_EVENT_STATES:
            # Only an event still going on is worth following.
            text += f" Follow it with 'pspace machine-event get {event['id']}'."
        out.note(text)


def finish_async(
    state: AppContext,
    out: Output,
    result: AsyncResult,
    columns: Sequence[Column],
    *,
    wait: bool,
    timeout: float | None,
) -> None:
    """Show an async answer; with ``--wait``, first follow its event until it ends.

    A failed event raises OperationFailedError (exit 8); ``--json`` then prints the wrapper
    with the event as it ended.
    """
    event = result.event
    if wait and event is not None and event.get("id") and event.get("machineId"):
        event = wait_for_event(state, out, event, timeout=timeout)
        result = AsyncResult(resource=result.resource, event=event, reconciled=result.reconciled)
    show_async_result(out, result, columns)


def wait_with_progress(
    state: AppContext,
    out: Output,
    machine_id: str,
    wanted: Collection[str],
    *,
    event_id: str | None,
    timeout: float | None,
    describe: Callable[[Progress], str],
) -> WaitResult:
    """The one waiting display: a live line that ticks on every poll on a terminal, one
    plain line per change otherwise. Ctrl-C here is reported by the error boundary."""
    from pspace_py.waiting import wait_for_machine

    with out.live_line() as update:

        def report(progress: Progress) -> None:
            if progress.changed or out.interactive_stderr:
                update(describe(progress))

        return wait_for_machine(
            state.client(),
            machine_id,
            wanted,
            event_id=event_id,
            timeout=timeout,
            on_progress=report,
        )


def wait_for_event(
    state: AppContext, out: Output, event: JsonObject, *, timeout: float | None
) -> JsonObject | None:
    """Poll ``event`` (with a live line on a terminal) until it is done, failed or cancelled."""
    from pspace_py.waiting import WAITABLE_STATES

    name = event.get("name", "operation")
    waited = wait_with_progress(
        state,
        out,
        str(event["machineId"]),
        WAITABLE_STATES,  # any machine state: only the event matters here
        event_id=str(event["id"]),
        timeout=timeout,
        describe=lambda p: f"{name} on machine {p.machine_id}: {p.event_state} ({p.elapsed:.0f}s)",
    )
    return waited.event


def confirm_destructive(
    out: Output,
    *,
    yes: bool,
    action: str,
    consequence: str,
    type_to_confirm: tuple[str, str] | None = None,
) -> None:
    """Ask before ``action``, saying what is lost; ``--yes`` skips, no terminal refuses.

    ``type_to_confirm`` is ``(what, expected)``: the user types ``expected`` (e.g. the
    machine's name) instead of answering y/N, for what cannot be undone at all.
    """
    if type_to_confirm is None:
        prompts.confirm(f"{_capitalized(action)}? {consequence}", yes=yes, action=action)
        return
    if not yes and prompts.can_prompt():
        out.warn(f"{_capitalized(action)}: {consequence}")
    what, expected = type_to_confirm
    prompts.confirm_by_typing(expected, yes=yes, action=action, what=what)


def label(item: JsonObject, *, key: str = "id") -> str:
    """``'name' (id)`` for messages; just the ID when the resource has no name."""
    identifier = str(item.get(key, "?"))
    name = item.get("name")
    return f"'{name}' ({identifier})" if name and name != identifier else identifier


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe_ids(ids: Sequence[Any]) -> str:
    """``ps1, ps2 and 3 more`` for messages."""
    shown = [str(identifier) for identifier in ids[:5]]
    more = len(ids) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


NewNameOpt = Annotated[str, typer.Option("--name", "-n", help="The new name.")]


def without_unset(body: dict[str, Any]) -> dict[str, Any]:
    """Only what the user asked for; False and 0 are answers, None is silence."""
    return {key: value for key, value in body.items() if value is not None}
