"""What a person sees in a real terminal (tmux) at 80 and 120 columns (issue 15): help, tables."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.helpers import PSPACE
from tests.e2e.tmux import needs_tmux, run_in_terminal

pytestmark = [needs_tmux, pytest.mark.slow]


def terminal_env(home: Path) -> dict[str, str]:
    return {
        "TERM": "xterm-256color",
        "PSPACE_CONFIG_DIR": str(home / "config"),
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "PSPACE_SANDBOX": "1",
        "PSPACE_SANDBOX_STATE": str(home / "sandbox.sqlite3"),
        "PSPACE_CACHE_DIR": str(home / "cache"),
    }


@pytest.mark.parametrize("columns", [80, 120])
def test_machine_create_help_in_a_terminal_cuts_nothing(home: Path, columns: int) -> None:
    screen = run_in_terminal(
        [str(PSPACE), "machine", "create", "--help"], columns=columns, env=terminal_env(home)
    )
    assert all(len(line) <= columns for line in screen.splitlines())
    for name in ("--auto-snapshot-save-count", "--[no-]auto-snapshot-enabled", "--dry-run"):
        assert name in screen
    assert "{hourly|daily|weekly|monthly}" in screen
    assert "[default:" in screen
    assert "Examples:" in screen
    assert "…" not in screen
    assert not re.search("[\u2500-\u257f]", screen)


def test_root_help_in_a_terminal_shows_env_and_default_text(home: Path) -> None:
    screen = run_in_terminal([str(PSPACE), "--help"], columns=80, env=terminal_env(home))
    flat = " ".join(screen.split())
    assert "[env: PSPACE_PROFILE]" in flat
    assert "[default: 3]" in flat
    assert "[env: PAPERSPACE_API_URL]" in flat
    assert "Examples:" in screen


LONG_NAMES = ["research-training-cluster-node-0001-long", "a-machine-with-an-even-longer-name-x"]


@pytest.mark.parametrize("columns", [80, 120])
def test_machine_list_with_long_names_splits_no_token(home: Path, columns: int) -> None:
    env = terminal_env(home)
    for name in LONG_NAMES:
        create = [str(PSPACE), "machine", "create", "-n", name, "--machine-type", "C5"]
        create += ["--template-id", "t0nspur5", "--region", "NY2", "--disk-size", "50", "-y"]
        made = subprocess.run(create, env=env, capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
    screen = run_in_terminal([str(PSPACE), "machine", "list"], columns=columns, env=env)
    table = [line for line in screen.splitlines() if line.startswith(("ID ", "ps"))]
    assert len(table) == 3, screen  # a header and one line per machine: nothing wrapped
    assert all(len(line) <= columns for line in screen.splitlines())
    for line in table[1:]:
        state = line.split()[2]
        assert state in {"provisioning", "starting", "ready"}, line
        assert " NY2 " in line
    if columns == 80:
        assert "…" in screen
