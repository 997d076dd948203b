"""docs/cli.md and completions/ are generated from the app and must be current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
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


def test_the_readme_shows_every_generated_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    # The generator sets COLUMNS and NO_COLOR for itself: this test's own are put back after.
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import generate
        from screenshots import SHOTS
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    readme = (ROOT / "README.md").read_text()
    generated = generate.generated_files()
    for path in SHOTS:
        assert f"]({path})" in readme
        assert path in generated  # so --check covers it
        assert generated[path].startswith("<svg")
        assert generated[path] == (ROOT / path).read_text()
