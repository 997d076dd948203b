"""Every bad input is exit 2 with one bounded line, and what the user types stays where it
was put (issue 16 items 15, 17 and 20).

A 100 KB argument is neither sent as a 100 KB URL nor echoed whole; tables cut what the API
sends at a readable length (JSON never is); a path segment is percent-encoded, dots and all.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from tests.reliability.helpers import KEY, TRACEBACK, Cli, Run, assert_one_error_line, invoke
from tests.reliability.hostile import MACHINE, hostile_server, json_answer

BIG = "a" * 100_000
# What a bounded line allows: a message, its hint and a cut-down echo of the input.
BOUNDED = 2_000
CREATE = ["machine", "create", "-n", "x", "--template-id", "t0nspur5", "--disk-size", "50"]


@pytest.mark.parametrize(
    "args",
    [
        ["machine", "get", BIG],
        ["machine", "stop", BIG],
        ["machine", "events", BIG],
        ["machine-event", "get", BIG],
        ["snapshot", "get", BIG],
        ["network", "get", BIG],
        ["machine", "list", "--state", BIG],
        ["machine", "wait", "x", "--state", BIG],
        ["machine", "types", "--max-price", BIG],
        [*CREATE, "--machine-type", BIG, "--region", "NY2", "--dry-run"],
        [*CREATE, "--machine-type", "C5", "--region", BIG, "--dry-run"],
    ],
    ids=lambda args: " ".join(arg if arg != BIG else "100KB" for arg in args),
)
def test_a_100_kb_argument_is_exit_2_with_a_bounded_answer(cli: Cli, args: list[str]) -> None:
    run = cli(*args)
    assert run.exit_code == 2, run.output[:500]
    assert TRACEBACK not in run.output
    assert "Unexpected error" not in run.output
    assert len(run.output) < BOUNDED, run.output[:500]
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1


def test_a_huge_value_a_command_accepts_is_not_echoed_whole(cli: Cli) -> None:
    run = cli("config", "set", "team", BIG)
    assert run.exit_code == 0
    assert len(run.output) < BOUNDED
    assert "(100000 characters)" in run.stderr


@pytest.mark.parametrize("price", ["nan", "NaN", "inf", "-Infinity", "snan"])
def test_a_max_price_that_is_not_a_number_is_a_usage_error(cli: Cli, price: str) -> None:
    run = cli("machine", "types", "--max-price", price)
    assert run.exit_code == 2, run.output
    assert_one_error_line(run, "--max-price must be a finite amount in USD", f"'{price}'")


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999/v1", "https://[zz]/v1"])
def test_an_api_url_that_is_not_a_url_is_a_usage_error(url: str) -> None:
    run = invoke(
        None, "machine", "list", env={"PAPERSPACE_API_URL": url, "PAPERSPACE_API_KEY": KEY}
    )
    assert run.exit_code == 2, run.output
    assert_one_error_line(run, "is not a URL")


# -- tables: what the API sends is bounded for people, whole for scripts ---------------------


def test_a_huge_name_from_the_api_is_cut_in_tables_and_whole_in_json() -> None:
    huge = {**MACHINE, "name": "n" * 100_000}
    page = {"items": [huge], "hasMore": False, "nextPage": None}
    with hostile_server(json_answer(page), routes={"/v1/machines/": json_answer(huge)}) as server:
        table = pspace(server.url, "machine", "list")
        record = pspace(server.url, "machine", "get", "pshostile1")
        as_json = pspace(server.url, "machine", "list", "--json")
    for run in (table, record):
        assert run.exit_code == 0, run.stderr[:500]
        assert len(run.stdout) < BOUNDED
        assert "(100000 characters)" in run.stdout
    assert json.loads(as_json.stdout)["items"][0]["name"] == huge["name"]


def pspace(url: str, *args: str) -> Run:
    return invoke(None, "--api-url", url, *args, env={"PAPERSPACE_API_KEY": KEY})


# -- item 20: a path segment stays one segment ------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("ref", ["..", ".", "../../auth/session", "a/../../x", "%2e%2e", "?x=1#y"])
@pytest.mark.parametrize(
    ("command", "collection"),
    [(["machine-event", "get"], "/v1/machine-events/"), (["machine", "get"], "/v1/machines/")],
    ids=["machine-event get", "machine get"],
)
def test_what_names_a_resource_never_leaves_its_path_segment(
    command: list[str], collection: str, ref: str
) -> None:
    with hostile_server(json_answer({"code": "NOT_FOUND", "message": "no"}, status=404)) as server:
        pspace(server.url, *command, ref)
        targets = [seen.target for seen in server.seen]
    item = [target for target in targets if target.startswith(collection)]
    assert item, targets  # the ID lookup went to the collection it names ...
    segment = item[0][len(collection) :]
    assert "/" not in segment  # ... as one segment ...
    assert segment not in {".", ".."}
    assert unquote(segment) == ref  # ... that says exactly what was typed
    assert all(not target.startswith("/v1/auth") and "/../" not in target for target in targets)
