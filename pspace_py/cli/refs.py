"""Resolve what the user typed (an ID or an exact name) to one resource.

Every argument that names a machine, snapshot, network or template goes
through :func:`resolve`. An ID is tried first with one GET; otherwise the
name is looked up with the list operation's ``name`` filter (or a scan when
the API has none). An ambiguous name fails with the candidates and their IDs.
Power actions skip the GET for what looks like a machine ID
(:func:`looks_like_machine_id`): they send the action, and only a 404 makes them
look the reference up as a name (:func:`resolve_name`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pspace_py.api.errors import NotFoundError as ApiNotFoundError
from pspace_py.api.resource import ResourceApi
from pspace_py.errors import NotFoundError, UsageError

_MAX_CANDIDATES_SHOWN = 10
# IDs are a dozen characters and names at most 255: a longer reference names nothing.
MAX_REFERENCE = 1024
# Paperspace machine IDs: "ps" and lowercase letters and digits ("psx3k9a1", "psm9u09bwu5i").
_MACHINE_ID = re.compile(r"ps[a-z0-9]{6,30}")


def looks_like_machine_id(ref: str) -> bool:
    """Whether ``ref`` has a machine ID's shape (a name may have it too)."""
    return _MACHINE_ID.fullmatch(ref) is not None


def resolve(
    api: ResourceApi,
    ref: str,
    *,
    list_command: str,
    name_filter: bool = True,
    name_key: str = "name",
    extra_query: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The resource whose ID or exact name is ``ref``."""
    ref = ref.strip()
    if not ref:
        raise UsageError(f"An empty {api.noun} reference was given.")
    if len(ref) > MAX_REFERENCE:
        raise UsageError(
            f"The {api.noun} reference given is {len(ref)} characters long; no {api.noun} has "
            "an ID or name that long.",
            hint=f"Give its ID or exact name (see '{list_command}').",
        )
    try:
        return api.get(ref)
    except ApiNotFoundError:
        pass
    return resolve_name(
        api,
        ref,
        list_command=list_command,
        name_filter=name_filter,
        name_key=name_key,
        extra_query=extra_query,
    )


def near_misses(word: str, known: Iterable[str], *, most: int = 3) -> list[str]:
    """What ``word`` was probably meant to be: the same in another case first, then the
    close spellings (difflib), at most ``most``."""
    import difflib

    known = list(dict.fromkeys(name for name in known if name))
    same = [name for name in known if name.lower() == word.lower() and name != word]
    by_lower = {name.lower(): name for name in known}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=most, cutoff=0.75)
    return list(dict.fromkeys([*same, *(by_lower[name] for name in close)]))[:most]


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """``Did you mean 'machine'?`` for a near miss, else None."""
    found = near_misses(word, known)
    if not found:
        return None
    return "Did you mean " + " or ".join(f"'{name}'" for name in found) + "?"


def resolve_name(
    api: ResourceApi,
    ref: str,
    *,
    list_command: str,
    name_filter: bool = True,
    name_key: str = "name",
    extra_query: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The resource whose exact name is ``ref`` (no resource has it as its ID)."""
    if name_filter:
        candidates = list(api.iter({name_key: ref, **(extra_query or {})}))
    else:
        candidates = list(api.iter(extra_query or {}))
    matches = [item for item in candidates if item.get(name_key) == ref]
    # The API's name filter matches part of a name, in any case: what it found besides the
    # exact name is what a near miss was probably meant to be.
    near = [str(item.get(name_key)) for item in candidates if item.get(name_key)]
    return pick_one(matches, ref, noun=api.noun, list_command=list_command, near=near)


def pick_one(
    matches: list[dict[str, Any]],
    ref: str,
    *,
    noun: str,
    list_command: str,
    near: Iterable[str] = (),
) -> dict[str, Any]:
    if not matches:
        suggestion = did_you_mean(ref, near)
        raise NotFoundError(
            f"No {noun} has the ID or name '{ref}'." + (f" {suggestion}" if suggestion else ""),
            hint=f"List them with '{list_command}'.",
        )
    if len(matches) > 1:
        shown = ", ".join(
            f"{item.get('id', '?')} ({item.get('state', item.get('region', ''))})".replace(
                " ()", ""
            )
            for item in matches[:_MAX_CANDIDATES_SHOWN]
        )
        more = len(matches) - _MAX_CANDIDATES_SHOWN
        if more > 0:
            shown += f" and {more} more"
        raise UsageError(
            f"The name '{ref}' matches {len(matches)} {noun}s: {shown}.",
            hint="Use the ID instead.",
        )
    return matches[0]


def resolve_many(
    refs: Iterable[str], resolve_one: Callable[[str], dict[str, Any]], *, parallel: int = 8
) -> list[dict[str, Any]]:
    """Resolve references concurrently, keeping order and dropping duplicates.

    The first reference (in the order given) that fails to resolve raises its error,
    so the user hears about the same one however the lookups interleave.
    """
    unique_refs = list(dict.fromkeys(refs))
    if len(unique_refs) == 1:
        return [resolve_one(unique_refs[0])]
    from pspace_py.bulk import run_each

    outcomes = run_each(
        [{"ref": ref} for ref in unique_refs],
        lambda item: resolve_one(item["ref"]),
        parallel=parallel,
    )
    seen: set[str] = set()
    resolved = []
    for outcome in outcomes:
        if outcome.error is not None:
            raise outcome.error
        item = outcome.value
        assert item is not None
        if str(item.get("id")) not in seen:
            seen.add(str(item.get("id")))
            resolved.append(item)
    return resolved
