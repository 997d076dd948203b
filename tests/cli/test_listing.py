"""What every `... list` command shares: paging, order, and the API's envelope in JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from tests.cli.resource_support import make_machine, sent
from tests.conftest import Invoke

# Every list command, by the official CLI's names: (command, API path, the orders it takes).
LISTS = [
    (("machine", "list"), "/machines", ("dtCreated", "name", "state")),
    (("machine-event", "list"), "/machine-events", ("dtCreated",)),
    (("snapshot", "list"), "/snapshots", ("dtCreated", "name")),
    (("private-network", "list"), "/private-networks", ("dtCreated", "name")),
    (("public-ip", "list"), "/public-ips", ("dtCreated",)),
    (("os-template", "list"), "/os-templates", ("name",)),
    (("custom-template", "list"), "/custom-templates", ("dtCreated", "name")),
    (("startup-script", "list"), "/startup-scripts", ("dtCreated", "name")),
    (("shared-drive", "list"), "/shared-drives", ("dtCreated", "name")),
]
COMMANDS = [command for command, _, _ in LISTS]


def ids(command: tuple[str, ...]) -> str:
    return " ".join(command)


@pytest.mark.parametrize("command", COMMANDS, ids=ids)
def test_asc_and_desc_together_are_a_usage_error(pspace: Invoke, command: tuple[str, str]) -> None:
    run = pspace(*command, "--asc", "--desc")
    assert run.exit_code == 2
    assert run.stderr == "Error: --asc and --desc cannot be used together.\n"


# -- --orderBy ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("command", "path", "orders"), LISTS, ids=ids)
@pytest.mark.parametrize("spelling", ["--orderBy", "--order-by"])
def test_order_by_goes_to_the_api_with_the_direction(
    pspace: Invoke,
    sandbox: Any,
    command: tuple[str, str],
    path: str,
    orders: tuple[str, ...],
    spelling: str,
) -> None:
    for field in orders:
        sandbox.clear_request_log()
        run = pspace(*command, spelling, field, "--asc", "--json")
        assert run.exit_code == 0, run.stderr
        [request] = sent(sandbox, "GET", path)
        assert (request["query"]["orderBy"], request["query"]["order"]) == (field, "asc")


@pytest.mark.parametrize(("command", "path", "orders"), LISTS, ids=ids)
def test_an_order_the_api_does_not_know_is_a_usage_error(
    pspace: Invoke, sandbox: Any, command: tuple[str, str], path: str, orders: tuple[str, ...]
) -> None:
    run = pspace(*command, "--orderBy", "size")
    assert run.exit_code == 2
    assert "'size' is not one of" in run.stderr
    assert all(repr(field) in run.stderr for field in orders)
    assert sent(sandbox, "GET", path) == []


def test_machines_come_back_in_the_order_asked_for(
    pspace: Invoke, sandbox_client: ApiClient
) -> None:
    for name in ("b-box", "c-box", "a-box"):
        make_machine(sandbox_client, name)
    listed = pspace("machine", "list", "--orderBy", "name", "--asc", "--json").json()
    assert [machine["name"] for machine in listed["items"]] == ["a-box", "b-box", "c-box"]
    listed = pspace("machine", "list", "--order-by", "name", "--desc", "--json").json()
    assert [machine["name"] for machine in listed["items"]] == ["c-box", "b-box", "a-box"]


def test_os_templates_take_the_official_clis_order_and_say_it_is_not_the_apis(
    pspace: Invoke, sandbox: Any
) -> None:
    # The official CLI accepts `--orderBy dtCreated` everywhere; the API orders OS templates
    # by name only, so that is what is sent.
    run = pspace("os-template", "list", "--orderBy", "dtCreated", "-q")
    assert run.exit_code == 0, run.stderr
    assert "by name" in run.stderr
    [request] = sent(sandbox, "GET", "/os-templates")
    assert request["query"]["orderBy"] == "name"


# -- --json: the API's envelope ---------------------------------------------------------------


def test_list_json_is_the_apis_page_as_the_official_cli_prints_it(
    pspace: Invoke, sandbox_client: ApiClient
) -> None:
    for name in ("web-1", "web-2", "db-1"):
        make_machine(sandbox_client, name)
    page = sandbox_client.get("/machines", {"orderBy": "dtCreated", "limit": 2})
    run = pspace("machine", "list", "--limit", "2", "--json")
    assert run.exit_code == 0, run.stderr
    # The official CLI prints JSON.stringify(page, null, 2): the API's keys in its order.
    assert run.stdout == json.dumps(page, indent=2) + "\n"
    assert list(run.json()) == ["hasMore", "items", "nextPage"]
    assert run.json()["hasMore"] is True
    assert run.json()["nextPage"] == page["nextPage"]


@pytest.mark.parametrize("command", COMMANDS, ids=ids)
def test_every_list_prints_an_envelope_even_when_empty(
    pspace: Invoke, command: tuple[str, str]
) -> None:
    run = pspace(*command, "--json", "--limit", "1")
    assert run.exit_code == 0, run.stderr
    listed = run.json()
    assert list(listed) == ["hasMore", "items", "nextPage"]
    assert isinstance(listed["items"], list)
    if not listed["items"]:
        assert run.stdout == '{\n  "hasMore": false,\n  "items": [],\n  "nextPage": null\n}\n'


def test_the_official_scripts_jq_line_works(pspace: Invoke, sandbox_client: ApiClient) -> None:
    """`pspace machine list --json | jq '.items[].id'`"""
    made = [make_machine(sandbox_client, name)["id"] for name in ("web-1", "web-2")]
    listed = json.loads(pspace("machine", "list", "--json").stdout)
    assert sorted(item["id"] for item in listed["items"]) == sorted(made)


def test_all_pages_are_one_envelope_with_nothing_more_to_fetch(
    pspace: Invoke, sandbox_client: ApiClient
) -> None:
    made = {make_machine(sandbox_client, f"box-{index}")["id"] for index in range(3)}
    run = pspace("machine", "list", "--all", "--limit", "1", "--json")
    assert run.exit_code == 0, run.stderr
    listed = run.json()
    assert {item["id"] for item in listed["items"]} == made
    assert (listed["hasMore"], listed["nextPage"]) == (False, None)


def test_a_filter_the_api_lacks_reads_every_page_so_nothing_more_is_left(
    pspace: Invoke, sandbox_client: ApiClient
) -> None:
    for index in range(3):
        make_machine(sandbox_client, f"box-{index}")
    listed = pspace("machine", "list", "--name-glob", "box-[12]", "--limit", "1", "--json").json()
    assert sorted(item["name"] for item in listed["items"]) == ["box-1", "box-2"]
    assert (listed["hasMore"], listed["nextPage"]) == (False, None)


def test_fields_pick_inside_the_same_envelope_as_the_official_cli(
    pspace: Invoke, sandbox_client: ApiClient
) -> None:
    for name in ("web-1", "web-2"):
        make_machine(sandbox_client, name)
    page = sandbox_client.get("/machines", {"orderBy": "dtCreated", "limit": 1})
    run = pspace("machine", "list", "--limit", "1", "-F", "id,name", "-F", "state", "--json")
    assert run.exit_code == 0, run.stderr
    # pickJson: {items, hasMore, nextPage}, each item the fields in the order given.
    picked = [{key: item[key] for key in ("id", "name", "state")} for item in page["items"]]
    expected = {"items": picked, "hasMore": True, "nextPage": page["nextPage"]}
    assert run.stdout == json.dumps(expected, indent=2) + "\n"


def test_a_field_the_item_lacks_is_left_out_as_the_official_cli_does(
    pspace: Invoke, sandbox_client: ApiClient
) -> None:
    machine = make_machine(sandbox_client, "web-1", publicIpType="none")
    listed = pspace("machine", "list", "-F", "id", "-F", "nosuch", "-F", "publicIp", "--json")
    # A null field stays null; one the object does not have is not made up.
    assert listed.json()["items"] == [{"id": machine["id"], "publicIp": None}]


def test_dotted_fields_and_quiet_ids_stay_ours(pspace: Invoke, sandbox_client: ApiClient) -> None:
    machine = make_machine(sandbox_client, "web-1")
    listed = pspace("machine", "list", "-F", "id,ram,accelerators.0.name", "--json").json()
    assert listed["items"] == [{"id": machine["id"], "ram": machine["ram"]}]  # no accelerator
    table = pspace("machine", "list", "-F", "id,accelerators.0.name", "--no-header")
    assert table.stdout.split() == [machine["id"], "-"]
    assert pspace("machine", "list", "-q").stdout == f"{machine['id']}\n"


# -- a walk that fails part of the way: the JSON is still JSON ------------------------------


def two_pages_then_503(request: Any) -> Any:
    """Page one (two machines, more to come); the second page's request fails for good."""
    import httpx

    if request.url.params.get("after") == "cursor-2":
        return httpx.Response(503, json={"error": "unavailable"})
    return httpx.Response(200, json={"items": [A, B], "hasMore": True, "nextPage": "cursor-2"})


