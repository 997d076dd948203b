"""`pspace startup-script` against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.startup_scripts import StartupScriptsApi
from tests.cli.resource_support import (
    at_a_terminal,
    bodies,
    make_machine,
    record,
    sent,
    stored_script_text,
    writes,
)

SCRIPT = "#!/bin/sh\napt-get update\n"


def script(client: ApiClient, name: str = "boot") -> dict[str, Any]:
    return StartupScriptsApi(client).create(name, SCRIPT)


def test_create_from_text_sends_only_what_was_given(pspace: Any, sandbox: Any) -> None:
    run = pspace("startup-script", "create", "--name", "boot", "--script", SCRIPT)

    assert run.exit_code == 0, run.stderr
    (body,) = bodies(sandbox, "POST", "/startup-scripts")
    assert set(body) == {"name", "script"}  # no isRunOnce unless asked
    shown = record(run.stdout)
    assert (shown["NAME"], shown["ENABLED"], shown["RUN ONCE"]) == ("boot", "yes", "no")
    assert stored_script_text(sandbox, shown["ID"]) == SCRIPT


@pytest.mark.parametrize(("flag", "value"), [("--run-once", True), ("--no-run-once", False)])
def test_create_sends_run_once_true_or_false(
    pspace: Any, sandbox: Any, flag: str, value: bool
) -> None:
    run = pspace("startup-script", "create", "-n", "boot", "--script", SCRIPT, flag, "--json")

    assert bodies(sandbox, "POST", "/startup-scripts")[0]["isRunOnce"] is value
    assert run.json()["isRunOnce"] is value


def test_create_from_a_file(pspace: Any, sandbox: Any, tmp_path: Path) -> None:
    path = tmp_path / "boot.sh"
    path.write_text(SCRIPT, encoding="utf-8")

    run = pspace("startup-script", "create", "-n", "boot", "--file", str(path), "-q")

    assert run.exit_code == 0, run.stderr
    assert stored_script_text(sandbox, run.stdout.strip()) == SCRIPT


def test_create_from_stdin(pspace: Any, sandbox: Any) -> None:
    run = pspace("startup-script", "create", "-n", "boot", "--file", "-", "-q", input=SCRIPT)

    assert run.exit_code == 0, run.stderr
    assert stored_script_text(sandbox, run.stdout.strip()) == SCRIPT


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--script TEXT or --file PATH"),
        (("--script", SCRIPT, "--file", "-"), "not both"),
        (("--script", "  \n"), "empty"),
        (("--file", "/no/such/file.sh"), "Cannot read /no/such/file.sh"),
    ],
)
def test_create_needs_exactly_one_script(
    pspace: Any, sandbox: Any, args: tuple[str, ...], message: str
) -> None:
    run = pspace("startup-script", "create", "-n", "boot", *args)

    assert run.exit_code == 2
    assert message in run.stderr
    assert sandbox.request_log() == []


def test_list_get_and_name_filter(pspace: Any, sandbox: Any, sandbox_client: ApiClient) -> None:
    created = script(sandbox_client, "boot")
    script(sandbox_client, "other")
    sandbox.clear_request_log()

    listed = pspace("startup-script", "list", "--name", "boot")
    by_name = pspace("startup-script", "get", "boot", "--json")

    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "DESCRIPTION", "MACHINES", "ENABLED", "RUN", "ONCE"]
    assert [line.split()[0] for line in lines[1:]] == [created["id"]]
    assert sent(sandbox, "GET", "/startup-scripts")[0]["query"]["name"] == "boot"
    assert by_name.json()["id"] == created["id"]


def test_empty_list(pspace: Any) -> None:
    run = pspace("startup-script", "list")

    assert "No startup scripts" in run.stderr
    assert pspace("startup-script", "list", "--json").json()["items"] == []


def test_update_sends_false_and_only_what_changed(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    created = script(sandbox_client)

    run = pspace("startup-script", "update", "boot", "--no-enabled", "--no-run-once", "--json")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "PUT", f"/startup-scripts/{created['id']}") == [
        {"isRunOnce": False, "isEnabled": False}
    ]
    assert run.json()["isEnabled"] is False


def test_update_script_text_from_stdin_and_rename(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    created = script(sandbox_client)

    run = pspace(
        "startup-script", "update", "boot", "-n", "boot-2", "--file", "-", input="echo 2\n"
    )

    assert run.exit_code == 0, run.stderr
    (body,) = bodies(sandbox, "PUT", f"/startup-scripts/{created['id']}")
    assert set(body) == {"name", "script"}
    assert stored_script_text(sandbox, created["id"]) == "echo 2\n"


def test_update_with_nothing_to_change_is_a_usage_error(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    script(sandbox_client)
    sandbox.clear_request_log()

    run = pspace("startup-script", "update", "boot")

    assert run.exit_code == 2
    assert "Nothing to change" in run.stderr
    assert sandbox.request_log() == []


def test_assign_and_unassign_hit_their_own_endpoints(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    created = script(sandbox_client)
    box = make_machine(sandbox_client, "box")

    assigned = pspace("startup-script", "assign", "boot", "--machine-id", "box", "--json")
    unassigned = pspace("startup-script", "unassign", "boot", "-m", "box", "--yes", "--json")

    assert assigned.json()["assignedMachineIds"] == [box["id"]]
    assert unassigned.json()["assignedMachineIds"] == []
    assert bodies(sandbox, "POST", f"/startup-scripts/{created['id']}/assign") == [
        {"machineId": box["id"]}
    ]
    # The official CLI posts unassign to /assign; pspace-py calls /unassign.
    assert bodies(sandbox, "POST", f"/startup-scripts/{created['id']}/unassign") == [
        {"machineId": box["id"]}
    ]


def test_unassign_needs_yes_without_a_terminal(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient
) -> None:
    created = script(sandbox_client)
    box = make_machine(sandbox_client, "box")
    StartupScriptsApi(sandbox_client).assign(created["id"], box["id"])
    sandbox.clear_request_log()

    run = pspace("startup-script", "unassign", "boot", "-m", "box")

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []


def test_unassign_at_a_terminal_asks(
    pspace: Any, sandbox_client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = script(sandbox_client)
    box = make_machine(sandbox_client, "box")
    StartupScriptsApi(sandbox_client).assign(created["id"], box["id"])
    at_a_terminal(monkeypatch)

    declined = pspace("startup-script", "unassign", "boot", "-m", "box", input="n\n")
    accepted = pspace("startup-script", "unassign", "boot", "-m", "box", input="y\n")

    assert declined.exit_code == 5
    assert "no longer runs it" in declined.stderr
    assert accepted.exit_code == 0
    assert StartupScriptsApi(sandbox_client).get(created["id"])["assignedMachineIds"] == []


def test_delete(pspace: Any, sandbox: Any, sandbox_client: ApiClient) -> None:
    created = script(sandbox_client)

    refused = pspace("startup-script", "delete", "boot")
    deleted = pspace("startup-script", "delete", "boot", "--yes")

    assert refused.exit_code == 5
    assert "--yes" in refused.stderr
    assert deleted.exit_code == 0
    assert "Deleted startup script 'boot'" in deleted.stderr
    assert len(sent(sandbox, "DELETE", f"/startup-scripts/{created['id']}")) == 1


def test_delete_at_a_terminal_names_the_machines_that_use_it(
    pspace: Any, sandbox_client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = script(sandbox_client)
    box = make_machine(sandbox_client, "box")
    StartupScriptsApi(sandbox_client).assign(created["id"], box["id"])
    at_a_terminal(monkeypatch)

    run = pspace("startup-script", "delete", "boot", input="n\n")

    assert run.exit_code == 5
    assert box["id"] in run.stderr
    assert "keep a copy" in run.stderr
