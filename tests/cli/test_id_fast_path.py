"""References that look like machine IDs are acted on directly (issue 17): `machine stop ID`
is one PATCH, a fleet by ID costs one request a machine; a 404 falls back to the name, so a
name that looks like an ID still works."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.cli.refs import looks_like_machine_id
from tests.cli.resource_support import make_machine
from tests.conftest import Invoke


def requests(sandbox: Any) -> list[tuple[str, str]]:
    return [(entry["method"], entry["path"]) for entry in sandbox.request_log()]


@pytest.fixture
def ready(sandbox_client: ApiClient, sandbox: Any) -> list[dict[str, Any]]:
    """Three running machines; the request log starts empty."""
    machines = [make_machine(sandbox_client, f"web-{n}") for n in range(3)]
    sandbox.clear_request_log()
    return machines


@pytest.mark.parametrize(
    ("ref", "looks"),
    [
        ("psx3k9a1", True),
        ("psm9u09bwu5i", True),
        ("ps123456", True),
        ("web-1", False),
        ("psql", False),
        ("ps-db-1", False),
        ("PSX3K9A1", False),
        ("psx3k9a1 ", False),
        ("", False),
    ],
)
def test_what_looks_like_a_machine_id(ref: str, looks: bool) -> None:
    assert looks_like_machine_id(ref) is looks


@pytest.mark.parametrize("verb", ["stop", "restart"])
def test_an_action_on_one_id_is_one_request(
    pspace: Invoke, sandbox: Any, ready: list[dict[str, Any]], verb: str
) -> None:
    machine = ready[0]

    run = pspace("machine", verb, machine["id"])

    assert run.exit_code == 0, run.stderr
    assert requests(sandbox) == [("PATCH", f"/v1/machines/{machine['id']}/{verb}")]
    assert f"Machine {machine['id']} (web-0): {verb} requested." in run.stderr


def test_start_of_an_off_machine_by_id_is_one_request(
    pspace: Invoke, sandbox: Any, ready: list[dict[str, Any]]
) -> None:
    machine_id = ready[0]["id"]
    assert pspace("machine", "stop", machine_id).exit_code == 0
    sandbox.clear_request_log()

    run = pspace("machine", "start", machine_id, "--json")

    assert run.exit_code == 0, run.stderr
    assert requests(sandbox) == [("PATCH", f"/v1/machines/{machine_id}/start")]
    assert run.json()["data"]["name"] == "web-0"


def test_an_id_already_where_the_action_leads_is_still_ok(
    pspace: Invoke, sandbox: Any, ready: list[dict[str, Any]]
) -> None:
    machine_id = ready[0]["id"]
    assert pspace("machine", "stop", machine_id).exit_code == 0

    run = pspace("machine", "stop", machine_id, "--json")

    assert run.exit_code == 0, run.stderr
    assert "already off" in run.stderr or run.json()["data"]["state"] == "off"
    assert run.json() == {
        "data": pspace("machine", "get", machine_id, "--json").json(),
        "event": None,
    }
    assert pspace("machine", "stop", machine_id).stderr.strip() == (
        f"Machine {machine_id} (web-0): already off."
    )


def test_a_name_that_looks_like_an_id_falls_back_to_the_name(
    pspace: Invoke, sandbox_client: ApiClient, sandbox: Any
) -> None:
    machine = make_machine(sandbox_client, "psname1234")
    assert looks_like_machine_id("psname1234")
    sandbox.clear_request_log()

    run = pspace("machine", "stop", "psname1234")

    assert run.exit_code == 0, run.stderr
    sent = requests(sandbox)
    assert sent[0] == ("PATCH", "/v1/machines/psname1234/stop")  # 404: no such ID
    assert sent[-1] == ("PATCH", f"/v1/machines/{machine['id']}/stop")
    assert f"Machine {machine['id']} (psname1234): stop requested." in run.stderr
    assert pspace("machine", "get", machine["id"], "--json").json()["state"] == "off"


def test_an_id_that_is_nothing_is_not_found(pspace: Invoke, ready: list[dict[str, Any]]) -> None:
    run = pspace("machine", "stop", "psnothing1")

    assert run.exit_code == 4
    assert run.stdout == ""
    assert "No machine has the ID or name 'psnothing1'" in run.stderr


def test_a_fleet_by_id_is_one_request_a_machine(
    pspace: Invoke, sandbox: Any, ready: list[dict[str, Any]]
) -> None:
    ids = [machine["id"] for machine in ready]

    run = pspace("machine", "stop", *ids, "--json")

    assert run.exit_code == 0, run.stderr
    assert sorted(requests(sandbox)) == sorted(("PATCH", f"/v1/machines/{i}/stop") for i in ids)
    results = run.json()
    assert [(r["id"], r["name"], r["ok"]) for r in results] == [
        (machine["id"], machine["name"], True) for machine in ready
    ]
    assert all(r["data"]["state"] in ("stopping", "off") for r in results)


def test_a_fleet_mixing_ids_names_and_a_name_that_looks_like_an_id(
    pspace: Invoke, sandbox_client: ApiClient, ready: list[dict[str, Any]]
) -> None:
    odd = make_machine(sandbox_client, "psname1234")

    run = pspace("machine", "stop", ready[0]["id"], "web-1", "psname1234", "--json")

    assert run.exit_code == 0, run.stderr
    assert [(r["id"], r["name"]) for r in run.json()] == [
        (ready[0]["id"], "web-0"),
        (ready[1]["id"], "web-1"),
        (odd["id"], "psname1234"),
    ]


def test_a_fleet_with_an_unknown_id_acts_on_the_others_and_exits_9(
    pspace: Invoke, ready: list[dict[str, Any]]
) -> None:
    run = pspace("machine", "stop", ready[0]["id"], "psnothing1", ready[1]["id"])

    assert run.exit_code == 9
    assert "1 of 3 machines failed to stop" in run.stderr
    assert "psnothing1" in run.stderr
    assert "No machine has the ID or name 'psnothing1'" in run.stderr
    for machine in ready[:2]:
        assert pspace("machine", "get", machine["id"], "--json").json()["state"] == "off"
    assert pspace("machine", "get", ready[2]["id"], "--json").json()["state"] == "ready"


def test_a_fleet_by_id_names_each_machine_on_its_line(
    pspace: Invoke, ready: list[dict[str, Any]]
) -> None:
    run = pspace("machine", "stop", *(machine["id"] for machine in ready))

    assert run.exit_code == 0, run.stderr
    for machine in ready:
        assert f"{machine['id']} ({machine['name']}): stop requested" in run.stderr
    assert "None" not in run.stderr + run.stdout


def test_get_by_id_is_one_request(
    pspace: Invoke, sandbox: Any, ready: list[dict[str, Any]]
) -> None:
    run = pspace("machine", "get", ready[0]["id"], "--json")

    assert run.exit_code == 0, run.stderr
    assert requests(sandbox) == [("GET", f"/v1/machines/{ready[0]['id']}")]


def test_deactivate_still_looks_the_machine_up_first(
    pspace: Invoke, sandbox: Any, ready: list[dict[str, Any]]
) -> None:
    # What deactivating means (its state, a static IP, the name to type) is said before acting.
    run = pspace("machine", "deactivate", ready[0]["id"], "--yes")

    assert run.exit_code == 0, run.stderr
    assert requests(sandbox)[0] == ("GET", f"/v1/machines/{ready[0]['id']}")


def test_a_fleet_by_id_waited_for_names_each_machine_in_its_progress_lines(
    pspace: Invoke, ready: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSPACE_POLL_INTERVAL", "0.01")

    run = pspace("machine", "stop", *(machine["id"] for machine in ready), "--wait")

    assert run.exit_code == 0, run.stderr
    for machine in ready:
        assert f"{machine['name']} ({machine['id']}): off" in run.stderr
        assert f"ok    {machine['id']} ({machine['name']}): stop done" in run.stderr
    assert "- (" not in run.stderr


def test_one_at_a_time_each_machines_line_comes_before_the_next_machines_progress(
    pspace: Invoke, ready: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from pspace_py import bulk

    monkeypatch.setenv("PSPACE_POLL_INTERVAL", "0.01")
    run_each = bulk.run_each

    def slow_main_thread(*args: Any, on_done: Any = None, **kwargs: Any) -> Any:
        # The main thread hears of each outcome late (a busy machine): the lines must not care.
        def late(outcome: Any) -> None:
            time.sleep(0.05)
            if on_done is not None:
                on_done(outcome)

        return run_each(*args, on_done=late, **kwargs)

    monkeypatch.setattr(bulk, "run_each", slow_main_thread)
    ids = [machine["id"] for machine in ready]

    run = pspace("machine", "stop", *ids, "--parallel", "1", "--wait")

    assert run.exit_code == 0, run.stderr
    lines = run.stderr.splitlines()
    for this, following in itertools.pairwise(ready):
        done = lines.index(f"ok    {this['id']} ({this['name']}): stop done")
        first_of_next = next(i for i, line in enumerate(lines) if f"({following['id']})" in line)
        assert done < first_of_next, run.stderr
