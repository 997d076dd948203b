"""The machine filters the API has no parameter for (``--state``, ``--name-glob``), shared by
``machine list`` and the power commands' ``--all``."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.errors import UsageError
from pspace_py.machine_states import MACHINE_STATES

if TYPE_CHECKING:
    from pspace_py.cli.listing import ItemFilter

StateFilterOpt = Annotated[
    str | None,
    typer.Option(
        "--state", "-s", help=f"Only machines in this state ({', '.join(MACHINE_STATES)})."
    ),
]
NameGlobOpt = Annotated[
    str | None,
    typer.Option("--name-glob", help="Only machines whose name matches this shell pattern."),
]


def check_state(state: str | None) -> str | None:
    if state is not None and state not in MACHINE_STATES:
        raise UsageError(
            f"Unknown machine state '{state}'.", hint=f"Use one of: {', '.join(MACHINE_STATES)}."
        )
    return state


def machine_filter(state: str | None, name_glob: str | None) -> ItemFilter | None:
    """Filters the API has no parameter for, applied to every page."""
    if state is None and name_glob is None:
        return None

    def keep(machine: dict[str, Any]) -> bool:
        if state is not None and machine.get("state") != state:
            return False
        name = str(machine.get("name", ""))
        return name_glob is None or fnmatch.fnmatchcase(name, name_glob)

    return keep
