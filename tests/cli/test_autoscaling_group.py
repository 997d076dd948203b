"""`pspace autoscaling-group` against the sandbox, with the official CLI's flags."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.autoscaling_groups import AutoscalingGroupsApi
from pspace_py.api.client import ApiClient
from pspace_py.api.private_networks import PrivateNetworksApi
from pspace_py.api.startup_scripts import StartupScriptsApi
from tests.cli.resource_support import at_a_terminal, bodies, record, sent, writes


@pytest.fixture
def network(sandbox_client: ApiClient) -> dict[str, Any]:
    return PrivateNetworksApi(sandbox_client).create("fleet", "NY2")


@pytest.fixture
def script(sandbox_client: ApiClient) -> dict[str, Any]:
    return StartupScriptsApi(sandbox_client).create("join", "#!/bin/sh\n")


def create_args(network: dict[str, Any], *extra: str) -> list[str]:
    return [
        "autoscaling-group",
        "create",
        "--name",
        "workers",
        "--cluster-id",
        "c1",
        "--machine-type",
        "C4",
        "--network-id",
        network["id"],
        "--template-id",
        "t0nspur5",
        "--max",
        "3",
        "--min",
        "1",
        *extra,
    ]


def a_group(client: ApiClient, network: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "workers",
        "clusterId": "c1",
        "machineType": "C4",
        "networkId": network["id"],
        "templateId": "t0nspur5",
        "min": 1,
        "max": 3,
        **overrides,
    }
    return AutoscalingGroupsApi(client).create(body)


def test_create_with_every_official_flag(
    pspace: Any, sandbox: Any, network: Any, script: Any
) -> None:
    run = pspace(
        *create_args(network, "--startup-script-id", script["id"], "--provisioning-timeout", "15")
    )

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", "/autoscaling-groups") == [
        {
            "name": "workers",
            "clusterId": "c1",
            "machineType": "C4",
            "networkId": network["id"],
            "templateId": "t0nspur5",
            "max": 3,
            "min": 1,
            "startupScriptId": script["id"],
            "provisioningTimeout": 15,
        }
    ]
    shown = record(run.stdout)
    assert (shown["NAME"], shown["CLUSTER"], shown["MIN"], shown["MAX"], shown["CURRENT"]) == (
        "workers",
        "c1",
        "1",
        "3",
        "1",
    )
    assert shown["STARTUP SCRIPT"] == script["id"]


def test_create_takes_the_short_name_flag_and_names_for_network_and_script(
    pspace: Any, sandbox: Any, network: Any, script: Any
) -> None:
    args = create_args(network, "--startup-script-id", "join")
    args[args.index("--name")] = "-n"
    args[args.index(network["id"])] = "fleet"

    run = pspace(*args, "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["networkId"] == network["id"]
    assert run.json()["startupScriptId"] == script["id"]
    assert list(run.json())[:2] == ["clusterId", "current"]  # the API's object, as it came


def test_create_needs_the_required_flags(pspace: Any, sandbox: Any, network: Any) -> None:
    args = create_args(network)
    del args[args.index("--cluster-id") : args.index("--cluster-id") + 2]

    run = pspace(*args)

    assert run.exit_code == 2
    assert "--cluster-id" in run.stderr
    assert writes(sandbox) == [("POST", "/v1/private-networks")]


def test_create_refuses_min_above_max_before_sending(
    pspace: Any, sandbox: Any, network: Any
) -> None:
    args = create_args(network)
    args[args.index("--min") + 1] = "5"

    run = pspace(*args)

    assert run.exit_code == 2
    assert "--min" in run.stderr
    assert sent(sandbox, "POST", "/autoscaling-groups") == []


def test_create_reports_the_apis_refusal(pspace: Any, network: Any) -> None:
    run = pspace(*create_args(network, "--provisioning-timeout", "5"), "--template-id", "tnothing")
    assert run.exit_code != 0
    assert "tnothing" in run.stderr
    assert "Traceback" not in run.stderr


def test_list_shows_the_official_columns_newest_first(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, network: Any
) -> None:
    first = a_group(sandbox_client, network, name="a")
    sandbox.advance(1)
    second = a_group(sandbox_client, network, name="b", clusterId="c2")

    run = pspace("autoscaling-group", "list")

    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "CLUSTER", "MACHINE", "TYPE", "MIN", "MAX", "CURRENT"]
    assert [line.split()[0] for line in lines[1:]] == [second["id"], first["id"]]
    assert sent(sandbox, "GET", "/autoscaling-groups")[0]["query"]["orderBy"] == "dtCreated"


def test_list_filters_and_json_envelope(
    pspace: Any, sandbox_client: ApiClient, network: Any
) -> None:
    a_group(sandbox_client, network, name="a")
    wanted = a_group(sandbox_client, network, name="b", clusterId="c2")

    run = pspace("autoscaling-group", "list", "--cluster-id", "c2", "--machine-type", "C4", "-j")

    assert run.exit_code == 0, run.stderr
    assert run.json() == {"hasMore": False, "items": [wanted], "nextPage": None}
    picked = pspace("autoscaling-group", "list", "-F", "name", "-F", "dtCreated", "--json").json()
    assert list(picked) == ["items", "hasMore", "nextPage"]
    assert {tuple(item) for item in picked["items"]} == {("name", "dtCreated")}


def test_list_by_name_and_ascending(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, network: Any
) -> None:
    a_group(sandbox_client, network, name="b")
    sandbox.advance(1)  # "a" is the newer one, whatever the clock's resolution
    a_group(sandbox_client, network, name="a")

    run = pspace("autoscaling-group", "list", "--orderBy", "name", "--asc", "-F", "name")

    assert run.stdout.split()[1:] == ["a", "b"]
    query = sent(sandbox, "GET", "/autoscaling-groups")[0]["query"]
    assert (query["orderBy"], query["order"]) == ("name", "asc")
    # The official paging flags: one page, then the next from its cursor.
    first = pspace(
        "autoscaling-group", "list", "--orderBy", "dtCreated", "--desc", "--limit", "1", "-j"
    )
    assert first.json()["hasMore"] is True
    rest = pspace(
        "autoscaling-group",
        "list",
        "--limit",
        "1",
        "--after",
        first.json()["nextPage"],
        "-F",
        "name",
    )
    assert rest.exit_code == 0, rest.stderr
    assert rest.stdout.split()[1:] == ["b"]


def test_get_by_id_or_name(pspace: Any, sandbox_client: ApiClient, network: Any) -> None:
    group = a_group(sandbox_client, network)

    by_id = pspace("autoscaling-group", "get", group["id"], "--json")
    by_name = pspace("autoscaling-group", "get", "workers", "--json")

    assert by_id.json() == by_name.json() == group
    missing = pspace("autoscaling-group", "get", "nothing")
    assert missing.exit_code == 4
    assert "pspace autoscaling-group list" in missing.stderr


def test_update_sends_only_what_was_given(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, network: Any
) -> None:
    group = a_group(sandbox_client, network)

    run = pspace("autoscaling-group", "update", group["id"], "--current", "2", "--max", "4")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "PUT", f"/autoscaling-groups/{group['id']}") == [
        {"max": 4, "current": 2}
    ]
    shown = record(run.stdout)
    assert (shown["MAX"], shown["CURRENT"]) == ("4", "2")


def test_update_with_every_official_flag(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, network: Any, script: Any
) -> None:
    group = a_group(sandbox_client, network)
    other = PrivateNetworksApi(sandbox_client).create("other", "NY2")

    run = pspace(
        "autoscaling-group",
        "update",
        group["id"],
        "-n",
        "renamed",
        "--cluster-id",
        "c9",
        "--machine-type",
        "C5",
        "--network-id",
        other["id"],
        "--template-id",
        "tkni3aa4",
        "--startup-script-id",
        script["id"],
        "--max",
        "6",
        "--min",
        "2",
        "--provisioning-timeout",
        "20",
        "--current",
        "3",
        "--json",
    )

    assert run.exit_code == 0, run.stderr
    assert run.json()["name"] == "renamed"
    assert (run.json()["min"], run.json()["max"], run.json()["current"]) == (2, 6, 3)
    (body,) = bodies(sandbox, "PUT", f"/autoscaling-groups/{group['id']}")
    assert set(body) == {
        "name",
        "clusterId",
        "machineType",
        "networkId",
        "templateId",
        "startupScriptId",
        "max",
        "min",
        "provisioningTimeout",
        "current",
    }


def test_update_needs_a_change(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, network: Any
) -> None:
    group = a_group(sandbox_client, network)
    run = pspace("autoscaling-group", "update", group["id"])
    assert run.exit_code == 2
    assert sent(sandbox, "PUT", f"/autoscaling-groups/{group['id']}") == []


def test_delete_asks_then_deletes(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, network: Any, monkeypatch: Any
) -> None:
    group = a_group(sandbox_client, network)

    refused = pspace("autoscaling-group", "delete", group["id"])
    assert refused.exit_code == 5
    assert "--yes" in refused.stderr

    run = pspace("autoscaling-group", "delete", "workers", "--yes", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json() == {"id": group["id"]}
    assert pspace("autoscaling-group", "list", "-q").stdout == ""

    again = a_group(sandbox_client, network, name="again")
    at_a_terminal(monkeypatch)
    asked = pspace("autoscaling-group", "delete", again["id"], input="y\n")
    assert asked.exit_code == 0, asked.stderr
    assert "Deleted autoscaling group" in asked.stderr
