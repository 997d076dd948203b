"""Every command ends by its deadline, whatever the server does (issue 16 items 3 and 4).

One deadline for each request, covering connecting and the whole answer: a server that
drips its headers or its body a byte every half second is cut off at `--http-timeout`, not
when it is done (httpx's own timeouts are per read). One deadline for each wait, covering
its polls and their retries: `machine wait --timeout 3` ends at about 3 s under
`503 + Retry-After: 20` and under 15 s of latency alike.
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox.app import SandboxApp
from pspace_py.sandbox.request_log import RequestLog
from tests.reliability.helpers import (
    KEY,
    MACHINE,
    Cli,
    arm,
    assert_one_error_line,
    attempts,
    closed_port,
    invoke,
    sandbox_client,
    served_sandbox,
    spawn,
    subprocess_env,
)
from tests.reliability.hostile import drip_body, drip_headers, hostile_server

pytestmark = pytest.mark.slow

MARGIN = 1.0  # start-up and scheduling on a busy 2-core box


def list_against(url: str, *args: str, env: dict[str, str | None] | None = None):  # type: ignore[no-untyped-def]
    return invoke(
        None,
        "--api-url",
        url,
        "--http-timeout",
        "2",
        "--retries",
        "0",
        "machine",
        "list",
        *args,
        env={"PAPERSPACE_API_KEY": KEY, **(env or {})},
    )


@pytest.mark.parametrize(("behaviour", "what"), [(drip_headers, "headers"), (drip_body, "body")])
def test_a_server_that_drips_its_answer_is_cut_off_at_the_http_timeout(
    behaviour: object, what: str
) -> None:
    with hostile_server(behaviour()) as server:  # type: ignore[operator]
        run = list_against(server.url)
    assert run.exit_code == 6, run.stderr
    assert 2.0 <= run.elapsed < 2.0 + MARGIN, what
    assert_one_error_line(run, "did not answer GET machines within 2s (--http-timeout)")
    assert run.stdout == ""


def test_a_drip_through_an_http_proxy_is_cut_off_too() -> None:
    # The proxy drips; the API URL itself is a closed port that is never contacted directly.
    with hostile_server(drip_headers()) as proxy:
        target = f"http://127.0.0.1:{closed_port()}/v1"
        run = list_against(
            target,
            env={"HTTP_PROXY": f"http://127.0.0.1:{proxy.port}", "NO_PROXY": None},
        )
        assert [seen.target.split("?")[0] for seen in proxy.seen] == [f"{target}/machines"]
    assert run.exit_code == 6, run.stderr
    assert run.elapsed < 2.0 + MARGIN


def test_every_retry_of_a_dripped_answer_has_its_own_deadline() -> None:
    with hostile_server(drip_body()) as server:
        run = invoke(
            None,
            "--api-url",
            server.url,
            "--http-timeout",
            "1",
            "--retries",
            "2",
            "machine",
            "list",
            env={"PAPERSPACE_API_KEY": KEY},
        )
        tries = len(server.seen)
    assert run.exit_code == 6
    assert tries == 3
    assert 3.0 <= run.elapsed < 3.0 + MARGIN  # three tries of 1 s; the retry waits are recorded


# -- waits -----------------------------------------------------------------------------------


def stopped_machine(app: SandboxApp) -> str:
    with sandbox_client(app) as client:
        machines = MachinesApi(client)
        machine_id = str(machines.create({**MACHINE, "startOnCreate": True}).resource["id"])
        app.advance(600)
        machines.stop(machine_id)
        app.advance(600)
    return machine_id


def test_a_wait_under_503_and_a_long_retry_after_spends_only_its_time_left(
    cli: Cli, sandbox: SandboxApp
) -> None:
    machine_id = stopped_machine(sandbox)
    arm(sandbox, "machines-get:status=503,retry-after=20,times=0")
    run = cli("machine", "wait", machine_id, "--state", "ready", "--timeout", "3")
    assert run.exit_code == 7, run.stderr
    # One wait, cut to the time left; no retry could start before the deadline.
    assert len(run.sleeps) == 1
    assert 2.5 < run.sleeps[0] <= 3.0
    assert len(attempts(sandbox, "machines-get")) == 1
    line = assert_one_error_line(run, "Gave up waiting after 3s", machine_id, "HTTP 503")
    assert "retry after 20s" in line


def test_machine_wait_under_503_and_retry_after_20_ends_at_its_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # When the wait's first poll reached the sandbox (served in this process, so the same
    # perf_counter): the process's start-up before it, which a loaded machine stretches past a
    # second, is not the wait's time.
    polls: list[float] = []
    record = RequestLog.record

    def noting_polls(self: RequestLog, request: Any, status: int | None, **rest: Any) -> None:
        if request.operation_id == "machines-get":
            polls.append(rest["started"])
        record(self, request, status, **rest)

    monkeypatch.setattr(RequestLog, "record", noting_polls)
    with served_sandbox(instant=True, seed=31) as served:
        machine_id = stopped_machine(served.app)
        arm(served.app, "machines-get:status=503,retry-after=20,times=0")
        started = time.perf_counter()
        process = spawn(
            ["machine", "wait", machine_id, "--state", "ready", "--timeout", "3"],
            subprocess_env(served.url),
        )
        try:
            _, stderr = process.communicate(timeout=3 + 5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            pytest.fail("machine wait --timeout 3 ran past 8 s under Retry-After: 20")
        ended = time.perf_counter()
    assert process.returncode == 7, stderr
    assert ended - started >= 3.0
    assert len(polls) == 1  # no retry could start before the deadline
    assert ended - polls[0] < 3.0 + MARGIN  # the wait ended at its deadline, not at 20 s
    assert "Gave up waiting after 3s" in stderr


def test_machine_wait_under_15_s_of_latency_ends_at_its_deadline() -> None:
    with served_sandbox(instant=True, seed=32) as served:
        machine_id = stopped_machine(served.app)
        arm(served.app, "machines-get:latency=15000,times=0")
        run = invoke(
            None,
            "--api-url",
            served.url,
            "machine",
            "wait",
            machine_id,
            "--state",
            "ready",
            "--timeout",
            "3",
            env={"PAPERSPACE_API_KEY": KEY},
        )
    assert run.exit_code == 7, run.stderr
    assert 3.0 <= run.elapsed < 3.0 + MARGIN
    assert_one_error_line(run, "Gave up waiting after 3s", machine_id)


def test_a_wait_after_start_keeps_its_deadline_under_latency() -> None:
    with served_sandbox(seed=33) as served:  # default timing: starting takes a while
        machine_id = stopped_machine(served.app)
        arm(served.app, "machines-get:latency=15000,after=1,times=0")
        run = invoke(
            None,
            "--api-url",
            served.url,
            "machine",
            "start",
            machine_id,
            "--wait",
            "--timeout",
            "2",
            env={"PAPERSPACE_API_KEY": KEY, "PSPACE_POLL_INTERVAL": "0.05"},
        )
    assert run.exit_code == 7, run.stderr
    assert run.elapsed < 2.0 + MARGIN
    assert_one_error_line(run, machine_id)


def test_the_client_spends_no_retry_past_a_deadline(sandbox: SandboxApp) -> None:
    from pspace_py.api import deadline
    from pspace_py.api.errors import ServerError

    arm(sandbox, "machines-list:status=503,retry-after=5,times=0")
    slept: list[float] = []
    client: ApiClient = sandbox_client(sandbox, sleep=slept.append)
    with client, deadline.limit(1.0), pytest.raises(ServerError) as raised:
        client.list_page("machines")
    assert raised.value.out_of_time
    assert len(slept) == 1
    assert 0.5 < slept[0] <= 1.0
    assert len(attempts(sandbox, "machines-list")) == 1
