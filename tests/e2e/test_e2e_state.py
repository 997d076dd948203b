"""Sandbox state on disk: a restart of `pspace sandbox serve --state FILE`, two servers writing one
file, and the in-process `pspace --sandbox` of the README's quickstart.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pspace_py.sandbox.lifecycle import Timing
from tests.e2e.helpers import (
    PSPACE,
    ServedSandbox,
    base_env,
    pspace_env,
    run_pspace,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

README = Path(__file__).resolve().parents[2] / "README.md"
CREATE = (
    "machine", "create", "--machine-type", "C5", "--template-id", "t0nspur5",
    "--region", "NY2", "--disk-size", "50", "--public-ip-type", "none",
)  # fmt: skip
RAW_CREATE = {
    "machineType": "C5",
    "templateId": "t0nspur5",
    "region": "ny2",
    "diskSize": 50,
    "publicIpType": "none",
}


def listed(home: Path, server: ServedSandbox) -> list[dict[str, Any]]:
    result = run_pspace("machine", "list", "--all", "--json", env=pspace_env(home, server.url))
    assert result.exit_code == 0, result.describe()
    items: list[dict[str, Any]] = result.json()["items"]
    return items


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_state_survives_a_restart_of_the_server(
    sandboxes: Callable[..., ServedSandbox], home: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.sqlite3"
    first = sandboxes("--state", str(state))
    created = run_pspace(*CREATE, "-n", "survivor", "--json", env=pspace_env(home, first.url))
    assert created.exit_code == 0, created.describe()
    machine_id = created.json()["data"]["id"]
    assert created.json()["data"]["state"] == "provisioning"
    first.advance(10)  # the clock's offset is kept in the file too
    assert first.stop() == 0

    second = sandboxes("--state", str(state))
    machines = listed(home, second)
    assert [(m["id"], m["name"], m["state"]) for m in machines] == [
        (machine_id, "survivor", "ready")
    ]
    events = second.api("GET", f"/machine-events?machineId={machine_id}")["items"]
    assert [(e["name"], e["state"]) for e in events] == [("create", "done")]
    assert second.stop() == 0
    assert integrity(state) == "ok"


def test_two_servers_writing_one_state_file_lose_and_corrupt_nothing(
    sandboxes: Callable[..., ServedSandbox], home: Path, tmp_path: Path
) -> None:
    state = tmp_path / "shared.sqlite3"
    servers = [sandboxes("--instant", "--state", str(state)) for _ in range(2)]
    assert servers[0].url != servers[1].url

    # Through the CLI: three creates through each server, all at once.
    processes = [
        subprocess.Popen(
            [str(PSPACE), *CREATE, "-n", f"cli-{number}-{index}", "-q"],
            env=pspace_env(home, server.url),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number, server in enumerate(servers)
        for index in range(3)
    ]
    # Through plain HTTP at the same time: two threads per server, ten creates each.
    raw_ids: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def hammer(server: ServedSandbox, prefix: str) -> None:
        try:
            for index in range(10):
                answer = server.api("POST", "/machines", {**RAW_CREATE, "name": f"{prefix}{index}"})
                with lock:
                    raw_ids.append(answer["data"]["id"])
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [
        threading.Thread(target=hammer, args=(server, f"raw-{number}-{thread}-"))
        for number, server in enumerate(servers)
        for thread in range(2)
    ]
    for thread in threads:
        thread.start()
    cli_ids = []
    try:
        for process in processes:
            stdout, stderr = process.communicate(timeout=30)
            assert process.returncode == 0, stderr
            cli_ids.append(stdout.strip())
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)

    expected_ids = set(cli_ids) | set(raw_ids)
    assert len(expected_ids) == 6 + 40  # every create got its own ID
    views = [listed(home, server) for server in servers]
    for view in views:
        assert {m["id"] for m in view} == expected_ids  # both servers see every machine
        assert len(view) == 46
        assert len({m["privateIp"] for m in view}) == 46  # no address handed out twice
    names = {m["name"] for m in views[0]}
    assert {f"cli-{n}-{i}" for n in range(2) for i in range(3)} <= names
    assert {f"raw-{n}-{t}-{i}" for n in range(2) for t in range(2) for i in range(10)} <= names

    assert [server.stop() for server in servers] == [0, 0]
    assert integrity(state) == "ok"
    again = sandboxes("--state", str(state))
    assert {m["id"] for m in listed(home, again)} == expected_ids


def readme_quickstart_commands() -> str:
    """The README's try-it line, from the first `pspace --sandbox` on (the venv exists here)."""
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("$ ") and "pspace --sandbox machine create" in line:
            return line[line.index("pspace --sandbox") :]
    raise AssertionError("the README has no `pspace --sandbox machine create` quickstart line")


def test_in_process_sandbox_across_processes_reaches_ready_and_resets(
    sandboxes: Callable[..., ServedSandbox], home: Path
) -> None:
    env = base_env(home)  # no API key, no API URL: --sandbox needs neither
    state = Path(env["PSPACE_SANDBOX_STATE"])
    quickstart = readme_quickstart_commands()
    assert quickstart.endswith("&& pspace --sandbox machine list")
    started = time.monotonic()
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", quickstart],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.split() == ["NAME", "demo"] for line in lines)  # what create printed
    assert any(line.split() == ["STATE", "provisioning"] for line in lines)  # as it begins
    header = next(n for n, line in enumerate(lines) if line.split()[:3] == ["ID", "NAME", "STATE"])
    [listed_state] = [line.split()[2] for line in lines[header + 1 :] if line.split()[1] == "demo"]
    # `pspace --sandbox` runs on the wall clock: the list shows what the sandbox's clock says
    # at that moment. Within the default provisioning time of the create that is provisioning
    # whatever the machine's load; on a machine slow enough to take longer, ready is right too.
    if took < Timing().provisioning:
        assert listed_state == "provisioning", done.stdout
    else:
        assert listed_state in ("provisioning", "ready"), done.stdout
    assert state.exists()

    # The default timing is seconds: move the clock through the admin route of a sandbox
    # served from the same file (its offset is kept in the file).
    server = sandboxes("--state", str(state))
    server.advance(10)
    assert server.stop() == 0

    waited = run_pspace(
        "--sandbox", "machine", "wait", "demo", "--state", "ready", "--timeout", "5", "--json",
        env=env,
    )  # fmt: skip
    assert waited.exit_code == 0, waited.describe()
    assert waited.json()["state"] == "ready"
    listing = run_pspace("--sandbox", "machine", "list", "--json", env=env)
    assert [(m["name"], m["state"]) for m in listing.json()["items"]] == [("demo", "ready")]

    reset = run_pspace("sandbox", "reset", env=env)
    assert reset.exit_code == 0, reset.describe()
    assert f"Sandbox state in {state} emptied." in reset.stderr
    empty = run_pspace("--sandbox", "machine", "list", "--json", env=env)
    assert (empty.exit_code, empty.json()["items"]) == (0, [])
