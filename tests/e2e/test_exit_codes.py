"""Exit codes are a public contract (README "Exit codes"): one test per code, scenario by scenario.

Every scenario runs the installed `pspace` in a subprocess against a served sandbox on loopback
(or nothing at all, for "unreachable") and checks the code and the one `Error:` line on stderr.
The only exception is the "unexpected error" half of exit 1: no real input makes the CLI crash
on purpose, so that one runs in-process with an API method monkeypatched to raise RuntimeError.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import (
    PSPACE,
    Run,
    ServedSandbox,
    closed_port,
    pspace_env,
    run_pspace,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

Pspace = Callable[..., Run]
CREATE = (
    "machine", "create", "--machine-type", "C5", "--template-id", "t0nspur5",
    "--region", "NY2", "--disk-size", "50",
)  # fmt: skip


def create(pspace: Pspace, name: str, *extra: str) -> dict[str, Any]:
    result = pspace(*CREATE, "-n", name, "--json", *extra)
    assert result.exit_code == 0, result.describe()
    data: dict[str, Any] = result.json()["data"]
    return data


def api_calls(server: ServedSandbox) -> list[str]:
    """`METHOD /path` of every /v1 request the server has answered since the last reset."""
    return [f"{entry.get('method')} {entry.get('path')}" for entry in server.requests()]


# -- 0 ----------------------------------------------------------------------------------------


def test_0_success(pspace: Pspace) -> None:
    created = create(pspace, "zero")
    result = pspace("machine", "list", "--json")
    assert result.exit_code == 0
    assert [item["id"] for item in result.json()["items"]] == [created["id"]]
    assert "Error" not in result.stderr


# -- 1 ----------------------------------------------------------------------------------------


def test_1_unexpected_error_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process (CliRunner): an exception pspace does not expect is one line and exit 1."""
    import httpx

    from pspace_py.api.machines import MachinesApi
    from pspace_py.cli.context import AppContext
    from pspace_py.sandbox import create_app
    from tests.run import invoke

    def explode(self: object, query: object) -> None:
        raise RuntimeError("the page walker fell over")

    monkeypatch.setattr(MachinesApi, "page", explode)
    state = AppContext(transport=httpx.WSGITransport(app=create_app(instant=True)))
    result = invoke(state, "--sandbox", "machine", "list")
    assert result.exit_code == 1
    assert result.stderr_lines == [
        "Error: Unexpected error: RuntimeError: the page walker fell over. "
        "Run again with --debug for details, and report it if it persists."
    ]
    assert result.stdout == ""


# -- 2 ----------------------------------------------------------------------------------------


def test_2_usage_error_from_a_broken_config_file(pspace: Pspace, home: Path) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[profiles.default\napi_key = 'x'\n")
    result = pspace("machine", "list", api_key=None)
    assert result.exit_code == 2, result.describe()
    assert result.error_line.startswith(f"Error: Config file {config} is not valid TOML")
    assert "Fix or delete the file" in result.error_line
    assert result.stdout == ""


def test_2_usage_error_from_a_file_that_is_not_sandbox_state(home: Path) -> None:
    state = home / "not-state.sqlite3"
    state.write_text("these are my notes, not a database\n")
    env = pspace_env(home, None, api_key=None, PSPACE_SANDBOX_STATE=str(state))
    result = run_pspace("--sandbox", "machine", "list", env=env)
    assert result.exit_code == 2, result.describe()
    assert result.error_line.startswith(
        f"Error: {state} is not a pspace sandbox state file (it is not an SQLite database); it "
        "was left as it is."
    )
    assert "PSPACE_SANDBOX_STATE" in result.error_line
    assert "Unexpected" not in result.stderr
    assert state.read_text() == "these are my notes, not a database\n"  # left alone


def test_2_usage_unknown_flag(pspace: Pspace, sandbox: ServedSandbox) -> None:
    result = pspace("machine", "list", "--colour-me-surprised")
    assert result.exit_code == 2
    assert result.error_line == (
        "Error: No such option: --colour-me-surprised. See 'pspace machine list --help'."
    )
    assert api_calls(sandbox) == []


def test_2_usage_bad_disk_size_is_caught_before_any_request(
    pspace: Pspace, sandbox: ServedSandbox
) -> None:
    result = pspace(*CREATE[:-1], "51", "-n", "odd-disk", "--yes")
    assert result.exit_code == 2
    assert result.error_line == (
        "Error: Disk size 51 GB is not offered. Use one of: 50, 100, 250, 500, 1000, 2000, 4000, "
        "8000, 12000, 16000."
    )
    assert api_calls(sandbox) == []


# -- 3 ----------------------------------------------------------------------------------------


def test_3_not_logged_in(pspace: Pspace, sandbox: ServedSandbox) -> None:
    result = pspace("machine", "list", api_key=None)
    assert result.exit_code == 3
    assert result.error_line.startswith("Error: Not logged in. Run 'pspace login'")
    assert "PAPERSPACE_API_KEY" in result.error_line
    assert api_calls(sandbox) == []


def test_3_rejected_key(pspace: Pspace) -> None:
    secret = "not-a-key-the-sandbox-knows-4242"
    result = pspace("machine", "list", api_key=secret)
    assert result.exit_code == 3
    assert "(HTTP 401" in result.error_line
    assert "Check the key" in result.error_line
    assert secret not in result.stderr + result.stdout


# -- 4 ----------------------------------------------------------------------------------------


def test_4_not_found(pspace: Pspace) -> None:
    result = pspace("machine", "get", "no-such-box")
    assert result.exit_code == 4
    assert result.error_line == (
        "Error: No machine has the ID or name 'no-such-box'. List them with 'pspace machine list'."
    )


# -- 5 ----------------------------------------------------------------------------------------


def test_5_refused_by_the_api_state(pspace: Pspace) -> None:
    machine = create(pspace, "running", "--no-start-on-create", "--wait")
    result = pspace("machine", "restart", "running")
    assert result.exit_code == 5, result.describe()
    assert "(HTTP 400" in result.error_line
    assert result.stdout == ""
    shown = pspace("machine", "get", machine["id"], "--json").json()
    assert shown["state"] == "off"


def test_5_destructive_without_yes_and_without_a_terminal(
    pspace: Pspace, sandbox: ServedSandbox
) -> None:
    machine = create(pspace, "keepme")
    result = pspace("machine", "deactivate", "keepme", timeout=15)
    assert result.exit_code == 5
    assert result.error_line == (
        "Error: Not confirmed: deactivating a machine needs confirmation. "
        "Pass --yes to go ahead without a terminal."
    )
    calls = api_calls(sandbox)
    assert calls, "the name was not even looked up"
    assert not [call for call in calls if call.startswith("DELETE")]
    assert pspace("machine", "get", machine["id"]).exit_code == 0
    # The same command with --yes goes ahead: the refusal above was only about confirming.
    assert pspace("machine", "deactivate", "keepme", "--stop", "--yes").exit_code == 0
    assert [call for call in api_calls(sandbox) if call.startswith("DELETE")]


# -- 6 ----------------------------------------------------------------------------------------


def test_6_unreachable_closed_port(home: Path) -> None:
    port = closed_port()
    env = pspace_env(home, f"http://127.0.0.1:{port}/v1")
    started = time.monotonic()
    result = run_pspace("machine", "list", "--retries", "1", env=env, timeout=30)
    assert result.exit_code == 6
    assert result.error_line.startswith("Error: Cannot connect to 127.0.0.1")
    assert "(no response)" in result.error_line
    assert "Check the network and the API URL" in result.error_line
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("html", "HTTP 502 Bad Gateway (text/html body)"),
        ("not-json", "with a body that is not JSON (text/plain)"),
    ],
)
def test_6_malformed_response(
    pspace: Pspace, sandbox: ServedSandbox, body: str, expected: str
) -> None:
    sandbox.fault(operation="machines-list", body=body, times=0)
    result = pspace("machine", "list", "--retries", "0")
    assert result.exit_code == 6, result.describe()
    assert expected in result.error_line
    assert result.stdout == ""


