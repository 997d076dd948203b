"""Ambiguous creates: the request may or may not have been processed, and no duplicate results.

`commit-then-drop` creates the machine and drops the connection; a plain 502 answers without
creating anything; a read timeout gives up while the API is still working. pspace never sends
the create again in these cases: it looks the machine up by name and reports what exists.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox.app import SandboxApp
from tests.reliability.helpers import (
    KEY,
    MACHINE,
    Cli,
    Served,
    arm,
    assert_one_error_line,
    attempts,
    create_args,
    invoke,
    machines_named,
    sandbox_client,
    served_sandbox,
    wait_until,
)

NAME = "rel-1"


def make_machine(app: SandboxApp, name: str = NAME) -> str:
    with sandbox_client(app) as client:
        return str(MachinesApi(client).create({**MACHINE, "name": name}).resource["id"])


def test_commit_then_drop_ends_with_exactly_one_machine_that_the_cli_reports(
    cli: Cli, sandbox: SandboxApp
) -> None:
    arm(sandbox, "machines-create:commit-then-drop")
    run = cli(*create_args(NAME, "--json"))
    assert run.exit_code == 0, run.stderr
    [machine] = machines_named(sandbox, NAME)
    assert run.json()["data"]["id"] == machine["id"]
    assert len(attempts(sandbox, "machines-create")) == 1
    assert f"machine {machine['id']} named '{NAME}' exists, so it was not sent again" in run.stderr


def test_a_same_named_machine_from_before_is_not_taken_for_the_new_one(
    cli: Cli, sandbox: SandboxApp
) -> None:
    old = make_machine(sandbox)
    arm(sandbox, "machines-create:commit-then-drop")
    run = cli(*create_args(NAME, "--json"))
    assert run.exit_code == 0, run.stderr
    ids = {machine["id"] for machine in machines_named(sandbox, NAME)}
    [new] = ids - {old}
    assert run.json()["data"]["id"] == new
    assert len(attempts(sandbox, "machines-create")) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_5xx_with_nothing_found_never_claims_it_was_not_created(
    cli: Cli, sandbox: SandboxApp, status: int
) -> None:
    # A gateway's 504 is exactly when the backend may still create the machine (issue 16, 11).
    arm(sandbox, f"machines-create:status={status}")
    run = cli(*create_args(NAME))
    assert run.exit_code == 6
    line = assert_one_error_line(run, f"Creating machine '{NAME}'", f"HTTP {status}")
    assert "not created" not in line
    assert "may still be creating it" in line
    assert "look again in a minute before creating another" in line
    assert "Check what exists with a list command" in line
    assert machines_named(sandbox, NAME) == []
    assert len(attempts(sandbox, "machines-create")) == 1
    # Having looked, the user's next step works and makes exactly one.
    again = cli(*create_args(NAME, "--json"))
    assert again.exit_code == 0, again.stderr
    assert [m["id"] for m in machines_named(sandbox, NAME)] == [again.json()["data"]["id"]]


def test_a_plain_502_is_not_covered_up_by_an_older_machine_of_that_name(
    cli: Cli, sandbox: SandboxApp
) -> None:
    old = make_machine(sandbox)
    arm(sandbox, "machines-create:status=502")
    run = cli(*create_args(NAME))
    assert run.exit_code == 6, run.stdout
    assert_one_error_line(run, "no machine with that name shows yet")
    assert [m["id"] for m in machines_named(sandbox, NAME)] == [old]


@pytest.mark.parametrize("failure", ["status=500", "status=504", "status=503", "reset"])
def test_other_ambiguous_failures_with_nothing_created(
    cli: Cli, sandbox: SandboxApp, failure: str
) -> None:
    arm(sandbox, f"machines-create:{failure}")
    run = cli(*create_args(NAME))
    assert run.exit_code == 6
    assert_one_error_line(run, f"Creating machine '{NAME}'")
    assert machines_named(sandbox, NAME) == []
    assert len(attempts(sandbox, "machines-create")) == 1


def test_when_the_lookup_fails_too_the_create_is_still_not_repeated(
    cli: Cli, sandbox: SandboxApp
) -> None:
    arm(sandbox, "machines-create:commit-then-drop", "machines-list:status=503,after=1,times=0")
    run = cli(*create_args(NAME))
    assert run.exit_code == 6
    line = assert_one_error_line(run, f"Creating machine '{NAME}'")
    assert "may or may not have been created" in line
    assert len(attempts(sandbox, "machines-create")) == 1
    assert len(machines_named(sandbox, NAME)) == 1


# -- over a real socket --------------------------------------------------------------------------


@pytest.fixture
def served() -> Iterator[Served]:
    with served_sandbox(instant=True, seed=4) as server:
        yield server


def test_commit_then_drop_over_a_socket(served: Served) -> None:
    arm(served.app, "machines-create:commit-then-drop")
    run = invoke(
        None, "--api-url", served.url, *create_args(NAME, "--json"), env={"PAPERSPACE_API_KEY": KEY}
    )
    assert run.exit_code == 0, run.stderr
    [machine] = machines_named(served.app, NAME)
    assert run.json()["data"]["id"] == machine["id"]


@pytest.mark.slow
def test_a_create_still_running_after_the_timeout_is_not_called_absent(served: Served) -> None:
    # The API takes longer than the client waits; it creates the machine after the client
    # gave up and looked. pspace must not say "not created" (a retry would make two).
    arm(served.app, "machines-create:latency=30000")
    run = invoke(
        None,
        "--api-url",
        served.url,
        *create_args(NAME),
        env={"PAPERSPACE_API_KEY": KEY, "PSPACE_HTTP_TIMEOUT": "0.3"},
    )
    assert run.exit_code == 6
    line = assert_one_error_line(run, f"Creating machine '{NAME}'", "within 0.3s")
    assert "not created" not in line
    assert "may still be" in line
    served.gate.release()
    wait_until(lambda: len(attempts(served.app, "machines-create")) == 1)
    assert len(machines_named(served.app, NAME)) == 1
