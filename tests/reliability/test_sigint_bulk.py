"""Ctrl-C during a bulk action: the process exits at once, even with workers mid-request."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.helpers import arm, served_sandbox, spawn, subprocess_env
from tests.reliability.signal_support import (
    PROMPT_EXIT,
    assert_interrupted,
    assert_untouched,
    interrupt,
    ready_machine,
)

pytestmark = pytest.mark.slow


def test_a_bulk_stop_with_requests_in_flight_exits_at_once(
    config_file: tuple[Path, bytes, int],
) -> None:
    with served_sandbox(instant=True, seed=21) as served:
        for index in range(4):
            ready_machine(served.app, name=f"bulk-{index}")
        # Every stop is held for a minute: the workers are all in the middle of a request.
        arm(served.app, "machines-stop:latency=60000")
        process = spawn(
            ["machine", "stop", "--all", "--name-glob", "bulk-*", "--yes", "--parallel", "2"],
            subprocess_env(served.url),
        )
        try:
            assert served.gate.entered.wait(20), "no stop reached the sandbox"
        finally:
            code, stdout, stderr, took = interrupt(process)
    assert code == 130
    assert took < PROMPT_EXIT
    assert stdout == ""
    assert_interrupted(stderr, "stop of 4 machines")
    assert_untouched(config_file)
