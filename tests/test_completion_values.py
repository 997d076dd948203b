"""Every value pspace can know completes, in bash, zsh and fish (issue 15 item 5).

The sandbox (``--sandbox``'s state file) holds one of each resource; each shell runs the
script pspace ships (completions/), asked for the line a user types before Tab:

- bash: the completion function, called as bash calls it (COMP_WORDS, COMP_CWORD);
- fish: ``complete -C LINE``, fish's own completion engine;
- zsh: an interactive ``zsh -f`` in a tmux pane, with compinit, and a real Tab press.

Every run is bounded; nothing but the in-process sandbox is asked.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from pspace_py.completion import kind_of
from tests.cli.command_tree import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PSPACE = str(BIN / "pspace")
TIMEOUT = 30


class Case(NamedTuple):
    line: str  # what is typed before Tab
    expected: tuple[str, ...]


CASES = [
    Case("pspace machine create --region ", ("NY2", "CA1", "AMS1")),
    Case("pspace machine create --machine-type A40", ("A4000", "A4000x2")),
    Case("pspace machine create --template-id prod-u22-c", ("prod-u22-cpu-241018",)),
    Case("pspace machine get ", ("train",)),
    Case("pspace snapshot get ", ("nightly",)),
    Case("pspace network get ", ("lab",)),
    Case("pspace ip assign ", ("IP",)),  # the claimed address, filled in by `world`
    Case("pspace custom-template get ", ("train-image",)),
    Case("pspace startup-script get ", ("setup",)),
    Case("pspace shared-drive get ", ("datasets",)),
    Case("pspace config use ", ("default",)),
]


def run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=TIMEOUT, **kwargs)
    assert done.returncode == 0, f"{shlex.join(args)}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], str]:
    """An environment with one of each resource in the --sandbox state; and the IP claimed.

    Arranged through the API in this process (instant transitions), into the state file the
    shells' `pspace --sandbox` then reads.
    """
    from pspace_py.api.client import ApiClient
    from pspace_py.api.machines import MachinesApi
    from pspace_py.api.private_networks import PrivateNetworksApi
    from pspace_py.api.public_ips import PublicIpsApi
    from pspace_py.api.shared_drives import SharedDrivesApi
    from pspace_py.api.snapshots import SnapshotsApi
    from pspace_py.api.startup_scripts import StartupScriptsApi
    from pspace_py.api.templates import CustomTemplatesApi
    from pspace_py.sandbox import in_process_transport

    home = tmp_path_factory.mktemp("completion")
    env = {
        "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
        "HOME": str(home),
        "TERM": "xterm",
        "PSPACE_SANDBOX": "1",
        "PSPACE_SANDBOX_STATE": str(home / "sandbox.sqlite3"),
        "PSPACE_CONFIG_DIR": str(home / "config"),
        "PSPACE_CACHE_DIR": str(home / "cache"),
    }
    transport = in_process_transport(state_path=home / "sandbox.sqlite3", instant=True)
    with ApiClient("http://sandbox.test/v1", "sandbox-key", transport=transport) as client:
        body = {"machineType": "C5", "templateId": "t0nspur5", "region": "ny2", "diskSize": 50}
        train = MachinesApi(client).create({**body, "name": "train", "startOnCreate": False})
        SnapshotsApi(client).create(train.resource["id"], "nightly")
        CustomTemplatesApi(client).create(train.resource["id"], "train-image")
        lab = PrivateNetworksApi(client).create("lab", "ny2")
        ip = str(PublicIpsApi(client).claim("ny2")["ip"])
        StartupScriptsApi(client).create("setup", "echo hi")
        SharedDrivesApi(client).create(
            name="datasets", size_gb=250, region="ny2", network_id=lab["id"]
        )
    run([PSPACE, "login"], env)  # a profile to complete (the sandbox needs no key)
    return env, ip


def expected(case: Case, ip: str) -> tuple[str, ...]:
    return tuple(ip if value == "IP" else value for value in case.expected)


def bash_candidates(line: str, env: dict[str, str]) -> list[str]:
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    script = (
        f"source {shlex.quote(str(ROOT / 'completions' / 'pspace.bash'))}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(word) for word in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_pspace_completion pspace\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    return run(["bash", "--norc", "--noprofile", "-c", script], env).stdout.splitlines()


def fish_candidates(line: str, env: dict[str, str]) -> list[str]:
    script = (
        f"source {shlex.quote(str(ROOT / 'completions' / 'pspace.fish'))}; "
        f"complete -C {shlex.quote(line)}"
    )
    shown = run(["fish", "--no-config", "-c", script], env).stdout.splitlines()
    return [entry.split("\t")[0] for entry in shown]


def needs(shell: str) -> Any:
    return pytest.mark.skipif(shutil.which(shell) is None, reason=f"{shell} is not installed")


DRIVERS = {"bash": bash_candidates, "fish": fish_candidates}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.line for case in CASES])
@pytest.mark.parametrize("shell", sorted(DRIVERS))
def test_bash_and_fish_complete(world: tuple[dict[str, str], str], shell: str, case: Case) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    env, ip = world
    shown = DRIVERS[shell](case.line, env)
    assert set(expected(case, ip)) <= set(shown), shown


@pytest.mark.slow
@needs("zsh")
@needs("tmux")
def test_zsh_completes_at_a_real_tab(world: tuple[dict[str, str], str]) -> None:
    from tests.e2e.tmux import Terminal

    env, ip = world
    script = shlex.quote(str(ROOT / "completions" / "_pspace.zsh"))
    with Terminal(["zsh", "-f"], columns=200, env=env, timeout=TIMEOUT) as terminal:
        # LIST_AMBIGUOUS off: the first Tab lists the candidates even when it can also insert
        # their common prefix.
        terminal.press("PS1='zsh> '; unsetopt LIST_AMBIGUOUS; autoload -U compinit && compinit -u")
        terminal.press("Enter")
        terminal.press(f"source {script}")
        terminal.press("Enter")
        for case in CASES:
            terminal.press("clear", "Enter")
            terminal.wait_until(lambda screen: screen.strip() == "zsh>")
            terminal.clear_history()
            terminal.press(case.line, "Tab")
            for value in expected(case, ip):
                terminal.wait_for(value)
            terminal.press("C-u")
        terminal.press("exit", "Enter")
        terminal.finish()


def test_every_region_and_machine_type_option_completes() -> None:
    """Whatever the command, an option named like one of the others completes like it."""
    kinds: dict[str, set[str | None]] = {}
    for _, command in COMMANDS:
        for param in command.params:
            for name in getattr(param, "opts", ()):
                kinds.setdefault(name, set()).add(kind_of(param))
    assert kinds["--region"] == {"region"}
    assert kinds["--machine-type"] == {"machine-type"}
    assert kinds["--template-id"] == {"template"}
    assert kinds["--profile"] == {"profile"}


@pytest.mark.parametrize(
    ("noun", "kind"),
    [
        ("MACHINE", "machine"),
        ("SNAPSHOT", "snapshot"),
        ("NETWORK", "network"),
        ("IP", "ip"),
        ("TEMPLATE", "custom-template"),
        ("SCRIPT", "startup-script"),
        ("DRIVE", "shared-drive"),
        ("GROUP", "autoscaling-group"),
    ],
)
def test_every_argument_named_for_a_resource_completes_it(noun: str, kind: str) -> None:
    arguments = [
        param
        for _, command in COMMANDS
        for param in command.params
        if param.param_type_name == "argument" and str(param.metavar).strip("[].") == noun
    ]
    assert arguments, f"no argument is shown as {noun}"
    assert {kind_of(param) for param in arguments} == {kind}


def test_choices_keep_their_own_completion() -> None:
    with_choices = [
        param
        for _, command in COMMANDS
        for param in command.params
        if getattr(param.type, "choices", None)
    ]
    assert with_choices
    assert {kind_of(param) for param in with_choices} == {None}
