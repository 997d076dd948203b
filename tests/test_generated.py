"""docs/cli.md and completions/ are generated from the app and must be current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_files_are_current() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_cli_reference_lists_every_command_group() -> None:
    from pspace_py.cli.main import LAZY_COMMANDS

    reference = (ROOT / "docs" / "cli.md").read_text()
    for name in LAZY_COMMANDS:
        assert f"## `pspace {name}`" in reference


def test_completion_scripts_call_back_into_pspace() -> None:
    for name in ("pspace.bash", "_pspace.zsh", "pspace.fish", "pspace.ps1"):
        script = (ROOT / "completions" / name).read_text()
        assert "_PSPACE_COMPLETE" in script
        assert "pspace" in script