A = {"id": "ps1", "name": "a", "state": "off"}
B = {"id": "ps2", "name": "b", "state": "ready"}


@pytest.mark.parametrize(
    ("extra", "items"),
    [
        (["--all"], [A, B]),
        (["--state", "off"], [A]),  # a filter the API lacks: every page is read
        (["--all", "-F", "id"], [{"id": "ps1"}, {"id": "ps2"}]),
    ],
    ids=["--all", "client-side filter", "-F"],
)
def test_a_json_walk_that_fails_mid_way_closes_its_envelope(
    pspace_with: Any, monkeypatch: pytest.MonkeyPatch, extra: list[str], items: list[Any]
) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", "a-key-for-the-mock")
    monkeypatch.setenv("PAPERSPACE_API_URL", "http://127.0.0.1:9/v1")

    run = pspace_with(two_pages_then_503, "--retries", "0", "machine", "list", *extra, "--json")

    assert run.exit_code == 6, run.stderr
    document = json.loads(run.stdout)  # whole: the items so far, and where to go on from
    assert list(document) == ["items", "hasMore", "nextPage"]
    assert document == {"items": items, "hasMore": True, "nextPage": "cursor-2"}
    [error] = [line for line in run.stderr.splitlines() if line.strip()]
    assert error.startswith("Error: ")
    assert "503" in error


def test_resuming_from_the_cursor_it_gave_reads_the_rest(
    pspace: Invoke, sandbox_client: ApiClient
) -> None:
    """What a script does with that envelope: --after nextPage, as with any page."""
    for index in range(3):
        make_machine(sandbox_client, f"m{index}")
    first = pspace("machine", "list", "--limit", "2", "--json").json()
    rest = pspace("machine", "list", "--after", first["nextPage"], "--all", "--json").json()

    assert len(first["items"]) + len(rest["items"]) == 3
    assert (rest["hasMore"], rest["nextPage"]) == (False, None)
