"""`pspace machine-event` against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machine_events import MachineEventsApi
from pspace_py.api.snapshots import SnapshotsApi
from tests.cli.resource_support import make_machine, record, sent


@pytest.fixture
def box(sandbox_client: ApiClient) -> dict[str, Any]:
    return make_machine(sandbox_client, "box")


def test_list_shows_the_events_of_every_machine(
    pspace: Any, sandbox_client: ApiClient, box: Any
) -> None:
    other = make_machine(sandbox_client, "other")

    run = pspace("machine-event", "list")

    lines = run.stdout.splitlines()
    assert lines[0].split() == [
        "ID", "NAME", "STATE", "MACHINE", "CREATED", "STARTED", "FINISHED", "ERROR"
    ]  # fmt: skip
    machines = {line.split()[3] for line in lines[1:]}
    assert machines == {box["id"], other["id"]}


def test_list_for_one_machine_by_name(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any
) -> None:
    make_machine(sandbox_client, "other")
    SnapshotsApi(sandbox_client).create(box["id"], "s1")
    sandbox.clear_request_log()

    run = pspace("machine-event", "list", "--machine-id", "box", "--json")

    assert {event["machineId"] for event in run.json()["items"]} == {box["id"]}
    assert {event["name"] for event in run.json()["items"]} == {"create", "snapshot-create"}
    query = sent(sandbox, "GET", "/machine-events")[0]["query"]
    assert (query["machineId"], query["orderBy"]) == (box["id"], "dtCreated")


def test_state_is_filtered_on_the_client(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, box: Any
) -> None:
    sandbox.add_event_failure("snapshot-create", "disk full")
    SnapshotsApi(sandbox_client).create(box["id"], "s1")

    failed = pspace("machine-event", "list", "--state", "error", "--json")
    in_progress = pspace("machine-event", "list", "--state", "In-Progress")

    assert [(event["name"], event["error"]) for event in failed.json()["items"]] == [
        ("snapshot-create", "disk full")
    ]
    assert in_progress.exit_code == 0
    assert "No machine events match" in in_progress.stderr


def test_an_unknown_state_is_a_usage_error(pspace: Any, sandbox: Any) -> None:
    run = pspace("machine-event", "list", "--state", "finished")

    assert run.exit_code == 2
    assert "in progress" in run.stderr
    assert sandbox.request_log() == []


def test_pagination(pspace: Any, sandbox_client: ApiClient, box: Any) -> None:
    for number in range(2):
        SnapshotsApi(sandbox_client).create(box["id"], f"s{number}")

    page = pspace("machine-event", "list", "--limit", "2", "-q")
    every = pspace("machine-event", "list", "--limit", "2", "-q", "--all")

    assert len(page.stdout.split()) == 2
    assert "--after" in page.stderr
    assert len(every.stdout.split()) == 3


def test_empty_list(pspace: Any) -> None:
    run = pspace("machine-event", "list")

    assert "No machine events" in run.stderr
    assert pspace("machine-event", "list", "--json").json()["items"] == []


def test_get(pspace: Any, sandbox_client: ApiClient, box: Any) -> None:
    event = next(iter(MachineEventsApi(sandbox_client).iter({"machineId": box["id"]})))

    table = pspace("machine-event", "get", event["id"])
    as_json = pspace("machine-event", "get", event["id"], "--json")

    shown = record(table.stdout)
    assert (shown["NAME"], shown["MACHINE"]) == ("create", box["id"])
    assert as_json.json()["id"] == event["id"]


def test_get_unknown_event_is_not_found(pspace: Any) -> None:
    run = pspace("machine-event", "get", "e-missing")

    assert run.exit_code == 4
