"""What a hostile API sends is bounded: a list walk ends, a body has a size, JSON is JSON
(issue 16 items 5, 16 and 18), against the hostile loopback server.
"""

from __future__ import annotations

import json
import math
import tracemalloc
from typing import Any

import pytest

from pspace_py.api import pagination
from pspace_py.api.client import ApiClient
from pspace_py.api.errors import InvalidResponseError
from tests.reliability.helpers import KEY, Run, assert_one_error_line, invoke
from tests.reliability.hostile import (
    MACHINE,
    endless_pages,
    gzip_bomb,
    hostile_server,
    json_answer,
    raw_json,
    repeated_cursor,
)

MAX_BODY_BYTES = 16 * 1024 * 1024  # the documented cap


def pspace(url: str, *args: str) -> Run:
    return invoke(None, "--api-url", url, *args, env={"PAPERSPACE_API_KEY": KEY})


def strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


# -- item 5: a list walk always ends ---------------------------------------------------------


def test_list_all_stops_when_the_api_repeats_a_cursor() -> None:
    with hostile_server(repeated_cursor()) as server:
        run = pspace(server.url, "machine", "list", "--all", "-q")
        requests = len(server.seen)
    assert run.exit_code == 6
    assert requests == 2  # the first page, and the page its cursor led to, which repeated it
    assert_one_error_line(run, "repeated a page cursor", "stopped reading there")


def test_a_walk_stops_after_the_most_pages_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "MAX_PAGES", 5)
    with hostile_server(endless_pages()) as server:
        run = pspace(server.url, "machine", "list", "--all", "--json")
        requests = len(server.seen)
    assert run.exit_code == 6
    assert requests == 5
    assert_one_error_line(run, "still had more after 5 pages")


# -- item 16: NaN and Infinity are not JSON --------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_an_answer_with_nan_or_infinity_is_refused_as_not_json(constant: str) -> None:
    machine = json.dumps(MACHINE)[:-1] + f', "cpus": {constant}}}'
    with hostile_server(raw_json(machine)) as server:
        run = pspace(server.url, "machine", "get", "pshostile1", "--json")
    assert run.exit_code == 6
    assert run.stdout == ""
    assert_one_error_line(run, "not JSON")


def test_a_number_too_large_for_a_float_is_written_as_null() -> None:
    # 1e999 is JSON; read as a float it is infinity, which JSON cannot write back.
    machine = json.dumps(MACHINE)[:-1] + ', "cpus": 1e999}'
    with hostile_server(raw_json(machine)) as server:
        run = pspace(server.url, "machine", "get", "pshostile1", "--json")
    assert run.exit_code == 0, run.stderr
    assert strict_json(run.stdout)["cpus"] is None


# -- item 18: a body has a size --------------------------------------------------------------


@pytest.mark.slow
def test_a_gzip_bomb_is_refused_once_it_inflates_past_the_cap() -> None:
    with hostile_server(gzip_bomb(300)) as server:
        run = pspace(server.url, "machine", "list", "--json")
    assert run.exit_code == 6
    assert run.stdout == ""
    assert_one_error_line(run, "more than 16 MiB", "not read further")


@pytest.mark.slow
def test_reading_a_gzip_bomb_takes_memory_near_the_cap_not_its_size() -> None:
    with hostile_server(gzip_bomb(128)) as server, ApiClient(server.url, KEY, retries=0) as client:
        tracemalloc.start()
        try:
            with pytest.raises(InvalidResponseError, match="more than 16 MiB"):
                client.get("machines")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 3 * MAX_BODY_BYTES  # 128 MiB inflated would be eight times the cap


def test_a_body_that_says_it_is_too_large_is_not_read() -> None:
    huge = {"items": ["x" * (MAX_BODY_BYTES + 10)], "hasMore": False, "nextPage": None}
    with hostile_server(json_answer(huge)) as server:
        run = pspace(server.url, "machine", "list")
    assert run.exit_code == 6
    assert_one_error_line(run, "more than 16 MiB")


def test_an_answer_in_an_encoding_pspace_did_not_ask_for_is_refused() -> None:
    def brotli(exchange: Any) -> None:
        exchange.answer(200, b"\x8b\x02\x80{}\x03", {"Content-Encoding": "br"})

    with hostile_server(brotli) as server:
        run = pspace(server.url, "machine", "list")
        [request] = server.seen
    assert request.headers["accept-encoding"] == "gzip, deflate"
    assert run.exit_code == 6
    assert_one_error_line(run, "'br' encoding, which pspace did not ask for")


def test_nan_is_not_the_only_float_that_survives() -> None:
    # Ordinary floats still pass through byte for byte.
    machine = {**MACHINE, "cpus": 1.5, "ram": 2.5e10}
    with hostile_server(json_answer(machine)) as server:
        run = pspace(server.url, "machine", "get", "pshostile1", "--json")
    assert run.exit_code == 0, run.stderr
    shown = strict_json(run.stdout)
    assert shown["cpus"] == 1.5
    assert math.isclose(shown["ram"], 2.5e10)
