"""Timeouts over loopback: a served sandbox (waitress, real sockets), the CLI in-process.

`WSGITransport` ignores timeouts, so these run against a real socket. The client's retry
waits are recorded instead of slept; the time measured is the timeouts' own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.helpers import (
    KEY,
    Served,
    arm,
    assert_one_error_line,
    closed_port,
    invoke,
    served_sandbox,
    spawn,
    subprocess_env,
)

MARGIN = 1.0  # seconds on top of a timeout for start-up and scheduling on a busy CI box


@pytest.fixture
def served() -> Iterator[Served]:
    with served_sandbox(instant=True, seed=2) as server:
        yield server


def run_against(url: str, *args: str, timeout: str | None = None):  # type: ignore[no-untyped-def]
    env = {"PAPERSPACE_API_KEY": KEY, "PSPACE_HTTP_TIMEOUT": timeout}
    return invoke(None, "--api-url", url, *args, env=env)


@pytest.mark.slow
def test_a_slow_answer_ends_at_the_read_timeout(served: Served) -> None:
    arm(served.app, "machines-list:latency=30000,times=0")
    run = run_against(served.url, "--retries", "0", "machine", "list", timeout="0.3")
    assert run.exit_code == 6
    assert 0.3 <= run.elapsed < 0.3 + MARGIN
    assert_one_error_line(run, "did not answer GET machines within 0.3s", "--http-timeout")
    assert served.gate.count == 1


@pytest.mark.slow
def test_the_flag_sets_the_read_timeout(served: Served) -> None:
    arm(served.app, "machines-get:latency=30000,times=0")
    run = run_against(served.url, "--retries", "0", "--http-timeout", "1", "machine", "get", "x")
    assert run.exit_code == 6
    assert 1.0 <= run.elapsed < 1.0 + MARGIN
    assert_one_error_line(run, "within 1s")


@pytest.mark.slow
def test_every_attempt_has_its_own_timeout_and_the_total_is_bounded(served: Served) -> None:
    arm(served.app, "machines-list:latency=30000,times=0")
    run = run_against(served.url, "machine", "list", timeout="0.2")
    assert run.exit_code == 6
    assert served.gate.count == 4  # 1 + 3 retries, each cut at 0.2 s
    assert len(run.sleeps) == 3
    assert 0.8 <= run.elapsed < 0.8 + MARGIN


def test_a_slow_answer_within_the_timeout_is_fine(served: Served) -> None:
    arm(served.app, "machines-list:latency=100,times=0")
    # The gate sleeps for real only when not released: this one answers after 0.1 s.
    run = run_against(served.url, "machine", "list", timeout="2")
    assert run.exit_code == 0, run.stderr
    assert run.sleeps == []


def test_a_closed_port_fails_fast_after_the_retries() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    run = run_against(url, "machine", "list")
    assert run.exit_code == 6
    assert run.elapsed < MARGIN
    assert len(run.sleeps) == 3  # refused before anything was sent: retried, waits recorded
    assert_one_error_line(run, "Cannot connect to 127.0.0.1", "no response")


def test_a_closed_port_fails_fast_from_the_installed_command() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    process = spawn(["--retries", "0", "machine", "list"], subprocess_env(url))
    try:
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 6
    assert "Traceback" not in stderr
    [line] = [line for line in stderr.splitlines() if line.strip()]
    assert line.startswith("Error: Cannot connect to 127.0.0.1")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "0"])
def test_an_impossible_http_timeout_is_a_usage_error(served: Served, value: str) -> None:
    served.app.clear_request_log()
    flag = run_against(served.url, f"--http-timeout={value}", "machine", "list")
    env = run_against(served.url, "machine", "list", timeout=value)
    for run in (flag, env):
        assert run.exit_code == 2, run.stderr
        assert "Traceback" not in run.output
        assert "Unexpected error" not in run.stderr
    assert served.app.request_log() == []
