"""Whole workflows through the installed `pspace`, in subprocesses, against served sandboxes.

What is asserted is what a user sees: exit codes, stdout (parsed as JSON where it is JSON, or
as one ID per line with `-q`) and the lines on stderr. Time is driven through the sandbox's
admin clock (`POST /_sandbox/clock/advance`) on the clocked server, so nothing sleeps for the
seconds a real machine would take; the instant server finishes every transition at once.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import (
    E2E_KEY,
    PSPACE,
    Run,
    ServedSandbox,
    pspace_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

Pspace = Callable[..., Run]
CREATE = (
    "machine", "create", "--machine-type", "C5", "--template-id", "t0nspur5",
    "--region", "NY2", "--disk-size", "50",
)  # fmt: skip
GIB = 1024**3


def ok(result: Run) -> Run:
    assert result.exit_code == 0, result.describe()
    return result


def machines(pspace: Pspace, **kwargs: Any) -> dict[str, dict[str, Any]]:
    """Every machine by name (`machine list --all --json`)."""
    listed = ok(pspace("machine", "list", "--all", "--json", **kwargs)).json()["items"]
    return {item["name"]: item for item in listed}


def stops_sent(server: ServedSandbox) -> list[str]:
    return [
        str(entry["path"]) for entry in server.requests() if entry["operationId"] == "machines-stop"
    ]


# -- issue 3 §7: one machine's life, logged in through a stored profile --------------------


def test_login_create_ready_stop_resize_start_stop_deactivate(
    pspace_clocked: Pspace, clocked: ServedSandbox, home: Path
) -> None:
    # The URL given with --api-url is kept in the profile (an exported one would not be).
    login = pspace_clocked(
        "login",
        "--api-url",
        clocked.url,
        "--with-key-stdin",
        input=f"{E2E_KEY}\n",
        api_key=None,
        api_url=None,
    )
    ok(login)
    assert re.search(r'Logged in to team "[^"]+" .*\(profile "default"\)\.', login.stderr)
    config = home / "config" / "config.toml"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert E2E_KEY in config.read_text()  # stored, so that the next commands need nothing

    def user(*args: str, input: str | None = None) -> Run:
        """What the logged-in user runs: no PAPERSPACE_API_KEY, no PAPERSPACE_API_URL."""
        return pspace_clocked(*args, input=input, api_key=None, api_url=None)

    who = ok(user("whoami", "--json"))
    identity = who.json()
    assert identity["keySource"] == "profile 'default'"
    assert (identity["apiUrl"], identity["apiUrlSource"]) == (clocked.url, "profile 'default'")
    assert identity["team"] != "sandbox"  # the key's own team, not the default key's
    table = ok(user("whoami"))
    assert identity["team"] in table.stdout
    profiles = ok(user("config", "list"))
    assert "(set)" in profiles.stdout
    debug = ok(user("--debug", "machine", "list"))
    assert "Authorization: Bearer ****" in debug.stderr
    for shown in (login, who, table, profiles, debug):
        assert E2E_KEY not in shown.stdout + shown.stderr

    created = ok(user(*CREATE, "-n", "trainer", "--json")).json()
    machine_id = created["data"]["id"]
    assert created["data"]["state"] == "provisioning"
    assert created["event"]["name"] == "create"
    assert ok(user("machine", "get", "trainer", "-F", "state")).lines == ["STATE  provisioning"]
    # Only this key's team sees the machine.
    assert clocked.api("GET", "/machines")["items"] == []

    clocked.advance(10)  # provisioning takes 8 s
    ready = ok(user("machine", "wait", "trainer", "--state", "ready", "--timeout", "5", "--json"))
    assert ready.json()["state"] == "ready"
    assert ready.json()["publicIp"]

    stopping = ok(user("machine", "stop", "trainer", "--json")).json()
    assert (stopping["data"]["state"], stopping["event"]["name"]) == ("stopping", "stop")
    clocked.advance(5)
    assert ok(user("machine", "wait", "trainer", "--state", "off", "-q")).lines == [machine_id]

    resize = ok(
        user("machine", "resize", "trainer", "--machine-type", "C7", "--disk-size", "100",
             "--yes", "--json")
    )  # fmt: skip
    assert resize.json()["event"]["name"] == "vm-upgrade"
    assert "Machine C5 -> C7" in resize.stderr
    assert "Disk 50 GB -> 100 GB" in resize.stderr
    clocked.advance(10)
    resized = ok(user("machine", "wait", "trainer", "--state", "off", "--json")).json()
    assert (resized["machineType"], resized["storageTotal"]) == ("C7", 100 * GIB)

    started = ok(user("machine", "start", "trainer", "--json")).json()
    assert started["data"]["state"] == "starting"
    clocked.advance(5)
    assert (
        ok(user("machine", "wait", "trainer", "--state", "ready", "--json")).json()["machineType"]
        == "C7"
    )

    ok(user("machine", "stop", "trainer"))
    clocked.advance(5)
    ok(user("machine", "wait", machine_id, "--state", "off"))

    gone = ok(user("machine", "deactivate", "trainer", "--yes", "--json")).json()
    assert gone["event"]["name"] == "deactivate"
    clocked.advance(5)
    waited = ok(user("machine", "wait", machine_id, "--state", "gone", "--json"))
    assert waited.json()["data"] is None
    assert user("machine", "get", machine_id).exit_code == 4

    events = {e["name"]: e["state"] for e in clocked.api("GET", "/machine-events", key=E2E_KEY)[
        "items"
    ]}  # fmt: skip
    assert {"create", "stop", "vm-upgrade", "start", "deactivate"} <= set(events)
    assert set(events.values()) == {"done"}


# -- issue 6: waiting -----------------------------------------------------------------------


def test_create_wait_follows_the_sandbox_clock(clocked: ServedSandbox, home: Path) -> None:
    """`create --wait` keeps polling until the admin clock moves past provisioning."""
    process = subprocess.Popen(
        [str(PSPACE), *CREATE, "-n", "patient", "--wait", "--json"],
        env=pspace_env(home, clocked.url),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not clocked.api("GET", "/machines")["items"]:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the machine was never created"
            time.sleep(0.05)
        created = time.monotonic()
        time.sleep(0.3)
        assert process.poll() is None, "create --wait returned before the machine was ready"
        clocked.advance(10)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    answer = json.loads(stdout)
    assert answer["data"]["state"] == "ready"
    assert answer["event"]["state"] == "done"
    # Provisioning takes 8 s of sandbox time: finishing sooner means the advance did it.
    assert time.monotonic() - created < 7


def test_create_wait_reaches_ready(pspace: Pspace) -> None:
    result = ok(pspace(*CREATE, "-n", "quick", "--wait"))
    assert "Machine ps" in result.stderr
    assert "(quick): created and ready." in result.stderr
    fields = dict(line.split(None, 1) for line in result.lines)
    assert fields["STATE"] == "ready"
    assert fields["NAME"] == "quick"


def test_a_wait_past_its_deadline_then_the_hint_that_finishes_it(
    pspace_clocked: Pspace, clocked: ServedSandbox
) -> None:
    machine_id = ok(pspace_clocked(*CREATE, "-n", "slowpoke", "-q")).stdout.strip()
    late = pspace_clocked("machine", "wait", "slowpoke", "--state", "ready", "--timeout", "1")
    assert late.exit_code == 7
    assert late.stdout == ""
    assert f"Gave up waiting after 1s: machine {machine_id} is provisioning" in late.error_line
    hint = re.search(r"'pspace (machine wait [^']+)'", late.error_line)
    assert hint is not None, late.error_line
    clocked.advance(10)
    finished = ok(pspace_clocked(*hint.group(1).split(), "--json"))
    assert finished.json()["state"] == "ready"


def test_an_event_that_ends_in_error(pspace: Pspace, sandbox: ServedSandbox) -> None:
    sandbox.fail_event("create", "No capacity for C5 in NY2 right now")
    result = pspace(*CREATE, "-n", "unlucky", "--wait", "-q")
    assert result.exit_code == 8
    # The machine the failed create left is named: its ID, as -q gives it (issue 16 item 2).
    [machine_id] = result.lines
    assert f"Machine {machine_id}: create failed: No capacity for C5 in NY2 right now." in (
        result.error_line
    )
    event_id = re.search(r"'pspace machine-event get ([^']+)'", result.error_line)
    assert event_id is not None, result.error_line
    event = ok(pspace("machine-event", "get", event_id.group(1), "--json")).json()
    assert (event["state"], event["error"]) == ("error", "No capacity for C5 in NY2 right now")


# -- issue 6: names --------------------------------------------------------------------------


def test_names_and_ambiguous_names(pspace: Pspace, sandbox: ServedSandbox) -> None:
    solo = ok(pspace(*CREATE, "-n", "solo", "--wait", "-q")).stdout.strip()
    twins = [ok(pspace(*CREATE, "-n", "twin", "-q")).stdout.strip() for _ in range(2)]
    assert ok(pspace("machine", "get", "solo", "-q")).lines == [solo]
    assert ok(pspace("machine", "get", solo, "-F", "name")).lines == ["NAME  solo"]

    sandbox.admin("DELETE", "requests")
    ambiguous = pspace("machine", "stop", "twin")
    assert ambiguous.exit_code == 2
    assert "The name 'twin' matches 2 machines:" in ambiguous.error_line
    assert all(machine_id in ambiguous.error_line for machine_id in twins)
    assert "Use the ID instead." in ambiguous.error_line
    assert stops_sent(sandbox) == []  # nothing was stopped on a guess

    stopped = ok(pspace("machine", "stop", twins[1], "--wait", "--json")).json()
    assert (stopped["data"]["id"], stopped["data"]["state"]) == (twins[1], "off")
    assert stops_sent(sandbox) == [f"/v1/machines/{twins[1]}/stop"]
    by_name = machines(pspace)
    assert by_name["solo"]["state"] == "ready"
    assert pspace("machine", "get", "Solo").exit_code == 4  # names are exact


# -- issue 6: bulk ----------------------------------------------------------------------------


def test_bulk_stop_of_20_by_glob_with_one_failing(pspace: Pspace, sandbox: ServedSandbox) -> None:
    sandbox.seed(20, "batch-")
    sandbox.seed(2, "other-")
    listed = ok(pspace("machine", "list", "--name-glob", "batch-*", "--json")).json()["items"]
    batch = {item["id"]: item["name"] for item in listed}
    assert len(batch) == 20
    doomed = sorted(batch)[7]
    sandbox.fail_event("stop", "Host maintenance in progress", machine_id=doomed)

    result = pspace(
        "machine", "stop", "--all", "--name-glob", "batch-*", "--yes", "--wait", "--json"
    )
    assert result.exit_code == 9, result.describe()
    outcomes = result.json()
    assert {item["id"] for item in outcomes} == set(batch)
    failed = [item for item in outcomes if not item["ok"]]
    assert [item["id"] for item in failed] == [doomed]
    assert "Host maintenance in progress" in failed[0]["error"]["message"]
    assert failed[0]["error"]["exitCode"] == 8
    assert all(item["data"]["state"] == "off" for item in outcomes if item["ok"])

    result_lines = [line for line in result.stderr_lines if line.startswith(("ok ", "fail "))]
    assert len(result_lines) == 20  # one per machine
    for machine_id, name in batch.items():
        (line,) = [line for line in result_lines if f" {machine_id} ({name}): " in line]
        assert line.startswith("fail  " if machine_id == doomed else "ok    ")
    assert result.error_line.startswith("Error: 1 of 20 machines failed to stop.")

    states = {name: item["state"] for name, item in machines(pspace).items()}
    assert states.pop(batch[doomed]) == "ready"
    assert states.pop("other-1") == states.pop("other-2") == "ready"
    assert set(states.values()) == {"off"}


def test_quiet_output_piped_into_another_pspace_command(sandbox: ServedSandbox, home: Path) -> None:
    sandbox.seed(3, "pipe-")
    sandbox.seed(1, "bystander-")
    script = (
        "id=$(pspace machine create -n pipe-new --machine-type C5 --template-id t0nspur5 "
        "--region NY2 --disk-size 50 --wait -q)\n"
        'echo "created $id"\n'
        'pspace machine wait "$id" --state ready -q\n'
        "pspace machine list --name-glob 'pipe-*' -q | xargs pspace machine stop --wait -q\n"
        "pspace machine list --json\n"
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=pspace_env(home, sandbox.url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ids_part, listing = done.stdout.split("{", 1)
    created, waited, *stopped_ids = ids_part.split("\n")[:-1]
    new_id = created.removeprefix("created ")
    assert re.fullmatch(r"ps[0-9a-z]+", new_id), done.stdout
    assert waited == new_id  # -q: the ID alone, ready to be piped again
    states = {item["name"]: item["state"] for item in json.loads("{" + listing)["items"]}
    assert len(stopped_ids) == 4
    assert new_id in stopped_ids
    assert states == {
        "pipe-1": "off",
        "pipe-2": "off",
        "pipe-3": "off",
        "pipe-new": "off",
        "bystander-1": "ready",
    }


# -- issue 6: nobody is asked where nobody can answer ----------------------------------------


def test_no_prompt_when_stdin_is_not_a_terminal(pspace: Pspace, sandbox: ServedSandbox) -> None:
    sandbox.seed(2, "precious-")
    for args, stdin in [
        (("machine", "deactivate", "precious-1", "--stop"), None),
        (("machine", "deactivate", "precious-1", "--stop"), "y\nprecious-1\n"),
        (("machine", "stop", "--all", "--name-glob", "precious-*"), "y\n"),
    ]:
        started = time.monotonic()
        result = pspace(*args, input=stdin, timeout=15)
        assert time.monotonic() - started < 10
        assert result.exit_code == 5, (args, result.describe())
        assert result.error_line.endswith("Pass --yes to go ahead without a terminal."), args
        assert result.stdout == ""
    assert stops_sent(sandbox) == []
    assert {item["state"] for item in machines(pspace).values()} == {"ready"}

    no_key = pspace("login", api_key=None, timeout=15)
    assert no_key.exit_code == 2
    assert "no terminal to ask for one" in no_key.error_line
    assert "--with-key-stdin" in no_key.error_line

    # Creating asks on a terminal, but is not destructive: without one it goes ahead.
    created = pspace(*CREATE, "-n", "unattended", "-q", timeout=15)
    assert created.exit_code == 0, created.describe()
    assert created.lines == [machines(pspace)["unattended"]["id"]]


def test_a_terminal_is_asked_unless_ci_is_set(sandbox: ServedSandbox, home: Path) -> None:
    """The control for the test above: on a pseudo-terminal pspace does ask, except in CI."""
    sandbox.seed(1, "tty-box-")
    asked = run_on_terminal(sandbox, home, answer="n\n")
    assert asked.exit_code == 5, asked.describe()
    # The answer is echoed by the terminal, not to stderr: the error follows the question.
    assert asked.stderr_lines[-1] == (
        "Stop 1 machine? [y/N]: Error: Cancelled: stop 1 machine was not confirmed."
    )

    in_ci = run_on_terminal(sandbox, home, answer="y\n", CI="true")
    assert in_ci.exit_code == 5, in_ci.describe()
    assert "[y/N]" not in in_ci.stderr
    # A person may be at this terminal: CI, not the terminal, is why nobody is asked.
    assert in_ci.error_line.endswith("Pass --yes to go ahead (nobody is asked while CI is set).")
    assert stops_sent(sandbox) == []


def run_on_terminal(sandbox: ServedSandbox, home: Path, answer: str, **env: str) -> Run:
    """`pspace machine stop --all` with a pseudo-terminal as stdin, `answer` typed into it."""
    import pty

    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(PSPACE), "machine", "stop", "--all", "--name-glob", "tty-box-*"],
            env=pspace_env(home, sandbox.url, **env),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(controller, answer.encode())
        try:
            stdout, stderr = process.communicate(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
    finally:
        os.close(terminal)
        os.close(controller)
    return Run(process.returncode, stdout, stderr)
