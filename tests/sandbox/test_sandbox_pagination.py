"""Lists: envelope, keyset pagination with after/limit/order/orderBy, filters, 400s."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_contract import LIST_KEYS
from tests.sandbox.sandbox_support import MACHINE, error_of


def seed(client: httpx.Client, count: int, **body: object) -> None:
    response = client.post(
        "http://sandbox.test/_sandbox/seed", json={"machines": count, "namePrefix": "m-", **body}
    )
    assert response.status_code == 200, response.text


def walk(client: httpx.Client, path: str, **params: object) -> list[dict]:
    """Every item, page by page, checking the envelope on the way."""
    items: list[dict] = []
    after = None
    for _ in range(1000):
        query = dict(params)
        if after is not None:
            query["after"] = after
        page = client.get(path, params=query).json()
        assert list(page) == LIST_KEYS
        items += page["items"]
        if not page["hasMore"]:
            assert page["nextPage"] is None
            return items
        assert isinstance(page["nextPage"], str)
        after = page["nextPage"]
    raise AssertionError("pagination did not end")


def test_empty_list_envelope(client: httpx.Client) -> None:
    assert client.get("/machines").json() == {"hasMore": False, "items": [], "nextPage": None}


def test_default_limit_and_order(client: httpx.Client) -> None:
    seed(client, 25)
    page = client.get("/machines").json()
    assert len(page["items"]) == 20
    assert page["hasMore"] is True
    names = [machine["name"] for machine in page["items"]]
    assert names[0] == "m-25"  # newest first by default
    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize("limit", [1, 7, 120])
def test_pages_cover_everything_once(client: httpx.Client, limit: int) -> None:
    seed(client, 50)
    items = walk(client, "/machines", limit=limit)
    assert len(items) == 50
    assert len({item["id"] for item in items}) == 50


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"orderBy": "name"}, [f"m-{n:02d}" for n in range(30, 0, -1)]),  # desc by default
        ({"orderBy": "name", "order": "asc"}, [f"m-{n:02d}" for n in range(1, 31)]),
        ({"orderBy": "dtCreated", "order": "asc"}, [f"m-{n:02d}" for n in range(1, 31)]),
    ],
)
def test_order_by_across_pages(client: httpx.Client, params: dict, expected: list[str]) -> None:
    seed(client, 30)
    items = walk(client, "/machines", limit=4, **params)
    assert [item["name"] for item in items] == expected


def test_order_by_state(client: httpx.Client, app: SandboxApp) -> None:
    seed(client, 3)
    seed(client, 2, state="off", namePrefix="o-")
    client.post("/machines", json=MACHINE)  # provisioning
    states = [item["state"] for item in walk(client, "/machines", orderBy="state", limit=2)]
    assert states == ["ready", "ready", "ready", "provisioning", "off", "off"]
    ascending = walk(client, "/machines", orderBy="state", order="asc", limit=2)
    assert [item["state"] for item in ascending] == states[::-1]


def test_string_filters_match_part_of_the_value_and_regions_any_spelling(
    client: httpx.Client,
) -> None:
    """`name=openllm-ci` finds `openllm-ci-1718114942.12` (OpenLLM's CI); `name=sky-add-key`
    finds `sky-add-key-<hash>` (SkyPilot)."""
    seed(client, 3)
    seed(client, 2, region="CA1", namePrefix="west-")
    seed(client, 1, machineType="C5", namePrefix="big-")
    assert len(walk(client, "/machines", region="CA1")) == 2
    assert len(walk(client, "/machines", region="ca1")) == 2
    assert len(walk(client, "/machines", region="West Coast (CA1)")) == 2
    assert len(walk(client, "/machines", machineType="C5")) == 1
    assert len(walk(client, "/machines", machineType="c")) == 6
    assert [m["name"] for m in walk(client, "/machines", name="west-1")] == ["west-1"]
    assert sorted(m["name"] for m in walk(client, "/machines", name="west")) == [
        "west-1",
        "west-2",
    ]
    assert sorted(m["name"] for m in walk(client, "/machines", name="EST-")) == [
        "west-1",
        "west-2",
    ]
    assert walk(client, "/machines", name="west-3") == []
    assert len(walk(client, "/machines", agentType="headless")) == 6


def _network(client: httpx.Client, name: str) -> dict:
    response = client.post("/private-networks", json={"name": name, "region": "NY2"})
    assert response.status_code == 200, response.text
    created: dict = response.json()
    return created


def _script(client: httpx.Client, name: str) -> None:
    response = client.post("/startup-scripts", json={"name": name, "script": "echo"})
    assert response.status_code == 200, response.text


def _drive(client: httpx.Client, name: str) -> None:
    network = _network(client, f"for-{name}")
    body = {"name": name, "networkId": network["id"], "region": "NY2", "size": 250}
    assert client.post("/shared-drives", json=body).status_code == 200


def _template(client: httpx.Client, name: str) -> None:
    machine = client.post("/machines", json={**MACHINE, "startOnCreate": False}).json()["data"]
    client.post("http://sandbox.test/_sandbox/clock/advance", json={"seconds": 60})
    body = {"machineId": machine["id"], "name": name}
    assert client.post("/custom-templates", json=body).status_code == 200
    client.post("http://sandbox.test/_sandbox/clock/advance", json={"seconds": 60})


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/private-networks", _network),
        ("/startup-scripts", _script),
        ("/shared-drives", _drive),
        ("/custom-templates", _template),
    ],
)
def test_every_name_filter_matches_part_of_the_name(
    client: httpx.Client, path: str, make: Callable[[httpx.Client, str], object]
) -> None:
    for name in ("sky-add-key-ab12cd34", "other", "Sky-Add-Key"):
        make(client, name)
    found = sorted(item["name"] for item in walk(client, path, name="sky-add-key"))
    assert found == ["Sky-Add-Key", "sky-add-key-ab12cd34"]


def test_os_template_name_filter_matches_part_of_the_name(client: httpx.Client) -> None:
    names = {t["name"] for t in walk(client, "/os-templates", name="MLIAB-U22")}
    assert names
    assert all("mliab-u22" in name for name in names)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "121"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"orderBy": "ram"}, "orderBy"),
        ({"order": "up"}, "order"),
        ({"after": "garbage!"}, "cursor"),
        ({"region": "Mars"}, "region"),
    ],
)
def test_bad_list_queries_are_400(client: httpx.Client, params: dict, fragment: str) -> None:
    assert fragment in error_of(client.get("/machines", params=params), 400, "BAD_REQUEST")


def test_cursor_is_tied_to_its_ordering(client: httpx.Client) -> None:
    seed(client, 5)
    cursor = client.get("/machines", params={"limit": 2}).json()["nextPage"]
    message = error_of(
        client.get("/machines", params={"limit": 2, "after": cursor, "orderBy": "name"}), 400
    )
    assert "same orderBy" in message


def test_os_templates_list_pages_by_name(client: httpx.Client) -> None:
    everything = walk(client, "/os-templates", limit=3)
    names = [template["name"] for template in everything]
    assert names == sorted(names, reverse=True)  # `order` is desc by default for every orderBy
    assert len(everything) == len(
        client.get("/os-templates", params={"limit": 120}).json()["items"]
    )
    assert walk(client, "/os-templates", name="prod-u22-cpu-241018")[0]["id"] == "t0nspur5"
    error_of(client.get("/os-templates", params={"orderBy": "dtCreated"}), 400)
    ascending = walk(client, "/os-templates", limit=5, order="asc")
    assert [t["name"] for t in ascending] == sorted(names)


def test_other_lists_page_and_filter(client: httpx.Client) -> None:
    for number in range(5):
        client.post("/private-networks", json={"name": f"net-{number}", "region": "NY2"})
    client.post("/private-networks", json={"name": "ams", "region": "AMS1"})
    assert len(walk(client, "/private-networks", limit=2)) == 6
    assert [n["name"] for n in walk(client, "/private-networks", region="Europe (AMS1)")] == ["ams"]
    by_name = walk(client, "/private-networks", orderBy="name", limit=4)
    assert [n["name"] for n in by_name][:2] == ["net-4", "net-3"]


@pytest.mark.parametrize("order_by", ["dtCreated", "name"])
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("filters", [(), [("machineId", "ps000000")], [("region", "NY2")]])
def test_pages_are_index_range_scans(
    order_by: str, descending: bool, filters: list[tuple[str, str]]
) -> None:
    """Each page costs O(limit): an index search from the cursor, never a sort of everything."""
    from pspace_py.sandbox.store import Match, PageRequest, Store, encode_cursor, page_query

    store = Store()
    cursor = encode_cursor(order_by, descending, "m" if order_by == "name" else 5, 3)
    try:
        with store.read() as conn:
            for after in (None, cursor):
                request = PageRequest(order_by, descending, 20, after)
                matches = [Match(key, value) for key, value in filters]
                sql, params = page_query("machine", "sandbox", request, now_ms=0, filters=matches)
                plan = " | ".join(
                    row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)
                )
                assert "USING INDEX resources_by_" in plan, plan
                assert "TEMP B-TREE" not in plan, plan
                if after is not None and not filters:
                    column = "created_ms" if order_by == "dtCreated" else "name"
                    assert f"{column}{'<' if descending else '>'}?" in plan, plan
    finally:
        store.close()
