"""Users on machines: team members (`/teams/{teamId}/users`), machine accessors
(`/machines/{id}/accessors`), `accessorIds` on create, and `/machines/{id}/desktop`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pspace_py.sandbox import FakeClock, create_app
from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_contract import (
    ACCESSOR_KEYS,
    ACCESSOR_USER_KEYS,
    TEAM_MEMBER_KEYS,
    TEAM_MEMBERSHIP_KEYS,
    TEAM_USER_KEYS,
)
from tests.sandbox.sandbox_support import MACHINE, CreateMachine, client_for, error_of

ADMIN = "http://sandbox.test/_sandbox"


def add_member(client: httpx.Client, email: str, **extra: Any) -> dict[str, Any]:
    """A new member of the sandbox-key team, added through the admin route."""
    answer = client.post(f"{ADMIN}/team-members", json={"email": email, **extra})
    assert answer.status_code == 200, answer.text
    member: dict[str, Any] = answer.json()
    return member


def team(client: httpx.Client) -> dict[str, Any]:
    session: dict[str, Any] = client.get("/auth/session").json()
    return session


def users(client: httpx.Client, team_ref: str = "sandbox", **query: Any) -> dict[str, Any]:
    answer = client.get(f"/teams/{team_ref}/users", params=query)
    assert answer.status_code == 200, answer.text
    listed: dict[str, Any] = answer.json()
    return listed


# -- team members --------------------------------------------------------------------------------


def test_a_team_starts_with_its_owner_the_sessions_user(client: httpx.Client) -> None:
    session = team(client)

    listed = users(client)

    assert listed["hasMore"] is False
    assert listed["nextPage"] is None
    (owner,) = listed["items"]
    assert list(owner) == TEAM_MEMBER_KEYS
    assert list(owner["user"]) == TEAM_USER_KEYS
    assert (owner["isOwner"], owner["isAdmin"]) == (True, True)
    assert owner["user"]["id"] == session["user"]["id"]
    assert owner["user"]["email"] == session["user"]["email"]
    assert owner["dtConfirmed"] == session["user"]["dtConfirmed"]


def test_the_team_path_takes_the_team_id_or_its_namespace(client: httpx.Client) -> None:
    session = team(client)
    by_id = users(client, session["team"]["id"])
    by_namespace = users(client, session["team"]["namespace"])
    assert by_id == by_namespace


def test_another_teams_members_are_not_found() -> None:
    other = create_app(api_keys=["alice-key"], clock=FakeClock(), seed=1)
    with client_for(other, "alice-key") as alice:
        message = error_of(alice.get("/teams/sandbox/users"), 404, "NOT_FOUND")
        assert "sandbox" in message
        assert users(alice, "alice")["items"][0]["user"]["email"].startswith("alice@")
    other.close()


def test_added_members_list_newest_confirmed_first(client: httpx.Client, app: SandboxApp) -> None:
    app.advance(1)
    ada = add_member(client, "ada@example.com", firstName="Ada", lastName="Lovelace")
    app.advance(1)
    bob = add_member(client, "bob@example.com", isAdmin=True)

    assert list(ada) == TEAM_MEMBER_KEYS
    assert (ada["user"]["firstName"], ada["user"]["lastName"]) == ("Ada", "Lovelace")
    assert ada["user"]["id"] != bob["user"]["id"]
    emails = [item["user"]["email"] for item in users(client)["items"]]
    assert emails == ["bob@example.com", "ada@example.com", "sandbox@sandbox.pspace.invalid"]
    ascending = [item["user"]["email"] for item in users(client, order="asc")["items"]]
    assert ascending == list(reversed(emails))


def test_members_page_with_the_nextpage_cursor(client: httpx.Client, app: SandboxApp) -> None:
    for number in range(4):
        app.advance(1)
        add_member(client, f"user{number}@example.com")
    seen: list[str] = []
    query: dict[str, Any] = {"limit": 2}
    for _ in range(10):
        page = users(client, **query)
        seen.extend(item["user"]["email"] for item in page["items"])
        if not page["hasMore"]:
            assert page["nextPage"] is None
            break
        query = {"limit": 2, "after": page["nextPage"]}
    assert len(seen) == 5
    assert len(set(seen)) == 5
    assert seen[0] == "user3@example.com"
    error_of(client.get("/teams/sandbox/users", params={"after": "garbage"}), 400)
    cursor = users(client, limit=2)["nextPage"]
    error_of(client.get("/teams/sandbox/users", params={"after": cursor, "order": "asc"}), 400)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", ["sandbox@sandbox.pspace.invalid"]),
        ("admin", ["root@example.com"]),
        ("member", ["plain@example.com"]),
    ],
)
def test_the_role_filter(client: httpx.Client, role: str, expected: list[str]) -> None:
    add_member(client, "plain@example.com")
    add_member(client, "root@example.com", isAdmin=True)
    listed = users(client, role=role)["items"]
    assert [item["user"]["email"] for item in listed] == expected


def test_bad_list_queries_are_400(client: httpx.Client) -> None:
    for query in ({"role": "boss"}, {"orderBy": "name"}, {"limit": "0"}, {"order": "up"}):
        error_of(client.get("/teams/sandbox/users", params=query), 400, "BAD_REQUEST")


def test_update_makes_a_member_an_admin(client: httpx.Client) -> None:
    ada = add_member(client, "ada@example.com")
    user_id = ada["user"]["id"]

    answer = client.put(f"/teams/sandbox/users/{user_id}", json={"isAdmin": True})

    assert answer.status_code == 200, answer.text
    assert list(answer.json()) == TEAM_MEMBERSHIP_KEYS
    assert answer.json()["isAdmin"] is True
    assert answer.json()["dtDeleted"] is None
    assert users(client, role="admin")["items"][0]["user"]["id"] == user_id
    back = client.put(f"/teams/sandbox/users/{user_id}", json={"isAdmin": False}).json()
    assert back["isAdmin"] is False


def test_update_needs_isadmin_and_a_member(client: httpx.Client) -> None:
    ada = add_member(client, "ada@example.com")
    path = f"/teams/sandbox/users/{ada['user']['id']}"
    assert "isAdmin" in error_of(client.put(path, json={}), 400, "BAD_REQUEST")
    error_of(client.put(path, json={"isAdmin": "yes"}), 400, "BAD_REQUEST")
    error_of(client.put("/teams/sandbox/users/unobody1", json={"isAdmin": True}), 404)
    owner_id = team(client)["user"]["id"]
    message = error_of(client.put(f"/teams/sandbox/users/{owner_id}", json={"isAdmin": False}), 400)
    assert "owner" in message


def test_remove_takes_a_member_off_the_team_and_off_its_machines(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    ada = add_member(client, "ada@example.com")
    user_id = ada["user"]["id"]
    machine_id = make_machine()["id"]
    client.post(f"/machines/{machine_id}/accessors", json={"userId": user_id})

    answer = client.delete(f"/teams/sandbox/users/{user_id}")

    assert answer.status_code == 200, answer.text
    assert list(answer.json()) == TEAM_MEMBERSHIP_KEYS
    assert answer.json()["dtDeleted"] is not None
    assert [item["user"]["id"] for item in users(client)["items"]] == [team(client)["user"]["id"]]
    assert client.get(f"/machines/{machine_id}/accessors").json()["items"] == []
    error_of(client.delete(f"/teams/sandbox/users/{user_id}"), 404)


def test_the_owner_cannot_be_removed(client: httpx.Client) -> None:
    owner_id = team(client)["user"]["id"]
    assert "owner" in error_of(client.delete(f"/teams/sandbox/users/{owner_id}"), 400)


def test_the_admin_route_refuses_a_second_member_with_the_same_email(
    client: httpx.Client,
) -> None:
    add_member(client, "ada@example.com")
    answer = client.post(f"{ADMIN}/team-members", json={"email": "ADA@example.com"})
    assert "already" in error_of(answer, 409, "CONFLICT")
    error_of(client.post(f"{ADMIN}/team-members", json={}), 400)
    error_of(client.post(f"{ADMIN}/team-members", json={"email": "not-an-email"}), 400)
    error_of(client.post(f"{ADMIN}/team-members", json={"email": "x@y.z", "isAdmin": 1}), 400)


def test_the_admin_route_adds_to_another_team_by_key() -> None:
    app = create_app(api_keys=["alice-key"], clock=FakeClock(), seed=1)
    with client_for(app) as client, client_for(app, "alice-key") as alice:
        client.post(f"{ADMIN}/team-members", json={"email": "a@example.com", "apiKey": "alice-key"})
        assert len(users(alice, "alice")["items"]) == 2
        assert len(users(client)["items"]) == 1
    app.close()


# -- machine accessors ---------------------------------------------------------------------------


def test_add_list_get_remove_an_accessor(client: httpx.Client, make_machine: CreateMachine) -> None:
    ada = add_member(client, "ada@example.com", firstName="Ada")
    user_id = ada["user"]["id"]
    machine_id = make_machine()["id"]
    path = f"/machines/{machine_id}/accessors"

    # The docs' example sends the machine ID again in the body; extra keys are ignored.
    added = client.post(path, json={"id": machine_id, "userId": user_id})

    assert added.status_code == 200, added.text
    accessor = added.json()
    assert list(accessor) == ACCESSOR_KEYS
    assert list(accessor["user"]) == ACCESSOR_USER_KEYS
    assert accessor["dtDeleted"] is None
    assert (accessor["user"]["id"], accessor["user"]["email"]) == (user_id, "ada@example.com")
    assert accessor["user"]["firstName"] == "Ada"
    listed = client.get(path).json()
    assert listed == {"hasMore": False, "items": [accessor], "nextPage": None}
    assert client.get(f"{path}/{user_id}").json() == accessor

    # The docs' example sends a body on DELETE too.
    removed = client.request(
        "DELETE", f"{path}/{user_id}", json={"id": machine_id, "userId": user_id}
    )

    assert removed.status_code == 200, removed.text
    assert removed.json()["user"]["id"] == user_id
    assert removed.json()["dtDeleted"] is not None
    assert client.get(path).json()["items"] == []
    error_of(client.get(f"{path}/{user_id}"), 404, "NOT_FOUND")
    error_of(client.delete(f"{path}/{user_id}"), 404, "NOT_FOUND")


def test_adding_an_accessor_twice_keeps_one(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    user_id = add_member(client, "ada@example.com")["user"]["id"]
    path = f"/machines/{make_machine()['id']}/accessors"
    first = client.post(path, json={"userId": user_id}).json()
    second = client.post(path, json={"userId": user_id}).json()
    assert first == second
    assert len(client.get(path).json()["items"]) == 1


def test_only_team_members_can_be_given_access(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    path = f"/machines/{make_machine()['id']}/accessors"
    message = error_of(client.post(path, json={"userId": "unobody1"}), 404, "NOT_FOUND")
    assert "member" in message
    assert "unobody1" in message
    assert "userId" in error_of(client.post(path, json={}), 400, "BAD_REQUEST")
    error_of(client.post(path, json={"userId": 7}), 400, "BAD_REQUEST")
    error_of(client.post("/machines/psnone00/accessors", json={"userId": "u1"}), 404)
    error_of(client.get("/machines/psnone00/accessors"), 404)


def test_accessors_list_by_user_id_and_page(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    ids = [add_member(client, f"user{n}@example.com")["user"]["id"] for n in range(3)]
    path = f"/machines/{make_machine()['id']}/accessors"
    for user_id in ids:
        client.post(path, json={"userId": user_id})

    first = client.get(path, params={"limit": 2}).json()
    rest = client.get(path, params={"limit": 2, "after": first["nextPage"]}).json()

    shown = [item["user"]["id"] for item in first["items"] + rest["items"]]
    assert shown == sorted(ids, reverse=True)  # orderBy id, desc by default
    assert rest["hasMore"] is False
    ascending = client.get(path, params={"order": "asc", "orderBy": "id"}).json()["items"]
    assert [item["user"]["id"] for item in ascending] == sorted(ids)
    error_of(client.get(path, params={"orderBy": "dtCreated"}), 400, "BAD_REQUEST")


def test_accessor_ids_on_create_are_given_access(client: httpx.Client) -> None:
    ada = add_member(client, "ada@example.com")["user"]["id"]
    bob = add_member(client, "bob@example.com")["user"]["id"]

    created = client.post("/machines", json={**MACHINE, "accessorIds": [ada, bob, ada]})

    assert created.status_code == 200, created.text
    machine_id = created.json()["data"]["id"]
    listed = client.get(f"/machines/{machine_id}/accessors", params={"order": "asc"}).json()
    assert [item["user"]["id"] for item in listed["items"]] == sorted([ada, bob])


def test_accessor_ids_of_strangers_refuse_the_create(client: httpx.Client) -> None:
    ada = add_member(client, "ada@example.com")["user"]["id"]

    answer = client.post("/machines", json={**MACHINE, "accessorIds": [ada, "ustranger"]})

    message = error_of(answer, 404, "NOT_FOUND")
    assert "ustranger" in message
    assert client.get("/machines").json()["items"] == []


def test_a_deleted_machine_leaves_no_accessors(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    from pspace_py.sandbox import store

    user_id = add_member(client, "ada@example.com")["user"]["id"]
    machine_id = make_machine()["id"]
    client.post(f"/machines/{machine_id}/accessors", json={"userId": user_id})
    client.patch(f"/machines/{machine_id}/stop")
    app.advance(60)

    assert client.delete(f"/machines/{machine_id}").status_code == 200

    with app.store.read() as conn:
        assert store.find(conn, "machine_accessor", "sandbox") == []


def test_curl_style_wire_requests(app: SandboxApp) -> None:
    """What the docs' curl lines send: raw JSON bodies, the key as a bearer token."""
    with client_for(app) as client:
        user_id = add_member(client, "ada@example.com")["user"]["id"]
        machine_id = client.post("/machines", json=MACHINE).json()["data"]["id"]
    from pspace_py.sandbox.transport import SandboxTransport

    # The same in-process sandbox, with no default headers.
    with httpx.Client(transport=SandboxTransport(app), base_url="http://sandbox.test/v1") as raw:
        added = raw.post(
            f"/machines/{machine_id}/accessors",
            content=f'{{"userId": "{user_id}"}}'.encode(),
            headers={"Authorization": "Bearer sandbox-key", "Content-Type": "application/json"},
        )
        assert added.status_code == 200, added.text
        assert added.json()["user"]["id"] == user_id


# -- desktop -------------------------------------------------------------------------------------


def test_a_linux_desktop_machine_has_vnc_settings(client: httpx.Client, app: SandboxApp) -> None:
    desktop = {**MACHINE, "machineType": "P4000", "templateId": "t17d1a6i"}
    machine = client.post("/machines", json=desktop).json()["data"]
    app.advance(60)

    answer = client.get(f"/machines/{machine['id']}/desktop")

    assert answer.status_code == 200, answer.text
    settings = answer.json()
    assert list(settings) == ["vnc"]
    assert list(settings["vnc"]) == ["hostname", "password", "port"]
    assert settings["vnc"]["port"] == 5900
    assert (
        settings["vnc"]["hostname"] == client.get(f"/machines/{machine['id']}").json()["publicIp"]
    )
    assert len(settings["vnc"]["password"]) >= 12
    assert client.get(f"/machines/{machine['id']}/desktop").json() == settings  # stable


def test_a_headless_machine_has_no_desktop_settings(
    client: httpx.Client, make_machine: CreateMachine
) -> None:
    answer = client.get(f"/machines/{make_machine()['id']}/desktop")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {}
    error_of(client.get("/machines/psnone00/desktop"), 404, "NOT_FOUND")
