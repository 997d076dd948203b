"""`pspace machine ...` against the in-process sandbox, as a user runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke

CREATE = (
    "machine",
    "create",
    "--name",
    "web-1",
    "--machine-type",
    "C5",
    "--template-id",
    "t0nspur5",
    "--region",
    "NY2",
    "--disk-size",
    "50",
)


def operations(sandbox: Any, operation: str | None = None) -> list[dict[str, Any]]:
    log = [entry for entry in sandbox.request_log() if entry.get("operationId")]
    return [e for e in log if operation is None or e["operationId"] == operation]


def create(pspace: Invoke, name: str = "web-1", *extra: str) -> dict[str, Any]:
    args = list(CREATE)
    args[args.index("web-1")] = name
    run = pspace(*args, *extra, "--json", "--yes")
    assert run.exit_code == 0, run.stderr
    machine: dict[str, Any] = run.json()["data"]
    return machine


# -- create -----------------------------------------------------------------------------------


def test_create_prints_the_price_summary_then_the_machine(pspace: Invoke, sandbox: Any) -> None:
    run = pspace(*CREATE)
    assert run.exit_code == 0, run.stderr
    assert "$0.0919/hr" in run.stderr  # C5 + public IP + disk while running
    assert "$0.0074/hr" in run.stderr  # the 50 GB disk, for the machine's lifetime
    assert "$5.00/mo" in run.stderr
    assert "web-1" in run.stdout
    [request] = operations(sandbox, "machines-create")
    assert request["body"] == {
        "name": "web-1",
        "machineType": "C5",
        "templateId": "t0nspur5",
        "region": "ny2",
        "diskSize": 50,
    }


def test_create_json_is_the_apis_data_and_event(pspace: Invoke) -> None:
    run = pspace(*CREATE, "--json")
    answer = run.json()
    assert set(answer) == {"data", "event"}
    assert answer["data"]["name"] == "web-1"
    assert answer["event"]["name"] == "create"


def test_create_sends_false_when_asked(pspace: Invoke, sandbox: Any) -> None:
    run = pspace(
        *CREATE, "--no-email-password", "--no-start-on-create", "--auto-snapshot-save-count", "0"
    )
    assert run.exit_code == 0, run.stderr
    [request] = operations(sandbox, "machines-create")
    assert request["body"]["emailPassword"] is False
    assert request["body"]["startOnCreate"] is False
    assert request["body"]["autoSnapshotSaveCount"] == 0


def test_create_quiet_prints_only_the_id(pspace: Invoke) -> None:
    run = pspace(*CREATE, "-q")
    assert run.exit_code == 0
    assert run.stdout.strip().startswith("ps")
    assert len(run.stdout.split()) == 1


def test_dry_run_sends_nothing_that_changes_anything(pspace: Invoke, sandbox: Any) -> None:
    run = pspace(*CREATE, "--dry-run", "--json")
    assert run.exit_code == 0, run.stderr
    plan = run.json()
    assert plan["request"]["body"]["machineType"] == "C5"
    assert plan["price"]["runningHourly"] == 0.0845
    assert plan["price"]["lifetimeMonthlyCap"] == 5.0
    assert [e for e in sandbox.request_log() if e["method"] != "GET"] == []


def test_no_public_ip_removes_the_ip_price(pspace: Invoke) -> None:
    run = pspace(*CREATE, "--public-ip-type", "none", "--dry-run")
    assert run.exit_code == 0
    summary = run.stderr[run.stderr.index("Price summary") :]
    assert "$0.08/hr" in summary
    assert "public IP" not in summary


def test_create_asks_on_a_terminal_and_no_cancels(
    pspace: Invoke, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pspace_py.cli.prompts.can_prompt", lambda: True)
    run = pspace(*CREATE, input="n\n")
    assert run.exit_code == 5
    assert "Create this machine?" in run.stderr
    assert operations(sandbox, "machines-create") == []
    run = pspace(*CREATE, input="y\n")
    assert run.exit_code == 0
    assert len(operations(sandbox, "machines-create")) == 1


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--disk-size", "60", "Disk size 60 GB is not offered"),
        ("--region", "mars", "mars"),
        ("--public-ip-type", "floating", "floating"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_request(
    pspace: Invoke, sandbox: Any, flag: str, value: str, message: str
) -> None:
    args = list(CREATE)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    run = pspace(*args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert operations(sandbox) == []


# -- list and get -----------------------------------------------------------------------------


def test_empty_list_says_so(pspace: Invoke) -> None:
    run = pspace("machine", "list")
    assert run.exit_code == 0
    assert run.stdout == ""
    assert "No machines found." in run.stderr
    assert pspace("machine", "list", "--json").json()["items"] == []


def test_list_shows_the_official_columns_and_cost(pspace: Invoke) -> None:
    create(pspace, "web-1")
    run = pspace("machine", "list")
    header = run.stdout.splitlines()[0]
    for column in (
        "ID",
        "NAME",
        "STATE",
        "REGION",
        "MACHINE TYPE",
        "PRIVATE IP",
        "PUBLIC IP",
        "COST",
    ):
        assert column in header
    assert "web-1" in run.stdout
    assert "$" in run.stdout.splitlines()[1]


def test_only_the_cost_column_reads_the_catalog(pspace: Invoke, isolated_env: Path) -> None:
    create(pspace, "web-1")
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "catalog.toml").write_text('[machine-types.C5]\nhourly = "-1"\n')
    assert pspace("machine", "list", "--json").exit_code == 0
    assert pspace("machine", "list", "-q").exit_code == 0
    table = pspace("machine", "list")
    assert table.exit_code == 2  # a file in the config directory to fix
    assert "catalog.toml: [machine-types.C5] `hourly`" in table.stderr
    assert "Fix or remove the catalog override file." in table.stderr


def test_list_json_is_the_apis_objects(pspace: Invoke) -> None:
    created = create(pspace, "web-1")
    [machine] = pspace("machine", "list", "--json").json()["items"]
    assert machine["id"] == created["id"]
    assert "usageRate" in machine  # the API object, not a table row


def test_list_pages_and_says_how_to_get_more(pspace: Invoke) -> None:
    for index in range(3):
        create(pspace, f"m-{index}")
    run = pspace("machine", "list", "--limit", "2", "-q")
    assert len(run.stdout.split()) == 2
    assert "--after" in run.stderr
    run = pspace("machine", "list", "--limit", "2", "--all", "-q")
    assert len(run.stdout.split()) == 3


def test_fields_select_nested_values(pspace: Invoke) -> None:
    create(pspace, "web-1")
    [row] = pspace(
        "machine", "list", "--json", "-F", "name,state", "-F", "accelerators.0.name"
    ).json()["items"]
    assert row == {"name": "web-1", "state": row["state"]}  # no accelerator: left out


def test_get_by_name_and_by_id(pspace: Invoke) -> None:
    created = create(pspace, "web-1")
    by_name = pspace("machine", "get", "web-1", "--json").json()
    by_id = pspace("machine", "get", created["id"], "--json").json()
    assert by_name["id"] == by_id["id"] == created["id"]


def test_get_unknown_is_not_found(pspace: Invoke) -> None:
    run = pspace("machine", "get", "nothing-here")
    assert run.exit_code == 4
    assert "No machine has the ID or name 'nothing-here'" in run.stderr
    assert "pspace machine list" in run.stderr


def test_ambiguous_name_lists_the_candidates(pspace: Invoke) -> None:
    first = create(pspace, "twin")
    second = create(pspace, "twin")
    run = pspace("machine", "get", "twin")
    assert run.exit_code == 2
    assert first["id"] in run.stderr
    assert second["id"] in run.stderr


# -- lifecycle --------------------------------------------------------------------------------


def test_stop_wait_then_start_wait(pspace: Invoke) -> None:
    machine = create(pspace, "web-1", "--wait")
    assert machine["state"] == "ready"
    stopped = pspace("machine", "stop", "web-1", "--wait", "--json").json()
    assert stopped["data"]["state"] == "off"
    assert stopped["event"]["state"] == "done"
    started = pspace("machine", "start", machine["id"], "--wait", "--json").json()
    assert started["data"]["state"] == "ready"


def test_restart_of_an_off_machine_is_refused(pspace: Invoke) -> None:
    create(pspace, "web-1", "--no-start-on-create", "--wait")
    run = pspace("machine", "restart", "web-1")
    assert run.exit_code == 5
    assert "HTTP 400" in run.stderr


def test_resize_refuses_nothing_a_shrink_and_a_running_machine(pspace: Invoke) -> None:
    create(pspace, "web-1", "--wait")
    nothing = pspace("machine", "resize", "web-1")
    assert nothing.exit_code == 2
    assert "Nothing to resize" in nothing.stderr
    running = pspace("machine", "resize", "web-1", "--machine-type", "C6")
    assert running.exit_code == 5
    assert "must be off" in running.stderr
    assert "--stop" in running.stderr
    pspace("machine", "stop", "web-1", "--wait")
    pspace("machine", "resize", "web-1", "--disk-size", "100", "--wait")
    shrink = pspace("machine", "resize", "web-1", "--disk-size", "50")
    assert shrink.exit_code == 2
    assert "only grow" in shrink.stderr


def test_resize_shows_the_price_change_and_sends_only_what_changes(
    pspace: Invoke, sandbox: Any
) -> None:
    create(pspace, "web-1", "--wait")
    run = pspace("machine", "resize", "web-1", "--machine-type", "C6", "--stop", "--json")
    assert run.exit_code == 0, run.stderr
    assert "$0.08/hr -> $0.16/hr" in run.stderr
    [request] = operations(sandbox, "machines-update")
    assert request["body"] == {"machineType": "C6"}
    assert pspace("machine", "get", "web-1", "--json").json()["machineType"] == "C6"


def test_update_is_partial(pspace: Invoke, sandbox: Any) -> None:
    create(pspace, "web-1")
    run = pspace("machine", "update", "web-1", "--name", "web-2", "--no-auto-shutdown-enabled")
    assert run.exit_code == 0, run.stderr
    [request] = operations(sandbox, "machines-update")
    assert request["body"] == {"name": "web-2", "autoShutdownEnabled": False}


def test_deactivate_without_a_terminal_needs_yes(pspace: Invoke) -> None:
    create(pspace, "web-1", "--no-start-on-create", "--wait")
    run = pspace("machine", "deactivate", "web-1")
    assert run.exit_code == 5
    assert "--yes" in run.stderr
    run = pspace("machine", "deactivate", "web-1", "--yes", "--wait")
    assert run.exit_code == 0, run.stderr
    assert pspace("machine", "get", "web-1").exit_code == 4


def test_deactivate_on_a_terminal_asks_for_the_name(
    pspace: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pspace_py.cli.prompts.can_prompt", lambda: True)
    create(pspace, "web-1", "--no-start-on-create", "--wait")
    wrong = pspace("machine", "delete", "web-1", input="web-2\n")
    assert wrong.exit_code == 5
    assert "snapshots" in wrong.stderr
    right = pspace("machine", "delete", "web-1", input="web-1\n")
    assert right.exit_code == 0, right.stderr


def test_deactivate_stop_stops_a_running_machine_first(pspace: Invoke) -> None:
    create(pspace, "web-1", "--wait")
    run = pspace("machine", "deactivate", "web-1", "--stop", "--yes", "--wait")
    assert run.exit_code == 0, run.stderr
    assert pspace("machine", "list", "--json").json()["items"] == []


# -- bulk -------------------------------------------------------------------------------------


def test_bulk_stop_by_glob_reports_each_machine(pspace: Invoke) -> None:
    for name in ("fleet-a", "fleet-b", "fleet-c", "other"):
        create(pspace, name, "--wait")
    run = pspace("machine", "stop", "--all", "--name-glob", "fleet-*", "--yes", "--wait", "--json")
    assert run.exit_code == 0, run.stderr
    results = run.json()
    assert sorted(r["name"] for r in results) == ["fleet-a", "fleet-b", "fleet-c"]
    assert all(r["ok"] and r["data"]["state"] == "off" for r in results)
    states = {m["name"]: m["state"] for m in pspace("machine", "list", "--json").json()["items"]}
    assert states["other"] == "ready"


def test_bulk_with_one_failure_exits_9(pspace: Invoke) -> None:
    create(pspace, "a", "--wait")
    create(pspace, "b", "--no-start-on-create", "--wait")
    run = pspace("machine", "restart", "a", "b")
    assert run.exit_code == 9
    assert "1 of 2 machines failed" in run.stderr


def test_quiet_output_pipes_into_another_command(pspace: Invoke) -> None:
    for name in ("p-1", "p-2"):
        create(pspace, name, "--wait")
    ids = pspace("machine", "list", "-q").stdout.split()
    run = pspace("machine", "stop", *ids, "-q", "--wait")
    assert run.exit_code == 0, run.stderr
    assert sorted(run.stdout.split()) == sorted(ids)


# -- wait, events, types ----------------------------------------------------------------------


def test_wait_for_a_state(pspace: Invoke) -> None:
    create(pspace, "web-1")
    run = pspace("machine", "wait", "web-1", "--state", "ready", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["state"] == "ready"


def test_wait_refuses_an_unknown_state(pspace: Invoke) -> None:
    create(pspace, "web-1")
    run = pspace("machine", "wait", "web-1", "--state", "happy")
    assert run.exit_code == 2


def test_events_shortcut(pspace: Invoke) -> None:
    create(pspace, "web-1", "--wait")
    events = pspace("machine", "events", "web-1", "--json").json()["items"]
    assert [event["name"] for event in events] == ["create"]


def test_types_filter_by_gpu_and_price(pspace: Invoke) -> None:
    rows = pspace("machine", "types", "--gpu", "--max-price", "0.6", "--json").json()
    labels = {row["label"] for row in rows}
    assert {"GPU+", "P4000", "RTX4000"} <= labels
    assert all(row["hourly"] <= 0.6 and row["gpuCount"] >= 1 for row in rows)
    table = pspace("machine", "types", "--region", "AMS1", "--cpu")
    assert "C5" in table.stdout
    assert "$0.08/hr" in table.stdout


def test_not_logged_in_says_what_to_do(pspace: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PSPACE_SANDBOX")
    run = pspace("machine", "list")
    assert run.exit_code == 3
    assert run.stderr.startswith("Error: Not logged in. Run 'pspace login'")


# -- ssh --------------------------------------------------------------------------------------


def test_ssh_replaces_itself_with_ssh_to_the_public_ip(
    pspace: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, list[str]]] = []
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr("os.execv", lambda path, argv: calls.append((path, argv)))
    machine = create(pspace, "web-1", "--wait")
    run = pspace("machine", "ssh", "web-1", "--user", "root", "--", "-v", "uptime")
    assert run.exit_code == 0, run.stderr
    [(path, argv)] = calls
    assert path == "/usr/bin/ssh"
    assert argv == ["ssh", f"root@{machine['publicIp']}", "-v", "uptime"]


def test_ssh_says_why_it_cannot_connect(pspace: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.execv", lambda *_: pytest.fail("must not exec"))
    create(pspace, "off-1", "--no-start-on-create", "--wait")
    run = pspace("machine", "ssh", "off-1")
    assert run.exit_code == 5
    assert "is off, not ready" in run.stderr
    create(pspace, "private-1", "--public-ip-type", "none", "--wait")
    run = pspace("machine", "ssh", "private-1")
    assert run.exit_code == 5
    assert "has no public IP" in run.stderr


def test_api_errors_name_the_status_code_and_request(pspace: Invoke) -> None:
    create(pspace, "web-1", "--no-start-on-create", "--wait")
    run = pspace("machine", "restart", "web-1")
    assert run.exit_code == 5
    [line] = run.stderr.strip().splitlines()
    assert "(HTTP 400 BAD_REQUEST, request sandbox-" in line
