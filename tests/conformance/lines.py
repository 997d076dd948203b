"""Command lines for the official CLI's commands, against the arranged world (world.py).

`TARGETS` says, for each official command, what it acts on and what pspace-py needs on top
of the official command line (each such need is a documented difference, named where it is
set); `VALUES` gives every official flag a valid value and the value the API must receive.
`line(...)` builds `command ID required-flags... extra...` from them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pspace_py.redact import MASK
from tests.conformance.official import Command, Flag
from tests.conformance.world import Api, World

# A value for each official flag: (what is typed, what the API must receive). `{name}` is an
# arranged object's ID (World.values). Numbers travel as JSON numbers in a body and as text
# in a query string, as the official CLI sends them.
VALUES: dict[str, tuple[str, Any]] = {
    "--name": ("conf-new", "conf-new"),
    "--machine-type": ("C5", "C5"),
    "--template-id": ("t0nspur5", "t0nspur5"),
    "--network-id": ("{network}", "{network}"),
    # pspace-py sends a region in the API's own spelling (the catalog's `ny2`) whichever one
    # was typed; the official CLI sends it as typed. The API (and the sandbox) take both.
    "--region": ("NY2", "ny2"),
    "--disk-size": ("100", 100),
    "--public-ip-type": ("dynamic", "dynamic"),
    "--auto-snapshot-frequency": ("daily", "daily"),
    "--auto-snapshot-save-count": ("3", 3),
    "--auto-shutdown-timeout": ("8", 8),
    "--restore-point-frequency": ("shutdown", "shutdown"),
    "--restore-point-snapshot-id": ("{snapshot}", "{snapshot}"),
    "--startup-script-id": ("{script}", "{script}"),
    "--machine-id": ("{machine}", "{machine}"),
    "--agent-type": ("LinuxHeadless", "LinuxHeadless"),
    "--limit": ("5", "5"),
    "--after": ("{cursor}", "{cursor}"),  # the list's real nextPage (see `next_page`)
    "--orderBy": ("dtCreated", "dtCreated"),
    "--size": ("250", 250),
    "--script": ("echo conformance", MASK),  # the request log masks scripts
    "--cluster-id": ("{cluster}", "{cluster}"),
    "--max": ("4", 4),
    "--min": ("1", 1),
    "--current": ("2", 2),
    "--provisioning-timeout": ("10", 10),
}
ARRAYS: dict[str, tuple[list[str], list[str]]] = {
    "--accessor-ids": (["{user}", "{user2}"], ["{user}", "{user2}"])
}
# The API field of a flag the official CLI does not send (see the module's docstring).
OURS_ONLY = {"--orderBy": "orderBy", "--desc": "order"}


@dataclass(frozen=True)
class Target:
    """What a command acts on in the arranged world, and what pspace-py needs besides."""

    id: str | None = None  # the positional, e.g. "{machine}"
    values: dict[str, str] = field(default_factory=dict)  # per-command flag values
    sent: dict[str, Any] = field(default_factory=dict)  # per-command wire values
    yes: bool = False  # destructive: without a terminal, pspace-py needs --yes
    # A change for an update with no required flag: pspace-py refuses an update that changes
    # nothing ("Nothing to change", exit 2), where the official CLI sends an empty PUT.
    change: tuple[str, ...] = ()
    http: tuple[str, str] | None = (
        None  # where pspace-py sends it, when not where the official does
    )


TARGETS: dict[str, Target] = {
    "machine create": Target(),
    "machine get": Target("{machine}"),
    "machine list": Target(),
    "machine start": Target("{off_machine}"),
    "machine stop": Target("{machine}"),
    "machine restart": Target("{machine}"),
    "machine delete": Target("{off_machine}", yes=True),
    "machine update": Target("{off_machine}"),  # a resize needs the machine off
    "machine-event get": Target("{event}"),
    "machine-event list": Target(),
    "snapshot create": Target(),
    "snapshot list": Target(),
    "snapshot restore": Target("{snapshot}", yes=True),
    "snapshot delete": Target("{snapshot}", yes=True),
    "private-network create": Target(),
    "private-network get": Target("{network}"),
    "private-network list": Target(),
    "private-network delete": Target("{empty_network}", yes=True),
    "public-ip claim": Target(),
    "public-ip assign": Target("{ip}"),
    "public-ip list": Target(),
    "public-ip release": Target("{ip}", yes=True),
    # The API orders OS templates by name only: pspace-py says so and sends name.
    "os-template list": Target(sent={"--orderBy": "name"}),
    "custom-template create": Target(values={"--machine-id": "{off_machine}"}),
    "custom-template get": Target("{template}"),
    "custom-template list": Target(),
    "custom-template delete": Target("{template}", yes=True),
    "startup-script create": Target(),
    "startup-script get": Target("{script}"),
    "startup-script list": Target(),
    "startup-script update": Target("{script}", change=("--name", "conf-renamed")),
    "startup-script assign": Target("{script}"),
    # The official CLI's unassign calls /assign (a bug in its source); pspace-py unassigns.
    "startup-script unassign": Target(
        "{script}",
        values={"--machine-id": "{off_machine}"},
        yes=True,
        http=("POST", "/startup-scripts/{id}/unassign"),
    ),
    "startup-script delete": Target("{script}", yes=True),
    "shared-drive create": Target(),
    "shared-drive get": Target("{drive}"),
    "shared-drive list": Target(),
    "shared-drive delete": Target("{drive}", yes=True),
    "autoscaling-group create": Target(),
    "autoscaling-group get": Target("{group}"),
    "autoscaling-group list": Target(),
    "autoscaling-group update": Target("{group}", change=("--name", "conf-renamed")),
    "autoscaling-group delete": Target("{group}", yes=True),
}
for _sub in ("create", "get", "list", "delete"):  # the docs' name for custom-template
    TARGETS[f"template {_sub}"] = TARGETS[f"custom-template {_sub}"]


def value(command: Command, flag: Flag) -> tuple[str, Any]:
    """What to type for `flag` on `command`, and what the API must receive."""
    typed, sent = VALUES[flag.long]
    target = TARGETS[command.name]
    typed = target.values.get(flag.long, typed)
    return typed, target.sent.get(flag.long, target.values.get(flag.long, sent))


def line(
    command: Command,
    world: World,
    extra: Sequence[str] = (),
    *,
    instead_of: Flag | None = None,
    cursor: str = "",
    lead: Sequence[str] = (),
) -> list[str]:
    """The command, its ID, `lead`, its required flags (but `instead_of`), then `extra`."""
    target = TARGETS[command.name]
    tokens = command.name.split()
    if target.id:
        tokens.append(target.id)
    tokens += lead
    for flag in command.flags:
        if flag.required and flag != instead_of:
            tokens += [flag.long, value(command, flag)[0]]
    if target.change and (instead_of is None or instead_of.long != target.change[0]):
        tokens += target.change
    tokens += extra
    if target.yes:
        tokens.append("--yes")
    return [fill(token, world, cursor) for token in tokens]


def fill(template: Any, world: World, cursor: str = "") -> Any:
    """`{machine}`... replaced by the world's IDs, in a string or a list of them."""
    if isinstance(template, str):
        return template.format(**world.values(), cursor=cursor)
    if isinstance(template, list):
        return [fill(item, world, cursor) for item in template]
    return template


def next_page(api: Api, command: Command) -> str:
    """The cursor of the list's second page, in the order the official CLI lists it."""
    order_by = command.params["orderBy"].strip('"')
    method, path = command.http
    page = api.call(method, f"{path}?limit=1&orderBy={order_by}")
    assert page["hasMore"], page
    return str(page["nextPage"])


def the_request(api: Api, command: Command, world: World) -> dict[str, Any]:
    """The logged call that carries the command's flags (the official's method and path)."""
    method, path = TARGETS[command.name].http or command.http
    pattern = re.escape("/v1" + path)
    for placeholder in (r"\{id\}", r"\{ip\}"):
        pattern = pattern.replace(
            placeholder, re.escape(fill(TARGETS[command.name].id or "", world))
        )
    calls = [
        entry
        for entry in api.requests()
        if entry["method"] == method and re.fullmatch(pattern, entry["path"])
    ]
    assert calls, f"no {method} {path} reached the sandbox: {api.requests()}"
    return calls[-1]
