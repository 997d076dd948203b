"""The API modules for team members, machine accessors and autoscaling groups, on the sandbox."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pspace_py.api.autoscaling_groups import AutoscalingGroupsApi
from pspace_py.api.client import ApiClient
from pspace_py.api.errors import InvalidResponseError, NotFoundError
from pspace_py.api.machine_accessors import MachineAccessorsApi
from pspace_py.api.machines import MachinesApi
from pspace_py.api.private_networks import PrivateNetworksApi
from pspace_py.api.team_users import TeamUsersApi

BOX = {
    "name": "box",
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "NY2",
    "diskSize": 50,
}


def machine_id(client: ApiClient) -> str:
    return str(MachinesApi(client).create(BOX).resource["id"])


def test_team_users_list_update_remove(sandbox: Any, sandbox_client: ApiClient) -> None:
    ada = sandbox.add_team_member("ada@example.com", first_name="Ada")["user"]["id"]
    team = TeamUsersApi(sandbox_client, "sandbox")

    emails = [item["user"]["email"] for item in team.iter({})]
    assert "ada@example.com" in emails
    assert len(emails) == 2
    assert team.get(ada)["user"]["firstName"] == "Ada"
    assert team.update(ada, is_admin=True)["isAdmin"] is True
    assert team.remove(ada)["dtDeleted"] is not None
    with pytest.raises(NotFoundError):
        team.get(ada)


def test_another_team_is_not_found(sandbox_client: ApiClient) -> None:
    for team in ("someone-else", "a/b"):  # quoted: one path segment, never another route
        with pytest.raises(NotFoundError):
            TeamUsersApi(sandbox_client, team).page({})


def test_machine_accessors_add_get_list_remove(sandbox: Any, sandbox_client: ApiClient) -> None:
    ada = sandbox.add_team_member("ada@example.com")["user"]["id"]
    access = MachineAccessorsApi(sandbox_client, machine_id(sandbox_client))

    added = access.add(ada)

    assert added["user"]["id"] == ada
    assert access.get(ada) == added
    assert [item["user"]["id"] for item in access.iter({})] == [ada]
    assert access.remove(ada)["dtDeleted"] is not None
    assert list(access.iter({})) == []
    with pytest.raises(NotFoundError):
        access.get(ada)


def test_an_accessor_without_a_user_is_refused() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"dtDeleted": None})

    with (
        ApiClient(
            "https://api.test/v1", "key", transport=httpx.MockTransport(answer), retries=0
        ) as client,
        pytest.raises(InvalidResponseError, match="user"),
    ):
        MachineAccessorsApi(client, "ps1").add("u1")


def test_autoscaling_groups_create_get_update_list_delete(sandbox_client: ApiClient) -> None:
    network = PrivateNetworksApi(sandbox_client).create("fleet", "NY2")
    groups = AutoscalingGroupsApi(sandbox_client)
    body = {
        "name": "workers",
        "clusterId": "c1",
        "machineType": "C4",
        "networkId": network["id"],
        "templateId": "t0nspur5",
        "min": 1,
        "max": 3,
    }

    created = groups.create(body)

    assert (created["name"], created["current"]) == ("workers", 1)
    assert groups.get(created["id"]) == created
    assert groups.update(created["id"], {"max": 5})["max"] == 5
    assert [item["id"] for item in groups.iter({"clusterId": "c1"})] == [created["id"]]
    assert groups.delete(created["id"]) == {"id": created["id"]}
    with pytest.raises(NotFoundError):
        groups.get(created["id"])
