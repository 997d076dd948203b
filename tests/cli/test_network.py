"""`pspace network` (and its official name `private-network`) against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi
from pspace_py.api.private_networks import PrivateNetworksApi
from tests.cli.resource_support import at_a_terminal, bodies, make_machine, record, sent, writes


def network(client: ApiClient, name: str = "lab", region: str = "ny2") -> dict[str, Any]:
    return PrivateNetworksApi(client).create(name, region)


def test_create_takes_any_region_spelling_and_sends_the_api_value(
    pspace: Any, sandbox: Any
) -> None:
    run = pspace("network", "create", "--name", "lab", "--region", "East Coast (NY2)")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", "/private-networks") == [{"name": "lab", "region": "ny2"}]
    shown = record(run.stdout)
    assert (shown["NAME"], shown["REGION"]) == ("lab", "East Coast (NY2)")
    assert shown["NETMASK"] != "-"


def test_create_sends_migrate_machines_false_when_asked(pspace: Any, sandbox: Any) -> None:
    pspace("network", "create", "-n", "a", "-r", "ny2", "--migrate-machines")
    pspace("network", "create", "-n", "b", "-r", "ny2", "--no-migrate-machines")

    assert [
        body.get("migrateMachines") for body in bodies(sandbox, "POST", "/private-networks")
    ] == [
        True,
        False,
    ]


def test_migrate_machines_moves_the_regions_machines_in(
    pspace: Any, sandbox_client: ApiClient
) -> None:
    make_machine(sandbox_client, "box")

    run = pspace("network", "create", "-n", "lab", "-r", "NY2", "--migrate-machines", "-q")

    network_id = run.stdout.strip()
    assert [machine["networkId"] for machine in MachinesApi(sandbox_client).iter({})] == [
        network_id
    ]


def test_an_unknown_region_is_refused_before_any_request(pspace: Any, sandbox: Any) -> None:
    run = pspace("network", "create", "-n", "lab", "-r", "mars1")

    assert run.exit_code == 2
    assert "mars1" in run.stderr
    assert "NY2" in run.stderr
    assert sandbox.request_log() == []


def test_the_official_name_works(pspace: Any, sandbox_client: ApiClient) -> None:
    network(sandbox_client)

    run = pspace("private-network", "list", "--json")

    assert [item["name"] for item in run.json()["items"]] == ["lab"]


def test_list_filters_by_region_and_name(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    network(sandbox_client, "lab", "ny2")
    network(sandbox_client, "lab", "ams1")
    network(sandbox_client, "other", "ams1")
    sandbox.clear_request_log()

    run = pspace("network", "list", "--region", "AMS1", "--name", "lab")

    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "REGION", "NETWORK", "NETMASK"]
    assert len(lines) == 2
    assert " AMS1 " in lines[1]  # the region's code: a table has room for it
    query = sent(sandbox, "GET", "/private-networks")[0]["query"]
    assert (query["region"], query["name"]) == ("ams1", "lab")


def test_empty_list(pspace: Any) -> None:
    run = pspace("network", "list")

    assert (run.exit_code, run.stdout) == (0, "")
    assert "No private networks" in run.stderr


def test_get_by_name_and_update(pspace: Any, sandbox: Any, sandbox_client: ApiClient) -> None:
    created = network(sandbox_client)

    shown = pspace("network", "get", "lab", "--json")
    renamed = pspace("network", "update", "lab", "--name", "lab-2", "--json")

    assert shown.json() == created
    assert renamed.json()["name"] == "lab-2"
    assert bodies(sandbox, "PUT", f"/private-networks/{created['id']}") == [{"name": "lab-2"}]


def test_get_unknown_network_is_not_found(pspace: Any) -> None:
    run = pspace("network", "get", "nope")

    assert run.exit_code == 4
    assert "pspace network list" in run.stderr


def test_delete_needs_yes_without_a_terminal(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    network(sandbox_client)
    sandbox.clear_request_log()

    run = pspace("network", "delete", "lab")

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []


def test_delete(pspace: Any, sandbox: Any, sandbox_client: ApiClient) -> None:
    created = network(sandbox_client)

    run = pspace("network", "delete", "lab", "--yes")
    again = pspace("network", "delete", created["id"], "--yes")

    assert run.exit_code == 0
    assert "Deleted private network 'lab'" in run.stderr
    assert again.exit_code == 4
    assert len(sent(sandbox, "DELETE", f"/private-networks/{created['id']}")) == 1


def test_delete_json_prints_the_apis_answer(pspace: Any, sandbox_client: ApiClient) -> None:
    created = network(sandbox_client)

    run = pspace("network", "delete", "lab", "--yes", "--json")

    assert run.json() == {"id": created["id"]}


def test_delete_at_a_terminal_asks(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    network(sandbox_client)
    at_a_terminal(monkeypatch)

    declined = pspace("network", "delete", "lab", input="n\n")
    accepted = pspace("network", "delete", "lab", input="y\n")

    assert declined.exit_code == 5
    assert "Cancelled" in declined.stderr
    assert accepted.exit_code == 0


def test_delete_with_machines_attached_says_what_to_do(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    created = network(sandbox_client)
    machine = make_machine(sandbox_client, "box", networkId=created["id"])

    run = pspace("network", "delete", "lab", "--yes")

    assert run.exit_code == 5
    assert sent(sandbox, "DELETE", f"/private-networks/{created['id']}")[0]["status"] == 409
    assert machine["id"] in run.stderr
    assert "pspace machine update" in run.stderr
    assert "--network-id" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
