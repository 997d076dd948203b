"""What every `... list` command shares: paging, order, and the JSON envelope."""

from __future__ import annotations

import pytest

from tests.conftest import Invoke

# Every list command, by the official CLI's names.
LIST_COMMANDS = [
    ("machine", "list"),
    ("machine-event", "list"),
    ("snapshot", "list"),
    ("private-network", "list"),
    ("public-ip", "list"),
    ("os-template", "list"),
    ("custom-template", "list"),
    ("startup-script", "list"),
    ("shared-drive", "list"),
]


@pytest.mark.parametrize("command", LIST_COMMANDS, ids=" ".join)
def test_asc_and_desc_together_are_a_usage_error(pspace: Invoke, command: tuple[str, str]) -> None:
    run = pspace(*command, "--asc", "--desc")
    assert run.exit_code == 2
    assert run.stderr == "Error: --asc and --desc cannot be used together.\n"
