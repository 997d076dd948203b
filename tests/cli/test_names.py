"""Names wherever machine create and update take an ID, matched exactly on the client side
(the API's name filters match part of a name: `web` must never pick `web-2`)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Invoke

CREATE = ["machine", "create", "--machine-type", "C4", "--template-id", "t0nspur5",
          "--region", "NY2", "--disk-size", "50", "--yes"]  # fmt: skip


def posted(sandbox: Any, path: str) -> list[Any]:
    return [e["body"] for e in sandbox.request_log() if e["method"] == "POST" and e["path"] == path]


def test_network_name_joins_an_existing_network_or_creates_it_in_the_region(
    pspace: Invoke, sandbox: Any
) -> None:
    first = pspace(*CREATE, "-n", "a", "--network", "lab", "--region", "AMS1", "--json")
    assert first.exit_code == 0, first.stderr
    assert "Private network 'lab' (" in first.stderr
    assert "created in AMS1" in first.stderr
    [made] = posted(sandbox, "/v1/private-networks")
    assert made == {"name": "lab", "region": "ams1"}

    second = pspace(*CREATE, "-n", "b", "--network", "lab", "--region", "AMS1", "--json")
    assert second.exit_code == 0, second.stderr
    assert len(posted(sandbox, "/v1/private-networks")) == 1
    assert second.json()["data"]["networkId"] == first.json()["data"]["networkId"]


def test_the_price_summary_has_a_line_for_a_network_the_create_makes(pspace: Invoke) -> None:
    run = pspace(*CREATE, "-n", "a", "--create-network", "lab", "--dry-run", "--json")

    assert run.exit_code == 0, run.stderr
    plan = run.json()
    assert plan["requests"][0] == {
        "method": "POST",
        "path": "/private-networks",
        "body": {"name": "lab", "region": "ny2"},
    }
    [line] = [line for line in plan["price"]["lines"] if line["part"] == "privateNetwork"]
    assert (line["monthlyCap"], line["accrues"]) == (1.0, "deleted")


def test_create_network_refuses_a_name_that_exists(pspace: Invoke, sandbox: Any) -> None:
    pspace("network", "create", "-n", "lab", "-r", "NY2")

    run = pspace(*CREATE, "-n", "a", "--create-network", "lab")

    assert run.exit_code == 2
    assert "Use --network lab to put the machine in it." in run.stderr
    assert posted(sandbox, "/v1/machines") == []


def test_network_id_by_a_name_that_does_not_exist_names_create_network(pspace: Invoke) -> None:
    run = pspace(*CREATE, "-n", "a", "--network-id", "nowhere")

    assert run.exit_code == 2
    assert "Pass --create-network nowhere to create it" in run.stderr


def test_a_startup_script_by_name(pspace: Invoke, sandbox: Any) -> None:
    script = pspace("startup-script", "create", "-n", "boot", "--script", "echo hi", "--json")
    assert script.exit_code == 0, script.stderr

    run = pspace(*CREATE, "-n", "a", "--startup-script-id", "boot")

    assert run.exit_code == 0, run.stderr
    [body] = posted(sandbox, "/v1/machines")
    assert body["startupScriptId"] == script.json()["id"]


def test_names_match_exactly_whatever_part_the_api_matches(pspace: Invoke, sandbox: Any) -> None:
    pspace("network", "create", "-n", "lab-2", "-r", "NY2")
    web2 = pspace(*CREATE, "-n", "web-2", "--no-start-on-create", "--wait", "-q").stdout.strip()

    no_network = pspace(*CREATE, "-n", "x", "--network-id", "lab")
    assert no_network.exit_code == 2  # `lab` is not `lab-2`
    assert pspace("machine", "get", "web").exit_code == 4
    assert pspace("machine", "stop", "web").exit_code == 4
    assert pspace("machine", "get", "web-2", "--json").json()["id"] == web2


def test_update_restore_point_by_snapshot_name(pspace: Invoke) -> None:
    machine = pspace(*CREATE, "-n", "a", "--no-start-on-create", "--wait", "-q").stdout.strip()
    snap = pspace("snapshot", "create", "-m", machine, "-n", "before", "--wait", "--json")
    assert snap.exit_code == 0, snap.stderr

    run = pspace("machine", "update", "a", "--restore-point-snapshot-id", "before", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["data"]["restorePointSnapshotId"] == snap.json()["data"]["id"]
