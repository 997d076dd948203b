"""`pspace shared-drive` against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.private_networks import PrivateNetworksApi
from pspace_py.api.shared_drives import SharedDrivesApi
from tests.cli.resource_support import at_a_terminal, bodies, record, sent, writes


@pytest.fixture
def lab(sandbox_client: ApiClient) -> dict[str, Any]:
    return PrivateNetworksApi(sandbox_client).create("lab", "ny2")


def drive(client: ApiClient, network: dict[str, Any], name: str = "data") -> dict[str, Any]:
    return SharedDrivesApi(client).create(
        name=name, size_gb=250, region="ny2", network_id=network["id"]
    )


def test_create_on_a_network_by_name_takes_the_networks_region(
    pspace: Any, sandbox: Any, lab: dict[str, Any]
) -> None:
    run = pspace("shared-drive", "create", "--name", "data", "--size", "250", "--network-id", "lab")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", "/shared-drives") == [
        {"name": "data", "size": 250, "region": "ny2", "networkId": lab["id"]}
    ]
    shown = record(run.stdout)
    assert (shown["NAME"], shown["NETWORK"], shown["SIZE"]) == ("data", lab["id"], "250 GB")
    assert shown["MOUNT POINT"].startswith("//")


def test_create_with_the_networks_region_spelled_differently(
    pspace: Any, sandbox: Any, lab: dict[str, Any]
) -> None:
    run = pspace(
        "shared-drive", "create", "-n", "data", "--size", "500", "--network-id", lab["id"],
        "--region", "East Coast (NY2)",
    )  # fmt: skip

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", "/shared-drives")[0]["region"] == "ny2"


def test_create_in_another_region_than_the_network_is_refused(
    pspace: Any, sandbox: Any, lab: dict[str, Any]
) -> None:
    run = pspace(
        "shared-drive", "create", "-n", "data", "--size", "250", "--network-id", "lab", "-r", "CA1"
    )

    assert run.exit_code == 5
    assert "East Coast (NY2)" in run.stderr
    assert "CA1" in run.stderr
    assert sent(sandbox, "POST", "/shared-drives") == []


def test_a_size_the_catalog_does_not_offer_is_refused_before_any_request(
    pspace: Any, sandbox: Any
) -> None:
    run = pspace("shared-drive", "create", "-n", "data", "--size", "300", "--network-id", "lab")

    assert run.exit_code == 2
    assert "250" in run.stderr
    assert "500" in run.stderr
    assert sandbox.request_log() == []


def test_create_on_an_unknown_network_is_not_found(pspace: Any) -> None:
    run = pspace("shared-drive", "create", "-n", "data", "--size", "250", "--network-id", "nope")

    assert run.exit_code == 4
    assert "pspace network list" in run.stderr


def test_list_by_region_and_name(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, lab: dict[str, Any]
) -> None:
    wanted = drive(sandbox_client, lab, "data")
    drive(sandbox_client, lab, "other")
    sandbox.clear_request_log()

    run = pspace("shared-drive", "list", "--region", "ny2", "--name", "data")

    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "REGION", "NETWORK", "SIZE", "MOUNT", "POINT"]
    assert [line.split()[0] for line in lines[1:]] == [wanted["id"]]
    query = sent(sandbox, "GET", "/shared-drives")[0]["query"]
    assert (query["region"], query["name"], query["orderBy"]) == ("ny2", "data", "name")


def test_empty_list(pspace: Any) -> None:
    run = pspace("shared-drive", "list")

    assert "No shared drives" in run.stderr
    assert pspace("shared-drive", "list", "--json").json()["items"] == []


def test_get_by_name_and_update(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, lab: dict[str, Any]
) -> None:
    created = drive(sandbox_client, lab)

    shown = pspace("shared-drive", "get", "data", "--json")
    renamed = pspace("shared-drive", "update", "data", "--name", "data-2", "--json")

    assert shown.json() == created
    assert renamed.json()["name"] == "data-2"
    assert bodies(sandbox, "PUT", f"/shared-drives/{created['id']}") == [{"name": "data-2"}]


def test_delete_needs_yes_without_a_terminal(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, lab: dict[str, Any]
) -> None:
    drive(sandbox_client, lab)
    sandbox.clear_request_log()

    run = pspace("shared-drive", "delete", "data")

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []


def test_delete_with_yes(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, lab: dict[str, Any]
) -> None:
    created = drive(sandbox_client, lab)

    run = pspace("shared-drive", "delete", "data", "--yes", "--json")

    assert run.json() == {"id": created["id"]}
    assert len(sent(sandbox, "DELETE", f"/shared-drives/{created['id']}")) == 1


@pytest.mark.parametrize(("typed", "exit_code", "left"), [("data\n", 0, 0), ("yes\n", 5, 1)])
def test_delete_at_a_terminal_wants_the_drives_name(
    pspace: Any,
    sandbox_client: ApiClient,
    lab: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    typed: str,
    exit_code: int,
    left: int,
) -> None:
    drive(sandbox_client, lab)
    at_a_terminal(monkeypatch)

    run = pspace("shared-drive", "delete", "data", input=typed)

    assert run.exit_code == exit_code
    assert "every file on it is lost" in run.stderr
    assert len(pspace("shared-drive", "list", "--json").json()["items"]) == left


def test_a_network_with_a_drive_cannot_be_deleted(
    pspace: Any, sandbox_client: ApiClient, lab: dict[str, Any]
) -> None:
    created = drive(sandbox_client, lab)

    run = pspace("network", "delete", "lab", "--yes")

    assert run.exit_code == 5
    assert created["id"] in run.stderr
    assert "pspace shared-drive delete" in run.stderr
