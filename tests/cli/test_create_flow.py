"""The console's create flow, driven through a real pseudo-terminal as a person types it.

`pspace --sandbox machine create` with no options runs in a pty (pexpect): each question is
waited for (with a deadline), answered with the keys a person presses, and the machine the
flow made is then read back with `pspace --sandbox machine get`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import base_env

pexpect = pytest.importorskip("pexpect")

PSPACE = str(Path(sys.executable).parent / "pspace")
DOWN, ENTER, CLEAR_LINE, CTRL_C = "\x1b[B", "\r", "\x15", "\x03"
STEP_TIMEOUT = 20


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    env = base_env(tmp_path)
    env.update(
        TERM="xterm",
        # pexpect answers no cursor-position request; a real terminal does.
        PROMPT_TOOLKIT_NO_CPR="1",
    )
    return env


@pytest.fixture
def flow(terminal_env: dict[str, str]) -> Iterator[pexpect.spawn]:
    child = pexpect.spawn(
        PSPACE,
        ["--sandbox", "machine", "create"],
        env=terminal_env,
        encoding="utf-8",
        timeout=STEP_TIMEOUT,
        dimensions=(40, 120),
    )
    yield child
    child.close(force=True)


def answer(child: pexpect.spawn, question: str, keys: str) -> str:
    """Wait for ``question`` (a regex), type ``keys``; returns what was shown before it."""
    child.expect(question)
    before = str(child.before)
    child.send(keys)
    return before


def pspace(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PSPACE, "--sandbox", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_the_flow_walks_the_consoles_steps_and_creates_the_machine(
    flow: pexpect.spawn, terminal_env: dict[str, str]
) -> None:
    answer(flow, "Machine type", "C5")  # typing filters the list
    shown = answer(flow, r"C5\s+\$0\.08/hr\s+4 CPUs\s+8 GB", ENTER)
    answer(flow, "Template for C5", "prod-u22-cpu")
    answer(flow, "t0nspur5", ENTER)
    answer(flow, "Disk size", "")
    answer(flow, r"50 GB\s+\$0\.0074/hr\s+capped at \$5\.00/mo", "")
    answer(flow, r"2000 GB\s+\$0\.1786/hr", ENTER)
    answer(flow, r"Machine name", "")
    answer(flow, r"c5-[0-9a-f]{4}", CLEAR_LINE + "demo-1" + ENTER)  # a generated default
    answer(flow, "Region", "")
    answer(flow, "AMS1", ENTER)  # the first, NY2
    answer(flow, "Public IP", "")
    answer(flow, r"static\s+\$3\.00/mo until released", DOWN + ENTER)
    answer(flow, "Private network in NY2", "")
    answer(flow, "create a new private network", DOWN + ENTER)
    answer(flow, "Name of the new private network", "lab" + ENTER)
    answer(flow, "Auto snapshots", "")
    answer(flow, "monthly", DOWN + DOWN + ENTER)  # daily
    answer(flow, r"Snapshots to keep", CLEAR_LINE + "3" + ENTER)
    answer(flow, "Start the machine as soon as it is ready", ENTER)
    summary = answer(flow, r"Create this machine\? \[y/N\]", "y" + ENTER)
    flow.expect(pexpect.EOF)
    flow.close()

    assert flow.exitstatus == 0, flow.before
    assert "-- CPU --" in shown
    assert "private network 'lab' (new)" in summary
    assert "Cost while running" in summary
    assert "until released, after deactivation too" in summary  # the static IP's own line
    machine = json.loads(pspace(terminal_env, "machine", "get", "demo-1", "--json").stdout)
    assert machine["machineType"] == "C5"
    assert machine["publicIpType"] == "static"
    assert machine["autoSnapshotFrequency"] == "daily"
    assert machine["autoSnapshotSaveCount"] == 3
    networks = json.loads(pspace(terminal_env, "network", "list", "--json").stdout)["items"]
    assert [(n["name"], n["id"]) for n in networks] == [("lab", machine["networkId"])]


@pytest.mark.slow
def test_options_on_the_command_line_are_not_asked_again(terminal_env: dict[str, str]) -> None:
    child = pexpect.spawn(
        PSPACE,
        ["--sandbox", "machine", "create", "--machine-type", "C4", "--region", "CA1",
         "--public-ip-type", "dynamic", "--no-start-on-create", "--no-auto-snapshot-enabled",
         "-n", "given"],
        env=terminal_env,
        encoding="utf-8",
        timeout=STEP_TIMEOUT,
        dimensions=(40, 120),
    )  # fmt: skip
    try:
        answer(child, "Template for C4", "prod-u22-cpu")
        answer(child, "t0nspur5", ENTER)
        answer(child, "Disk size", ENTER)
        answer(child, "Private network in CA1", ENTER)
        index = child.expect([r"Create this machine\?", "Machine type", "Machine name", "Region"])
        assert index == 0, "a question was asked that the command line had answered"
        child.send("y" + ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    machine = json.loads(pspace(terminal_env, "machine", "get", "given", "--json").stdout)
    assert (machine["machineType"], machine["region"]) == ("C4", "West Coast (CA1)")


@pytest.mark.slow
def test_ctrl_c_in_the_flow_exits_130_and_creates_nothing(
    flow: pexpect.spawn, terminal_env: dict[str, str]
) -> None:
    answer(flow, "Machine type", "C5")
    answer(flow, r"C5\s+\$0\.08/hr", ENTER)
    answer(flow, "Template for C5", CTRL_C)
    flow.expect(pexpect.EOF)
    flow.close()

    assert flow.exitstatus == 130
    listed = json.loads(pspace(terminal_env, "machine", "list", "--json").stdout)
    assert listed["items"] == []


@pytest.mark.parametrize(
    "args",
    [["machine", "create", "--help"], ["machine", "create", "-n", "x"]],  # help; no terminal
)
def test_the_prompt_library_loads_only_for_the_flow(
    tmp_path: Path, terminal_env: dict[str, str], args: list[str]
) -> None:
    child = (
        "import sys, pspace_py.cli.main as main\n"
        "try:\n    main.app(sys.argv[1:], prog_name='pspace')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('questionary', 'prompt_toolkit') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child, "--sandbox", *args],
        env=terminal_env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr
