"""Autoscaling groups (`/autoscaling-groups`), as the official CLI's spec defines them."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_contract import AUTOSCALING_GROUP_KEYS, ISO_MS_PATTERN
from tests.sandbox.sandbox_support import error_of


@pytest.fixture
def network_id(client: httpx.Client) -> str:
    answer = client.post("/private-networks", json={"name": "fleet", "region": "NY2"})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


@pytest.fixture
def script_id(client: httpx.Client) -> str:
    answer = client.post("/startup-scripts", json={"name": "join", "script": "#!/bin/sh\n"})
    return str(answer.json()["id"])


def group_body(network_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "workers",
        "clusterId": "clu1abc",
        "machineType": "C4",
        "networkId": network_id,
        "templateId": "t0nspur5",
        "min": 1,
        "max": 3,
        **overrides,
    }


def create_group(client: httpx.Client, network_id: str, **overrides: Any) -> dict[str, Any]:
    answer = client.post("/autoscaling-groups", json=group_body(network_id, **overrides))
    assert answer.status_code == 200, answer.text
    group: dict[str, Any] = answer.json()
    return group


def test_create_answers_the_group_itself(
    client: httpx.Client, network_id: str, script_id: str
) -> None:
    session = client.get("/auth/session").json()

    group = create_group(client, network_id, startupScriptId=script_id, provisioningTimeout=15)

    assert list(group) == AUTOSCALING_GROUP_KEYS  # unwrapped: no {data}
    assert (group["name"], group["clusterId"], group["machineType"]) == ("workers", "clu1abc", "C4")
    assert (group["min"], group["max"], group["current"]) == (1, 3, 1)
    assert group["networkId"] == network_id
    assert group["templateId"] == "t0nspur5"
    assert group["startupScriptId"] == script_id
    assert group["provisioningTimeout"] == 15
    assert group["lastEditedByUserId"] == session["user"]["id"]
    assert group["dtDeleted"] is None
    assert re.fullmatch(ISO_MS_PATTERN, group["dtCreated"])
    assert group["dtModified"] == group["dtCreated"]
    assert client.get(f"/autoscaling-groups/{group['id']}").json() == group


def test_optional_fields_are_null_when_not_given(client: httpx.Client, network_id: str) -> None:
    group = create_group(client, network_id)
    assert group["startupScriptId"] is None
    assert group["provisioningTimeout"] is None


def test_the_machine_type_is_shown_as_the_catalog_spells_it(
    client: httpx.Client, network_id: str
) -> None:
    assert create_group(client, network_id, machineType="c4")["machineType"] == "C4"


@pytest.mark.parametrize(
    ("overrides", "status", "word"),
    [
        ({"machineType": "Z9000"}, 400, "machineType"),
        ({"networkId": "nnone000"}, 404, "nnone000"),
        ({"templateId": "tnothing"}, 400, "tnothing"),
        ({"startupScriptId": "scnone00"}, 404, "scnone00"),
        ({"min": 4, "max": 3}, 400, "min"),
        ({"min": -1}, 400, "min"),
        ({"max": "3"}, 400, "max"),
        ({"provisioningTimeout": 0}, 400, "provisioningTimeout"),
        ({"name": ""}, 400, "name"),
        ({"clusterId": None}, 400, "clusterId"),
    ],
)
def test_create_refuses_what_cannot_be(
    client: httpx.Client, network_id: str, overrides: dict[str, Any], status: int, word: str
) -> None:
    answer = client.post("/autoscaling-groups", json=group_body(network_id, **overrides))
    assert word in error_of(answer, status)
    assert client.get("/autoscaling-groups").json()["items"] == []


def test_every_required_field_is_named_when_missing(client: httpx.Client) -> None:
    message = error_of(client.post("/autoscaling-groups", json={}), 400, "BAD_REQUEST")
    for field in ("name", "clusterId", "machineType", "networkId", "templateId", "min", "max"):
        assert f"`{field}` is required" in message


def test_update_changes_only_what_is_sent(
    client: httpx.Client, app: SandboxApp, network_id: str
) -> None:
    group = create_group(client, network_id)
    app.advance(5)

    answer = client.put(f"/autoscaling-groups/{group['id']}", json={"max": 5, "current": 4})

    assert answer.status_code == 200, answer.text
    updated = answer.json()
    assert list(updated) == AUTOSCALING_GROUP_KEYS
    assert (updated["min"], updated["max"], updated["current"]) == (1, 5, 4)
    assert updated["name"] == "workers"
    assert updated["dtCreated"] == group["dtCreated"]
    assert updated["dtModified"] > group["dtModified"]
    assert client.get(f"/autoscaling-groups/{group['id']}").json() == updated
    renamed = client.put(f"/autoscaling-groups/{group['id']}", json={"name": "big"}).json()
    assert renamed["name"] == "big"
    assert renamed["max"] == 5


def test_update_keeps_current_between_min_and_max(client: httpx.Client, network_id: str) -> None:
    group = create_group(client, network_id, min=1, max=3)
    path = f"/autoscaling-groups/{group['id']}"
    assert "current" in error_of(client.put(path, json={"current": 9}), 400)
    assert "min" in error_of(client.put(path, json={"min": 5}), 400)  # above max 3
    # A narrower range moves the current count into it.
    assert client.put(path, json={"min": 2, "max": 2}).json()["current"] == 2
    error_of(client.put(path, json={"networkId": "nnone000"}), 404)
    error_of(client.put("/autoscaling-groups/asgnone0", json={"max": 2}), 404, "NOT_FOUND")


def test_delete_answers_the_id_and_the_group_is_gone(client: httpx.Client, network_id: str) -> None:
    group = create_group(client, network_id)

    # A body on DELETE (as the docs' curl lines send) is ignored.
    answer = client.request("DELETE", f"/autoscaling-groups/{group['id']}", json={"id": "x"})

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": group["id"]}
    error_of(client.get(f"/autoscaling-groups/{group['id']}"), 404, "NOT_FOUND")
    error_of(client.delete(f"/autoscaling-groups/{group['id']}"), 404, "NOT_FOUND")


def test_list_filters_orders_and_pages(
    client: httpx.Client, app: SandboxApp, network_id: str
) -> None:
    a = create_group(client, network_id, name="b-gpu", clusterId="one", machineType="C5")
    app.advance(1)
    b = create_group(client, network_id, name="a-cpu", clusterId="two")
    app.advance(1)
    c = create_group(client, network_id, name="c-cpu", clusterId="one")

    def ids(**query: Any) -> list[str]:
        answer = client.get("/autoscaling-groups", params=query)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert ids() == [c["id"], b["id"], a["id"]]  # newest first
    assert ids(order="asc") == [a["id"], b["id"], c["id"]]
    assert ids(orderBy="name", order="asc") == [b["id"], a["id"], c["id"]]
    assert ids(clusterId="one") == [c["id"], a["id"]]
    assert ids(machineType="C5") == [a["id"]]
    assert ids(machineType="c") == [c["id"], b["id"], a["id"]]  # part of the value, any case
    assert ids(clusterId="on") == []  # an ID: exact
    assert ids(clusterId="two", machineType="C5") == []
    first = client.get("/autoscaling-groups", params={"limit": 2}).json()
    assert first["hasMore"] is True
    rest = client.get("/autoscaling-groups", params={"limit": 2, "after": first["nextPage"]})
    assert [item["id"] for item in rest.json()["items"]] == [a["id"]]
    error_of(client.get("/autoscaling-groups", params={"orderBy": "state"}), 400, "BAD_REQUEST")


def test_groups_are_the_teams_own() -> None:
    from pspace_py.sandbox import FakeClock, create_app
    from tests.sandbox.sandbox_support import client_for

    app = create_app(api_keys=["alice-key"], clock=FakeClock(), seed=1)
    with client_for(app) as client, client_for(app, "alice-key") as alice:
        network = client.post("/private-networks", json={"name": "n", "region": "NY2"}).json()
        group = create_group(client, network["id"])
        error_of(alice.get(f"/autoscaling-groups/{group['id']}"), 404)
        error_of(alice.delete(f"/autoscaling-groups/{group['id']}"), 404)
        assert alice.get("/autoscaling-groups").json()["items"] == []
        error_of(alice.post("/autoscaling-groups", json=group_body(network["id"])), 404)
    app.close()
