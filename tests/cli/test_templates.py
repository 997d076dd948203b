"""`pspace os-template` and `pspace custom-template` against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.templates import CustomTemplatesApi
from pspace_py.catalog import bundled_catalog
from tests.cli.resource_support import at_a_terminal, bodies, make_machine, record, sent, writes


@pytest.fixture
def stopped_box(sandbox_client: ApiClient) -> dict[str, Any]:
    # A template is made from a machine that is off.
    return make_machine(sandbox_client, "box", startOnCreate=False)


def template_of(client: ApiClient, machine: dict[str, Any], name: str) -> dict[str, Any]:
    return CustomTemplatesApi(client).create(machine["id"], name).resource


# -- os-template ---------------------------------------------------------------------------------


def test_os_templates_show_the_machine_types_they_run_on(pspace: Any, sandbox: Any) -> None:
    run = pspace("os-template", "list", "--all")

    lines = run.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "NAME", "OS"]
    assert lines[0].rstrip().endswith("MACHINE TYPES")
    cpu_row = next(line for line in lines if line.startswith("t0nspur5"))
    assert "C1, C2, C3" in cpu_row
    assert sent(sandbox, "GET", "/os-templates")[0]["query"]["orderBy"] == "name"


def test_os_templates_filter_by_machine_type_on_every_page(pspace: Any, sandbox: Any) -> None:
    expected = {
        template.id
        for template in bundled_catalog().os_templates
        if "A4000" in template.machine_types
    }

    run = pspace("os-template", "list", "--machine-type", "a4000", "--limit", "2", "--json")

    assert {template["id"] for template in run.json()["items"]} == expected
    assert len(sent(sandbox, "GET", "/os-templates")) > 1  # every page was read
    assert all(
        any(entry["machineTypeLabel"] == "A4000" for entry in template["availableMachineTypes"])
        for template in run.json()["items"]
    )


def test_os_templates_by_name(pspace: Any, sandbox: Any) -> None:
    run = pspace("os-template", "list", "--name", "prod-u22-cpu-241018", "-q")

    assert run.stdout.split() == ["t0nspur5"]
    assert sent(sandbox, "GET", "/os-templates")[0]["query"]["name"] == "prod-u22-cpu-241018"


def test_os_templates_for_an_unsupported_machine_type(pspace: Any) -> None:
    run = pspace("os-template", "list", "--machine-type", "Z9000")

    assert (run.exit_code, run.stdout) == (0, "")
    assert "No OS templates match" in run.stderr


# -- custom-template -----------------------------------------------------------------------------


def test_create_from_a_machine_by_name(pspace: Any, sandbox: Any, stopped_box: Any) -> None:
    run = pspace("custom-template", "create", "--machine-id", "box", "--name", "golden")

    assert run.exit_code == 0, run.stderr
    assert bodies(sandbox, "POST", "/custom-templates") == [
        {"machineId": stopped_box["id"], "name": "golden"}
    ]
    shown = record(run.stdout)
    assert (shown["NAME"], shown["PARENT MACHINE"]) == ("golden", stopped_box["id"])
    assert "template-create" in run.stderr


def test_create_json_prints_the_wrapper(pspace: Any, stopped_box: Any) -> None:
    run = pspace("custom-template", "create", "-m", "box", "-n", "golden", "--json")

    assert set(run.json()) == {"data", "event"}
    assert run.json()["event"]["name"] == "template-create"


def test_create_from_a_running_machine_is_refused(pspace: Any, sandbox_client: ApiClient) -> None:
    make_machine(sandbox_client, "running")

    run = pspace("custom-template", "create", "-m", "running", "-n", "golden")

    assert run.exit_code == 5
    assert "stop it first" in run.stderr


def test_list_by_machine_and_name(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, stopped_box: Any
) -> None:
    other = make_machine(sandbox_client, "other", startOnCreate=False)
    wanted = template_of(sandbox_client, stopped_box, "golden")
    template_of(sandbox_client, other, "golden")
    sandbox.clear_request_log()

    run = pspace("custom-template", "list", "-m", "box", "-n", "golden")

    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "OS", "MIN", "DISK", "GB", "PARENT", "MACHINE"]
    assert [line.split()[0] for line in lines[1:]] == [wanted["id"]]
    query = sent(sandbox, "GET", "/custom-templates")[0]["query"]
    assert (query["machineId"], query["name"]) == (stopped_box["id"], "golden")


def test_empty_list(pspace: Any) -> None:
    run = pspace("custom-template", "list")

    assert "No custom templates" in run.stderr
    assert pspace("custom-template", "list", "--json").json()["items"] == []


def test_get_by_name_and_update(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, stopped_box: Any
) -> None:
    template = template_of(sandbox_client, stopped_box, "golden")

    shown = pspace("custom-template", "get", "golden", "--json")
    renamed = pspace("custom-template", "update", "golden", "-n", "golden-2", "--json")

    assert shown.json()["id"] == template["id"]
    assert renamed.json()["name"] == "golden-2"
    assert bodies(sandbox, "PUT", f"/custom-templates/{template['id']}") == [{"name": "golden-2"}]


def test_delete_needs_yes_without_a_terminal(
    pspace: Any, sandbox: Any, sandbox_client: ApiClient, stopped_box: Any
) -> None:
    template_of(sandbox_client, stopped_box, "golden")
    sandbox.clear_request_log()

    run = pspace("custom-template", "delete", "golden")

    assert run.exit_code == 5
    assert "--yes" in run.stderr
    assert writes(sandbox) == []


def test_delete(pspace: Any, sandbox: Any, sandbox_client: ApiClient, stopped_box: Any) -> None:
    template = template_of(sandbox_client, stopped_box, "golden")

    run = pspace("custom-template", "delete", "golden", "--yes")

    assert run.exit_code == 0
    assert "Deleted custom template 'golden'" in run.stderr
    assert len(sent(sandbox, "DELETE", f"/custom-templates/{template['id']}")) == 1
    assert pspace("custom-template", "list", "--json").json()["items"] == []


@pytest.mark.parametrize(("answer", "exit_code", "left"), [("y\n", 0, 0), ("n\n", 5, 1)])
def test_delete_at_a_terminal_asks(
    pspace: Any,
    sandbox_client: ApiClient,
    stopped_box: Any,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    exit_code: int,
    left: int,
) -> None:
    template_of(sandbox_client, stopped_box, "golden")
    at_a_terminal(monkeypatch)

    run = pspace("custom-template", "delete", "golden", input=answer)

    assert run.exit_code == exit_code
    assert "No new machine can be built from it" in run.stderr
    assert len(pspace("custom-template", "list", "--json").json()["items"]) == left


def test_create_wait_follows_the_event(pspace: Any, stopped_box: Any) -> None:
    run = pspace("custom-template", "create", "-m", "box", "-n", "golden", "-w", "--json")

    assert run.exit_code == 0, run.stderr
    assert run.json()["event"]["state"] == "done"
