"""Names stay exact on the client although the API's `name` filter matches part of a name
(`name=web` lists `web-2` too, as the real API does): `web` never picks `web-2`."""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.machines import MachinesApi
from tests.conftest import Invoke

MACHINE = ("--machine-type", "C5", "--template-id", "t0nspur5", "--region", "NY2")


def make(pspace: Invoke, name: str, *extra: str) -> dict[str, Any]:
    run = pspace(
        "machine", "create", "--name", name, *MACHINE, "--disk-size", "50", *extra, "--json"
    )
    assert run.exit_code == 0, run.stderr
    machine: dict[str, Any] = run.json()["data"]
    return machine


def test_the_sandbox_lists_web_2_for_name_web(pspace: Invoke) -> None:
    """The premise: what the server answers for `name=web`."""
    make(pspace, "web-2")
    listed = pspace("machine", "list", "--name", "web", "--json").json()["items"]
    assert [machine["name"] for machine in listed] == ["web-2"]


def test_machine_get_by_name_is_exact(pspace: Invoke) -> None:
    web_2 = make(pspace, "web-2")
    missing = pspace("machine", "get", "web")
    assert missing.exit_code == 4, missing.stderr
    assert "No machine has the ID or name 'web'" in missing.stderr
    web = make(pspace, "web")
    shown = pspace("machine", "get", "web", "--json")
    assert shown.exit_code == 0, shown.stderr  # not "matches 2 machines"
    assert shown.json()["id"] == web["id"]
    assert pspace("machine", "get", "WEB").exit_code == 4
    assert pspace("machine", "get", "web-2", "--json").json()["id"] == web_2["id"]


def test_power_commands_by_name_and_by_glob_are_exact(pspace: Invoke, sandbox: Any) -> None:
    web, web_2 = make(pspace, "web"), make(pspace, "web-2")
    assert pspace("machine", "stop", "web", "--yes").exit_code == 0
    listed = pspace("machine", "list", "--json").json()["items"]
    states = {machine["id"]: machine["state"] for machine in listed}
    assert states == {web["id"]: "off", web_2["id"]: "ready"}
    run = pspace("machine", "start", "--all", "--name-glob", "web", "--yes", "--json")
    assert run.exit_code == 0, run.stderr
    assert [item["id"] for item in run.json()] == [web["id"]]


def test_bulk_machine_type_filter_is_exact(pspace: Invoke) -> None:
    """`--all --machine-type A4000` must not also stop the A4000x2 machines."""
    gpu = ("--machine-type", "A4000", "--template-id", "t17d1a6i", "--region", "NY2")
    one = pspace("machine", "create", "--name", "a", *gpu, "--disk-size", "50", "--json")
    two_args = ("--machine-type", "A4000x2", "--template-id", "t17d1a6i", "--region", "NY2")
    two = pspace("machine", "create", "--name", "b", *two_args, "--disk-size", "50", "--json")
    assert one.exit_code == 0, one.stderr
    assert two.exit_code == 0, two.stderr
    run = pspace("machine", "stop", "--all", "--machine-type", "A4000", "--yes", "--json")
    assert run.exit_code == 0, run.stderr
    assert [item["id"] for item in run.json()] == [one.json()["data"]["id"]]


def test_create_reconciles_only_the_exact_name(sandbox_client: Any, pspace: Invoke) -> None:
    make(pspace, "web-2")
    assert MachinesApi(sandbox_client).ids_named("web") == set()


@pytest.mark.parametrize(
    ("group", "create_args"),
    [
        ("network", ("--region", "NY2")),
        ("startup-script", ("--script", "echo hi")),
    ],
)
def test_other_resources_by_name_are_exact(
    pspace: Invoke, group: str, create_args: tuple[str, ...]
) -> None:
    longer = pspace(group, "create", "--name", "lab-2", *create_args, "--json")
    assert longer.exit_code == 0, longer.stderr
    assert pspace(group, "get", "lab").exit_code == 4
    exact = pspace(group, "create", "--name", "lab", *create_args, "--json")
    shown = pspace(group, "get", "lab", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["id"] == exact.json()["id"]


def test_custom_template_by_name_is_exact(pspace: Invoke) -> None:
    machine = make(pspace, "base", "--no-start-on-create", "--wait")
    for name in ("golden-2", "golden"):
        run = pspace("custom-template", "create", "--machine", machine["id"], "--name", name)
        assert run.exit_code == 0, run.stderr
    templates = pspace("custom-template", "list", "--json").json()["items"]
    golden = next(t for t in templates if t["name"] == "golden")
    shown = pspace("custom-template", "get", "golden", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["id"] == golden["id"]
