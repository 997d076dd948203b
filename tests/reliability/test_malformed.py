"""Untrusted responses, end to end: `pspace machine list` / `get` against malformed answers.

Each gives exactly one line on stderr with the HTTP status, exit 6 (the documented "the
response was not understood / 5xx after retries"), never a traceback; names and messages with
terminal escape sequences are shown neutralised. The sandbox's `malformed` faults cover the
table; `httpx.MockTransport` covers what the sandbox cannot send (huge, deeply nested,
non-UTF-8 bodies, odd field types).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox.app import SandboxApp
from tests.reliability.helpers import (
    MACHINE,
    RAW_CONTROL,
    TRACEBACK,
    Cli,
    Run,
    arm,
    assert_one_error_line,
    attempts,
    create_args,
    invoke,
    machines_named,
    sandbox_client,
)

# body -> the status it comes with (pspace_py/sandbox/faults.py)
BODIES = {
    "html": 502,
    "truncated": 200,
    "not-json": 200,
    "wrong-shape": 200,
    "unknown-code": 500,
    "empty": 204,
}
RAW_C0 = re.compile(r"[\x00-\x08\x0b-\x1f]")
EVIL = "evil\x1b[31mred\x1b]0;owned\x07\x9b2J\x7f\rback\nnext\ttab"


def make_machine(app: SandboxApp, name: str = "rel-1") -> str:
    with sandbox_client(app) as client:
        return str(MachinesApi(client).create({**MACHINE, "name": name}).resource["id"])


@pytest.mark.parametrize("body", list(BODIES))
@pytest.mark.parametrize("command", ["list", "get"])
def test_each_malformed_answer_is_one_line_with_its_status(
    cli: Cli, sandbox: SandboxApp, body: str, command: str
) -> None:
    machine_id = make_machine(sandbox)
    operation = "machines-list" if command == "list" else "machines-get"
    arm(sandbox, f"{operation}:body={body},times=0")
    args = ["machine", "list"] if command == "list" else ["machine", "get", machine_id]
    for extra in ([], ["--json"]):
        run = cli(*args, *extra)
        assert run.exit_code == 6, (body, run.stdout, run.stderr)
        assert run.stdout == ""
        assert_one_error_line(run, f"HTTP {BODIES[body]}")


@pytest.mark.parametrize("body", list(BODIES))
def test_malformed_answers_to_a_create_are_reconciled_never_repeated(
    cli: Cli, sandbox: SandboxApp, body: str
) -> None:
    arm(sandbox, f"machines-create:body={body}")
    run = cli(*create_args("odd", "--json"))
    created = machines_named(sandbox, "odd")
    assert len(attempts(sandbox, "machines-create")) == 1
    assert TRACEBACK not in run.output
    if BODIES[body] < 400:
        # Accepted, answer unreadable: the machine exists, found by name, reported.
        assert run.exit_code == 0, run.stderr
        [machine] = created
        assert run.json()["data"]["id"] == machine["id"]
        assert "outcome was unknown" in run.stderr
    else:
        assert run.exit_code == 6
        line = assert_one_error_line(run, f"HTTP {BODIES[body]}", "may still be creating it")
        assert "not created" not in line
        assert created == []


def test_names_with_escape_sequences_are_shown_neutralised(cli: Cli, sandbox: SandboxApp) -> None:
    machine_id = make_machine(sandbox, EVIL)
    for args in (
        ["machine", "list"],
        ["machine", "get", machine_id],
        ["machine", "list", "-q"],
        ["machine", "list", "--json"],
        ["machine", "get", machine_id, "--json"],
        ["machine", "list", "--fields", "id,name"],
        ["machine", "stop", machine_id],
    ):
        run = cli(*args)
        assert run.exit_code == 0, (args, run.stderr)
        # JSON escapes C0 (ESC, BEL, CR) itself; C1 and DEL pass through (reported, not fixed).
        raw = RAW_C0 if "--json" in args else RAW_CONTROL
        assert not raw.search(run.output), (args, run.output)
        assert TRACEBACK not in run.output
        if "--json" in args:
            names = run.json().get("items", [run.json()])
            assert EVIL in [item.get("name") for item in names]  # the data itself is intact
    table = cli("machine", "list").stdout.splitlines()
    assert len(table) == 2, table  # header + one row: a newline in a name makes no extra row
    assert "\\x1b[31m" in table[1]


def test_an_escape_sequence_in_what_the_user_typed_is_neutralised(cli: Cli) -> None:
    run = cli("machine", "get", "nope\x1b[2J\x1b]0;x\x07")
    assert run.exit_code == 4
    assert not RAW_CONTROL.search(run.output)
    assert_one_error_line(run, "\\x1b[2J")


# -- what the sandbox cannot send: httpx.MockTransport ------------------------------------------

Answer = Callable[[httpx.Request], httpx.Response]


def run_with(answer: Answer, *args: str) -> Run:
    return invoke(httpx.MockTransport(answer), "--api-key", "mock-key-0123456789", *args)


def fixed(status: int, content: bytes, content_type: str = "application/json") -> Answer:
    return lambda _: httpx.Response(status, content=content, headers={"content-type": content_type})


def listing(items: list[Any]) -> bytes:
    return json.dumps({"items": items, "hasMore": False, "nextPage": None}).encode()


ODD_ANSWERS: dict[str, tuple[Answer, int]] = {
    "5 MB of garbage, 200": (fixed(200, b"\xff\xfe<" * 1_700_000, "text/html"), 200),
    "a 1 MB message, 400": (
        fixed(400, json.dumps({"code": "BAD_REQUEST", "message": "x" * 1_000_000}).encode()),
        400,
    ),
    "deeply nested JSON, 200": (fixed(200, b"[" * 100_000 + b"]" * 100_000), 200),
    "non-UTF-8 JSON, 500": (fixed(500, b'{"code":"X","message":"\xff\xfe"}'), 500),
    "a message over many lines, 409": (
        fixed(409, json.dumps({"code": "CONFLICT", "message": "one\ntwo\r\nthree\n"}).encode()),
        409,
    ),
    "escapes in the message, 400": (
        fixed(400, json.dumps({"code": "BAD\x1b[2J", "message": "bad \x1b]0;x\x07 id"}).encode()),
        400,
    ),
    "issues that are not a list, 422": (
        fixed(422, json.dumps({"code": "BAD", "message": "no", "issues": 5}).encode()),
        422,
    ),
    "a message that is a number, 500": (
        fixed(500, json.dumps({"code": 7, "message": 12}).encode()),
        500,
    ),
    "an error code on a 200": (
        fixed(200, json.dumps({"code": "WHATEVER", "message": "hmm"}).encode()),
        200,
    ),
    "a JSON list where an object belongs, 200": (fixed(200, b"[1, 2, 3]"), 200),
    "a JSON string, 200": (fixed(200, b'"ok"'), 200),
    "JSON null, 200": (fixed(200, b"null"), 200),
    "a status nobody knows, 599": (fixed(599, b"{}"), 599),
    "a teapot, 418": (fixed(418, b"I'm a teapot", "text/plain"), 418),
    "a redirect, 302": (
        lambda _: httpx.Response(302, headers={"location": "https://elsewhere.example/v1"}),
        302,
    ),
}


@pytest.mark.parametrize("case", list(ODD_ANSWERS))
@pytest.mark.parametrize("command", ["list", "get"])
def test_odd_answers_never_crash(case: str, command: str) -> None:
    answer, status = ODD_ANSWERS[case]
    args = ["machine", "list"] if command == "list" else ["machine", "get", "psabc123"]
    run = run_with(answer, "--retries", "0", *args)
    assert run.exit_code in {3, 4, 5, 6}, (case, run.exit_code, run.output[:500])
    line = assert_one_error_line(run, f"HTTP {status}")
    assert len(line) < 1000
    assert not RAW_CONTROL.search(run.output)
    assert "Unexpected error" not in run.output


ODD_ITEMS: list[dict[str, Any]] = [
    {"id": 5, "name": {"nested": [1, 2]}, "state": ["ready"], "region": None},
    {"id": "ps1", "name": None, "cpus": "many", "ram": "lots", "storageTotal": -1},
    {"id": "ps2", "name": "x" * 10_000, "dtCreated": "not a date", "publicIp": 12},
    {"id": "ps3", "accelerators": "gpu", "machineType": {"a": 1}, "dtCreated": 17},
    {},
]


@pytest.mark.parametrize("extra", [[], ["--json"], ["-q"], ["--fields", "id,name,cpus,ram"]])
def test_items_with_odd_field_types_are_shown_without_a_crash(extra: list[str]) -> None:
    run = run_with(
        lambda _: httpx.Response(200, content=listing(ODD_ITEMS)), "machine", "list", *extra
    )
    assert run.exit_code == 0, run.output[:2000]
    assert TRACEBACK not in run.output
    assert not RAW_CONTROL.search(run.output)


def test_a_machine_without_an_id_is_not_a_machine() -> None:
    answer = fixed(200, json.dumps({"result": [{"unexpected": True}]}).encode())
    run = run_with(answer, "--retries", "0", "machine", "get", "psabc123")
    assert run.exit_code == 6
    assert_one_error_line(run, "HTTP 200")


@pytest.mark.parametrize(
    "args",
    [
        ["snapshot", "get", "snap-1"],
        ["network", "get", "net-1"],
        ["custom-template", "get", "tpl-1"],
        ["startup-script", "get", "scr-1"],
        ["shared-drive", "get", "drv-1"],
        ["shared-drive", "update", "drv-1", "--name", "new"],
        ["network", "update", "net-1", "--name", "new"],
        ["machine-event", "get", "ev-1"],
        ["machine", "start", "m-1"],
    ],
)
def test_a_resource_of_the_wrong_shape_is_one_line_for_every_resource(
    cli: Cli, sandbox: SandboxApp, args: list[str]
) -> None:
    # The first answer (the lookup by ID) is JSON without an ID.
    arm(sandbox, "*:body=wrong-shape,times=1")
    run = cli(*args)
    assert run.exit_code == 6, (args, run.stderr)
    assert_one_error_line(run, "HTTP 200", "has no 'id'")
