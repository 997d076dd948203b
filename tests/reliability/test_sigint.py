"""Ctrl-C: SIGINT (and SIGTERM alike) to the installed `pspace` against a served sandbox.

During a request (a latency fault holds it in flight), during a retry's wait, and during
`--wait`: exit 130 at once, no traceback, one message naming what may still be running (with
the machine and event IDs when known), and the config file byte-identical.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machine_events import MachineEventsApi
from pspace_py.sandbox.app import SandboxApp
from pspace_py.sandbox.transport import SandboxTransport
from tests.reliability.helpers import (
    KEY,
    MACHINE,
    Cli,
    Served,
    arm,
    attempts,
    create_args,
    sandbox_client,
    served_sandbox,
    spawn,
    subprocess_env,
    wait_until,
)
from tests.reliability.signal_support import (
    PROMPT_EXIT,
    SIGNALS,
    assert_interrupted,
    assert_untouched,
    interrupt,
    ready_machine,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", SIGNALS)
def test_during_a_create_request(config_file: tuple[Path, bytes, int], name: str) -> None:
    signum, exit_code, word = SIGNALS[name]
    with served_sandbox(instant=True, seed=11) as served:
        arm(served.app, "machines-create:latency=60000")
        process = spawn(create_args("sigint-1", "--yes"), subprocess_env(served.url))
        try:
            assert served.gate.entered.wait(20), "the create never reached the sandbox"
        finally:
            code, stdout, stderr, took = interrupt(process, signum)
    assert code == exit_code
    assert took < PROMPT_EXIT
    assert stdout == ""
    assert_interrupted(
        stderr, "creating machine 'sigint-1' may still be in progress on the server", word=word
    )
    assert_untouched(config_file)


def test_during_a_stop_request_the_message_names_the_machine(
    config_file: tuple[Path, bytes, int],
) -> None:
    with served_sandbox(instant=True, seed=12) as served:
        machine = ready_machine(served.app, name="sigint-2")
        arm(served.app, "machines-stop:latency=60000")
        process = spawn(["machine", "stop", "sigint-2"], subprocess_env(served.url))
        try:
            assert served.gate.entered.wait(20), "the stop never reached the sandbox"
        finally:
            code, _, stderr, took = interrupt(process)
    assert code == 130
    assert took < PROMPT_EXIT
    assert_interrupted(stderr, f"machine {machine['id']} (sigint-2) stop")
    assert_untouched(config_file)


@pytest.mark.parametrize("name", SIGNALS)
def test_during_a_retry_wait_no_further_attempt_is_made(
    config_file: tuple[Path, bytes, int], name: str
) -> None:
    signum, exit_code, word = SIGNALS[name]
    with served_sandbox(instant=True, seed=13) as served:
        # Retry-After 20 s (the cap): the process is sleeping before its second attempt.
        arm(served.app, "machines-list:status=503,retry-after=20,times=0")
        process = spawn(["machine", "list"], subprocess_env(served.url))
        try:
            wait_until(lambda: len(attempts(served.app, "machines-list")) == 1, timeout=20)
            time.sleep(0.2)
        finally:
            code, stdout, stderr, took = interrupt(process, signum)
        time.sleep(0.2)
        assert len(attempts(served.app, "machines-list")) == 1
    assert code == exit_code
    assert took < PROMPT_EXIT
    assert stdout == ""
    assert assert_interrupted(stderr, word=word) == f"Error: {word}."
    assert_untouched(config_file)


def test_during_a_wait_the_message_names_the_machine_and_its_event(
    config_file: tuple[Path, bytes, int],
) -> None:
    # Default timing on the wall clock: starting takes seconds, plenty to interrupt it.
    with served_sandbox(seed=14) as served:
        machine = ready_machine(served.app, name="sigint-3", startOnCreate=False)
        served.app.advance(60)
        env = subprocess_env(served.url, PSPACE_POLL_INTERVAL="0.05")
        process = spawn(["machine", "start", "sigint-3", "--wait"], env)
        try:
            wait_until(lambda: polled_after_start(served), timeout=20)
        finally:
            code, stdout, stderr, took = interrupt(process)
        with sandbox_client(served.app) as client:
            [event] = [
                e
                for e in MachineEventsApi(client).iter({"machineId": machine["id"]})
                if e.get("name") == "start"
            ]
    assert code == 130
    assert took < PROMPT_EXIT
    assert stdout == ""
    assert_interrupted(stderr, f"machine {machine['id']} (sigint-3) start", f"event {event['id']}")
    assert_untouched(config_file)


def polled_after_start(served: Served) -> bool:
    operations = [entry["operationId"] for entry in served.app.request_log()]
    return "machines-start" in operations and operations[-1] in {
        "machines-get",
        "machineEvents-get",
    }


def test_the_key_is_not_in_the_interrupted_output(config_file: tuple[Path, bytes, int]) -> None:
    secret = "sigint-secret-key-0123456789abcdef"
    with served_sandbox(instant=True, seed=15, api_keys=[secret]) as served:
        arm(served.app, "machines-list:latency=60000")
        env = {**subprocess_env(served.url), "PAPERSPACE_API_KEY": secret}
        process = spawn(["--debug", "machine", "list"], env)
        try:
            assert served.gate.entered.wait(20)
        finally:
            code, stdout, stderr, _ = interrupt(process)
    assert code == 130
    assert secret not in stdout + stderr
    assert KEY not in stdout + stderr
    assert "Authorization: Bearer ****" in stderr
    assert_interrupted(stderr)
    assert_untouched(config_file)


# -- in-process: the retry loop stops at the interrupt, whatever it was doing ------------------


def interrupting_sleep(seconds: float) -> None:
    raise KeyboardInterrupt


def test_an_interrupted_retry_wait_makes_no_further_attempt(sandbox: SandboxApp) -> None:
    arm(sandbox, "machines-list:status=503,times=0")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        raise KeyboardInterrupt

    with sandbox_client(sandbox, sleep=sleep) as client, pytest.raises(KeyboardInterrupt):
        client.list_page("machines")
    assert len(slept) == 1
    assert len(attempts(sandbox, "machines-list")) == 1


class InterruptOnAttempt(httpx.BaseTransport):
    """The sandbox, until the n-th request, where Ctrl-C arrives mid-request."""

    def __init__(self, app: SandboxApp, n: int) -> None:
        self.inner = SandboxTransport(app, sleep=lambda _: None)
        self.n = n
        self.seen = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen += 1
        if self.seen == self.n:
            raise KeyboardInterrupt
        return self.inner.handle_request(request)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("n", [1, 2, 4])
def test_an_interrupted_attempt_is_the_last_one(sandbox: SandboxApp, n: int, method: str) -> None:
    operation = "machines-list" if method == "GET" else "machines-create"
    arm(sandbox, f"{operation}:status=429,times=0")
    transport = InterruptOnAttempt(sandbox, n)
    slept: list[float] = []
    client = ApiClient("http://127.0.0.1/v1", KEY, transport=transport, sleep=slept.append)
    send = (
        (lambda: client.list_page("machines"))
        if method == "GET"
        else (lambda: client.post("machines", MACHINE))
    )
    with client, pytest.raises(KeyboardInterrupt):
        send()
    assert transport.seen == n
    assert len(slept) == n - 1
    assert len(attempts(sandbox, operation)) == n - 1


def test_the_cli_reports_an_interrupted_retry_wait_as_exit_130(
    cli: Cli, sandbox: SandboxApp
) -> None:
    arm(sandbox, "machines-list:status=503,times=0")
    run = cli("machine", "list", sleep=interrupting_sleep)
    assert run.exit_code == 130
    assert run.stdout == ""
    assert_interrupted(run.stderr)
    assert len(attempts(sandbox, "machines-list")) == 1
