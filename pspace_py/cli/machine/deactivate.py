"""What deactivating a machine involves: said, and asked, before the typed confirmation.

The state is looked at first: a machine that is on is offered ``--stop`` on a terminal (and
named otherwise), so nobody types a long name only to be told to stop it. A static IP stays
claimed (and billed by the month) after its machine is gone: it is named with its price, and
``--release-ip`` releases it once the machine is deactivated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pspace_py.errors import RefusedError

if TYPE_CHECKING:
    from pspace_py.api.decode import AsyncResult
    from pspace_py.cli.context import AppContext
    from pspace_py.cli.machine.actions import Done
    from pspace_py.output import Output
    from pspace_py.waiting import Progress


def static_ip(machine: dict[str, Any]) -> str | None:
    if machine.get("publicIpType") == "static" and machine.get("publicIp"):
        return str(machine["publicIp"])
    return None


def confirm_deactivation(
    state: AppContext,
    out: Output,
    machines: list[dict[str, Any]],
    *,
    stop: bool,
    release_ip: bool,
    yes: bool,
) -> bool:
    """Warn, offer --stop, and confirm; returns whether to stop the machines first."""
    from pspace_py.cli import prompts

    on = [m for m in machines if m.get("state") != "off"]
    stop_first = stop
    if on and not stop:
        names = ", ".join(f"{m.get('name')} ({m.get('state')})" for m in on[:10])
        if prompts.can_prompt() and not yes:
            answer = prompts.ask(f"Not off: {names}. Stop before deactivating (--stop)? [Y/n]: ")
            stop_first = answer.strip().lower() not in {"n", "no"}
        else:
            out.note(f"Not off: {names}; deactivated as they are (--stop stops them first).")
    _name_static_ips(state, out, machines, release_ip=release_ip)
    if len(machines) == 1:
        machine = machines[0]
        if not yes and prompts.can_prompt():
            out.warn(
                f"Deactivating machine {machine.get('id')} ({machine.get('name')}) deletes it, "
                "its disk and all its snapshots. This cannot be undone."
            )
        prompts.confirm_by_typing(
            str(machine.get("name")),
            yes=yes,
            action="deactivating a machine",
            what="the machine's name",
        )
        return stop_first
    from pspace_py.cli.machine.selection import listing
    from pspace_py.output.format import plural

    how_many = plural(len(machines), "machine")
    out.info(f"This will deactivate {how_many}, their disks and snapshots: {listing(machines)}.")
    prompts.confirm(f"Deactivate {how_many}?", yes=yes, action=f"deactivate {how_many}")
    return stop_first


def _name_static_ips(
    state: AppContext, out: Output, machines: list[dict[str, Any]], *, release_ip: bool
) -> None:
    addresses = [(m, static_ip(m)) for m in machines if static_ip(m)]
    if not addresses:
        return
    from pspace_py.output.money import usd

    monthly = usd(state.catalog().public_ip.monthly_cap, "mo")
    shown = ", ".join(f"{ip} ({m.get('name')})" for m, ip in addresses[:10])
    if release_ip:
        out.note(f"Static IP {shown} will be released after deactivation.")
    else:
        out.warn(
            f"Static IP {shown} stays claimed after deactivation and is billed {monthly} each "
            "until released; pass --release-ip to release it too."
        )


def deactivate_one(
    state: AppContext,
    machine: dict[str, Any],
    *,
    stop_first: bool,
    release_ip: bool,
    wait: bool,
    timeout: float | None,
    on_progress: Callable[[Progress], None],
    on_sent: Callable[[AsyncResult], None] = lambda _: None,
) -> Done:
    """Stop (when asked and on), deactivate, then release its static IP (when asked)."""
    from pspace_py.api.errors import BadRequestError, ConflictError
    from pspace_py.cli.machine.actions import DEACTIVATE, STOP, run_action

    client = state.client()
    if stop_first and machine.get("state") != "off":
        stopped = run_action(
            client,
            machine,
            STOP,
            wait=True,
            timeout=timeout,
            on_progress=on_progress,
            on_sent=on_sent,
        )
        machine = stopped.result.resource
    try:
        done = run_action(
            client,
            machine,
            DEACTIVATE,
            wait=wait,
            timeout=timeout,
            on_progress=on_progress,
            on_sent=on_sent,
        )
    except (BadRequestError, ConflictError) as refusal:
        if machine.get("state") == "off":
            raise
        # An API that deactivates only off machines (older ones did): say how to get there.
        raise RefusedError(
            f"{refusal.message.rstrip('.')}.",
            hint=f"Pass --stop to stop it first: 'pspace machine deactivate {machine.get('id')} "
            "--stop --wait'.",
        ) from None
    address = static_ip(machine)
    if release_ip and address:
        _release(state, address, str(machine.get("id")))
    return done


def _release(state: AppContext, address: str, machine_id: str) -> None:
    from pspace_py.api.errors import ApiError
    from pspace_py.api.public_ips import PublicIpsApi

    try:
        PublicIpsApi(state.client()).release(address)
    except ApiError as error:
        raise RefusedError(
            f"Machine {machine_id} was deactivated, but releasing static IP {address} failed: "
            f"{error.message.rstrip('.')}.",
            hint=f"Release it with 'pspace ip release {address}'.",
        ) from None
