"""Every flag and short alias of the official CLI, on every command of the machine groups.

The table is the official CLI's own (data/official_cli.json, read from its source). For each
command and each of its flags, `pspace` gets a valid command line in the official spelling:
the command's required flags, then the flag under test with a value of its type (an enum's
value, a number, a real sandbox ID), booleans as `--x`, `--x=true` and `--x=false`, arrays
repeated, short aliases as `-n value` and `-n=value`. Each line must exit 0, and the value
must reach the sandbox under the query parameter or body key the official CLI sends it as.

Where pspace-py sends something the official CLI does not, it is on purpose and said here:
- `--x=false` is sent as `false` (the official CLI drops every falsy value, so its
  `--start-on-create=false` starts the machine anyway);
- `--orderBy` and `--desc` are sent (the official CLI validates `--orderBy dtCreated`, then
  always sends its own hard-coded order, and ignores `--desc`);
- a destructive command run without a terminal needs `--yes` (the official CLI never asks);
  the lines here add it, the docs suite shows the refusal without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from pspace_py.redact import MASK
from tests.conformance.conftest import API_URL, Pspace
from tests.conformance.official import Command, Flag, commands, global_flags
from tests.conformance.world import SANDBOX_KEY, Api, World

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
ARRAYS = {"--accessor-ids": (["{user}", "{user2}"], ["{user}", "{user2}"])}
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
    http: tuple[str, str] | None = None  # where pspace-py sends it, when not where the official does


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


@dataclass(frozen=True)
class Case:
    command: Command
    flag: Flag
    tokens: tuple[str, ...]  # how the flag is written on the line
    sent: Any  # what the API must receive for it (None: nothing to check on the wire)
    field: str | None

    @property
    def id(self) -> str:
        return f"{self.command.name}: {' '.join(self.tokens)}"


def _value(command: Command, flag: Flag) -> tuple[str, Any]:
    typed, sent = VALUES[flag.long]
    target = TARGETS[command.name]
    typed = target.values.get(flag.long, typed)
    return typed, target.sent.get(flag.long, target.values.get(flag.long, sent))


def _spellings(command: Command, flag: Flag) -> list[tuple[tuple[str, ...], Any]]:
    """Each official way of writing `flag`, with the value the API must then receive."""
    names = [flag.long, *([flag.short] if flag.short else [])]
    if flag.type == "boolean":
        return [
            form
            for name in names
            for form in (((name,), True), ((f"{name}=true",), True), ((f"{name}=false",), False))
        ]
    if flag.long == "--fields":
        return [
            (("-F", "id"), None),
            (("-F", "id", "-F", "name"), None),
            (("--fields", "id"), None),
            (("-F",), None),  # the docs' bare -F, here last on the line
        ]
    if flag.type == "array":
        typed, sent = ARRAYS[flag.long]
        return [(tuple(t for value in typed for t in (name, value)), sent) for name in names]
    typed, sent = _value(command, flag)
    forms = [((flag.long, typed), sent), ((f"{flag.long}={typed}",), sent)]
    if flag.short:
        forms += [((flag.short, typed), sent), ((f"{flag.short}={typed}",), sent)]
    return forms


def cases() -> list[Case]:
    found = []
    for command in commands().values():
        for flag in command.flags:
            wire = command.wire_name(flag) or OURS_ONLY.get(flag.long)
            for tokens, sent in _spellings(command, flag):
                if flag.long in ("--asc", "--desc"):
                    sent = ("asc" if flag.long == "--asc" else "desc") if sent else None
                found.append(Case(command, flag, tokens, sent, wire))
    return found


def command_line(case: Case, world: World, cursor: str = "") -> list[str]:
    """The command, its ID, its other required flags, then the flag under test."""
    target = TARGETS[case.command.name]
    line = case.command.name.split()
    if target.id:
        line.append(target.id)
    for flag in case.command.flags:
        if flag.required and flag != case.flag:
            typed, _ = _value(case.command, flag)
            line += [flag.long, typed]
    if target.change and case.flag.long != target.change[0]:
        line += target.change
    line += case.tokens
    if target.yes:
        line.append("--yes")
    return [fill(token, world, cursor) for token in line]


def fill(value: Any, world: World, cursor: str = "") -> Any:
    if isinstance(value, str):
        return value.format(**world.values(), cursor=cursor)
    if isinstance(value, list):
        return [fill(item, world, cursor) for item in value]
    return value


def next_page(api: Api, command: Command) -> str:
    """The cursor of the list's second page, in the order the official CLI lists it."""
    order_by = command.params["orderBy"].strip('"')
    method, path = command.http
    page = api.call(method, f"{path}?limit=1&orderBy={order_by}")
    assert page["hasMore"], page
    return str(page["nextPage"])


def the_request(api: Api, command: Command, world: World) -> dict[str, Any]:
    """The logged call that carries the command's flags (method and path as the official's)."""
    method, path = TARGETS[command.name].http or command.http
    target = TARGETS[command.name].id
    pattern = re.escape("/v1" + path)
    for placeholder in (r"\{id\}", r"\{ip\}"):
        pattern = pattern.replace(placeholder, re.escape(fill(target or "", world)))
    calls = [
        entry
        for entry in api.requests()
        if entry["method"] == method and re.fullmatch(pattern, entry["path"])
    ]
    assert calls, f"no {method} {path} reached the sandbox: {api.requests()}"
    return calls[-1]


def assert_fields_shown(case: Case, stdout: str) -> None:
    """`-F id` shows the ID column or row and not the name; a bare `-F` the default fields.

    The deletes and the release whose API answer is only `{"id"}` (`{"ip"}`) say what they did
    on stderr, whatever -F asks for (the official CLI prints that answer as a table, its
    other columns "undefined"); with --json they print the answer.
    """
    if not stdout and case.command.name.split()[-1] in ("delete", "release"):
        return
    labels = stdout.split()
    picked = [token.upper() for token in case.tokens if not token.startswith("-")]
    for label in picked:
        assert label in labels, stdout
    if picked == ["ID"]:
        assert "NAME" not in labels, stdout
    assert labels, "nothing shown"


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_official_flag_is_accepted_and_sent(
    case: Case, pspace: Pspace, api: Api, world: World
) -> None:
    cursor = next_page(api, case.command) if case.flag.long == "--after" else ""
    api.forget_requests()
    line = command_line(case, world, cursor)

    run = pspace(*line)

    assert run.exit_code == 0, f"pspace {' '.join(line)}\n{run.describe()}"
    request = the_request(api, case.command, world)
    assert request["status"] < 300, request
    if case.flag.long == "--fields":
        assert_fields_shown(case, run.stdout)
    if case.field is None or case.sent is None and case.flag.long not in ("--asc", "--desc"):
        return
    where = request["query"] if request["method"] == "GET" else (request["body"] or {})
    if case.sent is None:  # --asc=false / --desc=false: no order asked for
        assert where.get(case.field) in (None, "desc" if case.flag.long == "--asc" else None)
    else:
        assert where.get(case.field) == fill(case.sent, world, cursor), (line, where)


def test_every_in_scope_command_is_in_the_table() -> None:
    assert set(TARGETS) == set(commands())
    counted = {(case.command.name, case.flag.long) for case in CASES}
    assert len(counted) == sum(len(c.flags) for c in commands().values())
