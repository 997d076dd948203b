"""Scripts written for the official CLI keep working: its JSON shapes, its pagination, its login.

The shapes are the official CLI's (notes in data/README.md): a list prints the API's page as
the API sent it, `{items, hasMore, nextPage}` in that order when `-F` picks fields; get prints
the object; machine create/start/stop/delete print the API's `{data, event}` answer. (A user
who only ever logged in with the official CLI: test_another_tools_login.py.)
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.conformance.shell import Lines
from tests.conformance.world import Api

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

JQ = "jq" if shutil.which("jq") else None


def api_page(api: Api) -> dict[str, Any]:
    """The page the official CLI asks for and prints: GET /machines?orderBy=dtCreated."""
    page: dict[str, Any] = api.call("GET", "/machines?orderBy=dtCreated")
    return page


def test_jq_over_the_list_envelope(lines: Lines, served_api: Api) -> None:
    ids = [item["id"] for item in api_page(served_api)["items"]]
    script = "pspace machine list --json | jq '.items[].id'"
    if JQ is None:  # the same filter, for a machine without jq
        each_id = '[print(json.dumps(m["id"])) for m in json.load(sys.stdin)["items"]]'
        script = f"pspace machine list --json | python3 -c 'import json,sys; {each_id}'"

    run = lines.run(script)

    assert run.exit_code == 0, run.describe()
    assert run.stdout.splitlines() == [json.dumps(machine_id) for machine_id in ids]
    assert len(ids) == 3


def test_list_json_is_the_apis_page_as_sent(lines: Lines, served_api: Api) -> None:
    run = lines.run("pspace machine list --json")

    assert run.exit_code == 0, run.describe()
    page = api_page(served_api)
    shown = json.loads(run.stdout)
    assert shown == page
    assert list(shown) == list(page)  # the API's key order, as the official CLI keeps it
    assert run.stdout.endswith("}\n")


def test_list_json_with_fields_is_the_official_envelope(lines: Lines, served_api: Api) -> None:
    run = lines.run("pspace machine list --json -F id -F name")

    assert run.exit_code == 0, run.describe()
    shown = json.loads(run.stdout)
    assert list(shown) == ["items", "hasMore", "nextPage"]
    assert [list(item) for item in shown["items"]] == [["id", "name"]] * 3
    assert (shown["hasMore"], shown["nextPage"]) == (False, None)


def test_a_script_pages_with_limit_and_after(lines: Lines, served_api: Api) -> None:
    ids = [item["id"] for item in api_page(served_api)["items"]]

    first = lines.run("pspace machine list --json --limit 2")
    page = first.json()
    second = lines.run(f"pspace machine list --json --limit 2 --after {page['nextPage']}")

    assert (first.exit_code, second.exit_code) == (0, 0), first.describe() + second.describe()
    assert [item["id"] for item in page["items"]] == ids[:2]
    assert page["hasMore"] is True
    rest = second.json()
    assert [item["id"] for item in rest["items"]] == ids[2:]
    assert (rest["hasMore"], rest["nextPage"]) == (False, None)


def test_get_json_is_the_object(lines: Lines, served_api: Api) -> None:
    machine = lines.world.machine

    run = lines.run(f"pspace machine get {machine} --json")

    assert run.exit_code == 0, run.describe()
    assert json.loads(run.stdout) == served_api.call("GET", f"/machines/{machine}")
    picked = lines.run(f"pspace machine get {machine} --json -F id -F state")
    assert list(picked.json()) == ["id", "state"]


@pytest.mark.parametrize(
    ("line", "event"),
    [
        (
            "pspace machine create --name script-box --machine-type C4 --template-id t0nspur5 "
            "--region NY2 --disk-size 50 --json",
            "create",
        ),
        ("pspace machine start {off_machine} --json", "start"),
        ("pspace machine stop {machine} --json", "stop"),
        ("pspace machine delete {off_machine} --json --yes", "deactivate"),
    ],
    ids=["create", "start", "stop", "delete"],
)
def test_machine_actions_print_the_apis_data_and_event(
    line: str, event: str, lines: Lines, served_api: Api
) -> None:
    run = lines.run(lines.typed(line))

    assert run.exit_code == 0, run.describe()
    answer = json.loads(run.stdout)
    assert list(answer) == ["data", "event"]
    assert answer["event"]["machineId"] == answer["data"]["id"]
    assert answer["event"]["name"] == event
    assert served_api.call("GET", f"/machine-events/{answer['event']['id']}")["name"] == event
