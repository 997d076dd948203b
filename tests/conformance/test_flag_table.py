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

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conformance.conftest import Pspace
from tests.conformance.lines import (
    ARRAYS,
    OURS_ONLY,
    TARGETS,
    fill,
    line,
    next_page,
    the_request,
    value,
)
from tests.conformance.official import Command, Flag, commands
from tests.conformance.shell import Lines
from tests.conformance.world import Api, World


@dataclass(frozen=True)
class Case:
    command: Command
    flag: Flag
    tokens: tuple[str, ...]  # how the flag is written on the line
    sent: Any  # what the API must receive for it (None: nothing to check on the wire)
    field: str | None
    lead: bool = False  # written before the other flags (else after them)

    @property
    def id(self) -> str:
        return f"{self.command.name}: {' '.join(self.tokens)}{' (first)' if self.lead else ''}"


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
            (("-F",), None),  # a bare -F last on the line (see `cases` for -F first)
        ]
    if flag.type == "array":
        items, sent = ARRAYS[flag.long]
        return [(tuple(t for item in items for t in (name, item)), sent) for name in names]
    typed, sent = value(command, flag)
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
                if flag.long in ("--asc", "--desc"):  # sent as the API's `order`
                    sent = flag.long.removeprefix("--") if sent else None
                found.append(Case(command, flag, tokens, sent, wire))
            if flag.long == "--fields":  # the docs' spelling: -F, then the other flags
                found.append(Case(command, flag, ("-F",), None, None, lead=True))
    return found


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
    check_case(case, pspace, api, world)


# The same check, through the installed `pspace` and a served sandbox, for one case of each
# kind of spelling (the in-process runs above are the fast, complete table).
SAMPLE = [
    "machine create: -F (first)",
    "machine create: --start-on-create=false",
    "machine create: --accessor-ids {user} --accessor-ids {user2}",
    "machine list: -n=conf-new",
    "machine list: --asc=true",
    "snapshot list: --after {cursor}",
    "startup-script update: --enabled=false",
    "public-ip claim: -r NY2",
]


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("name", SAMPLE)
def test_official_flag_verbatim_through_the_installed_pspace(
    name: str, lines: Lines, served_api: Api
) -> None:
    (case,) = [case for case in CASES if case.id == name]

    check_case(case, lines.pspace, served_api, lines.world)


def check_case(case: Case, pspace: Pspace, api: Api, world: World) -> None:
    cursor = next_page(api, case.command) if case.flag.long == "--after" else ""
    api.forget_requests()
    lead, extra = (case.tokens, ()) if case.lead else ((), case.tokens)
    typed = line(case.command, world, extra, instead_of=case.flag, cursor=cursor, lead=lead)

    run = pspace(*typed)

    assert run.exit_code == 0, f"pspace {' '.join(typed)}\n{run.describe()}"
    request = the_request(api, case.command, world)
    assert request["status"] < 300, request
    if case.flag.long == "--fields":
        assert_fields_shown(case, run.stdout)
    if case.field is None:
        return
    where = request["query"] if request["method"] == "GET" else request["body"]
    if case.sent is None:  # --asc=false, --desc=false: that order is not asked for
        assert where.get(case.field) != case.flag.long.removeprefix("--"), where
    else:
        assert where.get(case.field) == fill(case.sent, world, cursor), (typed, where)


def test_every_in_scope_command_is_in_the_table() -> None:
    assert set(TARGETS) == set(commands())
    counted = {(case.command.name, case.flag.long) for case in CASES}
    assert len(counted) == sum(len(c.flags) for c in commands().values())


# The official parser's other spellings (zcli flags-parser.ts), each on one command: a value
# after `=` for short and long flags, a boolean's value as the next word, a cluster of short
# flags whose last one takes the value.
PARSER_FORMS = [
    (["machine", "get", "{machine}", "-jF", "id"], {"id": "{machine}"}),
    (["machine", "get", "{machine}", "--fields=id", "--json"], {"id": "{machine}"}),
    (["machine", "get", "{machine}", "-F=id", "-j=true"], {"id": "{machine}"}),
    (["machine", "get", "{machine}", "--json", "true", "-F", "id"], {"id": "{machine}"}),
]


@pytest.mark.parametrize(
    ("typed", "shown"), PARSER_FORMS, ids=[" ".join(t) for t, _ in PARSER_FORMS]
)
def test_official_parser_spellings(
    typed: list[str], shown: dict[str, str], pspace: Pspace, world: World
) -> None:
    run = pspace(*fill(typed, world))

    assert run.exit_code == 0, run.describe()
    assert run.json() == fill_dict(shown, world)


def test_a_boolean_takes_true_or_false_as_the_next_word(
    pspace: Pspace, api: Api, world: World
) -> None:
    run = pspace(
        "startup-script", "update", world.script, "--run-once", "false", "--enabled", "true"
    )

    assert run.exit_code == 0, run.describe()
    body = the_request(api, commands()["startup-script update"], world)["body"]
    assert (body["isRunOnce"], body["isEnabled"]) == (False, True)


def fill_dict(template: dict[str, str], world: World) -> dict[str, str]:
    return {key: fill(value, world) for key, value in template.items()}
