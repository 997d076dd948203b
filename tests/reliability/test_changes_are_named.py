"""A command that may have created or changed something names it, whatever fails later
(issue 16 item 2): a `--wait` that fails after the API accepted the change still gives the
machine (its ID on stdout with `-q`, its object with `--json`), exits 7, and says the change
goes on, never "try again" (a second create is a second billed machine).
"""

from __future__ import annotations

import pytest

from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox import FakeClock, create_app
from pspace_py.sandbox.app import SandboxApp
from tests.reliability.helpers import (
    MACHINE,
    Cli,
    Run,
    arm,
    assert_one_error_line,
    create_args,
    in_process,
    invoke,
    machines_named,
    sandbox_client,
)

FAST_POLLS = {"PSPACE_POLL_INTERVAL": "0.05"}
# Every poll of a wait fails: the machine's GET (after the one that finds it by ID) and its
# event's GET answer 503 for good.
POLLS_FAIL = ("machines-get:status=503,after=1,times=0", "machineEvents-get:status=503,times=0")


def assert_names_it_and_says_not_to_send_again(run: Run, machine_id: str, done: str) -> None:
    line = assert_one_error_line(run, machine_id, done, "HTTP 503", "do not send it again")
    assert "try again" not in line.lower()


@pytest.mark.parametrize("mode", ["-q", "--json", "table"])
def test_create_wait_that_fails_after_the_create_names_the_machine(
    cli: Cli, sandbox: SandboxApp, mode: str
) -> None:
    extra = [] if mode == "table" else [mode]
    # The create is answered; from then on every poll of the wait fails.
    arm(sandbox, "machines-get:status=503,times=0", POLLS_FAIL[1])
    run = cli(*create_args("named", "--wait", *extra), env=FAST_POLLS)
    [machine] = machines_named(sandbox, "named")
    assert run.exit_code == 7, run.stderr
    assert_names_it_and_says_not_to_send_again(run, machine["id"], "was created")
    if mode == "-q":
        assert run.stdout == f"{machine['id']}\n"
    elif mode == "--json":
        assert run.json()["data"]["id"] == machine["id"]
    else:
        assert machine["id"] in run.stdout


@pytest.mark.slow
def test_create_wait_that_runs_out_of_time_still_prints_the_id() -> None:
    frozen = create_app(clock=FakeClock(), seed=61)  # provisioning never ends
    try:
        run = invoke(
            in_process(frozen),
            *create_args("slow", "--wait", "-q"),
            env={**FAST_POLLS, "PSPACE_SANDBOX": "1", "PSPACE_WAIT_TIMEOUT": "0.3"},
        )
        [machine] = machines_named(frozen, "slow")
    finally:
        frozen.close()
    assert run.exit_code == 7
    assert run.stdout == f"{machine['id']}\n"
    line = assert_one_error_line(run, machine["id"], "Gave up waiting")
    assert "try again" not in line.lower()


def test_a_failed_create_event_still_names_the_machine_it_left(
    cli: Cli, sandbox: SandboxApp
) -> None:
    sandbox.add_event_failure("create", "out of C4 capacity")
    run = cli(*create_args("doomed", "--wait", "-q"), env=FAST_POLLS)
    [machine] = machines_named(sandbox, "doomed")
    assert run.exit_code == 8
    assert run.stdout == f"{machine['id']}\n"
    assert_one_error_line(run, machine["id"], "out of C4 capacity")


def test_deactivate_wait_that_fails_after_the_delete_says_it_was_accepted(
    cli: Cli, sandbox: SandboxApp
) -> None:
    with sandbox_client(sandbox) as client:
        machine_id = str(MachinesApi(client).create({**MACHINE, "name": "going"}).resource["id"])
    arm(sandbox, *POLLS_FAIL)
    run = cli("machine", "deactivate", machine_id, "--wait", "--yes", env=FAST_POLLS)
    assert run.exit_code == 7, run.stderr
    assert_names_it_and_says_not_to_send_again(run, machine_id, "deactivate was accepted")
    assert machines_named(sandbox, "going") == []  # it is gone; only the wait could not see it


def test_start_wait_that_fails_after_the_start_says_it_was_accepted(
    cli: Cli, sandbox: SandboxApp
) -> None:
    with sandbox_client(sandbox) as client:
        machines = MachinesApi(client)
        machine_id = str(machines.create({**MACHINE, "name": "off-one"}).resource["id"])
        machines.stop(machine_id)
    arm(sandbox, *POLLS_FAIL)
    run = cli("machine", "start", machine_id, "--wait", env=FAST_POLLS)
    assert run.exit_code == 7, run.stderr
    assert_names_it_and_says_not_to_send_again(run, machine_id, "start was accepted")
