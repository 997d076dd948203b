"""`pspace user` and `pspace machine access`: team members and who may use a machine."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from tests.cli.resource_support import at_a_terminal, bodies, make_machine, record, sent, writes
from tests.run import Run, invoke

OWNER_EMAIL = "sandbox@sandbox.pspace.invalid"


def member(sandbox: Any, email: str, **details: Any) -> dict[str, Any]:
    """A new member; the clock then moves on, so the next one is confirmed later."""
    user: dict[str, Any] = sandbox.add_team_member(email, **details)["user"]
    sandbox.advance(1)
    return user


@pytest.fixture
def ada(sandbox: Any) -> dict[str, Any]:
    return member(sandbox, "ada@example.com", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def bob(sandbox: Any) -> dict[str, Any]:
    return member(sandbox, "bob@example.com", is_admin=True)


@pytest.fixture
def box(sandbox_client: ApiClient) -> dict[str, Any]:
    return make_machine(sandbox_client, "box")


def rows(stdout: str) -> list[dict[str, str]]:
    """A plain table as one dict per row (cells are separated by two or more spaces)."""
    lines = [re.split(r"\s{2,}", line.strip()) for line in stdout.splitlines()]
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


# -- pspace user ---------------------------------------------------------------------------------


def test_user_list_shows_the_team_newest_first(
    pspace: Any, sandbox: Any, ada: Any, bob: Any
) -> None:
    run = pspace("user", "list")

    assert run.exit_code == 0, run.stderr
    assert run.stdout.split()[:5] == ["ID", "EMAIL", "NAME", "ROLE", "CONFIRMED"]
    shown = rows(run.stdout)
    assert [(row["EMAIL"], row["ROLE"]) for row in shown] == [
        ("bob@example.com", "admin"),
        ("ada@example.com", "member"),
        (OWNER_EMAIL, "owner"),
    ]
    assert shown[1]["NAME"] == "Ada Lovelace"
    assert shown[1]["ID"] == ada["id"]
    team_id = pspace("whoami", "--json").json()["teamId"]
    assert sent(sandbox, "GET", f"/teams/{team_id}/users")


def test_user_list_json_is_the_apis_envelope(pspace: Any, ada: Any) -> None:
    run = pspace("user", "list", "--json")

    assert run.exit_code == 0, run.stderr
    page = run.json()
    assert list(page) == ["hasMore", "items", "nextPage"]
    assert [item["user"]["email"] for item in page["items"]] == ["ada@example.com", OWNER_EMAIL]


def test_user_list_quiet_prints_user_ids(pspace: Any, ada: Any) -> None:
    run = pspace("user", "list", "-q", "--role", "member")
    assert run.stdout.split() == [ada["id"]]


def test_user_list_of_a_team_by_namespace_and_of_a_stranger(pspace: Any, ada: Any) -> None:
    by_namespace = pspace("user", "list", "-t", "sandbox", "-q")
    assert len(by_namespace.stdout.split()) == 2

    run = pspace("user", "list", "--team-id", "someone-else")

    assert run.exit_code == 4
    assert "someone-else" in run.stderr
    assert "Traceback" not in run.stderr


def test_user_list_pages_like_every_list(pspace: Any, ada: Any, bob: Any) -> None:
    run = pspace("user", "list", "--limit", "1", "--asc", "-q")

    assert run.stdout.split() != []
    assert "--after" in run.stderr
    assert pspace("user", "list", "--orderBy", "dtConfirmed", "-q").exit_code == 0
    assert pspace("user", "list", "--orderBy", "name").exit_code == 2


@pytest.mark.parametrize("ref", ["ada@example.com", "ADA@example.com", "Ada Lovelace"])
def test_user_update_takes_an_email_or_a_name(
    pspace: Any, sandbox: Any, ada: Any, ref: str
) -> None:
    run = pspace("user", "update", ref, "--admin")

    assert run.exit_code == 0, run.stderr
    (body,) = [entry["body"] for entry in sandbox.request_log() if entry["method"] == "PUT"]
    assert body == {"isAdmin": True}
    shown = record(run.stdout)
    assert (shown["USER"], shown["ADMIN"], shown["OWNER"]) == ("ada@example.com", "yes", "no")


def test_user_update_back_to_member_in_the_official_spelling(
    pspace: Any, sandbox: Any, bob: Any
) -> None:
    run = pspace("user", "update", bob["id"], "--admin=false", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["isAdmin"] is False
    assert list(run.json()) == ["dtConfirmed", "dtDeleted", "isAdmin", "isOwner"]


def test_user_update_needs_a_change(pspace: Any, sandbox: Any, ada: Any) -> None:
    run = pspace("user", "update", "ada@example.com")

    assert run.exit_code == 2
    assert "--admin" in run.stderr
    assert writes(sandbox) == []


def test_an_unknown_user_is_not_found_before_anything_is_sent(pspace: Any, sandbox: Any) -> None:
    run = pspace("user", "update", "nobody@example.com", "--admin")

    assert run.exit_code == 4
    assert "nobody@example.com" in run.stderr
    assert "pspace user list" in run.stderr
    assert writes(sandbox) == []


def test_a_name_two_members_share_is_ambiguous(pspace: Any, sandbox: Any) -> None:
    sandbox.add_team_member("a1@example.com", first_name="Ann", last_name="Lee")
    sandbox.add_team_member("a2@example.com", first_name="Ann", last_name="Lee")

    run = pspace("user", "update", "ann lee", "--admin")

    assert run.exit_code == 2
    assert "a1@example.com" in run.stderr
    assert "a2@example.com" in run.stderr
    assert writes(sandbox) == []


def test_user_remove_asks_and_needs_yes_without_a_terminal(
    pspace: Any, sandbox: Any, ada: Any
) -> None:
    refused = pspace("user", "remove", "ada@example.com")

    assert refused.exit_code == 5
    assert "--yes" in refused.stderr
    assert writes(sandbox) == []

    run = pspace("user", "remove", "ada@example.com", "--yes")

    assert run.exit_code == 0, run.stderr
    assert "ada@example.com" in run.stderr
    assert pspace("user", "list", "-q").stdout.split() == [sandbox_team_owner(pspace)]


def sandbox_team_owner(pspace: Any) -> str:
    items = pspace("user", "list", "--json").json()["items"]
    return str(items[-1]["user"]["id"])


def test_user_remove_at_a_terminal(
    pspace: Any, sandbox: Any, ada: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_a_terminal(monkeypatch)

    declined = pspace("user", "remove", "ada@example.com", input="n\n")
    assert declined.exit_code == 5
    assert writes(sandbox) == []

    run = pspace("user", "remove", "ada@example.com", input="y\n")
    assert run.exit_code == 0, run.stderr
    assert "every machine" in run.stderr  # says what is lost
    assert "team 'sandbox'" in run.stderr


# -- pspace machine access -----------------------------------------------------------------------


def test_access_add_by_email(pspace: Any, sandbox: Any, ada: Any, box: Any) -> None:
    run = pspace("machine", "access", "add", "box", "ada@example.com")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", f"/machines/{box['id']}/accessors") == [{"userId": ada["id"]}]
    shown = record(run.stdout)
    assert (shown["USER"], shown["EMAIL"], shown["NAME"]) == (
        ada["id"],
        "ada@example.com",
        "Ada Lovelace",
    )


def test_access_list_and_json(pspace: Any, ada: Any, bob: Any, box: Any) -> None:
    pspace("machine", "access", "add", box["id"], "ada@example.com")
    pspace("machine", "access", "add", box["id"], bob["id"])

    run = pspace("machine", "access", "list", "box")

    assert run.exit_code == 0, run.stderr
    shown = rows(run.stdout)
    assert sorted((row["USER"], row["EMAIL"]) for row in shown) == sorted(
        [(ada["id"], "ada@example.com"), (bob["id"], "bob@example.com")]
    )
    page = pspace("machine", "access", "list", "box", "--json").json()
    assert list(page) == ["hasMore", "items", "nextPage"]
    assert {item["user"]["id"] for item in page["items"]} == {ada["id"], bob["id"]}
    assert set(pspace("machine", "access", "list", "box", "-q").stdout.split()) == {
        ada["id"],
        bob["id"],
    }


def test_access_list_of_a_machine_nobody_else_uses(pspace: Any, box: Any) -> None:
    run = pspace("machine", "access", "list", "box")
    assert (run.exit_code, run.stdout) == (0, "")
    assert "No users" in run.stderr


def test_access_remove_needs_yes_then_removes(
    pspace: Any, sandbox: Any, ada: Any, box: Any
) -> None:
    pspace("machine", "access", "add", "box", "ada@example.com")

    refused = pspace("machine", "access", "remove", "box", "ada@example.com")
    assert refused.exit_code == 5
    assert "--yes" in refused.stderr

    run = pspace("machine", "access", "remove", "box", "Ada Lovelace", "--yes")

    assert run.exit_code == 0, run.stderr
    assert sent(sandbox, "DELETE", f"/machines/{box['id']}/accessors/{ada['id']}")
    assert "ada@example.com" in run.stderr
    assert pspace("machine", "access", "list", "box", "-q").stdout == ""


def test_access_remove_json_prints_the_apis_answer(pspace: Any, ada: Any, box: Any) -> None:
    pspace("machine", "access", "add", "box", ada["id"])
    run = pspace("machine", "access", "remove", "box", ada["id"], "--yes", "--json")
    assert run.json()["user"]["id"] == ada["id"]
    assert run.json()["dtDeleted"] is not None


def test_access_for_a_stranger_sends_nothing(pspace: Any, sandbox: Any, box: Any) -> None:
    run = pspace("machine", "access", "add", "box", "eve@example.com")

    assert run.exit_code == 4
    assert "eve@example.com" in run.stderr
    assert writes(sandbox) == [("POST", "/v1/machines")]  # only the fixture's machine


def test_access_to_an_unknown_machine(pspace: Any, ada: Any) -> None:
    run = pspace("machine", "access", "add", "nope", "ada@example.com")
    assert run.exit_code == 4
    assert "nope" in run.stderr


# -- machine create --accessor-ids ---------------------------------------------------------------

CREATE = (
    "machine",
    "create",
    "--name",
    "shared",
    "--machine-type",
    "C4",
    "--template-id",
    "t0nspur5",
    "--region",
    "NY2",
    "--disk-size",
    "50",
    "--yes",
)


def test_create_gives_access_to_members_by_email_or_id(
    pspace: Any, sandbox: Any, ada: Any, bob: Any
) -> None:
    run = pspace(*CREATE, "--accessor-ids", "ada@example.com", "--accessor-ids", bob["id"], "-q")

    assert run.exit_code == 0, run.stderr
    (body,) = bodies(sandbox, "POST", "/machines")
    assert body["accessorIds"] == [ada["id"], bob["id"]]
    machine_id = run.stdout.strip()
    listed = pspace("machine", "access", "list", machine_id, "-q").stdout.split()
    assert sorted(listed) == sorted([ada["id"], bob["id"]])


def test_create_says_who_gets_access(pspace: Any, ada: Any) -> None:
    run = pspace(*CREATE, "--accessor-ids", "ada@example.com")
    assert run.exit_code == 0, run.stderr
    assert "ada@example.com" in run.stderr


def test_create_with_a_stranger_stops_before_creating(pspace: Any, sandbox: Any, ada: Any) -> None:
    run = pspace(*CREATE, "--accessor-ids", "ada@example.com,eve@example.com")

    assert run.exit_code == 4
    assert "eve@example.com" in run.stderr
    assert writes(sandbox) == []


def test_create_dry_run_shows_the_resolved_ids(pspace: Any, sandbox: Any, ada: Any) -> None:
    run = pspace(*CREATE, "--accessor-ids", "Ada Lovelace", "--dry-run", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["request"]["body"]["accessorIds"] == [ada["id"]]
    assert writes(sandbox) == []


# -- pspace sandbox add-user ---------------------------------------------------------------------


def test_sandbox_add_user_then_the_in_process_sandbox_lists_them(isolated_env: Any) -> None:
    from pspace_py.cli.context import AppContext

    def run(*args: str) -> Run:
        # No transport: `pspace --sandbox` as a user runs it, state in $PSPACE_SANDBOX_STATE.
        return invoke(AppContext(), *args)

    added = run("sandbox", "add-user", "ada@example.com", "--first-name", "Ada", "--admin", "-q")

    assert added.exit_code == 0, added.output
    listed = run("--sandbox", "user", "list", "--role", "admin", "--json")
    assert listed.exit_code == 0, listed.output
    (member,) = listed.json()["items"]
    assert member["user"]["id"] == added.stdout.strip()
    assert member["user"]["firstName"] == "Ada"
    again = run("sandbox", "add-user", "ADA@example.com")
    assert again.exit_code == 2
    assert "already a member" in again.stderr
    bad = run("sandbox", "add-user", "not-an-email")
    assert bad.exit_code == 2
    assert "email" in bad.stderr
