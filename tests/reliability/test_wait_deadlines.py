"""Wait deadlines: a sandbox whose clock never moves -> exit 7 at the deadline, not a hang;
an event forced to fail -> exit 8 with the event's error text.

The waits are real (short) time: the deadline is the wall clock's; polls every 0.05 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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

MARGIN = 1.0
FAST_POLLS = {"PSPACE_POLL_INTERVAL": "0.05"}


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxApp]:
    """A sandbox with the default timing on a clock that only tests move."""
    monkeypatch.setenv("PSPACE_SANDBOX", "1")
    app = create_app(clock=FakeClock(), seed=9)
    yield app
    app.close()


def run_frozen(app: SandboxApp, *args: str, wait_timeout: str | None = None) -> Run:
    env = {**FAST_POLLS, "PSPACE_WAIT_TIMEOUT": wait_timeout}
    return invoke(in_process(app), *args, env=env)


def create(app: SandboxApp, **overrides: Any) -> str:
    with sandbox_client(app) as client:
        return str(MachinesApi(client).create({**MACHINE, **overrides}).resource["id"])


@pytest.mark.slow
def test_machine_wait_gives_up_at_its_deadline(frozen: SandboxApp) -> None:
    machine_id = create(frozen)  # provisioning, for ever
    run = run_frozen(frozen, "machine", "wait", machine_id, "--state", "ready", wait_timeout="0.3")
    assert run.exit_code == 7
    assert 0.3 <= run.elapsed < 0.3 + MARGIN
    assert_one_error_line(run, "Gave up waiting after 0.3s", machine_id, "provisioning")


@pytest.mark.slow
def test_the_timeout_flag_sets_the_deadline(frozen: SandboxApp) -> None:
    machine_id = create(frozen)
    run = run_frozen(frozen, "machine", "wait", machine_id, "-s", "ready", "--timeout", "1")
    assert run.exit_code == 7
    assert 1.0 <= run.elapsed < 1.0 + MARGIN
    assert_one_error_line(run, "after 1s")


@pytest.mark.slow
def test_create_wait_gives_up_and_leaves_one_machine(frozen: SandboxApp) -> None:
    run = run_frozen(frozen, *create_args("slow", "--wait"), wait_timeout="0.3")
    assert run.exit_code == 7
    [machine] = machines_named(frozen, "slow")
    assert_one_error_line(run, machine["id"], "provisioning")


@pytest.mark.slow
def test_start_wait_gives_up_at_its_deadline(frozen: SandboxApp) -> None:
    machine_id = create(frozen)
    frozen.advance(60)
    with sandbox_client(frozen) as client:
        MachinesApi(client).stop(machine_id)
    frozen.advance(60)
    run = run_frozen(frozen, "machine", "start", machine_id, "--wait", wait_timeout="0.3")
    assert run.exit_code == 7
    assert run.elapsed < 0.3 + MARGIN
    assert_one_error_line(run, machine_id, "starting")


@pytest.mark.parametrize(
    ("verb", "prepare"),
    [("start", "stop"), ("stop", None), ("restart", None)],
)
def test_a_failed_event_ends_the_wait_with_its_error(
    cli: Cli, sandbox: SandboxApp, verb: str, prepare: str | None
) -> None:
    machine_id = create(sandbox)
    if prepare:
        assert cli("machine", prepare, machine_id).exit_code == 0
    sandbox.add_event_failure(verb, f"no capacity for {verb} in NY2")
    run = cli("machine", verb, machine_id, "--wait", env=FAST_POLLS)
    assert run.exit_code == 8
    assert_one_error_line(run, machine_id, f"no capacity for {verb} in NY2")


def test_a_failed_create_event_ends_create_wait_with_its_error(
    cli: Cli, sandbox: SandboxApp
) -> None:
    sandbox.add_event_failure("create", "out of C4 capacity")
    run = cli(*create_args("doomed", "--wait"), env=FAST_POLLS)
    assert run.exit_code == 8
    assert_one_error_line(run, "out of C4 capacity")
    assert len(machines_named(sandbox, "doomed")) == 1


def test_polls_that_keep_failing_end_the_wait_too(cli: Cli, sandbox: SandboxApp) -> None:
    machine_id = create(sandbox)
    assert cli("machine", "stop", machine_id).exit_code == 0
    arm(sandbox, "machines-get:status=503,times=0")
    run = cli("machine", "start", machine_id, "--wait", env=FAST_POLLS)
    # The start was accepted; the wait could not see it through: exit 7, "do not send it again".
    assert run.exit_code == 7
    assert len(run.sleeps) == 3  # one poll's retries, then the wait stops
    assert_one_error_line(run, "HTTP 503", f"Machine {machine_id}", "start was accepted")


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_deadline_that_can_never_pass_is_refused(frozen: SandboxApp, value: str) -> None:
    machine_id = create(frozen)
    by_flag = run_frozen(frozen, "machine", "wait", machine_id, "-s", "ready", "--timeout", value)
    by_env = run_frozen(frozen, "machine", "wait", machine_id, "-s", "ready", wait_timeout=value)
    for run in (by_flag, by_env):
        assert run.exit_code == 2, run.stderr
        assert run.elapsed < MARGIN
        assert_one_error_line(run, value)
