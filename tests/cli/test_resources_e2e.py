"""End to end: the installed `pspace` in a subprocess against a served sandbox on loopback.

One afternoon around a machine: a private network with a shared drive, a static IP, a
startup script, a snapshot before a risky change and its restore, a template, the events.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from pspace_py.sandbox.server import SandboxServer
from tests.run import Run

pytestmark = pytest.mark.e2e


@pytest.fixture
def served() -> Iterator[SandboxServer]:
    with SandboxServer(instant=True, port=0) as server:
        yield server


def run(server: SandboxServer, *args: str, stdin: str | None = None) -> Run:
    env = {**os.environ, "PAPERSPACE_API_URL": server.url, "PAPERSPACE_API_KEY": "sandbox-key"}
    env.pop("PSPACE_SANDBOX", None)
    done = subprocess.run(
        [sys.executable, "-m", "pspace_py", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def ok(server: SandboxServer, *args: str, stdin: str | None = None) -> Run:
    result = run(server, *args, stdin=stdin)
    assert result.exit_code == 0, f"pspace {' '.join(args)}: {result.stderr}"
    return result


@pytest.mark.slow
def test_a_machine_and_everything_around_it(served: SandboxServer) -> None:
    from pspace_py.api.client import ApiClient
    from pspace_py.api.machines import MachinesApi

    network_id = ok(served, "network", "create", "-n", "lab", "-r", "NY2", "-q").stdout.strip()
    with ApiClient(served.url, "sandbox-key") as client:
        body = {"name": "box", "machineType": "C4", "templateId": "t0nspur5", "region": "ny2"}
        machine = MachinesApi(client).create({**body, "diskSize": 50, "networkId": network_id})
    machine_id = machine.resource["id"]

    drive = ok(served, "shared-drive", "create", "-n", "data", "--size", "250",
               "--network-id", "lab", "--json").json()  # fmt: skip
    assert drive["networkId"] == network_id
    refused = run(served, "network", "delete", "lab", "--yes")
    assert refused.exit_code == 5
    assert machine_id in refused.stderr

    address = ok(served, "public-ip", "claim", "--region", "ny2", "-q").stdout.strip()
    assert (
        ok(served, "ip", "assign", address, "-m", "box", "--json").json()["assignedMachineId"]
        == machine_id
    )
    assert run(served, "ip", "release", address).exit_code == 5  # no terminal, no --yes

    script = ok(served, "startup-script", "create", "-n", "boot", "--file", "-", "-q",
                stdin="#!/bin/sh\necho hi\n").stdout.strip()  # fmt: skip
    ok(served, "startup-script", "assign", "boot", "-m", "box")
    ok(served, "startup-script", "update", script, "--no-enabled")
    scripts = ok(served, "startup-script", "list", "--json").json()["items"]
    assert scripts[0]["assignedMachineIds"] == [machine_id]
    assert scripts[0]["isEnabled"] is False
    ok(served, "startup-script", "unassign", "boot", "-m", "box", "--yes")

    snapshot = ok(served, "snapshot", "create", "-m", "box", "-n", "before", "--wait", "--json")
    assert snapshot.json()["event"]["state"] == "done"
    ok(served, "snapshot", "update", "before", "-n", "before-upgrade")
    shown = ok(served, "snapshot", "get", "before-upgrade", "-F", "machineId")
    assert shown.stdout.split() == ["MACHINEID", machine_id]
    restored = ok(served, "snapshot", "restore", "before-upgrade", "--yes", "--wait", "--json")
    assert restored.json()["event"]["name"] == "snapshot-restore"

    events = ok(served, "machine-event", "list", "-m", "box", "--state", "done", "--all", "--json")
    done = events.json()["items"]
    assert {"create", "snapshot-create", "snapshot-restore"} <= {event["name"] for event in done}
    event_id = done[0]["id"]
    assert ok(served, "machine-event", "get", event_id, "--json").json()["id"] == event_id

    assert "t0nspur5" in ok(served, "os-template", "list", "--machine-type", "C4", "-q").stdout
    with ApiClient(served.url, "sandbox-key") as client:
        MachinesApi(client).stop(machine_id)  # a template is made from a machine that is off
    ok(served, "custom-template", "create", "-m", "box", "-n", "golden", "--wait")
    ok(served, "custom-template", "update", "golden", "-n", "golden-2")
    assert ok(served, "custom-template", "list", "-q").stdout.strip()
    ok(served, "custom-template", "delete", "golden-2", "--yes")

    ok(served, "ip", "unassign", address, "--yes")
    ok(served, "ip", "release", address, "--yes")
    ok(served, "snapshot", "delete", "before-upgrade", "--yes", "--wait")
    ok(served, "shared-drive", "update", "data", "-n", "data-2")
    ok(served, "shared-drive", "delete", "data-2", "--yes")
    ok(served, "startup-script", "delete", "boot", "--yes")
    assert ok(served, "ip", "list", "--json").json()["items"] == []
    assert ok(served, "snapshot", "list", "--json").json()["items"] == []
