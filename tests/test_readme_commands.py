"""The README's commands for developers are the ones CI runs (.ci/run), word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ci_test_command() -> str:
    """The suite's command in .ci/run: the line after its 'README's test command' comment."""
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    marker = next(i for i, line in enumerate(lines) if "The README's test command" in line)
    return lines[marker + 1].strip()


def test_the_readme_test_command_is_what_ci_runs() -> None:
    command = ci_test_command()
    assert command.startswith("python -m pytest")
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    shown = re.search(r"Run the tests:\n\n```console\n\$ (.*?)\n```", quickstart)
    assert shown is not None
    assert shown.group(1) == f"pip install -e '.[dev]' && {command}"
    development = readme.split("\n## Development\n", 1)[1].split("\n## ", 1)[0]
    assert f"`{command}`" in development
