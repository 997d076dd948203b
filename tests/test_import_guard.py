"""Start-up guard: what `pspace` imports, checked on the import graph, never on a clock.

Start-up time is the CLI's speed (issue 8; bench/run.py measures it). Timing tests flake,
so this pins the cause instead: each case runs in a fresh interpreter and lists which
heavy modules ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Heavy, and needed only by the code paths that use them (docs/dev/conventions.md).
NEVER_AT_START = (
    "httpx",
    "rich.table",
    "rich.console",
    "pspace_py.sandbox",
    "pydantic",
    "werkzeug",
    "pspace_py.catalog",
    "orjson",
)
# A group's --help builds its commands' options, but sends no request and serves nothing.
NEVER_FOR_HELP = (
    "httpx",
    "pspace_py.sandbox",
    "pydantic",
    "werkzeug",
    "rich.table",
    "orjson",
)

# Runs in the child: import (and optionally run) the CLI, then report the heavy modules.
CHILD = """
import json, sys
out, heavy, args = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
import pspace_py.cli.main as main
code = None
if args:
    try:
        main.app(args, prog_name="pspace")
    except SystemExit as exit_:
        code = exit_.code
loaded = sorted(
    name for name in heavy if any(m == name or m.startswith(name + ".") for m in sys.modules)
)
with open(out, "w") as f:
    json.dump({"loaded": loaded, "code": code}, f)
"""


def loaded_after(
    tmp_path: Path, heavy: tuple[str, ...], *args: str, env: dict[str, str] | None = None
) -> tuple[list[str], str]:
    """Heavy modules in ``sys.modules`` after ``pspace ARGS`` in a fresh interpreter."""
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PAPERSPACE_", "PSPACE_"))
        },
        **(env or {}),
    }
    env["PSPACE_CONFIG_DIR"] = str(tmp_path / "config")
    report = tmp_path / "report.json"
    # stdout is a pipe, not a terminal: that is the plain-help path scripts get.
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(report), json.dumps(heavy), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text())
    assert result["code"] in (None, 0), done.stderr
    return result["loaded"], done.stdout


def test_importing_the_entry_module_loads_nothing_heavy(tmp_path: Path) -> None:
    loaded, _ = loaded_after(tmp_path, NEVER_AT_START)
    assert loaded == []


@pytest.mark.parametrize("args", [["--version"], ["-V"], ["version"]])
def test_version_loads_nothing_heavy(tmp_path: Path, args: list[str]) -> None:
    loaded, stdout = loaded_after(tmp_path, NEVER_AT_START, *args)
    assert stdout.startswith("pspace-py ")
    assert loaded == []


@pytest.mark.parametrize("args", [["--help"], ["-h"]])
def test_root_help_loads_nothing_heavy_and_lists_every_group(
    tmp_path: Path, args: list[str]
) -> None:
    from pspace_py.cli.main import LAZY_COMMANDS

    loaded, stdout = loaded_after(tmp_path, NEVER_AT_START, *args)
    assert loaded == []
    assert "Usage: pspace" in stdout
    assert all(name in stdout for name in LAZY_COMMANDS)
    # Plain text when stdout is not a terminal: no colour, no box drawing.
    assert "\x1b[" not in stdout
    assert "─" not in stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["machine", "list", "--help"],
        ["machine", "--help"],
        ["machine", "stop", "--help"],
        ["machine", "create", "--help"],
        ["sandbox", "serve", "--help"],
    ],
)
def test_command_help_sends_nothing_and_serves_nothing(tmp_path: Path, args: list[str]) -> None:
    loaded, stdout = loaded_after(tmp_path, NEVER_FOR_HELP, *args)
    assert loaded == []
    assert "Usage: pspace" in stdout


MACHINE_MODULES = tuple(
    f"pspace_py.cli.machine.{name}" for name in ("create", "info", "power", "resize", "ssh", "wait")
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "needed"),
    [
        (["machine", "--help"], set()),
        (["machine", "list", "--help"], {"pspace_py.cli.machine.info"}),
        (["machine", "wait", "--help"], {"pspace_py.cli.machine.wait"}),
        (["machine", "ssh", "--help"], {"pspace_py.cli.machine.ssh"}),
        (["machine", "stop", "--help"], {"pspace_py.cli.machine.power"}),
    ],
)
def test_the_machine_group_imports_only_the_command_used(
    tmp_path: Path, args: list[str], needed: set[str]
) -> None:
    loaded, stdout = loaded_after(tmp_path, MACHINE_MODULES, *args)
    assert set(loaded) == needed
    assert "Usage: pspace machine" in stdout


# What one machine's power action, shown to a person with its COST line, does without: the
# bulk runner, the catalog's records and decimal (pspace_py/pricing/current.py prices it).
NOT_FOR_ONE_MACHINE = (
    "pspace_py.bulk",
    "pspace_py.catalog.models",
    "pspace_py.catalog.loading",
    "pspace_py.pricing.rates",
    "decimal",
    "pspace_py.cli.machine.info",
)


@pytest.mark.slow
def test_stopping_one_machine_loads_only_what_it_uses(tmp_path: Path) -> None:
    from pspace_py.sandbox import running

    with running(instant=True) as api:
        machine_id = api.seed_machines(1, name_prefix="one-").first_id
        loaded, stdout = loaded_after(
            tmp_path, NOT_FOR_ONE_MACHINE, "machine", "stop", machine_id, env=api.env
        )
        assert [entry["method"] for entry in api.requests()] == ["PATCH"]
    assert loaded == []
    assert f"ID              {machine_id}" in stdout
    assert "COST            $" in stdout
