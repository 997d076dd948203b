"""Which machines a power command acts on: named ones (IDs or exact names), or ``--all`` with
filters. Names are matched exactly here, whatever part of a name the API's filter matches.

start, stop and restart take what looks like a machine ID as it is (:class:`Unresolved`): the
action is sent at once, and only a 404 makes them look it up as a name (:func:`act_on`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from pspace_py.cli.machine.filters import check_state, machine_filter
from pspace_py.errors import UsageError

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient
    from pspace_py.cli.context import AppContext

T = TypeVar("T")

AllMachinesOpt = Annotated[
    bool, typer.Option("--all", help="Act on every machine matching the filters.")
]
MachineTypeFilterOpt = Annotated[
    str | None, typer.Option("--machine-type", help="With --all: only this machine type.")
]
ParallelOpt = Annotated[
    int, typer.Option("--parallel", min=1, max=64, help="Machines acted on at once.")
]


class Unresolved(dict[str, Any]):
    """A machine known only by the ID it was given as (``{"id": ref}``): nothing was read."""


def act_on(client: ApiClient, machine: dict[str, Any], act: Callable[[dict[str, Any]], T]) -> T:
    """``act(machine)``; for an :class:`Unresolved` machine whose ID is no machine's (the API
    answered the action 404), ``act`` on the machine that has it as its exact name instead."""
    from pspace_py.api.errors import NotFoundError

    try:
        return act(machine)
    except NotFoundError:
        if not isinstance(machine, Unresolved):
            raise
    from pspace_py.cli.machine._app import resolve_machine_name

    return act(resolve_machine_name(client, str(machine["id"])))


class Selection:
    """Which machines a bulk command acts on: named ones, or ``--all`` with filters."""

    def __init__(
        self,
        refs: list[str] | None,
        all_machines: bool,
        *,
        name_glob: str | None,
        region: str | None,
        machine_type: str | None,
        state: str | None,
    ) -> None:
        filters_given = any(v is not None for v in (name_glob, region, machine_type, state))
        if refs and all_machines:
            raise UsageError("Name machines or use --all with filters, not both.")
        if not refs and not all_machines:
            raise UsageError("Name at least one machine (ID or name), or use --all.")
        if refs and filters_given:
            raise UsageError("--name-glob, --region, --machine-type and --state go with --all.")
        self.refs = refs or []
        self.by_filter = all_machines
        self.name_glob = name_glob
        self.region = region
        self.machine_type = machine_type
        self.state = check_state(state)

    @property
    def is_bulk(self) -> bool:
        return self.by_filter or len(self.refs) > 1

    def machines(
        self, state: AppContext, parallel: int, *, act_on_ids: bool = False
    ) -> list[dict[str, Any]]:
        """The machines to act on; with ``act_on_ids``, what looks like an ID is not read but
        left :class:`Unresolved` (run the action through :func:`act_on`)."""
        from pspace_py.api.machines import MachinesApi
        from pspace_py.cli.machine._app import resolve_machine
        from pspace_py.cli.refs import looks_like_machine_id, resolve_many
        from pspace_py.cli.resource_commands import optional_region_value

        client = state.client()
        if not self.by_filter:

            def resolve_one(ref: str) -> dict[str, Any]:
                if act_on_ids and looks_like_machine_id(ref):
                    return Unresolved(id=ref)
                return resolve_machine(client, ref)

            return resolve_many(self.refs, resolve_one, parallel=parallel)
        region = optional_region_value(state, self.region)
        query = {"region": region, "machineType": self.machine_type}
        listed = MachinesApi(client).iter({k: v for k, v in query.items() if v is not None})
        keep = machine_filter(self.state, self.name_glob)
        wanted_type = self.machine_type.casefold() if self.machine_type else None
        return [
            machine
            for machine in listed
            if (keep is None or keep(machine))
            # The API's filter matches part of the type (A4000 lists A4000x2): act on exact ones.
            and (
                wanted_type is None or str(machine.get("machineType", "")).casefold() == wanted_type
            )
        ]


def listing(machines: list[dict[str, Any]], shown: int = 20) -> str:
    """``web (ps1), db (ps2) and 3 more`` for a confirmation."""
    text = ", ".join(f"{m.get('name')} ({m.get('id')})" for m in machines[:shown])
    return text + (f" and {len(machines) - shown} more" if len(machines) > shown else "")