# -- 7 ----------------------------------------------------------------------------------------


def test_7_wait_deadline(pspace_clocked: Pspace) -> None:
    """The clocked sandbox takes seconds to provision and its clock is not moved."""
    started = time.monotonic()
    result = pspace_clocked(*CREATE, "-n", "slow", "--wait", "--timeout", "1", "-q")
    elapsed = time.monotonic() - started
    assert result.exit_code == 7, result.describe()
    [machine_id] = result.lines  # created, so named: its ID on stdout (issue 16 item 2)
    assert f"Gave up waiting after 1s: machine {machine_id}" in result.error_line
    assert "is provisioning, not ready." in result.error_line
    assert "--state ready" in result.error_line
    assert 1 <= elapsed < 30  # the deadline, then promptly out


# -- 8 ----------------------------------------------------------------------------------------


def test_8_operation_failed(pspace: Pspace, sandbox: ServedSandbox) -> None:
    machine = create(pspace, "fragile", "--wait")
    assert pspace("machine", "stop", "fragile", "--wait").exit_code == 0
    sandbox.fail_event("start", "GPU host lost its marbles", machine_id=machine["id"])
    result = pspace("machine", "start", "fragile", "--wait")
    assert result.exit_code == 8, result.describe()
    assert result.error_line.startswith(
        f"Error: Machine {machine['id']}: start failed: GPU host lost its marbles."
    )
    assert "pspace machine-event get" in result.error_line


# -- 9 ----------------------------------------------------------------------------------------


def test_9_partial_failure_of_a_bulk_action(pspace: Pspace) -> None:
    off = create(pspace, "was-off", "--wait")
    assert pspace("machine", "stop", "was-off", "--wait").exit_code == 0
    on = create(pspace, "was-on", "--wait")
    result = pspace("machine", "restart", "was-on", "was-off", "--json")
    assert result.exit_code == 9, result.describe()
    outcomes = {item["name"]: item for item in result.json()}
    assert outcomes["was-on"]["ok"] is True
    assert outcomes["was-off"]["ok"] is False
    assert outcomes["was-off"]["error"]["exitCode"] == 5
    assert result.error_line == (
        "Error: 1 of 2 machines failed to restart. "
        f"See the lines above; for those: 'pspace machine restart {off['id']} --wait'."
    )
    assert f"ok    {on['id']} (was-on): restart requested" in result.stderr_lines
    assert any(line.startswith(f"fail  {off['id']} (was-off): ") for line in result.stderr_lines)


# -- 130 and 143 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGINT, 130, "Error: Interrupted."),
        (signal.SIGTERM, 143, "Error: Terminated."),
    ],
    ids=["130-SIGINT", "143-SIGTERM"],
)
def test_130_and_143_interrupted_during_a_slow_request(
    sandbox: ServedSandbox, home: Path, signum: int, code: int, line: str
) -> None:
    sandbox.fault(operation="machines-list", latencyMs=2000)
    process = subprocess.Popen(
        [str(PSPACE), "machine", "list"],
        env=pspace_env(home, sandbox.url),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not sandbox.fault_counters()[0]["fired"]:  # the request is being answered
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the request never reached the sandbox"
            time.sleep(0.02)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == code
    assert stdout == ""
    assert Run(code, stdout, stderr).error_line == line
