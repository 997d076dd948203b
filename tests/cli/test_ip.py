"""`pspace ip` (and its official name `public-ip`) against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi
from pspace_py.api.public_ips import PublicIpsApi
from tests.cli.resource_support import at_a_terminal, bodies, make_machine, record, sent, writes


def claimed(client: ApiClient, region: str = "ny2") -> str:
    return str(PublicIpsApi(client).claim(region)["ip"])


def assigned_ip(client: ApiClient, machine_id: str) -> Any:
    return MachinesApi(client).get(machine_id)["publicIp"]


def test_claim_quiet_prints_the_address(pspace: Any, sandbox: Any) -> None:
    run = pspace("ip", "claim", "--region", "ny2", "-q")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", "/public-ips") == [{"region": "ny2"}]
    address = run.stdout.strip()
    assert pspace("ip", "list", "-q").stdout.split() == [address]


def test_claim_shows_the_ip_with_the_official_name(pspace: Any) -> None:
    run = pspace("public-ip", "claim", "-r", "Europe (AMS1)")

    shown = record(run.stdout)
    assert shown["REGION"] == "Europe (AMS1)"
    assert shown["MACHINE"] == "-"


def test_claim_in_an_unknown_region_is_refused_before_any_request(
    pspace: Any, sandbox: Any
) -> None:
    run = pspace("ip", "claim", "--region", "moon")

    assert run.exit_code == 2
    assert sandbox.request_log() == []


def test_list_filters_by_region_and_shows_every_ip_with_the_same_columns(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    box = make_machine(sandbox_client, "box")
    near = claimed(sandbox_client)
    claimed(sandbox_client, "ams1")
    PublicIpsApi(sandbox_client).assign(near, box["id"])
    sandbox.clear_request_log()

    run = pspace("ip", "list", "--region", "NY2")

    lines = run.stdout.splitlines()
    assert lines[0].split() == ["IP", "REGION", "MACHINE", "CLAIMED"]
    assert [line.split()[0] for line in lines[1:]] == [near]
    assert box["id"] in lines[1]
    assert sent(sandbox, "GET", "/public-ips")[0]["query"]["region"] == "ny2"


def test_empty_list(pspace: Any) -> None:
    run = pspace("ip", "list")

    assert (run.stdout, run.exit_code) == ("", 0)
    assert "No public IPs" in run.stderr
    assert pspace("ip", "list", "--json").json()["items"] == []


def test_assign_to_a_machine_by_name(pspace: Any, sandbox: Any, sandbox_client: ApiClient) -> None:
    box = make_machine(sandbox_client, "box")
    address = claimed(sandbox_client)

    run = pspace("ip", "assign", address, "--machine-id", "box", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["assignedMachineId"] == box["id"]
    assert bodies(sandbox, "PUT", f"/public-ips/{address}") == [{"machineId": box["id"]}]
    assert assigned_ip(sandbox_client, box["id"]) == address


def test_assign_an_ip_of_another_region_is_refused(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    make_machine(sandbox_client, "box")
    address = claimed(sandbox_client, "ams1")

    run = pspace("ip", "assign", address, "-m", "box")

    assert run.exit_code == 5
    assert "Europe (AMS1)" in run.stderr
    assert "East Coast (NY2)" in run.stderr
    assert "pspace ip claim --region NY2" in run.stderr
    assert writes(sandbox) == [("POST", "/v1/machines"), ("POST", "/v1/public-ips")]


def test_assign_an_unclaimed_ip_is_not_found(pspace: Any, sandbox_client: ApiClient) -> None:
    make_machine(sandbox_client, "box")

    run = pspace("ip", "assign", "198.51.100.200", "-m", "box")

    assert run.exit_code == 4
    assert "198.51.100.200" in run.stderr
    assert "pspace ip list" in run.stderr


def test_a_malformed_address_is_a_usage_error(pspace: Any, sandbox: Any) -> None:
    run = pspace("ip", "release", "not-an-ip", "--yes")

    assert run.exit_code == 2
    assert sandbox.request_log() == []


def test_unassign_sends_machine_id_null(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    box = make_machine(sandbox_client, "box")
    address = claimed(sandbox_client)
    PublicIpsApi(sandbox_client).assign(address, box["id"])

    run = pspace("ip", "unassign", address, "--yes", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["assignedMachineId"] is None
    assert bodies(sandbox, "PUT", f"/public-ips/{address}")[-1] == {"machineId": None}
    assert assigned_ip(sandbox_client, box["id"]) is None


def test_unassign_needs_yes_without_a_terminal(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    box = make_machine(sandbox_client, "box")
    address = claimed(sandbox_client)
    PublicIpsApi(sandbox_client).assign(address, box["id"])
    sandbox.clear_request_log()

    run = pspace("ip", "unassign", address)

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []


def test_unassign_an_unassigned_ip_does_nothing(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    address = claimed(sandbox_client)
    sandbox.clear_request_log()

    run = pspace("ip", "unassign", address)

    assert run.exit_code == 0
    assert "not assigned" in run.stderr
    assert writes(sandbox) == []


def test_release_an_assigned_ip_unassigns_it_first(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    box = make_machine(sandbox_client, "box")
    address = claimed(sandbox_client)
    PublicIpsApi(sandbox_client).assign(address, box["id"])
    sandbox.clear_request_log()

    run = pspace("ip", "release", address, "--yes")

    assert run.exit_code == 0, run.stderr
    assert f"Released public IP {address}" in run.stderr
    assert writes(sandbox) == [
        ("PUT", f"/v1/public-ips/{address}"),
        ("DELETE", f"/v1/public-ips/{address}"),
    ]
    assert pspace("ip", "list", "--json").json()["items"] == []


def test_release_json_prints_the_apis_answer(pspace: Any, sandbox_client: ApiClient) -> None:
    address = claimed(sandbox_client)

    run = pspace("ip", "release", address, "--yes", "--json")

    assert run.json() == {"ip": address}


@pytest.mark.parametrize(("answer", "exit_code", "left"), [("y\n", 0, 0), ("n\n", 5, 1)])
def test_release_at_a_terminal_asks(
    pspace: Any,
    sandbox_client: ApiClient,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    exit_code: int,
    left: int,
) -> None:
    address = claimed(sandbox_client)
    at_a_terminal(monkeypatch)

    run = pspace("ip", "release", address, input=answer)

    assert run.exit_code == exit_code
    assert f"Release public IP {address}?" in run.stderr
    assert "may never be yours again" in run.stderr
    assert len(pspace("ip", "list", "--json").json()["items"]) == left


def test_release_without_a_terminal_needs_yes(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    address = claimed(sandbox_client)
    sandbox.clear_request_log()

    run = pspace("ip", "release", address)

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []
